//! "Add to home screen": keeps the browser's install prompt until the courier asks for it.

use gloo_events::EventListener;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

#[derive(Clone, Copy)]
pub struct InstallPrompt {
    pub available: RwSignal<bool>,
    event: StoredValue<Option<JsValue>, LocalStorage>,
}

impl InstallPrompt {
    /// Starts listening for `beforeinstallprompt`; the offer appears once the browser allows it.
    pub fn listen() -> InstallPrompt {
        let prompt = InstallPrompt {
            available: RwSignal::new(false),
            event: StoredValue::new_local(None),
        };
        // Listens as long as the app runs.
        EventListener::new(&window(), "beforeinstallprompt", move |event| {
            event.prevent_default();
            prompt.event.set_value(Some(event.clone().into()));
            prompt.available.set(true);
        })
        .forget();
        prompt
    }

    /// Shows the browser's install dialog (it can be used once).
    pub fn prompt(self) {
        if let Some(event) = self.event.get_value() {
            if let Ok(show) = js_sys::Reflect::get(&event, &"prompt".into()) {
                if let Ok(show) = show.dyn_into::<js_sys::Function>() {
                    let _ = show.call0(&event);
                }
            }
        }
        self.event.set_value(None);
        self.available.set(false);
    }
}
