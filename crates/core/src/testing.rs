//! Sample records for tests and benchmarks across the workspace (feature `testing`), so every
//! test builds its data the same way and a new record field is added in one place.

use crate::link::{token_digest, LinkRequest, Offer, DEFAULT_EXPIRY_HOURS};
use crate::{
    Address, Carrier, Consent, ConsentChannel, ConsentDecision, DeliveryMethod, DeliveryRecord,
    Disclosure, MethodKind, Outcome, ParcelFlags, ParcelKind, Recipient, Waybill,
};
use uuid::Uuid;

/// Device clock of the sample records' capture.
pub const CAPTURED_AT: i64 = 1_700_000_000_000;

/// A lawful door delivery, revision 1: id `n`, waybill `SF` + `n` in 13 digits, a recipient with a
/// valid mobile number and a full address.
pub fn door_delivery(n: u64) -> DeliveryRecord {
    DeliveryRecord {
        id: Uuid::from_u128(u128::from(n)),
        revision: 1,
        kind: ParcelKind::Delivery,
        waybill: Waybill::parse(&format!("SF{n:013}")).expect("13 digits make a valid waybill"),
        carrier: Carrier::Sf,
        recipient: Some(Recipient {
            name: Some("张三".into()),
            phone: "13812345634".into(),
            address: Address {
                compound: "愚园路 1088 弄".into(),
                building: "5".into(),
                unit: "2".into(),
                room: "1203".into(),
            },
        }),
        flags: ParcelFlags::default(),
        method: DeliveryMethod::Door,
        consent: None,
        called_at: None,
        call_result: None,
        outcome: None,
        outcome_at: None,
        link: None,
        pickup_code: None,
        tariff: None,
        sender_identity: None,
        inspection: None,
        photos: Vec::new(),
        failed_attempts: 0,
        captured_at: CAPTURED_AT,
        revised_at: CAPTURED_AT,
    }
}

/// A lawful pickup, revision 1, collected a minute after capture: the sender's resident ID
/// checked, the item inspected in their presence, the tariff script answered, all before.
pub fn picked_up(n: u64) -> DeliveryRecord {
    let at = CAPTURED_AT;
    DeliveryRecord {
        kind: ParcelKind::Pickup,
        sender_identity: Some(crate::identity::SenderIdentity {
            document: crate::identity::DocumentType::ResidentId,
            number: SAMPLE_ID.into(),
            name: "李四".into(),
            person_matches: true,
            checked_at: at + 10_000,
            credit_code: None,
        }),
        inspection: Some(crate::inspection::Inspection {
            catalogue_version: crate::inspection::catalogue().version,
            item_name: "书".into(),
            nature: crate::inspection::ItemNature::DailyGoods,
            quantity: 2,
            in_presence: true,
            prohibited: None,
            inspected_at: at + 20_000,
        }),
        tariff: Some(crate::tariff::TariffDisclosure {
            table_version: "2026-11-sample".into(),
            service: "standard".into(),
            destination: "shanghai".into(),
            weight_g: 1200,
            dimensions_cm: None,
            chargeable_g: 1500,
            freight_fen: 1400,
            script_shown_at: at + 30_000,
            answer: Some(crate::tariff::InsuranceAnswer {
                insured: false,
                declared_fen: 0,
                premium_fen: 0,
                total_fen: 1400,
                answered_at: at + 40_000,
            }),
        }),
        outcome: Some(Outcome::PickedUp),
        outcome_at: Some(at + 60_000),
        revised_at: at + 60_000,
        ..door_delivery(n)
    }
}

/// The GB 11643-1999 example number the samples carry.
pub const SAMPLE_ID: &str = "11010519491231002X";

/// `record` placed in locker bank 3, compartment 07 a minute after its capture, with the
/// recipient's consent by `channel` given at capture.
pub fn placed_in_locker(mut record: DeliveryRecord, channel: ConsentChannel) -> DeliveryRecord {
    record.method = DeliveryMethod::Locker {
        bank: "3".into(),
        compartment: "07".into(),
    };
    record.consent = Some(Consent {
        channel,
        decision: ConsentDecision::Accepted,
        method: MethodKind::Locker,
        given_at: record.captured_at,
        disclosed: Disclosure {
            location: "愚园路 1088 弄 3 号快递柜".into(),
            free_storage_hours: 24,
            overtime_fee_fen: 50,
        },
        preference_id: None,
    });
    record.outcome = Some(Outcome::PlacedInLocker);
    record.outcome_at = Some(record.captured_at + 60_000);
    record
}

/// Every delivery method, one of each variant.
pub fn every_method() -> [DeliveryMethod; 3] {
    [
        DeliveryMethod::Door,
        DeliveryMethod::Locker {
            bank: "1".into(),
            compartment: "2".into(),
        },
        DeliveryMethod::Station {
            station: "驿站".into(),
        },
    ]
}

/// Every outcome, one of each variant.
pub fn every_outcome() -> [Outcome; 9] {
    [
        Outcome::PickedUp,
        Outcome::DeliveredToRecipient,
        Outcome::DeliveredToProxy {
            proxy: "门卫".into(),
        },
        Outcome::PlacedInLocker,
        Outcome::LeftAtStation,
        Outcome::FailedAttempt { reason: "x".into() },
        Outcome::Refused { reason: "y".into() },
        Outcome::RefusedProhibitedItem,
        Outcome::RefusedCheckDeclined,
    ]
}

/// A consent-link request as the courier's device makes it for `token`: locker bank 3 or the
/// door, 24 free hours, ¥0.50 a day after, the default expiry.
pub fn link_request(id: Uuid, token: &str, requested_at: i64) -> LinkRequest {
    LinkRequest {
        id,
        token_sha256: token_digest(token),
        offers: vec![
            Offer {
                method: MethodKind::Locker,
                place: "3 号柜（愚园路 1088 弄门口）".into(),
            },
            Offer {
                method: MethodKind::Door,
                place: String::new(),
            },
        ],
        free_storage_hours: 24,
        overtime_fee_fen: 50,
        expires_in_hours: DEFAULT_EXPIRY_HOURS,
        requested_at,
        revoked_at: None,
    }
}

/// One benchmark figure as the line `cargo xtask bench` collects from a benchmark's output
/// (`BENCH {"name": …, "value": …, "unit": …}`); every benchmark binary prints these.
pub fn bench_line(name: &str, value: f64, unit: &str) -> String {
    format!("BENCH {{\"name\": {name:?}, \"value\": {value:.3}, \"unit\": {unit:?}}}")
}

/// The `p` quantile (0 to 1) of values sorted ascending, by nearest rank: what every benchmark
/// reports as p50 / p95 / p99.
pub fn percentile<T: Copy>(sorted: &[T], p: f64) -> T {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_percentile_is_the_nearest_ranked_value() {
        let values: Vec<u32> = (1..=101).collect();
        assert_eq!(super::percentile(&values, 0.5), 51);
        assert_eq!(super::percentile(&values, 0.99), 100);
        assert_eq!(super::percentile(&values, 1.0), 101);
        assert_eq!(super::percentile(&[7], 0.95), 7);
    }

    /// The line xtask's `parse_figure` test reads, after its `BENCH ` prefix.
    #[test]
    fn a_bench_line_is_what_xtask_reads() {
        assert_eq!(
            super::bench_line("browser sync, 1000", 823.1, "ms"),
            r#"BENCH {"name": "browser sync, 1000", "value": 823.100, "unit": "ms"}"#
        );
    }
}
