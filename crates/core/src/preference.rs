//! The preference book: what a recipient asked for once ("locker at bank 3", "never the station",
//! "door after 18:00"), remembered so the next parcel starts from their wish (Shanghai plan task 3:
//! know each recipient's needs). Keyed by a salted hash of phone and address, never the raw phone.

use crate::record::{Address, DeliveryMethod};
use crate::tagged::deserialize_tagged;
use crate::time::Millis;
use crate::Lang;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What the recipient wants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Wish {
    /// Use a locker, optionally a named bank.
    Locker { bank: String },
    /// Use this station.
    Station { station: String },
    /// Bring it to the door, optionally only after a time of day ("18:00").
    Door { after: String },
    /// Anything but the station.
    NeverStation,
}

deserialize_tagged! {
    Wish via WishWire, tag = "type";
    fields { bank: String, station: String, after: String }
    variants {
        Locker = "locker" { bank },
        Station = "station" { station },
        Door = "door" { after },
        NeverStation = "never_station" {},
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StandingPreference {
    pub id: Uuid,
    /// [`recipient_key`] of the recipient it belongs to.
    pub recipient_key: String,
    pub wish: Wish,
    /// Device clock when the recipient stated it.
    pub stated_at: Millis,
    /// Set when the recipient withdrew it; a withdrawn preference is never proposed.
    pub withdrawn_at: Option<Millis>,
}

/// The key a recipient is known by in the preference book: SHA-256 over a per-station salt, the
/// normalised phone number and the whole address (the room tells flats apart). Without the salt
/// the key cannot be reversed by trying every phone number.
pub fn recipient_key(salt: &str, phone: &str, address: &Address) -> String {
    let normalise = |s: &str| s.split_whitespace().collect::<String>().to_lowercase();
    let mut hasher = Sha256::new();
    for part in [
        salt,
        phone,
        &normalise(&address.compound),
        &normalise(&address.building),
        &normalise(&address.unit),
        &normalise(&address.room),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(hasher.finalize())
}

impl StandingPreference {
    pub fn is_active(&self) -> bool {
        self.withdrawn_at.is_none()
    }

    /// The delivery method to propose for a new parcel, if the wish names one. A locker wish
    /// without a bank, or "never the station", proposes nothing concrete.
    pub fn proposed_method(&self) -> Option<DeliveryMethod> {
        match &self.wish {
            Wish::Locker { bank } if !bank.trim().is_empty() => Some(DeliveryMethod::Locker {
                bank: bank.clone(),
                compartment: String::new(),
            }),
            Wish::Station { station } => Some(DeliveryMethod::Station {
                station: station.clone(),
            }),
            Wish::Door { .. } | Wish::NeverStation => Some(DeliveryMethod::Door),
            Wish::Locker { .. } => None,
        }
    }

    /// Whether this preference is the recipient's consent to `method` (Art. 28): only a wish for
    /// that very kind of place counts.
    pub fn consents_to(&self, method: &DeliveryMethod) -> bool {
        self.is_active()
            && matches!(
                (&self.wish, method),
                (Wish::Locker { .. }, DeliveryMethod::Locker { .. })
                    | (Wish::Station { .. }, DeliveryMethod::Station { .. })
            )
    }

    pub fn describe(&self, lang: Lang) -> String {
        match (&self.wish, lang) {
            (Wish::Locker { bank }, Lang::Zh) if bank.is_empty() => "放智能快件箱".into(),
            (Wish::Locker { bank }, Lang::Zh) => format!("放智能快件箱（{bank}号柜）"),
            (Wish::Locker { bank }, Lang::En) if bank.is_empty() => "Smart locker".into(),
            (Wish::Locker { bank }, Lang::En) => format!("Smart locker, bank {bank}"),
            (Wish::Station { station }, Lang::Zh) => format!("放驿站（{station}）"),
            (Wish::Station { station }, Lang::En) => format!("Station: {station}"),
            (Wish::Door { after }, Lang::Zh) if after.is_empty() => "送货上门".into(),
            (Wish::Door { after }, Lang::Zh) => format!("{after} 后送货上门"),
            (Wish::Door { after }, Lang::En) if after.is_empty() => "Door".into(),
            (Wish::Door { after }, Lang::En) => format!("Door after {after}"),
            (Wish::NeverStation, Lang::Zh) => "不要放驿站".into(),
            (Wish::NeverStation, Lang::En) => "Never the station".into(),
        }
    }
}

/// The active preference for a recipient, newest first.
pub fn active_for<'a>(book: &'a [StandingPreference], key: &str) -> Option<&'a StandingPreference> {
    book.iter()
        .filter(|p| p.recipient_key == key && p.is_active())
        .max_by_key(|p| p.stated_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(room: &str) -> Address {
        Address {
            compound: "愚园路 1088 弄".into(),
            building: "5".into(),
            unit: "2".into(),
            room: room.into(),
        }
    }

    fn preference(wish: Wish, stated_at: Millis) -> StandingPreference {
        StandingPreference {
            id: Uuid::from_u128(stated_at as u128),
            recipient_key: recipient_key("salt", "13812345634", &address("1203")),
            wish,
            stated_at,
            withdrawn_at: None,
        }
    }

    #[test]
    fn key_is_salted_normalised_and_never_the_phone() {
        let a = recipient_key("salt", "13812345634", &address("1203"));
        let b = recipient_key(
            "salt",
            "13812345634",
            &Address {
                compound: "愚园路1088弄".into(),
                ..address("1203")
            },
        );
        assert_eq!(a, b, "spacing does not split a recipient");
        assert_ne!(a, recipient_key("other", "13812345634", &address("1203")));
        assert_ne!(a, recipient_key("salt", "13812345634", &address("1204")));
        assert!(!a.contains("13812345634"));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn the_newest_active_preference_wins() {
        let old = preference(
            Wish::Door {
                after: String::new(),
            },
            1,
        );
        let mut withdrawn = preference(
            Wish::Station {
                station: "驿站".into(),
            },
            3,
        );
        withdrawn.withdrawn_at = Some(4);
        let current = preference(Wish::Locker { bank: "3".into() }, 2);
        let book = vec![old, withdrawn, current.clone()];
        assert_eq!(active_for(&book, &current.recipient_key), Some(&current));
        assert_eq!(active_for(&book, "unknown"), None);
    }

    #[test]
    fn only_a_matching_wish_is_consent() {
        let locker = preference(Wish::Locker { bank: "3".into() }, 1);
        let in_locker = DeliveryMethod::Locker {
            bank: "3".into(),
            compartment: "1".into(),
        };
        assert!(locker.consents_to(&in_locker));
        assert!(!locker.consents_to(&DeliveryMethod::Station {
            station: "x".into()
        }));
        assert!(!preference(Wish::NeverStation, 1).consents_to(&in_locker));
        let mut withdrawn = locker.clone();
        withdrawn.withdrawn_at = Some(2);
        assert!(!withdrawn.consents_to(&in_locker));
    }

    #[test]
    fn proposals_follow_the_wish() {
        assert_eq!(
            preference(
                Wish::Station {
                    station: "A".into()
                },
                1
            )
            .proposed_method(),
            Some(DeliveryMethod::Station {
                station: "A".into()
            })
        );
        assert_eq!(
            preference(Wish::NeverStation, 1).proposed_method(),
            Some(DeliveryMethod::Door)
        );
        assert_eq!(
            preference(
                Wish::Locker {
                    bank: String::new()
                },
                1
            )
            .proposed_method(),
            None
        );
        assert_eq!(
            preference(
                Wish::Door {
                    after: "18:00".into()
                },
                1
            )
            .describe(Lang::Zh),
            "18:00 后送货上门"
        );
    }
}
