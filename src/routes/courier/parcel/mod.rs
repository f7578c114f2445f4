//! The parcel form: its sections, one file each, and saving the draft as a record.

mod call;
mod consent;
mod fields;
mod flags;
mod identity;
mod inspection;
mod kind;
mod method;
mod outcome;
mod photos;
mod pickup_steps;
mod preference;
mod recipient;
mod tariff;
mod waybill;

use crate::clock::now_ms;
use crate::device::use_device;
use crate::i18n::{tr, use_lang, Key};
use crate::proof_rules::use_proof_rules;
use crate::routes::courier::draft::{Draft, DraftErrors};
use crate::routes::courier::safety::PickupStep;
use crate::session::use_session;
use crate::tariffs::use_tariffs;
use doorstep_core::preference::active_for;
use doorstep_core::OutcomeKind;
use flags::FlagFields;
use identity::IdentityStep;
use inspection::InspectionStep;
use kind::KindChoice;
use leptos::prelude::*;
use method::MethodFields;
use outcome::OutcomeSection;
use photos::PhotoSection;
use pickup_steps::{PickupNav, StepList};
use preference::PreferenceNotice;
use recipient::RecipientFields;
use tariff::TariffStep;
use waybill::WaybillFields;

#[component]
pub fn ParcelForm(
    draft: RwSignal<Draft>,
    /// Set while the form is open over the route; saving goes back to the route.
    form_open: RwSignal<bool>,
) -> impl IntoView {
    let device = use_device();
    let has_route = move || !device.parcels.with(Vec::is_empty);
    let session = use_session();
    let tariffs = use_tariffs();
    let proof = use_proof_rules();
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
        let record = match tariffs.table.with_untracked(|table| {
            proof
                .rules
                .with_untracked(|rules| current.to_record(now, table, rules))
        }) {
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
                    form_open.set(false);
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
    let pickup = move || draft.with(Draft::is_pickup);
    let on = move |step: PickupStep| pickup() && draft.with(|d| d.step == step);
    let refused = move || draft.with(|d| d.outcome.is_some_and(OutcomeKind::is_pickup_refusal));
    let rule_errors = move || {
        errors.with(|e| {
            e.rules
                .iter()
                .map(|v| v.message(lang.get()))
                .collect::<Vec<_>>()
                .join(" ")
        })
    };

    view! {
        <form class="card form" on:submit=save novalidate>
            <h1>{tr(Key::RecordParcel)}</h1>
            {move || has_route().then(|| view! {
                <button type="button" class="button button--small" data-testid="back-to-route"
                    on:click=move |_| form_open.set(false)>
                    {tr(Key::BackToRoute)}
                </button>
            })}
            <Show when=move || draft.with(|d| d.editing.is_some())>
                <p class="notice">
                    {tr(Key::EditingRevision)}
                    <button type="button" class="button button--small" on:click=move |_| draft.set(Draft::default())>
                        {tr(Key::NewParcel)}
                    </button>
                </p>
            </Show>
            // A pickup is one screen per step, in the door's order; a delivery is one screen.
            <Show when=move || !pickup() || on(PickupStep::Identity)>
                <KindChoice draft=draft/>
            </Show>
            <Show when=pickup>
                <StepList draft=draft/>
            </Show>
            <Show when=move || on(PickupStep::Identity)>
                <IdentityStep draft=draft errors=errors/>
            </Show>
            <Show when=move || on(PickupStep::Inspection)>
                <InspectionStep draft=draft errors=errors/>
            </Show>
            // The carrier comes before a pickup's quote; a refused pickup skips the quote.
            <Show when=move || !pickup() || on(PickupStep::Tariff) || (on(PickupStep::Handover) && refused())>
                <WaybillFields draft=draft errors=errors/>
            </Show>
            <Show when=move || !pickup() || on(PickupStep::Handover)>
                <RecipientFields draft=draft errors=errors/>
                <PreferenceNotice draft=draft preference=preference save_error=save_error/>
            </Show>
            <Show when=move || !pickup() || on(PickupStep::Tariff)>
                <FlagFields draft=draft/>
            </Show>
            <Show when=move || draft.with(Draft::needs_tariff) && (!pickup() || on(PickupStep::Tariff))>
                <TariffStep draft=draft errors=errors/>
            </Show>
            <Show when=move || !pickup()>
                <MethodFields draft=draft ask_by_link=ask_by_link/>
            </Show>
            <Show when=move || !pickup() || on(PickupStep::Handover)>
                <OutcomeSection draft=draft/>
                <PhotoSection draft=draft errors=errors/>
            </Show>
            <Show when=pickup>
                <PickupNav draft=draft errors=errors/>
            </Show>

            <p class="field__error" role="alert" data-testid="rule-errors">{rule_errors}</p>
            <p class="field__error" role="alert">{move || save_error.get()}</p>
            <Show when=move || !pickup() || on(PickupStep::Handover)>
                <button class="button button--primary" type="submit" data-testid="save">{tr(Key::Save)}</button>
            </Show>
            <p class="saved" role="status" data-testid="saved">
                {move || saved.get().then(|| Key::Saved.text(lang.get()))}
            </p>
        </form>
    }
}
