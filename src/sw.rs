//! Registers the service worker that keeps the app shell on the device, and notices when a new
//! version is waiting so the courier can switch when it suits them.

use gloo_events::EventListener;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
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
            // The listeners live as long as the page.
            let reg = registration.clone();
            EventListener::new(&registration, "updatefound", move |_| {
                let Some(installing) = reg.installing() else {
                    return;
                };
                let worker = installing.clone();
                EventListener::new(&installing, "statechange", move |_| {
                    let installed = worker.state() == web_sys::ServiceWorkerState::Installed;
                    // With no controller this is the first install, not an update.
                    if installed && window().navigator().service_worker().controller().is_some() {
                        update.waiting.set(true);
                    }
                })
                .forget();
            })
            .forget();
        });
        update
    }

    /// Lets the waiting worker take over and reloads once it controls the page. Records are in
    /// IndexedDB and the draft is saved as typed, so nothing is lost by the reload.
    pub fn apply(self) {
        let container = window().navigator().service_worker();
        EventListener::new(&container, "controllerchange", |_| {
            let _ = window().location().reload();
        })
        .forget();
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

/// Calls `handle` with every text message a service worker posts to this page.
pub fn on_worker_message(handle: impl Fn(String) + 'static) {
    let container = window().navigator().service_worker();
    EventListener::new(&container, "message", move |event| {
        let text = event
            .dyn_ref::<web_sys::MessageEvent>()
            .and_then(|message| message.data().as_string());
        if let Some(text) = text {
            handle(text);
        }
    })
    // Unlike `onmessage`, a listener does not start delivery at once: queued messages arrive
    // when the document has loaded.
    .forget();
}

/// Asks for a Background Sync, where the browser has it, so the service worker wakes an open page
/// when the connection returns. Browsers without it rely on the retry timer and `online`.
pub fn request_background_sync() {
    leptos::task::spawn_local(async move {
        let container = window().navigator().service_worker();
        let Ok(registration) = JsFuture::from(
            container
                .ready()
                .unwrap_or_else(|_| js_sys::Promise::resolve(&JsValue::NULL)),
        )
        .await
        else {
            return;
        };
        let sync =
            js_sys::Reflect::get(&registration, &"sync".into()).unwrap_or(JsValue::UNDEFINED);
        let register = js_sys::Reflect::get(&sync, &"register".into()).ok();
        if let Some(register) = register.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
            if let Ok(promise) = register.call1(&sync, &"doorstep-sync".into()) {
                let _ = JsFuture::from(js_sys::Promise::from(promise)).await;
            }
        }
    });
}
