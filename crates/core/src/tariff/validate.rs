//! Checks an uploaded table before anyone prices a parcel with it. Every error names the field
//! by its JSON path, e.g. `carriers[0].insurance.bands[1].above_fen`.

use super::{InsuranceRules, Premium, Service, TariffTable, Zone};
use crate::Lang;

/// One problem in a table, at one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    pub field: String,
    pub problem: TableProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableProblem {
    Empty,
    BadVersion,
    BadDate,
    Duplicate(String),
    MustBePositive,
    NotAMultipleOfStep,
    BelowFirstWeight,
    MissingZone(Zone),
    /// The first band must start at zero.
    BandsStartAbove0,
    /// A gap or overlap between this band and the one before it.
    BandsNotContiguous {
        previous_up_to: u32,
    },
    BandEndsBeforeItStarts,
    /// Only the last band may be open-ended.
    OpenBandNotLast,
    /// The bands stop below the highest declared value.
    BandsEndBelowMaximum,
    /// The premium would drop when the declared value rises into this band.
    PremiumDecreases,
    RateAbove1000,
}

impl TableProblem {
    pub fn message(&self, lang: Lang) -> String {
        use TableProblem::*;
        match (self, lang) {
            (Empty, Lang::Zh) => "不能为空".into(),
            (Empty, Lang::En) => "must not be empty".into(),
            (BadVersion, Lang::Zh) => {
                "版本号只能含字母、数字、点、下划线和连字符，最多 64 个字符".into()
            }
            (BadVersion, Lang::En) => {
                "use letters, digits, '.', '_' and '-' only, at most 64 characters".into()
            }
            (BadDate, Lang::Zh) => "日期格式应为 YYYY-MM-DD".into(),
            (BadDate, Lang::En) => "write the date as YYYY-MM-DD".into(),
            (Duplicate(code), Lang::Zh) => format!("重复：{code}"),
            (Duplicate(code), Lang::En) => format!("duplicate: {code}"),
            (MustBePositive, Lang::Zh) => "必须大于 0".into(),
            (MustBePositive, Lang::En) => "must be greater than 0".into(),
            (NotAMultipleOfStep, Lang::Zh) => "首重必须是续重步长的整数倍".into(),
            (NotAMultipleOfStep, Lang::En) => "must be a whole number of weight steps".into(),
            (BelowFirstWeight, Lang::Zh) => "不能小于首重".into(),
            (BelowFirstWeight, Lang::En) => "must not be below the first weight".into(),
            (MissingZone(zone), Lang::Zh) => format!("缺少区域 {} 的价格", zone.code()),
            (MissingZone(zone), Lang::En) => format!("no price for zone {}", zone.code()),
            (BandsStartAbove0, Lang::Zh) => "第一个保价区间必须从 0 开始".into(),
            (BandsStartAbove0, Lang::En) => "the first band must start at 0".into(),
            (BandsNotContiguous { previous_up_to }, Lang::Zh) => {
                format!("保价区间不连续：应从上一区间的上限 {previous_up_to} 开始")
            }
            (BandsNotContiguous { previous_up_to }, Lang::En) => format!(
                "bands must be contiguous: start where the previous band ends ({previous_up_to})"
            ),
            (BandEndsBeforeItStarts, Lang::Zh) => "区间上限必须大于下限".into(),
            (BandEndsBeforeItStarts, Lang::En) => "must be above the band's start".into(),
            (OpenBandNotLast, Lang::Zh) => "只有最后一个区间可以没有上限".into(),
            (OpenBandNotLast, Lang::En) => "only the last band may be open-ended".into(),
            (BandsEndBelowMaximum, Lang::Zh) => "保价区间未覆盖到最高声明价值".into(),
            (BandsEndBelowMaximum, Lang::En) => {
                "the bands stop below the maximum declared value".into()
            }
            (PremiumDecreases, Lang::Zh) => "保价费不能随声明价值升高而降低".into(),
            (PremiumDecreases, Lang::En) => {
                "the premium must not drop as the declared value rises".into()
            }
            (RateAbove1000, Lang::Zh) => "费率（‰）不能超过 1000".into(),
            (RateAbove1000, Lang::En) => "a rate per mille cannot exceed 1000".into(),
        }
    }
}

impl TableError {
    fn at(field: impl Into<String>, problem: TableProblem) -> TableError {
        TableError {
            field: field.into(),
            problem,
        }
    }
}

impl TariffTable {
    /// Every problem of the table, or `Ok` when it can price parcels.
    pub fn validate(&self) -> Result<(), Vec<TableError>> {
        let mut errors = Vec::new();
        let version_ok = !self.version.is_empty()
            && self.version.len() <= 64
            && self
                .version
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !version_ok {
            errors.push(TableError::at("version", TableProblem::BadVersion));
        }
        if !is_iso_date(&self.effective_from) {
            errors.push(TableError::at("effective_from", TableProblem::BadDate));
        }
        if self.destinations.is_empty() {
            errors.push(TableError::at("destinations", TableProblem::Empty));
        }
        // Small lists: a scan finds a repeat, and the wasm app carries no B-tree code.
        let mut codes = Vec::new();
        for (i, d) in self.destinations.iter().enumerate() {
            let at = |field: &str| format!("destinations[{i}].{field}");
            if d.code.trim().is_empty() {
                errors.push(TableError::at(at("code"), TableProblem::Empty));
            } else if !insert_new(&mut codes, d.code.as_str()) {
                errors.push(TableError::at(
                    at("code"),
                    TableProblem::Duplicate(d.code.clone()),
                ));
            }
            for (field, name) in [("name_zh", &d.name_zh), ("name_en", &d.name_en)] {
                if name.trim().is_empty() {
                    errors.push(TableError::at(at(field), TableProblem::Empty));
                }
            }
        }
        // In zone order, as missing zones are reported.
        let mut zones: Vec<Zone> = Vec::new();
        for d in &self.destinations {
            if let Err(at) = zones.binary_search(&d.zone) {
                zones.insert(at, d.zone);
            }
        }
        if self.carriers.is_empty() {
            errors.push(TableError::at("carriers", TableProblem::Empty));
        }
        let mut carriers = Vec::new();
        for (c, carrier) in self.carriers.iter().enumerate() {
            if !insert_new(&mut carriers, carrier.carrier.code()) {
                errors.push(TableError::at(
                    format!("carriers[{c}].carrier"),
                    TableProblem::Duplicate(carrier.carrier.code().into()),
                ));
            }
            if carrier.services.is_empty() {
                errors.push(TableError::at(
                    format!("carriers[{c}].services"),
                    TableProblem::Empty,
                ));
            }
            let mut services = Vec::new();
            for (s, service) in carrier.services.iter().enumerate() {
                let at = format!("carriers[{c}].services[{s}]");
                if !service.code.trim().is_empty()
                    && !insert_new(&mut services, service.code.as_str())
                {
                    errors.push(TableError::at(
                        format!("{at}.code"),
                        TableProblem::Duplicate(service.code.clone()),
                    ));
                }
                check_service(service, &zones, &at, &mut errors);
            }
            check_insurance(
                &carrier.insurance,
                &format!("carriers[{c}].insurance"),
                &mut errors,
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Adds `item` unless `seen` holds it already; says whether it was new.
fn insert_new<T: PartialEq>(seen: &mut Vec<T>, item: T) -> bool {
    let new = !seen.contains(&item);
    if new {
        seen.push(item);
    }
    new
}

fn check_service(service: &Service, zones: &[Zone], at: &str, errors: &mut Vec<TableError>) {
    for (field, text) in [
        ("code", &service.code),
        ("name_zh", &service.name_zh),
        ("name_en", &service.name_en),
    ] {
        if text.trim().is_empty() {
            errors.push(TableError::at(format!("{at}.{field}"), TableProblem::Empty));
        }
    }
    for (field, value) in [
        ("first_weight_g", service.first_weight_g),
        ("step_g", service.step_g),
        ("volumetric_divisor", service.volumetric_divisor),
    ] {
        if value == 0 {
            errors.push(TableError::at(
                format!("{at}.{field}"),
                TableProblem::MustBePositive,
            ));
        }
    }
    if service.step_g > 0 && !service.first_weight_g.is_multiple_of(service.step_g) {
        errors.push(TableError::at(
            format!("{at}.first_weight_g"),
            TableProblem::NotAMultipleOfStep,
        ));
    }
    if service.max_weight_g < service.first_weight_g {
        errors.push(TableError::at(
            format!("{at}.max_weight_g"),
            TableProblem::BelowFirstWeight,
        ));
    }
    let mut priced = Vec::new();
    for (p, price) in service.prices.iter().enumerate() {
        if !insert_new(&mut priced, price.zone) {
            errors.push(TableError::at(
                format!("{at}.prices[{p}].zone"),
                TableProblem::Duplicate(price.zone.code().into()),
            ));
        }
        if price.first_fen == 0 {
            errors.push(TableError::at(
                format!("{at}.prices[{p}].first_fen"),
                TableProblem::MustBePositive,
            ));
        }
    }
    for zone in zones.iter().filter(|zone| !priced.contains(*zone)) {
        errors.push(TableError::at(
            format!("{at}.prices"),
            TableProblem::MissingZone(*zone),
        ));
    }
}

fn check_insurance(rules: &InsuranceRules, at: &str, errors: &mut Vec<TableError>) {
    if rules.max_declared_fen == 0 {
        errors.push(TableError::at(
            format!("{at}.max_declared_fen"),
            TableProblem::MustBePositive,
        ));
    }
    if rules.uninsured_freight_multiple == 0 {
        errors.push(TableError::at(
            format!("{at}.uninsured_freight_multiple"),
            TableProblem::MustBePositive,
        ));
    }
    if rules.fragile_permille.is_some_and(|rate| rate > 1000) {
        errors.push(TableError::at(
            format!("{at}.fragile_permille"),
            TableProblem::RateAbove1000,
        ));
    }
    if rules.bands.is_empty() {
        errors.push(TableError::at(format!("{at}.bands"), TableProblem::Empty));
        return;
    }
    let last = rules.bands.len() - 1;
    for (b, band) in rules.bands.iter().enumerate() {
        let field = |name: &str| format!("{at}.bands[{b}].{name}");
        match b.checked_sub(1).map(|p| &rules.bands[p]) {
            None if band.above_fen != 0 => errors.push(TableError::at(
                field("above_fen"),
                TableProblem::BandsStartAbove0,
            )),
            Some(previous) => match previous.up_to_fen {
                Some(previous_up_to) if previous_up_to != band.above_fen => {
                    errors.push(TableError::at(
                        field("above_fen"),
                        TableProblem::BandsNotContiguous { previous_up_to },
                    ))
                }
                Some(previous_up_to) => {
                    let before = previous.premium.for_value(previous_up_to);
                    let after = band.premium.for_value(previous_up_to.saturating_add(1));
                    if after < before {
                        errors.push(TableError::at(
                            field("premium"),
                            TableProblem::PremiumDecreases,
                        ));
                    }
                }
                None => {}
            },
            None => {}
        }
        match band.up_to_fen {
            Some(up_to) if up_to <= band.above_fen => errors.push(TableError::at(
                field("up_to_fen"),
                TableProblem::BandEndsBeforeItStarts,
            )),
            Some(up_to) if b == last && up_to < rules.max_declared_fen => errors.push(
                TableError::at(field("up_to_fen"), TableProblem::BandsEndBelowMaximum),
            ),
            None if b != last => errors.push(TableError::at(
                field("up_to_fen"),
                TableProblem::OpenBandNotLast,
            )),
            _ => {}
        }
        if let Premium::PerMille { permille } = band.premium {
            if permille > 1000 {
                errors.push(TableError::at(
                    field("premium.permille"),
                    TableProblem::RateAbove1000,
                ));
            }
        }
    }
}

/// `YYYY-MM-DD` with a plausible month and day.
fn is_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    let number = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    matches!(
        (number(year, 4), number(month, 2), number(day, 2)),
        (Some(y), Some(m), Some(d)) if y >= 2000 && (1..=12).contains(&m) && (1..=31).contains(&d)
    )
}
