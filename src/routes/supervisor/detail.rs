//! One record under review: its revisions (device and server time), the consent evidence, its
//! flags with their review state, and the notes; a supervisor adds a note or marks a flag
//! reviewed with a reason. The courier's data is never edited here.

use super::photos::PhotoEvidence;
use super::pickup_evidence::PickupEvidence;
use super::{session_token, show_failure};
use crate::api;
use crate::clock::local_date_time;
use crate::i18n::{channel_key, outcome_label, tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::api::{address_line, method_label, NoteRequest, RecordDetail};
use doorstep_core::compliance::ComplianceFlag;
use doorstep_core::ConsentDecision;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn RecordDetailPanel(id: Uuid, open: RwSignal<Option<Uuid>>) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let detail = RwSignal::new(None::<RecordDetail>);
    let error = RwSignal::new(None::<String>);
    let token = move || session_token(session);
    // Set once the supervisor explicitly asked for the unmasked recipient (audited).
    let full = RwSignal::new(false);
    let load = move || {
        let Some(token) = token() else { return };
        let full = full.get_untracked();
        leptos::task::spawn_local(async move {
            match api::record_detail(&token, id, full, lang.get_untracked()).await {
                Ok(loaded) => {
                    detail.set(Some(loaded));
                    error.set(None);
                }
                Err(failure) => show_failure(failure, session, error, lang),
            }
        });
    };
    load();

    let note = RwSignal::new(String::new());
    let review = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = token() else { return };
        let request = NoteRequest {
            note: note.get_untracked(),
            reviewed_flag: ComplianceFlag::from_code(&review.get_untracked()),
        };
        sending.set(true);
        leptos::task::spawn_local(async move {
            match api::add_note(&token, id, &request, lang.get_untracked()).await {
                Ok(_) => {
                    note.set(String::new());
                    review.set(String::new());
                    load();
                }
                Err(failure) => show_failure(failure, session, error, lang),
            }
            sending.set(false);
        });
    };

    view! {
        <section class="card card--wide detail" data-testid="record-detail">
            <div class="detail__head">
                <h2>{move || detail.with(|d| d.as_ref().map(|d| d.summary.waybill.clone()))}</h2>
                <button type="button" class="button button--small button--secondary" data-testid="close-record"
                    on:click=move |_| open.set(None)>{tr(Key::Close)}</button>
            </div>
            <p class="field__error" role="alert">{move || error.get()}</p>
            {move || detail.get().map(|d| view! { <DetailBody detail=d/> })}
            <Show when=move || !full.get()>
                <button type="button" class="button button--small button--secondary" data-testid="show-full"
                    on:click=move |_| {
                        if window().confirm_with_message(Key::FullDataWarning.text(lang.get_untracked())).unwrap_or(false) {
                            full.set(true);
                            load();
                        }
                    }>
                    {tr(Key::ShowFullData)}
                </button>
            </Show>
            <form class="form" on:submit=submit>
                <label class="field">
                    <span class="field__label">{tr(Key::NoteText)}</span>
                    <textarea name="note" rows="3" maxlength="1000" prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </label>
                <label class="field">
                    <span class="field__label">{tr(Key::ReviewFlag)}</span>
                    <select name="reviewed_flag" prop:value=move || review.get()
                        on:change=move |ev| review.set(event_target_value(&ev))>
                        <option value="">{tr(Key::NoReview)}</option>
                        {move || detail.with(|d| d.as_ref().map(|d| d.flags.iter().map(|status| {
                            let flag = status.flag;
                            view! { <option value=flag.code()>{move || flag.label(lang.get())}</option> }
                        }).collect_view()))}
                    </select>
                </label>
                <button type="submit" class="button" data-testid="add-note"
                    disabled=move || sending.get() || note.with(|n| n.trim().is_empty())>
                    {tr(Key::AddNote)}
                </button>
            </form>
        </section>
    }
}

#[component]
fn DetailBody(detail: RecordDetail) -> impl IntoView {
    let lang = use_lang();
    let summary = detail.summary.clone();
    let line = |name: Option<String>, phone: &str, address: String| {
        format!("{} {phone} {address}", name.unwrap_or_default())
            .trim()
            .to_string()
    };
    let full = detail.full_recipient.clone().map(|r| {
        let a = r.address;
        let address = address_line([&a.compound, &a.building, &a.unit, &a.room]);
        line(r.name, &r.phone, address)
    });
    let recipient = full.or_else(|| {
        detail.recipient.clone().map(|r| {
            let address = address_line([&r.compound, &r.building, &r.unit, &r.room]);
            line(r.name, &r.phone, address)
        })
    });
    let method = summary.method.clone();
    let consent = detail.consent.clone();
    let pickup = detail.kind == doorstep_core::ParcelKind::Pickup;
    view! {
        <dl class="detail__facts">
            <dt>{tr(Key::Kind)}</dt><dd>{tr(if pickup { Key::KindPickup } else { Key::KindDelivery })}</dd>
            <dt>{tr(Key::Courier)}</dt><dd>{summary.courier.clone()}</dd>
            <dt>{tr(Key::Recipient)}</dt><dd data-testid="detail-recipient">{recipient}</dd>
            <dt>{tr(Key::Method)}</dt><dd>{move || method_label(&method, lang.get())}</dd>
            <dt>{tr(Key::CapturedAt)}</dt><dd>{local_date_time(summary.captured_at)}</dd>
            <dt>{tr(Key::ReceivedAt)}</dt><dd>{local_date_time(summary.received_at)}</dd>
            {detail.called_at.map(|at| view! { <dt>{tr(Key::CalledAt)}</dt><dd>{local_date_time(at)}</dd> })}
        </dl>
        <h3>{tr(Key::ConsentEvidence)}</h3>
        {match consent {
            None => view! { <p class="empty">{tr(Key::NoConsent)}</p> }.into_any(),
            Some(c) => {
                let accepted = c.decision == ConsentDecision::Accepted;
                let channel = channel_key(c.channel);
                view! {
                    <dl class="detail__facts" data-testid="consent">
                        <dt>{tr(Key::ConsentChannel)}</dt><dd>{tr(channel)}</dd>
                        <dt>{tr(Key::ConsentAgreed)}</dt>
                        <dd>{move || if accepted { "✓" } else { Key::RecipientRefused.text(lang.get()) }}</dd>
                        <dt>{tr(Key::GivenAt)}</dt><dd>{local_date_time(c.given_at)}</dd>
                        <dt>{tr(Key::FreeHours)}</dt><dd>{c.disclosed.free_storage_hours}</dd>
                        <dt>{tr(Key::OvertimeFee)}</dt><dd>{doorstep_core::money::format_yuan(c.disclosed.overtime_fee_fen)}</dd>
                    </dl>
                }.into_any()
            }
        }}
        {pickup.then(|| view! {
            <PickupEvidence id=summary.id identity=detail.sender_identity.clone()
                inspection=detail.inspection.clone()/>
        })}
        {detail.tariff.clone().map(|t| view! { <TariffEvidence tariff=t/> })}
        {(!detail.photos.is_empty()).then(|| view! { <PhotoEvidence photos=detail.photos.clone()/> })}
        <h3>{tr(Key::Flag)}</h3>
        <ul class="detail__flags" data-testid="flags">
            {detail.flags.is_empty().then(|| view! { <li class="empty">{tr(Key::NoFlags)}</li> })}
            {detail.flags.iter().map(|status| {
                let flag = status.flag;
                let reviewed = status.reviewed_by_note.is_some();
                view! {
                    <li data-flag=flag.code() data-reviewed=reviewed.to_string()>
                        <span class="badge badge--attention">{move || flag.label(lang.get())}</span>
                        <span class=if reviewed { "badge badge--synced" } else { "badge badge--queued" }>
                            {tr(if reviewed { Key::Reviewed } else { Key::NotReviewed })}
                        </span>
                    </li>
                }
            }).collect_view()}
        </ul>
        <h3>{tr(Key::Revisions)}</h3>
        <div class="table-scroll" tabindex="0">
            <table class="table" data-testid="revisions">
                <thead><tr>
                    <th scope="col">{tr(Key::Revision)}</th>
                    <th scope="col">{tr(Key::Method)}</th>
                    <th scope="col">{tr(Key::Outcome)}</th>
                    <th scope="col">{tr(Key::RevisedAt)}</th>
                    <th scope="col">{tr(Key::ReceivedAt)}</th>
                </tr></thead>
                <tbody>
                    {detail.revisions.iter().map(|r| {
                        let method = r.method.clone();
                        let outcome = r.outcome.clone().unwrap_or_default();
                        view! {
                            <tr>
                                <td>{r.revision}</td>
                                <td>{move || method_label(&method, lang.get())}</td>
                                <td>{move || outcome_label(&outcome, lang.get())}</td>
                                <td>{local_date_time(r.revised_at)}</td>
                                <td>{local_date_time(r.received_at)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h3>{tr(Key::SupervisorNotes)}</h3>
        <ul class="detail__notes" data-testid="notes">
            {detail.notes.iter().map(|n| {
                let flag = n.reviewed_flag;
                view! {
                    <li>
                        <span class="detail__note-meta">{n.author.clone()}" · "{local_date_time(n.created_at)}</span>
                        {flag.map(|f| view! { <span class="badge badge--synced">{tr(Key::Reviewed)}": "{move || f.label(lang.get())}</span> })}
                        <p>{n.note.clone()}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// What the courier disclosed of the tariff and what the customer answered, with the table
/// version the price came from.
#[component]
fn TariffEvidence(tariff: doorstep_core::tariff::TariffDisclosure) -> impl IntoView {
    use doorstep_core::money::format_yuan;
    use doorstep_core::weight::format_kg;
    let lang = use_lang();
    let answer = tariff.answer.clone();
    view! {
        <h3>{tr(Key::TariffTitle)}</h3>
        <dl class="detail__facts" data-testid="tariff-evidence">
            <dt>{tr(Key::TariffVersion)}</dt><dd>{tariff.table_version.clone()}</dd>
            <dt>{tr(Key::ChargeableWeight)}</dt>
            <dd>{format!("{} kg ({} kg)", format_kg(tariff.chargeable_g), format_kg(tariff.weight_g))}</dd>
            <dt>{tr(Key::Freight)}</dt><dd>{format!("¥{}", format_yuan(tariff.freight_fen))}</dd>
            <dt>{tr(Key::ScriptTitle)}</dt><dd>{local_date_time(tariff.script_shown_at)}</dd>
            <dt>{tr(Key::InsureQuestion)}</dt>
            <dd>{move || match &answer {
                None => "—".to_string(),
                Some(a) if a.insured => format!(
                    "{} ¥{} · {} ¥{} · {} ¥{} · {}",
                    Key::DeclaredValue.text(lang.get()), format_yuan(a.declared_fen),
                    Key::Premium.text(lang.get()), format_yuan(a.premium_fen),
                    Key::Total.text(lang.get()), format_yuan(a.total_fen),
                    local_date_time(a.answered_at),
                ),
                Some(a) => format!(
                    "{} · {} ¥{} · {}",
                    Key::NotInsured.text(lang.get()),
                    Key::Total.text(lang.get()), format_yuan(a.total_fen),
                    local_date_time(a.answered_at),
                ),
            }}</dd>
        </dl>
    }
}
