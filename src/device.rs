//! The courier's device: its outbox, the sync loop and what the header shows about them.

use crate::clock::start_of_today_ms;
use crate::session::CurrentSession;
use crate::storage::local::{self, LocalKey};
use crate::storage::{
    request_persistence, DraftStore, Outbox, OutboxEntry, ParcelStore, PreferenceBook, StorageError,
};
use crate::sync::{next_retry_ms, push_pending, SyncOutcome};
use crate::sync_lock::with_sync_lock;
use doorstep_core::day::Day;
use doorstep_core::manifest::RouteParcel;
use doorstep_core::preference::StandingPreference;
use doorstep_core::route::Standing;
use doorstep_core::sync::{prune_cutoff, QueueState};
use doorstep_core::{DeliveryRecord, Lang};
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    Idle,
    Syncing,
    /// The last attempt could not reach the server; another is scheduled.
    Offline,
    Failed(String),
}

/// Shared, reactive state of the device's queue. Cheap to copy; provided at the app's root.
#[derive(Clone, Copy)]
pub struct Device {
    db: StoredValue<Option<Rc<idb::Database>>, LocalStorage>,
    outbox: StoredValue<Option<Outbox>, LocalStorage>,
    book: StoredValue<Option<PreferenceBook>, LocalStorage>,
    route: StoredValue<Option<ParcelStore>, LocalStorage>,
    /// The sealed draft, once storage is open: the courier screen waits for it to restore.
    pub drafts: RwSignal<Option<DraftStore>, LocalStorage>,
    pub entries: RwSignal<Vec<OutboxEntry>>,
    pub preferences: RwSignal<Vec<StandingPreference>>,
    /// The day's parcels assigned to this courier, as the last sync left them.
    pub parcels: RwSignal<Vec<RouteParcel>>,
    pub status: RwSignal<SyncStatus>,
    /// `Some(true)` once the browser promised not to evict our storage.
    pub persistent: RwSignal<Option<bool>>,
    pub storage_error: RwSignal<Option<String>>,
    failures: StoredValue<u32>,
    /// Bumped per scheduled retry so an older timer does nothing.
    retry_generation: StoredValue<u64>,
    session: CurrentSession,
    lang: RwSignal<Lang>,
    tariffs: crate::tariffs::Tariffs,
}

impl Device {
    pub fn new(
        session: CurrentSession,
        lang: RwSignal<Lang>,
        tariffs: crate::tariffs::Tariffs,
    ) -> Device {
        Device {
            db: StoredValue::new_local(None),
            outbox: StoredValue::new_local(None),
            book: StoredValue::new_local(None),
            route: StoredValue::new_local(None),
            drafts: RwSignal::new_local(None),
            entries: RwSignal::new(Vec::new()),
            preferences: RwSignal::new(Vec::new()),
            parcels: RwSignal::new(Vec::new()),
            status: RwSignal::new(SyncStatus::Idle),
            persistent: RwSignal::new(None),
            storage_error: RwSignal::new(None),
            failures: StoredValue::new(0),
            retry_generation: StoredValue::new(0),
            session,
            lang,
            tariffs,
        }
    }

    /// Opens storage, asks for persistence and syncs on start, on `online` and whenever the page
    /// becomes visible again.
    pub fn start(self) {
        spawn_local(async move {
            match crate::storage::open(crate::storage::DB_NAME).await {
                Ok(db) => {
                    let sealer = match crate::storage::Sealer::open(&db).await {
                        Ok(sealer) => sealer,
                        Err(e) => {
                            self.storage_error.set(Some(e.to_string()));
                            return;
                        }
                    };
                    self.drafts
                        .set(Some(DraftStore::new(db.clone(), sealer.clone())));
                    let sealer_for_route = sealer.clone();
                    let outbox = Outbox::new(db.clone(), sealer);
                    // Yesterday's acknowledged records leave the device; nothing unsynced does.
                    let cutoff = prune_cutoff(start_of_today_ms(), keep_days());
                    if let Err(e) = outbox.prune(cutoff).await {
                        self.storage_error.set(Some(e.to_string()));
                    }
                    self.outbox.set_value(Some(outbox));
                    self.route
                        .set_value(Some(ParcelStore::new(db.clone(), sealer_for_route)));
                    self.book.set_value(Some(PreferenceBook::new(db.clone())));
                    self.db.set_value(Some(db));
                    self.refresh().await;
                    self.sync_now();
                }
                Err(e) => self.storage_error.set(Some(e.to_string())),
            }
            self.persistent.set(Some(request_persistence().await));
        });
        // Signing in starts the courier's day: the first sync brings the route.
        Effect::new(move |_| {
            let courier = self
                .session
                .0
                .with(|s| s.as_ref().is_some_and(|s| s.is_courier()));
            if courier {
                self.sync_now();
            }
        });
        let online = window_event_listener(leptos::ev::online, move |_| self.sync_now());
        let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                self.sync_now();
            }
        });
        // The device lives as long as the app; keep the listeners.
        std::mem::forget((online, visible));
        // Background Sync: the service worker asks an open page to sync when the network returns.
        crate::sw::on_worker_message(move |message| {
            if message == "sync-now" {
                self.sync_now();
            }
        });
    }

    pub fn pending_count(&self) -> usize {
        self.entries
            .with(|e| e.iter().filter(|e| e.state.is_pending()).count())
    }

    /// Capture time of the oldest queued record.
    pub fn oldest_pending(&self) -> Option<i64> {
        self.entries.with(|e| {
            e.iter()
                .filter(|e| e.state.is_pending())
                .map(|e| e.record.captured_at)
                .min()
        })
    }

    async fn refresh(self) {
        if let Some(outbox) = self.outbox.get_value() {
            match outbox.all().await {
                Ok(entries) => self.entries.set(entries),
                Err(e) => self.storage_error.set(Some(e.to_string())),
            }
        }
        if let Some(book) = self.book.get_value() {
            match book.all().await {
                Ok(preferences) => self.preferences.set(preferences),
                Err(e) => self.storage_error.set(Some(e.to_string())),
            }
        }
        if let Some(route) = self.route.get_value() {
            match route.all().await {
                Ok(parcels) => self.parcels.set(parcels),
                Err(e) => self.storage_error.set(Some(e.to_string())),
            }
        }
    }

    /// A parcel's recipient leaves the device once its handover is acknowledged, and the
    /// parcels of past days go at the first sync of a new day.
    async fn forget_done_parcels(self) {
        let Some(route) = self.route.get_value() else {
            return;
        };
        let done: Vec<String> = self.entries.with_untracked(|entries| {
            entries
                .iter()
                .filter(|e| matches!(e.state, QueueState::Synced { .. }))
                .filter(|e| {
                    Standing::of(e.record.outcome.as_ref().map(|o| o.kind())) == Standing::Done
                })
                .map(|e| e.record.waybill.as_str().to_string())
                .collect()
        });
        match route.forget(&done, Day::of(crate::clock::now_ms())).await {
            Ok(true) => self.refresh().await,
            Ok(false) => {}
            Err(e) => self.storage_error.set(Some(e.to_string())),
        }
    }

    /// Records or withdraws a recipient's standing preference on this device.
    pub async fn save_preference(self, preference: StandingPreference) -> Result<(), StorageError> {
        let book = self
            .book
            .get_value()
            .ok_or_else(StorageError::unavailable)?;
        book.put(&preference).await?;
        self.refresh().await;
        Ok(())
    }

    /// Commits the record to the device and only then returns; sync follows in the background.
    pub async fn save(self, record: DeliveryRecord) -> Result<(), StorageError> {
        let outbox = self
            .outbox
            .get_value()
            .ok_or_else(StorageError::unavailable)?;
        outbox.save(record).await?;
        self.refresh().await;
        self.sync_now();
        Ok(())
    }

    /// Deletes what this device holds for the courier who signs out: records, the preference
    /// book, the sealing key (a new one is made), the draft, consent-link tokens and the sync
    /// cursor. The caller warns first when records are unsynced.
    pub async fn wipe(self) -> Result<(), StorageError> {
        crate::links::forget_all();
        crate::storage::cursor::forget();
        local::forget(LocalKey::RouteOrder);
        let Some(db) = self.db.get_value() else {
            return Ok(());
        };
        if let Some(drafts) = self.drafts.get_untracked() {
            // Also drops a save of the draft still sealing, which would write it back.
            drafts.clear().await?;
        }
        crate::storage::clear_all(&db).await?;
        let sealer = crate::storage::Sealer::open(&db).await?;
        self.drafts
            .set(Some(DraftStore::new(db.clone(), sealer.clone())));
        self.route
            .set_value(Some(ParcelStore::new(db.clone(), sealer.clone())));
        self.outbox.set_value(Some(Outbox::new(db, sealer)));
        self.refresh().await;
        Ok(())
    }

    /// Starts a sync round unless one is running.
    pub fn sync_now(self) {
        if self.status.get_untracked() == SyncStatus::Syncing {
            return;
        }
        let Some(token) = self.session.0.with_untracked(|s| {
            s.as_ref()
                .filter(|s| s.is_courier())
                .map(|s| s.token.clone())
        }) else {
            return;
        };
        let (Some(outbox), Some(route)) = (self.outbox.get_value(), self.route.get_value()) else {
            return;
        };
        self.status.set(SyncStatus::Syncing);
        spawn_local(async move {
            let lang = self.lang.get_untracked();
            let outcome = with_sync_lock(|| push_pending(&outbox, &route, &token, lang)).await;
            self.refresh().await;
            let Some(outcome) = outcome else {
                // Another tab is syncing the same queue; show its result shortly.
                self.status.set(SyncStatus::Idle);
                Timeout::new(2_000, move || spawn_local(self.refresh())).forget();
                return;
            };
            match outcome {
                SyncOutcome::Done => {
                    self.failures.set_value(0);
                    self.status.set(SyncStatus::Idle);
                    self.forget_done_parcels().await;
                    // Reachable: a good moment to check for a newer tariff table.
                    self.tariffs.refresh(&token, lang).await;
                }
                SyncOutcome::Unreachable => {
                    self.status.set(SyncStatus::Offline);
                    crate::sw::request_background_sync();
                    self.schedule_retry();
                }
                SyncOutcome::SignedOut => {
                    self.status.set(SyncStatus::Idle);
                    self.session.sign_out();
                }
                SyncOutcome::Storage(message) => self.status.set(SyncStatus::Failed(message)),
            }
        });
    }

    /// Signs out of the courier app. A courier's sign-out wipes the device's data, after a
    /// warning when records are unsynced; anyone else signed in here just signs out.
    pub fn sign_out(self) {
        let courier = self
            .session
            .0
            .with_untracked(|s| s.as_ref().is_some_and(|s| s.is_courier()));
        let pending = self.pending_count();
        let lang = self.lang.get_untracked();
        if courier && pending > 0 {
            let warning = format!(
                "{pending} {}",
                crate::i18n::Key::UnsyncedWipeWarning.text(lang)
            );
            if !window().confirm_with_message(&warning).unwrap_or(false) {
                return;
            }
        }
        self.session.end(lang, async move {
            if courier {
                if let Err(e) = self.wipe().await {
                    self.storage_error.set(Some(e.to_string()));
                }
            }
        });
    }

    fn schedule_retry(self) {
        let failures = self.failures.get_value();
        self.failures.set_value(failures.saturating_add(1));
        let generation = self.retry_generation.get_value() + 1;
        self.retry_generation.set_value(generation);
        let delay = next_retry_ms(failures);
        Timeout::new(delay, move || {
            if self.retry_generation.get_value() == generation {
                self.sync_now();
            }
        })
        .forget();
    }
}

/// How a record's queue state reads in the list.
pub fn state_key(state: &QueueState) -> crate::i18n::Key {
    match state {
        QueueState::Queued => crate::i18n::Key::Queued,
        QueueState::Synced { .. } => crate::i18n::Key::Synced,
        QueueState::NeedsAttention { .. } => crate::i18n::Key::NeedsAttention,
    }
}

/// How many days of synced records the device keeps (today counts as one); set by the
/// [`LocalKey::KeepDays`] entry in local storage, 1 by default.
fn keep_days() -> u32 {
    local::get(LocalKey::KeepDays).unwrap_or(1)
}

pub fn use_device() -> Device {
    expect_context::<Device>()
}
