//! Reading internally tagged enums (`{"type": "locker", "bank": "3", …}`) without serde's
//! buffering.
//!
//! serde's derive reads an internally tagged enum by first copying the whole object into its
//! private `Content` tree and then reading the variant from that copy, so every variant and
//! everything nested in it is compiled a second time for the copy (the README gives what that
//! cost the courier's wasm). [`deserialize_tagged!`] reads the same JSON, in any key order,
//! through one flat struct of optional fields, and reports serde's own sentences (`missing field`,
//! `unknown variant`, `unknown field`). Writing stays serde's derive.

use serde::de::Error;
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::marker::PhantomData;

/// Implements `Deserialize` for an internally tagged enum whose variants have named fields (or
/// none). `fields` lists every field of every variant once, with its type; each variant then names
/// the fields it takes, required ones first and `optional` ones (an absent or `null` value
/// reads as `None`) after. The flat struct is `$wire`, so a struct that flattens the enum can
/// read the same fields and call `$wire::into_value`. With `deny_unknown_fields`, a field of
/// another variant is refused as well as a field of none.
macro_rules! deserialize_tagged {
    (
        $enum:ident via $wire:ident, tag = $tag:literal $(, $deny:ident)?;
        fields { $($field:ident: $ty:ty),* $(,)? }
        variants {
            $($variant:ident = $name:literal {
                $($required:ident),* $(; optional $($optional:ident),*)?
            }),* $(,)?
        }
    ) => {
        #[doc = concat!("The flat form `", stringify!($enum), "` is read through.")]
        #[derive(serde::Deserialize)]
        $(#[serde($deny)])?
        pub(crate) struct $wire {
            #[serde(rename = $tag)]
            pub(crate) tag: $crate::tagged::Tag<$enum>,
            $(#[serde(default)] pub(crate) $field: Option<$ty>,)*
        }

        impl $wire {
            /// The variant the tag names, with its fields.
            pub(crate) fn into_value<E: serde::de::Error>(mut self) -> Result<$enum, E> {
                let (value, expected): ($enum, &[&str]) = match self.tag.name {
                    $($name => (
                        $enum::$variant {
                            $($required: self.$required.take().ok_or_else(|| {
                                E::missing_field(stringify!($required))
                            })?,)*
                            $($($optional: self.$optional.take(),)*)?
                        },
                        &[$(stringify!($required),)* $($(stringify!($optional),)*)?],
                    ),)*
                    other => unreachable!("`{other}` is not a variant of {}", stringify!($enum)),
                };
                // What the variant did not take belongs to another variant.
                let denies_unknown_fields = !<[&str]>::is_empty(&[$(stringify!($deny))?]);
                if denies_unknown_fields {
                    $(if self.$field.is_some() {
                        return Err(E::unknown_field(stringify!($field), expected));
                    })*
                }
                Ok(value)
            }
        }

        impl $crate::tagged::Tagged for $enum {
            const VARIANTS: &'static [&'static str] = &[$($name),*];
        }

        impl<'de> serde::Deserialize<'de> for $enum {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $wire::deserialize(deserializer)?.into_value()
            }
        }
    };
}

pub(crate) use deserialize_tagged;

/// An enum read by [`deserialize_tagged!`].
pub(crate) trait Tagged {
    /// The tag's values, one per variant.
    const VARIANTS: &'static [&'static str];
}

/// A tag checked against `E`'s variants as it is read, so that an unknown one is reported at the
/// tag's own path (`records[0].method.type`).
pub(crate) struct Tag<E> {
    pub(crate) name: &'static str,
    of: PhantomData<E>,
}

impl<'de, E: Tagged> Deserialize<'de> for Tag<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = Cow::<str>::deserialize(deserializer)?;
        match E::VARIANTS.iter().find(|variant| **variant == name) {
            Some(variant) => Ok(Tag {
                name: variant,
                of: PhantomData,
            }),
            None => Err(D::Error::unknown_variant(&name, E::VARIANTS)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::compliance::ComplianceFlag;
    use crate::link::{ComplaintKind, LinkDecision};
    use crate::preference::{StandingPreference, Wish};
    use crate::sync::{Ack, Change, QueueState, RecordAck};
    use crate::tariff::Premium;
    use crate::{DeliveryMethod, Outcome, Violation};
    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use serde_json::{json, Value};
    use std::fmt::Debug;
    use uuid::Uuid;

    /// `value` as serde's derive writes it, read back with its keys in written order and in
    /// reverse order (the tag last).
    fn reads_back<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: T) {
        let written = serde_json::to_string(&value).unwrap();
        assert_eq!(
            serde_json::from_str::<T>(&written).unwrap(),
            value,
            "{written}"
        );
        let Value::Object(fields) = serde_json::to_value(&value).unwrap() else {
            panic!("{written} is not an object");
        };
        let reversed: Vec<String> = fields
            .iter()
            .rev()
            .map(|(key, value)| format!("{}:{value}", Value::from(key.as_str())))
            .collect();
        let reversed = format!("{{{}}}", reversed.join(","));
        assert_eq!(
            serde_json::from_str::<T>(&reversed).unwrap(),
            value,
            "{reversed}"
        );
    }

    fn error<T: DeserializeOwned + Debug>(json: Value) -> String {
        serde_json::from_value::<T>(json).unwrap_err().to_string()
    }

    #[test]
    fn every_variant_reads_back_in_any_key_order() {
        let id = Uuid::from_u128(7);
        for method in crate::testing::every_method() {
            reads_back(method);
        }
        for outcome in crate::testing::every_outcome() {
            reads_back(outcome);
        }
        let wishes = [
            Wish::Locker { bank: "3".into() },
            Wish::Station {
                station: "菜鸟驿站".into(),
            },
            Wish::Door {
                after: "18:00".into(),
            },
            Wish::NeverStation,
        ];
        for wish in wishes.clone() {
            reads_back(wish);
        }
        reads_back(Premium::Flat { fen: 100 });
        reads_back(Premium::PerMille { permille: 5 });
        for state in [
            QueueState::Queued,
            QueueState::Synced { received_at: 5 },
            QueueState::NeedsAttention {
                message: "fix it".into(),
            },
        ] {
            reads_back(state);
        }
        for ack in [
            Ack::Stored,
            Ack::AlreadyStored,
            Ack::Stale,
            Ack::Conflict {
                message: "taken".into(),
            },
            Ack::Rejected {
                violations: vec![Violation::NoConsent, Violation::LockerIncomplete],
                message: "no consent".into(),
            },
        ] {
            reads_back(ack.clone());
            reads_back(RecordAck {
                id,
                revision: 2,
                ack,
                received_at: 9,
            });
        }
        for reviewed_flag in [None, Some(ComplianceFlag::NoCallFirst)] {
            reads_back(Change::SupervisorNote {
                record_id: id,
                note: "ok".into(),
                at: 3,
                reviewed_flag,
            });
        }
        reads_back(Change::RecipientDecision {
            record_id: id,
            decision: LinkDecision {
                link_id: id,
                choice: crate::MethodKind::Locker,
                time_window: None,
                note: Some("谢谢".into()),
                decided_at: 4,
            },
        });
        reads_back(Change::Complaint {
            record_id: id,
            complaint_id: 11,
            kind: ComplaintKind::Damaged,
            at: 5,
        });
        reads_back(Change::StandingPreference {
            preference: StandingPreference {
                id,
                recipient_key: "k".into(),
                wish: wishes[2].clone(),
                stated_at: 6,
                withdrawn_at: None,
            },
        });
    }

    #[test]
    fn bad_input_gets_serdes_sentences() {
        assert_eq!(
            error::<DeliveryMethod>(json!({"type": "locker", "bank": "3"})),
            "missing field `compartment`"
        );
        assert_eq!(
            error::<DeliveryMethod>(json!({"bank": "3"})),
            "missing field `type`"
        );
        assert_eq!(
            error::<DeliveryMethod>(json!({"type": "roof"})),
            "unknown variant `roof`, expected one of `door`, `locker`, `station`"
        );
        assert_eq!(
            error::<Outcome>(json!({"type": "refused", "reason": 3})),
            "invalid type: integer `3`, expected a string"
        );
        assert_eq!(
            error::<RecordAck>(json!({"id": Uuid::nil(), "revision": 1, "received_at": 1,
                "status": "rejected", "message": "m"})),
            "missing field `violations`"
        );
        // An optional field may be absent; a required one may not be null.
        assert_eq!(
            serde_json::from_value::<Change>(
                json!({"type": "supervisor_note", "record_id": Uuid::nil(), "note": "n", "at": 1})
            )
            .unwrap(),
            Change::SupervisorNote {
                record_id: Uuid::nil(),
                note: "n".into(),
                at: 1,
                reviewed_flag: None
            }
        );
        assert_eq!(
            error::<QueueState>(json!({"state": "needs_attention", "message": null})),
            "missing field `message`"
        );
    }

    #[test]
    fn unknown_fields_are_ignored_unless_the_enum_denies_them() {
        assert_eq!(
            serde_json::from_value::<DeliveryMethod>(
                json!({"type": "door", "station": "x", "colour": "red"})
            )
            .unwrap(),
            DeliveryMethod::Door
        );
        assert_eq!(
            error::<Premium>(json!({"type": "flat", "fen": 1, "permille": 2})),
            "unknown field `permille`, expected `fen`"
        );
        assert!(
            error::<Premium>(json!({"type": "flat", "fen": 1, "colour": 2}))
                .starts_with("unknown field `colour`")
        );
    }
}
