//! The waybill, typed or scanned, and its carrier (detected from the number or chosen).

use crate::components::scanner::ScanButton;
use crate::device::{use_device, Device};
use crate::i18n::{tr, use_lang, Key};
use crate::routes::courier::draft::{Draft, DraftErrors};
use crate::routes::courier::planned::{is_on_route, planned_draft};
use doorstep_core::{Carrier, Waybill};
use leptos::prelude::*;

/// The waybill typed or scanned: a parcel of the route opens with everything known filled in
/// (unless the courier already typed a phone for another parcel); any other number is kept.
fn take_waybill(device: Device, draft: RwSignal<Draft>, code: String) {
    let planned = Waybill::parse(&code)
        .ok()
        .filter(|_| draft.with_untracked(|d| !d.planned && d.phone.trim().is_empty()))
        .and_then(|waybill| planned_draft(device, &waybill));
    match planned {
        Some(next) => draft.set(next),
        None => draft.update(|d| *d = std::mem::take(d).with_waybill(code)),
    }
}

#[component]
pub fn WaybillFields(draft: RwSignal<Draft>, errors: RwSignal<DraftErrors>) -> impl IntoView {
    let lang = use_lang();
    let device = use_device();
    let waybill_error = move || errors.with(|e| e.waybill.map(|w| w.message(lang.get())));
    let unplanned = move || {
        let typed = draft.with(|d| {
            (!d.planned)
                .then(|| Waybill::parse(&d.waybill).ok())
                .flatten()
        });
        typed.is_some_and(|w| !device.parcels.with(Vec::is_empty) && !is_on_route(device, &w))
    };
    view! {
        <label class="field">
            <span class="field__label">{tr(Key::Waybill)}</span>
            <input name="waybill" autocomplete="off" autocapitalize="characters"
                placeholder=move || Key::WaybillHint.text(lang.get())
                aria-describedby="waybill-error" aria-invalid=move || waybill_error().is_some().to_string()
                prop:value=move || draft.with(|d| d.waybill.clone())
                on:input=move |ev| {
                    take_waybill(device, draft, event_target_value(&ev));
                    errors.update(|e| e.waybill = None);
                } />
            <span id="waybill-error" class="field__error" role="alert">{waybill_error}</span>
        </label>
        {move || unplanned().then(|| view! {
            <p class="notice" role="status" data-testid="unplanned">{tr(Key::UnplannedNotice)}</p>
        })}
        <ScanButton on_scan=move |code| take_waybill(device, draft, code)/>
        <label class="field">
            <span class="field__label">{tr(Key::Carrier)}</span>
            <select name="carrier" aria-describedby="carrier-error"
                prop:value=move || draft.with(|d| d.carrier.map_or("", Carrier::code))
                on:change=move |ev| {
                    let chosen = Carrier::from_code(&event_target_value(&ev));
                    draft.update(|d| d.carrier = chosen)
                }>
                <option value="">{tr(Key::ChooseCarrier)}</option>
                {Carrier::ALL.into_iter().map(|c| view! {
                    <option value=c.code()>{move || c.name(lang.get())}</option>
                }).collect_view()}
            </select>
            <span id="carrier-error" class="field__error" role="alert">
                {move || errors.with(|e| e.carrier).then(|| Key::ChooseCarrier.text(lang.get()))}
            </span>
        </label>
    }
}
