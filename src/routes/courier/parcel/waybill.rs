//! The waybill, typed or scanned, and its carrier (detected from the number or chosen).

use crate::components::scanner::ScanButton;
use crate::i18n::{tr, use_lang, Key};
use crate::routes::courier::draft::{Draft, DraftErrors};
use doorstep_core::Carrier;
use leptos::prelude::*;

#[component]
pub fn WaybillFields(draft: RwSignal<Draft>, errors: RwSignal<DraftErrors>) -> impl IntoView {
    let lang = use_lang();
    let waybill_error = move || errors.with(|e| e.waybill.map(|w| w.message(lang.get())));
    view! {
        <label class="field">
            <span class="field__label">{tr(Key::Waybill)}</span>
            <input name="waybill" autocomplete="off" autocapitalize="characters"
                placeholder=move || Key::WaybillHint.text(lang.get())
                aria-describedby="waybill-error" aria-invalid=move || waybill_error().is_some().to_string()
                prop:value=move || draft.with(|d| d.waybill.clone())
                on:input=move |ev| {
                    let typed = event_target_value(&ev);
                    draft.update(|d| *d = std::mem::take(d).with_waybill(typed));
                    errors.update(|e| e.waybill = None);
                } />
            <span id="waybill-error" class="field__error" role="alert">{waybill_error}</span>
        </label>
        <ScanButton on_scan=move |code| draft.update(|d| *d = std::mem::take(d).with_waybill(code))/>
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
