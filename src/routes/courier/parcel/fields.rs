//! The labelled text input every section of the parcel form uses for a plain field.

use crate::i18n::{tr, Key};
use crate::routes::courier::draft::Draft;
use leptos::prelude::*;

/// A labelled text input bound to one field of the draft.
pub fn text_field(
    draft: RwSignal<Draft>,
    name: &'static str,
    label: Key,
    get: fn(&Draft) -> String,
    set: fn(&mut Draft, String),
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field__label">{tr(label)}</span>
            <input name=name autocomplete="off"
                prop:value=move || draft.with(get)
                on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| set(d, v)) } />
        </label>
    }
}
