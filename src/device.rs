//! The courier's device: its outbox, the sync loop and what the header shows about them.

use crate::clock::start_of_today_ms;
use crate::proof_rules::StationProofRules;
use crate::session::CurrentSession;
use crate::storage::local::{self, LocalKey};
use crate::storage::{
    request_persistence, DraftStore, Outbox, OutboxEntry, ParcelStore, PhotoEntry, PhotoStore,
    PreferenceBook, Sealer, StorageError,
};
use crate::sync::{next_retry_ms, push_pending, SyncOutcome};
use crate::sync_lock::with_sync_lock;
use doorstep_core::day::Day;
use doorstep_core::manifest::RouteParcel;
use doorstep_core::preference::StandingPreference;
use doorstep_core::proof::PhotoId;
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
    photo_store: StoredValue<Option<PhotoStore>, LocalStorage>,
    /// The photos the draft names, once the courier screen has restored it: until then no
    /// photo is deleted as unnamed.
    draft_photos: StoredValue<Option<Vec<PhotoId>>>,
    /// The sealed draft, once storage is open: the courier screen waits for it to restore.
    pub drafts: RwSignal<Option<DraftStore>, LocalStorage>,
    pub entries: RwSignal<Vec<OutboxEntry>>,
    pub preferences: RwSignal<Vec<StandingPreference>>,
    /// The day's parcels assigned to this courier, as the last sync left them.
    pub parcels: RwSignal<Vec<RouteParcel>>,
    /// The photos on the device (without their bytes).
    pub photos: RwSignal<Vec<PhotoEntry>>,
    pub status: RwSignal<SyncStatus>,
    /// `Some(true)` once the browser promised not to evict our storage.
    pub persistent: RwSignal<Option<bool>>,
    pub storage_error: RwSignal<Option<String>>,
    failures: StoredValue<u32>,
    /// Bumped per scheduled retry so an older timer does nothing.
    retry_generation: StoredValue<u64>,
    /// Something asked for a round while one ran: one more follows it.
    again: StoredValue<bool>,
    /// The live feed is followed (while a courier is signed in).
    following: StoredValue<bool>,
    session: CurrentSession,
    lang: RwSignal<Lang>,
    tariffs: crate::tariffs::Tariffs,
    proof_rules: StationProofRules,
}

impl Device {
    pub fn new(
        session: CurrentSession,
        lang: RwSignal<Lang>,
        tariffs: crate::tariffs::Tariffs,
        proof_rules: StationProofRules,
    ) -> Device {
        Device {
            db: StoredValue::new_local(None),
            outbox: StoredValue::new_local(None),
            book: StoredValue::new_local(None),
            route: StoredValue::new_local(None),
            photo_store: StoredValue::new_local(None),
            draft_photos: StoredValue::new(None),
            drafts: RwSignal::new_local(None),
            entries: RwSignal::new(Vec::new()),
            preferences: RwSignal::new(Vec::new()),
            parcels: RwSignal::new(Vec::new()),
            photos: RwSignal::new(Vec::new()),
            status: RwSignal::new(SyncStatus::Idle),
            persistent: RwSignal::new(None),
            storage_error: RwSignal::new(None),
            failures: StoredValue::new(0),
            retry_generation: StoredValue::new(0),
            again: StoredValue::new(false),
            following: StoredValue::new(false),
            session,
            lang,
            tariffs,
            proof_rules,
        }
    }

    /// Opens storage, asks for persistence and syncs on start, on `online` and whenever the page
    /// becomes visible again.
    pub fn start(self) {
        spawn_local(async move {
            match crate::storage::open(crate::storage::DB_NAME).await {
                Ok(db) => {
                    let sealer = match Sealer::open(&db).await {
                        Ok(sealer) => sealer,
                        Err(e) => {
                            self.storage_error.set(Some(e.to_string()));
                            return;
                        }
                    };
                    self.open_stores(&db, sealer);
                    // Yesterday's acknowledged records leave the device; nothing unsynced does,
                    // nor a record whose photos have not gone up.
                    let cutoff = prune_cutoff(start_of_today_ms(), keep_days());
                    if let Err(e) = self.prune(cutoff).await {
                        self.storage_error.set(Some(e.to_string()));
                    }
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
                self.follow_live();
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

    /// The stores that seal with the device key.
    fn open_stores(self, db: &Rc<idb::Database>, sealer: Sealer) {
        self.drafts
            .set(Some(DraftStore::new(db.clone(), sealer.clone())));
        self.route
            .set_value(Some(ParcelStore::new(db.clone(), sealer.clone())));
        self.photo_store
            .set_value(Some(PhotoStore::new(db.clone(), sealer.clone())));
        self.outbox.set_value(Some(Outbox::new(db.clone(), sealer)));
    }

    async fn prune(self, cutoff: i64) -> Result<usize, StorageError> {
        let (Some(outbox), Some(photos)) = (self.outbox.get_value(), self.photo_store.get_value())
        else {
            return Ok(0);
        };
        let unsent: Vec<PhotoId> = photos.list().await?.into_iter().map(|p| p.id).collect();
        outbox.prune(cutoff, &unsent).await
    }

    pub fn pending_count(&self) -> usize {
        self.entries
            .with(|e| e.iter().filter(|e| e.state.is_pending()).count())
    }

    /// Photos of saved records still on the device: not yet sent, or refused by the server.
    pub fn photos_waiting(&self) -> usize {
        self.photos
            .with(|p| p.iter().filter(|p| p.record.is_some()).count())
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
        if let Some(store) = self.photo_store.get_value() {
            match store.list().await {
                Ok(photos) => self.photos.set(photos),
                Err(e) => self.storage_error.set(Some(e.to_string())),
            }
        }
    }

    fn photo_store(self) -> Result<PhotoStore, StorageError> {
        self.photo_store
            .get_value()
            .ok_or_else(StorageError::unavailable)
    }

    /// Seals and stores a photo just taken, before the draft names it.
    pub async fn store_photo(self, id: &PhotoId, jpeg: &[u8]) -> Result<(), StorageError> {
        self.photo_store()?
            .put(id, jpeg, crate::clock::now_ms())
            .await
    }

    /// A photo's bytes, for its thumbnail; `None` once the server has it.
    pub async fn photo_bytes(self, id: &PhotoId) -> Result<Option<Vec<u8>>, StorageError> {
        self.photo_store()?.bytes(id).await
    }

    /// The photos the draft names now; the ones nothing names any more leave the device.
    pub fn set_draft_photos(self, photos: Vec<PhotoId>) {
        self.draft_photos.set_value(Some(photos));
        spawn_local(self.reconcile_photos());
    }

    /// Notes which record names each photo and deletes those no record and not the draft
    /// names; does nothing before the draft is known.
    async fn reconcile_photos(self) {
        let (Some(draft), Some(outbox), Some(store)) = (
            self.draft_photos.get_value(),
            self.outbox.get_value(),
            self.photo_store.get_value(),
        ) else {
            return;
        };
        let reconciled = match outbox.photo_owners().await {
            Ok(owners) => {
                store
                    .reconcile(&owners, &draft, crate::clock::now_ms())
                    .await
            }
            Err(e) => Err(e),
        };
        match reconciled {
            Ok(true) => self.refresh().await,
            Ok(false) => {}
            Err(e) => self.storage_error.set(Some(e.to_string())),
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
        self.reconcile_photos().await;
        self.refresh().await;
        self.sync_now();
        Ok(())
    }

    /// Deletes what this device holds for the courier who signs out: records, photos, the
    /// preference book, the sealing key (a new one is made), the draft, consent-link tokens and
    /// the sync cursor. The caller warns first when records are unsynced.
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
        let sealer = Sealer::open(&db).await?;
        self.open_stores(&db, sealer);
        self.refresh().await;
        Ok(())
    }

    /// The signed-in courier's token.
    fn courier_token(self) -> Option<String> {
        self.session.0.with_untracked(|s| {
            s.as_ref()
                .filter(|s| s.is_courier())
                .map(|s| s.token.clone())
        })
    }

    /// Follows the server's live feed while the courier is signed in: a change past the
    /// device's cursor (a recipient's answer, a supervisor's note, an assignment) starts a sync
    /// round, which applies it as every round does.
    fn follow_live(self) {
        if self.following.get_value() {
            return;
        }
        self.following.set_value(true);
        spawn_local(async move {
            crate::live::follow(
                move || self.courier_token(),
                move |event| {
                    let id = event.id.and_then(|id| id.parse::<i64>().ok());
                    if event.name == "changes" && id > Some(crate::storage::cursor::load()) {
                        self.sync_now();
                    }
                },
            )
            .await;
            self.following.set_value(false);
        });
    }

    /// Starts a sync round, or asks for one more after the round that is running.
    pub fn sync_now(self) {
        if self.status.get_untracked() == SyncStatus::Syncing {
            self.again.set_value(true);
            return;
        }
        let Some(token) = self.courier_token() else {
            return;
        };
        let (Some(outbox), Some(route), Some(photos)) = (
            self.outbox.get_value(),
            self.route.get_value(),
            self.photo_store.get_value(),
        ) else {
            return;
        };
        self.status.set(SyncStatus::Syncing);
        spawn_local(async move {
            let lang = self.lang.get_untracked();
            let outcome =
                with_sync_lock(|| push_pending(&outbox, &route, &photos, &token, lang)).await;
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
                    // Reachable: a good moment to check for a newer tariff table and photo rules.
                    self.tariffs.refresh(&token, lang).await;
                    self.proof_rules.refresh(&token, lang).await;
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
            let again = self.again.get_value();
            self.again.set_value(false);
            if again && self.status.get_untracked() == SyncStatus::Idle {
                self.sync_now();
            }
        });
    }

    /// Signs out of the courier app. A courier's sign-out wipes the device's data, after a
    /// warning when records are unsynced or photos unsent; anyone else signed in here just signs
    /// out.
    pub fn sign_out(self) {
        let courier = self
            .session
            .0
            .with_untracked(|s| s.as_ref().is_some_and(|s| s.is_courier()));
        let lang = self.lang.get_untracked();
        // Unsynced records first; else photos still on the device.
        let (count, key) = match (self.pending_count(), self.photos_waiting()) {
            (0, photos) => (photos, crate::i18n::Key::UnsentPhotosWipeWarning),
            (records, _) => (records, crate::i18n::Key::UnsyncedWipeWarning),
        };
        if courier && count > 0 {
            let warning = format!("{count} {}", key.text(lang));
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
