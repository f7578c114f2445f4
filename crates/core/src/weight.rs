//! Weights are integer grams everywhere, like money is integer fen: no rounding surprises at a
//! step border. These convert to and from what people type and read.

/// Parses kilograms as typed ("2", "0.5", "1.25", "3kg") into grams, without floating point.
/// At most three decimals; zero and negative weights are refused.
pub fn parse_kg(input: &str) -> Option<u32> {
    let s = input.trim();
    let s = s
        .strip_suffix("kg")
        .or_else(|| s.strip_suffix("KG"))
        .or_else(|| s.strip_suffix("公斤"))
        .unwrap_or(s)
        .trim();
    let grams = crate::money::parse_decimal(s, 3)?;
    (grams > 0).then_some(grams)
}

/// `1250` → `1.25`; whole kilograms without decimals.
pub fn format_kg(grams: u32) -> String {
    let (kg, rest) = (grams / 1000, grams % 1000);
    if rest == 0 {
        kg.to_string()
    } else {
        format!("{kg}.{rest:03}").trim_end_matches('0').to_string()
    }
}

/// Parses a whole number of centimetres (a parcel side), refusing zero.
pub fn parse_cm(input: &str) -> Option<u32> {
    let s = input.trim().trim_end_matches("cm").trim();
    s.parse::<u32>().ok().filter(|&cm| cm > 0 && cm <= 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kilograms_into_grams() {
        assert_eq!(parse_kg("2"), Some(2000));
        assert_eq!(parse_kg("0.5"), Some(500));
        assert_eq!(parse_kg("1.25"), Some(1250));
        assert_eq!(parse_kg(" 3kg "), Some(3000));
        assert_eq!(parse_kg("1.001"), Some(1001));
        assert_eq!(parse_kg(".5"), Some(500));
    }

    #[test]
    fn refuses_what_is_not_a_weight() {
        for bad in [
            "", ".", "0", "0.000", "-1", "1.0001", "1e3", "abc", "9999999",
        ] {
            assert_eq!(parse_kg(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_grams_as_kilograms() {
        assert_eq!(format_kg(1250), "1.25");
        assert_eq!(format_kg(2000), "2");
        assert_eq!(format_kg(500), "0.5");
        assert_eq!(format_kg(1001), "1.001");
    }

    #[test]
    fn parses_centimetres() {
        assert_eq!(parse_cm("40"), Some(40));
        assert_eq!(parse_cm("40cm"), Some(40));
        assert_eq!(parse_cm("0"), None);
        assert_eq!(parse_cm("4.5"), None);
        assert_eq!(parse_cm("5000"), None);
    }
}
