//! Compliance flags: what a supervisor should look at in a synced record. Most broken rules are
//! refused at sync by [`DeliveryRecord::violations`]; flags also catch records that are lawful but
//! suspect (a late sync, many failed attempts, consent timing), so they are computed in full for
//! every stored revision and kept beside it for filtering.

use crate::record::{ConsentDecision, DeliveryRecord};
use crate::time::Millis;
use crate::Lang;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComplianceFlag {
    /// A locker or station drop without the recipient's accepted consent for it.
    NoConsent,
    /// The consent was recorded after the parcel was handed over.
    ConsentAfterDelivery,
    /// A bulky, heavy or fresh parcel went to a locker or station without a call first.
    NoCallFirst,
    /// A pickup or cash-on-delivery parcel changed hands without the tariff script shown and
    /// the insurance question answered first.
    NoTariffScript,
    /// A pickup collected without a valid check of the sender's identity (实名收寄).
    NoRealName,
    /// A pickup collected without an inspection in the sender's presence (收寄验视).
    NoInspection,
    /// More failed attempts than the station's policy allows.
    TooManyAttempts,
    /// The record reached the server long after it was captured.
    LateSync,
}

impl ComplianceFlag {
    pub const ALL: [ComplianceFlag; 8] = [
        ComplianceFlag::NoConsent,
        ComplianceFlag::ConsentAfterDelivery,
        ComplianceFlag::NoCallFirst,
        ComplianceFlag::NoTariffScript,
        ComplianceFlag::NoRealName,
        ComplianceFlag::NoInspection,
        ComplianceFlag::TooManyAttempts,
        ComplianceFlag::LateSync,
    ];

    /// Stable code used in storage, filters and exports.
    pub fn code(self) -> &'static str {
        match self {
            ComplianceFlag::NoConsent => "no_consent",
            ComplianceFlag::ConsentAfterDelivery => "consent_after_delivery",
            ComplianceFlag::NoCallFirst => "no_call_first",
            ComplianceFlag::NoTariffScript => "no_tariff_script",
            ComplianceFlag::NoRealName => "no_real_name",
            ComplianceFlag::NoInspection => "no_inspection",
            ComplianceFlag::TooManyAttempts => "too_many_attempts",
            ComplianceFlag::LateSync => "late_sync",
        }
    }

    pub fn from_code(code: &str) -> Option<ComplianceFlag> {
        ComplianceFlag::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        use ComplianceFlag::*;
        match (self, lang) {
            (NoConsent, Lang::Zh) => "未经同意投递快件箱/驿站",
            (NoConsent, Lang::En) => "Locker or station without consent",
            (ConsentAfterDelivery, Lang::Zh) => "同意晚于投递",
            (ConsentAfterDelivery, Lang::En) => "Consent recorded after delivery",
            (NoCallFirst, Lang::Zh) => "大件/生鲜未先致电",
            (NoCallFirst, Lang::En) => "Bulky or fresh without a call first",
            (NoTariffScript, Lang::Zh) => "揽收/代收货款未告知资费或未问保价",
            (NoTariffScript, Lang::En) => "Pickup or COD without tariff script or insurance answer",
            (NoRealName, Lang::Zh) => "揽收未实名查验",
            (NoRealName, Lang::En) => "Pickup without the sender's ID check",
            (NoInspection, Lang::Zh) => "揽收未当面验视",
            (NoInspection, Lang::En) => "Pickup without an inspection in the sender's presence",
            (TooManyAttempts, Lang::Zh) => "投递失败次数过多",
            (TooManyAttempts, Lang::En) => "Too many failed attempts",
            (LateSync, Lang::Zh) => "记录超过 24 小时才同步",
            (LateSync, Lang::En) => "Synced more than 24 h after capture",
        }
    }
}

/// A station's thresholds for the flags that are a matter of degree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompliancePolicy {
    /// More failed attempts than this raise [`ComplianceFlag::TooManyAttempts`].
    pub max_failed_attempts: u32,
    /// A longer gap between capture (device) and receipt (server) raises
    /// [`ComplianceFlag::LateSync`].
    pub max_sync_delay_ms: Millis,
}

impl Default for CompliancePolicy {
    fn default() -> Self {
        CompliancePolicy {
            max_failed_attempts: 3,
            max_sync_delay_ms: 24 * 60 * 60 * 1000,
        }
    }
}

/// Every flag the record raises, in [`ComplianceFlag::ALL`] order. `received_at` is the server
/// clock when this revision arrived; the record's own times are the device's.
pub fn flags(
    record: &DeliveryRecord,
    received_at: Millis,
    policy: &CompliancePolicy,
) -> Vec<ComplianceFlag> {
    let mut found = Vec::new();
    let accepted = record
        .consent
        .as_ref()
        .filter(|c| c.decision == ConsentDecision::Accepted && c.method == record.method.kind());
    if record.method.needs_consent() {
        if accepted.is_none() {
            found.push(ComplianceFlag::NoConsent);
        }
        if let (Some(consent), Some(done)) = (accepted, record.handed_over_at()) {
            if consent.given_at > done {
                found.push(ComplianceFlag::ConsentAfterDelivery);
            }
        }
        if record.flags.needs_call_first() && record.called_at.is_none() {
            found.push(ComplianceFlag::NoCallFirst);
        }
    }
    if record.tariff_gap().is_some() {
        found.push(ComplianceFlag::NoTariffScript);
    }
    if record.lacks_real_name() {
        found.push(ComplianceFlag::NoRealName);
    }
    if record.lacks_inspection() {
        found.push(ComplianceFlag::NoInspection);
    }
    if record.failed_attempts > policy.max_failed_attempts {
        found.push(ComplianceFlag::TooManyAttempts);
    }
    if received_at.saturating_sub(record.captured_at) > policy.max_sync_delay_ms {
        found.push(ComplianceFlag::LateSync);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::door_record;
    use crate::record::{
        Consent, ConsentChannel, DeliveryMethod, Disclosure, Outcome, ParcelFlags, ParcelKind,
    };
    use crate::MethodKind;

    const CAPTURED: Millis = 1_700_000_000_000;
    const HOUR: Millis = 60 * 60 * 1000;

    fn at_locker(consent: Option<Consent>) -> DeliveryRecord {
        DeliveryRecord {
            method: DeliveryMethod::Locker {
                bank: "3".into(),
                compartment: "12".into(),
            },
            consent,
            ..door_record()
        }
    }

    fn accepted(channel: ConsentChannel, given_at: Millis) -> Option<Consent> {
        Some(Consent {
            channel,
            decision: ConsentDecision::Accepted,
            method: MethodKind::Locker,
            given_at,
            disclosed: Disclosure::default(),
            preference_id: None,
        })
    }

    fn flags_now(record: &DeliveryRecord) -> Vec<ComplianceFlag> {
        flags(record, CAPTURED + HOUR, &CompliancePolicy::default())
    }

    #[test]
    fn a_clean_door_delivery_raises_nothing() {
        assert!(flags_now(&door_record()).is_empty());
    }

    #[test]
    fn locker_without_accepted_consent_is_flagged() {
        assert_eq!(flags_now(&at_locker(None)), vec![ComplianceFlag::NoConsent]);
        let mut refused = accepted(ConsentChannel::InPerson, CAPTURED);
        refused.as_mut().unwrap().decision = ConsentDecision::Refused;
        assert_eq!(
            flags_now(&at_locker(refused)),
            vec![ComplianceFlag::NoConsent]
        );
        let fine = at_locker(accepted(ConsentChannel::InPerson, CAPTURED));
        assert!(flags_now(&fine).is_empty());
    }

    #[test]
    fn consent_after_the_handover_is_flagged() {
        let mut record = at_locker(accepted(ConsentChannel::PhoneCall, CAPTURED + 500));
        record.outcome = Some(Outcome::PlacedInLocker);
        record.outcome_at = Some(CAPTURED + 100);
        assert_eq!(
            flags_now(&record),
            vec![ComplianceFlag::ConsentAfterDelivery]
        );
        record.outcome = Some(Outcome::FailedAttempt {
            reason: "无人".into(),
        });
        assert!(flags_now(&record).is_empty(), "nothing was handed over");
    }

    #[test]
    fn bulky_or_fresh_to_a_locker_without_a_call_is_flagged() {
        let mut record = at_locker(accepted(ConsentChannel::InPerson, CAPTURED));
        record.flags = ParcelFlags {
            fresh: true,
            ..Default::default()
        };
        assert_eq!(flags_now(&record), vec![ComplianceFlag::NoCallFirst]);
        record.called_at = Some(CAPTURED);
        assert!(flags_now(&record).is_empty());
        let door = DeliveryRecord {
            flags: record.flags,
            ..door_record()
        };
        assert!(flags_now(&door).is_empty(), "the door needs no call");
    }

    #[test]
    fn a_pickup_without_the_tariff_script_is_flagged() {
        let mut record = door_record();
        record.kind = ParcelKind::Pickup;
        assert!(flags_now(&record).is_empty(), "not collected yet");
        record.outcome = Some(Outcome::PickedUp);
        record.outcome_at = Some(CAPTURED);
        assert_eq!(
            flags_now(&record),
            vec![
                ComplianceFlag::NoTariffScript,
                ComplianceFlag::NoRealName,
                ComplianceFlag::NoInspection
            ]
        );
        let lawful = crate::testing::picked_up(1);
        assert!(flags_now(&lawful).is_empty());
    }

    #[test]
    fn more_failed_attempts_than_the_policy_allows_are_flagged() {
        let mut record = door_record();
        record.failed_attempts = 3;
        assert!(flags_now(&record).is_empty());
        record.failed_attempts = 4;
        assert_eq!(flags_now(&record), vec![ComplianceFlag::TooManyAttempts]);
        let strict = CompliancePolicy {
            max_failed_attempts: 1,
            ..Default::default()
        };
        record.failed_attempts = 2;
        assert_eq!(
            flags(&record, CAPTURED, &strict),
            vec![ComplianceFlag::TooManyAttempts]
        );
    }

    #[test]
    fn a_sync_more_than_a_day_after_capture_is_flagged() {
        let record = door_record();
        let policy = CompliancePolicy::default();
        assert!(flags(&record, CAPTURED + 24 * HOUR, &policy).is_empty());
        assert_eq!(
            flags(&record, CAPTURED + 24 * HOUR + 1, &policy),
            vec![ComplianceFlag::LateSync]
        );
    }

    #[test]
    fn codes_and_labels_round_trip() {
        for flag in ComplianceFlag::ALL {
            assert_eq!(ComplianceFlag::from_code(flag.code()), Some(flag));
            assert_eq!(
                serde_json::to_value(flag).unwrap(),
                serde_json::Value::String(flag.code().into())
            );
            assert_ne!(flag.label(Lang::Zh), flag.label(Lang::En));
        }
        assert_eq!(ComplianceFlag::from_code("nope"), None);
    }
}
