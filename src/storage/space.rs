//! How much room the browser still gives the app (`navigator.storage.estimate()`), so the
//! courier is warned before a photo fails to save.

use js_sys::Reflect;
use wasm_bindgen_futures::JsFuture;

/// Below this many free bytes the courier is told to sync soon: about 80 photos.
pub const LOW_SPACE_BYTES: f64 = 20.0 * 1024.0 * 1024.0;

/// Bytes the app may still store, as the browser estimates them; `None` where it does not say.
pub async fn room_left() -> Option<f64> {
    let storage = leptos::prelude::window().navigator().storage();
    let estimate = JsFuture::from(storage.estimate().ok()?).await.ok()?;
    let field = |name: &str| Reflect::get(&estimate, &name.into()).ok()?.as_f64();
    Some((field("quota")? - field("usage")?).max(0.0))
}
