//! Photo proof of delivery: which deliveries a station wants photographed, how a photo is named
//! (the SHA-256 of its bytes, so an upload is stored once however often it is sent), and which
//! bytes count as a photo.

use crate::method::MethodKind;
use crate::Lang;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// At most this many photos on one record.
pub const MAX_PHOTOS: usize = 4;
/// The largest photo the server keeps; the app's re-encoded photos are far below it.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;
/// The app scales a photo so its longest side is at most this (pixels).
pub const MAX_PHOTO_SIDE: u32 = 1600;
/// Days a delivery's photos are kept when the station has not set its own period.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;
/// The longest retention a station may set.
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// A photo's name: the lowercase hex SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
#[serde(try_from = "String", into = "String")]
pub struct PhotoId(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a photo id is 64 lowercase hexadecimal digits (its SHA-256)")]
pub struct BadPhotoId;

impl PhotoId {
    /// The name of these bytes.
    pub fn of(bytes: &[u8]) -> PhotoId {
        PhotoId(hex::encode(Sha256::digest(bytes)))
    }

    pub fn parse(text: &str) -> Result<PhotoId, BadPhotoId> {
        let hex_digit = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
        if text.len() == 64 && text.chars().all(hex_digit) {
            Ok(PhotoId(text.to_owned()))
        } else {
            Err(BadPhotoId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PhotoId {
    type Error = BadPhotoId;
    fn try_from(text: String) -> Result<PhotoId, BadPhotoId> {
        PhotoId::parse(&text)
    }
}

impl From<PhotoId> for String {
    fn from(id: PhotoId) -> String {
        id.0
    }
}

impl std::fmt::Display for PhotoId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a station asks of one delivery method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProofRule {
    /// No camera on the parcel screen: the station keeps no photos of these deliveries.
    Off,
    /// The courier may add a photo.
    #[default]
    Optional,
    /// A delivery by this method is not saved without a photo.
    Required,
}

impl ProofRule {
    pub const ALL: [ProofRule; 3] = [ProofRule::Off, ProofRule::Optional, ProofRule::Required];

    /// Stable code used in forms, storage and JSON (the serde name).
    pub fn code(self) -> &'static str {
        match self {
            ProofRule::Off => "off",
            ProofRule::Optional => "optional",
            ProofRule::Required => "required",
        }
    }

    pub fn from_code(code: &str) -> Option<ProofRule> {
        ProofRule::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ProofRule::Off, Lang::Zh) => "不拍照",
            (ProofRule::Off, Lang::En) => "Off",
            (ProofRule::Optional, Lang::Zh) => "可选",
            (ProofRule::Optional, Lang::En) => "Optional",
            (ProofRule::Required, Lang::Zh) => "必须拍照",
            (ProofRule::Required, Lang::En) => "Required",
        }
    }
}

/// A station's photo settings: the rule per delivery method and how long photos are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProofRules {
    pub door: ProofRule,
    pub locker: ProofRule,
    pub station: ProofRule,
    /// Photos are deleted this many days after the delivery, unless a complaint about it is open.
    pub retention_days: u32,
}

impl Default for ProofRules {
    fn default() -> ProofRules {
        ProofRules {
            door: ProofRule::Optional,
            locker: ProofRule::Optional,
            station: ProofRule::Optional,
            retention_days: DEFAULT_RETENTION_DAYS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProofRulesError {
    #[error("the retention period is 1 to 3650 days")]
    RetentionOutOfRange,
}

impl ProofRulesError {
    pub fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ProofRulesError::RetentionOutOfRange, Lang::Zh) => "照片保存期为 1 至 3650 天",
            (ProofRulesError::RetentionOutOfRange, Lang::En) => {
                "The retention period is 1 to 3650 days"
            }
        }
    }
}

impl ProofRules {
    pub fn for_method(&self, method: MethodKind) -> ProofRule {
        match method {
            MethodKind::Door => self.door,
            MethodKind::Locker => self.locker,
            MethodKind::Station => self.station,
        }
    }

    pub fn set(&mut self, method: MethodKind, rule: ProofRule) {
        match method {
            MethodKind::Door => self.door = rule,
            MethodKind::Locker => self.locker = rule,
            MethodKind::Station => self.station = rule,
        }
    }

    pub fn check(&self) -> Result<(), ProofRulesError> {
        if (1..=MAX_RETENTION_DAYS).contains(&self.retention_days) {
            Ok(())
        } else {
            Err(ProofRulesError::RetentionOutOfRange)
        }
    }
}

/// The image formats the server keeps, told by their first bytes rather than by what the client
/// says they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
}

impl ImageKind {
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageKind::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(ImageKind::Webp)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_named_by_its_hash_and_only_such_names_parse() {
        let id = PhotoId::of(b"abc");
        assert_eq!(
            id.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(PhotoId::parse(id.as_str()), Ok(id.clone()));
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<PhotoId>(&json).unwrap(), id);
        for bad in [
            "",
            &id.as_str()[..63],
            &id.as_str().to_uppercase(),
            &format!("{}0", id.as_str()),
            "../../../../etc/passwd",
            &"g".repeat(64),
        ] {
            assert_eq!(PhotoId::parse(bad), Err(BadPhotoId), "{bad}");
            assert!(serde_json::from_str::<PhotoId>(&format!("\"{bad}\"")).is_err());
        }
    }

    #[test]
    fn rules_are_per_method_and_retention_is_bounded() {
        let mut rules = ProofRules::default();
        rules.set(MethodKind::Locker, ProofRule::Required);
        assert_eq!(rules.for_method(MethodKind::Locker), ProofRule::Required);
        assert_eq!(rules.for_method(MethodKind::Door), ProofRule::Optional);
        assert_eq!(rules.check(), Ok(()));
        for days in [0, MAX_RETENTION_DAYS + 1] {
            let bad = ProofRules {
                retention_days: days,
                ..rules
            };
            assert_eq!(bad.check(), Err(ProofRulesError::RetentionOutOfRange));
        }
        for rule in ProofRule::ALL {
            assert_eq!(ProofRule::from_code(rule.code()), Some(rule));
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(json, format!("\"{}\"", rule.code()));
            assert_ne!(rule.label(Lang::Zh), rule.label(Lang::En));
        }
    }

    #[test]
    fn images_are_told_by_their_first_bytes() {
        assert_eq!(
            ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(
            ImageKind::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(ImageKind::Png)
        );
        assert_eq!(
            ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageKind::Webp)
        );
        for other in [
            &b""[..],
            b"GIF89a",
            b"<svg xmlns",
            b"RIFF\0\0\0\0WAVE",
            &[0xFF, 0xD8],
        ] {
            assert_eq!(ImageKind::sniff(other), None);
        }
    }
}
