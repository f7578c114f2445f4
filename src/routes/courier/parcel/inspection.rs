//! A pickup's second screen: the item inspected in the sender's presence (收寄验视) and checked
//! against the prohibited-items catalogue, each field's problem beside it.

use super::fields::step_input;
use crate::i18n::{tr, use_lang, Key};
use crate::routes::courier::draft::{Draft, DraftErrors};
use doorstep_core::inspection::{catalogue, ItemNature};
use leptos::prelude::*;

#[component]
pub fn InspectionStep(draft: RwSignal<Draft>, errors: RwSignal<DraftErrors>) -> impl IntoView {
    let lang = use_lang();
    let categories = catalogue().categories;
    let presence_error = move || {
        errors
            .with(|e| e.inspection.presence)
            .map(|e| e.message(lang.get()))
    };
    let clear = move || {
        errors.update(|e| e.inspection = Default::default());
    };
    view! {
        <fieldset class="field" data-testid="inspection-step">
            <legend class="field__label">{tr(Key::InspectionTitle)}</legend>
            {step_input!(draft, errors, ("item_name", Key::ItemName, "text"), inspection.item_name, inspected_at)}
            <label class="field">
                <span class="field__label">{tr(Key::ItemNature)}</span>
                <select name="nature"
                    prop:value=move || draft.with(|d| d.inspection.nature.code())
                    on:change=move |ev| {
                        let chosen = ItemNature::from_code(&event_target_value(&ev));
                        draft.update(|d| {
                            d.inspection.inspected_at = None;
                            d.inspection.nature = chosen.unwrap_or(d.inspection.nature);
                        });
                    }>
                    {ItemNature::ALL.into_iter().map(|n| view! {
                        <option value=n.code()>{move || n.label(lang.get())}</option>
                    }).collect_view()}
                </select>
            </label>
            {step_input!(draft, errors, ("quantity", Key::Quantity, "numeric"), inspection.quantity, inspected_at)}
            <label class="choice">
                <input type="checkbox" name="in_presence" aria-describedby="presence-error"
                    prop:checked=move || draft.with(|d| d.inspection.in_presence)
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        draft.update(|d| {
                            d.inspection.inspected_at = None;
                            d.inspection.in_presence = checked;
                        });
                        clear();
                    } />
                <span>{tr(Key::InPresence)}</span>
            </label>
            <span id="presence-error" class="field__error" role="alert">{presence_error}</span>
            <label class="field">
                <span class="field__label">{tr(Key::ProhibitedCheck)}</span>
                <select name="prohibited"
                    prop:value=move || draft.with(|d| d.inspection.prohibited.clone().unwrap_or_default())
                    on:change=move |ev| {
                        let code = event_target_value(&ev);
                        draft.update(|d| {
                            d.inspection.inspected_at = None;
                            d.inspection.prohibited = (!code.is_empty()).then_some(code);
                        });
                    }>
                    <option value="">{tr(Key::NothingProhibited)}</option>
                    {categories.into_iter().map(|c| {
                        let code = c.code.clone();
                        view! { <option value=code>{move || c.name(lang.get()).to_string()}</option> }
                    }).collect_view()}
                </select>
            </label>
        </fieldset>
    }
}
