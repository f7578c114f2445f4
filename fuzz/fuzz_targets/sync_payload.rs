//! The body of `POST /api/v1/sync`: whatever parses as a sync request must go through the rule
//! check, the canonical form the server stores and fingerprints, the compliance flags and the
//! masked summary without a panic, and come back unchanged when the stored payload is read.
#![no_main]

use doorstep_core::api::RecordSummary;
use doorstep_core::compliance::{self, ComplianceFlag, CompliancePolicy};
use doorstep_core::sync::{canonical, SyncRequest};
use doorstep_core::DeliveryRecord;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(request) = serde_json::from_slice::<SyncRequest>(data) else {
        return;
    };
    let json = serde_json::to_string(&request).expect("a parsed request serialises");
    let again: SyncRequest = serde_json::from_str(&json).expect("a serialised request parses");
    assert_eq!(again, request);
    for record in &request.records {
        // The cursor stands in for the server clock: any i64 may arrive there too.
        check(record, request.cursor);
    }
});

fn check(record: &DeliveryRecord, received_at: i64) {
    let violations = record.violations();

    // The review pages parse what the server stored; a replay must fingerprint the same.
    let (payload, fingerprint) = canonical(record).expect("a parsed record serialises");
    let stored: DeliveryRecord = serde_json::from_str(&payload).expect("the stored payload parses");
    assert_eq!(&stored, record);
    let (payload_again, fingerprint_again) = canonical(&stored).expect("serialises again");
    assert_eq!((payload_again, fingerprint_again), (payload, fingerprint));

    let flags = compliance::flags(record, received_at, &CompliancePolicy::default());
    if violations.is_empty() {
        // The rules refused at sync cannot show up as flags on a stored record.
        for refused in [
            ComplianceFlag::NoConsent,
            ComplianceFlag::ConsentAfterDelivery,
            ComplianceFlag::NoTariffScript,
        ] {
            assert!(!flags.contains(&refused), "{refused:?} on a lawful record");
        }
    }

    let summary = RecordSummary::masked(record, String::new(), received_at, flags);
    if let (Some(recipient), Some(masked)) = (&record.recipient, &summary.recipient_phone) {
        let digits: Vec<char> = recipient.phone.chars().collect();
        for window in digits.windows(6) {
            let shown: String = window.iter().collect();
            assert!(
                !window.iter().all(char::is_ascii_digit) || !masked.contains(&shown),
                "the masked phone {masked} shows {shown}"
            );
        }
    }
}
