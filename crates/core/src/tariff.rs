//! Tariff tables and the insurance (保价) rules, as versioned data, and the quote a courier reads
//! aloud at a pickup or a cash-on-delivery handover (Shanghai action plan task 2; 《快递市场管理办法》
//! Art. 22 and 26). Money is integer fen and weight integer grams: no floating point anywhere.

mod script;
#[cfg(test)]
mod tests;
mod validate;

pub use script::script;
pub use validate::{TableError, TableProblem};

use crate::tagged::deserialize_tagged;
use crate::time::Millis;
use crate::{Carrier, Lang};
use serde::{Deserialize, Serialize};

/// The sample table shipped with the app and the server, labelled as sample figures in the UI.
pub const SAMPLE_JSON: &str = include_str!("../data/sample_tariffs.json");

/// The built-in sample table.
pub fn sample() -> TariffTable {
    serde_json::from_str(SAMPLE_JSON).expect("the sample tariff table is valid JSON")
}

/// A complete, versioned set of prices and insurance rules. Every record that used it names its
/// `version`; uploads never replace an older version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TariffTable {
    /// Unique per station, e.g. `2026-11-sample`: letters, digits, `.`, `_`, `-`.
    pub version: String,
    /// Sample figures rather than a carrier's published prices; the UI says so.
    #[serde(default)]
    pub sample: bool,
    /// The date the prices take effect, `YYYY-MM-DD`.
    pub effective_from: String,
    /// Where a parcel can go, each in one zone.
    pub destinations: Vec<Destination>,
    pub carriers: Vec<CarrierTariff>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Destination {
    /// Stable code, e.g. `zhejiang`.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub zone: Zone,
}

impl Destination {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.name_zh,
            Lang::En => &self.name_en,
        }
    }
}

/// Distance classes carriers price by, seen from the station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Zone {
    SameCity,
    SameProvince,
    /// 长三角: Shanghai, Jiangsu, Zhejiang, Anhui.
    YangtzeDelta,
    /// The rest of the mainland.
    Mainland,
    /// Remote regions (e.g. Xinjiang, Tibet) with their own prices.
    Remote,
}

impl Zone {
    pub fn code(self) -> &'static str {
        match self {
            Zone::SameCity => "same_city",
            Zone::SameProvince => "same_province",
            Zone::YangtzeDelta => "yangtze_delta",
            Zone::Mainland => "mainland",
            Zone::Remote => "remote",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Zone::SameCity, Lang::Zh) => "同城",
            (Zone::SameCity, Lang::En) => "same city",
            (Zone::SameProvince, Lang::Zh) => "省内",
            (Zone::SameProvince, Lang::En) => "same province",
            (Zone::YangtzeDelta, Lang::Zh) => "长三角",
            (Zone::YangtzeDelta, Lang::En) => "Yangtze River Delta",
            (Zone::Mainland, Lang::Zh) => "全国",
            (Zone::Mainland, Lang::En) => "rest of the mainland",
            (Zone::Remote, Lang::Zh) => "偏远地区",
            (Zone::Remote, Lang::En) => "remote region",
        }
    }
}

/// One carrier's services and insurance rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CarrierTariff {
    pub carrier: Carrier,
    pub services: Vec<Service>,
    pub insurance: InsuranceRules,
}

/// A service level (e.g. standard, express) with its weight rules and prices per zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Weight covered by the first-weight (首重) price, grams; a multiple of `step_g`.
    pub first_weight_g: u32,
    /// Weight step (续重): the chargeable weight is always rounded up to a whole step.
    pub step_g: u32,
    /// Volumetric weight in kg is L×W×H in cm³ divided by this (e.g. 12000 or 6000).
    pub volumetric_divisor: u32,
    /// The heaviest parcel the service takes, grams.
    pub max_weight_g: u32,
    pub prices: Vec<ZonePrice>,
    #[serde(default)]
    pub fresh_surcharge_fen: u32,
    #[serde(default)]
    pub bulky_surcharge_fen: u32,
}

impl Service {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.name_zh,
            Lang::En => &self.name_en,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ZonePrice {
    pub zone: Zone,
    /// Price of the first weight.
    pub first_fen: u32,
    /// Price of each further step.
    pub step_fen: u32,
}

/// A carrier's published insurance rules (Art. 26: the courier must tell them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InsuranceRules {
    /// Contiguous premium bands by declared value, from 0 upwards.
    pub bands: Vec<PremiumBand>,
    /// Rate for fragile goods, per mille of the declared value, when it exceeds the band premium.
    #[serde(default)]
    pub fragile_permille: Option<u32>,
    /// The highest declared value the carrier insures.
    pub max_declared_fen: u32,
    /// Without insurance, a lost or damaged parcel is compensated up to this many times the
    /// freight (as the carrier publishes it).
    pub uninsured_freight_multiple: u32,
}

/// Declared values above `above_fen` up to and including `up_to_fen` (open-ended when absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PremiumBand {
    pub above_fen: u32,
    pub up_to_fen: Option<u32>,
    pub premium: Premium,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Premium {
    /// A fixed premium for the band.
    Flat { fen: u32 },
    /// A rate of the declared value, rounded up to the fen.
    PerMille { permille: u32 },
}

deserialize_tagged! {
    Premium via PremiumWire, tag = "type", deny_unknown_fields;
    fields { fen: u32, permille: u32 }
    variants {
        Flat = "flat" { fen },
        PerMille = "per_mille" { permille },
    }
}

impl Premium {
    fn for_value(self, declared_fen: u32) -> u32 {
        match self {
            Premium::Flat { fen } => fen,
            Premium::PerMille { permille } => per_mille(declared_fen, permille),
        }
    }
}

/// `value × rate ‰`, rounded up to the fen.
fn per_mille(value_fen: u32, permille: u32) -> u32 {
    let exact = u64::from(value_fen) * u64::from(permille);
    u32::try_from(exact.div_ceil(1000)).unwrap_or(u32::MAX)
}

impl InsuranceRules {
    /// The premium for insuring `declared_fen`. Declared values of zero or above the carrier's
    /// maximum cannot be insured.
    pub fn premium(&self, declared_fen: u32, fragile: bool) -> Result<u32, QuoteError> {
        if declared_fen == 0 {
            return Err(QuoteError::DeclaredValueMissing);
        }
        if declared_fen > self.max_declared_fen {
            return Err(QuoteError::DeclaredValueTooHigh {
                max_fen: self.max_declared_fen,
            });
        }
        let band = self
            .bands
            .iter()
            .find(|b| declared_fen > b.above_fen && b.up_to_fen.is_none_or(|up| declared_fen <= up))
            .ok_or(QuoteError::NoPremiumBand)?;
        let regular = band.premium.for_value(declared_fen);
        let fragile_rate = self
            .fragile_permille
            .filter(|_| fragile)
            .map_or(0, |rate| per_mille(declared_fen, rate));
        Ok(regular.max(fragile_rate))
    }

    /// The most a parcel without insurance is compensated for its freight.
    pub fn uninsured_cap_fen(&self, freight_fen: u32) -> u32 {
        freight_fen.saturating_mul(self.uninsured_freight_multiple)
    }
}

/// What the quote needs to know about the parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParcelMeasure {
    pub weight_g: u32,
    /// Length, width and height in whole centimetres, when measured.
    pub dimensions_cm: Option<[u32; 3]>,
    pub fresh: bool,
    pub bulky: bool,
}

/// One line of the price breakdown read to the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuoteLine {
    FirstWeight {
        grams: u32,
        fen: u32,
    },
    AdditionalWeight {
        steps: u32,
        step_g: u32,
        unit_fen: u32,
        fen: u32,
    },
    FreshSurcharge {
        fen: u32,
    },
    BulkySurcharge {
        fen: u32,
    },
}

impl QuoteLine {
    pub fn fen(self) -> u32 {
        match self {
            QuoteLine::FirstWeight { fen, .. }
            | QuoteLine::AdditionalWeight { fen, .. }
            | QuoteLine::FreshSurcharge { fen }
            | QuoteLine::BulkySurcharge { fen } => fen,
        }
    }
}

/// The freight of one parcel under one table, with how it was computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub table_version: String,
    pub sample: bool,
    pub carrier: Carrier,
    pub service: Service,
    pub destination: Destination,
    pub actual_g: u32,
    /// Present when dimensions were measured.
    pub volumetric_g: Option<u32>,
    /// The larger of actual and volumetric weight, rounded up to the step, at least the first
    /// weight.
    pub chargeable_g: u32,
    pub lines: Vec<QuoteLine>,
    pub freight_fen: u32,
    pub insurance: InsuranceRules,
}

impl Quote {
    /// The premium for a declared value under this quote's carrier rules.
    pub fn premium(&self, declared_fen: u32, fragile: bool) -> Result<u32, QuoteError> {
        self.insurance.premium(declared_fen, fragile)
    }
}

/// Why no quote could be made; each has a message for the field it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("the table has no prices for this carrier")]
    UnknownCarrier,
    #[error("choose a service")]
    UnknownService,
    #[error("choose a destination")]
    UnknownDestination,
    #[error("the table has no price for this zone")]
    NoZonePrice,
    #[error("enter the weight")]
    WeightMissing,
    #[error("heavier than the service takes")]
    TooHeavy { max_g: u32 },
    #[error("enter the declared value")]
    DeclaredValueMissing,
    #[error("the declared value is above the carrier's maximum")]
    DeclaredValueTooHigh { max_fen: u32 },
    #[error("no premium band covers this declared value")]
    NoPremiumBand,
    #[error("freight plus premium is more than a record can hold")]
    TotalTooLarge,
}

impl QuoteError {
    pub fn message(self, lang: Lang) -> String {
        use crate::money::format_yuan;
        use crate::weight::format_kg;
        match (self, lang) {
            (QuoteError::UnknownCarrier, Lang::Zh) => "资费表中没有该快递公司的价格".into(),
            (QuoteError::UnknownCarrier, Lang::En) => {
                "The tariff table has no prices for this carrier".into()
            }
            (QuoteError::UnknownService, Lang::Zh) => "请选择服务类型".into(),
            (QuoteError::UnknownService, Lang::En) => "Choose a service".into(),
            (QuoteError::UnknownDestination, Lang::Zh) => "请选择目的地".into(),
            (QuoteError::UnknownDestination, Lang::En) => "Choose a destination".into(),
            (QuoteError::NoZonePrice, Lang::Zh) => "资费表中没有该区域的价格".into(),
            (QuoteError::NoZonePrice, Lang::En) => {
                "The tariff table has no price for this zone".into()
            }
            (QuoteError::WeightMissing, Lang::Zh) => "请填写重量（公斤），如 1.5".into(),
            (QuoteError::WeightMissing, Lang::En) => "Enter the weight in kg, e.g. 1.5".into(),
            (QuoteError::TooHeavy { max_g }, Lang::Zh) => {
                format!("超过该服务的最大重量 {} 公斤", format_kg(max_g))
            }
            (QuoteError::TooHeavy { max_g }, Lang::En) => {
                format!("Heavier than the service's {} kg maximum", format_kg(max_g))
            }
            (QuoteError::DeclaredValueMissing, Lang::Zh) => "请填写声明价值（元）".into(),
            (QuoteError::DeclaredValueMissing, Lang::En) => {
                "Enter the declared value in yuan".into()
            }
            (QuoteError::DeclaredValueTooHigh { max_fen }, Lang::Zh) => {
                format!("声明价值超过最高保价金额 ¥{}", format_yuan(max_fen))
            }
            (QuoteError::DeclaredValueTooHigh { max_fen }, Lang::En) => format!(
                "The declared value is above the maximum of ¥{}",
                format_yuan(max_fen)
            ),
            (QuoteError::NoPremiumBand, Lang::Zh) => {
                "资费表中没有适用于该声明价值的保价费率".into()
            }
            (QuoteError::NoPremiumBand, Lang::En) => {
                "No premium band of the table covers this declared value".into()
            }
            (QuoteError::TotalTooLarge, Lang::Zh) => "运费加保价费超出可记录的金额".into(),
            (QuoteError::TotalTooLarge, Lang::En) => {
                "Freight plus premium is more than a record can hold".into()
            }
        }
    }
}

impl TariffTable {
    pub fn carrier(&self, carrier: Carrier) -> Option<&CarrierTariff> {
        self.carriers.iter().find(|c| c.carrier == carrier)
    }

    pub fn destination(&self, code: &str) -> Option<&Destination> {
        self.destinations.iter().find(|d| d.code == code)
    }

    /// The freight for a parcel: the larger of actual and volumetric weight, rounded up to the
    /// service's step, first weight plus further steps, plus surcharges.
    pub fn quote(
        &self,
        carrier: Carrier,
        service: &str,
        destination: &str,
        parcel: ParcelMeasure,
    ) -> Result<Quote, QuoteError> {
        let rates = self.carrier(carrier).ok_or(QuoteError::UnknownCarrier)?;
        let service = rates
            .services
            .iter()
            .find(|s| s.code == service)
            .ok_or(QuoteError::UnknownService)?;
        let destination = self
            .destination(destination)
            .ok_or(QuoteError::UnknownDestination)?;
        let price = service
            .prices
            .iter()
            .find(|p| p.zone == destination.zone)
            .ok_or(QuoteError::NoZonePrice)?;
        if parcel.weight_g == 0 {
            return Err(QuoteError::WeightMissing);
        }
        let too_heavy = QuoteError::TooHeavy {
            max_g: service.max_weight_g,
        };
        if parcel.weight_g > service.max_weight_g {
            return Err(too_heavy);
        }
        let volumetric_g = parcel
            .dimensions_cm
            .map(|dims| volumetric_grams(dims, service.volumetric_divisor));
        let heavier = u64::from(parcel.weight_g).max(volumetric_g.unwrap_or(0));
        let step = u64::from(service.step_g.max(1));
        let chargeable = heavier
            .div_ceil(step)
            .saturating_mul(step)
            .max(u64::from(service.first_weight_g));
        let chargeable_g = u32::try_from(chargeable).map_err(|_| too_heavy)?;
        let steps = (chargeable_g - service.first_weight_g).div_ceil(service.step_g.max(1));
        let mut lines = vec![QuoteLine::FirstWeight {
            grams: service.first_weight_g,
            fen: price.first_fen,
        }];
        if steps > 0 {
            lines.push(QuoteLine::AdditionalWeight {
                steps,
                step_g: service.step_g,
                unit_fen: price.step_fen,
                fen: steps.saturating_mul(price.step_fen),
            });
        }
        if parcel.fresh && service.fresh_surcharge_fen > 0 {
            lines.push(QuoteLine::FreshSurcharge {
                fen: service.fresh_surcharge_fen,
            });
        }
        if parcel.bulky && service.bulky_surcharge_fen > 0 {
            lines.push(QuoteLine::BulkySurcharge {
                fen: service.bulky_surcharge_fen,
            });
        }
        let freight_fen = lines
            .iter()
            .fold(0u32, |sum, line| sum.saturating_add(line.fen()));
        Ok(Quote {
            table_version: self.version.clone(),
            sample: self.sample,
            carrier,
            service: service.clone(),
            destination: destination.clone(),
            actual_g: parcel.weight_g,
            volumetric_g: volumetric_g.map(|g| u32::try_from(g).unwrap_or(u32::MAX)),
            chargeable_g,
            lines,
            freight_fen,
            insurance: rates.insurance.clone(),
        })
    }
}

/// L×W×H cm³ ÷ divisor kg, in grams rounded up. Saturates rather than overflowing: absurd sizes
/// come out too heavy to quote.
fn volumetric_grams([l, w, h]: [u32; 3], divisor: u32) -> u64 {
    let cubic_cm = u64::from(l)
        .saturating_mul(u64::from(w))
        .saturating_mul(u64::from(h));
    cubic_cm
        .saturating_mul(1000)
        .div_ceil(u64::from(divisor.max(1)))
}

/// What the courier disclosed and what the customer answered, kept on the record as evidence
/// (Art. 26). A pickup or COD handover needs it, answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TariffDisclosure {
    /// The version of the table the quote came from.
    pub table_version: String,
    pub service: String,
    pub destination: String,
    pub weight_g: u32,
    pub dimensions_cm: Option<[u32; 3]>,
    pub chargeable_g: u32,
    pub freight_fen: u32,
    /// Device clock when the script was shown to be read aloud.
    pub script_shown_at: Millis,
    /// Absent until the customer answered the insurance question.
    pub answer: Option<InsuranceAnswer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InsuranceAnswer {
    pub insured: bool,
    /// Zero when not insured.
    pub declared_fen: u32,
    /// Zero when not insured.
    pub premium_fen: u32,
    /// Freight plus premium.
    pub total_fen: u32,
    /// Device clock.
    pub answered_at: Millis,
}

impl TariffDisclosure {
    /// The disclosure of a quote at the moment its script is shown; unanswered.
    pub fn shown(quote: &Quote, dimensions_cm: Option<[u32; 3]>, at: Millis) -> TariffDisclosure {
        TariffDisclosure {
            table_version: quote.table_version.clone(),
            service: quote.service.code.clone(),
            destination: quote.destination.code.clone(),
            weight_g: quote.actual_g,
            dimensions_cm,
            chargeable_g: quote.chargeable_g,
            freight_fen: quote.freight_fen,
            script_shown_at: at,
            answer: None,
        }
    }

    /// Whether the recorded answer adds up: nothing charged for no insurance, and the total is
    /// freight plus premium.
    pub fn answer_adds_up(&self) -> bool {
        self.answer.as_ref().is_none_or(|a| {
            let premium_ok = a.insured || (a.premium_fen == 0 && a.declared_fen == 0);
            premium_ok
                && u64::from(a.total_fen) == u64::from(self.freight_fen) + u64::from(a.premium_fen)
                && a.answered_at >= self.script_shown_at
        })
    }
}

impl InsuranceAnswer {
    /// The customer's answer under a quote: the premium for the declared value when insured.
    pub fn given(
        quote: &Quote,
        insured: Option<(u32, bool)>,
        at: Millis,
    ) -> Result<InsuranceAnswer, QuoteError> {
        let (declared_fen, premium_fen) = match insured {
            Some((declared, fragile)) => (declared, quote.premium(declared, fragile)?),
            None => (0, 0),
        };
        Ok(InsuranceAnswer {
            insured: insured.is_some(),
            declared_fen,
            premium_fen,
            // A saturated total would not add up on the server, which refuses the record.
            total_fen: quote
                .freight_fen
                .checked_add(premium_fen)
                .ok_or(QuoteError::TotalTooLarge)?,
            answered_at: at,
        })
    }
}
