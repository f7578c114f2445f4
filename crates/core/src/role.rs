//! Who an account is to the system, as the API names it (`courier`, `supervisor`, `admin`).

use serde::{Deserialize, Serialize};

/// An account's role. The wire form is the lowercase code, as in [`crate::api::Account`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Captures records on a device and syncs them.
    Courier,
    /// Reviews a station's records.
    Supervisor,
    /// Manages accounts and stations.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Courier, Role::Supervisor, Role::Admin];

    /// The wire code (the serde name).
    pub fn code(self) -> &'static str {
        match self {
            Role::Courier => "courier",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_wire_form() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.code()));
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
        }
        assert_eq!(Role::from_code("Courier"), None);
    }
}
