//! The station's photo rules on the device: kept in local storage like the tariff table, so the
//! parcel screen asks for the photos the station wants with no signal, and refreshed whenever
//! the device reaches the server.

use crate::storage::local::{self, LocalKey};
use doorstep_core::proof::ProofRules;
use doorstep_core::Lang;
use leptos::prelude::*;

/// The rules the parcel screen applies.
#[derive(Clone, Copy)]
pub struct StationProofRules {
    pub rules: RwSignal<ProofRules>,
}

impl StationProofRules {
    /// The cached rules, or the defaults (photos optional) before the first check.
    pub fn load() -> StationProofRules {
        let cached: Option<ProofRules> = local::get(LocalKey::ProofRules);
        StationProofRules {
            rules: RwSignal::new(cached.unwrap_or_default()),
        }
    }

    /// Fetches the station's rules and keeps them; offline the cached ones stay in use.
    pub async fn refresh(self, token: &str, lang: Lang) {
        if let Ok(rules) = crate::api::proof_rules(token, lang).await {
            if rules != self.rules.get_untracked() {
                local::set(LocalKey::ProofRules, &rules);
                self.rules.set(rules);
            }
        }
    }
}

pub fn use_proof_rules() -> StationProofRules {
    expect_context::<StationProofRules>()
}
