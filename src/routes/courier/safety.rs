//! A pickup's safety steps as typed (实名收寄, 收寄验视): the sender's document and the item's
//! inspection. Each step is confirmed at a moment the record keeps; any later edit clears that
//! moment, so a record never pairs a confirmation with other data. Every field is checked by the
//! core rules on its own, so each message sits beside its field.

use doorstep_core::day::Day;
use doorstep_core::identity::{normalise, DocumentType, IdentityProblems, SenderIdentity};
use doorstep_core::inspection::{catalogue, Inspection, InspectionProblems, ItemNature};
use serde::{Deserialize, Serialize};

/// The screens of a pickup, in the order the rules ask for them at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PickupStep {
    #[default]
    Identity,
    Inspection,
    Tariff,
    Handover,
}

impl PickupStep {
    pub const ALL: [PickupStep; 4] = [
        PickupStep::Identity,
        PickupStep::Inspection,
        PickupStep::Tariff,
        PickupStep::Handover,
    ];

    pub fn next(self) -> PickupStep {
        match self {
            PickupStep::Identity => PickupStep::Inspection,
            PickupStep::Inspection => PickupStep::Tariff,
            PickupStep::Tariff | PickupStep::Handover => PickupStep::Handover,
        }
    }

    pub fn back(self) -> PickupStep {
        match self {
            PickupStep::Identity | PickupStep::Inspection => PickupStep::Identity,
            PickupStep::Tariff => PickupStep::Inspection,
            PickupStep::Handover => PickupStep::Tariff,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentityDraft {
    pub document: DocumentType,
    pub number: String,
    pub name: String,
    /// A company sender: its credit code, the document then being the handling person's.
    pub company: bool,
    pub credit_code: String,
    /// The courier confirmed the person matches the document (人证相符).
    pub person_matches: bool,
    /// When the check was confirmed (device clock); cleared by any edit.
    pub checked_at: Option<i64>,
}

impl Default for IdentityDraft {
    fn default() -> Self {
        IdentityDraft {
            document: DocumentType::ResidentId,
            number: String::new(),
            name: String::new(),
            company: false,
            credit_code: String::new(),
            person_matches: false,
            checked_at: None,
        }
    }
}

impl IdentityDraft {
    /// Every field's problem by core's rules, the birth date checked against `today`.
    pub fn errors(&self, today: Day) -> IdentityProblems {
        self.candidate(0).problems(today)
    }

    /// Confirms the check at `now`, or says what is wrong with each field.
    pub fn confirm(&mut self, now: i64) -> Result<(), IdentityProblems> {
        let errors = self.errors(Day::of(now));
        if !errors.is_empty() {
            return Err(errors);
        }
        self.checked_at = Some(now);
        Ok(())
    }

    /// The identity as typed, as if checked at `checked_at`.
    fn candidate(&self, checked_at: i64) -> SenderIdentity {
        SenderIdentity {
            document: self.document,
            number: normalise(&self.number),
            name: self.name.trim().to_string(),
            person_matches: self.person_matches,
            checked_at,
            credit_code: self.company.then(|| normalise(&self.credit_code)),
        }
    }

    /// The identity the record carries, once the check was confirmed.
    pub fn identity(&self) -> Option<SenderIdentity> {
        Some(self.candidate(self.checked_at?))
    }

    pub fn from_identity(identity: &SenderIdentity) -> IdentityDraft {
        IdentityDraft {
            document: identity.document,
            number: identity.number.clone(),
            name: identity.name.clone(),
            company: identity.credit_code.is_some(),
            credit_code: identity.credit_code.clone().unwrap_or_default(),
            person_matches: identity.person_matches,
            checked_at: Some(identity.checked_at),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InspectionDraft {
    pub item_name: String,
    pub nature: ItemNature,
    /// As typed.
    pub quantity: String,
    /// Opened and inspected in the sender's presence.
    pub in_presence: bool,
    /// The catalogue category the item falls under, if it is prohibited.
    pub prohibited: Option<String>,
    /// When the inspection was confirmed (device clock); cleared by any edit.
    pub inspected_at: Option<i64>,
}

impl Default for InspectionDraft {
    fn default() -> Self {
        InspectionDraft {
            item_name: String::new(),
            nature: ItemNature::DailyGoods,
            quantity: "1".into(),
            in_presence: false,
            prohibited: None,
            inspected_at: None,
        }
    }
}

impl InspectionDraft {
    fn quantity(&self) -> Option<u32> {
        self.quantity.trim().parse().ok().filter(|q| *q > 0)
    }

    /// Every field's problem by core's rules; a quantity that is not a number counts as none.
    pub fn errors(&self) -> InspectionProblems {
        self.candidate(0).problems()
    }

    /// Confirms the inspection at `now`, or says what is wrong with each field.
    pub fn confirm(&mut self, now: i64) -> Result<(), InspectionProblems> {
        let errors = self.errors();
        if !errors.is_empty() {
            return Err(errors);
        }
        self.inspected_at = Some(now);
        Ok(())
    }

    /// The inspection as typed, as if made at `inspected_at`.
    fn candidate(&self, inspected_at: i64) -> Inspection {
        Inspection {
            catalogue_version: catalogue().version,
            item_name: self.item_name.trim().to_string(),
            nature: self.nature,
            quantity: self.quantity().unwrap_or(0),
            in_presence: self.in_presence,
            prohibited: self.prohibited.clone(),
            inspected_at,
        }
    }

    /// The inspection the record carries, once it was confirmed.
    pub fn inspection(&self) -> Option<Inspection> {
        self.quantity()?;
        Some(self.candidate(self.inspected_at?))
    }

    pub fn from_inspection(inspection: &Inspection) -> InspectionDraft {
        InspectionDraft {
            item_name: inspection.item_name.clone(),
            nature: inspection.nature,
            quantity: inspection.quantity.to_string(),
            in_presence: inspection.in_presence,
            prohibited: inspection.prohibited.clone(),
            inspected_at: Some(inspection.inspected_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use doorstep_core::identity::IdentityError;
    use doorstep_core::inspection::InspectionError;
    use doorstep_core::testing::SAMPLE_ID;

    const NOW: i64 = 1_796_645_000_000;

    #[test]
    fn each_identity_field_has_its_own_message() {
        let mut draft = IdentityDraft {
            number: "110105194912310021".into(),
            company: true,
            ..IdentityDraft::default()
        };
        assert_eq!(
            draft.confirm(NOW),
            Err(IdentityProblems {
                number: Some(IdentityError::CheckCharacter),
                name: Some(IdentityError::NameMissing),
                credit_code: Some(IdentityError::CreditCodeMissing),
                person: Some(IdentityError::PersonNotConfirmed),
            })
        );
        assert_eq!(draft.identity(), None, "not confirmed");
        draft.number = SAMPLE_ID.to_lowercase();
        draft.name = " 李四 ".into();
        draft.company = false;
        draft.person_matches = true;
        assert_eq!(draft.confirm(NOW), Ok(()));
        let identity = draft.identity().unwrap();
        assert_eq!(identity.number, SAMPLE_ID);
        assert_eq!(identity.name, "李四");
        assert_eq!(identity.check(Day::of(NOW)), Ok(()));
        assert_eq!(
            IdentityDraft::from_identity(&identity).identity(),
            Some(identity)
        );
    }

    #[test]
    fn each_inspection_field_has_its_own_message() {
        let mut draft = InspectionDraft {
            quantity: "0".into(),
            ..InspectionDraft::default()
        };
        assert_eq!(
            draft.confirm(NOW),
            Err(InspectionProblems {
                item_name: Some(InspectionError::ItemNameMissing),
                quantity: Some(InspectionError::QuantityMissing),
                presence: Some(InspectionError::NotInPresence),
            })
        );
        draft.item_name = "书".into();
        draft.quantity = "2".into();
        draft.in_presence = true;
        assert_eq!(draft.confirm(NOW), Ok(()));
        let inspection = draft.inspection().unwrap();
        assert_eq!(inspection.check(), Ok(()));
        assert_eq!(inspection.inspected_at, NOW);
    }

    #[test]
    fn the_steps_go_in_the_doors_order() {
        let mut step = PickupStep::default();
        let mut seen = vec![step];
        while step != PickupStep::Handover {
            step = step.next();
            seen.push(step);
        }
        assert_eq!(seen, PickupStep::ALL);
        assert_eq!(PickupStep::Handover.back(), PickupStep::Tariff);
    }
}
