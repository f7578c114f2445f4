//! Waybill numbers (运单号) and the carrier they belong to.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Carriers the app knows by name. Numbers that could belong to several carriers leave the choice
/// to the courier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    Sf,
    Jd,
    Yto,
    Zto,
    Sto,
    Yunda,
    Jt,
    Deppon,
    Ems,
    ChinaPost,
    Other,
}

impl Carrier {
    pub const ALL: [Carrier; 11] = [
        Carrier::Sf,
        Carrier::Jd,
        Carrier::Yto,
        Carrier::Zto,
        Carrier::Sto,
        Carrier::Yunda,
        Carrier::Jt,
        Carrier::Deppon,
        Carrier::Ems,
        Carrier::ChinaPost,
        Carrier::Other,
    ];

    /// Stable code used in storage, URLs and exports.
    pub fn code(self) -> &'static str {
        match self {
            Carrier::Sf => "sf",
            Carrier::Jd => "jd",
            Carrier::Yto => "yto",
            Carrier::Zto => "zto",
            Carrier::Sto => "sto",
            Carrier::Yunda => "yunda",
            Carrier::Jt => "jt",
            Carrier::Deppon => "deppon",
            Carrier::Ems => "ems",
            Carrier::ChinaPost => "china_post",
            Carrier::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Carrier> {
        Carrier::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn name(self, lang: crate::Lang) -> &'static str {
        use crate::Lang::*;
        match (self, lang) {
            (Carrier::Sf, Zh) => "顺丰速运",
            (Carrier::Sf, En) => "SF Express",
            (Carrier::Jd, Zh) => "京东物流",
            (Carrier::Jd, En) => "JD Logistics",
            (Carrier::Yto, Zh) => "圆通速递",
            (Carrier::Yto, En) => "YTO Express",
            (Carrier::Zto, Zh) => "中通快递",
            (Carrier::Zto, En) => "ZTO Express",
            (Carrier::Sto, Zh) => "申通快递",
            (Carrier::Sto, En) => "STO Express",
            (Carrier::Yunda, Zh) => "韵达速递",
            (Carrier::Yunda, En) => "Yunda Express",
            (Carrier::Jt, Zh) => "极兔速递",
            (Carrier::Jt, En) => "J&T Express",
            (Carrier::Deppon, Zh) => "德邦快递",
            (Carrier::Deppon, En) => "Deppon Express",
            (Carrier::Ems, Zh) => "EMS",
            (Carrier::Ems, En) => "EMS",
            (Carrier::ChinaPost, Zh) => "中国邮政",
            (Carrier::ChinaPost, En) => "China Post",
            (Carrier::Other, Zh) => "其他",
            (Carrier::Other, En) => "Other",
        }
    }
}

/// Why a waybill number was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WaybillError {
    #[error("the waybill number is empty")]
    Empty,
    #[error("a waybill number has 8 to 20 letters and digits")]
    Length,
    #[error("a waybill number may contain only letters A–Z and digits")]
    Characters,
    #[error("a waybill number has at least 8 digits")]
    TooFewDigits,
}

impl WaybillError {
    /// Every reason, so a message from deserialising a [`Waybill`] can be told apart.
    pub const ALL: [WaybillError; 4] = [
        WaybillError::Empty,
        WaybillError::Length,
        WaybillError::Characters,
        WaybillError::TooFewDigits,
    ];

    pub fn message(self, lang: crate::Lang) -> &'static str {
        use crate::Lang::*;
        match (self, lang) {
            (WaybillError::Empty, Zh) => "请输入运单号",
            (WaybillError::Empty, En) => "Enter the waybill number",
            (WaybillError::Length, Zh) => "运单号应为 8–20 位字母或数字",
            (WaybillError::Length, En) => "A waybill number has 8 to 20 letters and digits",
            (WaybillError::Characters, Zh) => "运单号只能包含字母 A–Z 和数字",
            (WaybillError::Characters, En) => "Only letters A–Z and digits are allowed",
            (WaybillError::TooFewDigits, Zh) => "运单号至少包含 8 位数字",
            (WaybillError::TooFewDigits, En) => "A waybill number has at least 8 digits",
        }
    }
}

/// A validated, normalised (upper-case, no spaces) waybill number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "SF1234567890123"))]
pub struct Waybill(String);

impl Waybill {
    /// Accepts what a courier typed or a scanner read: spaces and dashes are dropped, letters
    /// upper-cased.
    pub fn parse(input: &str) -> Result<Waybill, WaybillError> {
        let normalised: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if normalised.is_empty() {
            return Err(WaybillError::Empty);
        }
        if !normalised
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return Err(WaybillError::Characters);
        }
        if !(8..=20).contains(&normalised.len()) {
            return Err(WaybillError::Length);
        }
        if normalised.bytes().filter(u8::is_ascii_digit).count() < 8 {
            return Err(WaybillError::TooFewDigits);
        }
        Ok(Waybill(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The carrier, when the number's format names exactly one; `None` when the courier must
    /// choose (most all-digit numbers are shared by several carriers' ranges).
    pub fn detect_carrier(&self) -> Option<Carrier> {
        let s = self.0.as_str();
        let digits_after = |prefix: &str, lens: &[usize]| {
            s.strip_prefix(prefix).is_some_and(|rest| {
                lens.contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_digit())
            })
        };
        if digits_after("SF", &[12, 13]) {
            Some(Carrier::Sf)
        } else if s.starts_with("JD") && (13..=15).contains(&(s.len() - 2)) {
            Some(Carrier::Jd)
        } else if digits_after("YT", &[13]) {
            Some(Carrier::Yto)
        } else if digits_after("JT", &[13]) {
            Some(Carrier::Jt)
        } else if digits_after("DPK", &[12]) {
            Some(Carrier::Deppon)
        } else if is_upu_s10(s) {
            // International S10 numbers ending in CN are issued by China Post; E-series is EMS.
            Some(if s.starts_with('E') {
                Carrier::Ems
            } else {
                Carrier::ChinaPost
            })
        } else {
            None
        }
    }
}

/// `AA123456789CN`: two letters, nine digits, `CN`.
fn is_upu_s10(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 13
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..11].iter().all(u8::is_ascii_digit)
        && &b[11..] == b"CN"
}

impl fmt::Display for Waybill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Waybill {
    type Error = WaybillError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Waybill::parse(&value)
    }
}

impl From<Waybill> for String {
    fn from(value: Waybill) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_typed_input() {
        assert_eq!(
            Waybill::parse(" sf 1234-5678-90123 ").unwrap().as_str(),
            "SF1234567890123"
        );
    }

    #[test]
    fn rejects_bad_numbers_with_the_reason() {
        assert_eq!(Waybill::parse(""), Err(WaybillError::Empty));
        assert_eq!(Waybill::parse("1234567"), Err(WaybillError::Length));
        assert_eq!(
            Waybill::parse("123456789012345678901"),
            Err(WaybillError::Length)
        );
        assert_eq!(Waybill::parse("SF12345678#"), Err(WaybillError::Characters));
        assert_eq!(
            Waybill::parse("运单1234567890"),
            Err(WaybillError::Characters)
        );
        assert_eq!(
            Waybill::parse("ABCDEFG1234"),
            Err(WaybillError::TooFewDigits)
        );
    }

    #[test]
    fn detects_carriers_with_unambiguous_formats() {
        let carrier = |s: &str| Waybill::parse(s).unwrap().detect_carrier();
        assert_eq!(carrier("SF1234567890123"), Some(Carrier::Sf));
        assert_eq!(carrier("JDVA12345678901"), Some(Carrier::Jd));
        assert_eq!(carrier("YT1234567890123"), Some(Carrier::Yto));
        assert_eq!(carrier("JT1234567890123"), Some(Carrier::Jt));
        assert_eq!(carrier("DPK123456789012"), Some(Carrier::Deppon));
        assert_eq!(carrier("EA123456789CN"), Some(Carrier::Ems));
        assert_eq!(carrier("RR123456789CN"), Some(Carrier::ChinaPost));
    }

    #[test]
    fn leaves_ambiguous_numbers_to_the_courier() {
        let carrier = |s: &str| Waybill::parse(s).unwrap().detect_carrier();
        assert_eq!(carrier("773123456789012"), None);
        assert_eq!(carrier("SF1234567890"), None);
    }

    #[test]
    fn carrier_codes_round_trip() {
        for c in Carrier::ALL {
            assert_eq!(Carrier::from_code(c.code()), Some(c));
        }
    }

    #[test]
    fn deserialising_validates() {
        let ok: Waybill = serde_json::from_str("\"sf1234567890123\"").unwrap();
        assert_eq!(ok.as_str(), "SF1234567890123");
        assert!(serde_json::from_str::<Waybill>("\"x\"").is_err());
    }
}
