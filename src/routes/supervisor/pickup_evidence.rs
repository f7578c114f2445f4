//! A pickup's safety evidence under review: the sender's identity as the server keeps it
//! (masked), the inspection, and the one way to see a number in full: a stated reason, written
//! to the audit trail before the server answers.

use super::session_token;
use crate::api::{self, ApiFailure};
use crate::clock::local_date_time;
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::api::{RevealRequest, RevealedIdentity};
use doorstep_core::identity::SenderIdentity;
use doorstep_core::inspection::{catalogue, Inspection};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn PickupEvidence(
    id: Uuid,
    identity: Option<SenderIdentity>,
    inspection: Option<Inspection>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h3>{tr(Key::IdentityTitle)}</h3>
        {match identity {
            None => view! { <p class="empty">{tr(Key::NoIdentityKept)}</p> }.into_any(),
            Some(identity) => view! {
                <dl class="detail__facts" data-testid="identity-evidence">
                    <dt>{tr(Key::DocumentType)}</dt><dd>{move || identity.document.label(lang.get())}</dd>
                    <dt>{tr(Key::IdNumber)}</dt><dd data-testid="masked-id">{identity.number.clone()}</dd>
                    <dt>{tr(Key::SenderName)}</dt><dd>{identity.name.clone()}</dd>
                    {identity.credit_code.clone().map(|code| view! {
                        <dt>{tr(Key::CreditCode)}</dt><dd>{code}</dd>
                    })}
                    <dt>{tr(Key::PersonMatches)}</dt><dd>{if identity.person_matches { "✓" } else { "✗" }}</dd>
                    <dt>{tr(Key::CheckedAt)}</dt><dd>{local_date_time(identity.checked_at)}</dd>
                </dl>
                <RevealForm id=id/>
            }.into_any(),
        }}
        {inspection.map(|i| {
            let prohibited = i.prohibited.clone();
            view! {
                <h3>{tr(Key::InspectionTitle)}</h3>
                <dl class="detail__facts" data-testid="inspection-evidence">
                    <dt>{tr(Key::ItemName)}</dt><dd>{i.item_name.clone()}</dd>
                    <dt>{tr(Key::ItemNature)}</dt><dd>{move || i.nature.label(lang.get())}</dd>
                    <dt>{tr(Key::Quantity)}</dt><dd>{i.quantity}</dd>
                    <dt>{tr(Key::InPresence)}</dt><dd>{if i.in_presence { "✓" } else { "✗" }}</dd>
                    <dt>{tr(Key::ProhibitedCheck)}</dt>
                    <dd>{move || match &prohibited {
                        None => Key::NothingProhibited.text(lang.get()).to_string(),
                        Some(code) => catalogue()
                            .category(code)
                            .map_or_else(|| code.clone(), |c| c.name(lang.get()).to_string()),
                    }}</dd>
                    <dt>{tr(Key::CheckedAt)}</dt><dd>{local_date_time(i.inspected_at)}</dd>
                </dl>
            }
        })}
    }
}

/// The reason field and the button; the server's refusal (no reason) shows beside the field.
#[component]
fn RevealForm(id: Uuid) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let revealed = RwSignal::new(None::<RevealedIdentity>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = session_token(session) else {
            return;
        };
        let request = RevealRequest {
            reason: reason.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::reveal_identity(&token, id, &request, lang.get_untracked()).await {
                Ok(answer) => {
                    revealed.set(Some(answer));
                    error.set(None);
                }
                Err(ApiFailure::Http { status: 401, .. }) => session.sign_out(),
                Err(ApiFailure::Http { message, .. }) => error.set(Some(message)),
                Err(ApiFailure::Network) => {
                    error.set(Some(Key::NetworkError.text(lang.get_untracked()).into()))
                }
            }
        });
    };
    view! {
        <form class="form" on:submit=submit data-testid="reveal-form">
            <label class="field">
                <span class="field__label">{tr(Key::RevealReason)}</span>
                <input name="reveal_reason" autocomplete="off" maxlength="500"
                    aria-describedby="reveal-error"
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev)) />
                <span id="reveal-error" class="field__error" role="alert">{move || error.get()}</span>
                <span class="field__hint">{tr(Key::RevealAudited)}</span>
            </label>
            <button type="submit" class="button button--small" data-testid="reveal">{tr(Key::RevealNumber)}</button>
            {move || revealed.get().map(|r| view! {
                <p class="notice notice--warn" data-testid="revealed">{format!("{} {}", r.number, r.name)}</p>
            })}
        </form>
    }
}
