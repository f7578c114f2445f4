//! The sender's identity at a pickup (实名收寄: 《反恐怖主义法》 Art. 20, 《快递暂行条例》 Art. 22,
//! 《邮件快件实名收寄管理办法》): the accepted documents, the checks of their numbers (GB 11643-1999
//! resident ID, GB 32100-2015 unified social credit code, published shapes for the rest) and the
//! masking that keeps the birth date out of every view.

use crate::day::Day;
use crate::time::Millis;
use crate::Lang;
use serde::{Deserialize, Serialize};

/// The documents couriers accept at a pickup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// 居民身份证.
    ResidentId,
    /// 临时居民身份证: the same number as the resident ID.
    TemporaryResidentId,
    /// 港澳居民来往内地通行证.
    HkMacaoPermit,
    /// 台湾居民来往大陆通行证.
    TaiwanPermit,
    /// 港澳台居民居住证: a GB 11643 number with address code 81, 82 or 83.
    ResidencePermit,
    /// 外国人永久居留身份证.
    ForeignPermanentResidence,
    /// 护照.
    Passport,
    /// 军官证 / 士兵证 / 武警证.
    MilitaryId,
}

impl DocumentType {
    pub const ALL: [DocumentType; 8] = [
        DocumentType::ResidentId,
        DocumentType::TemporaryResidentId,
        DocumentType::HkMacaoPermit,
        DocumentType::TaiwanPermit,
        DocumentType::ResidencePermit,
        DocumentType::ForeignPermanentResidence,
        DocumentType::Passport,
        DocumentType::MilitaryId,
    ];

    /// Stable code used in storage and forms (the serde name).
    pub fn code(self) -> &'static str {
        match self {
            DocumentType::ResidentId => "resident_id",
            DocumentType::TemporaryResidentId => "temporary_resident_id",
            DocumentType::HkMacaoPermit => "hk_macao_permit",
            DocumentType::TaiwanPermit => "taiwan_permit",
            DocumentType::ResidencePermit => "residence_permit",
            DocumentType::ForeignPermanentResidence => "foreign_permanent_residence",
            DocumentType::Passport => "passport",
            DocumentType::MilitaryId => "military_id",
        }
    }

    pub fn from_code(code: &str) -> Option<DocumentType> {
        DocumentType::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        use DocumentType::*;
        match (self, lang) {
            (ResidentId, Lang::Zh) => "居民身份证",
            (ResidentId, Lang::En) => "Resident identity card",
            (TemporaryResidentId, Lang::Zh) => "临时居民身份证",
            (TemporaryResidentId, Lang::En) => "Temporary resident identity card",
            (HkMacaoPermit, Lang::Zh) => "港澳居民来往内地通行证",
            (HkMacaoPermit, Lang::En) => "Mainland travel permit for Hong Kong and Macao residents",
            (TaiwanPermit, Lang::Zh) => "台湾居民来往大陆通行证",
            (TaiwanPermit, Lang::En) => "Mainland travel permit for Taiwan residents",
            (ResidencePermit, Lang::Zh) => "港澳台居民居住证",
            (ResidencePermit, Lang::En) => {
                "Residence permit for Hong Kong, Macao and Taiwan residents"
            }
            (ForeignPermanentResidence, Lang::Zh) => "外国人永久居留身份证",
            (ForeignPermanentResidence, Lang::En) => "Foreign permanent resident ID card",
            (Passport, Lang::Zh) => "护照",
            (Passport, Lang::En) => "Passport",
            (MilitaryId, Lang::Zh) => "军官证 / 士兵证 / 武警证",
            (MilitaryId, Lang::En) => "Military or armed-police ID",
        }
    }

    /// Checks `number` (already [`normalise`]d) against this document's published shape.
    pub fn check(self, number: &str, today: Day) -> Result<(), IdentityError> {
        if number.is_empty() {
            return Err(IdentityError::NumberMissing);
        }
        match self {
            DocumentType::ResidentId | DocumentType::TemporaryResidentId => {
                check_resident_id(number, today)
            }
            DocumentType::ResidencePermit => {
                check_resident_id(number, today)?;
                match &number[..2] {
                    "81" | "82" | "83" => Ok(()),
                    _ => Err(IdentityError::AddressCode),
                }
            }
            DocumentType::ForeignPermanentResidence => {
                // 2017 card: three letters and twelve digits; 2023 card: a GB 11643 number from 9.
                if number.len() == 18 && number.starts_with('9') {
                    check_resident_id_with(number, today, false)
                } else {
                    shape(number, &[(3, Kind::Letter), (12, Kind::Digit)])
                }
            }
            DocumentType::HkMacaoPermit => {
                let rest = number
                    .strip_prefix(['H', 'M'])
                    .ok_or(IdentityError::Shape)?;
                match rest.len() {
                    8 | 10 => shape(rest, &[(rest.len(), Kind::Digit)]),
                    _ => Err(IdentityError::Shape),
                }
            }
            DocumentType::TaiwanPermit => shape(number, &[(8, Kind::Digit)]),
            DocumentType::Passport => {
                let fits = (5..=17).contains(&number.len())
                    && number
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    && number.bytes().any(|b| b.is_ascii_digit());
                fits.then_some(()).ok_or(IdentityError::Shape)
            }
            DocumentType::MilitaryId => {
                // e.g. 军字第 12345678 号: a short Chinese prefix, six or more digits.
                let digits = number.chars().filter(char::is_ascii_digit).count();
                let allowed = number
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ('\u{4e00}'..='\u{9fff}').contains(&c));
                (allowed && (6..=20).contains(&digits) && number.chars().count() <= 24)
                    .then_some(())
                    .ok_or(IdentityError::Shape)
            }
        }
    }

    /// Whether numbers of this document carry a birth date and are masked as
    /// `110***********002X`.
    fn is_gb11643(self, number: &str) -> bool {
        number.len() == 18
            && matches!(
                self,
                DocumentType::ResidentId
                    | DocumentType::TemporaryResidentId
                    | DocumentType::ResidencePermit
                    | DocumentType::ForeignPermanentResidence
            )
    }
}

/// Upper case, without spaces: how a number is stored and checked (`x` becomes `X`).
pub fn normalise(number: &str) -> String {
    number
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

#[derive(Clone, Copy)]
enum Kind {
    Letter,
    Digit,
}

/// `number` is exactly these runs of ASCII letters or digits.
fn shape(number: &str, runs: &[(usize, Kind)]) -> Result<(), IdentityError> {
    let bytes = number.as_bytes();
    if bytes.len() != runs.iter().map(|(n, _)| n).sum::<usize>() {
        return Err(IdentityError::Shape);
    }
    let mut at = 0;
    for &(n, kind) in runs {
        let ok = bytes[at..at + n].iter().all(|b| match kind {
            Kind::Letter => b.is_ascii_uppercase(),
            Kind::Digit => b.is_ascii_digit(),
        });
        if !ok {
            return Err(IdentityError::Shape);
        }
        at += n;
    }
    Ok(())
}

/// ISO 7064 MOD 11-2 weights of the first 17 digits (GB 11643-1999).
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";
/// First two digits of a mainland address code, plus Taiwan (71) and the residence permits'
/// 81, 82, 83.
const PROVINCES: [&str; 37] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83", "91", "92",
];

/// The check character of the first 17 digits of a GB 11643 number.
pub fn resident_id_check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(char::from(ID_CHECK[(sum % 11) as usize]))
}

/// GB 11643-1999: 6-digit address code, 8-digit birth date (real, from 1900, not after `today`),
/// 3-digit sequence, check character.
pub fn check_resident_id(number: &str, today: Day) -> Result<(), IdentityError> {
    check_resident_id_with(number, today, true)
}

fn check_resident_id_with(number: &str, today: Day, province: bool) -> Result<(), IdentityError> {
    if number.len() != 18 || !number.is_ascii() {
        return Err(IdentityError::Length);
    }
    let (first17, last) = number.split_at(17);
    if !first17.bytes().all(|b| b.is_ascii_digit())
        || !last.bytes().all(|b| b.is_ascii_digit() || b == b'X')
    {
        return Err(IdentityError::Shape);
    }
    if province && !PROVINCES.contains(&&number[..2]) {
        return Err(IdentityError::AddressCode);
    }
    let field = |range: std::ops::Range<usize>| number[range].parse::<u32>().unwrap_or(0);
    let born = Day::from_civil(i64::from(field(6..10)), field(10..12), field(12..14))
        .filter(|_| field(6..10) >= 1900)
        .ok_or(IdentityError::BirthDate)?;
    if born > today {
        return Err(IdentityError::BirthInFuture);
    }
    match resident_id_check_char(first17) {
        Some(c) if last.starts_with(c) => Ok(()),
        _ => Err(IdentityError::CheckCharacter),
    }
}

/// GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z.
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The check character of the first 17 characters of a unified social credit code.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (b, w) in first17.bytes().zip(USCC_WEIGHTS) {
        let value = USCC_ALPHABET.iter().position(|&a| a == b)? as u32;
        sum += value * w;
    }
    Some(char::from(USCC_ALPHABET[((31 - sum % 31) % 31) as usize]))
}

/// GB 32100-2015: 18 characters of its alphabet, an administrative-division code at 3–8, and the
/// check character.
pub fn check_credit_code(code: &str) -> Result<(), IdentityError> {
    if code.is_empty() {
        return Err(IdentityError::CreditCodeMissing);
    }
    let bytes = code.as_bytes();
    if bytes.len() != 18
        || !bytes.iter().all(|b| USCC_ALPHABET.contains(b))
        || !bytes[2..8].iter().all(u8::is_ascii_digit)
    {
        return Err(IdentityError::CreditCodeShape);
    }
    match credit_code_check_char(&code[..17]) {
        Some(c) if bytes[17] == c as u8 => Ok(()),
        _ => Err(IdentityError::CreditCodeCheck),
    }
}

/// An ID number as every view and export shows it: GB 11643 numbers keep the first 3 and last 4
/// characters (`110***********002X`), so the 8 birth-date digits never show; other documents
/// keep their first and last two characters at most, hiding at least half.
pub fn mask_id(document: DocumentType, number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let (head, tail) = if document.is_gb11643(number) {
        (3, 4)
    } else if chars.len() >= 8 {
        (1, 2)
    } else {
        (0, 0)
    };
    let hidden = chars.len().saturating_sub(head + tail).max(1);
    let mut out: String = chars.iter().take(head).collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(&chars[chars.len().saturating_sub(tail)..]);
    out
}

/// What a courier recorded about the sender at a pickup. The number is stored normalised; the
/// server keeps it encrypted and the payload carries only [`mask_id`]'s form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SenderIdentity {
    pub document: DocumentType,
    pub number: String,
    pub name: String,
    /// The courier confirmed the person in front of them is the document's holder (人证相符).
    pub person_matches: bool,
    /// Device clock of the check.
    pub checked_at: Millis,
    /// For a company sender, its unified social credit code; the document is then the handling
    /// person's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
}

/// Each field's problem at once, so a form shows every message beside its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IdentityProblems {
    pub number: Option<IdentityError>,
    pub name: Option<IdentityError>,
    pub credit_code: Option<IdentityError>,
    pub person: Option<IdentityError>,
}

impl IdentityProblems {
    pub fn is_empty(&self) -> bool {
        *self == IdentityProblems::default()
    }

    /// The first problem in the order the rules check them.
    pub fn first(self) -> Option<IdentityError> {
        self.name
            .or(self.number)
            .or(self.credit_code)
            .or(self.person)
    }
}

impl SenderIdentity {
    /// Every field's problem, the birth date checked against the device's `today`.
    pub fn problems(&self, today: Day) -> IdentityProblems {
        IdentityProblems {
            number: self.document.check(&self.number, today).err(),
            name: self
                .name
                .trim()
                .is_empty()
                .then_some(IdentityError::NameMissing),
            credit_code: self
                .credit_code
                .as_deref()
                .and_then(|code| check_credit_code(code).err()),
            person: (!self.person_matches).then_some(IdentityError::PersonNotConfirmed),
        }
    }

    /// The first problem with what was recorded, checked against the device's `today`.
    pub fn check(&self, today: Day) -> Result<(), IdentityError> {
        self.problems(today).first().map_or(Ok(()), Err)
    }

    /// The number as views show it.
    pub fn masked_number(&self) -> String {
        mask_id(self.document, &self.number)
    }

    /// The identity as the server stores and shows it: number and name masked, the rest kept as
    /// evidence of the check.
    pub fn masked(&self) -> SenderIdentity {
        SenderIdentity {
            number: self.masked_number(),
            name: crate::masking::mask_name(&self.name),
            ..self.clone()
        }
    }
}

/// Why an identity cannot be accepted; each has its message beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentityError {
    #[error("the sender's name is required")]
    NameMissing,
    #[error("the document number is required")]
    NumberMissing,
    #[error("a resident ID number has 18 characters")]
    Length,
    #[error("the number does not have this document's shape")]
    Shape,
    #[error("the address code is not a valid region")]
    AddressCode,
    #[error("the birth date in the number is not a real date")]
    BirthDate,
    #[error("the birth date in the number is in the future")]
    BirthInFuture,
    #[error("the check character does not match: a character is wrong")]
    CheckCharacter,
    #[error("the unified social credit code is required")]
    CreditCodeMissing,
    #[error("a unified social credit code has 18 characters of its alphabet")]
    CreditCodeShape,
    #[error("the credit code's check character does not match")]
    CreditCodeCheck,
    #[error("confirm the person matches the document")]
    PersonNotConfirmed,
}

impl IdentityError {
    pub const ALL: [IdentityError; 12] = [
        IdentityError::NameMissing,
        IdentityError::NumberMissing,
        IdentityError::Length,
        IdentityError::Shape,
        IdentityError::AddressCode,
        IdentityError::BirthDate,
        IdentityError::BirthInFuture,
        IdentityError::CheckCharacter,
        IdentityError::CreditCodeMissing,
        IdentityError::CreditCodeShape,
        IdentityError::CreditCodeCheck,
        IdentityError::PersonNotConfirmed,
    ];

    pub fn message(self, lang: Lang) -> &'static str {
        use IdentityError::*;
        match (self, lang) {
            (NameMissing, Lang::Zh) => "请填写寄件人姓名",
            (NameMissing, Lang::En) => "Enter the sender's name",
            (NumberMissing, Lang::Zh) => "请填写证件号码",
            (NumberMissing, Lang::En) => "Enter the document number",
            (Length, Lang::Zh) => "身份证号码应为 18 位",
            (Length, Lang::En) => "A resident ID number has 18 characters",
            (Shape, Lang::Zh) => "证件号码格式不符",
            (Shape, Lang::En) => "The number does not have this document's format",
            (AddressCode, Lang::Zh) => "证件号码的地址码无效",
            (AddressCode, Lang::En) => "The number's address code is not a valid region",
            (BirthDate, Lang::Zh) => "证件号码中的出生日期无效",
            (BirthDate, Lang::En) => "The birth date in the number is not a real date",
            (BirthInFuture, Lang::Zh) => "证件号码中的出生日期晚于今天",
            (BirthInFuture, Lang::En) => "The birth date in the number is after today",
            (CheckCharacter, Lang::Zh) => "校验码不符，请核对号码",
            (CheckCharacter, Lang::En) => "The check character does not match: check the number",
            (CreditCodeMissing, Lang::Zh) => "请填写统一社会信用代码",
            (CreditCodeMissing, Lang::En) => "Enter the unified social credit code",
            (CreditCodeShape, Lang::Zh) => "统一社会信用代码应为 18 位数字或大写字母",
            (CreditCodeShape, Lang::En) => {
                "A unified social credit code has 18 digits or capital letters"
            }
            (CreditCodeCheck, Lang::Zh) => "统一社会信用代码校验码不符",
            (CreditCodeCheck, Lang::En) => "The credit code's check character does not match",
            (PersonNotConfirmed, Lang::Zh) => "请确认人证相符",
            (PersonNotConfirmed, Lang::En) => "Confirm the person matches the document",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> Day {
        Day::from_civil(2026, 12, 7).unwrap()
    }

    #[test]
    fn the_standard_example_passes_in_either_case() {
        assert_eq!(check_resident_id("11010519491231002X", today()), Ok(()));
        let lower = normalise(" 11010519491231002x ");
        assert_eq!(check_resident_id(&lower, today()), Ok(()));
        assert_eq!(
            check_resident_id("110105194912310021", today()),
            Err(IdentityError::CheckCharacter)
        );
    }

    #[test]
    fn bad_dates_and_regions_fail() {
        let with = |date: &str, region: &str| {
            let first17 = format!("{region}{date}002");
            let check = resident_id_check_char(&first17).unwrap();
            check_resident_id(&format!("{first17}{check}"), today())
        };
        assert_eq!(with("19490231", "110105"), Err(IdentityError::BirthDate));
        assert_eq!(with("18991231", "110105"), Err(IdentityError::BirthDate));
        assert_eq!(
            with("20261208", "110105"),
            Err(IdentityError::BirthInFuture)
        );
        assert_eq!(with("20261207", "110105"), Ok(()));
        assert_eq!(with("19800101", "990105"), Err(IdentityError::AddressCode));
    }

    #[test]
    fn other_documents_follow_their_shapes() {
        use DocumentType::*;
        for (doc, good, bad) in [
            (HkMacaoPermit, "H12345678", "X12345678"),
            (TaiwanPermit, "12345678", "1234567"),
            (
                ForeignPermanentResidence,
                "USA123456789012",
                "US1234567890123",
            ),
            (Passport, "E12345678", "E-1234"),
            (MilitaryId, "军字第12345678号", "军字"),
        ] {
            assert_eq!(doc.check(good, today()), Ok(()), "{good}");
            assert!(doc.check(bad, today()).is_err(), "{bad}");
        }
        assert_eq!(
            ResidencePermit.check("11010519491231002X", today()),
            Err(IdentityError::AddressCode)
        );
    }

    #[test]
    fn a_known_credit_code_passes() {
        // 91350100M000100Y43 is the example widely quoted for GB 32100.
        assert_eq!(check_credit_code("91350100M000100Y43"), Ok(()));
        assert_eq!(
            check_credit_code("91350100M000100Y44"),
            Err(IdentityError::CreditCodeCheck)
        );
        assert_eq!(
            check_credit_code("91350100M00010OY43"),
            Err(IdentityError::CreditCodeShape)
        );
    }

    #[test]
    fn masking_hides_the_birth_date() {
        let masked = mask_id(DocumentType::ResidentId, "11010519491231002X");
        assert_eq!(masked, "110***********002X");
        assert!(!masked.contains("19491231"));
        assert_eq!(mask_id(DocumentType::Passport, "E12345678"), "E******78");
        assert_eq!(mask_id(DocumentType::TaiwanPermit, "1234"), "****");
    }

    #[test]
    fn codes_labels_and_messages() {
        for doc in DocumentType::ALL {
            assert_eq!(DocumentType::from_code(doc.code()), Some(doc));
            assert_ne!(doc.label(Lang::Zh), doc.label(Lang::En));
        }
        for error in IdentityError::ALL {
            assert_ne!(error.message(Lang::Zh), error.message(Lang::En));
        }
    }

    fn resident_id() -> impl Strategy<Value = String> {
        (
            prop::sample::select(PROVINCES.to_vec()),
            0u32..10_000,
            0i64..(today().0 - Day::from_civil(1900, 1, 1).unwrap().0),
            0u32..1000,
        )
            .prop_map(|(province, area, days, sequence)| {
                let (y, m, d) = Day(Day::from_civil(1900, 1, 1).unwrap().0 + days).civil();
                let first17 = format!("{province}{area:04}{y:04}{m:02}{d:02}{sequence:03}");
                let check = resident_id_check_char(&first17).unwrap();
                format!("{first17}{check}")
            })
    }

    fn credit_code() -> impl Strategy<Value = String> {
        let any = prop::sample::select(USCC_ALPHABET.to_vec());
        (
            prop::collection::vec(any.clone(), 2),
            0u32..1_000_000,
            prop::collection::vec(any, 9),
        )
            .prop_map(|(head, region, tail)| {
                let first17 = format!(
                    "{}{region:06}{}",
                    String::from_utf8(head).unwrap(),
                    String::from_utf8(tail).unwrap()
                );
                let check = credit_code_check_char(&first17).unwrap();
                format!("{first17}{check}")
            })
    }

    /// Every other character the number could hold at `at`.
    fn substitutions(number: &str, alphabet: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        for at in 0..number.len() {
            for &c in alphabet {
                if number.as_bytes()[at] != c {
                    let mut bytes = number.as_bytes().to_vec();
                    bytes[at] = c;
                    out.push(String::from_utf8(bytes).unwrap());
                }
            }
        }
        out
    }

    fn transpositions(number: &str) -> Vec<String> {
        (0..number.len() - 1)
            .filter(|&at| number.as_bytes()[at] != number.as_bytes()[at + 1])
            .map(|at| {
                let mut bytes = number.as_bytes().to_vec();
                bytes.swap(at, at + 1);
                String::from_utf8(bytes).unwrap()
            })
            .collect()
    }

    proptest! {
        #[test]
        fn generated_resident_ids_pass_and_every_typo_fails(id in resident_id()) {
            prop_assert_eq!(check_resident_id(&id, today()), Ok(()));
            for typo in substitutions(&id, b"0123456789X").into_iter().chain(transpositions(&id)) {
                prop_assert!(check_resident_id(&typo, today()).is_err(), "{} passed", typo);
            }
        }

        #[test]
        fn generated_credit_codes_pass_and_every_typo_fails(code in credit_code()) {
            prop_assert_eq!(check_credit_code(&code), Ok(()));
            for typo in substitutions(&code, USCC_ALPHABET).into_iter().chain(transpositions(&code)) {
                prop_assert!(check_credit_code(&typo).is_err(), "{} passed", typo);
            }
        }

        #[test]
        fn birth_dates_out_of_range_fail(days_after in 1i64..40_000, days_before in 1i64..40_000) {
            let first = Day::from_civil(1900, 1, 1).unwrap();
            for day in [Day(today().0 + days_after), Day(first.0 - days_before)] {
                let (y, m, d) = day.civil();
                let first17 = format!("310104{y:04}{m:02}{d:02}123");
                if first17.len() != 17 { continue; }
                let check = resident_id_check_char(&first17).unwrap();
                let id = format!("{first17}{check}");
                prop_assert!(matches!(
                    check_resident_id(&id, today()),
                    Err(IdentityError::BirthDate | IdentityError::BirthInFuture)
                ));
            }
        }
    }
}
