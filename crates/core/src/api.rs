//! Request and response bodies of the JSON API besides sync, shared so the app and the server
//! cannot drift apart.

use crate::record::{DeliveryRecord, Millis};
use crate::{masking, Lang};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub username: String,
    pub display_name: String,
    pub staff_no: String,
    /// `courier`, `supervisor` or `admin`.
    pub role: String,
    pub station: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Bearer token for `Authorization: Bearer …`; shown once.
    pub token: String,
    pub account: Account,
    /// The station's salt for preference-book keys, so recipients are recognised offline
    /// without storing their phone numbers.
    pub preference_salt: String,
}

/// One record as a supervisor's list shows it: personal data masked (GB/T 41833-2022).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordSummary {
    pub id: Uuid,
    pub revision: u32,
    pub waybill: String,
    pub carrier: String,
    pub method: String,
    pub outcome: Option<String>,
    pub courier: String,
    pub recipient_name: Option<String>,
    pub recipient_phone: Option<String>,
    /// Device clock at capture.
    pub captured_at: Millis,
    /// Server clock when the current revision arrived.
    pub received_at: Millis,
}

impl RecordSummary {
    /// The masked view of a record; the only way a list row is built.
    pub fn masked(record: &DeliveryRecord, courier: String, received_at: Millis) -> RecordSummary {
        let recipient = record.recipient.as_ref();
        RecordSummary {
            id: record.id,
            revision: record.revision,
            waybill: record.waybill.to_string(),
            carrier: record.carrier.code().to_string(),
            method: record.method.code().to_string(),
            outcome: record.outcome.as_ref().map(|o| o.code().to_string()),
            courier,
            recipient_name: recipient
                .and_then(|r| r.name.as_deref())
                .map(masking::mask_name),
            recipient_phone: recipient.map(|r| masking::mask_phone(&r.phone)),
            captured_at: record.captured_at,
            received_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordPage {
    pub records: Vec<RecordSummary>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next: Option<String>,
}

/// The display label of a delivery method code, in the UI's language.
pub fn method_label(code: &str, lang: Lang) -> &'static str {
    match (code, lang) {
        ("door", Lang::Zh) => "送货上门",
        ("door", Lang::En) => "Door",
        ("locker", Lang::Zh) => "智能快件箱",
        ("locker", Lang::En) => "Smart locker",
        ("station", Lang::Zh) => "驿站",
        ("station", Lang::En) => "Station",
        (_, Lang::Zh) => "未知",
        (_, Lang::En) => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{tests::door_record, Address, Recipient};

    #[test]
    fn summary_masks_personal_data() {
        let mut record = door_record();
        record.recipient = Some(Recipient {
            name: Some("张三丰".into()),
            phone: "13812345634".into(),
            address: Address {
                room: "1203".into(),
                ..Default::default()
            },
        });
        let row = RecordSummary::masked(&record, "王师傅".into(), 5);
        assert_eq!(row.recipient_phone.as_deref(), Some("138******34"));
        assert_eq!(row.recipient_name.as_deref(), Some("张**"));
        let json = serde_json::to_string(&row).unwrap();
        assert!(!json.contains("13812345634"));
        assert!(!json.contains("1203"));
    }

    #[test]
    fn method_labels_exist_in_both_languages() {
        for code in ["door", "locker", "station"] {
            assert_ne!(method_label(code, Lang::Zh), method_label(code, Lang::En));
        }
    }
}
