//! A file picker that also takes a file dropped onto it. The chosen file's name and bytes go to
//! `on_file`. While it is shown, a file dropped beside it is ignored instead of the browser
//! opening it in place of the page (which would lose what is on screen).

use crate::i18n::{tr, Key};
use gloo_events::{EventListener, EventListenerOptions};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A file as the supervisor chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads the file, or says it could not (it vanished or was unreadable).
fn read(file: web_sys::File, on_file: Callback<ChosenFile>, unreadable: RwSignal<bool>) {
    let file = gloo_file::File::from(file);
    leptos::task::spawn_local(async move {
        match gloo_file::futures::read_as_bytes(&file).await {
            Ok(bytes) => {
                unreadable.set(false);
                on_file.run(ChosenFile {
                    name: file.name(),
                    bytes,
                });
            }
            Err(_) => unreadable.set(true),
        }
    });
}

/// The file just chosen in a file input's `change`; the input is emptied, so choosing the same
/// file again (after fixing it, or a second photo of the same thing) fires `change` again.
pub fn take_picked(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files().and_then(|files| files.get(0));
    input.set_value("");
    file
}

/// Keeps a dropped file from replacing the page anywhere outside the drop zone.
fn ignore_stray_drops() -> [EventListener; 2] {
    let options = EventListenerOptions::enable_prevent_default();
    ["dragover", "drop"].map(|kind| {
        EventListener::new_with_options(&window(), kind, options, |e| e.prevent_default())
    })
}

#[component]
pub fn FileDrop(
    /// The `accept` attribute of the picker (`.csv,.xlsx`).
    accept: &'static str,
    /// The picker's visible label.
    label: Key,
    on_file: Callback<ChosenFile>,
) -> impl IntoView {
    let over = RwSignal::new(false);
    let unreadable = RwSignal::new(false);
    let chosen = RwSignal::new(None::<String>);
    let listeners = StoredValue::new_local(Some(ignore_stray_drops()));
    on_cleanup(move || listeners.set_value(None));
    let take = Callback::new(move |file: ChosenFile| {
        chosen.set(Some(file.name.clone()));
        on_file.run(file);
    });
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(file) = take_picked(&ev) {
            read(file, take, unreadable);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        let file = ev
            .data_transfer()
            .and_then(|data| data.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            read(file, take, unreadable);
        }
    };
    view! {
        <label class="file-drop" class:file-drop--over=move || over.get() data-testid="file-drop"
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop>
            <span class="file-drop__label">{tr(label)}</span>
            <span class="file-drop__hint">{tr(Key::DropFileHere)}</span>
            <input type="file" class="file-drop__input" accept=accept on:change=on_change/>
            <span class="file-drop__chosen">{move || chosen.get()}</span>
        </label>
        <p class="field__error" role="alert">
            {move || unreadable.get().then(|| tr(Key::FileUnreadable)())}
        </p>
    }
}
