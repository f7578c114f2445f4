//! A pickup's screens in the door's order (identity → inspection → tariff and insurance script →
//! picked up): where the courier is, and the buttons that move on only once the step is done or
//! end the pickup with one of its two refusals.

use crate::clock::now_ms;
use crate::i18n::{tr, use_lang, Key};
use crate::routes::courier::draft::{Draft, DraftErrors};
use crate::routes::courier::safety::PickupStep;
use doorstep_core::{OutcomeKind, Violation};
use leptos::prelude::*;

/// A step's short name: four fit side by side on a 360 px phone in either language.
fn step_label(step: PickupStep) -> Key {
    match step {
        PickupStep::Identity => Key::StepIdentity,
        PickupStep::Inspection => Key::StepInspection,
        PickupStep::Tariff => Key::StepTariff,
        PickupStep::Handover => Key::HandoverTitle,
    }
}

/// The four steps, the current one marked.
#[component]
pub fn StepList(draft: RwSignal<Draft>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ol class="steps" aria-label=move || Key::PickupSteps.text(lang.get()) data-testid="pickup-steps">
            {PickupStep::ALL.into_iter().map(|step| view! {
                <li class="steps__step"
                    aria-current=move || draft.with(|d| d.step == step).then_some("step")>
                    {tr(step_label(step))}
                </li>
            }).collect_view()}
        </ol>
    }
}

/// Confirms the current step and moves on: the identity and the inspection are stamped with the
/// moment they were confirmed, each field's problem shown beside it otherwise.
fn advance(draft: &mut Draft, errors: RwSignal<DraftErrors>, now: i64) {
    match draft.step {
        PickupStep::Identity => {
            if let Err(found) = draft.identity.confirm(now) {
                errors.update(|e| e.identity = found);
                return;
            }
        }
        PickupStep::Inspection => {
            if let Err(found) = draft.inspection.confirm(now) {
                errors.update(|e| e.inspection = found);
                return;
            }
        }
        PickupStep::Tariff => {
            if draft.outcome.is_none() {
                draft.outcome = Some(OutcomeKind::PickedUp);
            }
        }
        PickupStep::Handover => return,
    }
    draft.step = draft.step.next();
}

/// Ends the pickup with a refusal: it goes to the last screen to be saved as it is.
fn refuse(draft: &mut Draft, outcome: OutcomeKind, now: i64) {
    if outcome == OutcomeKind::RefusedProhibitedItem {
        draft.inspection.inspected_at = Some(now);
    }
    draft.outcome = Some(outcome);
    draft.step = PickupStep::Handover;
}

#[component]
pub fn PickupNav(draft: RwSignal<Draft>, errors: RwSignal<DraftErrors>) -> impl IntoView {
    let lang = use_lang();
    let step = move || draft.with(|d| d.step);
    let prohibited = move || {
        step() == PickupStep::Inspection && draft.with(|d| d.inspection.prohibited.is_some())
    };
    let refusable = move || matches!(step(), PickupStep::Identity | PickupStep::Inspection);
    view! {
        <Show when=prohibited>
            <p class="field__error" role="alert" data-testid="prohibited-notice">
                {move || Violation::ProhibitedItemPickedUp.message(lang.get())}
            </p>
            <button type="button" class="button button--primary" data-testid="refuse-prohibited"
                on:click=move |_| draft.update(|d| refuse(d, OutcomeKind::RefusedProhibitedItem, now_ms()))>
                {tr(Key::RefusedProhibitedItem)}
            </button>
        </Show>
        <div class="actions">
            <Show when=move || step() != PickupStep::Identity>
                <button type="button" class="button" data-testid="previous-step"
                    on:click=move |_| draft.update(|d| d.step = d.step.back())>
                    {tr(Key::PreviousStep)}
                </button>
            </Show>
            <Show when=move || step() != PickupStep::Handover && !prohibited()>
                <button type="button" class="button button--primary" data-testid="next-step"
                    on:click=move |_| draft.update(|d| advance(d, errors, now_ms()))>
                    {tr(Key::NextStep)}
                </button>
            </Show>
        </div>
        <Show when=refusable>
            <button type="button" class="button button--small" data-testid="sender-declined"
                on:click=move |_| draft.update(|d| refuse(d, OutcomeKind::RefusedCheckDeclined, now_ms()))>
                {tr(Key::SenderDeclined)}
            </button>
        </Show>
    }
}
