//! The station's tariff table on the device: kept in local storage so quotes work with no
//! signal, revalidated by version (ETag) whenever the device reaches the server.

use crate::storage::local::{self, LocalKey};
use doorstep_core::tariff::{self, TariffTable};
use doorstep_core::Lang;
use leptos::prelude::*;

/// The table quotes are made with, and what the device knows about the server's.
#[derive(Clone, Copy)]
pub struct Tariffs {
    pub table: RwSignal<TariffTable>,
    /// Set when a check with the server brought a newer table than the one in use; the tariff
    /// step shows it so a courier mid-quote knows the prices changed.
    pub updated: RwSignal<bool>,
}

impl Tariffs {
    /// The cached table, or the built-in sample before the first check.
    pub fn load() -> Tariffs {
        let cached: Option<TariffTable> = local::get(LocalKey::Tariffs);
        Tariffs {
            table: RwSignal::new(cached.unwrap_or_else(tariff::sample)),
            updated: RwSignal::new(false),
        }
    }

    /// Asks the server whether a newer table exists and, if so, stores and uses it. Offline the
    /// cached table stays in use.
    pub async fn refresh(self, token: &str, lang: Lang) {
        let held = self.table.with_untracked(|t| t.version.clone());
        match crate::api::tariffs(token, &held, lang).await {
            Ok(Some(table)) if table.validate().is_ok() => {
                local::set(LocalKey::Tariffs, &table);
                self.table.set(table);
                self.updated.set(true);
            }
            Ok(_) | Err(_) => {}
        }
    }
}

pub fn use_tariffs() -> Tariffs {
    expect_context::<Tariffs>()
}
