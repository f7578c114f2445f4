//! The inspection at a pickup (收寄验视: 《反恐怖主义法》 Art. 20, 《快递暂行条例》 Art. 22): what the
//! item is, that it was opened in the sender's presence, and the check against the prohibited-items
//! catalogue, which is versioned data like the tariff tables so a record names the list it used.

use crate::time::Millis;
use crate::Lang;
use serde::{Deserialize, Serialize};

/// The catalogue shipped with the app and the server.
pub const CATALOGUE_JSON: &str = include_str!("../data/prohibited_items.json");

/// The built-in catalogue.
pub fn catalogue() -> Catalogue {
    serde_json::from_str(CATALOGUE_JSON).expect("the prohibited-items catalogue is valid JSON")
}

/// The categories of items that may not be sent, under one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub version: String,
    /// The regulation the list follows.
    pub source: String,
    pub categories: Vec<Category>,
}

impl Catalogue {
    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable code, e.g. `explosives`.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

impl Category {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.name_zh,
            Lang::En => &self.name_en,
        }
    }
}

/// The item's nature (性质), as Art. 22 asks alongside its name and quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemNature {
    Documents,
    Clothing,
    Electronics,
    Food,
    DailyGoods,
    Cosmetics,
    Other,
}

impl ItemNature {
    pub const ALL: [ItemNature; 7] = [
        ItemNature::Documents,
        ItemNature::Clothing,
        ItemNature::Electronics,
        ItemNature::Food,
        ItemNature::DailyGoods,
        ItemNature::Cosmetics,
        ItemNature::Other,
    ];

    /// Stable code used in forms (the serde name).
    pub fn code(self) -> &'static str {
        match self {
            ItemNature::Documents => "documents",
            ItemNature::Clothing => "clothing",
            ItemNature::Electronics => "electronics",
            ItemNature::Food => "food",
            ItemNature::DailyGoods => "daily_goods",
            ItemNature::Cosmetics => "cosmetics",
            ItemNature::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<ItemNature> {
        ItemNature::ALL.into_iter().find(|n| n.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        use ItemNature::*;
        match (self, lang) {
            (Documents, Lang::Zh) => "文件",
            (Documents, Lang::En) => "Documents",
            (Clothing, Lang::Zh) => "服装鞋帽",
            (Clothing, Lang::En) => "Clothing",
            (Electronics, Lang::Zh) => "电子产品",
            (Electronics, Lang::En) => "Electronics",
            (Food, Lang::Zh) => "食品",
            (Food, Lang::En) => "Food",
            (DailyGoods, Lang::Zh) => "日用品",
            (DailyGoods, Lang::En) => "Daily goods",
            (Cosmetics, Lang::Zh) => "化妆品",
            (Cosmetics, Lang::En) => "Cosmetics",
            (Other, Lang::Zh) => "其他",
            (Other, Lang::En) => "Other",
        }
    }
}

/// What the courier found when inspecting the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inspection {
    /// The catalogue the item was checked against.
    pub catalogue_version: String,
    pub item_name: String,
    pub nature: ItemNature,
    pub quantity: u32,
    /// Opened and inspected in the sender's presence.
    pub in_presence: bool,
    /// The catalogue category the item falls under, if it is prohibited.
    pub prohibited: Option<String>,
    /// Device clock of the inspection.
    pub inspected_at: Millis,
}

/// Each field's problem at once, so a form shows every message beside its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InspectionProblems {
    pub item_name: Option<InspectionError>,
    pub quantity: Option<InspectionError>,
    pub presence: Option<InspectionError>,
}

impl InspectionProblems {
    pub fn is_empty(&self) -> bool {
        *self == InspectionProblems::default()
    }
}

impl Inspection {
    /// Every field's problem.
    pub fn problems(&self) -> InspectionProblems {
        InspectionProblems {
            item_name: self
                .item_name
                .trim()
                .is_empty()
                .then_some(InspectionError::ItemNameMissing),
            quantity: (self.quantity == 0).then_some(InspectionError::QuantityMissing),
            presence: (!self.in_presence).then_some(InspectionError::NotInPresence),
        }
    }

    /// The first problem with what was recorded.
    pub fn check(&self) -> Result<(), InspectionError> {
        let problems = self.problems();
        match problems
            .item_name
            .or(problems.quantity)
            .or(problems.presence)
        {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }
}

/// Why an inspection cannot be accepted; each has its message beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InspectionError {
    #[error("the item's name is required")]
    ItemNameMissing,
    #[error("the quantity must be 1 or more")]
    QuantityMissing,
    #[error("confirm the item was inspected in the sender's presence")]
    NotInPresence,
}

impl InspectionError {
    pub const ALL: [InspectionError; 3] = [
        InspectionError::ItemNameMissing,
        InspectionError::QuantityMissing,
        InspectionError::NotInPresence,
    ];

    pub fn message(self, lang: Lang) -> &'static str {
        use InspectionError::*;
        match (self, lang) {
            (ItemNameMissing, Lang::Zh) => "请填写物品名称",
            (ItemNameMissing, Lang::En) => "Enter the item's name",
            (QuantityMissing, Lang::Zh) => "数量至少为 1",
            (QuantityMissing, Lang::En) => "The quantity must be 1 or more",
            (NotInPresence, Lang::Zh) => "请确认已当面开箱验视",
            (NotInPresence, Lang::En) => "Confirm the item was inspected in the sender's presence",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_reads_with_unique_codes() {
        let catalogue = catalogue();
        assert!(!catalogue.version.is_empty());
        let mut codes: Vec<&str> = catalogue
            .categories
            .iter()
            .map(|c| c.code.as_str())
            .collect();
        let count = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), count);
        for code in [
            "firearms",
            "explosives",
            "radioactive",
            "narcotics",
            "wildlife",
        ] {
            assert!(catalogue.category(code).is_some(), "{code}");
        }
    }

    #[test]
    fn an_inspection_needs_name_quantity_and_presence() {
        let mut inspection = Inspection {
            catalogue_version: catalogue().version,
            item_name: "书".into(),
            nature: ItemNature::DailyGoods,
            quantity: 2,
            in_presence: true,
            prohibited: None,
            inspected_at: 1,
        };
        assert_eq!(inspection.check(), Ok(()));
        inspection.in_presence = false;
        assert_eq!(inspection.check(), Err(InspectionError::NotInPresence));
        inspection.quantity = 0;
        assert_eq!(inspection.check(), Err(InspectionError::QuantityMissing));
        for error in InspectionError::ALL {
            assert_ne!(error.message(Lang::Zh), error.message(Lang::En));
        }
        for nature in ItemNature::ALL {
            assert_eq!(ItemNature::from_code(nature.code()), Some(nature));
        }
    }
}
