//! A delivery method without its place, as a form chooses it, a consent is about and a link
//! offers it; a leaf module, so every module can name it.

use serde::{Deserialize, Serialize};

/// Before the locker bank or station is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    #[default]
    Door,
    Locker,
    Station,
}

impl MethodKind {
    pub const ALL: [MethodKind; 3] = [MethodKind::Door, MethodKind::Locker, MethodKind::Station];

    /// Stable code used in storage, filters and exports (the serde name).
    pub fn code(self) -> &'static str {
        match self {
            MethodKind::Door => "door",
            MethodKind::Locker => "locker",
            MethodKind::Station => "station",
        }
    }

    pub fn from_code(code: &str) -> Option<MethodKind> {
        MethodKind::ALL.into_iter().find(|m| m.code() == code)
    }
}
