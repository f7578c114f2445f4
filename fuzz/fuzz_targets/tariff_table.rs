//! A supervisor's tariff table upload: whatever parses must validate without a panic, and a
//! table that validates must price every parcel a courier can weigh and insure every declared
//! value up to its maximum, with figures that add up.
#![no_main]

use doorstep_core::tariff::{
    script, InsuranceAnswer, InsuranceRules, ParcelMeasure, Quote, QuoteError, QuoteLine, Service,
    TariffDisclosure, TariffTable,
};
use doorstep_core::Lang;
use libfuzzer_sys::fuzz_target;

/// Quotes per table, so a huge table cannot make one input slow.
const MAX_PRICED: usize = 16;

fuzz_target!(|data: &[u8]| {
    let Ok(table) = serde_json::from_slice::<TariffTable>(data) else {
        return;
    };
    let json = serde_json::to_string(&table).expect("a parsed table serialises");
    let again: TariffTable = serde_json::from_str(&json).expect("a stored table parses");
    assert_eq!(again, table);
    if let Err(errors) = table.validate() {
        assert!(!errors.is_empty());
        for error in errors {
            assert!(!error.field.is_empty());
            assert!(!error.problem.message(Lang::Zh).is_empty());
            assert!(!error.problem.message(Lang::En).is_empty());
        }
        return;
    }
    let mut priced = 0;
    for carrier in &table.carriers {
        check_premiums(&carrier.insurance);
        for service in &carrier.services {
            for destination in &table.destinations {
                if priced == MAX_PRICED {
                    return;
                }
                priced += 1;
                for parcel in parcels(service) {
                    let quote =
                        table.quote(carrier.carrier, &service.code, &destination.code, parcel);
                    match quote {
                        Ok(quote) => check_quote(&quote, parcel),
                        Err(QuoteError::WeightMissing) => assert_eq!(parcel.weight_g, 0),
                        // Over the maximum, or so large that the chargeable weight overflows.
                        Err(QuoteError::TooHeavy { .. }) => {}
                        Err(other) => panic!("a valid table failed to quote {parcel:?}: {other:?}"),
                    }
                }
            }
        }
    }
});

/// Weights around the service's limits and measured sizes from none to absurd.
fn parcels(service: &Service) -> Vec<ParcelMeasure> {
    let first = service.first_weight_g;
    let weights = [
        0,
        1,
        first.saturating_sub(1),
        first,
        first.saturating_add(1),
        first.saturating_add(service.step_g),
        service.max_weight_g,
        service.max_weight_g.saturating_add(1),
        u32::MAX,
    ];
    let sizes = [
        None,
        Some([1, 1, 1]),
        Some([60, 40, 40]),
        Some([1000, 1000, 1000]),
        Some([u32::MAX; 3]),
    ];
    let mut parcels = Vec::new();
    for (i, weight_g) in weights.into_iter().enumerate() {
        for (j, dimensions_cm) in sizes.into_iter().enumerate() {
            parcels.push(ParcelMeasure {
                weight_g,
                dimensions_cm,
                fresh: (i + j) % 2 == 0,
                bulky: (i + j) % 3 == 0,
            });
        }
    }
    parcels
}

fn check_quote(quote: &Quote, parcel: ParcelMeasure) {
    let service = &quote.service;
    let chargeable = quote.chargeable_g;
    assert!(chargeable >= parcel.weight_g && chargeable >= service.first_weight_g);
    assert!(quote.volumetric_g.is_none_or(|v| chargeable >= v));
    assert_eq!(chargeable % service.step_g, 0, "{quote:?}");
    let Some(QuoteLine::FirstWeight { grams, .. }) = quote.lines.first().copied() else {
        panic!("the breakdown starts with the first weight: {quote:?}");
    };
    let steps = quote.lines.iter().find_map(|line| match line {
        QuoteLine::AdditionalWeight { steps, .. } => Some(*steps),
        _ => None,
    });
    let charged = u64::from(grams) + u64::from(steps.unwrap_or(0)) * u64::from(service.step_g);
    assert_eq!(charged, u64::from(chargeable), "{quote:?}");
    let sum = quote
        .lines
        .iter()
        .fold(0u32, |sum, line| sum.saturating_add(line.fen()));
    assert_eq!(sum, quote.freight_fen);

    let shown_at = 1_700_000_000_000;
    let max = quote.insurance.max_declared_fen;
    for insured in [None, Some((1, false)), Some((max, true))] {
        let premium = insured.map(|(value, fragile)| {
            let premium = quote
                .premium(value, fragile)
                .expect("a valid table insures every value up to its maximum");
            (value, premium)
        });
        for lang in [Lang::Zh, Lang::En] {
            assert!(!script(quote, premium, lang).is_empty());
        }
        let answer = match InsuranceAnswer::given(quote, insured, shown_at + 1) {
            Ok(answer) => answer,
            Err(QuoteError::TotalTooLarge) => {
                let premium = premium.map_or(0, |(_, fen)| fen);
                assert!(quote.freight_fen.checked_add(premium).is_none());
                continue;
            }
            Err(other) => panic!("no answer for {insured:?}: {other:?}"),
        };
        let mut disclosure = TariffDisclosure::shown(quote, parcel.dimensions_cm, shown_at);
        disclosure.answer = Some(answer);
        assert!(
            disclosure.answer_adds_up(),
            "the device's own answer must pass the server's check: {disclosure:?}"
        );
    }
}

/// Every declared value from 1 to the maximum is insurable, and the premium never drops as the
/// declared value rises.
fn check_premiums(rules: &InsuranceRules) {
    let mut values = vec![0, 1, 2, rules.max_declared_fen, u32::MAX];
    for band in &rules.bands {
        values.push(band.above_fen);
        values.push(band.above_fen.saturating_add(1));
        if let Some(up_to) = band.up_to_fen {
            values.extend([up_to.saturating_sub(1), up_to, up_to.saturating_add(1)]);
        }
    }
    values.extend([
        rules.max_declared_fen.saturating_sub(1),
        rules.max_declared_fen.saturating_add(1),
    ]);
    values.sort_unstable();
    values.dedup();
    for fragile in [false, true] {
        let mut previous = 0;
        for &value in &values {
            match rules.premium(value, fragile) {
                Err(QuoteError::DeclaredValueMissing) => assert_eq!(value, 0),
                Err(QuoteError::DeclaredValueTooHigh { max_fen }) => assert!(value > max_fen),
                Err(other) => panic!("declared value {value} not insurable: {other:?}"),
                Ok(premium) => {
                    assert!(value > 0 && value <= rules.max_declared_fen);
                    assert!(premium >= previous, "premium drops at {value}: {rules:?}");
                    previous = premium;
                }
            }
        }
    }
}
