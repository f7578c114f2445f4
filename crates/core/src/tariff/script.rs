//! The words a courier reads aloud, filled with the quote's real numbers, so every customer hears
//! the same complete disclosure: price and how it was computed, the insurance question and
//! premium, compensation without insurance, and the right to inspect (Art. 22, 26).

use super::{InsuranceRules, Premium, Quote, QuoteLine};
use crate::money::format_yuan;
use crate::weight::format_kg;
use crate::Lang;

impl QuoteLine {
    /// The breakdown line as shown and read: what it is, then the amount.
    pub fn describe(self, lang: Lang) -> String {
        match (self, lang) {
            (QuoteLine::FirstWeight { grams, fen }, Lang::Zh) => {
                format!("首重 {} 公斤：¥{}", format_kg(grams), format_yuan(fen))
            }
            (QuoteLine::FirstWeight { grams, fen }, Lang::En) => {
                format!("First {} kg: ¥{}", format_kg(grams), format_yuan(fen))
            }
            (
                QuoteLine::AdditionalWeight {
                    steps,
                    step_g,
                    unit_fen,
                    fen,
                },
                Lang::Zh,
            ) => format!(
                "续重 {steps} × {} 公斤 × ¥{}：¥{}",
                format_kg(step_g),
                format_yuan(unit_fen),
                format_yuan(fen)
            ),
            (
                QuoteLine::AdditionalWeight {
                    steps,
                    step_g,
                    unit_fen,
                    fen,
                },
                Lang::En,
            ) => format!(
                "Additional {steps} × {} kg × ¥{}: ¥{}",
                format_kg(step_g),
                format_yuan(unit_fen),
                format_yuan(fen)
            ),
            (QuoteLine::FreshSurcharge { fen }, Lang::Zh) => {
                format!("生鲜附加费：¥{}", format_yuan(fen))
            }
            (QuoteLine::FreshSurcharge { fen }, Lang::En) => {
                format!("Fresh goods surcharge: ¥{}", format_yuan(fen))
            }
            (QuoteLine::BulkySurcharge { fen }, Lang::Zh) => {
                format!("大件附加费：¥{}", format_yuan(fen))
            }
            (QuoteLine::BulkySurcharge { fen }, Lang::En) => {
                format!("Bulky parcel surcharge: ¥{}", format_yuan(fen))
            }
        }
    }
}

impl InsuranceRules {
    /// The premium bands in words, e.g. "¥500 以内 ¥1；¥500–1000 ¥2；¥1000 以上 5‰".
    pub fn describe_bands(&self, lang: Lang) -> String {
        let parts: Vec<String> = self
            .bands
            .iter()
            .map(|band| {
                let premium = match band.premium {
                    Premium::Flat { fen } => format!("¥{}", format_yuan(fen)),
                    Premium::PerMille { permille } => format!("{permille}‰"),
                };
                let above = format_yuan(band.above_fen);
                match (band.up_to_fen, lang) {
                    (Some(up), Lang::Zh) if band.above_fen == 0 => {
                        format!("¥{} 以内 {premium}", format_yuan(up))
                    }
                    (Some(up), Lang::En) if band.above_fen == 0 => {
                        format!("up to ¥{}: {premium}", format_yuan(up))
                    }
                    (Some(up), Lang::Zh) => format!("¥{above}–{} {premium}", format_yuan(up)),
                    (Some(up), Lang::En) => format!("¥{above}–{}: {premium}", format_yuan(up)),
                    (None, Lang::Zh) => format!("¥{above} 以上 {premium}"),
                    (None, Lang::En) => format!("above ¥{above}: {premium}"),
                }
            })
            .collect();
        match lang {
            Lang::Zh => parts.join("；"),
            Lang::En => parts.join("; "),
        }
    }
}

/// The script for a quote. `declared` is the value and premium the customer is considering, when
/// they named one.
pub fn script(quote: &Quote, declared: Option<(u32, u32)>, lang: Lang) -> Vec<String> {
    let service = quote.service.name(lang);
    let destination = quote.destination.name(lang);
    let chargeable = format_kg(quote.chargeable_g);
    let step = format_kg(quote.service.step_g);
    let breakdown: Vec<String> = quote.lines.iter().map(|l| l.describe(lang)).collect();
    let freight = format_yuan(quote.freight_fen);
    let insurance = &quote.insurance;
    let cap = format_yuan(insurance.uninsured_cap_fen(quote.freight_fen));
    let max = format_yuan(insurance.max_declared_fen);
    let multiple = insurance.uninsured_freight_multiple;
    let bands = insurance.describe_bands(lang);
    let mut lines = Vec::with_capacity(6);
    match lang {
        Lang::Zh => {
            lines.push(format!("您好，本件使用{service}，寄往{destination}。"));
            let weighed = match quote.volumetric_g {
                Some(vol) => format!(
                    "实际重量 {} 公斤，体积重量 {} 公斤，按较大者",
                    format_kg(quote.actual_g),
                    format_kg(vol)
                ),
                None => format!("实际重量 {} 公斤", format_kg(quote.actual_g)),
            };
            lines.push(format!(
                "{weighed}，按每 {step} 公斤向上取整，计费重量 {chargeable} 公斤。"
            ));
            lines.push(format!("运费 ¥{freight}：{}。", breakdown.join("，")));
            lines.push(match declared {
                Some((value, premium)) => format!(
                    "请问是否需要保价？声明价值 ¥{} 的保价费为 ¥{}（保价费率：{bands}；最高保价 ¥{max}）。",
                    format_yuan(value),
                    format_yuan(premium)
                ),
                None => format!(
                    "请问是否需要保价？保价费按声明价值计算：{bands}；最高保价 ¥{max}。"
                ),
            });
            lines.push(format!(
                "如不保价，快件丢失或损毁时最高按运费的 {multiple} 倍赔偿，本件最多 ¥{cap}。"
            ));
            lines.push("收件时可以当面验视快件，确认无误后再签收。".into());
        }
        Lang::En => {
            lines.push(format!("This parcel goes by {service} to {destination}."));
            let weighed = match quote.volumetric_g {
                Some(vol) => format!(
                    "It weighs {} kg and its volumetric weight is {} kg; the larger counts",
                    format_kg(quote.actual_g),
                    format_kg(vol)
                ),
                None => format!("It weighs {} kg", format_kg(quote.actual_g)),
            };
            lines.push(format!(
                "{weighed}, rounded up to whole {step} kg steps: {chargeable} kg are charged."
            ));
            lines.push(format!(
                "The freight is ¥{freight}: {}.",
                breakdown.join(", ")
            ));
            lines.push(match declared {
                Some((value, premium)) => format!(
                    "Would you like to insure it? For a declared value of ¥{} the premium is ¥{} (rates: {bands}; insured up to ¥{max}).",
                    format_yuan(value),
                    format_yuan(premium)
                ),
                None => format!(
                    "Would you like to insure it? The premium depends on the declared value: {bands}; insured up to ¥{max}."
                ),
            });
            lines.push(format!(
                "Without insurance, a lost or damaged parcel is compensated up to {multiple} times the freight: at most ¥{cap} for this one."
            ));
            lines.push("You may inspect the parcel on delivery before you sign for it.".into());
        }
    }
    lines
}
