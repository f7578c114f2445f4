//! The delivery record a courier captures at the doorstep, and the rules it must satisfy
//! (《快递市场管理办法》 Art. 28; 《智能快件箱寄递服务管理办法》 Art. 22; Shanghai action plan task 3).

use crate::day::Day;
use crate::identity::{IdentityError, SenderIdentity};
use crate::inspection::Inspection;
use crate::method::MethodKind;
use crate::proof::{PhotoId, ProofRule, ProofRules, MAX_PHOTOS};
use crate::tagged::deserialize_tagged;
use crate::tariff::TariffDisclosure;
use crate::time::Millis;
use crate::{Carrier, Lang, Waybill};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ParcelKind {
    /// A parcel brought to the recipient.
    #[default]
    Delivery,
    /// A parcel collected from a sender.
    Pickup,
}

impl ParcelKind {
    pub const ALL: [ParcelKind; 2] = [ParcelKind::Delivery, ParcelKind::Pickup];

    /// Stable code used in storage and forms (the serde name).
    pub fn code(self) -> &'static str {
        match self {
            ParcelKind::Delivery => "delivery",
            ParcelKind::Pickup => "pickup",
        }
    }

    pub fn from_code(code: &str) -> Option<ParcelKind> {
        ParcelKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    /// Compound or street, e.g. "长宁区愚园路 1088 弄".
    pub compound: String,
    pub building: String,
    pub unit: String,
    pub room: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recipient {
    pub name: Option<String>,
    /// Normalised 11-digit mobile number; only ever shown masked.
    pub phone: String,
    pub address: Address,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParcelFlags {
    pub bulky: bool,
    pub fresh: bool,
    pub fragile: bool,
    pub cash_on_delivery: bool,
}

impl ParcelFlags {
    /// Bulky, heavy and fresh parcels go to the door after a call (Shanghai plan task 3).
    pub fn needs_call_first(self) -> bool {
        self.bulky || self.fresh
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeliveryMethod {
    Door,
    Locker { bank: String, compartment: String },
    Station { station: String },
}

deserialize_tagged! {
    DeliveryMethod via DeliveryMethodWire, tag = "type";
    fields { bank: String, compartment: String, station: String }
    variants {
        Door = "door" {},
        Locker = "locker" { bank, compartment },
        Station = "station" { station },
    }
}

impl DeliveryMethod {
    /// Locker and station drops need the recipient's consent (Art. 28).
    pub fn needs_consent(&self) -> bool {
        !matches!(self, DeliveryMethod::Door)
    }

    /// Stable code used in storage, filters and exports.
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// Which method this is, without its place.
    pub fn kind(&self) -> MethodKind {
        match self {
            DeliveryMethod::Door => MethodKind::Door,
            DeliveryMethod::Locker { .. } => MethodKind::Locker,
            DeliveryMethod::Station { .. } => MethodKind::Station,
        }
    }
}

// The place-less method lives in its own leaf module (`method.rs`), so the link module can name it
// without importing this one; what a handover by it records is a record rule, so it is here.
impl MethodKind {
    /// The outcome of a delivery handed over by this method.
    pub fn handover(self) -> OutcomeKind {
        match self {
            MethodKind::Door => OutcomeKind::DeliveredToRecipient,
            MethodKind::Locker => OutcomeKind::PlacedInLocker,
            MethodKind::Station => OutcomeKind::LeftAtStation,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsentChannel {
    InPerson,
    PhoneCall,
    RecipientLink,
    StandingPreference,
}

impl ConsentChannel {
    pub const ALL: [ConsentChannel; 4] = [
        ConsentChannel::InPerson,
        ConsentChannel::PhoneCall,
        ConsentChannel::RecipientLink,
        ConsentChannel::StandingPreference,
    ];

    pub fn from_code(code: &str) -> Option<ConsentChannel> {
        ConsentChannel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Stable code used in storage, filters and exports (the serde name).
    pub fn code(self) -> &'static str {
        match self {
            ConsentChannel::InPerson => "in_person",
            ConsentChannel::PhoneCall => "phone_call",
            ConsentChannel::RecipientLink => "recipient_link",
            ConsentChannel::StandingPreference => "standing_preference",
        }
    }

    /// Consent that the recipient gave for this very parcel, as opposed to one taken from the
    /// preference book.
    pub fn is_explicit(self) -> bool {
        !matches!(self, ConsentChannel::StandingPreference)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsentDecision {
    Accepted,
    Refused,
}

/// What the courier told the recipient before asking (locker rules, local practice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Disclosure {
    pub location: String,
    pub free_storage_hours: u32,
    pub overtime_fee_fen: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consent {
    pub channel: ConsentChannel,
    pub decision: ConsentDecision,
    /// Which delivery method the consent is about: a locker or a station.
    pub method: MethodKind,
    pub given_at: Millis,
    pub disclosed: Disclosure,
    /// The standing preference the consent was taken from, when `channel` says so.
    pub preference_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outcome {
    /// A pickup: the parcel was collected from the sender.
    PickedUp,
    DeliveredToRecipient,
    /// Handed to a proxy the recipient named.
    DeliveredToProxy {
        proxy: String,
    },
    PlacedInLocker,
    LeftAtStation,
    FailedAttempt {
        reason: String,
    },
    Refused {
        reason: String,
    },
    /// A pickup refused: the item is in the prohibited-items catalogue.
    RefusedProhibitedItem,
    /// A pickup refused: the sender declined the ID check or the inspection.
    RefusedCheckDeclined,
}

deserialize_tagged! {
    Outcome via OutcomeWire, tag = "type";
    fields { proxy: String, reason: String }
    variants {
        PickedUp = "picked_up" {},
        DeliveredToRecipient = "delivered_to_recipient" {},
        DeliveredToProxy = "delivered_to_proxy" { proxy },
        PlacedInLocker = "placed_in_locker" {},
        LeftAtStation = "left_at_station" {},
        FailedAttempt = "failed_attempt" { reason },
        Refused = "refused" { reason },
        RefusedProhibitedItem = "refused_prohibited_item" {},
        RefusedCheckDeclined = "refused_check_declined" {},
    }
}

impl Outcome {
    /// Stable code used in storage, filters and exports.
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// Which outcome this is, without its note.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::PickedUp => OutcomeKind::PickedUp,
            Outcome::DeliveredToRecipient => OutcomeKind::DeliveredToRecipient,
            Outcome::DeliveredToProxy { .. } => OutcomeKind::DeliveredToProxy,
            Outcome::PlacedInLocker => OutcomeKind::PlacedInLocker,
            Outcome::LeftAtStation => OutcomeKind::LeftAtStation,
            Outcome::FailedAttempt { .. } => OutcomeKind::FailedAttempt,
            Outcome::Refused { .. } => OutcomeKind::Refused,
            Outcome::RefusedProhibitedItem => OutcomeKind::RefusedProhibitedItem,
            Outcome::RefusedCheckDeclined => OutcomeKind::RefusedCheckDeclined,
        }
    }
}

/// An outcome without its note (proxy or reason): what a form chooses and a filter names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    PickedUp,
    DeliveredToRecipient,
    DeliveredToProxy,
    PlacedInLocker,
    LeftAtStation,
    FailedAttempt,
    Refused,
    RefusedProhibitedItem,
    RefusedCheckDeclined,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 9] = [
        OutcomeKind::PickedUp,
        OutcomeKind::DeliveredToRecipient,
        OutcomeKind::DeliveredToProxy,
        OutcomeKind::PlacedInLocker,
        OutcomeKind::LeftAtStation,
        OutcomeKind::FailedAttempt,
        OutcomeKind::Refused,
        OutcomeKind::RefusedProhibitedItem,
        OutcomeKind::RefusedCheckDeclined,
    ];

    /// Stable code used in storage, filters and exports (the wire tag).
    pub fn code(self) -> &'static str {
        match self {
            OutcomeKind::PickedUp => "picked_up",
            OutcomeKind::DeliveredToRecipient => "delivered_to_recipient",
            OutcomeKind::DeliveredToProxy => "delivered_to_proxy",
            OutcomeKind::PlacedInLocker => "placed_in_locker",
            OutcomeKind::LeftAtStation => "left_at_station",
            OutcomeKind::FailedAttempt => "failed_attempt",
            OutcomeKind::Refused => "refused",
            OutcomeKind::RefusedProhibitedItem => "refused_prohibited_item",
            OutcomeKind::RefusedCheckDeclined => "refused_check_declined",
        }
    }

    pub fn from_code(code: &str) -> Option<OutcomeKind> {
        OutcomeKind::ALL.into_iter().find(|o| o.code() == code)
    }

    /// Whether the outcome carries a note: the proxy's name or a reason.
    pub fn takes_note(self) -> bool {
        match self {
            OutcomeKind::DeliveredToProxy | OutcomeKind::FailedAttempt | OutcomeKind::Refused => {
                true
            }
            OutcomeKind::PickedUp
            | OutcomeKind::DeliveredToRecipient
            | OutcomeKind::PlacedInLocker
            | OutcomeKind::LeftAtStation
            | OutcomeKind::RefusedProhibitedItem
            | OutcomeKind::RefusedCheckDeclined => false,
        }
    }

    /// The outcome of this kind; `note` is kept where the outcome carries one.
    pub fn with_note(self, note: String) -> Outcome {
        match self {
            OutcomeKind::PickedUp => Outcome::PickedUp,
            OutcomeKind::DeliveredToRecipient => Outcome::DeliveredToRecipient,
            OutcomeKind::DeliveredToProxy => Outcome::DeliveredToProxy { proxy: note },
            OutcomeKind::PlacedInLocker => Outcome::PlacedInLocker,
            OutcomeKind::LeftAtStation => Outcome::LeftAtStation,
            OutcomeKind::FailedAttempt => Outcome::FailedAttempt { reason: note },
            OutcomeKind::Refused => Outcome::Refused { reason: note },
            OutcomeKind::RefusedProhibitedItem => Outcome::RefusedProhibitedItem,
            OutcomeKind::RefusedCheckDeclined => Outcome::RefusedCheckDeclined,
        }
    }

    /// The ways a pickup ends without the parcel: the sender's refusals of the safety rules.
    pub fn is_pickup_refusal(self) -> bool {
        matches!(
            self,
            OutcomeKind::RefusedProhibitedItem | OutcomeKind::RefusedCheckDeclined
        )
    }

    /// Whether the parcel changes hands with this outcome.
    pub fn is_handover(self) -> bool {
        !matches!(
            self,
            OutcomeKind::FailedAttempt
                | OutcomeKind::Refused
                | OutcomeKind::RefusedProhibitedItem
                | OutcomeKind::RefusedCheckDeclined
        )
    }

    /// Whether a parcel reached its recipient, their proxy, a locker or a station: what a photo
    /// can prove.
    pub fn is_delivery(self) -> bool {
        self.is_handover() && self != OutcomeKind::PickedUp
    }
}

/// One parcel at one doorstep, as the courier's device recorded it. Each edit is a new revision
/// of the same `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryRecord {
    pub id: Uuid,
    pub revision: u32,
    pub kind: ParcelKind,
    pub waybill: Waybill,
    pub carrier: Carrier,
    pub recipient: Option<Recipient>,
    pub flags: ParcelFlags,
    pub method: DeliveryMethod,
    pub consent: Option<Consent>,
    /// When the courier called the recipient first (bulky, heavy or fresh parcels).
    pub called_at: Option<Millis>,
    /// How the call went. Left out of the JSON when absent, so records made before the field
    /// existed keep their fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_result: Option<CallResult>,
    pub outcome: Option<Outcome>,
    pub outcome_at: Option<Millis>,
    /// The consent link offered to the recipient, if the courier asked by link.
    #[serde(default)]
    pub link: Option<crate::link::LinkRequest>,
    /// The code the recipient needs at the locker or station.
    #[serde(default)]
    pub pickup_code: Option<String>,
    /// The tariff and insurance script shown and answered: pickups and cash-on-delivery parcels.
    #[serde(default)]
    pub tariff: Option<TariffDisclosure>,
    /// The sender's identity checked at a pickup (实名收寄). Left out of the JSON when absent,
    /// so older records keep their fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_identity: Option<SenderIdentity>,
    /// The item inspected at a pickup (收寄验视).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspection: Option<Inspection>,
    /// Photo proof of the delivery, by the SHA-256 of each photo's bytes; the bytes travel
    /// separately. Left out of the JSON when empty, so older records keep their fingerprint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<PhotoId>,
    /// Failed delivery attempts so far (each one a revision with a `FailedAttempt` outcome).
    #[serde(default)]
    pub failed_attempts: u32,
    /// Device clock when the record was first captured.
    pub captured_at: Millis,
    /// Device clock when this revision was saved.
    pub revised_at: Millis,
}

/// What the courier marked after calling the recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallResult {
    Reached,
    NoAnswer,
}

impl CallResult {
    pub const ALL: [CallResult; 2] = [CallResult::Reached, CallResult::NoAnswer];

    /// Stable code used in forms (the serde name).
    pub fn code(self) -> &'static str {
        match self {
            CallResult::Reached => "reached",
            CallResult::NoAnswer => "no_answer",
        }
    }

    pub fn from_code(code: &str) -> Option<CallResult> {
        CallResult::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// A rule a record breaks. The server rejects such a record for that record only; the app shows
/// the message beside the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Violation {
    #[error("a locker or station delivery needs the recipient's consent")]
    NoConsent,
    #[error("the recipient refused the locker or station: deliver to the door")]
    ConsentRefused,
    #[error("the consent is about a different delivery method")]
    ConsentForOtherMethod,
    #[error("a consent from the preference book must name the preference")]
    PreferenceNotNamed,
    #[error("bulky, heavy or fresh parcels: call the recipient before using a locker or station")]
    NoCallBeforeLocker,
    #[error("bulky, heavy or fresh parcels need the recipient's explicit consent for a locker or station")]
    NeedsExplicitConsent,
    #[error("the locker bank and compartment are required")]
    LockerIncomplete,
    #[error("the station is required")]
    StationMissing,
    #[error("the outcome does not match the delivery method")]
    OutcomeMismatch,
    #[error("a reason is required for this outcome")]
    ReasonMissing,
    #[error("consent was recorded after the delivery")]
    ConsentAfterDelivery,
    #[error("the revision must be 1 or more")]
    BadRevision,
    #[error("the recipient's mobile number is required")]
    RecipientMissing,
    #[error("the recipient's mobile number is not a valid mainland mobile number")]
    InvalidPhone,
    #[error("pickups and cash-on-delivery parcels need the tariff and insurance script first")]
    TariffScriptMissing,
    #[error("the customer has not answered whether to insure")]
    InsuranceUnanswered,
    #[error("the insurance answer was recorded after the handover")]
    TariffAnsweredAfterHandover,
    #[error("the recorded total is not the freight plus the premium")]
    TariffDoesNotAddUp,
    #[error("the consent link request is incomplete")]
    LinkRequestInvalid,
    #[error("a consent by link needs the link on the record")]
    LinkNotRequested,
    #[error("the recipient has not chosen this by link")]
    LinkDecisionMissing,
    #[error("a pickup needs the sender's identity checked first")]
    IdentityMissing,
    #[error("the sender's identity document is not valid")]
    IdentityInvalid,
    #[error("the courier has not confirmed the person matches the document")]
    PersonNotConfirmed,
    #[error("the identity was checked after the handover")]
    IdentityAfterHandover,
    #[error("a pickup needs the item inspected first")]
    InspectionMissing,
    #[error("the inspection is incomplete or not in the sender's presence")]
    InspectionIncomplete,
    #[error("the inspection was recorded after the handover")]
    InspectionAfterHandover,
    #[error("a prohibited item cannot be picked up")]
    ProhibitedItemPickedUp,
    #[error("a refusal for a prohibited item must name its category")]
    ProhibitedCategoryMissing,
    #[error("a refused pickup keeps no identity")]
    IdentityKeptOnRefusal,
    #[error("the station asks for a photo of this delivery")]
    PhotoRequired,
    #[error("a record has at most 4 photos, each named once")]
    TooManyPhotos,
}

impl Violation {
    pub fn message(&self, lang: Lang) -> &'static str {
        use Lang::*;
        use Violation::*;
        match (self, lang) {
            (NoConsent, Zh) => "投递到智能快件箱或驿站须先征得收件人同意",
            (NoConsent, En) => "A locker or station delivery needs the recipient's consent",
            (ConsentRefused, Zh) => "收件人已拒绝快件箱/驿站，请投递上门",
            (ConsentRefused, En) => {
                "The recipient refused the locker or station: deliver to the door"
            }
            (ConsentForOtherMethod, Zh) => "收件人同意的不是当前的投递方式",
            (ConsentForOtherMethod, En) => "The consent is about a different delivery method",
            (PreferenceNotNamed, Zh) => "依据长期偏好的同意须注明该偏好",
            (PreferenceNotNamed, En) => {
                "A consent from the preference book must name the preference"
            }
            (NoCallBeforeLocker, Zh) => "大件、重件或生鲜须先电话联系收件人",
            (NoCallBeforeLocker, En) => "Bulky, heavy or fresh parcel: call the recipient first",
            (NeedsExplicitConsent, Zh) => "大件、重件或生鲜投递快件箱/驿站须收件人本次明确同意",
            (NeedsExplicitConsent, En) => {
                "Bulky, heavy or fresh parcel: the recipient must agree explicitly this time"
            }
            (LockerIncomplete, Zh) => "请填写快件箱柜号和格口号",
            (LockerIncomplete, En) => "Enter the locker bank and compartment",
            (StationMissing, Zh) => "请选择驿站",
            (StationMissing, En) => "Choose the station",
            (OutcomeMismatch, Zh) => "投递结果与投递方式不符",
            (OutcomeMismatch, En) => "The outcome does not match the delivery method",
            (ReasonMissing, Zh) => "请填写原因",
            (ReasonMissing, En) => "Enter the reason",
            (ConsentAfterDelivery, Zh) => "同意记录晚于投递时间",
            (ConsentAfterDelivery, En) => "The consent was recorded after the delivery",
            (BadRevision, Zh) => "记录版本号无效",
            (BadRevision, En) => "The record revision is invalid",
            (RecipientMissing, Zh) => "请填写收件人手机号",
            (RecipientMissing, En) => "Enter the recipient's mobile number",
            (InvalidPhone, Zh) => "手机号应为 11 位大陆手机号码",
            (InvalidPhone, En) => "Enter an 11-digit mainland mobile number",
            (TariffScriptMissing, Zh) => "揽收或代收货款须先告知资费并宣读保价话术",
            (TariffScriptMissing, En) => {
                "Pickups and cash-on-delivery parcels: tell the tariff and read the insurance script first"
            }
            (InsuranceUnanswered, Zh) => "请记录客户是否保价",
            (InsuranceUnanswered, En) => "Record whether the customer insures the parcel",
            (TariffAnsweredAfterHandover, Zh) => "保价答复晚于交接时间",
            (TariffAnsweredAfterHandover, En) => {
                "The insurance answer was recorded after the handover"
            }
            (TariffDoesNotAddUp, Zh) => "合计金额应等于运费加保价费",
            (TariffDoesNotAddUp, En) => "The total must be the freight plus the premium",
            (LinkRequestInvalid, Zh) => "确认链接须提供送货上门及至少一个快件箱或驿站选项",
            (LinkRequestInvalid, En) => {
                "A consent link must offer the door and at least one locker or station"
            }
            (LinkNotRequested, Zh) => "通过链接的同意须有对应的确认链接",
            (LinkNotRequested, En) => "A consent by link needs the link on the record",
            (LinkDecisionMissing, Zh) => "收件人尚未通过链接选择该投递方式",
            (LinkDecisionMissing, En) => "The recipient has not chosen this through the link",
            (IdentityMissing, Zh) => "揽收前须查验寄件人身份证件（实名收寄）",
            (IdentityMissing, En) => "Check the sender's identity document before the pickup",
            (IdentityInvalid, Zh) => "寄件人证件信息无效",
            (IdentityInvalid, En) => "The sender's identity document is not valid",
            (PersonNotConfirmed, Zh) => "请确认人证相符",
            (PersonNotConfirmed, En) => "Confirm the person matches the document",
            (IdentityAfterHandover, Zh) => "实名查验晚于揽收时间",
            (IdentityAfterHandover, En) => "The identity was checked after the handover",
            (InspectionMissing, Zh) => "揽收前须当面验视物品（收寄验视）",
            (InspectionMissing, En) => "Inspect the item in the sender's presence before the pickup",
            (InspectionIncomplete, Zh) => "验视记录不完整或未当面验视",
            (InspectionIncomplete, En) => {
                "The inspection is incomplete or not in the sender's presence"
            }
            (InspectionAfterHandover, Zh) => "验视记录晚于揽收时间",
            (InspectionAfterHandover, En) => "The inspection was recorded after the handover",
            (ProhibitedItemPickedUp, Zh) => "禁寄物品不得揽收",
            (ProhibitedItemPickedUp, En) => "A prohibited item cannot be picked up",
            (ProhibitedCategoryMissing, Zh) => "因禁寄物品拒收须注明禁寄类别",
            (ProhibitedCategoryMissing, En) => {
                "A refusal for a prohibited item must name its category"
            }
            (IdentityKeptOnRefusal, Zh) => "拒收的揽收不保留寄件人证件信息",
            (IdentityKeptOnRefusal, En) => "A refused pickup keeps no identity",
            (PhotoRequired, Zh) => "本站要求此种投递拍照留证",
            (PhotoRequired, En) => "The station asks for a photo of this delivery",
            (TooManyPhotos, Zh) => "每条记录最多 4 张照片，且不能重复",
            (TooManyPhotos, En) => "A record has at most 4 photos, each named once",
        }
    }
}

impl DeliveryRecord {
    /// Every rule the record breaks, in the order a courier would fix them. Empty means lawful.
    pub fn violations(&self) -> Vec<Violation> {
        let mut found = Vec::new();
        if self.revision == 0 {
            found.push(Violation::BadRevision);
        }
        match &self.recipient {
            None => found.push(Violation::RecipientMissing),
            Some(r) if crate::phone::parse_mobile(&r.phone).as_deref() != Ok(r.phone.as_str()) => {
                found.push(Violation::InvalidPhone)
            }
            Some(_) => {}
        }
        match &self.method {
            DeliveryMethod::Door => {}
            DeliveryMethod::Locker { bank, compartment } => {
                if bank.trim().is_empty() || compartment.trim().is_empty() {
                    found.push(Violation::LockerIncomplete);
                }
            }
            DeliveryMethod::Station { station } => {
                if station.trim().is_empty() {
                    found.push(Violation::StationMissing);
                }
            }
        }
        if self.method.needs_consent() {
            self.check_consent(&mut found);
        }
        self.check_outcome(&mut found);
        if self.link.as_ref().is_some_and(|l| l.check().is_err()) {
            found.push(Violation::LinkRequestInvalid);
        }
        if self.tariff.as_ref().is_some_and(|t| !t.answer_adds_up()) {
            found.push(Violation::TariffDoesNotAddUp);
        }
        found.extend(self.tariff_gap());
        self.check_pickup_safety(&mut found);
        let mut named = self.photos.clone();
        named.sort_unstable();
        named.dedup();
        if self.photos.len() > MAX_PHOTOS || named.len() != self.photos.len() {
            found.push(Violation::TooManyPhotos);
        }
        found
    }

    /// The station's photo rule (a setting, so not part of [`Self::violations`]): a delivery by a
    /// method the station wants photographed names at least one photo. Failed attempts and
    /// refusals need none.
    pub fn proof_violation(&self, rules: &ProofRules) -> Option<Violation> {
        let delivered = self
            .outcome
            .as_ref()
            .is_some_and(|o| o.kind().is_delivery());
        let required = rules.for_method(self.method.kind()) == ProofRule::Required;
        (delivered && required && self.photos.is_empty()).then_some(Violation::PhotoRequired)
    }

    /// 实名收寄 and 收寄验视 (Shanghai plan task 7; 《反恐怖主义法》 Art. 20): a pickup changes hands
    /// only after a valid identity check and an inspection in the sender's presence that found
    /// nothing prohibited; a refused pickup keeps no identity (PIPL Art. 6).
    fn check_pickup_safety(&self, found: &mut Vec<Violation>) {
        if self.kind != ParcelKind::Pickup {
            return;
        }
        let outcome = self.outcome.as_ref().map(Outcome::kind);
        if outcome.is_some_and(OutcomeKind::is_pickup_refusal) {
            if self.sender_identity.is_some() {
                found.push(Violation::IdentityKeptOnRefusal);
            }
            let named = self.inspection.as_ref().and_then(|i| i.prohibited.as_ref());
            if outcome == Some(OutcomeKind::RefusedProhibitedItem) && named.is_none() {
                found.push(Violation::ProhibitedCategoryMissing);
            }
            return;
        }
        if outcome != Some(OutcomeKind::PickedUp) {
            return;
        }
        let handed_over = self.outcome_at.unwrap_or(self.revised_at);
        match &self.sender_identity {
            None => found.push(Violation::IdentityMissing),
            Some(identity) => {
                match identity.check(Day::of(identity.checked_at)) {
                    Ok(()) => {}
                    Err(IdentityError::PersonNotConfirmed) => {
                        found.push(Violation::PersonNotConfirmed)
                    }
                    Err(_) => found.push(Violation::IdentityInvalid),
                }
                if identity.checked_at > handed_over {
                    found.push(Violation::IdentityAfterHandover);
                }
            }
        }
        match &self.inspection {
            None => found.push(Violation::InspectionMissing),
            Some(inspection) => {
                if inspection.check().is_err() {
                    found.push(Violation::InspectionIncomplete);
                }
                if inspection.inspected_at > handed_over {
                    found.push(Violation::InspectionAfterHandover);
                }
                if inspection.prohibited.is_some() {
                    found.push(Violation::ProhibitedItemPickedUp);
                }
            }
        }
    }

    /// Whether a picked-up parcel lacks a valid identity check (for the supervisor's flags).
    pub fn lacks_real_name(&self) -> bool {
        self.is_picked_up()
            && self
                .sender_identity
                .as_ref()
                .is_none_or(|i| i.check(Day::of(i.checked_at)).is_err())
    }

    /// Whether a picked-up parcel lacks an inspection in the sender's presence.
    pub fn lacks_inspection(&self) -> bool {
        self.is_picked_up() && self.inspection.as_ref().is_none_or(|i| i.check().is_err())
    }

    fn is_picked_up(&self) -> bool {
        self.kind == ParcelKind::Pickup && self.outcome == Some(Outcome::PickedUp)
    }

    /// Pickups and cash-on-delivery parcels need the tariff told and the insurance question asked
    /// (Shanghai action plan task 2; Art. 26).
    pub fn needs_tariff_script(&self) -> bool {
        self.kind == ParcelKind::Pickup || self.flags.cash_on_delivery
    }

    /// When the parcel changed hands (delivered, or collected at a pickup), if it did.
    pub fn handed_over_at(&self) -> Option<Millis> {
        match &self.outcome {
            Some(outcome) if outcome.kind().is_handover() => self.outcome_at,
            _ => None,
        }
    }

    /// What the tariff disclosure lacks at the handover: a parcel that needs the script cannot
    /// change hands before it was shown and answered.
    pub fn tariff_gap(&self) -> Option<Violation> {
        if !self.needs_tariff_script() || self.outcome.is_none() {
            return None;
        }
        if self
            .outcome
            .as_ref()
            .is_some_and(|o| !o.kind().is_handover())
        {
            return None;
        }
        let Some(tariff) = &self.tariff else {
            return Some(Violation::TariffScriptMissing);
        };
        let Some(answer) = &tariff.answer else {
            return Some(Violation::InsuranceUnanswered);
        };
        match self.handed_over_at() {
            Some(at) if answer.answered_at > at => Some(Violation::TariffAnsweredAfterHandover),
            _ => None,
        }
    }

    fn check_consent(&self, found: &mut Vec<Violation>) {
        let Some(consent) = &self.consent else {
            found.push(Violation::NoConsent);
            return;
        };
        if consent.decision == ConsentDecision::Refused {
            found.push(Violation::ConsentRefused);
            return;
        }
        if consent.method != self.method.kind() {
            found.push(Violation::ConsentForOtherMethod);
        }
        if consent.channel == ConsentChannel::StandingPreference && consent.preference_id.is_none()
        {
            found.push(Violation::PreferenceNotNamed);
        }
        if consent.channel == ConsentChannel::RecipientLink && self.link.is_none() {
            found.push(Violation::LinkNotRequested);
        }
        if self.flags.needs_call_first() {
            if self.called_at.is_none() && consent.channel != ConsentChannel::PhoneCall {
                found.push(Violation::NoCallBeforeLocker);
            }
            if !consent.channel.is_explicit() {
                found.push(Violation::NeedsExplicitConsent);
            }
        }
        if let Some(done) = self.outcome_at {
            if consent.given_at > done {
                found.push(Violation::ConsentAfterDelivery);
            }
        }
    }

    fn check_outcome(&self, found: &mut Vec<Violation>) {
        let Some(outcome) = &self.outcome else {
            return;
        };
        let delivery = self.kind == ParcelKind::Delivery;
        let fits = match outcome {
            Outcome::PickedUp => !delivery && self.method == DeliveryMethod::Door,
            Outcome::PlacedInLocker => {
                delivery && matches!(self.method, DeliveryMethod::Locker { .. })
            }
            Outcome::LeftAtStation => {
                delivery && matches!(self.method, DeliveryMethod::Station { .. })
            }
            Outcome::DeliveredToRecipient | Outcome::DeliveredToProxy { .. } => {
                delivery && self.method == DeliveryMethod::Door
            }
            Outcome::FailedAttempt { .. } | Outcome::Refused { .. } => true,
            Outcome::RefusedProhibitedItem | Outcome::RefusedCheckDeclined => !delivery,
        };
        if !fits {
            found.push(Violation::OutcomeMismatch);
        }
        let reason = match outcome {
            Outcome::DeliveredToProxy { proxy } => Some(proxy),
            Outcome::FailedAttempt { reason } | Outcome::Refused { reason } => Some(reason),
            _ => None,
        };
        if reason.is_some_and(|r| r.trim().is_empty()) {
            found.push(Violation::ReasonMissing);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Each code reads back as its variant and is the variant's serde name.
    fn codes_round_trip<T: Copy + PartialEq + std::fmt::Debug + Serialize>(
        all: &[T],
        code: fn(T) -> &'static str,
        from_code: fn(&str) -> Option<T>,
    ) {
        for &value in all {
            assert_eq!(from_code(code(value)), Some(value));
            let json = serde_json::to_string(&value).unwrap();
            assert_eq!(json, format!("\"{}\"", code(value)));
        }
        assert_eq!(from_code(""), None);
    }

    #[test]
    fn every_code_reads_back_as_its_variant() {
        codes_round_trip(&ParcelKind::ALL, ParcelKind::code, ParcelKind::from_code);
        codes_round_trip(&MethodKind::ALL, MethodKind::code, MethodKind::from_code);
        codes_round_trip(
            &ConsentChannel::ALL,
            ConsentChannel::code,
            ConsentChannel::from_code,
        );
        codes_round_trip(&OutcomeKind::ALL, OutcomeKind::code, OutcomeKind::from_code);
        for outcome in OutcomeKind::ALL {
            assert_eq!(outcome.with_note(String::new()).kind(), outcome);
        }
    }

    pub fn door_record() -> DeliveryRecord {
        crate::testing::door_delivery(1)
    }

    fn locker() -> DeliveryMethod {
        DeliveryMethod::Locker {
            bank: "3".into(),
            compartment: "12".into(),
        }
    }

    fn consent(channel: ConsentChannel, decision: ConsentDecision) -> Consent {
        Consent {
            channel,
            decision,
            method: MethodKind::Locker,
            given_at: 1_700_000_000_500,
            disclosed: Disclosure {
                location: "3号柜".into(),
                free_storage_hours: 24,
                overtime_fee_fen: 50,
            },
            preference_id: None,
        }
    }

    #[test]
    fn door_delivery_needs_nothing_more() {
        assert!(door_record().violations().is_empty());
    }

    #[test]
    fn locker_without_consent_is_forbidden() {
        let record = DeliveryRecord {
            method: locker(),
            ..door_record()
        };
        assert_eq!(record.violations(), vec![Violation::NoConsent]);
    }

    #[test]
    fn locker_with_consent_in_person_is_allowed() {
        let record = DeliveryRecord {
            method: locker(),
            consent: Some(consent(ConsentChannel::InPerson, ConsentDecision::Accepted)),
            ..door_record()
        };
        assert!(record.violations().is_empty());
    }

    #[test]
    fn refusal_sends_the_parcel_to_the_door() {
        let refused = Some(consent(ConsentChannel::InPerson, ConsentDecision::Refused));
        let record = DeliveryRecord {
            method: locker(),
            consent: refused.clone(),
            ..door_record()
        };
        assert_eq!(record.violations(), vec![Violation::ConsentRefused]);
        let at_door = DeliveryRecord {
            consent: refused,
            ..door_record()
        };
        assert!(at_door.violations().is_empty());
    }

    #[test]
    fn consent_must_match_the_method() {
        let record = DeliveryRecord {
            method: DeliveryMethod::Station {
                station: "菜鸟驿站 愚园路店".into(),
            },
            consent: Some(consent(ConsentChannel::InPerson, ConsentDecision::Accepted)),
            ..door_record()
        };
        assert_eq!(record.violations(), vec![Violation::ConsentForOtherMethod]);
    }

    #[test]
    fn bulky_parcel_to_locker_needs_a_call_and_explicit_consent() {
        let mut from_book = consent(
            ConsentChannel::StandingPreference,
            ConsentDecision::Accepted,
        );
        from_book.preference_id = Some(Uuid::from_u128(9));
        let record = DeliveryRecord {
            method: locker(),
            flags: ParcelFlags {
                bulky: true,
                ..Default::default()
            },
            consent: Some(from_book),
            ..door_record()
        };
        assert_eq!(
            record.violations(),
            vec![
                Violation::NoCallBeforeLocker,
                Violation::NeedsExplicitConsent
            ]
        );
        let called = DeliveryRecord {
            consent: Some(consent(
                ConsentChannel::PhoneCall,
                ConsentDecision::Accepted,
            )),
            ..record
        };
        assert!(called.violations().is_empty());
    }

    #[test]
    fn standing_preference_must_be_named() {
        let record = DeliveryRecord {
            method: locker(),
            consent: Some(consent(
                ConsentChannel::StandingPreference,
                ConsentDecision::Accepted,
            )),
            ..door_record()
        };
        assert_eq!(record.violations(), vec![Violation::PreferenceNotNamed]);
    }

    #[test]
    fn locker_details_are_required() {
        let record = DeliveryRecord {
            method: DeliveryMethod::Locker {
                bank: "3".into(),
                compartment: " ".into(),
            },
            consent: Some(consent(ConsentChannel::InPerson, ConsentDecision::Accepted)),
            ..door_record()
        };
        assert_eq!(record.violations(), vec![Violation::LockerIncomplete]);
    }

    #[test]
    fn outcome_must_fit_the_method_and_follow_consent() {
        let record = DeliveryRecord {
            outcome: Some(Outcome::PlacedInLocker),
            outcome_at: Some(1_700_000_001_000),
            ..door_record()
        };
        assert_eq!(record.violations(), vec![Violation::OutcomeMismatch]);

        let late = DeliveryRecord {
            method: locker(),
            consent: Some(consent(ConsentChannel::InPerson, ConsentDecision::Accepted)),
            outcome: Some(Outcome::PlacedInLocker),
            outcome_at: Some(1_700_000_000_100),
            ..door_record()
        };
        assert_eq!(late.violations(), vec![Violation::ConsentAfterDelivery]);
    }

    #[test]
    fn the_recipient_needs_a_valid_mobile_number() {
        let missing = DeliveryRecord {
            recipient: None,
            ..door_record()
        };
        assert_eq!(missing.violations(), vec![Violation::RecipientMissing]);
        let mut bad = door_record();
        bad.recipient.as_mut().unwrap().phone = "1381234".into();
        assert_eq!(bad.violations(), vec![Violation::InvalidPhone]);
    }

    #[test]
    fn failed_attempt_needs_a_reason() {
        let record = DeliveryRecord {
            outcome: Some(Outcome::FailedAttempt { reason: "".into() }),
            ..door_record()
        };
        assert_eq!(record.violations(), vec![Violation::ReasonMissing]);
    }

    fn cod_handed_over() -> DeliveryRecord {
        DeliveryRecord {
            flags: ParcelFlags {
                cash_on_delivery: true,
                ..Default::default()
            },
            outcome: Some(Outcome::DeliveredToRecipient),
            outcome_at: Some(1_700_000_002_000),
            ..door_record()
        }
    }

    fn disclosure(answered_at: Option<Millis>) -> TariffDisclosure {
        use crate::tariff::InsuranceAnswer;
        TariffDisclosure {
            table_version: "2026-11-sample".into(),
            service: "standard".into(),
            destination: "shanghai".into(),
            weight_g: 1200,
            dimensions_cm: None,
            chargeable_g: 1500,
            freight_fen: 1400,
            script_shown_at: 1_700_000_001_000,
            answer: answered_at.map(|at| InsuranceAnswer {
                insured: true,
                declared_fen: 80000,
                premium_fen: 200,
                total_fen: 1600,
                answered_at: at,
            }),
        }
    }

    #[test]
    fn cash_on_delivery_is_handed_over_only_after_the_script_is_answered() {
        let bare = cod_handed_over();
        assert_eq!(bare.violations(), vec![Violation::TariffScriptMissing]);
        let shown = DeliveryRecord {
            tariff: Some(disclosure(None)),
            ..cod_handed_over()
        };
        assert_eq!(shown.violations(), vec![Violation::InsuranceUnanswered]);
        let late = DeliveryRecord {
            tariff: Some(disclosure(Some(1_700_000_003_000))),
            ..cod_handed_over()
        };
        assert_eq!(
            late.violations(),
            vec![Violation::TariffAnsweredAfterHandover]
        );
        let answered = DeliveryRecord {
            tariff: Some(disclosure(Some(1_700_000_001_500))),
            ..cod_handed_over()
        };
        assert!(answered.violations().is_empty());
        let not_yet = DeliveryRecord {
            outcome: None,
            outcome_at: None,
            ..bare
        };
        assert!(not_yet.violations().is_empty(), "no handover yet");
    }

    #[test]
    fn a_station_that_wants_photos_gets_them_for_deliveries_only() {
        use crate::proof::{PhotoId, ProofRule, ProofRules};
        use crate::testing::{door_delivery, placed_in_locker};
        let mut rules = ProofRules::default();
        rules.set(MethodKind::Locker, ProofRule::Required);
        let locker = placed_in_locker(door_delivery(1), ConsentChannel::InPerson);
        assert!(locker.violations().is_empty());
        assert_eq!(
            locker.proof_violation(&rules),
            Some(Violation::PhotoRequired)
        );
        assert_eq!(locker.proof_violation(&ProofRules::default()), None);
        let photographed = DeliveryRecord {
            photos: vec![PhotoId::of(b"door")],
            ..locker.clone()
        };
        assert_eq!(photographed.proof_violation(&rules), None);
        let failed = DeliveryRecord {
            outcome: Some(Outcome::FailedAttempt {
                reason: "no answer".into(),
            }),
            ..locker.clone()
        };
        assert_eq!(
            failed.proof_violation(&rules),
            None,
            "a failed attempt has nothing to show"
        );
        let door = door_delivery(2);
        assert_eq!(door.proof_violation(&rules), None, "door stays optional");

        let five = DeliveryRecord {
            photos: (0..5u8).map(|n| PhotoId::of(&[n])).collect(),
            ..locker.clone()
        };
        assert_eq!(five.violations(), vec![Violation::TooManyPhotos]);
        let twice = DeliveryRecord {
            photos: vec![PhotoId::of(b"a"), PhotoId::of(b"a")],
            ..locker.clone()
        };
        assert_eq!(twice.violations(), vec![Violation::TooManyPhotos]);
        let json = serde_json::to_value(&door).unwrap();
        assert!(
            json.get("photos").is_none(),
            "no photos, no key: fingerprints unchanged"
        );
        let json = serde_json::to_value(&photographed).unwrap();
        let back: DeliveryRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, photographed);
    }

    #[test]
    fn a_total_that_does_not_add_up_is_refused() {
        let mut tariff = disclosure(Some(1_700_000_001_500));
        tariff.answer.as_mut().unwrap().total_fen = 1500;
        let record = DeliveryRecord {
            tariff: Some(tariff),
            ..cod_handed_over()
        };
        assert_eq!(record.violations(), vec![Violation::TariffDoesNotAddUp]);
    }

    #[test]
    fn a_pickup_is_picked_up_at_the_door_after_the_script() {
        let pickup = DeliveryRecord {
            kind: ParcelKind::Pickup,
            outcome: Some(Outcome::PickedUp),
            outcome_at: Some(1_700_000_002_000),
            ..door_record()
        };
        assert_eq!(
            pickup.violations(),
            vec![
                Violation::TariffScriptMissing,
                Violation::IdentityMissing,
                Violation::InspectionMissing
            ]
        );
        let lawful = crate::testing::picked_up(1);
        let answered = DeliveryRecord {
            tariff: Some(disclosure(Some(1_700_000_001_500))),
            outcome_at: lawful.outcome_at,
            sender_identity: lawful.sender_identity,
            inspection: lawful.inspection,
            photos: Vec::new(),
            ..pickup.clone()
        };
        assert!(answered.violations().is_empty());
        let delivered = DeliveryRecord {
            outcome: Some(Outcome::DeliveredToRecipient),
            ..answered.clone()
        };
        assert_eq!(delivered.violations(), vec![Violation::OutcomeMismatch]);
        let picked_up_delivery = DeliveryRecord {
            outcome: Some(Outcome::PickedUp),
            outcome_at: Some(1),
            ..door_record()
        };
        assert_eq!(
            picked_up_delivery.violations(),
            vec![Violation::OutcomeMismatch]
        );
    }

    #[test]
    fn a_pickup_needs_the_identity_and_the_inspection_before_the_handover() {
        let lawful = crate::testing::picked_up(1);
        assert!(lawful.violations().is_empty());
        let mut late = lawful.clone();
        late.inspection.as_mut().unwrap().inspected_at = late.outcome_at.unwrap() + 1;
        late.sender_identity.as_mut().unwrap().checked_at = late.outcome_at.unwrap() + 1;
        assert_eq!(
            late.violations(),
            vec![
                Violation::IdentityAfterHandover,
                Violation::InspectionAfterHandover
            ]
        );
        let mut unconfirmed = lawful.clone();
        unconfirmed.sender_identity.as_mut().unwrap().person_matches = false;
        unconfirmed.inspection.as_mut().unwrap().in_presence = false;
        assert_eq!(
            unconfirmed.violations(),
            vec![
                Violation::PersonNotConfirmed,
                Violation::InspectionIncomplete
            ]
        );
        let mut typo = lawful.clone();
        typo.sender_identity.as_mut().unwrap().number = "11010519491231002Y".into();
        assert_eq!(typo.violations(), vec![Violation::IdentityInvalid]);
        let mut prohibited = lawful.clone();
        prohibited.inspection.as_mut().unwrap().prohibited = Some("explosives".into());
        assert_eq!(
            prohibited.violations(),
            vec![Violation::ProhibitedItemPickedUp]
        );
    }

    #[test]
    fn a_refused_pickup_names_the_category_and_keeps_no_identity() {
        let lawful = crate::testing::picked_up(1);
        let mut refused = DeliveryRecord {
            outcome: Some(Outcome::RefusedProhibitedItem),
            sender_identity: None,
            tariff: None,
            ..lawful.clone()
        };
        assert_eq!(
            refused.violations(),
            vec![Violation::ProhibitedCategoryMissing]
        );
        refused.inspection.as_mut().unwrap().prohibited = Some("explosives".into());
        assert!(refused.violations().is_empty());
        assert_eq!(refused.handed_over_at(), None);
        let declined = DeliveryRecord {
            outcome: Some(Outcome::RefusedCheckDeclined),
            inspection: None,
            photos: Vec::new(),
            ..lawful.clone()
        };
        assert_eq!(
            declined.violations(),
            vec![Violation::IdentityKeptOnRefusal]
        );
        let at_a_delivery = DeliveryRecord {
            outcome: Some(Outcome::RefusedCheckDeclined),
            ..door_record()
        };
        assert_eq!(at_a_delivery.violations(), vec![Violation::OutcomeMismatch]);
    }

    #[test]
    fn a_record_without_the_new_fields_keeps_its_json() {
        let json = serde_json::to_string(&door_record()).unwrap();
        assert!(!json.contains("sender_identity") && !json.contains("inspection"));
    }

    #[test]
    fn every_violation_has_both_languages() {
        use Violation::*;
        for v in [
            NoConsent,
            ConsentRefused,
            ConsentForOtherMethod,
            PreferenceNotNamed,
            NoCallBeforeLocker,
            NeedsExplicitConsent,
            LockerIncomplete,
            StationMissing,
            OutcomeMismatch,
            ReasonMissing,
            ConsentAfterDelivery,
            BadRevision,
            RecipientMissing,
            InvalidPhone,
            TariffScriptMissing,
            InsuranceUnanswered,
            TariffAnsweredAfterHandover,
            TariffDoesNotAddUp,
            LinkRequestInvalid,
            LinkNotRequested,
            LinkDecisionMissing,
            IdentityMissing,
            IdentityInvalid,
            PersonNotConfirmed,
            IdentityAfterHandover,
            InspectionMissing,
            InspectionIncomplete,
            InspectionAfterHandover,
            ProhibitedItemPickedUp,
            ProhibitedCategoryMissing,
            IdentityKeptOnRefusal,
            PhotoRequired,
            TooManyPhotos,
        ] {
            assert!(!v.message(Lang::Zh).is_empty());
            assert_ne!(v.message(Lang::Zh), v.message(Lang::En));
        }
    }
}
