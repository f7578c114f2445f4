//! Today's records on this device with their sync state; search by the waybill's last digits,
//! edit a record (a new revision), or start another parcel for the same address.

use super::draft::Draft;
use crate::clock::{local_time, start_of_today_ms};
use crate::device::{state_key, use_device};
use crate::i18n::{tr, use_lang, Key};
use crate::storage::OutboxEntry;
use doorstep_core::api::method_label;
use doorstep_core::masking::{mask_name, mask_phone, waybill_tail};
use doorstep_core::sync::{Change, QueueState};
use leptos::prelude::*;

#[component]
pub fn TodayList(draft: RwSignal<Draft>) -> impl IntoView {
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
    let scroll_to_form = || window().scroll_to_with_x_and_y(0.0, 0.0);

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
                <For each=shown key=|e| (e.id.clone(), e.record.revision, format!("{:?}", e.state)) let:entry>
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
    on_pick: fn(),
    lang: RwSignal<doorstep_core::Lang>,
) -> impl IntoView {
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
    let record_id = record.id;
    let device = use_device();
    let notes = move || {
        device.changes.with(|changes| {
            changes
                .iter()
                .filter_map(|change| match change {
                    Change::SupervisorNote {
                        record_id: id,
                        note,
                        ..
                    } if *id == record_id => Some(note.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    };
    let for_edit = record.clone();
    let for_copy = record.clone();
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
            <For each=notes key=|n| n.clone() let:note>
                <p class="records__note records__wide" data-testid="supervisor-note">
                    <strong>{tr(Key::SupervisorNote)}{"："}</strong>{note}
                </p>
            </For>
            <div class="records__actions records__wide">
                <button type="button" class="button button--small" data-testid="edit"
                    on:click=move |_| { draft.set(Draft::from_record(&for_edit)); on_pick(); }>
                    {tr(Key::Edit)}
                </button>
                <button type="button" class="button button--small" data-testid="same-address"
                    on:click=move |_| { draft.set(Draft::from_record(&for_copy).for_same_address()); on_pick(); }>
                    {tr(Key::SameAddress)}
                </button>
            </div>
        </li>
    }
}
