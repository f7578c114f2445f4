//! The inputs the sections of the parcel form share: a labelled text field, a radio choice.

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

/// A radio button choosing `value` (shown as `code`) for one enum field of the draft.
pub fn radio<T: Copy + PartialEq + Send + Sync + 'static>(
    draft: RwSignal<Draft>,
    name: &'static str,
    value: T,
    code: &'static str,
    label: Key,
    get: fn(&Draft) -> T,
    set: fn(&mut Draft, T),
) -> impl IntoView {
    view! {
        <label class="choice">
            <input type="radio" name=name value=code
                prop:checked=move || draft.with(|d| get(d) == value)
                on:change=move |_| draft.update(|d| set(d, value)) />
            <span>{tr(label)}</span>
        </label>
    }
}
