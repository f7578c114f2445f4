//! The courier's doorstep screen: the parcel form and today's records.

mod draft;

use crate::clock::{local_time, now_ms};
use crate::device::{state_key, use_device};
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::api::method_label;
use doorstep_core::masking::waybill_tail;
use doorstep_core::sync::QueueState;
use doorstep_core::Carrier;
pub use draft::{Draft, DraftErrors};
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn CourierPage() -> impl IntoView {
    let session = use_session();
    move || {
        if session
            .0
            .with(|s| s.as_ref().is_some_and(|s| s.is_courier()))
        {
            view! { <ParcelForm/><TodayList/> }.into_any()
        } else {
            view! { <Redirect path="/login"/> }.into_any()
        }
    }
}

#[component]
fn ParcelForm() -> impl IntoView {
    let device = use_device();
    let lang = use_lang();
    let draft = RwSignal::new(Draft::load());
    let errors = RwSignal::new(DraftErrors::default());
    let saved = RwSignal::new(false);
    let save_error = RwSignal::new(None::<String>);
    Effect::new(move || draft.with(Draft::store));

    let edit = move |change: fn(&mut Draft, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            draft.update(|d| change(d, value));
            saved.set(false);
        }
    };
    let on_waybill = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        draft.update(|d| *d = std::mem::take(d).with_waybill(typed));
        errors.update(|e| e.waybill = None);
        saved.set(false);
    };
    let on_consent = move |ev: leptos::ev::Event| {
        let given = event_target_checked(&ev);
        draft.update(|d| {
            d.consent_given = given;
            d.consent_at = given.then(now_ms);
        });
    };
    let needs_consent = move || draft.with(|d| d.method != "door");

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save_error.set(None);
        let record = match draft
            .get_untracked()
            .to_record(uuid::Uuid::new_v4(), now_ms())
        {
            Ok(record) => record,
            Err(found) => {
                errors.set(found);
                return;
            }
        };
        errors.set(DraftErrors::default());
        leptos::task::spawn_local(async move {
            match device.save(record).await {
                Ok(()) => {
                    draft.set(Draft::default());
                    saved.set(true);
                }
                Err(e) => save_error.set(Some(e.to_string())),
            }
        });
    };

    let waybill_error = move || errors.with(|e| e.waybill.map(|w| w.message(lang.get())));
    let rule_errors = move || {
        errors.with(|e| {
            e.rules
                .iter()
                .map(|v| v.message(lang.get()))
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    let method_radio = move |code: &'static str, key: Key| {
        view! {
            <label class="choice">
                <input type="radio" name="method" value=code
                    prop:checked=move || draft.with(|d| d.method == code)
                    on:change=move |_| draft.update(|d| d.method = code.to_string()) />
                <span>{tr(key)}</span>
            </label>
        }
    };

    view! {
        <form class="card form" on:submit=save novalidate>
            <label class="field">
                <span class="field__label">{tr(Key::Waybill)}</span>
                <input name="waybill" inputmode="text" autocomplete="off" autocapitalize="characters"
                    placeholder=move || Key::WaybillHint.text(lang.get())
                    aria-describedby="waybill-error" aria-invalid=move || waybill_error().is_some().to_string()
                    prop:value=move || draft.with(|d| d.waybill.clone()) on:input=on_waybill />
                <span id="waybill-error" class="field__error" role="alert">{waybill_error}</span>
            </label>
            <label class="field">
                <span class="field__label">{tr(Key::Carrier)}</span>
                <select name="carrier" aria-describedby="carrier-error"
                    prop:value=move || draft.with(|d| d.carrier.clone())
                    on:change=edit(|d, v| d.carrier = v)>
                    <option value="">{tr(Key::ChooseCarrier)}</option>
                    {Carrier::ALL.into_iter().map(|c| view! {
                        <option value=c.code()>{move || c.name(lang.get())}</option>
                    }).collect_view()}
                </select>
                <span id="carrier-error" class="field__error" role="alert">
                    {move || errors.with(|e| e.carrier).then(|| Key::ChooseCarrier.text(lang.get()))}
                </span>
            </label>
            <fieldset class="field">
                <legend class="field__label">{tr(Key::Method)}</legend>
                <div class="choices">
                    {method_radio("door", Key::Door)}
                    {method_radio("locker", Key::Locker)}
                    {method_radio("station", Key::Station)}
                </div>
            </fieldset>
            <Show when=move || draft.with(|d| d.method == "locker")>
                <div class="field-row">
                    <label class="field">
                        <span class="field__label">{tr(Key::LockerBank)}</span>
                        <input name="locker_bank" prop:value=move || draft.with(|d| d.locker_bank.clone())
                            on:input=edit(|d, v| d.locker_bank = v) />
                    </label>
                    <label class="field">
                        <span class="field__label">{tr(Key::LockerCompartment)}</span>
                        <input name="locker_compartment" prop:value=move || draft.with(|d| d.locker_compartment.clone())
                            on:input=edit(|d, v| d.locker_compartment = v) />
                    </label>
                </div>
            </Show>
            <Show when=move || draft.with(|d| d.method == "station")>
                <label class="field">
                    <span class="field__label">{tr(Key::StationName)}</span>
                    <input name="station" prop:value=move || draft.with(|d| d.station.clone())
                        on:input=edit(|d, v| d.station = v) />
                </label>
            </Show>
            <Show when=needs_consent>
                <fieldset class="field consent">
                    <legend class="field__label">{tr(Key::ConsentTitle)}</legend>
                    <label class="field">
                        <span class="field__label">{tr(Key::ConsentChannel)}</span>
                        <select name="consent_channel" prop:value=move || draft.with(|d| d.consent_channel.clone())
                            on:change=edit(|d, v| d.consent_channel = v)>
                            <option value="in_person">{tr(Key::InPerson)}</option>
                            <option value="phone_call">{tr(Key::PhoneCall)}</option>
                        </select>
                    </label>
                    <div class="field-row">
                        <label class="field">
                            <span class="field__label">{tr(Key::FreeHours)}</span>
                            <input name="free_hours" inputmode="numeric" prop:value=move || draft.with(|d| d.free_hours.clone())
                                on:input=edit(|d, v| d.free_hours = v) />
                        </label>
                        <label class="field">
                            <span class="field__label">{tr(Key::OvertimeFee)}</span>
                            <input name="overtime_fee" inputmode="decimal" prop:value=move || draft.with(|d| d.overtime_fee.clone())
                                on:input=edit(|d, v| d.overtime_fee = v) />
                        </label>
                    </div>
                    <label class="choice">
                        <input type="checkbox" name="consent_given"
                            prop:checked=move || draft.with(|d| d.consent_given) on:change=on_consent />
                        <span>{tr(Key::ConsentAgreed)}</span>
                    </label>
                </fieldset>
            </Show>
            <p class="field__error" role="alert" data-testid="rule-errors">{rule_errors}</p>
            <p class="field__error" role="alert">{move || save_error.get()}</p>
            <button class="button button--primary" type="submit" data-testid="save">{tr(Key::Save)}</button>
            <p class="saved" role="status" data-testid="saved">
                {move || saved.get().then(|| Key::Saved.text(lang.get()))}
            </p>
        </form>
    }
}

#[component]
fn TodayList() -> impl IntoView {
    let device = use_device();
    let lang = use_lang();
    view! {
        <section class="card">
            <h2>{tr(Key::TodayRecords)}</h2>
            <Show when=move || device.entries.with(Vec::is_empty)>
                <p class="empty">{tr(Key::NoRecords)}</p>
            </Show>
            <ul class="records" data-testid="records">
                <For each=move || device.entries.get() key=|e| (e.id.clone(), e.record.revision, format!("{:?}", e.state)) let:entry>
                    {
                        let state_class = match &entry.state {
                            QueueState::Queued => "badge badge--queued",
                            QueueState::Synced { .. } => "badge badge--synced",
                            QueueState::NeedsAttention { .. } => "badge badge--attention",
                        };
                        let attention = match &entry.state {
                            QueueState::NeedsAttention { message } => Some(message.clone()),
                            _ => None,
                        };
                        let key = state_key(&entry.state);
                        let method = entry.record.method.code();
                        view! {
                            <li class="records__item" data-waybill=entry.record.waybill.to_string()>
                                <span class="records__waybill" title=entry.record.waybill.to_string()>
                                    {"…"}{waybill_tail(entry.record.waybill.as_str(), 6)}
                                </span>
                                <span>{move || method_label(method, lang.get())}</span>
                                <span>{local_time(entry.record.captured_at)}</span>
                                <span class=state_class data-testid="state">{move || key.text(lang.get())}</span>
                                {attention.map(|m| view! { <p class="field__error">{m}</p> })}
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}
