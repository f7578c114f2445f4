//! The inputs the sections of the parcel form share: a labelled text field, a radio choice, and
//! a checked step's text field with its problem beside it.

use crate::i18n::{tr, use_lang, Key};
use crate::routes::courier::draft::{Draft, DraftErrors};
use doorstep_core::Lang;
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

/// A text input of a pickup step that is confirmed as a whole (identity, inspection): `set`
/// applies the edit and withdraws the step's confirmation, `clear` forgets the step's problems,
/// `error` is this field's problem in the page's language.
pub fn checked_input(
    draft: RwSignal<Draft>,
    errors: RwSignal<DraftErrors>,
    (name, label, inputmode): (&'static str, Key, &'static str),
    get: fn(&Draft) -> String,
    set: fn(&mut Draft, String),
    clear: fn(&mut DraftErrors),
    error: fn(&DraftErrors, Lang) -> Option<&'static str>,
) -> impl IntoView {
    let lang = use_lang();
    let message = move || errors.with(|e| error(e, lang.get()));
    let id = format!("{name}-error");
    view! {
        <label class="field">
            <span class="field__label">{tr(label)}</span>
            <input name=name autocomplete="off" inputmode=inputmode aria-describedby=id.clone()
                aria-invalid=move || message().is_some().to_string()
                prop:value=move || draft.with(get)
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    draft.update(|d| set(d, v));
                    errors.update(clear);
                } />
            <span id=id class="field__error" role="alert">{message}</span>
        </label>
    }
}

/// [`checked_input`] for `draft.$step.$field`, whose problem is `errors.$step.$field` and whose
/// edit clears the step's confirmation `$stamp` (`checked_at`, `inspected_at`).
macro_rules! step_input {
    ($draft:expr, $errors:expr, $spec:expr, $step:ident . $field:ident, $stamp:ident) => {
        $crate::routes::courier::parcel::fields::checked_input(
            $draft,
            $errors,
            $spec,
            |d| d.$step.$field.clone(),
            |d, v| {
                d.$step.$stamp = None;
                d.$step.$field = v;
            },
            |e| e.$step = Default::default(),
            |e, lang| e.$step.$field.map(|p| p.message(lang)),
        )
    };
}
pub(crate) use step_input;
