//! Registers the service worker that keeps the app shell on the device, and notices when a new
//! version is waiting so the courier can switch when it suits them.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Reactive view of the service worker: whether a new version waits to take over.
#[derive(Clone, Copy)]
pub struct AppUpdate {
    pub waiting: RwSignal<bool>,
}

impl AppUpdate {
    pub fn register() -> AppUpdate {
        let update = AppUpdate {
            waiting: RwSignal::new(false),
        };
        let container = window().navigator().service_worker();
        leptos::task::spawn_local(async move {
            let Ok(registration) = JsFuture::from(container.register("/sw.js")).await else {
                return;
            };
            let registration: web_sys::ServiceWorkerRegistration = registration.unchecked_into();
            if registration.waiting().is_some()
                && window().navigator().service_worker().controller().is_some()
            {
                update.waiting.set(true);
            }
            let reg = registration.clone();
            let on_update = Closure::<dyn Fn()>::new(move || {
                if let Some(installing) = reg.installing() {
                    let installing_ref = installing.clone();
                    let on_state = Closure::<dyn Fn()>::new(move || {
                        let installed =
                            installing_ref.state() == web_sys::ServiceWorkerState::Installed;
                        // With no controller this is the first install, not an update.
                        if installed && window().navigator().service_worker().controller().is_some()
                        {
                            update.waiting.set(true);
                        }
                    });
                    installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
                    on_state.forget();
                }
            });
            registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
            on_update.forget();
        });
        update
    }

    /// Lets the waiting worker take over and reloads once it controls the page. Records are in
    /// IndexedDB and the draft is saved as typed, so nothing is lost by the reload.
    pub fn apply(self) {
        let container = window().navigator().service_worker();
        let reload = Closure::<dyn Fn()>::new(|| {
            let _ = window().location().reload();
        });
        container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
        reload.forget();
        leptos::task::spawn_local(async move {
            let container = window().navigator().service_worker();
            if let Ok(reg) = JsFuture::from(container.get_registration()).await {
                let reg: web_sys::ServiceWorkerRegistration = reg.unchecked_into();
                if let Some(waiting) = reg.waiting() {
                    let _ = waiting.post_message(&"skip-waiting".into());
                }
            }
        });
    }
}
