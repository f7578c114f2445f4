//! The parcel form as typed, saved on every keystroke so a reload or a crash loses nothing, and
//! turned into a [`DeliveryRecord`] only through the core rules.

use super::quote::{TariffDraft, TariffErrors};
use super::safety::{IdentityDraft, InspectionDraft, PickupStep};
use doorstep_core::identity::IdentityProblems;
use doorstep_core::inspection::InspectionProblems;
use doorstep_core::link::{token_digest, LinkDecision, LinkRequest, Offer, DEFAULT_EXPIRY_HOURS};
use doorstep_core::manifest::RouteParcel;
use doorstep_core::money::parse_yuan;
use doorstep_core::phone::{parse_mobile, PhoneError};
use doorstep_core::preference::{recipient_key, StandingPreference, Wish};
use doorstep_core::proof::{PhotoId, ProofRule, ProofRules, MAX_PHOTOS};
use doorstep_core::tariff::TariffTable;
use doorstep_core::{
    Address, CallResult, Carrier, Consent, ConsentChannel, ConsentDecision, DeliveryMethod,
    DeliveryRecord, Disclosure, MethodKind, Outcome, OutcomeKind, ParcelFlags, ParcelKind,
    Recipient, Violation, Waybill, WaybillError,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The record being edited: a save makes its next revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Editing {
    pub id: Uuid,
    pub revision: u32,
    pub captured_at: i64,
    pub failed_attempts: u32,
}

/// The form's state. Stored sealed on the device: its serialized shape is that of the drafts
/// earlier versions stored (the enums by their codes, "" for no carrier or outcome), so a draft
/// survives an update; one that does not read any more is dropped by the draft store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub editing: Option<Editing>,
    pub kind: ParcelKind,
    pub waybill: String,
    /// `None` until detected or chosen.
    #[serde(with = "empty_is_none")]
    pub carrier: Option<Carrier>,
    pub name: String,
    pub phone: String,
    pub address: Address,
    pub flags: ParcelFlags,
    /// When the courier called the recipient (device clock).
    pub called_at: Option<i64>,
    pub call_result: Option<CallResult>,
    /// The parcel came from the day's manifest: its phone number is dialled, never shown.
    pub planned: bool,
    /// A privacy waybill's extension, dialled after the virtual number.
    pub extension: Option<String>,
    pub method: MethodKind,
    pub locker_bank: String,
    pub locker_compartment: String,
    pub station: String,
    pub consent_channel: ConsentChannel,
    pub consent_given: bool,
    /// When the recipient agreed or refused, by the device clock.
    pub consent_at: Option<i64>,
    /// The locker or station the recipient refused; the parcel then goes to the door.
    pub refused: Option<MethodKind>,
    pub preference_id: Option<Uuid>,
    /// Remember this consent as a standing preference when saving.
    pub remember: bool,
    pub free_hours: String,
    pub overtime_fee: String,
    /// `None` while the parcel is not handed over yet.
    #[serde(with = "empty_is_none")]
    pub outcome: Option<OutcomeKind>,
    /// The proxy's name, or the reason of a failed attempt or refusal.
    pub outcome_note: String,
    /// Pickups and cash-on-delivery parcels: the tariff step.
    pub tariff: TariffDraft,
    /// The consent link asked of the recipient, kept across revisions.
    pub link: Option<LinkRequest>,
    /// The code the recipient needs at the locker or station.
    pub pickup_code: String,
    /// A pickup's screen: identity, inspection, tariff, handover.
    pub step: PickupStep,
    /// A pickup's sender and their document (实名收寄).
    pub identity: IdentityDraft,
    /// A pickup's item inspected in the sender's presence (收寄验视).
    pub inspection: InspectionDraft,
    /// Photo proof of the delivery, stored on the device under these names.
    pub photos: Vec<PhotoId>,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            editing: None,
            kind: ParcelKind::Delivery,
            waybill: String::new(),
            carrier: None,
            name: String::new(),
            phone: String::new(),
            address: Address::default(),
            flags: ParcelFlags::default(),
            called_at: None,
            call_result: None,
            planned: false,
            extension: None,
            method: MethodKind::Door,
            locker_bank: String::new(),
            locker_compartment: String::new(),
            station: String::new(),
            consent_channel: ConsentChannel::InPerson,
            consent_given: false,
            consent_at: None,
            refused: None,
            preference_id: None,
            remember: false,
            free_hours: "24".into(),
            overtime_fee: "0".into(),
            outcome: None,
            outcome_note: String::new(),
            tariff: TariffDraft::default(),
            link: None,
            pickup_code: String::new(),
            step: PickupStep::default(),
            identity: IdentityDraft::default(),
            inspection: InspectionDraft::default(),
            photos: Vec::new(),
        }
    }
}

/// What stops a draft from becoming a record, per field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DraftErrors {
    pub waybill: Option<WaybillError>,
    pub carrier: bool,
    pub phone: Option<PhoneError>,
    pub fee: bool,
    pub tariff: TariffErrors,
    pub identity: IdentityProblems,
    pub inspection: InspectionProblems,
    /// The station's photo rule, shown beside the photos.
    pub photo: Option<Violation>,
    pub rules: Vec<Violation>,
}

impl DraftErrors {
    pub fn is_empty(&self) -> bool {
        self.waybill.is_none()
            && !self.carrier
            && self.phone.is_none()
            && !self.fee
            && self.tariff.is_empty()
            && self.identity.is_empty()
            && self.inspection.is_empty()
            && self.photo.is_none()
            && self.rules.is_empty()
    }
}

impl Draft {
    pub fn is_blank(&self) -> bool {
        *self == Draft::default()
    }

    /// The waybill as typed, with the carrier filled in when the number names exactly one.
    pub fn with_waybill(mut self, typed: String) -> Draft {
        if let Some(carrier) = Waybill::parse(&typed).ok().and_then(|w| w.detect_carrier()) {
            self.carrier = Some(carrier);
        }
        self.waybill = typed;
        self
    }

    /// Sets bulky/heavy or fresh: such a parcel goes to the door unless the recipient, called
    /// first, explicitly asks otherwise (Shanghai plan task 3).
    pub fn with_flags(mut self, flags: ParcelFlags) -> Draft {
        let newly_needs_call = flags.needs_call_first() && !self.flags.needs_call_first();
        self.flags = flags;
        if newly_needs_call {
            self.set_method(MethodKind::Door);
            self.consent_given = false;
            if self.consent_channel == ConsentChannel::StandingPreference {
                self.consent_channel = ConsentChannel::InPerson;
                self.preference_id = None;
            }
        }
        self
    }

    /// A pickup is collected at the sender's door: no locker, no station, no delivery outcome.
    pub fn with_kind(mut self, kind: ParcelKind) -> Draft {
        if kind != self.kind {
            self.kind = kind;
            self.method = MethodKind::Door;
            self.consent_given = false;
            self.outcome = None;
        }
        self
    }

    pub fn is_pickup(&self) -> bool {
        self.kind == ParcelKind::Pickup
    }

    /// Pickups and cash-on-delivery parcels: tell the tariff and ask about insurance.
    pub fn needs_tariff(&self) -> bool {
        self.is_pickup() || self.flags.cash_on_delivery
    }

    /// Whether the parcel screen takes photos: the station keeps them for this method and the
    /// parcel was delivered (a failed attempt or a pickup has nothing to show).
    pub fn takes_photos(&self, rules: &ProofRules) -> bool {
        let delivered = self.outcome.is_some_and(OutcomeKind::is_delivery);
        delivered && rules.for_method(self.method) != ProofRule::Off
    }

    /// Adds a photo just taken, or puts it in the place of the one at `replacing` (a retake);
    /// the same picture twice is kept once, and a fifth is not added.
    pub fn add_photo(&mut self, id: PhotoId, replacing: Option<usize>) {
        if self.photos.contains(&id) {
            return;
        }
        match replacing.filter(|at| *at < self.photos.len()) {
            Some(at) => self.photos[at] = id,
            None if self.photos.len() < MAX_PHOTOS => self.photos.push(id),
            None => {}
        }
    }

    /// Whether the courier must call before anything but the door.
    pub fn call_pending(&self) -> bool {
        self.flags.needs_call_first() && self.called_at.is_none()
    }

    /// A new draft for another parcel to the same recipient: recipient and their wishes copied,
    /// the parcel itself blank.
    pub fn for_same_address(&self) -> Draft {
        Draft {
            name: self.name.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
            planned: self.planned,
            extension: self.extension.clone(),
            ..Draft::default()
        }
    }

    /// The draft that edits an existing record into its next revision.
    pub fn from_record(record: &DeliveryRecord) -> Draft {
        let mut draft = Draft::default().with_waybill(record.waybill.to_string());
        draft.carrier = Some(record.carrier);
        draft.editing = Some(Editing {
            id: record.id,
            revision: record.revision,
            captured_at: record.captured_at,
            failed_attempts: record.failed_attempts,
        });
        if let Some(r) = &record.recipient {
            draft.name = r.name.clone().unwrap_or_default();
            draft.phone = r.phone.clone();
            draft.address = r.address.clone();
        }
        draft.kind = record.kind;
        draft.link = record.link.clone();
        draft.pickup_code = record.pickup_code.clone().unwrap_or_default();
        if let Some(disclosure) = &record.tariff {
            draft.tariff = TariffDraft::from_disclosure(disclosure);
        }
        if let Some(identity) = &record.sender_identity {
            draft.identity = IdentityDraft::from_identity(identity);
        }
        if let Some(inspection) = &record.inspection {
            draft.inspection = InspectionDraft::from_inspection(inspection);
        }
        draft.photos = record.photos.clone();
        draft.flags = record.flags;
        draft.called_at = record.called_at;
        draft.call_result = record.call_result;
        draft.method = record.method.kind();
        match &record.method {
            DeliveryMethod::Locker { bank, compartment } => {
                draft.locker_bank = bank.clone();
                draft.locker_compartment = compartment.clone();
            }
            DeliveryMethod::Station { station } => draft.station = station.clone(),
            DeliveryMethod::Door => {}
        }
        if let Some(c) = &record.consent {
            draft.consent_channel = c.channel;
            draft.consent_at = Some(c.given_at);
            draft.preference_id = c.preference_id;
            draft.free_hours = c.disclosed.free_storage_hours.to_string();
            draft.overtime_fee = doorstep_core::money::format_yuan(c.disclosed.overtime_fee_fen);
            match c.decision {
                ConsentDecision::Accepted => draft.consent_given = true,
                // The app only records refusals of a locker or station, by their codes.
                ConsentDecision::Refused => draft.refused = Some(c.method),
            }
        }
        draft
    }

    /// A parcel of the day's manifest, everything known filled in: at the door it only needs
    /// its outcome. `previous` is the parcel's record on the device, if the courier already
    /// recorded it (a failed attempt): the draft then makes that record's next revision.
    pub fn from_parcel(parcel: &RouteParcel, previous: Option<&DeliveryRecord>) -> Draft {
        let known = &parcel.parcel;
        let mut draft = match previous {
            Some(record) => Draft::from_record(record),
            None => Draft {
                kind: known.kind,
                waybill: known.waybill.to_string(),
                carrier: Some(known.carrier),
                flags: known.flags,
                ..Draft::default()
            },
        };
        // A parcel whose handover was acknowledged has left its recipient behind (forgotten on
        // the device); its record still has them.
        if !known.recipient.phone.is_empty() {
            draft.name = known.recipient.name.clone().unwrap_or_default();
            draft.phone = known.recipient.phone.clone();
            draft.address = known.recipient.address.clone();
            draft.extension = known.extension.clone();
        }
        draft.planned = true;
        if previous.is_none() && known.kind == ParcelKind::Delivery {
            draft.outcome = Some(OutcomeKind::DeliveredToRecipient);
        }
        draft
    }

    /// The `tel:` address that dials the recipient (and a virtual number's extension).
    pub fn tel_uri(&self) -> Option<String> {
        let phone = parse_mobile(&self.phone).ok()?;
        Some(doorstep_core::manifest::tel_uri(
            &phone,
            self.extension.as_deref(),
        ))
    }

    /// Changes the delivery method; an outcome that was the old method's handover follows to
    /// the new one's, so a parcel moved to the locker is not left "delivered to the recipient".
    pub fn set_method(&mut self, method: MethodKind) {
        if self.outcome == Some(self.method.handover()) {
            self.outcome = Some(method.handover());
        }
        self.method = method;
    }

    /// The place the courier proposes for the current method (locker bank or station).
    fn place(&self) -> String {
        match self.method {
            MethodKind::Locker => self.locker_bank.trim().to_string(),
            MethodKind::Station => self.station.trim().to_string(),
            MethodKind::Door => String::new(),
        }
    }

    /// Asks the recipient by link: the locker or station chosen so far, or the door. The draft
    /// goes to the door until the recipient answers.
    pub fn ask_by_link(&mut self, token: &str, now: i64) {
        let offered = Offer {
            method: self.method,
            place: self.place(),
        };
        self.link = Some(LinkRequest {
            id: Uuid::new_v4(),
            token_sha256: token_digest(token),
            offers: vec![
                offered,
                Offer {
                    method: MethodKind::Door,
                    place: String::new(),
                },
            ],
            free_storage_hours: self.free_hours.trim().parse().unwrap_or(0),
            overtime_fee_fen: parse_yuan(&self.overtime_fee).unwrap_or(0),
            expires_in_hours: DEFAULT_EXPIRY_HOURS,
            requested_at: now,
            revoked_at: None,
        });
        self.method = MethodKind::Door;
        self.consent_given = false;
        self.outcome = None;
    }

    /// Takes the recipient's answer by link: their locker or station choice becomes the method
    /// with a consent by link; the door after an offer of something else is kept as a refusal.
    pub fn apply_decision(&mut self, decision: &LinkDecision) {
        let offered = self
            .link
            .as_ref()
            .map(|l| l.offers.clone())
            .unwrap_or_default();
        let place = |method: MethodKind| {
            offered
                .iter()
                .find(|o| o.method == method)
                .map(|o| o.place.clone())
                .unwrap_or_default()
        };
        self.consent_channel = ConsentChannel::RecipientLink;
        self.consent_at = Some(decision.decided_at);
        self.preference_id = None;
        match decision.choice {
            MethodKind::Locker => {
                self.set_method(MethodKind::Locker);
                self.locker_bank = place(MethodKind::Locker);
                self.consent_given = true;
                self.refused = None;
            }
            MethodKind::Station => {
                self.set_method(MethodKind::Station);
                self.station = place(MethodKind::Station);
                self.consent_given = true;
                self.refused = None;
            }
            MethodKind::Door => {
                self.set_method(MethodKind::Door);
                self.consent_given = false;
                self.refused = offered
                    .iter()
                    .map(|o| o.method)
                    .find(|m| *m != MethodKind::Door);
            }
        }
    }

    /// The recipient's key in the preference book, once phone and address are filled in.
    pub fn recipient_key(&self, salt: &str) -> Option<String> {
        let phone = parse_mobile(&self.phone).ok()?;
        (!self.address.compound.trim().is_empty())
            .then(|| recipient_key(salt, &phone, &self.address))
    }

    /// Takes a standing preference: its method is proposed, and where it is a consent to that
    /// method it is recorded as one, naming the preference.
    pub fn apply_preference(&mut self, preference: &StandingPreference, now: i64) {
        let Some(method) = preference.proposed_method() else {
            return;
        };
        self.set_method(method.kind());
        match &method {
            DeliveryMethod::Locker { bank, .. } => self.locker_bank = bank.clone(),
            DeliveryMethod::Station { station } => self.station = station.clone(),
            DeliveryMethod::Door => {}
        }
        if preference.consents_to(&method) {
            self.consent_channel = ConsentChannel::StandingPreference;
            self.preference_id = Some(preference.id);
            self.consent_given = true;
            self.consent_at = Some(now);
        }
    }

    /// The standing preference to remember from this draft's consent, if the courier ticked it.
    pub fn preference_to_remember(&self, key: String, now: i64) -> Option<StandingPreference> {
        if !self.remember {
            return None;
        }
        let wish = match self.method {
            MethodKind::Locker if self.consent_given => Wish::Locker {
                bank: self.locker_bank.trim().to_string(),
            },
            MethodKind::Station if self.consent_given => Wish::Station {
                station: self.station.trim().to_string(),
            },
            MethodKind::Locker | MethodKind::Station => return None,
            MethodKind::Door if self.refused == Some(MethodKind::Station) => Wish::NeverStation,
            MethodKind::Door => Wish::Door {
                after: String::new(),
            },
        };
        Some(StandingPreference {
            id: Uuid::new_v4(),
            recipient_key: key,
            wish,
            stated_at: now,
            withdrawn_at: None,
        })
    }

    fn method(&self) -> DeliveryMethod {
        match self.method {
            MethodKind::Locker => DeliveryMethod::Locker {
                bank: self.locker_bank.trim().to_string(),
                compartment: self.locker_compartment.trim().to_string(),
            },
            MethodKind::Station => DeliveryMethod::Station {
                station: self.station.trim().to_string(),
            },
            MethodKind::Door => DeliveryMethod::Door,
        }
    }

    fn consent(&self, method: &DeliveryMethod) -> Option<Consent> {
        let (decision, about) = if let Some(refused) = self.refused {
            (ConsentDecision::Refused, refused)
        } else if method.needs_consent() && self.consent_given {
            (ConsentDecision::Accepted, method.kind())
        } else {
            return None;
        };
        let channel = self.consent_channel;
        let location = match method {
            DeliveryMethod::Locker { bank, .. } => bank.clone(),
            DeliveryMethod::Station { station } => station.clone(),
            DeliveryMethod::Door => String::new(),
        };
        Some(Consent {
            channel,
            decision,
            method: about,
            given_at: self.consent_at.unwrap_or_default(),
            disclosed: Disclosure {
                location,
                free_storage_hours: self.free_hours.trim().parse().unwrap_or(0),
                overtime_fee_fen: parse_yuan(&self.overtime_fee).unwrap_or(0),
            },
            preference_id: self
                .preference_id
                .filter(|_| channel == ConsentChannel::StandingPreference),
        })
    }

    fn outcome(&self) -> Option<Outcome> {
        let kind = self.outcome?;
        Some(kind.with_note(self.outcome_note.trim().to_string()))
    }

    /// The record this draft describes, or every reason it cannot be saved yet. The photos go
    /// with it only where the screen shows them.
    pub fn to_record(
        &self,
        now: i64,
        tariffs: &TariffTable,
        proof: &ProofRules,
    ) -> Result<DeliveryRecord, DraftErrors> {
        let mut errors = DraftErrors::default();
        let waybill = Waybill::parse(&self.waybill)
            .map_err(|e| errors.waybill = Some(e))
            .ok();
        let carrier = self.carrier;
        errors.carrier = carrier.is_none();
        let phone = parse_mobile(&self.phone)
            .map_err(|e| errors.phone = Some(e))
            .ok();
        let method = self.method();
        errors.fee = method.needs_consent() && parse_yuan(&self.overtime_fee).is_none();
        // A refused pickup never changes hands: no tariff, and no identity kept (PIPL Art. 6).
        let refused = self.outcome.is_some_and(OutcomeKind::is_pickup_refusal);
        let tariff = if self.needs_tariff() && !refused {
            self.tariff
                .disclosure(tariffs, carrier, self.flags)
                .map_err(|e| errors.tariff = e)
                .ok()
                .flatten()
        } else {
            None
        };
        let (Some(waybill), Some(carrier), Some(phone), true) =
            (waybill, carrier, phone, errors.tariff.is_empty())
        else {
            return Err(errors);
        };
        let outcome = self.outcome();
        let failed_before = self.editing.as_ref().map_or(0, |e| e.failed_attempts);
        let failed_now = u32::from(matches!(outcome, Some(Outcome::FailedAttempt { .. })));
        let name = self.name.trim();
        let record = DeliveryRecord {
            id: self.editing.as_ref().map_or_else(Uuid::new_v4, |e| e.id),
            revision: self.editing.as_ref().map_or(1, |e| e.revision + 1),
            kind: self.kind,
            waybill,
            carrier,
            recipient: Some(Recipient {
                name: (!name.is_empty()).then(|| name.to_string()),
                phone,
                address: self.address.clone(),
            }),
            flags: self.flags,
            consent: self.consent(&method),
            method,
            called_at: self.called_at,
            call_result: self.call_result,
            outcome_at: outcome.as_ref().map(|_| now),
            outcome,
            link: self.link.clone(),
            pickup_code: Some(self.pickup_code.trim().to_string()).filter(|c| !c.is_empty()),
            tariff,
            sender_identity: self
                .identity
                .identity()
                .filter(|_| self.is_pickup() && !refused),
            inspection: self.inspection.inspection().filter(|_| {
                self.is_pickup() && self.outcome != Some(OutcomeKind::RefusedCheckDeclined)
            }),
            photos: if self.takes_photos(proof) {
                self.photos.clone()
            } else {
                Vec::new()
            },
            failed_attempts: failed_before + failed_now,
            captured_at: self.editing.as_ref().map_or(now, |e| e.captured_at),
            revised_at: now,
        };
        errors.rules = record.violations();
        errors.photo = record.proof_violation(proof);
        if errors.is_empty() {
            Ok(record)
        } else {
            Err(errors)
        }
    }
}

/// An optional code stored as the empty string when absent, as drafts have always stored the
/// carrier and the outcome.
mod empty_is_none {
    use serde::de::value::StrDeserializer;
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => value.serialize(serializer),
            None => serializer.serialize_str(""),
        }
    }

    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        let code = String::deserialize(deserializer)?;
        if code.is_empty() {
            return Ok(None);
        }
        T::deserialize(StrDeserializer::<D::Error>::new(&code)).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use doorstep_core::tariff::sample;

    fn filled() -> Draft {
        let mut draft = Draft::default().with_waybill("SF1234567890123".into());
        draft.phone = "138 1234 5634".into();
        draft.address = Address {
            compound: "愚园路 1088 弄".into(),
            building: "5".into(),
            unit: "2".into(),
            room: "1203".into(),
        };
        draft
    }

    fn to_locker(draft: &mut Draft) {
        draft.method = MethodKind::Locker;
        draft.locker_bank = "3".into();
        draft.locker_compartment = "12".into();
    }

    #[test]
    fn typing_a_known_format_fills_the_carrier() {
        assert_eq!(
            Draft::default()
                .with_waybill("sf1234567890123".into())
                .carrier,
            Some(Carrier::Sf)
        );
    }

    #[test]
    fn a_door_delivery_needs_waybill_carrier_and_phone() {
        let record = filled()
            .to_record(1, &sample(), &ProofRules::default())
            .unwrap();
        assert_eq!(record.method, DeliveryMethod::Door);
        assert_eq!(record.recipient.unwrap().phone, "13812345634");
        let mut no_phone = filled();
        no_phone.phone = "123".into();
        assert_eq!(
            no_phone
                .to_record(1, &sample(), &ProofRules::default())
                .unwrap_err()
                .phone,
            Some(PhoneError::Length)
        );
    }

    #[test]
    fn a_locker_needs_the_recipients_consent() {
        let mut draft = filled();
        to_locker(&mut draft);
        assert_eq!(
            draft
                .to_record(1, &sample(), &ProofRules::default())
                .unwrap_err()
                .rules,
            vec![Violation::NoConsent]
        );
        draft.consent_given = true;
        draft.consent_at = Some(1);
        assert!(draft
            .to_record(1, &sample(), &ProofRules::default())
            .is_ok());
    }

    #[test]
    fn a_refusal_is_recorded_and_sends_the_parcel_to_the_door() {
        let mut draft = filled();
        draft.refused = Some(MethodKind::Locker);
        draft.consent_at = Some(1);
        let record = draft
            .to_record(2, &sample(), &ProofRules::default())
            .unwrap();
        assert_eq!(record.method, DeliveryMethod::Door);
        assert_eq!(record.consent.unwrap().decision, ConsentDecision::Refused);
    }

    #[test]
    fn bulky_parcels_propose_the_door_and_need_a_call_for_a_locker() {
        let mut draft = filled();
        to_locker(&mut draft);
        let mut draft = draft.with_flags(ParcelFlags {
            bulky: true,
            ..Default::default()
        });
        assert_eq!(draft.method, MethodKind::Door);
        assert!(draft.call_pending());
        to_locker(&mut draft);
        draft.consent_given = true;
        draft.consent_at = Some(1);
        assert_eq!(
            draft
                .to_record(1, &sample(), &ProofRules::default())
                .unwrap_err()
                .rules,
            vec![Violation::NoCallBeforeLocker]
        );
        draft.called_at = Some(1);
        assert!(draft
            .to_record(2, &sample(), &ProofRules::default())
            .is_ok());
    }

    #[test]
    fn a_standing_preference_is_proposed_and_named_as_consent() {
        let draft = filled();
        let key = draft.recipient_key("salt").unwrap();
        let mut with_locker = draft.clone();
        to_locker(&mut with_locker);
        with_locker.consent_given = true;
        with_locker.remember = true;
        let preference = with_locker.preference_to_remember(key.clone(), 5).unwrap();
        assert_eq!(preference.wish, Wish::Locker { bank: "3".into() });

        let mut next = draft.for_same_address();
        next.waybill = "YT1234567890123".into();
        next.carrier = Some(Carrier::Yto);
        assert_eq!(next.recipient_key("salt"), Some(key));
        next.apply_preference(&preference, 6);
        next.locker_compartment = "7".into();
        let record = next
            .to_record(7, &sample(), &ProofRules::default())
            .unwrap();
        let consent = record.consent.unwrap();
        assert_eq!(consent.channel, ConsentChannel::StandingPreference);
        assert_eq!(consent.preference_id, Some(preference.id));
    }

    #[test]
    fn editing_makes_the_next_revision_and_counts_failed_attempts() {
        let first = filled()
            .to_record(1, &sample(), &ProofRules::default())
            .unwrap();
        let mut draft = Draft::from_record(&first);
        draft.outcome = Some(OutcomeKind::FailedAttempt);
        draft.outcome_note = "无人在家".into();
        let second = draft
            .to_record(2, &sample(), &ProofRules::default())
            .unwrap();
        assert_eq!(
            (second.id, second.revision, second.failed_attempts),
            (first.id, 2, 1)
        );
        assert_eq!(second.captured_at, first.captured_at);
        let third = Draft::from_record(&second);
        assert_eq!(third.editing.unwrap().failed_attempts, 1);
    }

    #[test]
    fn an_unknown_number_asks_for_the_carrier() {
        let mut draft = filled().with_waybill("773123456789012".into());
        draft.carrier = None;
        assert!(
            draft
                .to_record(1, &sample(), &ProofRules::default())
                .unwrap_err()
                .carrier
        );
    }

    /// SF standard to Shanghai, 1.2 kg, the script shown at `at`.
    fn show_script(draft: &mut Draft, table: &TariffTable, at: i64) {
        draft.tariff.service = "standard".into();
        draft.tariff.destination = "shanghai".into();
        draft.tariff.weight = "1.2".into();
        draft.tariff.shown = Some(super::super::quote::ScriptShown {
            version: table.version.clone(),
            at,
        });
    }

    #[test]
    fn a_cod_parcel_is_handed_over_only_after_the_script_is_answered() {
        let table = sample();
        let mut draft = filled();
        draft.flags.cash_on_delivery = true;
        draft.outcome = Some(OutcomeKind::DeliveredToRecipient);
        assert_eq!(
            draft
                .to_record(5, &table, &ProofRules::default())
                .unwrap_err()
                .rules,
            vec![Violation::TariffScriptMissing]
        );
        show_script(&mut draft, &table, 2);
        assert_eq!(
            draft
                .to_record(5, &table, &ProofRules::default())
                .unwrap_err()
                .rules,
            vec![Violation::InsuranceUnanswered]
        );
        draft.tariff.insured = Some(false);
        draft.tariff.answered_at = Some(3);
        let record = draft.to_record(5, &table, &ProofRules::default()).unwrap();
        let answer = record.tariff.unwrap().answer.unwrap();
        assert!(!answer.insured);
        assert_eq!(answer.total_fen, 1400, "SF standard in Shanghai: 1.5 kg");
    }

    #[test]
    fn a_pickup_is_collected_at_the_door() {
        let mut draft = filled();
        to_locker(&mut draft);
        let mut draft = draft.with_kind(ParcelKind::Pickup);
        assert_eq!(draft.method, MethodKind::Door);
        assert!(draft.needs_tariff());
        draft.outcome = Some(OutcomeKind::PickedUp);
        assert_eq!(
            draft
                .to_record(1, &sample(), &ProofRules::default())
                .unwrap_err()
                .rules,
            vec![
                Violation::TariffScriptMissing,
                Violation::IdentityMissing,
                Violation::InspectionMissing
            ]
        );
    }

    /// A pickup at the sender's door, the identity checked and the item inspected.
    fn checked_pickup() -> Draft {
        let mut draft = filled().with_kind(ParcelKind::Pickup);
        draft.identity.number = doorstep_core::testing::SAMPLE_ID.into();
        draft.identity.name = "李四".into();
        draft.identity.person_matches = true;
        draft.identity.confirm(1_796_645_000_000).unwrap();
        draft.inspection.item_name = "书".into();
        draft.inspection.in_presence = true;
        draft.inspection.confirm(1_796_645_001_000).unwrap();
        draft
    }

    #[test]
    fn a_pickup_is_picked_up_after_the_identity_the_inspection_and_the_script() {
        let table = sample();
        let mut draft = checked_pickup();
        show_script(&mut draft, &table, 1_796_645_002_000);
        draft.tariff.insured = Some(false);
        draft.tariff.answered_at = Some(1_796_645_003_000);
        draft.outcome = Some(OutcomeKind::PickedUp);
        let record = draft
            .to_record(1_796_645_004_000, &table, &ProofRules::default())
            .unwrap();
        assert_eq!(record.sender_identity.unwrap().number, "11010519491231002X");
        assert_eq!(record.inspection.unwrap().quantity, 1);
        let reopened = Draft::from_record(
            &draft
                .to_record(1_796_645_004_000, &table, &ProofRules::default())
                .unwrap(),
        );
        assert_eq!(reopened.identity, draft.identity);
        assert_eq!(reopened.inspection, draft.inspection);
    }

    #[test]
    fn refused_pickups_keep_no_identity_and_need_no_tariff() {
        let mut prohibited = checked_pickup();
        prohibited.inspection.prohibited = Some("explosives".into());
        prohibited.outcome = Some(OutcomeKind::RefusedProhibitedItem);
        let record = prohibited
            .to_record(1_796_645_004_000, &sample(), &ProofRules::default())
            .unwrap();
        assert_eq!(record.sender_identity, None);
        assert_eq!(record.tariff, None);
        assert_eq!(
            record.inspection.unwrap().prohibited.as_deref(),
            Some("explosives")
        );
        let mut declined = checked_pickup();
        declined.outcome = Some(OutcomeKind::RefusedCheckDeclined);
        let record = declined
            .to_record(1_796_645_004_000, &sample(), &ProofRules::default())
            .unwrap();
        assert_eq!((record.sender_identity, record.inspection), (None, None));
    }

    #[test]
    fn a_locker_chosen_by_link_becomes_a_consent_by_link() {
        let mut draft = filled();
        to_locker(&mut draft);
        draft.ask_by_link("0123456789abcdef0123456789abcdef", 5);
        assert_eq!(
            draft.method,
            MethodKind::Door,
            "the door until the recipient answers"
        );
        let asked = draft
            .to_record(6, &sample(), &ProofRules::default())
            .unwrap();
        let link = asked.link.clone().unwrap();
        assert_eq!(link.offers[0].place, "3");
        assert_eq!(link.check(), Ok(()));

        let mut answered = Draft::from_record(&asked);
        answered.apply_decision(&LinkDecision {
            link_id: link.id,
            choice: MethodKind::Locker,
            time_window: None,
            note: None,
            decided_at: 7,
        });
        answered.locker_compartment = "12".into();
        answered.outcome = Some(OutcomeKind::PlacedInLocker);
        let delivered = answered
            .to_record(8, &sample(), &ProofRules::default())
            .unwrap();
        let consent = delivered.consent.unwrap();
        assert_eq!(consent.channel, ConsentChannel::RecipientLink);
        assert_eq!(consent.given_at, 7);
        assert_eq!(delivered.revision, 2);

        let mut refused = Draft::from_record(&asked);
        refused.apply_decision(&LinkDecision {
            link_id: link.id,
            choice: MethodKind::Door,
            time_window: Some("18:00".into()),
            note: None,
            decided_at: 7,
        });
        let at_door = refused
            .to_record(8, &sample(), &ProofRules::default())
            .unwrap();
        assert_eq!(at_door.method, DeliveryMethod::Door);
        assert_eq!(at_door.consent.unwrap().decision, ConsentDecision::Refused);
    }

    fn route_parcel(phone: &str, extension: Option<&str>) -> RouteParcel {
        RouteParcel {
            day: doorstep_core::day::Day(20_000),
            seq: 1,
            parcel: doorstep_core::manifest::Parcel {
                waybill: Waybill::parse("SF1234567890123").unwrap(),
                carrier: Carrier::Sf,
                kind: ParcelKind::Delivery,
                recipient: Recipient {
                    name: Some("张三".into()),
                    phone: phone.into(),
                    address: filled().address,
                },
                extension: extension.map(str::to_string),
                flags: ParcelFlags::default(),
                cod_fen: None,
                due: None,
            },
        }
    }

    #[test]
    fn a_route_parcel_at_the_door_needs_no_typing() {
        let draft = Draft::from_parcel(&route_parcel("17012345678", Some("1234")), None);
        assert!(draft.planned);
        assert_eq!(draft.tel_uri().as_deref(), Some("tel:17012345678,1234"));
        let record = draft
            .to_record(1, &sample(), &ProofRules::default())
            .unwrap();
        assert_eq!(record.method, DeliveryMethod::Door);
        assert_eq!(record.outcome, Some(Outcome::DeliveredToRecipient));
        assert_eq!(record.recipient.unwrap().phone, "17012345678");
    }

    #[test]
    fn the_handover_follows_the_method_and_a_standing_locker_needs_only_the_compartment() {
        let parcel = route_parcel("13812345634", None);
        let mut draft = Draft::from_parcel(&parcel, None);
        let preference = StandingPreference {
            id: Uuid::from_u128(9),
            recipient_key: draft.recipient_key("salt").unwrap(),
            wish: Wish::Locker { bank: "3".into() },
            stated_at: 1,
            withdrawn_at: None,
        };
        draft.apply_preference(&preference, 2);
        assert_eq!(draft.outcome, Some(OutcomeKind::PlacedInLocker));
        draft.locker_compartment = "12".into();
        let record = draft
            .to_record(3, &sample(), &ProofRules::default())
            .unwrap();
        assert_eq!(record.outcome, Some(Outcome::PlacedInLocker));
        // An outcome the courier chose on purpose stays when the method changes.
        let mut failed = Draft::from_parcel(&parcel, None);
        failed.outcome = Some(OutcomeKind::FailedAttempt);
        failed.set_method(MethodKind::Locker);
        assert_eq!(failed.outcome, Some(OutcomeKind::FailedAttempt));
    }

    #[test]
    fn a_recorded_route_parcel_opens_as_its_next_revision() {
        let parcel = route_parcel("13812345634", None);
        let mut first = Draft::from_parcel(&parcel, None);
        first.outcome = Some(OutcomeKind::FailedAttempt);
        first.outcome_note = "无人".into();
        let record = first
            .to_record(1, &sample(), &ProofRules::default())
            .unwrap();
        let mut forgotten = parcel.clone();
        forgotten.parcel.recipient.phone.clear();
        let again = Draft::from_parcel(&forgotten, Some(&record));
        assert_eq!(again.editing.as_ref().map(|e| e.id), Some(record.id));
        assert_eq!(again.phone, "13812345634");
        assert!(again.planned);
    }

    #[test]
    fn a_required_photo_blocks_the_save_and_photos_go_with_the_record_both_ways() {
        let mut rules = ProofRules::default();
        rules.set(MethodKind::Locker, ProofRule::Required);
        let mut draft = filled();
        to_locker(&mut draft);
        draft.consent_given = true;
        draft.consent_at = Some(1);
        draft.outcome = Some(OutcomeKind::PlacedInLocker);
        assert!(draft.takes_photos(&rules));
        let errors = draft.to_record(2, &sample(), &rules).unwrap_err();
        assert_eq!(errors.photo, Some(Violation::PhotoRequired));
        assert!(
            errors.rules.is_empty(),
            "shown beside the photos, not with the rules"
        );

        let photo = PhotoId::of(b"locker 3, compartment 12");
        draft.photos = vec![photo.clone()];
        let record = draft.to_record(2, &sample(), &rules).unwrap();
        assert_eq!(record.photos, vec![photo.clone()]);
        assert_eq!(Draft::from_record(&record).photos, vec![photo]);
    }

    #[test]
    fn a_retake_keeps_its_place_and_a_record_has_at_most_four_photos() {
        let photo = |n: u8| PhotoId::of(&[n]);
        let mut draft = Draft::default();
        for n in 0..6 {
            draft.add_photo(photo(n), None);
        }
        assert_eq!(draft.photos, (0..4).map(photo).collect::<Vec<_>>());
        draft.add_photo(photo(9), Some(1));
        assert_eq!(draft.photos, vec![photo(0), photo(9), photo(2), photo(3)]);
        draft.add_photo(photo(0), Some(3));
        assert_eq!(draft.photos[3], photo(3), "the same picture is kept once");
    }

    #[test]
    fn photos_the_screen_does_not_show_stay_off_the_record() {
        let mut draft = filled();
        draft.photos = vec![PhotoId::of(b"door")];
        draft.outcome = Some(OutcomeKind::FailedAttempt);
        draft.outcome_note = "无人在家".into();
        assert!(
            !draft.takes_photos(&ProofRules::default()),
            "a failed attempt"
        );
        let record = draft
            .to_record(1, &sample(), &ProofRules::default())
            .unwrap();
        assert!(record.photos.is_empty());

        draft.outcome = Some(OutcomeKind::DeliveredToRecipient);
        let mut off = ProofRules::default();
        off.set(MethodKind::Door, ProofRule::Off);
        assert!(
            !draft.takes_photos(&off),
            "the station keeps no photos of door deliveries"
        );
        assert!(draft
            .to_record(1, &sample(), &off)
            .unwrap()
            .photos
            .is_empty());
        let kept = draft
            .to_record(1, &sample(), &ProofRules::default())
            .unwrap();
        assert_eq!(kept.photos.len(), 1);
        let pickup = checked_pickup();
        assert!(
            !pickup.takes_photos(&ProofRules::default()),
            "no handover outcome yet"
        );
    }

    /// A draft as the string-typed form stored it before the fields had types.
    const STORED_BEFORE_TYPES: &str = r#"{"editing":null,"kind":"pickup","waybill":"SF1234567890123",
        "carrier":"sf","name":"","phone":"13812345634","address":{"compound":"c","building":"",
        "unit":"","room":""},"flags":{"bulky":false,"fresh":false,"fragile":false,
        "cash_on_delivery":false},"called_at":null,"method":"locker","locker_bank":"3",
        "locker_compartment":"","station":"","consent_channel":"phone_call","consent_given":false,
        "consent_at":5,"refused":"station","preference_id":null,"remember":false,"free_hours":"24",
        "overtime_fee":"0","outcome":"failed_attempt","outcome_note":"","link":null,
        "pickup_code":""}"#;

    #[test]
    fn a_draft_stored_before_the_types_still_loads() {
        let draft: Draft = serde_json::from_str(STORED_BEFORE_TYPES).unwrap();
        assert_eq!(draft.kind, ParcelKind::Pickup);
        assert_eq!(draft.carrier, Some(Carrier::Sf));
        assert_eq!(draft.method, MethodKind::Locker);
        assert_eq!(draft.consent_channel, ConsentChannel::PhoneCall);
        assert_eq!(draft.refused, Some(MethodKind::Station));
        assert_eq!(draft.outcome, Some(OutcomeKind::FailedAttempt));
        let blank: Draft =
            serde_json::from_str(&serde_json::to_string(&Draft::default()).unwrap()).unwrap();
        assert_eq!(blank, Draft::default());
        let stored = serde_json::to_value(Draft::default()).unwrap();
        assert_eq!(
            (stored["carrier"].as_str(), stored["outcome"].as_str()),
            (Some(""), Some(""))
        );
    }
}
