//! How the parcel was handed over. There is deliberately no outcome by which the courier
//! confirms receipt on the recipient's behalf (Art. 28).

use crate::i18n::{outcome_key, tr, use_lang, Key};
use crate::routes::courier::draft::Draft;
use doorstep_core::OutcomeKind;
use leptos::prelude::*;

fn option(outcome: OutcomeKind) -> impl IntoView {
    view! { <option value=outcome.code()>{tr(outcome_key(outcome))}</option> }
}

#[component]
pub fn OutcomeSection(draft: RwSignal<Draft>) -> impl IntoView {
    let outcome = move || draft.with(|d| d.outcome);
    let needs_note = move || outcome().is_some_and(OutcomeKind::takes_note);
    let note_label = move || {
        if outcome() == Some(OutcomeKind::DeliveredToProxy) {
            Key::ProxyName
        } else {
            Key::Reason
        }
    };
    let leaves_for_pickup = move || {
        matches!(
            outcome(),
            Some(OutcomeKind::PlacedInLocker | OutcomeKind::LeftAtStation)
        )
    };
    let lang = use_lang();
    let pickup = move || draft.with(Draft::is_pickup);
    view! {
        <label class="field">
            <span class="field__label">{tr(Key::Outcome)}</span>
            <select name="outcome" prop:value=move || outcome().map_or("", OutcomeKind::code)
                on:change=move |ev| {
                    let chosen = OutcomeKind::from_code(&event_target_value(&ev));
                    draft.update(|d| d.outcome = chosen)
                }>
                <option value="">{tr(Key::OutcomeNone)}</option>
                {move || if pickup() {
                    view! {
                        {option(OutcomeKind::PickedUp)}
                        {option(OutcomeKind::RefusedProhibitedItem)}
                        {option(OutcomeKind::RefusedCheckDeclined)}
                    }.into_any()
                } else {
                    view! {
                        {option(OutcomeKind::DeliveredToRecipient)}
                        {option(OutcomeKind::DeliveredToProxy)}
                        {option(OutcomeKind::PlacedInLocker)}
                        {option(OutcomeKind::LeftAtStation)}
                    }.into_any()
                }}
                {option(OutcomeKind::FailedAttempt)}
                {option(OutcomeKind::Refused)}
            </select>
            <span class="field__hint">{tr(Key::InspectionReminder)}</span>
        </label>
        <Show when=leaves_for_pickup>
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
