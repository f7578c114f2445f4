//! What every handler shares: the database, the built app and the sign-in policy.

use crate::auth::{self, AuthPolicy};
use crate::db::Db;
use crate::id_vault::IdVault;
use crate::live::slots::Slots;
use crate::photos::Bucket;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Verified against when a username is unknown, so a failed sign-in takes the same time.
    pub dummy_password_hash: Arc<str>,
    /// The built app (`dist/`), served for every path outside the API.
    pub dist: Option<PathBuf>,
    /// Session lifetimes and sign-in limits; a field so tests can shorten them.
    pub policy: AuthPolicy,
    /// The station's cut-off, minutes after midnight Shanghai time: after it a parcel of the day
    /// without an outcome is unaccounted.
    pub cutoff_minute: u32,
    /// The keys senders' ID numbers are sealed with.
    pub id_vault: Arc<IdVault>,
    /// Where photo bytes are kept; in memory until `main` sets the configured directory or bucket.
    pub photos: Bucket,
    /// The open live streams and their limits; a field so tests can shorten the timings.
    pub live: Slots,
}

impl AppState {
    pub fn new(db: Db, dist: Option<PathBuf>, id_vault: IdVault) -> AppState {
        AppState {
            db,
            dummy_password_hash: auth::hash_password("not a password").into(),
            dist,
            policy: AuthPolicy::default(),
            cutoff_minute: doorstep_core::coverage::DEFAULT_CUTOFF_MINUTE,
            id_vault: Arc::new(id_vault),
            photos: Bucket::in_memory(),
            live: Slots::default(),
        }
    }
}
