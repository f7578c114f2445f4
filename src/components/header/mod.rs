use crate::clock::{local_time, now_ms};
use crate::device::{use_device, SyncStatus};
use crate::i18n::{tr, use_lang, Key, Language};
use crate::session::use_session;
use crate::sw::AppUpdate;
use leptos::prelude::*;

/// The top bar of both apps: who is signed in, the language switch and sign-out; `children`
/// are the rows only one app has (the courier's queue).
#[component]
pub fn Header(
    /// What signing out means in this app (the courier app also wipes the device).
    sign_out: Callback<()>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let session = use_session();
    let language = expect_context::<Language>();
    let signed_in = move || session.0.with(Option::is_some);

    view! {
        <header class="app-header">
            <div class="app-header__row">
                <strong class="app-header__title">{tr(Key::AppName)}</strong>
                <span class="app-header__who">
                    {move || session.0.with(|s| s.as_ref().map(|s| format!("{} · {}", s.account.display_name, s.account.station)))}
                </span>
                <button class="button button--ghost" on:click=move |_| language.toggle()>
                    {tr(Key::SwitchLanguage)}
                </button>
                <Show when=signed_in>
                    <button class="button button--ghost" data-testid="sign-out" on:click=move |_| sign_out.run(())>{tr(Key::SignOut)}</button>
                </Show>
            </div>
            {children.map(|rows| rows())}
        </header>
    }
}

/// The courier's rows of the top bar: the queue (count and age of the oldest record), sync
/// state, install offer, and a prompt when a new version is ready.
#[component]
pub fn CourierStatus() -> impl IntoView {
    let session = use_session();
    let device = use_device();
    let update = expect_context::<AppUpdate>();
    let install = expect_context::<crate::install::InstallPrompt>();
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
        format!("{} {}{}", Key::QueuedCount.text(lang.get()), count, oldest)
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
                <span data-testid="queue">{queue_label}</span>
                <span data-testid="sync-status">{status_label}</span>
                <span class="app-header__storage">{storage_label}</span>
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
