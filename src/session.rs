//! Who is signed in on this device. The bearer token lives in localStorage so a courier signs in
//! once per device; records themselves live in IndexedDB.

use crate::storage::local::{self, LocalKey};
use doorstep_core::api::Account;
use doorstep_core::Lang;
use doorstep_core::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub account: Account,
    /// The station's salt for preference-book keys.
    #[serde(default)]
    pub preference_salt: String,
}

impl Session {
    pub fn is_courier(&self) -> bool {
        self.account.role == Role::Courier
    }
}

/// The signed-in session, provided at the app's root.
#[derive(Clone, Copy)]
pub struct CurrentSession(pub RwSignal<Option<Session>>);

impl CurrentSession {
    pub fn load() -> CurrentSession {
        CurrentSession(RwSignal::new(local::get(LocalKey::Session)))
    }

    pub fn sign_in(self, session: Session) {
        local::set(LocalKey::Session, &session);
        self.0.set(Some(session));
    }

    /// Ends the session on the server, waits for `clear_device` (the courier app's wipe), then
    /// forgets it here.
    pub fn end(self, lang: Lang, clear_device: impl std::future::Future<Output = ()> + 'static) {
        let token = self
            .0
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()));
        leptos::task::spawn_local(async move {
            if let Some(token) = token {
                let _ = crate::api::logout(&token, lang).await;
            }
            clear_device.await;
            self.sign_out();
        });
    }

    pub fn sign_out(self) {
        local::forget(LocalKey::Session);
        crate::storage::cursor::forget();
        self.0.set(None);
    }
}

pub fn use_session() -> CurrentSession {
    expect_context::<CurrentSession>()
}
