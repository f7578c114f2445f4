//! Consent-link tokens on this device. A token is 128 random bits from the browser's CSPRNG, kept
//! only here; the server receives its SHA-256 inside the record, so a link can be requested with
//! no signal and works once the record has synced.

use crate::storage::local::{self, LocalKey};
use doorstep_core::link::TOKEN_BYTES;
use std::collections::BTreeMap;
use uuid::Uuid;

fn load() -> BTreeMap<Uuid, String> {
    local::get(LocalKey::LinkTokens).unwrap_or_default()
}

/// A fresh token as lowercase hex, or `None` when the browser has no CSPRNG.
pub fn new_token() -> Option<String> {
    let mut bytes = [0u8; TOKEN_BYTES];
    let crypto = leptos::prelude::window().crypto().ok()?;
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Keeps the token of a link this device requested.
pub fn remember(link_id: Uuid, token: &str) {
    let mut tokens = load();
    tokens.insert(link_id, token.to_string());
    local::set(LocalKey::LinkTokens, &tokens);
}

pub fn token_for(link_id: Uuid) -> Option<String> {
    load().remove(&link_id)
}

/// Forgets every token (sign-out).
pub fn forget_all() {
    local::forget(LocalKey::LinkTokens);
}

/// The link the recipient opens: this app's origin, `/c/`, the token.
pub fn url(token: &str) -> String {
    let origin = leptos::prelude::window()
        .location()
        .origin()
        .unwrap_or_default();
    format!("{origin}/c/{token}")
}
