//! Waybill numbers as typed or scanned: a parsed number is normalised, parses to itself again
//! (also through JSON, as records carry it), and any carrier it names matches its format.
#![no_main]

use doorstep_core::masking::waybill_tail;
use doorstep_core::{Carrier, Lang, Waybill};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = Waybill::parse(input);
    // Records carry waybills as JSON strings; deserialising validates the same way.
    let from_json = serde_json::from_value::<Waybill>(serde_json::Value::String(input.into()));
    assert_eq!(from_json.ok(), parsed.clone().ok());
    let waybill = match parsed {
        Ok(waybill) => waybill,
        Err(e) => {
            assert!(!e.message(Lang::Zh).is_empty() && !e.message(Lang::En).is_empty());
            return;
        }
    };
    let s = waybill.as_str();
    assert!((8..=20).contains(&s.len()), "{s}");
    assert!(s
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    assert!(s.bytes().filter(u8::is_ascii_digit).count() >= 8, "{s}");
    assert_eq!(Waybill::parse(&waybill.to_string()).as_ref(), Ok(&waybill));
    assert_eq!(
        Waybill::parse(&input.to_ascii_lowercase()).as_ref(),
        Ok(&waybill)
    );
    let json = serde_json::to_string(&waybill).expect("a waybill serialises");
    assert_eq!(
        serde_json::from_str::<Waybill>(&json).ok().as_ref(),
        Some(&waybill)
    );
    assert!(s.ends_with(&waybill_tail(s, 4)));

    if let Some(carrier) = waybill.detect_carrier() {
        let fits = match carrier {
            Carrier::Sf => s.starts_with("SF"),
            Carrier::Jd => s.starts_with("JD"),
            Carrier::Yto => s.starts_with("YT"),
            Carrier::Jt => s.starts_with("JT"),
            Carrier::Deppon => s.starts_with("DPK"),
            Carrier::Ems => s.starts_with('E') && s.ends_with("CN") && s.len() == 13,
            Carrier::ChinaPost => s.ends_with("CN") && s.len() == 13,
            _ => false,
        };
        assert!(fits, "{s} detected as {carrier:?}");
    }
});
