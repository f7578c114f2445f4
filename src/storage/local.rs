//! Everything the app keeps in localStorage, through `gloo-storage`: the `doorstep.*` keys are
//! named here and nowhere else.

use gloo_storage::{LocalStorage, Storage};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// One localStorage entry of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalKey {
    /// The signed-in session (JSON).
    Session,
    /// The UI language, as its plain tag (`zh`, `en`).
    Lang,
    /// Where this device is in its change feed (a number).
    Cursor,
    /// This installation's random id, as plain text.
    DeviceId,
    /// How many days of synced records the device keeps (a number, set by hand or by tests).
    KeepDays,
    /// The station's tariff table, cached for quotes offline (JSON).
    Tariffs,
    /// The station's photo rules, cached so the parcel screen asks for photos offline (JSON).
    ProofRules,
    /// Consent-link tokens by link id (JSON).
    LinkTokens,
    /// The courier's own order of the route's stops, as each stop's first waybill (JSON).
    RouteOrder,
}

impl LocalKey {
    fn name(self) -> &'static str {
        match self {
            LocalKey::Session => "doorstep.session",
            LocalKey::Lang => "doorstep.lang",
            LocalKey::Cursor => "doorstep.cursor",
            LocalKey::DeviceId => "doorstep.device_id",
            LocalKey::KeepDays => "doorstep.keep_days",
            LocalKey::Tariffs => "doorstep.tariffs",
            LocalKey::ProofRules => "doorstep.proof_rules",
            LocalKey::LinkTokens => "doorstep.link_tokens",
            LocalKey::RouteOrder => "doorstep.route_order",
        }
    }
}

/// Whether this browser lets the page use localStorage at all (blocked storage, some private
/// modes): `gloo-storage` throws without it, and the app works on without keeping these.
fn available() -> bool {
    leptos::prelude::window()
        .local_storage()
        .ok()
        .flatten()
        .is_some()
}

/// The JSON value under `key`; `None` when absent, unreadable or storage is unavailable.
pub fn get<T: DeserializeOwned>(key: LocalKey) -> Option<T> {
    available()
        .then(|| LocalStorage::get(key.name()).ok())
        .flatten()
}

/// Stores `value` as JSON under `key`; without storage it is not kept.
pub fn set<T: Serialize>(key: LocalKey, value: &T) {
    if available() {
        let _ = LocalStorage::set(key.name(), value);
    }
}

/// The plain text under `key`, for entries stored as text rather than JSON.
pub fn get_text(key: LocalKey) -> Option<String> {
    available()
        .then(|| LocalStorage::raw().get_item(key.name()).ok().flatten())
        .flatten()
}

/// Stores `text` as it is under `key`.
pub fn set_text(key: LocalKey, text: &str) {
    if available() {
        let _ = LocalStorage::raw().set_item(key.name(), text);
    }
}

/// Removes `key`.
pub fn forget(key: LocalKey) {
    if available() {
        LocalStorage::delete(key.name());
    }
}
