//! Request and response bodies of the JSON API besides sync, shared so the app and the server
//! cannot drift apart.

use crate::compliance::ComplianceFlag;
use crate::day::Day;
use crate::record::{Consent, DeliveryRecord};
use crate::role::Role;
use crate::time::Millis;
use crate::{masking, Lang};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// A browser signing in a supervisor or admin asks for the session in an HttpOnly cookie
    /// (with a CSRF token in a readable one) instead of a token in the body. Couriers' devices
    /// always get a bearer token: their background sync needs it.
    #[serde(default)]
    pub cookie: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub username: String,
    pub display_name: String,
    pub staff_no: String,
    pub role: Role,
    pub station: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Bearer token for `Authorization: Bearer …`, shown once; empty when the session was put in
    /// a cookie.
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
    /// Compliance flags of the current revision.
    #[serde(default)]
    pub flags: Vec<ComplianceFlag>,
    /// Photos the current revision names.
    #[serde(default)]
    pub photos: u32,
    /// Of those, photos whose bytes have not reached the server yet ("photo pending").
    #[serde(default)]
    pub photos_pending: u32,
}

impl RecordSummary {
    /// The masked view of a record; the only way a list row is built.
    pub fn masked(
        record: &DeliveryRecord,
        courier: String,
        received_at: Millis,
        flags: Vec<ComplianceFlag>,
    ) -> RecordSummary {
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
            flags,
            photos: record.photos.len() as u32,
            photos_pending: 0,
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

/// Which records a supervisor's list, export and dashboard cover. Every field narrows; none set
/// means the whole station. Times are milliseconds: `captured_*` by the device clock,
/// `received_*` by the server's; `*_from` inclusive, `*_to` exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct RecordFilter {
    pub captured_from: Option<Millis>,
    pub captured_to: Option<Millis>,
    pub received_from: Option<Millis>,
    pub received_to: Option<Millis>,
    /// The courier's username or staff number.
    pub courier: Option<String>,
    /// An outcome code, e.g. `placed_in_locker`.
    pub outcome: Option<String>,
    /// `door`, `locker` or `station`.
    pub method: Option<String>,
    /// A consent channel, e.g. `phone_call`.
    pub consent_channel: Option<String>,
    /// A carrier code, e.g. `sf`.
    pub carrier: Option<String>,
    pub flag: Option<ComplianceFlag>,
    /// The whole waybill number or its last characters.
    pub waybill: Option<String>,
    /// Only records with a named photo whose bytes have not arrived.
    #[serde(default)]
    pub photo_pending: Option<bool>,
}

impl RecordFilter {
    /// The set fields as query-string pairs (values not yet URL-encoded).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let times = [
            ("captured_from", self.captured_from),
            ("captured_to", self.captured_to),
            ("received_from", self.received_from),
            ("received_to", self.received_to),
        ];
        let texts = [
            ("courier", &self.courier),
            ("outcome", &self.outcome),
            ("method", &self.method),
            ("consent_channel", &self.consent_channel),
            ("carrier", &self.carrier),
            ("waybill", &self.waybill),
        ];
        let mut pairs: Vec<(&'static str, String)> = times
            .into_iter()
            .filter_map(|(name, ms)| ms.map(|ms| (name, ms.to_string())))
            .collect();
        pairs.extend(texts.into_iter().filter_map(|(name, text)| {
            text.as_ref()
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
                .map(|t| (name, t.to_string()))
        }));
        if let Some(flag) = self.flag {
            pairs.push(("flag", flag.code().to_string()));
        }
        if self.photo_pending == Some(true) {
            pairs.push(("photo_pending", "true".to_string()));
        }
        pairs
    }
}

/// One stored revision of a record: device time and server time side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisionView {
    pub revision: u32,
    pub method: String,
    pub outcome: Option<String>,
    pub failed_attempts: u32,
    /// Device clock when the courier saved this revision.
    pub revised_at: Millis,
    /// Server clock when it arrived.
    pub received_at: Millis,
}

/// The recipient as a supervisor sees them by default: name, phone and room masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaskedRecipient {
    pub name: Option<String>,
    pub phone: String,
    pub compound: String,
    pub building: String,
    pub unit: String,
    pub room: String,
}

/// An address's non-empty parts (compound, building, unit, room), space-separated: one line, as
/// the export and the supervisor's record page show it.
pub fn address_line(parts: [&str; 4]) -> String {
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl MaskedRecipient {
    pub fn of(recipient: &crate::Recipient) -> MaskedRecipient {
        let address = &recipient.address;
        MaskedRecipient::from_parts(
            recipient.name.as_deref(),
            &recipient.phone,
            [
                &address.compound,
                &address.building,
                &address.unit,
                &address.room,
            ],
        )
    }

    /// [`MaskedRecipient::of`] a recipient given by its parts (the address as compound,
    /// building, unit, room), for a reader that borrows them from stored JSON.
    pub fn from_parts(
        name: Option<&str>,
        phone: &str,
        [compound, building, unit, room]: [&str; 4],
    ) -> MaskedRecipient {
        MaskedRecipient {
            name: name.map(masking::mask_name),
            phone: masking::mask_phone(phone),
            compound: compound.to_string(),
            building: building.to_string(),
            unit: unit.to_string(),
            room: masking::mask_room(room),
        }
    }
}

/// A flag of the current revision and whether a supervisor has reviewed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagStatus {
    pub flag: ComplianceFlag,
    /// The note that marked it reviewed, if any.
    pub reviewed_by_note: Option<i64>,
}

/// A supervisor's note on a record, stored beside it; the courier's data is never edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteView {
    pub id: i64,
    pub author: String,
    pub note: String,
    /// Set when this note marked a flag reviewed; `note` is then the reason.
    pub reviewed_flag: Option<ComplianceFlag>,
    /// Server clock.
    pub created_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteRequest {
    /// The note, or the reason when `reviewed_flag` is set.
    pub note: String,
    pub reviewed_flag: Option<ComplianceFlag>,
}

/// Why a supervisor reveals a sender's ID number: written to the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealRequest {
    pub reason: String,
}

/// A sender's identity unmasked, for one supervisor, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealedIdentity {
    pub document: crate::identity::DocumentType,
    pub number: String,
    pub name: String,
}

/// Everything a supervisor reviews about one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordDetail {
    pub summary: RecordSummary,
    pub recipient: Option<MaskedRecipient>,
    /// The unmasked recipient, only when the supervisor asked with `full=1` (audited).
    pub full_recipient: Option<crate::Recipient>,
    /// Delivery or pickup.
    pub kind: crate::ParcelKind,
    /// The consent evidence of the current revision.
    pub consent: Option<Consent>,
    /// The tariff script shown and the insurance answer (pickups and cash on delivery), naming
    /// the table version it was priced with.
    pub tariff: Option<crate::tariff::TariffDisclosure>,
    /// Device clock when the courier called the recipient.
    pub called_at: Option<Millis>,
    /// Device clock of the handover.
    pub outcome_at: Option<Millis>,
    /// The sender's identity at a pickup, number and name masked; `POST …/identity/reveal`
    /// shows the number (audited).
    #[serde(default)]
    pub sender_identity: Option<crate::identity::SenderIdentity>,
    /// The inspection at a pickup.
    #[serde(default)]
    pub inspection: Option<crate::inspection::Inspection>,
    pub flags: Vec<FlagStatus>,
    /// The photos the current revision names, in the courier's order.
    #[serde(default)]
    pub photos: Vec<PhotoState>,
    /// Oldest first.
    pub revisions: Vec<RevisionView>,
    /// Oldest first.
    pub notes: Vec<NoteView>,
}

/// One photo a record names, and where its bytes are: `GET /api/v1/photos/{id}` serves them
/// once they have arrived and until retention deletes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoState {
    pub id: crate::proof::PhotoId,
    pub state: PhotoArrival,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhotoArrival {
    /// Named by the record; the bytes are still on the courier's device.
    Pending,
    Stored,
    /// Deleted after the station's retention period.
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagCount {
    pub flag: ComplianceFlag,
    pub records: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourierCount {
    pub courier: String,
    pub records: u64,
    pub flagged: u64,
    #[serde(default)]
    pub pickups: PickupCounts,
}

/// The pickups of a period and how the safety rules were kept (实名收寄, 收寄验视): the rates
/// are the shares of collected pickups with a valid check and a complete inspection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupCounts {
    /// Pickups collected from the sender.
    pub picked_up: u64,
    /// Of them, with the sender's identity checked before the handover.
    pub with_real_name: u64,
    /// Of them, with the item inspected in the sender's presence before the handover.
    pub with_inspection: u64,
    /// Pickups refused: a prohibited item.
    pub refused_prohibited: u64,
    /// Pickups refused: the sender declined the ID check or the inspection.
    pub refused_declined: u64,
}

impl PickupCounts {
    /// 实名 rate in per mille of collected pickups; `None` without any.
    pub fn real_name_permille(&self) -> Option<u64> {
        share_permille(self.with_real_name, self.picked_up)
    }

    /// 验视 rate in per mille of collected pickups; `None` without any.
    pub fn inspection_permille(&self) -> Option<u64> {
        share_permille(self.with_inspection, self.picked_up)
    }

    /// Both counts added: the station's from its couriers'.
    pub fn add(&mut self, other: &PickupCounts) {
        self.picked_up += other.picked_up;
        self.with_real_name += other.with_real_name;
        self.with_inspection += other.with_inspection;
        self.refused_prohibited += other.refused_prohibited;
        self.refused_declined += other.refused_declined;
    }
}

fn share_permille(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| part.min(whole) * 1000 / whole)
}

/// One Shanghai calendar day (UTC+8) by capture time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayCount {
    /// Days since 1970-01-01 in Shanghai time.
    pub day: i64,
    pub records: u64,
    pub flagged: u64,
    /// Parcels of the day's manifest without any record: they count against the rate instead of
    /// vanishing from it.
    #[serde(default)]
    pub unrecorded: u64,
}

impl DayCount {
    /// Share of the day's records and unrecorded manifest parcels that are records without any
    /// flag, in per mille (1000 when the day has neither).
    pub fn compliance_permille(&self) -> u64 {
        match self.records + self.unrecorded {
            0 => 1000,
            n => (self.records - self.flagged.min(self.records)) * 1000 / n,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub per_flag: Vec<FlagCount>,
    /// The station's pickups: every courier's added.
    #[serde(default)]
    pub pickups: PickupCounts,
    pub per_courier: Vec<CourierCount>,
    /// Oldest first.
    pub per_day: Vec<DayCount>,
}

/// Where the supervisor's page is served, a bundle of its own built into the same-named
/// directory of the app; everything else is the courier's page. The app and the server both
/// place it by this (`cargo xtask`, which builds it, has its own copy, checked by the end-to-end
/// tests).
pub const SUPERVISOR_PATH: &str = "/supervisor";

pub use crate::day::{DAY_MS, SHANGHAI_OFFSET_MS};

/// A courier device as the supervisor's devices view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceView {
    pub device_id: Uuid,
    pub courier: String,
    pub app_version: String,
    /// Records the device held unsynced at its last sync.
    pub queued: u32,
    /// Device clock of the oldest of them.
    pub oldest_queued_at: Option<Millis>,
    /// Server clock.
    pub last_sync_at: Millis,
    /// Silent for longer than the threshold while holding records.
    pub at_risk: bool,
}

/// A recipient's complaint as the supervisor's queue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintView {
    pub id: i64,
    pub record_id: Uuid,
    pub waybill: String,
    pub courier: String,
    pub kind: crate::link::ComplaintKind,
    pub note: String,
    /// Server clock.
    pub created_at: Millis,
    pub resolved_at: Option<Millis>,
    pub resolution: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolveRequest {
    /// What was done, for the record and the audit trail.
    pub reason: String,
}

/// `YYYY-MM-DD HH:MM` in Shanghai time, for pages the server renders (the app uses the device's
/// own time zone).
pub fn shanghai_date_time(ms: Millis) -> String {
    let (year, month, day) = Day::of(ms).civil();
    let minutes = (ms + SHANGHAI_OFFSET_MS).rem_euclid(DAY_MS) / 60_000;
    format!(
        "{year}-{month:02}-{day:02} {:02}:{:02}",
        minutes / 60,
        minutes % 60
    )
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
        let row = RecordSummary::masked(&record, "王师傅".into(), 5, Vec::new());
        assert_eq!(row.recipient_phone.as_deref(), Some("138******34"));
        assert_eq!(row.recipient_name.as_deref(), Some("张**"));
        let json = serde_json::to_string(&row).unwrap();
        assert!(!json.contains("13812345634"));
        assert!(!json.contains("1203"));
    }

    #[test]
    fn filter_pairs_skip_blank_fields() {
        let filter = RecordFilter {
            captured_from: Some(5),
            courier: Some("  ".into()),
            waybill: Some(" 0123 ".into()),
            flag: Some(ComplianceFlag::LateSync),
            ..Default::default()
        };
        assert_eq!(
            filter.pairs(),
            vec![
                ("captured_from", "5".to_string()),
                ("waybill", "0123".to_string()),
                ("flag", "late_sync".to_string()),
            ]
        );
    }

    #[test]
    fn compliance_rate_counts_unflagged_records() {
        let mut day = DayCount {
            day: 0,
            records: 4,
            flagged: 1,
            unrecorded: 0,
        };
        assert_eq!(day.compliance_permille(), 750);
        // Two parcels of the manifest with no record at all count against the rate.
        day.unrecorded = 2;
        assert_eq!(day.compliance_permille(), 500);
        let empty = DayCount {
            day: 0,
            records: 0,
            flagged: 0,
            unrecorded: 0,
        };
        assert_eq!(empty.compliance_permille(), 1000);
    }

    #[test]
    fn masked_recipient_hides_phone_name_and_room() {
        let recipient = Recipient {
            name: Some("张三丰".into()),
            phone: "13812345634".into(),
            address: Address {
                compound: "愚园路 1088 弄".into(),
                room: "1203".into(),
                ..Default::default()
            },
        };
        let json = serde_json::to_string(&MaskedRecipient::of(&recipient)).unwrap();
        assert!(!json.contains("13812345634") && !json.contains("1203") && !json.contains("三丰"));
        assert!(json.contains("愚园路"));
    }

    #[test]
    fn shanghai_time_is_eight_hours_ahead_of_utc() {
        assert_eq!(shanghai_date_time(0), "1970-01-01 08:00");
        // 2026-11-22 23:30 UTC is the next morning in Shanghai.
        assert_eq!(shanghai_date_time(1_795_390_200_000), "2026-11-23 07:30");
        assert_eq!(shanghai_date_time(951_782_400_000), "2000-02-29 08:00");
    }

    #[test]
    fn method_labels_exist_in_both_languages() {
        for code in ["door", "locker", "station"] {
            assert_ne!(method_label(code, Lang::Zh), method_label(code, Lang::En));
        }
    }
}

/// One version of a station's tariff table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TariffVersion {
    pub version: String,
    /// Sample figures, not a carrier's published prices.
    pub sample: bool,
    pub effective_from: String,
    // A plain i64, not Millis: utoipa would describe the alias as a reference to a schema `i64`
    // instead of an integer, and the OpenAPI document would change.
    /// Server clock; absent for the built-in sample.
    pub uploaded_at: Option<i64>,
    /// Display name of the supervisor who uploaded it.
    pub uploaded_by: Option<String>,
}

impl TariffVersion {
    pub fn of(
        table: &crate::tariff::TariffTable,
        uploaded_at: Option<i64>,
        uploaded_by: Option<String>,
    ) -> TariffVersion {
        TariffVersion {
            version: table.version.clone(),
            sample: table.sample,
            effective_from: table.effective_from.clone(),
            uploaded_at,
            uploaded_by,
        }
    }
}
