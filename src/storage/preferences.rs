//! The preference book: recipients' standing wishes on this device, keyed by salted hash.

use super::db::{from_js, to_js, StorageError, PREFERENCES};
use doorstep_core::preference::StandingPreference;
use idb::{Database, TransactionMode};
use std::rc::Rc;

/// The preference book on this device: recipients' standing wishes, keyed by salted hash.
#[derive(Clone)]
pub struct PreferenceBook {
    db: Rc<Database>,
}

impl PreferenceBook {
    pub fn new(db: Rc<Database>) -> PreferenceBook {
        PreferenceBook { db }
    }

    /// Adds or replaces (e.g. withdraws) a preference; resolves once committed.
    pub async fn put(&self, preference: &StandingPreference) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(&[PREFERENCES], TransactionMode::ReadWrite)?;
        tx.object_store(PREFERENCES)?
            .put(&to_js(preference)?, None)?
            .await?;
        tx.commit()?.await?;
        Ok(())
    }

    pub async fn all(&self) -> Result<Vec<StandingPreference>, StorageError> {
        let tx = self
            .db
            .transaction(&[PREFERENCES], TransactionMode::ReadOnly)?;
        let values = tx.object_store(PREFERENCES)?.get_all(None, None)?.await?;
        values.into_iter().map(from_js).collect()
    }
}
