use super::*;
use proptest::prelude::*;

/// A small table with round numbers: first 1 kg ¥10, each further 0.5 kg ¥2 (Yangtze Delta),
/// volumetric divisor 6000; bands ¥500 → ¥1, ¥1000 → ¥2, above 5‰, up to ¥20,000.
fn table() -> TariffTable {
    serde_json::from_value(serde_json::json!({
        "version": "t-1",
        "effective_from": "2026-11-01",
        "destinations": [
            {"code": "shanghai", "name_zh": "上海", "name_en": "Shanghai", "zone": "same_city"},
            {"code": "zhejiang", "name_zh": "浙江", "name_en": "Zhejiang", "zone": "yangtze_delta"},
            {"code": "xinjiang", "name_zh": "新疆", "name_en": "Xinjiang", "zone": "remote"}
        ],
        "carriers": [{
            "carrier": "sf",
            "services": [{
                "code": "standard", "name_zh": "标快", "name_en": "Standard",
                "first_weight_g": 1000, "step_g": 500, "volumetric_divisor": 6000,
                "max_weight_g": 30000,
                "prices": [
                    {"zone": "same_city", "first_fen": 800, "step_fen": 100},
                    {"zone": "yangtze_delta", "first_fen": 1000, "step_fen": 200},
                    {"zone": "remote", "first_fen": 2500, "step_fen": 1000}
                ],
                "fresh_surcharge_fen": 500, "bulky_surcharge_fen": 1000
            }],
            "insurance": {
                "bands": [
                    {"above_fen": 0, "up_to_fen": 50000, "premium": {"type": "flat", "fen": 100}},
                    {"above_fen": 50000, "up_to_fen": 100000, "premium": {"type": "flat", "fen": 200}},
                    {"above_fen": 100000, "up_to_fen": null, "premium": {"type": "per_mille", "permille": 5}}
                ],
                "fragile_permille": 10,
                "max_declared_fen": 2000000,
                "uninsured_freight_multiple": 3
            }
        }]
    }))
    .expect("the test table parses")
}

fn quote_for(destination: &str, weight_g: u32, dims: Option<[u32; 3]>) -> Quote {
    table()
        .quote(
            Carrier::Sf,
            "standard",
            destination,
            ParcelMeasure {
                weight_g,
                dimensions_cm: dims,
                ..Default::default()
            },
        )
        .expect("a valid parcel has a quote")
}

#[test]
fn the_sample_table_is_valid_and_labelled_as_sample() {
    let sample = sample();
    assert_eq!(sample.validate(), Ok(()));
    assert!(sample.sample);
    assert!(sample.destination("shanghai").is_some());
}

#[test]
fn rounding_edges_of_the_chargeable_weight() {
    // (actual grams, dimensions, expected chargeable grams, expected freight fen)
    let cases: &[(u32, Option<[u32; 3]>, u32, u32)] = &[
        (1, None, 1000, 1000),                  // anything up to the first weight
        (1000, None, 1000, 1000),               // exactly the first weight
        (1010, None, 1500, 1200),               // 0.01 kg above: one more step
        (1500, None, 1500, 1200),               // exactly on a step
        (1510, None, 2000, 1400),               // 0.01 kg above a step
        (2000, Some([30, 20, 10]), 2000, 1400), // volumetric 1 kg below actual
        (1000, Some([40, 30, 20]), 4000, 2200), // volumetric 4 kg above actual
        (1000, Some([40, 30, 21]), 4500, 2400), // volumetric 4.2 kg → 4.5
        (30000, None, 30000, 1000 + 58 * 200),  // the service's maximum
    ];
    for &(actual, dims, chargeable, freight) in cases {
        let quote = quote_for("zhejiang", actual, dims);
        assert_eq!(quote.chargeable_g, chargeable, "{actual} g {dims:?}");
        assert_eq!(quote.freight_fen, freight, "{actual} g {dims:?}");
    }
}

#[test]
fn zone_borders_follow_the_destination() {
    assert_eq!(quote_for("shanghai", 1600, None).freight_fen, 800 + 2 * 100);
    assert_eq!(
        quote_for("zhejiang", 1600, None).freight_fen,
        1000 + 2 * 200
    );
    assert_eq!(
        quote_for("xinjiang", 1600, None).freight_fen,
        2500 + 2 * 1000
    );
    let zone = |code: &str| table().destination(code).map(|d| d.zone);
    assert_eq!(zone("zhejiang"), Some(Zone::YangtzeDelta));
}

#[test]
fn premium_band_borders() {
    let rules = table().carriers[0].insurance.clone();
    let cases: &[(u32, bool, Result<u32, QuoteError>)] = &[
        (1, false, Ok(100)),
        (50000, false, Ok(100)),     // ¥500 exactly: first band
        (50001, false, Ok(200)),     // ¥500.01: second band
        (100000, false, Ok(200)),    // ¥1000 exactly
        (100001, false, Ok(501)),    // ¥1000.01 × 5‰ = 500.005 fen → 501
        (2000000, false, Ok(10000)), // the maximum
        (
            2000001,
            false,
            Err(QuoteError::DeclaredValueTooHigh { max_fen: 2000000 }),
        ),
        (0, false, Err(QuoteError::DeclaredValueMissing)),
        (30000, true, Ok(300)), // fragile ¥300 × 10‰ = ¥3 beats the ¥1 band
        (5000, true, Ok(100)),  // fragile ¥50 × 10‰ = ¥0.50 below the band's ¥1
    ];
    for &(declared, fragile, expected) in cases {
        assert_eq!(rules.premium(declared, fragile), expected, "{declared} fen");
    }
}

#[test]
fn surcharges_are_lines_of_their_own() {
    let quote = table()
        .quote(
            Carrier::Sf,
            "standard",
            "shanghai",
            ParcelMeasure {
                weight_g: 800,
                fresh: true,
                bulky: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        quote.lines,
        vec![
            QuoteLine::FirstWeight {
                grams: 1000,
                fen: 800
            },
            QuoteLine::FreshSurcharge { fen: 500 },
            QuoteLine::BulkySurcharge { fen: 1000 },
        ]
    );
    assert_eq!(quote.freight_fen, 2300);
}

#[test]
fn what_cannot_be_quoted_says_why() {
    let t = table();
    let parcel = ParcelMeasure {
        weight_g: 1000,
        ..Default::default()
    };
    assert_eq!(
        t.quote(Carrier::Jd, "standard", "shanghai", parcel),
        Err(QuoteError::UnknownCarrier)
    );
    assert_eq!(
        t.quote(Carrier::Sf, "express", "shanghai", parcel),
        Err(QuoteError::UnknownService)
    );
    assert_eq!(
        t.quote(Carrier::Sf, "standard", "mars", parcel),
        Err(QuoteError::UnknownDestination)
    );
    assert_eq!(
        t.quote(
            Carrier::Sf,
            "standard",
            "shanghai",
            ParcelMeasure::default()
        ),
        Err(QuoteError::WeightMissing)
    );
    let heavy = ParcelMeasure {
        weight_g: 30001,
        ..Default::default()
    };
    assert_eq!(
        t.quote(Carrier::Sf, "standard", "shanghai", heavy),
        Err(QuoteError::TooHeavy { max_g: 30000 })
    );
    // Found by the tariff_table fuzz target: the volume used to overflow instead.
    let absurd = ParcelMeasure {
        weight_g: 1000,
        dimensions_cm: Some([u32::MAX; 3]),
        ..Default::default()
    };
    assert_eq!(
        t.quote(Carrier::Sf, "standard", "shanghai", absurd),
        Err(QuoteError::TooHeavy { max_g: 30000 })
    );
    for error in [
        QuoteError::UnknownCarrier,
        QuoteError::TooHeavy { max_g: 30000 },
    ] {
        assert_ne!(error.message(Lang::Zh), error.message(Lang::En));
    }
}

#[test]
fn the_script_carries_the_real_numbers() {
    let quote = quote_for("zhejiang", 2300, None);
    let premium = quote.premium(80000, false).unwrap();
    let zh = script(&quote, Some((80000, premium)), Lang::Zh).join("\n");
    assert!(zh.contains("计费重量 2.5 公斤"), "{zh}");
    assert!(zh.contains("运费 ¥16.00"), "{zh}");
    assert!(zh.contains("声明价值 ¥800.00 的保价费为 ¥2.00"), "{zh}");
    assert!(zh.contains("运费的 3 倍赔偿，本件最多 ¥48.00"), "{zh}");
    assert!(zh.contains("验视"), "{zh}");
    let en = script(&quote, None, Lang::En).join("\n");
    assert!(
        en.contains("2.5 kg are charged") && en.contains("¥16.00"),
        "{en}"
    );
    assert!(en.contains("up to ¥500.00: ¥1.00; ¥500.00–1000.00: ¥2.00; above ¥1000.00: 5‰"));
    assert!(en.contains("inspect"));
}

#[test]
fn the_answer_records_premium_and_total() {
    let quote = quote_for("zhejiang", 2300, None);
    let mut shown = TariffDisclosure::shown(&quote, None, 10);
    let insured = InsuranceAnswer::given(&quote, Some((80000, false)), 20).unwrap();
    assert_eq!((insured.premium_fen, insured.total_fen), (200, 1800));
    shown.answer = Some(insured);
    assert!(shown.answer_adds_up());
    let declined = InsuranceAnswer::given(&quote, None, 20).unwrap();
    assert_eq!((declined.premium_fen, declined.total_fen), (0, 1600));
    shown.answer = Some(InsuranceAnswer {
        total_fen: 1700,
        ..declined
    });
    assert!(!shown.answer_adds_up());
}

/// Found by the tariff_table fuzz target: a total that saturated at `u32::MAX` was recorded and
/// then refused by the server as not adding up.
#[test]
fn a_total_too_large_to_record_is_refused_at_the_door() {
    let mut quote = quote_for("zhejiang", 2300, None);
    quote.freight_fen = u32::MAX - 100;
    assert_eq!(
        InsuranceAnswer::given(&quote, Some((80000, false)), 20),
        Err(QuoteError::TotalTooLarge)
    );
    assert!(InsuranceAnswer::given(&quote, None, 20).is_ok());
}

fn errors_of(json: serde_json::Value) -> Vec<(String, TableProblem)> {
    let table: TariffTable = serde_json::from_value(json).expect("structurally valid");
    table
        .validate()
        .expect_err("the table has a problem")
        .into_iter()
        .map(|e| (e.field, e.problem))
        .collect()
}

fn table_json() -> serde_json::Value {
    serde_json::to_value(table()).unwrap()
}

#[test]
fn a_hole_between_bands_names_the_band() {
    let mut json = table_json();
    json["carriers"][0]["insurance"]["bands"][1]["above_fen"] = 60000.into();
    assert_eq!(
        errors_of(json),
        vec![(
            "carriers[0].insurance.bands[1].above_fen".into(),
            TableProblem::BandsNotContiguous {
                previous_up_to: 50000
            }
        )]
    );
}

#[test]
fn each_malformed_field_is_named() {
    let cases: Vec<(&str, serde_json::Value, &str, TableProblem)> = vec![
        (
            "/version",
            "no spaces allowed".into(),
            "version",
            TableProblem::BadVersion,
        ),
        (
            "/effective_from",
            "1.11.2026".into(),
            "effective_from",
            TableProblem::BadDate,
        ),
        (
            "/destinations/1/code",
            "shanghai".into(),
            "destinations[1].code",
            TableProblem::Duplicate("shanghai".into()),
        ),
        (
            "/carriers/0/services/0/step_g",
            0.into(),
            "carriers[0].services[0].step_g",
            TableProblem::MustBePositive,
        ),
        (
            "/carriers/0/services/0/first_weight_g",
            1200.into(),
            "carriers[0].services[0].first_weight_g",
            TableProblem::NotAMultipleOfStep,
        ),
        (
            "/carriers/0/services/0/max_weight_g",
            500.into(),
            "carriers[0].services[0].max_weight_g",
            TableProblem::BelowFirstWeight,
        ),
        (
            "/carriers/0/insurance/bands/0/above_fen",
            1.into(),
            "carriers[0].insurance.bands[0].above_fen",
            TableProblem::BandsStartAbove0,
        ),
        (
            "/carriers/0/insurance/bands/1/up_to_fen",
            serde_json::Value::Null,
            "carriers[0].insurance.bands[1].up_to_fen",
            TableProblem::OpenBandNotLast,
        ),
        (
            "/carriers/0/insurance/bands/1/premium",
            serde_json::json!({"type": "flat", "fen": 50}),
            "carriers[0].insurance.bands[1].premium",
            TableProblem::PremiumDecreases,
        ),
        (
            "/carriers/0/insurance/fragile_permille",
            1001.into(),
            "carriers[0].insurance.fragile_permille",
            TableProblem::RateAbove1000,
        ),
        (
            "/carriers/0/insurance/max_declared_fen",
            0.into(),
            "carriers[0].insurance.max_declared_fen",
            TableProblem::MustBePositive,
        ),
    ];
    for (pointer, value, field, problem) in cases {
        let mut json = table_json();
        *json.pointer_mut(pointer).unwrap() = value;
        let errors = errors_of(json);
        assert!(
            errors.contains(&(field.to_string(), problem.clone())),
            "{pointer}: {errors:?}"
        );
        assert_ne!(problem.message(Lang::Zh), problem.message(Lang::En));
    }
}

#[test]
fn a_zone_without_a_price_is_named() {
    let mut json = table_json();
    json["carriers"][0]["services"][0]["prices"]
        .as_array_mut()
        .unwrap()
        .remove(2);
    assert_eq!(
        errors_of(json),
        vec![(
            "carriers[0].services[0].prices".into(),
            TableProblem::MissingZone(Zone::Remote)
        )]
    );
}

#[test]
fn bands_must_reach_the_maximum_declared_value() {
    let mut json = table_json();
    json["carriers"][0]["insurance"]["bands"][2]["up_to_fen"] = 1000000.into();
    assert_eq!(
        errors_of(json),
        vec![(
            "carriers[0].insurance.bands[2].up_to_fen".into(),
            TableProblem::BandsEndBelowMaximum
        )]
    );
}

proptest! {
    #[test]
    fn price_never_decreases_with_weight(a in 1u32..=30000, b in 1u32..=30000, dest in 0usize..3) {
        let destination = ["shanghai", "zhejiang", "xinjiang"][dest];
        let (light, heavy) = (a.min(b), a.max(b));
        prop_assert!(quote_for(destination, light, None).freight_fen <= quote_for(destination, heavy, None).freight_fen);
    }

    #[test]
    fn premium_never_decreases_with_declared_value(a in 1u32..=2000000, b in 1u32..=2000000, fragile: bool) {
        let rules = table().carriers[0].insurance.clone();
        let (low, high) = (a.min(b), a.max(b));
        prop_assert!(rules.premium(low, fragile).unwrap() <= rules.premium(high, fragile).unwrap());
    }

    #[test]
    fn total_is_the_sum_of_its_parts(
        weight in 1u32..=30000,
        dims in proptest::option::of((1u32..=120, 1u32..=80, 1u32..=80)),
        fresh: bool,
        bulky: bool,
        declared in proptest::option::of(1u32..=2000000),
    ) {
        let quote = table().quote(Carrier::Sf, "standard", "zhejiang", ParcelMeasure {
            weight_g: weight,
            dimensions_cm: dims.map(|(l, w, h)| [l, w, h]),
            fresh,
            bulky,
        });
        // Volumetric weight may exceed what the service takes; the chargeable weight then grows
        // past the maximum, which is still priced (the carrier charges what it carries).
        let quote = quote.unwrap();
        prop_assert_eq!(quote.freight_fen, quote.lines.iter().map(|l| l.fen()).sum::<u32>());
        prop_assert!(quote.chargeable_g >= weight && quote.chargeable_g.is_multiple_of(500));
        let answer = InsuranceAnswer::given(&quote, declared.map(|d| (d, false)), 1).unwrap();
        prop_assert_eq!(answer.total_fen, quote.freight_fen + answer.premium_fen);
        let mut disclosure = TariffDisclosure::shown(&quote, None, 1);
        disclosure.answer = Some(answer);
        prop_assert!(disclosure.answer_adds_up());
    }
}
