//! The parcel form as typed, saved on every keystroke so a reload or a crash loses nothing.

use doorstep_core::money::parse_yuan;
use doorstep_core::{
    Carrier, Consent, ConsentChannel, ConsentDecision, DeliveryMethod, DeliveryRecord, Disclosure,
    ParcelFlags, ParcelKind, Violation, Waybill, WaybillError,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub waybill: String,
    /// Carrier code; empty until detected or chosen.
    pub carrier: String,
    /// `door`, `locker` or `station`.
    pub method: String,
    pub locker_bank: String,
    pub locker_compartment: String,
    pub station: String,
    pub consent_channel: String,
    pub consent_given: bool,
    /// When the recipient agreed, by the device clock: the moment the box was ticked.
    pub consent_at: Option<i64>,
    pub free_hours: String,
    pub overtime_fee: String,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            waybill: String::new(),
            carrier: String::new(),
            method: "door".into(),
            locker_bank: String::new(),
            locker_compartment: String::new(),
            station: String::new(),
            consent_channel: "in_person".into(),
            consent_given: false,
            consent_at: None,
            free_hours: "24".into(),
            overtime_fee: "0".into(),
        }
    }
}

/// What stops a draft from becoming a record, per field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DraftErrors {
    pub waybill: Option<WaybillError>,
    pub carrier: bool,
    pub fee: bool,
    pub rules: Vec<Violation>,
}

impl DraftErrors {
    pub fn is_empty(&self) -> bool {
        self.waybill.is_none() && !self.carrier && !self.fee && self.rules.is_empty()
    }
}

const STORAGE_KEY: &str = "doorstep.draft";

impl Draft {
    pub fn load() -> Draft {
        crate::session::local_storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    pub fn store(&self) {
        if let (Some(storage), Ok(json)) =
            (crate::session::local_storage(), serde_json::to_string(self))
        {
            let _ = storage.set_item(STORAGE_KEY, &json);
        }
    }

    /// The waybill as typed, with the carrier filled in when the number names exactly one.
    pub fn with_waybill(mut self, typed: String) -> Draft {
        if let Some(carrier) = Waybill::parse(&typed).ok().and_then(|w| w.detect_carrier()) {
            self.carrier = carrier.code().to_string();
        }
        self.waybill = typed;
        self
    }

    fn method(&self) -> DeliveryMethod {
        match self.method.as_str() {
            "locker" => DeliveryMethod::Locker {
                bank: self.locker_bank.trim().to_string(),
                compartment: self.locker_compartment.trim().to_string(),
            },
            "station" => DeliveryMethod::Station {
                station: self.station.trim().to_string(),
            },
            _ => DeliveryMethod::Door,
        }
    }

    fn consent(&self, method: &DeliveryMethod) -> Option<Consent> {
        if !method.needs_consent() || !self.consent_given {
            return None;
        }
        let channel = match self.consent_channel.as_str() {
            "phone_call" => ConsentChannel::PhoneCall,
            _ => ConsentChannel::InPerson,
        };
        let location = match method {
            DeliveryMethod::Locker { bank, .. } => bank.clone(),
            DeliveryMethod::Station { station } => station.clone(),
            DeliveryMethod::Door => String::new(),
        };
        Some(Consent {
            channel,
            decision: ConsentDecision::Accepted,
            method: method.code().to_string(),
            given_at: self.consent_at.unwrap_or_default(),
            disclosed: Disclosure {
                location,
                free_storage_hours: self.free_hours.trim().parse().unwrap_or(0),
                overtime_fee_fen: parse_yuan(&self.overtime_fee).unwrap_or(0),
            },
            preference_id: None,
        })
    }

    /// The record this draft describes, or every reason it cannot be saved yet.
    pub fn to_record(&self, id: Uuid, now: i64) -> Result<DeliveryRecord, DraftErrors> {
        let mut errors = DraftErrors::default();
        let waybill = Waybill::parse(&self.waybill)
            .map_err(|e| errors.waybill = Some(e))
            .ok();
        let carrier = Carrier::from_code(&self.carrier);
        errors.carrier = carrier.is_none();
        let method = self.method();
        errors.fee = method.needs_consent() && parse_yuan(&self.overtime_fee).is_none();
        let (Some(waybill), Some(carrier)) = (waybill, carrier) else {
            return Err(errors);
        };
        let record = DeliveryRecord {
            id,
            revision: 1,
            kind: ParcelKind::Delivery,
            waybill,
            carrier,
            recipient: None,
            flags: ParcelFlags::default(),
            consent: self.consent(&method),
            method,
            called_at: None,
            outcome: None,
            outcome_at: None,
            captured_at: now,
            revised_at: now,
        };
        errors.rules = record.violations();
        if errors.is_empty() {
            Ok(record)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_a_known_format_fills_the_carrier() {
        let draft = Draft::default().with_waybill("sf1234567890123".into());
        assert_eq!(draft.carrier, "sf");
    }

    #[test]
    fn a_door_delivery_needs_only_waybill_and_carrier() {
        let draft = Draft::default().with_waybill("SF1234567890123".into());
        let record = draft.to_record(Uuid::nil(), 1).unwrap();
        assert_eq!(record.method, DeliveryMethod::Door);
    }

    #[test]
    fn a_locker_needs_the_recipients_consent() {
        let mut draft = Draft::default().with_waybill("SF1234567890123".into());
        draft.method = "locker".into();
        draft.locker_bank = "3".into();
        draft.locker_compartment = "12".into();
        let errors = draft.to_record(Uuid::nil(), 1).unwrap_err();
        assert_eq!(errors.rules, vec![Violation::NoConsent]);
        draft.consent_given = true;
        draft.consent_at = Some(1);
        assert!(draft.to_record(Uuid::nil(), 1).is_ok());
    }

    #[test]
    fn an_unknown_number_asks_for_the_carrier() {
        let draft = Draft::default().with_waybill("773123456789012".into());
        let errors = draft.to_record(Uuid::nil(), 1).unwrap_err();
        assert!(errors.carrier);
    }
}
