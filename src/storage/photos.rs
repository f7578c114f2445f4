//! Photo proof on the device: each photo's bytes sealed with the device key under its SHA-256,
//! kept until the server has them; a photo that no record and no draft names does not stay.
//! What is known of a photo and its bytes are two stores, so counting the queue reads no photo.

use super::db::{from_js, to_js, StorageError, PHOTOS, PHOTO_BYTES};
use super::outbox::PhotoOwner;
use super::seal::{Sealed, Sealer};
use doorstep_core::proof::PhotoId;
use idb::{Database, TransactionMode};
use js_sys::{Object, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

/// What the device knows of one photo besides its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoEntry {
    pub id: PhotoId,
    /// The saved record that names it; `None` while only the draft does.
    pub record: Option<Uuid>,
    /// Device clock when it was taken.
    pub taken_at: i64,
    /// The server refused the bytes for good (its message): kept, and not sent again.
    #[serde(default)]
    pub attention: Option<String>,
}

/// A photo no one names is spared this long: it is stored a moment before the draft names it.
const GRACE_MS: i64 = 60_000;

/// What becomes of a stored photo, given the device's records and the draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Keep,
    /// Named by another record than it says (or by none but the draft): note the record.
    Tag(Option<Uuid>),
    Delete,
}

fn fate(photo: &PhotoEntry, owners: &[PhotoOwner], draft: &[PhotoId], now: i64) -> Fate {
    let owner = owners
        .iter()
        .find(|o| o.photos.contains(&photo.id))
        .map(|o| o.record);
    let named = owner.is_some() || draft.contains(&photo.id);
    if !named && now - photo.taken_at >= GRACE_MS {
        Fate::Delete
    } else if owner == photo.record {
        Fate::Keep
    } else {
        Fate::Tag(owner)
    }
}

/// The photos in IndexedDB.
#[derive(Clone)]
pub struct PhotoStore {
    db: Rc<Database>,
    sealer: Sealer,
}

fn bytes_field(value: &JsValue, name: &str) -> Result<Vec<u8>, StorageError> {
    Reflect::get(value, &name.into())
        .ok()
        .and_then(|v| v.dyn_into::<Uint8Array>().ok())
        .map(|array| array.to_vec())
        .ok_or_else(|| StorageError(format!("a stored photo has no {name}")))
}

impl PhotoStore {
    pub fn new(db: Rc<Database>, sealer: Sealer) -> PhotoStore {
        PhotoStore { db, sealer }
    }

    /// Seals and stores a photo just taken; resolves once committed. The same bytes again
    /// (the same picture chosen twice) keep what is known of them.
    pub async fn put(&self, id: &PhotoId, bytes: &[u8], taken_at: i64) -> Result<(), StorageError> {
        let sealed = self.sealer.seal_bytes(bytes).await?;
        // The bytes as IndexedDB keeps binary data, not as JSON numbers.
        let stored = Object::new();
        let field = |name: &str, value: &JsValue| {
            Reflect::set(&stored, &name.into(), value)
                .map_err(|_| StorageError("a photo could not be prepared".into()))
        };
        field("id", &id.as_str().into())?;
        field("nonce", &Uint8Array::from(sealed.nonce.as_slice()))?;
        field("data", &Uint8Array::from(sealed.data.as_slice()))?;
        let tx = self
            .db
            .transaction(&[PHOTOS, PHOTO_BYTES], TransactionMode::ReadWrite)?;
        let entries = tx.object_store(PHOTOS)?;
        if entries
            .get(JsValue::from_str(id.as_str()))?
            .await?
            .is_none()
        {
            let entry = PhotoEntry {
                id: id.clone(),
                record: None,
                taken_at,
                attention: None,
            };
            entries.put(&to_js(&entry)?, None)?.await?;
        }
        tx.object_store(PHOTO_BYTES)?.put(&stored, None)?.await?;
        if !tx.commit()?.await?.is_committed() {
            return Err(StorageError("the photo was not saved".into()));
        }
        Ok(())
    }

    /// Every photo on the device, without its bytes.
    pub async fn list(&self) -> Result<Vec<PhotoEntry>, StorageError> {
        let tx = self.db.transaction(&[PHOTOS], TransactionMode::ReadOnly)?;
        let mut photos = Vec::new();
        for value in tx.object_store(PHOTOS)?.get_all(None, None)?.await? {
            photos.push(from_js(value)?);
        }
        Ok(photos)
    }

    /// A photo's bytes, opened; `None` once it has left the device.
    pub async fn bytes(&self, id: &PhotoId) -> Result<Option<Vec<u8>>, StorageError> {
        let tx = self
            .db
            .transaction(&[PHOTO_BYTES], TransactionMode::ReadOnly)?;
        let Some(value) = tx
            .object_store(PHOTO_BYTES)?
            .get(JsValue::from_str(id.as_str()))?
            .await?
        else {
            return Ok(None);
        };
        let sealed = Sealed {
            nonce: bytes_field(&value, "nonce")?,
            data: bytes_field(&value, "data")?,
        };
        self.sealer.open_bytes(&sealed).await.map(Some)
    }

    /// Removes photos and their bytes.
    pub async fn delete(&self, ids: &[PhotoId]) -> Result<(), StorageError> {
        if ids.is_empty() {
            return Ok(());
        }
        let tx = self
            .db
            .transaction(&[PHOTOS, PHOTO_BYTES], TransactionMode::ReadWrite)?;
        for store in [PHOTOS, PHOTO_BYTES] {
            let store = tx.object_store(store)?;
            for id in ids {
                store.delete(JsValue::from_str(id.as_str()))?.await?;
            }
        }
        tx.commit()?.await?;
        Ok(())
    }

    /// Rewrites what is known of photos (their record, the server's refusal).
    async fn put_entries(&self, entries: &[PhotoEntry]) -> Result<(), StorageError> {
        if entries.is_empty() {
            return Ok(());
        }
        let tx = self.db.transaction(&[PHOTOS], TransactionMode::ReadWrite)?;
        let store = tx.object_store(PHOTOS)?;
        for entry in entries {
            store.put(&to_js(entry)?, None)?.await?;
        }
        tx.commit()?.await?;
        Ok(())
    }

    /// Sets a photo aside with the server's message: it stays, and is not sent again.
    pub async fn set_aside(
        &self,
        mut entry: PhotoEntry,
        message: &str,
    ) -> Result<(), StorageError> {
        entry.attention = Some(message.to_string());
        self.put_entries(&[entry]).await
    }

    /// Notes which saved record names each photo, and deletes the photos that neither a record
    /// nor the draft names (a discarded draft's, a removed or retaken one). Says whether anything
    /// changed.
    pub async fn reconcile(
        &self,
        owners: &[PhotoOwner],
        draft: &[PhotoId],
        now: i64,
    ) -> Result<bool, StorageError> {
        let mut doomed = Vec::new();
        let mut tagged = Vec::new();
        for mut photo in self.list().await? {
            match fate(&photo, owners, draft, now) {
                Fate::Keep => {}
                Fate::Tag(record) => {
                    photo.record = record;
                    tagged.push(photo);
                }
                Fate::Delete => doomed.push(photo.id),
            }
        }
        self.put_entries(&tagged).await?;
        self.delete(&doomed).await?;
        Ok(!doomed.is_empty() || !tagged.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(n: u8, record: Option<Uuid>) -> PhotoEntry {
        PhotoEntry {
            id: PhotoId::of(&[n]),
            record,
            taken_at: 0,
            attention: None,
        }
    }

    fn owner(record: Uuid, photos: &[u8]) -> PhotoOwner {
        PhotoOwner {
            record,
            photos: photos.iter().map(|n| PhotoId::of(&[*n])).collect(),
            acknowledged: false,
        }
    }

    #[test]
    fn a_saved_record_claims_its_photos_and_the_draft_keeps_its_own() {
        let record = Uuid::from_u128(1);
        let owners = [owner(record, &[1])];
        let later = GRACE_MS;
        assert_eq!(
            fate(&photo(1, None), &owners, &[], later),
            Fate::Tag(Some(record))
        );
        assert_eq!(
            fate(&photo(1, Some(record)), &owners, &[], later),
            Fate::Keep
        );
        let in_draft = [PhotoId::of(&[2])];
        assert_eq!(fate(&photo(2, None), &owners, &in_draft, later), Fate::Keep);
        // An edit took the photo off its record; only the draft names it now.
        assert_eq!(
            fate(&photo(2, Some(record)), &owners, &in_draft, later),
            Fate::Tag(None)
        );
    }

    #[test]
    fn a_photo_no_one_names_goes_after_a_grace_period() {
        let discarded = photo(3, None);
        assert_eq!(
            fate(&discarded, &[], &[], GRACE_MS - 1),
            Fate::Keep,
            "just taken"
        );
        assert_eq!(fate(&discarded, &[], &[], GRACE_MS), Fate::Delete);
        let dropped_by_an_edit = photo(3, Some(Uuid::from_u128(1)));
        assert_eq!(fate(&dropped_by_an_edit, &[], &[], GRACE_MS), Fate::Delete);
    }
}
