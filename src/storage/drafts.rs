//! The form being typed, kept so a reload or a crash loses nothing, sealed whole with the device
//! key like queued records: the draft holds the recipient's name, phone and address.

use super::db::{from_js, to_js, StorageError, DRAFTS};
use super::seal::{Sealed, Sealer};
use idb::{Database, TransactionMode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// The one draft a device keeps.
const DRAFT_ID: &str = "current";

#[derive(Serialize, Deserialize)]
struct StoredDraft {
    id: String,
    sealed: Sealed,
}

/// The sealed draft in IndexedDB.
#[derive(Clone)]
pub struct DraftStore {
    db: Rc<Database>,
    sealer: Sealer,
    /// Bumped by every save and clear: a save whose sealing finishes after a newer save or a
    /// clear writes nothing, so typing fast never leaves an older draft, nor sign-out a draft.
    generation: Rc<Cell<u64>>,
}

impl DraftStore {
    pub fn new(db: Rc<Database>, sealer: Sealer) -> DraftStore {
        DraftStore {
            db,
            sealer,
            generation: Rc::new(Cell::new(0)),
        }
    }

    fn next_generation(&self) -> u64 {
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        generation
    }

    /// Seals and stores the draft; resolves once committed, or at once when a newer save or a
    /// clear came meanwhile.
    pub async fn save<T: Serialize>(&self, draft: &T) -> Result<(), StorageError> {
        let generation = self.next_generation();
        let sealed = self.sealer.seal(draft).await?;
        if self.generation.get() != generation {
            return Ok(());
        }
        let stored = StoredDraft {
            id: DRAFT_ID.into(),
            sealed,
        };
        let tx = self.db.transaction(&[DRAFTS], TransactionMode::ReadWrite)?;
        tx.object_store(DRAFTS)?
            .put(&to_js(&stored)?, None)?
            .await?;
        tx.commit()?.await?;
        Ok(())
    }

    /// The stored draft, opened; `None` when there is none or it does not fit `T` any more.
    pub async fn load<T: DeserializeOwned>(&self) -> Result<Option<T>, StorageError> {
        let tx = self.db.transaction(&[DRAFTS], TransactionMode::ReadOnly)?;
        let value = tx
            .object_store(DRAFTS)?
            .get(JsValue::from_str(DRAFT_ID))?
            .await?;
        let Some(value) = value else {
            return Ok(None);
        };
        let stored: StoredDraft = from_js(value)?;
        Ok(self.sealer.open_sealed(&stored.sealed).await.ok())
    }

    /// Removes the draft and drops any save still sealing.
    pub async fn clear(&self) -> Result<(), StorageError> {
        self.next_generation();
        let tx = self.db.transaction(&[DRAFTS], TransactionMode::ReadWrite)?;
        tx.object_store(DRAFTS)?
            .delete(JsValue::from_str(DRAFT_ID))?
            .await?;
        tx.commit()?.await?;
        Ok(())
    }
}
