//! Today's records on this device with their sync state; search by the waybill's last digits,
//! edit a record (a new revision), or start another parcel for the same address.

use super::draft::Draft;
use super::planned::draft_for_record;
use crate::clock::{local_time, start_of_today_ms};
use crate::device::{state_key, use_device};
use crate::i18n::{tr, use_lang, Key};
use crate::storage::OutboxEntry;
use doorstep_core::api::method_label;
use doorstep_core::link::{placed_message, share_message};
use doorstep_core::masking::{mask_name, mask_phone, waybill_tail};
use doorstep_core::sync::QueueState;
use doorstep_core::{DeliveryMethod, DeliveryRecord, Lang, Outcome};
use leptos::prelude::*;

#[component]
pub fn TodayList(
    draft: RwSignal<Draft>,
    /// Opened when a record is picked for editing over the route.
    form_open: RwSignal<bool>,
) -> impl IntoView {
    let device = use_device();
    let lang = use_lang();
    let search = RwSignal::new(String::new());
    let today = start_of_today_ms();
    let shown = move || {
        let tail = search.get().trim().to_uppercase();
        device.entries.with(|entries| {
            entries
                .iter()
                .filter(|e| e.record.captured_at >= today || e.state.is_pending())
                .filter(|e| tail.is_empty() || e.record.waybill.as_str().ends_with(&tail))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let scroll_to_form = move || {
        form_open.set(true);
        window().scroll_to_with_x_and_y(0.0, 0.0);
    };

    view! {
        <section class="card">
            <h2>{tr(Key::TodayRecords)}</h2>
            <label class="field">
                <span class="field__label">{tr(Key::SearchTail)}</span>
                <input name="search" inputmode="numeric" autocomplete="off"
                    prop:value=search on:input=move |ev| search.set(event_target_value(&ev)) />
            </label>
            <Show when=move || !draft.with(Draft::is_blank)>
                <p class="records__draft" data-testid="draft">
                    <span class="badge badge--draft">{tr(Key::Draft)}</span>
                    {move || draft.with(|d| d.waybill.clone())}
                </p>
            </Show>
            <Show when=move || device.entries.with(Vec::is_empty)>
                <p class="empty">{tr(Key::NoRecords)}</p>
            </Show>
            <ul class="records" data-testid="records">
                <For each=shown key=|e| (e.id.clone(), e.record.revision, e.state.clone(), e.notes.len(), e.decision.as_ref().map(|d| d.decided_at), e.complaints.len()) let:entry>
                    <RecordRow entry=entry draft=draft on_pick=scroll_to_form lang=lang/>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn RecordRow(
    entry: OutboxEntry,
    draft: RwSignal<Draft>,
    on_pick: impl Fn() + Copy + Send + Sync + 'static,
    lang: RwSignal<doorstep_core::Lang>,
) -> impl IntoView {
    let device = use_device();
    let record = entry.record.clone();
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
    let method = record.method.code();
    let who = record
        .recipient
        .as_ref()
        .map(|r| {
            let name = r.name.as_deref().map(mask_name).unwrap_or_default();
            format!("{name} {}", mask_phone(&r.phone))
                .trim()
                .to_string()
        })
        .unwrap_or_default();
    let attempts = record.failed_attempts;
    let for_edit = record.clone();
    let for_copy = record.clone();
    let decision = entry.decision.clone();
    let for_answer = (record.clone(), entry.decision.clone());
    let complaints = entry.complaints.clone();
    let synced = matches!(entry.state, QueueState::Synced { .. });
    let link = record.link.clone().filter(|l| l.revoked_at.is_none());
    // The server's refusal of a photo of this record; the photo stays on the device.
    let record_id = record.id;
    let photo_problem = move || {
        device.photos.with(|photos| {
            photos
                .iter()
                .filter(|p| p.record == Some(record_id))
                .find_map(|p| p.attention.clone())
        })
    };
    view! {
        <li class="records__item" data-waybill=record.waybill.to_string()>
            <span class="records__waybill" title=record.waybill.to_string()>
                {"…"}{waybill_tail(record.waybill.as_str(), 6)}
            </span>
            <span class=state_class data-testid="state">{move || key.text(lang.get())}</span>
            <span class="records__who">{who}</span>
            <span>{move || method_label(method, lang.get())}</span>
            <span>{local_time(record.captured_at)}</span>
            {(attempts > 0).then(|| view! { <span>{move || format!("{attempts} {}", Key::Attempts.text(lang.get()))}</span> })}
            {attention.map(|m| view! { <p class="field__error records__wide">{m}</p> })}
            {move || photo_problem().map(|m| view! {
                <p class="field__error records__wide" data-testid="photo-attention">
                    {format!("{}：{m}", Key::PhotoNeedsAttention.text(lang.get()))}
                </p>
            })}
            {entry.notes.iter().map(|n| {
                let text = n.note.clone();
                view! {
                    <p class="records__note records__wide" data-testid="note">
                        {move || format!("{}：{}", Key::SupervisorNote.text(lang.get()), text)}
                    </p>
                }
            }).collect_view()}
            {decision.map(|d| {
                let at = local_time(d.decided_at);
                let door = d.choice == doorstep_core::MethodKind::Door;
                let choice = d.choice.code();
                let window = d.time_window.clone().unwrap_or_default();
                view! {
                    <p class=if door { "notice notice--warn records__wide" } else { "notice records__wide" } role="status" data-testid="link-decision">
                        {move || if door {
                            format!("{} {window}（{at}）", Key::DoorByLink.text(lang.get()))
                        } else {
                            format!("{}：{}（{at}）", Key::ConfirmedByLink.text(lang.get()), method_label(choice, lang.get()))
                        }}
                        <button type="button" class="button button--small" data-testid="apply-answer"
                            on:click=move |_| {
                                let (record, decision) = for_answer.clone();
                                let mut next = Draft::from_record(&record);
                                if let Some(decision) = &decision {
                                    next.apply_decision(decision);
                                }
                                draft.set(next);
                                on_pick();
                            }>
                            {tr(Key::ApplyAnswer)}
                        </button>
                    </p>
                }
            })}
            {complaints.into_iter().map(|c| view! {
                <p class="notice notice--warn records__wide" role="alert" data-testid="complaint">
                    {move || format!("{}：{}（{}）", Key::RecipientComplaint.text(lang.get()), c.kind.label(lang.get()), local_time(c.at))}
                </p>
            }).collect_view()}
            {link.map(|link| view! { <LinkPanel record=record.clone() link=link synced=synced lang=lang/> })}
            <div class="records__actions records__wide">
                <button type="button" class="button button--small" data-testid="edit"
                    on:click=move |_| { draft.set(draft_for_record(device, &for_edit)); on_pick(); }>
                    {tr(Key::Edit)}
                </button>
                <button type="button" class="button button--small" data-testid="same-address"
                    on:click=move |_| { draft.set(draft_for_record(device, &for_copy).for_same_address()); on_pick(); }>
                    {tr(Key::SameAddress)}
                </button>
            </div>
        </li>
    }
}

/// The consent link of a record: pending until synced, then its QR code, a share action and
/// revocation.
#[component]
fn LinkPanel(
    record: DeliveryRecord,
    link: doorstep_core::link::LinkRequest,
    synced: bool,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let device = use_device();
    let open = RwSignal::new(false);
    let token = crate::links::token_for(link.id);
    if !synced {
        return view! { <p class="records__note records__wide" data-testid="link-pending">{tr(Key::LinkPending)}</p> }.into_any();
    }
    let Some(token) = token else {
        return ().into_any();
    };
    let url = crate::links::url(&token);
    let share_url = url.clone();
    let placed = record.clone();
    let share = move |_| {
        let message = share_text(&placed, &share_url, lang.get_untracked());
        share_or_sms(&message, &share_url);
    };
    let revoke = move |_| {
        let mut next = record.clone();
        if let Some(l) = next.link.as_mut() {
            l.revoked_at = Some(crate::clock::now_ms());
        }
        next.revision += 1;
        next.revised_at = crate::clock::now_ms();
        leptos::task::spawn_local(async move {
            let _ = device.save(next).await;
        });
    };
    view! {
        <div class="records__wide" data-testid="link-panel">
            <div class="records__actions">
                <button type="button" class="button button--small" data-testid="show-link"
                    aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)>
                    {move || if open.get() { Key::HideLink.text(lang.get()) } else { Key::ShowLink.text(lang.get()) }}
                </button>
                <button type="button" class="button button--small" on:click=share>{tr(Key::ShareLink)}</button>
                <button type="button" class="button button--small" data-testid="revoke-link" on:click=revoke>{tr(Key::RevokeLink)}</button>
            </div>
            <Show when=move || open.get()>
                <crate::components::qr::QrSvg text=url.clone() label=Key::LinkQrLabel.text(lang.get_untracked()).to_string()/>
                <p class="records__note link-url" data-testid="link-url"><a href=url.clone() target="_blank" rel="noreferrer">{url.clone()}</a></p>
            </Show>
        </div>
    }
    .into_any()
}

/// What the courier sends the recipient with the link: once the parcel is in a locker or at a
/// station with a pickup code, where it is and the code; before, the request to choose.
fn share_text(record: &DeliveryRecord, url: &str, lang: Lang) -> String {
    let place = match (&record.method, &record.outcome) {
        (DeliveryMethod::Locker { bank, .. }, Some(Outcome::PlacedInLocker)) => {
            Some(format!("{} {bank}", Key::Locker.text(lang)))
        }
        (DeliveryMethod::Station { station }, Some(Outcome::LeftAtStation)) => {
            Some(station.clone())
        }
        _ => None,
    };
    let waybill = record.waybill.as_str();
    match (place, record.pickup_code.as_deref()) {
        (Some(place), Some(code)) => {
            placed_message(record.carrier, waybill, &place, code, url, lang)
        }
        _ => share_message(record.carrier, waybill, url, lang),
    }
}

/// The system share sheet where there is one (Web Share API), otherwise the SMS app with the
/// message filled in; the recipient's number is chosen there, never put in a URL by us.
fn share_or_sms(message: &str, url: &str) {
    let navigator = window().navigator();
    let can_share = js_sys::Reflect::has(&navigator, &wasm_bindgen::JsValue::from_str("share"))
        .unwrap_or(false);
    if can_share {
        let data = web_sys::ShareData::new();
        data.set_text(message);
        data.set_url(url);
        let _ = navigator.share_with_data(&data);
    } else {
        let body = js_sys::encode_uri_component(message);
        let _ = window().location().set_href(&format!("sms:?&body={body}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use doorstep_core::testing::{door_delivery, placed_in_locker};
    use doorstep_core::ConsentChannel;

    #[test]
    fn a_parcel_in_the_locker_is_shared_with_its_place_and_pickup_code() {
        let url = "https://x/c/t";
        let mut placed = placed_in_locker(door_delivery(1), ConsentChannel::InPerson);
        placed.pickup_code = Some("482913".into());
        let text = share_text(&placed, url, Lang::Zh);
        assert!(
            text.contains("482913") && text.contains("智能快件箱"),
            "{text}"
        );
        placed.pickup_code = None;
        let asked = share_text(&placed, url, Lang::Zh);
        assert_eq!(
            asked,
            share_message(placed.carrier, placed.waybill.as_str(), url, Lang::Zh)
        );
    }
}
