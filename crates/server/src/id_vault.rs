//! The ID key: senders' ID numbers and names are sealed with AES-256-GCM under a key from the
//! server's configuration (never the database), and looked up by an HMAC of the number under a
//! key derived from it. An old key, while rotating, only opens.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Bytes of a GCM nonce, stored before the ciphertext.
const NONCE_BYTES: usize = 12;

/// One 32-byte key, its id, and the lookup key derived from it.
#[derive(Clone)]
pub struct IdKey {
    cipher: Aes256Gcm,
    lookup: [u8; 32],
    /// The first 16 hex digits of the key's SHA-256: which key sealed a row.
    pub id: String,
}

impl IdKey {
    /// A key given as base64 of 32 bytes (`DOORSTEP_ID_KEY`).
    pub fn from_base64(text: &str) -> Result<IdKey, String> {
        let bytes = BASE64
            .decode(text.trim())
            .map_err(|_| "the ID key is not base64".to_string())?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "the ID key must be 32 bytes (base64 of 32 random bytes)".to_string())?;
        let mut lookup = Sha256::new();
        lookup.update(b"doorstep id lookup\0");
        lookup.update(bytes);
        Ok(IdKey {
            cipher: Aes256Gcm::new(&bytes.into()),
            lookup: lookup.finalize().into(),
            id: hex::encode(&Sha256::digest(bytes)[..8]),
        })
    }

    /// The HMAC-SHA256 of a normalised number, hex: equal numbers, equal hashes, under this key.
    pub fn lookup_hash(&self, number: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.lookup).expect("HMAC takes any key length");
        mac.update(number.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Seals `secret` for the record `record_id` (bound as associated data, so a sealed value
    /// cannot be moved to another record): base64 of nonce and ciphertext.
    pub fn seal(&self, record_id: &str, secret: &Secret) -> String {
        let nonce: [u8; NONCE_BYTES] = rand::random();
        let plain = serde_json::to_vec(secret).expect("a secret serializes");
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: record_id.as_bytes(),
                },
            )
            .expect("AES-GCM encrypts any message of this size");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        BASE64.encode(out)
    }

    /// Opens what [`IdKey::seal`] sealed for `record_id`; `None` for another key or tampering.
    pub fn open(&self, record_id: &str, sealed: &str) -> Option<Secret> {
        let bytes = BASE64.decode(sealed).ok()?;
        if bytes.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: record_id.as_bytes(),
                },
            )
            .ok()?;
        serde_json::from_slice(&plain).ok()
    }
}

/// What is sealed: the parts of a sender's identity the payload only carries masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret {
    pub number: String,
    pub name: String,
}

/// A new key, base64 of 32 random bytes, as `DOORSTEP_ID_KEY` takes it.
pub fn random_base64() -> String {
    BASE64.encode(rand::random::<[u8; 32]>())
}

/// The key file a SQLite install keeps beside its database when no key is configured.
pub const KEY_FILE: &str = "id_key";

/// The key in `path`, created (32 random bytes, base64, mode 0600) when the file does not exist
/// yet: a fresh install records pickups at once. Returns the key and whether it was created.
pub fn key_file(path: &std::path::Path) -> Result<(IdKey, bool), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let fail = |e: std::io::Error| format!("the ID key file {}: {e}", path.display());
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let key = IdKey::from_base64(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((key, false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let text = random_base64();
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(fail)?;
            file.write_all(format!("{text}\n").as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(fail)?;
            Ok((IdKey::from_base64(&text)?, true))
        }
        Err(e) => Err(fail(e)),
    }
}

/// The configured keys: the current one seals, and an old one being rotated out opens.
#[derive(Clone)]
pub struct IdVault {
    pub current: IdKey,
    pub old: Option<IdKey>,
}

impl IdVault {
    /// One key and none being rotated out.
    pub fn new(current: IdKey) -> IdVault {
        IdVault { current, old: None }
    }

    /// The key that sealed a row, by its id.
    pub fn key(&self, key_id: &str) -> Option<&IdKey> {
        std::iter::once(&self.current)
            .chain(&self.old)
            .find(|k| k.id == key_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> IdKey {
        IdKey::from_base64(&BASE64.encode([byte; 32])).unwrap()
    }

    #[test]
    fn sealed_opens_only_with_its_key_and_record() {
        let secret = Secret {
            number: "11010519491231002X".into(),
            name: "李四".into(),
        };
        let sealed = key(1).seal("r1", &secret);
        assert!(!sealed.contains("19491231"));
        assert_eq!(key(1).open("r1", &sealed), Some(secret));
        assert_eq!(key(2).open("r1", &sealed), None);
        assert_eq!(key(1).open("r2", &sealed), None);
    }

    #[test]
    fn lookup_hashes_depend_on_the_key_and_keys_must_be_32_bytes() {
        assert_eq!(key(1).lookup_hash("1"), key(1).lookup_hash("1"));
        assert_ne!(key(1).lookup_hash("1"), key(2).lookup_hash("1"));
        assert_ne!(key(1).id, key(2).id);
        assert!(IdKey::from_base64(&BASE64.encode([0u8; 16])).is_err());
        assert!(IdKey::from_base64("not base64!").is_err());
    }

    #[test]
    fn a_missing_key_file_is_created_private_and_then_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE);
        let (created, new) = key_file(&path).unwrap();
        assert!(new);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let (again, new) = key_file(&path).unwrap();
        assert!(!new);
        assert_eq!(created.id, again.id);
        std::fs::write(&path, "short").unwrap();
        assert!(key_file(&path).is_err());
    }
}
