//! The device database: one IndexedDB database with explicit schema versions. Each version bump
//! adds a step to [`upgrade`]; a device that skipped versions runs every step it missed.

use idb::{Database, DatabaseEvent, Factory, KeyPath, ObjectStoreParams, TransactionMode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::JsValue;

pub const DB_NAME: &str = "doorstep";
/// v1: records. v2: the preference book. v3: the device key that seals personal fields. v4: the
/// sealed draft. v5: the day's parcels (the route), sealed. v6: photo proof, what is known of each
/// photo apart from its sealed bytes, so listing the queue never reads a photo.
const DB_VERSION: u32 = 6;
pub const RECORDS: &str = "records";
pub const PREFERENCES: &str = "preferences";
pub const KEYS: &str = "keys";
pub const DRAFTS: &str = "drafts";
pub const PARCELS: &str = "parcels";
pub const PHOTOS: &str = "photos";
pub const PHOTO_BYTES: &str = "photo_bytes";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("device storage failed: {0}")]
pub struct StorageError(pub(super) String);

impl StorageError {
    pub fn unavailable() -> StorageError {
        StorageError("this browser offers no IndexedDB storage".into())
    }
}

impl From<idb::Error> for StorageError {
    fn from(e: idb::Error) -> Self {
        StorageError(e.to_string())
    }
}

impl From<serde_json::Error> for StorageError {
    fn from(e: serde_json::Error) -> Self {
        StorageError(e.to_string())
    }
}

fn keyed_by_id() -> ObjectStoreParams {
    let mut params = ObjectStoreParams::new();
    params.key_path(Some(KeyPath::new_single("id")));
    params
}

fn upgrade(db: &Database, old_version: u32) -> Result<(), idb::Error> {
    if old_version < 1 {
        db.create_object_store(RECORDS, keyed_by_id())?;
    }
    if old_version < 2 {
        db.create_object_store(PREFERENCES, keyed_by_id())?;
    }
    if old_version < 3 {
        db.create_object_store(KEYS, keyed_by_id())?;
    }
    if old_version < 4 {
        db.create_object_store(DRAFTS, keyed_by_id())?;
    }
    if old_version < 5 {
        db.create_object_store(PARCELS, keyed_by_id())?;
    }
    if old_version < 6 {
        db.create_object_store(PHOTOS, keyed_by_id())?;
        db.create_object_store(PHOTO_BYTES, keyed_by_id())?;
    }
    Ok(())
}

/// Opens (creating or upgrading) the database of the given name; tests use their own names.
pub async fn open(name: &str) -> Result<Rc<Database>, StorageError> {
    let factory = Factory::new()?;
    let mut request = factory.open(name, Some(DB_VERSION))?;
    request.on_upgrade_needed(|event| {
        let old = event.old_version().unwrap_or(0);
        if let Ok(db) = event.database() {
            if let Err(e) = upgrade(&db, old) {
                web_sys::console::error_1(&format!("IndexedDB upgrade failed: {e}").into());
            }
        }
    });
    Ok(Rc::new(request.await?))
}

/// Empties every store: the sign-out wipe. The database itself stays, so an open connection in
/// another tab does not block it.
pub async fn clear_all(db: &Database) -> Result<(), StorageError> {
    let stores = [
        RECORDS,
        PREFERENCES,
        KEYS,
        DRAFTS,
        PARCELS,
        PHOTOS,
        PHOTO_BYTES,
    ];
    let tx = db.transaction(&stores, TransactionMode::ReadWrite)?;
    for store in stores {
        tx.object_store(store)?.clear()?.await?;
    }
    tx.commit()?.await?;
    Ok(())
}

/// A value as IndexedDB keeps it: a plain object, made through JSON. The app speaks JSON to the
/// server anyway; a second serde format would add a copy of every stored type's code.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, StorageError> {
    js_sys::JSON::parse(&serde_json::to_string(value)?)
        .map_err(|_| StorageError("a stored value is not JSON".into()))
}

/// A stored plain object back as the app's type.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, StorageError> {
    let json = js_sys::JSON::stringify(&value)
        .map_err(|_| StorageError("a stored value is not JSON".into()))?;
    Ok(serde_json::from_str(&String::from(json))?)
}
