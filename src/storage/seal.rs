//! Personal fields at rest: sealed with AES-GCM under a key the browser generated as
//! non-extractable and keeps in IndexedDB, so a copy of the device's storage (a lost phone's
//! disk, a backup) shows no phone number, name or address. Only this origin's running code can
//! use the key.

use super::db::{StorageError, KEYS};
use idb::{Database, TransactionMode};
use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, AesKeyGenParams, CryptoKey, SubtleCrypto};

const KEY_ID: &str = "device";
const ALGORITHM: &str = "AES-GCM";
/// AES-GCM's standard nonce: 96 bits, fresh for every seal.
const NONCE_BYTES: usize = 12;

/// A sealed value: the nonce and the ciphertext with its tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub nonce: Vec<u8>,
    pub data: Vec<u8>,
}

/// Seals and opens values with the device key.
#[derive(Clone)]
pub struct Sealer {
    key: CryptoKey,
    subtle: SubtleCrypto,
}

fn js_error(what: &str, e: JsValue) -> StorageError {
    StorageError(format!(
        "{what}: {}",
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    ))
}

impl Sealer {
    /// The device key, generated (non-extractable) and stored on first use.
    pub async fn open(db: &Rc<Database>) -> Result<Sealer, StorageError> {
        let crypto = leptos::prelude::window()
            .crypto()
            .map_err(|e| js_error("no WebCrypto", e))?;
        let subtle = crypto.subtle();
        let stored = {
            let tx = db.transaction(&[KEYS], TransactionMode::ReadOnly)?;
            let value = tx
                .object_store(KEYS)?
                .get(JsValue::from_str(KEY_ID))?
                .await?;
            value.and_then(|v| Reflect::get(&v, &"key".into()).ok())
        };
        if let Some(key) = stored.and_then(|k| k.dyn_into::<CryptoKey>().ok()) {
            return Ok(Sealer { key, subtle });
        }
        let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
        let promise = subtle
            .generate_key_with_object(&AesKeyGenParams::new(ALGORITHM, 256), false, &usages)
            .map_err(|e| js_error("key generation", e))?;
        let key: CryptoKey = JsFuture::from(promise)
            .await
            .map_err(|e| js_error("key generation", e))?
            .unchecked_into();
        let record = Object::new();
        Reflect::set(&record, &"id".into(), &KEY_ID.into()).map_err(|e| js_error("key", e))?;
        Reflect::set(&record, &"key".into(), &key).map_err(|e| js_error("key", e))?;
        let tx = db.transaction(&[KEYS], TransactionMode::ReadWrite)?;
        tx.object_store(KEYS)?.put(&record, None)?.await?;
        tx.commit()?.await?;
        Ok(Sealer { key, subtle })
    }

    pub async fn seal<T: Serialize>(&self, value: &T) -> Result<Sealed, StorageError> {
        let plain = serde_json::to_vec(value).map_err(|e| StorageError(e.to_string()))?;
        self.seal_bytes(&plain).await
    }

    /// The encryption itself, not generic, so the wasm holds one copy of it; photos are sealed
    /// as the bytes they are.
    pub(super) async fn seal_bytes(&self, plain: &[u8]) -> Result<Sealed, StorageError> {
        let mut nonce = [0u8; NONCE_BYTES];
        leptos::prelude::window()
            .crypto()
            .and_then(|c| c.get_random_values_with_u8_array(&mut nonce))
            .map_err(|e| js_error("nonce", e))?;
        let params = AesGcmParams::new_with_u8_array(ALGORITHM, &Uint8Array::from(&nonce[..]));
        let promise = self
            .subtle
            .encrypt_with_object_and_u8_array(&params, &self.key, plain)
            .map_err(|e| js_error("sealing", e))?;
        let data = JsFuture::from(promise)
            .await
            .map_err(|e| js_error("sealing", e))?;
        Ok(Sealed {
            nonce: nonce.to_vec(),
            data: Uint8Array::new(&data).to_vec(),
        })
    }

    pub async fn open_sealed<T: DeserializeOwned>(
        &self,
        sealed: &Sealed,
    ) -> Result<T, StorageError> {
        // Through a `&str`, like every other parse in the app: a second reader type
        // (`from_slice`) would double the wasm's copy of each type's deserializer.
        let plain = String::from_utf8(self.open_bytes(sealed).await?)
            .map_err(|e| StorageError(e.to_string()))?;
        serde_json::from_str(&plain).map_err(|e| StorageError(e.to_string()))
    }

    /// The decryption itself, not generic, so the wasm holds one copy of it.
    pub(super) async fn open_bytes(&self, sealed: &Sealed) -> Result<Vec<u8>, StorageError> {
        let params =
            AesGcmParams::new_with_u8_array(ALGORITHM, &Uint8Array::from(&sealed.nonce[..]));
        let promise = self
            .subtle
            .decrypt_with_object_and_u8_array(&params, &self.key, &sealed.data)
            .map_err(|e| js_error("opening", e))?;
        let plain = JsFuture::from(promise)
            .await
            .map_err(|e| js_error("opening a sealed record (wrong key or altered data)", e))?;
        Ok(Uint8Array::new(&plain).to_vec())
    }
}
