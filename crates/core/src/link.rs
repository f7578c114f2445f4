//! Consent by link: the courier offers the recipient a locker, a station or the door, and the
//! recipient answers from their own phone (Art. 28: no locker or station without consent).
//!
//! The courier's device makes the token (≥128 bits from the browser's CSPRNG) and sends only its
//! SHA-256 inside the record, so a link can be requested offline, the server never holds the
//! token, and the link works as soon as the record has synced.

use crate::method::MethodKind;
use crate::time::Millis;
use crate::{masking, Carrier, Lang};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Random bytes in a token: 128 bits.
pub const TOKEN_BYTES: usize = 16;
/// Links expire after this many hours unless the courier chose otherwise.
pub const DEFAULT_EXPIRY_HOURS: u32 = 48;
/// The longest a link may live.
pub const MAX_EXPIRY_HOURS: u32 = 7 * 24;

/// What the courier asks through a link; part of the record, revised with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkRequest {
    pub id: Uuid,
    /// Hex SHA-256 of the token; the token itself stays on the courier's device and in the link.
    pub token_sha256: String,
    /// The choices offered, in the courier's order; the door is always among them.
    pub offers: Vec<Offer>,
    pub free_storage_hours: u32,
    pub overtime_fee_fen: u32,
    pub expires_in_hours: u32,
    /// Device clock.
    pub requested_at: Millis,
    /// Device clock when the courier revoked the link.
    #[serde(default)]
    pub revoked_at: Option<Millis>,
}

/// One choice offered to the recipient, with the place it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    pub method: MethodKind,
    /// Locker bank or station, with its address; empty for the door.
    pub place: String,
}

/// Why a link request cannot be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the token digest must be 64 hex characters")]
    BadDigest,
    #[error("offer the door and at least one locker or station")]
    BadOffers,
    #[error("a link lives 1 to 168 hours")]
    BadExpiry,
}

impl LinkRequest {
    pub fn check(&self) -> Result<(), LinkError> {
        let digest_ok = self.token_sha256.len() == 64
            && self
                .token_sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !digest_ok {
            return Err(LinkError::BadDigest);
        }
        let has_door = self.offers.iter().any(|o| o.method == MethodKind::Door);
        let has_other = self.offers.iter().any(|o| o.method != MethodKind::Door);
        if !has_door || !has_other || self.offers.len() > 4 {
            return Err(LinkError::BadOffers);
        }
        if !(1..=MAX_EXPIRY_HOURS).contains(&self.expires_in_hours) {
            return Err(LinkError::BadExpiry);
        }
        Ok(())
    }

    pub fn offers_method(&self, method: MethodKind) -> bool {
        self.offers.iter().any(|o| o.method == method)
    }
}

/// Hex SHA-256 of a token, as stored and compared.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` could be one of ours (URL-safe base64 of at least 128 bits), checked before
/// any lookup.
pub fn is_well_formed(token: &str) -> bool {
    (22..=64).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The recipient's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkDecision {
    pub link_id: Uuid,
    pub choice: MethodKind,
    /// For the door: when the recipient is home, as they wrote it.
    pub time_window: Option<String>,
    pub note: Option<String>,
    /// Server clock.
    pub decided_at: Millis,
}

impl LinkDecision {
    /// Whether this decision is a consent to `method` (a locker or station).
    pub fn consents_to(&self, method: MethodKind) -> bool {
        method != MethodKind::Door && self.choice == method
    }
}

/// What a recipient can complain about from the link page (Shanghai plan task 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintKind {
    /// "I did not agree to this": a locker or station without consent (Art. 28).
    DidNotAgree,
    Damaged,
    Missing,
    NotReceived,
}

impl ComplaintKind {
    pub const ALL: [ComplaintKind; 4] = [
        ComplaintKind::DidNotAgree,
        ComplaintKind::Damaged,
        ComplaintKind::Missing,
        ComplaintKind::NotReceived,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ComplaintKind::DidNotAgree => "did_not_agree",
            ComplaintKind::Damaged => "damaged",
            ComplaintKind::Missing => "missing",
            ComplaintKind::NotReceived => "not_received",
        }
    }

    pub fn from_code(code: &str) -> Option<ComplaintKind> {
        ComplaintKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ComplaintKind::DidNotAgree, Lang::Zh) => "我没有同意放快件箱/驿站",
            (ComplaintKind::DidNotAgree, Lang::En) => "I did not agree to this",
            (ComplaintKind::Damaged, Lang::Zh) => "快件破损",
            (ComplaintKind::Damaged, Lang::En) => "The parcel is damaged",
            (ComplaintKind::Missing, Lang::Zh) => "内件缺少",
            (ComplaintKind::Missing, Lang::En) => "Something is missing",
            (ComplaintKind::NotReceived, Lang::Zh) => "没有收到快件",
            (ComplaintKind::NotReceived, Lang::En) => "I did not receive it",
        }
    }
}

/// The short message a courier sends with the link (SMS or a share sheet): carrier and the last
/// four characters of the waybill only.
pub fn share_message(carrier: Carrier, waybill: &str, url: &str, lang: Lang) -> String {
    let tail = masking::waybill_tail(waybill, 4);
    match lang {
        Lang::Zh => format!(
            "【门口】您的{}快件（尾号{tail}）可放快件箱或驿站，请确认或选择送货上门：{url}",
            carrier.name(Lang::Zh)
        ),
        Lang::En => format!(
            "[Doorstep] Your {} parcel (…{tail}) can go to a locker or station; please confirm or ask for the door: {url}",
            carrier.name(Lang::En)
        ),
    }
}

/// The notice the courier sends once the parcel is in a locker or at a station: where, the pickup
/// code, and the link to the page that shows them with the photo.
pub fn placed_message(
    carrier: Carrier,
    waybill: &str,
    place: &str,
    pickup_code: &str,
    url: &str,
    lang: Lang,
) -> String {
    let tail = masking::waybill_tail(waybill, 4);
    match lang {
        Lang::Zh => format!(
            "【门口】您的{}快件（尾号{tail}）已放至{place}，取件码 {pickup_code}，位置与照片：{url}",
            carrier.name(Lang::Zh)
        ),
        Lang::En => format!(
            "[Doorstep] Your {} parcel (…{tail}) is at {place}, pickup code {pickup_code}; where and a photo: {url}",
            carrier.name(Lang::En)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn request() -> LinkRequest {
        crate::testing::link_request(Uuid::from_u128(7), "abcdefghijklmnopqrstuv", 1)
    }

    #[test]
    fn the_placed_notice_carries_the_code_and_the_link() {
        for lang in [Lang::Zh, Lang::En] {
            let text = placed_message(
                Carrier::Sf,
                "SF1234567890",
                "3号柜",
                "482913",
                "https://x/c/t",
                lang,
            );
            assert!(
                text.contains("482913") && text.contains("https://x/c/t"),
                "{text}"
            );
            assert!(
                text.contains("7890") && !text.contains("SF1234567890"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_request_offers_the_door_and_something_else() {
        assert_eq!(request().check(), Ok(()));
        let mut only_door = request();
        only_door.offers.remove(0);
        assert_eq!(only_door.check(), Err(LinkError::BadOffers));
        let mut no_door = request();
        no_door.offers.remove(1);
        assert_eq!(no_door.check(), Err(LinkError::BadOffers));
        let mut long = request();
        long.expires_in_hours = MAX_EXPIRY_HOURS + 1;
        assert_eq!(long.check(), Err(LinkError::BadExpiry));
        let mut raw = request();
        raw.token_sha256 = "abcdefghijklmnopqrstuv".into();
        assert_eq!(raw.check(), Err(LinkError::BadDigest));
    }

    #[test]
    fn tokens_are_checked_for_shape_before_lookup() {
        assert!(is_well_formed("abcdefghijklmnopqrstuv"));
        assert!(!is_well_formed("short"));
        assert!(!is_well_formed("abcdefghijklmnopqrstu/"));
        assert!(!is_well_formed(&"a".repeat(65)));
        assert_eq!(token_digest("x").len(), 64);
    }

    #[test]
    fn only_a_locker_or_station_choice_is_a_consent() {
        let decision = LinkDecision {
            link_id: Uuid::nil(),
            choice: MethodKind::Locker,
            time_window: None,
            note: None,
            decided_at: 5,
        };
        assert!(decision.consents_to(MethodKind::Locker));
        assert!(!decision.consents_to(MethodKind::Station));
        let door = LinkDecision {
            choice: MethodKind::Door,
            ..decision
        };
        assert!(!door.consents_to(MethodKind::Door));
    }

    #[test]
    fn the_share_message_names_only_carrier_and_waybill_tail() {
        let message = share_message(Carrier::Sf, "SF1234567890123", "https://x/c/tok", Lang::Zh);
        assert!(message.contains("尾号0123") && message.contains("https://x/c/tok"));
        assert!(!message.contains("SF1234567890123"));
        for kind in ComplaintKind::ALL {
            assert_eq!(ComplaintKind::from_code(kind.code()), Some(kind));
            assert_ne!(kind.label(Lang::Zh), kind.label(Lang::En));
        }
    }
}
