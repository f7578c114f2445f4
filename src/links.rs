//! Consent-link tokens on this device. A token is 128 random bits from the browser's CSPRNG, kept
//! only here; the server receives its SHA-256 inside the record, so a link can be requested with
//! no signal and works once the record has synced.

use crate::storage::local::{self, LocalKey};
use doorstep_core::link::TOKEN_BYTES;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use uuid::Uuid;

/// Tokens by link id, stored as one JSON object with its keys in id order. A sorted list rather
/// than a `BTreeMap`: the app then carries no B-tree code.
#[derive(Default)]
struct Tokens(Vec<(Uuid, String)>);

impl Tokens {
    fn insert(&mut self, id: Uuid, token: String) {
        match self.0.binary_search_by_key(&id, |(id, _)| *id) {
            Ok(at) => self.0[at].1 = token,
            Err(at) => self.0.insert(at, (id, token)),
        }
    }

    fn remove(&mut self, id: &Uuid) -> Option<String> {
        let at = self.0.binary_search_by_key(id, |(id, _)| *id).ok()?;
        Some(self.0.remove(at).1)
    }
}

impl Serialize for Tokens {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(id, token)| (id, token)))
    }
}

impl<'de> Deserialize<'de> for Tokens {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TokensVisitor;
        impl<'de> Visitor<'de> for TokensVisitor {
            type Value = Tokens;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tokens, A::Error> {
                let mut tokens = Tokens::default();
                while let Some((id, token)) = map.next_entry()? {
                    tokens.insert(id, token);
                }
                Ok(tokens)
            }
        }
        deserializer.deserialize_map(TokensVisitor)
    }
}

fn load() -> Tokens {
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
