//! The tariff step as typed: weight, size and destination turned into a quote by the core rules,
//! the script shown, and the customer's insurance answer. Changing any figure after the script
//! was read clears the answer, so the record never pairs an answer with other numbers.

use doorstep_core::money::parse_yuan;
use doorstep_core::tariff::{
    InsuranceAnswer, ParcelMeasure, Quote, QuoteError, TariffDisclosure, TariffTable,
};
use doorstep_core::weight::{format_kg, parse_cm, parse_kg};
use doorstep_core::{Carrier, ParcelFlags};
use serde::{Deserialize, Serialize};

/// When the script was shown, and from which table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptShown {
    pub version: String,
    /// Device clock.
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TariffDraft {
    pub service: String,
    /// A destination code of the table.
    pub destination: String,
    /// Kilograms as typed.
    pub weight: String,
    /// Centimetres as typed; all three or none.
    pub length: String,
    pub width: String,
    pub height: String,
    pub shown: Option<ScriptShown>,
    /// `None` until the customer answered whether to insure.
    pub insured: Option<bool>,
    /// Declared value in yuan as typed.
    pub declared: String,
    pub answered_at: Option<i64>,
    /// The disclosure of the record being edited, kept unless the courier redoes the step.
    pub kept: Option<TariffDisclosure>,
}

/// What stops the tariff step, per field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TariffErrors {
    pub weight: bool,
    pub dimensions: bool,
    pub quote: Option<QuoteError>,
    pub declared: Option<QuoteError>,
    /// The script was shown from a table that is no longer the current one.
    pub outdated: bool,
}

impl TariffErrors {
    pub fn is_empty(&self) -> bool {
        *self == TariffErrors::default()
    }
}

impl TariffDraft {
    /// Applies an edit of the figures; the script and answer no longer fit and are cleared.
    pub fn edit(&mut self, change: impl FnOnce(&mut TariffDraft)) {
        change(self);
        self.shown = None;
        self.insured = None;
        self.answered_at = None;
        self.kept = None;
    }

    fn dimensions(&self) -> Result<Option<[u32; 3]>, ()> {
        let sides = [&self.length, &self.width, &self.height];
        if sides.iter().all(|s| s.trim().is_empty()) {
            return Ok(None);
        }
        match sides.map(|s| parse_cm(s)) {
            [Some(l), Some(w), Some(h)] => Ok(Some([l, w, h])),
            _ => Err(()),
        }
    }

    /// The quote for the figures typed so far.
    pub fn quote(
        &self,
        table: &TariffTable,
        carrier: Option<Carrier>,
        flags: ParcelFlags,
    ) -> Result<Quote, TariffErrors> {
        let mut errors = TariffErrors::default();
        let weight = parse_kg(&self.weight);
        errors.weight = weight.is_none();
        let dimensions = self.dimensions();
        errors.dimensions = dimensions.is_err();
        let (Some(weight_g), Ok(dimensions_cm)) = (weight, dimensions) else {
            return Err(errors);
        };
        let carrier = carrier.ok_or(TariffErrors {
            quote: Some(QuoteError::UnknownCarrier),
            ..TariffErrors::default()
        })?;
        table
            .quote(
                carrier,
                &self.service,
                &self.destination,
                ParcelMeasure {
                    weight_g,
                    dimensions_cm,
                    fresh: flags.fresh,
                    bulky: flags.bulky,
                },
            )
            .map_err(|e| TariffErrors {
                quote: Some(e),
                ..TariffErrors::default()
            })
    }

    /// The declared value typed, with its premium under the quote.
    pub fn premium(&self, quote: &Quote, fragile: bool) -> Result<(u32, u32), QuoteError> {
        let declared = parse_yuan(&self.declared)
            .filter(|&fen| fen > 0)
            .ok_or(QuoteError::DeclaredValueMissing)?;
        Ok((declared, quote.premium(declared, fragile)?))
    }

    /// What goes on the record: the disclosure with the answer, or the kept one of an edited
    /// record, or nothing when the script was not shown.
    pub fn disclosure(
        &self,
        table: &TariffTable,
        carrier: Option<Carrier>,
        flags: ParcelFlags,
    ) -> Result<Option<TariffDisclosure>, TariffErrors> {
        let Some(shown) = &self.shown else {
            return Ok(self.kept.clone());
        };
        if shown.version != table.version {
            return Err(TariffErrors {
                outdated: true,
                ..TariffErrors::default()
            });
        }
        let quote = self.quote(table, carrier, flags)?;
        let mut disclosure =
            TariffDisclosure::shown(&quote, self.dimensions().ok().flatten(), shown.at);
        if let (Some(insured), Some(at)) = (self.insured, self.answered_at) {
            let declared = if insured {
                Some(
                    self.premium(&quote, flags.fragile)
                        .map_err(|e| TariffErrors {
                            declared: Some(e),
                            ..TariffErrors::default()
                        })?,
                )
            } else {
                None
            };
            let answer = InsuranceAnswer::given(
                &quote,
                declared.map(|(value, _)| (value, flags.fragile)),
                at,
            )
            .map_err(|e| TariffErrors {
                declared: Some(e),
                ..TariffErrors::default()
            })?;
            disclosure.answer = Some(answer);
        }
        Ok(Some(disclosure))
    }

    /// The step as an edited record left it: figures filled in, the disclosure kept.
    pub fn from_disclosure(disclosure: &TariffDisclosure) -> TariffDraft {
        let [length, width, height] = disclosure
            .dimensions_cm
            .map(|d| d.map(|cm| cm.to_string()))
            .unwrap_or_default();
        let answer = disclosure.answer.as_ref();
        TariffDraft {
            service: disclosure.service.clone(),
            destination: disclosure.destination.clone(),
            weight: format_kg(disclosure.weight_g),
            length,
            width,
            height,
            shown: None,
            insured: answer.map(|a| a.insured),
            declared: answer
                .filter(|a| a.insured)
                .map(|a| doorstep_core::money::format_yuan(a.declared_fen))
                .unwrap_or_default(),
            answered_at: None,
            kept: Some(disclosure.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use doorstep_core::tariff::sample;

    fn typed() -> TariffDraft {
        TariffDraft {
            service: "standard".into(),
            destination: "zhejiang".into(),
            weight: "2.3".into(),
            ..TariffDraft::default()
        }
    }

    #[test]
    fn figures_as_typed_make_a_quote() {
        let quote = typed()
            .quote(&sample(), Some(Carrier::Sf), ParcelFlags::default())
            .unwrap();
        assert_eq!(quote.chargeable_g, 2500);
        let mut half_sized = typed();
        half_sized.length = "40".into();
        let errors = half_sized
            .quote(&sample(), Some(Carrier::Sf), ParcelFlags::default())
            .unwrap_err();
        assert!(errors.dimensions);
        let mut no_weight = typed();
        no_weight.weight = "heavy".into();
        assert!(
            no_weight
                .quote(&sample(), Some(Carrier::Sf), ParcelFlags::default())
                .unwrap_err()
                .weight
        );
    }

    #[test]
    fn nothing_is_disclosed_before_the_script_is_shown() {
        let table = sample();
        let flags = ParcelFlags::default();
        assert_eq!(
            typed().disclosure(&table, Some(Carrier::Sf), flags),
            Ok(None)
        );
        let mut shown = typed();
        shown.shown = Some(ScriptShown {
            version: table.version.clone(),
            at: 10,
        });
        let unanswered = shown
            .disclosure(&table, Some(Carrier::Sf), flags)
            .unwrap()
            .unwrap();
        assert_eq!(unanswered.answer, None);
        shown.insured = Some(true);
        shown.answered_at = Some(20);
        assert_eq!(
            shown
                .disclosure(&table, Some(Carrier::Sf), flags)
                .unwrap_err()
                .declared,
            Some(QuoteError::DeclaredValueMissing)
        );
        shown.declared = "800".into();
        let answered = shown
            .disclosure(&table, Some(Carrier::Sf), flags)
            .unwrap()
            .unwrap();
        let answer = answered.answer.unwrap();
        assert_eq!((answer.declared_fen, answer.premium_fen), (80000, 200));
        assert_eq!(answer.total_fen, answered.freight_fen + 200);
    }

    #[test]
    fn changing_a_figure_clears_the_answer_and_an_old_table_is_refused() {
        let table = sample();
        let mut draft = typed();
        draft.shown = Some(ScriptShown {
            version: "older".into(),
            at: 10,
        });
        assert!(
            draft
                .disclosure(&table, Some(Carrier::Sf), ParcelFlags::default())
                .unwrap_err()
                .outdated
        );
        draft.insured = Some(false);
        draft.answered_at = Some(11);
        draft.edit(|t| t.weight = "3".into());
        assert_eq!(
            (draft.shown.clone(), draft.insured, draft.answered_at),
            (None, None, None)
        );
    }

    #[test]
    fn an_edited_record_keeps_its_disclosure() {
        let table = sample();
        let mut draft = typed();
        draft.shown = Some(ScriptShown {
            version: table.version.clone(),
            at: 10,
        });
        draft.insured = Some(false);
        draft.answered_at = Some(11);
        let disclosure = draft
            .disclosure(&table, Some(Carrier::Sf), ParcelFlags::default())
            .unwrap()
            .unwrap();
        let reopened = TariffDraft::from_disclosure(&disclosure);
        assert_eq!(reopened.weight, "2.3");
        assert_eq!(
            reopened.disclosure(&table, Some(Carrier::Sf), ParcelFlags::default()),
            Ok(Some(disclosure))
        );
    }
}
