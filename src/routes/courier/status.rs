//! The courier's rows of the top bar: the device's queue and sync state, the install offer and
//! the prompt to switch to a new version.

use crate::clock::{local_time, now_ms};
use crate::device::{use_device, SyncStatus};
use crate::i18n::{tr, use_lang, Key};
use crate::install::InstallPrompt;
use crate::session::use_session;
use crate::sw::AppUpdate;
use leptos::prelude::*;

/// The courier's rows of the top bar: the queue (count and age of the oldest record, photos
/// waiting), sync state, install offer, and a prompt when a new version is ready.
#[component]
pub fn CourierStatus() -> impl IntoView {
    let session = use_session();
    let device = use_device();
    let update = expect_context::<AppUpdate>();
    let install = expect_context::<InstallPrompt>();
    let lang = use_lang();
    let is_courier = move || {
        session
            .0
            .with(|s| s.as_ref().is_some_and(|s| s.is_courier()))
    };
    let queue_label = move || {
        let count = device.pending_count();
        let oldest = device
            .oldest_pending()
            .map(|at| {
                let minutes = (now_ms() - at).max(0) / 60_000;
                format!(
                    " · {} {}（{}′）",
                    Key::OldestQueued.text(lang.get()),
                    local_time(at),
                    minutes
                )
            })
            .unwrap_or_default();
        // Photos go up after their records, so they can wait when no record does.
        let photos = match device.photos_waiting() {
            0 => String::new(),
            n => format!(" · {} {n}", Key::PhotosWaiting.text(lang.get())),
        };
        format!(
            "{} {}{photos}{}",
            Key::QueuedCount.text(lang.get()),
            count,
            oldest
        )
    };
    let status_label = move || match device.status.get() {
        SyncStatus::Syncing => Key::Syncing.text(lang.get()).to_string(),
        SyncStatus::Offline => Key::Offline.text(lang.get()).to_string(),
        SyncStatus::Failed(message) => message,
        SyncStatus::Idle => String::new(),
    };
    let storage_label = move || match device.persistent.get() {
        Some(true) => Key::StoragePersistent.text(lang.get()),
        Some(false) => Key::StorageBestEffort.text(lang.get()),
        None => "",
    };

    view! {
        <Show when=is_courier>
            <div class="app-header__row app-header__queue" role="status" aria-live="polite">
                // Two lines of fixed height whatever the state says, so the page below does not
                // move under the courier's finger when a sync starts or the queue grows.
                <div class="app-header__state">
                    <span class="app-header__line" data-testid="queue">{queue_label}</span>
                    <span class="app-header__line">
                        <span data-testid="sync-status">{status_label}</span>
                        " "
                        <span class="app-header__storage">{storage_label}</span>
                    </span>
                </div>
                <button class="button button--small" data-testid="sync-now" on:click=move |_| device.sync_now()>
                    {tr(Key::SyncNow)}
                </button>
                <Show when=move || install.available.get()>
                    <button class="button button--small" on:click=move |_| install.prompt()>{tr(Key::Install)}</button>
                </Show>
            </div>
        </Show>
        <Show when=move || update.waiting.get()>
            <div class="app-header__row app-header__update" role="alert">
                <span>{tr(Key::NewVersion)}</span>
                <button class="button button--small" on:click=move |_| update.apply()>{tr(Key::Reload)}</button>
            </div>
        </Show>
    }
}
