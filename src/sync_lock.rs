//! One sync at a time across all of this device's tabs, through the Web Locks API. Two tabs
//! pushing the same queue would not duplicate records (the server is idempotent) but would waste
//! the courier's data plan and battery.

use js_sys::{Function, Object, Promise, Reflect};
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const LOCK_NAME: &str = "doorstep-sync";

/// Runs `work` while holding the device-wide sync lock. Returns `None` without running it when
/// another tab holds the lock. Browsers without Web Locks run `work` directly.
pub async fn with_sync_lock<F, Fut, T>(work: F) -> Option<T>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = T>,
{
    let navigator = leptos::prelude::window().navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).unwrap_or(JsValue::UNDEFINED);
    let Some(request) = Reflect::get(&locks, &"request".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return Some(work().await);
    };

    // `release` resolves the promise the lock callback returns: the lock is held until then.
    let release: Rc<RefCell<Option<Function>>> = Rc::default();
    let held = {
        let release = release.clone();
        Promise::new(&mut |resolve, _| *release.borrow_mut() = Some(resolve))
    };
    // `granted` tells us whether the callback got the lock (null means another tab has it).
    let granted_resolve: Rc<RefCell<Option<Function>>> = Rc::default();
    let granted = {
        let slot = granted_resolve.clone();
        Promise::new(&mut |resolve, _| *slot.borrow_mut() = Some(resolve))
    };
    let callback = Closure::once(move |lock: JsValue| -> JsValue {
        let got_it = !lock.is_null();
        if let Some(resolve) = granted_resolve.borrow_mut().take() {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(got_it));
        }
        if got_it {
            held.into()
        } else {
            Promise::resolve(&JsValue::UNDEFINED).into()
        }
    });
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    if request
        .call3(&locks, &LOCK_NAME.into(), &options, callback.as_ref())
        .is_err()
    {
        return Some(work().await);
    }
    let got_it = JsFuture::from(granted)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    drop(callback);
    if !got_it {
        return None;
    }
    let result = work().await;
    if let Some(resolve) = release.borrow_mut().take() {
        let _ = resolve.call0(&JsValue::NULL);
    }
    Some(result)
}
