//! Money is integer fen (分) everywhere; these convert to and from what people type and read.

/// Parses an amount of yuan as typed ("3", "0.5", "12.30", "¥2") into fen, without floating point.
/// At most two decimals; negative amounts are refused.
pub fn parse_yuan(input: &str) -> Option<u32> {
    let s = input.trim().trim_start_matches(['¥', '￥']).trim();
    parse_decimal(s, 2)
}

/// A non-negative decimal with at most `places` decimals, as an integer count of its smallest
/// unit (`"1.5"` with 2 places → 150), without floating point. Shared by money and weight.
pub(crate) fn parse_decimal(s: &str, places: usize) -> Option<u32> {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    if (whole.is_empty() && fraction.is_empty())
        || fraction.len() > places
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: u32 = if places == 0 {
        0
    } else {
        format!("{fraction:0<places$}").parse().ok()?
    };
    whole
        .checked_mul(10u32.checked_pow(u32::try_from(places).ok()?)?)?
        .checked_add(fraction)
}

/// `1234` → `12.34`.
pub fn format_yuan(fen: u32) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_yuan_into_fen() {
        assert_eq!(parse_yuan("3"), Some(300));
        assert_eq!(parse_yuan("0.5"), Some(50));
        assert_eq!(parse_yuan("12.30"), Some(1230));
        assert_eq!(parse_yuan("¥2"), Some(200));
        assert_eq!(parse_yuan(".5"), Some(50));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in ["", ".", "1.234", "-1", "1e3", "abc", "99999999999"] {
            assert_eq!(parse_yuan(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_fen_as_yuan() {
        assert_eq!(format_yuan(1234), "12.34");
        assert_eq!(format_yuan(5), "0.05");
    }
}
