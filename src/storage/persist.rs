//! Asks the browser to keep the app's storage through storage pressure.

use wasm_bindgen_futures::JsFuture;

/// Asks the browser not to evict the app's storage under pressure; returns whether it agreed.
pub async fn request_persistence() -> bool {
    let storage = leptos::prelude::window().navigator().storage();
    match storage.persist() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    }
}
