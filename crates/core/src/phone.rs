//! Mainland China mobile numbers.

use serde::{Deserialize, Serialize};

/// Why a phone number was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PhoneError {
    #[error("the mobile number must have 11 digits")]
    Length,
    #[error("a mainland mobile number starts with 13–19")]
    Prefix,
}

/// Normalises what a courier typed (spaces, dashes, a +86 prefix) and checks it is an 11-digit
/// mainland mobile number starting 13–19.
pub fn parse_mobile(input: &str) -> Result<String, PhoneError> {
    let digits: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .collect();
    let digits = digits
        .strip_prefix("+86")
        .or_else(|| digits.strip_prefix("0086"))
        .unwrap_or(&digits);
    if digits.len() != 11 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PhoneError::Length);
    }
    let bytes = digits.as_bytes();
    if bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
        return Err(PhoneError::Prefix);
    }
    Ok(digits.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_mobile_numbers() {
        assert_eq!(parse_mobile("138 1234 5634").unwrap(), "13812345634");
        assert_eq!(parse_mobile("+86-13812345634").unwrap(), "13812345634");
    }

    #[test]
    fn rejects_wrong_length_and_prefix() {
        assert_eq!(parse_mobile("1381234563"), Err(PhoneError::Length));
        assert_eq!(parse_mobile("1381234563a"), Err(PhoneError::Length));
        assert_eq!(parse_mobile("12812345634"), Err(PhoneError::Prefix));
        assert_eq!(parse_mobile("23812345634"), Err(PhoneError::Prefix));
    }
}
