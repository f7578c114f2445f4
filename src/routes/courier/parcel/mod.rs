//! The parcel form: waybill, recipient, parcel flags, delivery method with consent, outcome.

use super::draft::{Draft, DraftErrors};
use super::tariff_step::TariffStep;
use crate::clock::{local_time, now_ms};
use crate::components::scanner::ScanButton;
use crate::device::use_device;
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use crate::tariffs::use_tariffs;
use doorstep_core::masking::mask_phone;
use doorstep_core::phone::parse_mobile;
use doorstep_core::preference::active_for;
use doorstep_core::{Carrier, Lang};
use leptos::prelude::*;

/// A labelled text input bound to one field of the draft, with its error beside it.
fn text_field(
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

/// A checkbox for one parcel flag.
fn flag_box(
    draft: RwSignal<Draft>,
    name: &'static str,
    label: Key,
    get: fn(&Draft) -> bool,
    set: fn(&mut doorstep_core::ParcelFlags, bool),
) -> impl IntoView {
    view! {
        <label class="choice">
            <input type="checkbox" name=name prop:checked=move || draft.with(get)
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    draft.update(|d| {
                        let mut flags = d.flags;
                        set(&mut flags, on);
                        *d = std::mem::take(d).with_flags(flags);
                    })
                } />
            <span>{tr(label)}</span>
        </label>
    }
}

#[component]
pub fn ParcelForm(draft: RwSignal<Draft>) -> impl IntoView {
    let device = use_device();
    let session = use_session();
    let tariffs = use_tariffs();
    let lang = use_lang();
    let errors = RwSignal::new(DraftErrors::default());
    let saved = RwSignal::new(false);
    let save_error = RwSignal::new(None::<String>);
    let salt = move || {
        session.0.with(|s| {
            s.as_ref()
                .map(|s| s.preference_salt.clone())
                .unwrap_or_default()
        })
    };
    let preference = Memo::new(move |_| {
        let key = draft.with(|d| d.recipient_key(&salt()))?;
        device
            .preferences
            .with(|book| active_for(book, &key).cloned())
    });
    // Typing the next parcel clears the "saved" confirmation of the last one.
    Effect::new(move || {
        if !draft.with(Draft::is_blank) {
            saved.set(false);
        }
    });

    // Saves the draft as the record's next revision; `then` runs once it is committed.
    let persist = move |current: Draft, then: Box<dyn FnOnce()>| {
        save_error.set(None);
        let now = now_ms();
        let record = match tariffs
            .table
            .with_untracked(|table| current.to_record(now, table))
        {
            Ok(record) => record,
            Err(found) => {
                errors.set(found);
                return;
            }
        };
        errors.set(DraftErrors::default());
        let remember = current
            .recipient_key(&salt())
            .and_then(|key| current.preference_to_remember(key, now));
        leptos::task::spawn_local(async move {
            let result = match device.save(record).await {
                Ok(()) => match remember {
                    Some(preference) => device.save_preference(preference).await,
                    None => Ok(()),
                },
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => {
                    then();
                    draft.set(Draft::default());
                    saved.set(true);
                }
                Err(e) => save_error.set(Some(e.to_string())),
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        persist(draft.get_untracked(), Box::new(|| ()));
    };
    // Asks the recipient by link: saved with the door for now; the link works once synced.
    let ask_by_link = move || {
        let Some(token) = crate::links::new_token() else {
            save_error.set(Some(Key::LinkUnavailable.text(lang.get_untracked()).into()));
            return;
        };
        let mut current = draft.get_untracked();
        current.ask_by_link(&token, now_ms());
        let link_id = current.link.as_ref().map(|l| l.id);
        persist(
            current,
            Box::new(move || {
                if let Some(id) = link_id {
                    crate::links::remember(id, &token);
                }
            }),
        );
    };
    let waybill_error = move || errors.with(|e| e.waybill.map(|w| w.message(lang.get())));
    let phone_error = move || {
        errors
            .with(|e| e.phone.is_some())
            .then(|| doorstep_core::Violation::InvalidPhone.message(lang.get()))
    };
    let rule_errors = move || {
        errors.with(|e| {
            e.rules
                .iter()
                .map(|v| v.message(lang.get()))
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    let masked_phone = move || draft.with(|d| parse_mobile(&d.phone).ok().map(|p| mask_phone(&p)));
    let kind_radio = move |code: &'static str, key: Key| {
        view! {
            <label class="choice">
                <input type="radio" name="kind" value=code
                    prop:checked=move || draft.with(|d| d.kind == code)
                    on:change=move |_| draft.update(|d| *d = std::mem::take(d).with_kind(code)) />
                <span>{tr(key)}</span>
            </label>
        }
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
            <Show when=move || draft.with(|d| d.editing.is_some())>
                <p class="notice">
                    {tr(Key::EditingRevision)}
                    <button type="button" class="button button--small" on:click=move |_| draft.set(Draft::default())>
                        {tr(Key::NewParcel)}
                    </button>
                </p>
            </Show>
            <fieldset class="field">
                <legend class="field__label">{tr(Key::Kind)}</legend>
                <div class="choices choices--2">
                    {kind_radio("delivery", Key::KindDelivery)}
                    {kind_radio("pickup", Key::KindPickup)}
                </div>
            </fieldset>
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
                    prop:value=move || draft.with(|d| d.carrier.clone())
                    on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.carrier = v) }>
                    <option value="">{tr(Key::ChooseCarrier)}</option>
                    {Carrier::ALL.into_iter().map(|c| view! {
                        <option value=c.code()>{move || c.name(lang.get())}</option>
                    }).collect_view()}
                </select>
                <span id="carrier-error" class="field__error" role="alert">
                    {move || errors.with(|e| e.carrier).then(|| Key::ChooseCarrier.text(lang.get()))}
                </span>
            </label>

            <fieldset class="field group">
                <legend class="field__label">
                    {move || if draft.with(Draft::is_pickup) { Key::Sender.text(lang.get()) } else { Key::Recipient.text(lang.get()) }}
                </legend>
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
                {text_field(draft, "compound", Key::Compound, |d| d.address.compound.clone(), |d, v| d.address.compound = v)}
                <div class="field-row field-row--3">
                    {text_field(draft, "building", Key::Building, |d| d.address.building.clone(), |d, v| d.address.building = v)}
                    {text_field(draft, "unit", Key::Unit, |d| d.address.unit.clone(), |d, v| d.address.unit = v)}
                    {text_field(draft, "room", Key::Room, |d| d.address.room.clone(), |d, v| d.address.room = v)}
                </div>
            </fieldset>

            {move || preference.get().filter(|p| draft.with(|d| d.preference_id != Some(p.id))).map(|p| {
                let shown = p.clone();
                let withdrawn = p.clone();
                view! {
                    <div class="notice notice--preference" data-testid="preference" role="status">
                        <span>{move || format!("{}：{}", Key::StandingPreference.text(lang.get()), shown.describe(lang.get()))}</span>
                        <button type="button" class="button button--small" data-testid="use-preference"
                            on:click=move |_| draft.update(|d| d.apply_preference(&p, now_ms()))>
                            {tr(Key::UsePreference)}
                        </button>
                        <button type="button" class="button button--small"
                            on:click=move |_| {
                                let mut w = withdrawn.clone();
                                w.withdrawn_at = Some(now_ms());
                                leptos::task::spawn_local(async move {
                                    if let Err(e) = device.save_preference(w).await {
                                        save_error.set(Some(e.to_string()));
                                    }
                                });
                            }>
                            {tr(Key::WithdrawPreference)}
                        </button>
                    </div>
                }
            })}

            <fieldset class="field">
                <legend class="field__label">{tr(Key::ParcelFlags)}</legend>
                <div class="choices choices--2">
                    {flag_box(draft, "bulky", Key::Bulky, |d| d.flags.bulky, |f, on| f.bulky = on)}
                    {flag_box(draft, "fresh", Key::Fresh, |d| d.flags.fresh, |f, on| f.fresh = on)}
                    {flag_box(draft, "fragile", Key::Fragile, |d| d.flags.fragile, |f, on| f.fragile = on)}
                    {flag_box(draft, "cash_on_delivery", Key::CashOnDelivery, |d| d.flags.cash_on_delivery, |f, on| f.cash_on_delivery = on)}
                </div>
            </fieldset>
            <Show when=move || draft.with(|d| d.flags.needs_call_first())>
                <div class="notice notice--warn" role="alert" data-testid="call-first">
                    <span>{tr(Key::CallFirst)}</span>
                    {move || match draft.with(|d| d.called_at) {
                        Some(at) => view! { <span>{move || format!("{} {}", Key::CalledAt.text(lang.get()), local_time(at))}</span> }.into_any(),
                        None => view! {
                            <button type="button" class="button button--small" data-testid="called"
                                on:click=move |_| draft.update(|d| d.called_at = Some(now_ms()))>
                                {tr(Key::CalledRecipient)}
                            </button>
                        }.into_any(),
                    }}
                </div>
            </Show>

            <Show when=move || draft.with(Draft::needs_tariff)>
                <TariffStep draft=draft errors=errors/>
            </Show>

            <Show when=move || !draft.with(Draft::is_pickup)>
            <fieldset class="field">
                <legend class="field__label">{tr(Key::Method)}</legend>
                <div class="choices">
                    {method_radio("door", Key::Door)}
                    {method_radio("locker", Key::Locker)}
                    {method_radio("station", Key::Station)}
                </div>
            </fieldset>
            </Show>
            <Show when=move || draft.with(|d| d.refused.is_some())>
                <p class="notice notice--warn" role="status" data-testid="refused">{tr(Key::RefusedNote)}</p>
            </Show>
            <Show when=move || draft.with(|d| d.method == "locker")>
                <div class="field-row">
                    {text_field(draft, "locker_bank", Key::LockerBank, |d| d.locker_bank.clone(), |d, v| d.locker_bank = v)}
                    {text_field(draft, "locker_compartment", Key::LockerCompartment, |d| d.locker_compartment.clone(), |d, v| d.locker_compartment = v)}
                </div>
            </Show>
            <Show when=move || draft.with(|d| d.method == "station")>
                {text_field(draft, "station", Key::StationName, |d| d.station.clone(), |d, v| d.station = v)}
            </Show>
            <Show when=move || draft.with(|d| d.method != "door")>
                <ConsentSection draft=draft lang=lang ask_by_link=ask_by_link/>
            </Show>

            <OutcomeSection draft=draft/>

            <p class="field__error" role="alert" data-testid="rule-errors">{rule_errors}</p>
            <p class="field__error" role="alert">{move || save_error.get()}</p>
            <button class="button button--primary" type="submit" data-testid="save">{tr(Key::Save)}</button>
            <p class="saved" role="status" data-testid="saved">
                {move || saved.get().then(|| Key::Saved.text(lang.get()))}
            </p>
        </form>
    }
}

/// Locker and station need the recipient's consent, with what was disclosed (Art. 28; locker
/// rules Art. 22): where, how long free, the overtime fee.
#[component]
fn ConsentSection(
    draft: RwSignal<Draft>,
    lang: RwSignal<Lang>,
    ask_by_link: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let from_preference = move || draft.with(|d| d.consent_channel == "standing_preference");
    view! {
        <fieldset class="field consent">
            <legend class="field__label">{tr(Key::ConsentTitle)}</legend>
            <label class="field">
                <span class="field__label">{tr(Key::ConsentChannel)}</span>
                <select name="consent_channel" prop:value=move || draft.with(|d| d.consent_channel.clone())
                    on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.consent_channel = v) }>
                    <option value="in_person">{tr(Key::InPerson)}</option>
                    <option value="phone_call">{tr(Key::PhoneCall)}</option>
                    <option value="standing_preference" disabled=move || draft.with(|d| d.preference_id.is_none())>
                        {tr(Key::FromPreference)}
                    </option>
                    <option value="recipient_link" disabled=move || draft.with(|d| d.consent_channel != "recipient_link")>
                        {tr(Key::RecipientLink)}
                    </option>
                </select>
            </label>
            <div class="field-row">
                <label class="field">
                    <span class="field__label">{tr(Key::FreeHours)}</span>
                    <input name="free_hours" inputmode="numeric" prop:value=move || draft.with(|d| d.free_hours.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.free_hours = v) } />
                </label>
                <label class="field">
                    <span class="field__label">{tr(Key::OvertimeFee)}</span>
                    <input name="overtime_fee" inputmode="decimal" prop:value=move || draft.with(|d| d.overtime_fee.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.overtime_fee = v) } />
                </label>
            </div>
            <label class="choice">
                <input type="checkbox" name="consent_given"
                    prop:checked=move || draft.with(|d| d.consent_given)
                    on:change=move |ev| {
                        let given = event_target_checked(&ev);
                        draft.update(|d| {
                            d.consent_given = given;
                            d.consent_at = given.then(now_ms);
                            d.refused = None;
                        })
                    } />
                <span>{tr(Key::ConsentAgreed)}</span>
            </label>
            <Show when=move || !from_preference()>
                <label class="choice">
                    <input type="checkbox" name="remember" prop:checked=move || draft.with(|d| d.remember)
                        on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| d.remember = on) } />
                    <span>{tr(Key::RememberPreference)}</span>
                </label>
            </Show>
            <button type="button" class="button" data-testid="refuse"
                on:click=move |_| draft.update(|d| {
                    d.refused = Some(d.method.clone());
                    d.consent_given = false;
                    d.consent_at = Some(now_ms());
                    d.method = "door".into();
                })>
                {move || Key::RecipientRefused.text(lang.get())}
            </button>
            <button type="button" class="button" data-testid="ask-by-link"
                on:click=move |_| ask_by_link()>
                {tr(Key::AskByLink)}
            </button>
        </fieldset>
    }
}

/// How the parcel was handed over. There is deliberately no outcome by which the courier
/// confirms receipt on the recipient's behalf (Art. 28).
#[component]
fn OutcomeSection(draft: RwSignal<Draft>) -> impl IntoView {
    let needs_note = move || {
        draft.with(|d| {
            matches!(
                d.outcome.as_str(),
                "delivered_to_proxy" | "failed_attempt" | "refused"
            )
        })
    };
    let note_label = move || {
        if draft.with(|d| d.outcome == "delivered_to_proxy") {
            Key::ProxyName
        } else {
            Key::Reason
        }
    };
    let lang = use_lang();
    let pickup = move || draft.with(Draft::is_pickup);
    view! {
        <label class="field">
            <span class="field__label">{tr(Key::Outcome)}</span>
            <select name="outcome" prop:value=move || draft.with(|d| d.outcome.clone())
                on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.outcome = v) }>
                <option value="">{tr(Key::OutcomeNone)}</option>
                {move || if pickup() {
                    view! {
                        <option value="picked_up">{tr(Key::PickedUp)}</option>
                    }.into_any()
                } else {
                    view! {
                        <option value="delivered_to_recipient">{tr(Key::DeliveredToRecipient)}</option>
                        <option value="delivered_to_proxy">{tr(Key::DeliveredToProxy)}</option>
                        <option value="placed_in_locker">{tr(Key::PlacedInLocker)}</option>
                        <option value="left_at_station">{tr(Key::LeftAtStation)}</option>
                    }.into_any()
                }}
                <option value="failed_attempt">{tr(Key::FailedAttempt)}</option>
                <option value="refused">{tr(Key::RefusedParcel)}</option>
            </select>
            <span class="field__hint">{tr(Key::InspectionReminder)}</span>
        </label>
        <Show when=move || draft.with(|d| matches!(d.outcome.as_str(), "placed_in_locker" | "left_at_station"))>
            <label class="field">
                <span class="field__label">{tr(Key::PickupCode)}</span>
                <input name="pickup_code" inputmode="numeric" autocomplete="off"
                    prop:value=move || draft.with(|d| d.pickup_code.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.pickup_code = v) } />
            </label>
        </Show>
        <Show when=needs_note>
            <label class="field">
                <span class="field__label">{move || note_label().text(lang.get())}</span>
                <input name="outcome_note" prop:value=move || draft.with(|d| d.outcome_note.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.outcome_note = v) } />
            </label>
        </Show>
    }
}
