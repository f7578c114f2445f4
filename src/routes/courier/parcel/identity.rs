//! A pickup's first screen: the sender's identity document checked (实名收寄), each field's
//! problem beside it in the page's language.

use super::fields::step_input;
use crate::i18n::{tr, use_lang, Key};
use crate::routes::courier::draft::{Draft, DraftErrors};
use crate::routes::courier::safety::IdentityDraft;
use doorstep_core::identity::DocumentType;
use leptos::prelude::*;

#[component]
pub fn IdentityStep(draft: RwSignal<Draft>, errors: RwSignal<DraftErrors>) -> impl IntoView {
    let lang = use_lang();
    let company = move || draft.with(|d| d.identity.company);
    let person_error = move || {
        errors
            .with(|e| e.identity.person)
            .map(|e| e.message(lang.get()))
    };
    let edit = move |change: fn(&mut IdentityDraft, bool), value: bool| {
        draft.update(|d| {
            d.identity.checked_at = None;
            change(&mut d.identity, value);
        });
        errors.update(|e| e.identity = Default::default());
    };
    view! {
        <fieldset class="field" data-testid="identity-step">
            <legend class="field__label">{tr(Key::IdentityTitle)}</legend>
            <label class="field">
                <span class="field__label">{tr(Key::DocumentType)}</span>
                <select name="document"
                    prop:value=move || draft.with(|d| d.identity.document.code())
                    on:change=move |ev| {
                        let chosen = DocumentType::from_code(&event_target_value(&ev));
                        draft.update(|d| {
                            d.identity.checked_at = None;
                            d.identity.document = chosen.unwrap_or(d.identity.document);
                        });
                        errors.update(|e| e.identity = Default::default());
                    }>
                    {DocumentType::ALL.into_iter().map(|t| view! {
                        <option value=t.code()>{move || t.label(lang.get())}</option>
                    }).collect_view()}
                </select>
            </label>
            {step_input!(draft, errors, ("id_number", Key::IdNumber, "text"), identity.number, checked_at)}
            {step_input!(draft, errors, ("sender_name", Key::SenderName, "text"), identity.name, checked_at)}
            <label class="choice">
                <input type="checkbox" name="company"
                    prop:checked=company
                    on:change=move |ev| edit(|i, v| i.company = v, event_target_checked(&ev)) />
                <span>{tr(Key::CompanySender)}</span>
            </label>
            <Show when=company>
                {step_input!(draft, errors, ("credit_code", Key::CreditCode, "text"), identity.credit_code, checked_at)}
            </Show>
            <label class="choice">
                <input type="checkbox" name="person_matches" aria-describedby="person-error"
                    prop:checked=move || draft.with(|d| d.identity.person_matches)
                    on:change=move |ev| edit(|i, v| i.person_matches = v, event_target_checked(&ev)) />
                <span>{tr(Key::PersonMatches)}</span>
            </label>
            <span id="person-error" class="field__error" role="alert">{person_error}</span>
        </fieldset>
    }
}
