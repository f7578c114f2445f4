//! The recipient (or, for a pickup, the sender): phone, shown masked, name and address. A route
//! parcel's phone and name come from the manifest and are only shown masked, with a call button.

use super::call::CallControls;
use super::fields::text_field;
use crate::i18n::{tr, use_lang, Key};
use crate::routes::courier::draft::{Draft, DraftErrors};
use doorstep_core::masking::{mask_name, mask_phone};
use doorstep_core::phone::parse_mobile;
use doorstep_core::Violation;
use leptos::prelude::*;

#[component]
pub fn RecipientFields(draft: RwSignal<Draft>, errors: RwSignal<DraftErrors>) -> impl IntoView {
    let lang = use_lang();
    let masked_phone = move || draft.with(|d| parse_mobile(&d.phone).ok().map(|p| mask_phone(&p)));
    let planned = move || draft.with(|d| d.planned);
    let masked_name = move || draft.with(|d| mask_name(&d.name));
    view! {
        <fieldset class="field group">
            <legend class="field__label">
                {move || if draft.with(Draft::is_pickup) { Key::Sender.text(lang.get()) } else { Key::Recipient.text(lang.get()) }}
            </legend>
            <Show when=planned fallback=move || view! { <TypedContact draft=draft errors=errors/> }>
                <div class="field" data-testid="planned-recipient">
                    <span class="field__label">{tr(Key::Phone)}</span>
                    <p class="planned">
                        <span data-testid="masked-phone">{move || masked_phone().unwrap_or_default()}</span>
                        <span>{masked_name}</span>
                        <CallControls draft=draft/>
                    </p>
                    <span class="field__hint">{tr(Key::FromManifest)}</span>
                </div>
            </Show>
            {text_field(draft, "compound", Key::Compound, |d| d.address.compound.clone(), |d, v| d.address.compound = v)}
            <div class="field-row field-row--3">
                {text_field(draft, "building", Key::Building, |d| d.address.building.clone(), |d, v| d.address.building = v)}
                {text_field(draft, "unit", Key::Unit, |d| d.address.unit.clone(), |d, v| d.address.unit = v)}
                {text_field(draft, "room", Key::Room, |d| d.address.room.clone(), |d, v| d.address.room = v)}
            </div>
        </fieldset>
    }
}

/// Phone and name as the courier types them, for a parcel that is not on the route.
#[component]
fn TypedContact(draft: RwSignal<Draft>, errors: RwSignal<DraftErrors>) -> impl IntoView {
    let lang = use_lang();
    let phone_error = move || {
        errors
            .with(|e| e.phone.is_some())
            .then(|| Violation::InvalidPhone.message(lang.get()))
    };
    let masked_phone = move || draft.with(|d| parse_mobile(&d.phone).ok().map(|p| mask_phone(&p)));
    view! {
            <label class="field">
                <span class="field__label">{tr(Key::Phone)}</span>
                <input name="phone" type="tel" inputmode="tel" autocomplete="off"
                    aria-describedby="phone-error" aria-invalid=move || phone_error().is_some().to_string()
                    prop:value=move || draft.with(|d| d.phone.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| d.phone = v);
                        errors.update(|e| e.phone = None);
                    } />
                <span id="phone-error" class="field__error" role="alert">{phone_error}</span>
                <span class="field__hint" data-testid="masked-phone">
                    {move || masked_phone().map(|m| format!("{} {m}", Key::ShownAs.text(lang.get())))}
                </span>
            </label>
            {text_field(draft, "name", Key::RecipientName, |d| d.name.clone(), |d, v| d.name = v)}
    }
}
