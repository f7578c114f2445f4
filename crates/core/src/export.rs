//! The supervisor's CSV export: its columns, and each record's cells, personal data masked
//! unless the supervisor asked for it in full (GB/T 41833-2022; the server audits that request).

use crate::api::{address_line, MaskedRecipient};
use crate::compliance::ComplianceFlag;
use crate::identity::{mask_id, DocumentType};
use crate::masking::mask_name;
use crate::record::ConsentChannel;
use crate::time::Millis;
use crate::Carrier;
use serde::Deserialize;
use std::borrow::Cow;
use uuid::Uuid;

/// The export's columns, in order.
pub const HEADER: [&str; 19] = [
    "id",
    "revision",
    "waybill",
    "carrier",
    "method",
    "outcome",
    "courier",
    "recipient_name",
    "recipient_phone",
    "address",
    "consent_channel",
    "flags",
    "captured_at_device_ms",
    "received_at_server_ms",
    "sender_id_type",
    "sender_id_number",
    "sender_name",
    "inspected_item",
    "prohibited_category",
];

/// What the export shows of a stored [`crate::DeliveryRecord`], read from its JSON with the
/// text borrowed and every other field skipped: building each whole record, an owned string per
/// field, for these few cells was the export's largest cost after reading the rows.
#[derive(Debug, Deserialize)]
pub struct ExportedRecord<'a> {
    id: Uuid,
    revision: u32,
    #[serde(borrow)]
    waybill: Cow<'a, str>,
    carrier: Carrier,
    #[serde(borrow)]
    recipient: Option<ExportedRecipient<'a>>,
    #[serde(borrow)]
    method: Tagged<'a>,
    consent: Option<ExportedConsent>,
    #[serde(borrow)]
    outcome: Option<Tagged<'a>>,
    captured_at: Millis,
    #[serde(borrow, default)]
    sender_identity: Option<ExportedIdentity<'a>>,
    #[serde(borrow, default)]
    inspection: Option<ExportedInspection<'a>>,
}

/// The sender's identity as the server stores it: number and name already masked.
#[derive(Debug, Deserialize)]
struct ExportedIdentity<'a> {
    document: DocumentType,
    #[serde(borrow)]
    number: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
}

#[derive(Debug, Deserialize)]
struct ExportedInspection<'a> {
    #[serde(borrow)]
    item_name: Cow<'a, str>,
    #[serde(borrow)]
    prohibited: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
struct ExportedRecipient<'a> {
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    phone: Cow<'a, str>,
    #[serde(borrow)]
    address: ExportedAddress<'a>,
}

#[derive(Debug, Deserialize)]
struct ExportedAddress<'a> {
    #[serde(borrow)]
    compound: Cow<'a, str>,
    #[serde(borrow)]
    building: Cow<'a, str>,
    #[serde(borrow)]
    unit: Cow<'a, str>,
    #[serde(borrow)]
    room: Cow<'a, str>,
}

/// A method or outcome by its serde tag, which is its `code()` (checked by this module's tests).
#[derive(Debug, Deserialize)]
struct Tagged<'a> {
    #[serde(rename = "type", borrow)]
    code: Cow<'a, str>,
}

#[derive(Debug, Deserialize)]
struct ExportedConsent {
    channel: ConsentChannel,
}

impl<'a> ExportedRecord<'a> {
    /// Reads a record as stored (the JSON of a [`crate::DeliveryRecord`]).
    pub fn from_json(json: &'a str) -> Result<ExportedRecord<'a>, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The record's cells in [`HEADER`] order: `courier` is the courier's name, `received_at`
    /// the server clock when this revision arrived. The recipient's name, phone and room are
    /// masked unless `full`; the sender's ID number and name always are (a number that reaches
    /// here unmasked is masked here: only a reveal, one record at a time, shows it).
    pub fn cells<'s>(
        &'s self,
        courier: &'s str,
        flags: &[ComplianceFlag],
        received_at: Millis,
        full: bool,
    ) -> [Cow<'s, str>; 19] {
        let (name, phone, address) = match &self.recipient {
            Some(r) => {
                let a = &r.address;
                let address = [&*a.compound, &*a.building, &*a.unit, &*a.room];
                if full {
                    (
                        r.name.as_deref().unwrap_or_default().into(),
                        Cow::from(&*r.phone),
                        address_line(address),
                    )
                } else {
                    let masked = MaskedRecipient::from_parts(r.name.as_deref(), &r.phone, address);
                    (
                        masked.name.unwrap_or_default().into(),
                        masked.phone.into(),
                        address_line([
                            &masked.compound,
                            &masked.building,
                            &masked.unit,
                            &masked.room,
                        ]),
                    )
                }
            }
            None => Default::default(),
        };
        let identity = self.sender_identity.as_ref();
        let inspection = self.inspection.as_ref();
        [
            self.id.to_string().into(),
            self.revision.to_string().into(),
            Cow::from(&*self.waybill),
            self.carrier.code().into(),
            Cow::from(&*self.method.code),
            self.outcome
                .as_ref()
                .map_or(Cow::Borrowed(""), |o| Cow::from(&*o.code)),
            courier.into(),
            name,
            phone,
            address.into(),
            self.consent
                .as_ref()
                .map_or("", |c| c.channel.code())
                .into(),
            flags
                .iter()
                .map(|f| f.code())
                .collect::<Vec<_>>()
                .join(" ")
                .into(),
            self.captured_at.to_string().into(),
            received_at.to_string().into(),
            identity.map_or("", |i| i.document.code()).into(),
            identity.map_or(Cow::Borrowed(""), |i| {
                if i.number.contains('*') {
                    Cow::from(&*i.number)
                } else {
                    mask_id(i.document, &i.number).into()
                }
            }),
            identity.map_or(Cow::Borrowed(""), |i| {
                if i.name.contains('*') {
                    Cow::from(&*i.name)
                } else {
                    mask_name(&i.name).into()
                }
            }),
            inspection.map_or(Cow::Borrowed(""), |i| Cow::from(&*i.item_name)),
            inspection
                .and_then(|i| i.prohibited.as_deref())
                .unwrap_or_default()
                .into(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DeliveryRecord;

    fn cells(record: &DeliveryRecord, full: bool) -> Vec<String> {
        let json = serde_json::to_string(record).unwrap();
        let exported = ExportedRecord::from_json(&json).unwrap();
        exported
            .cells(
                "王师傅",
                &[ComplianceFlag::NoCallFirst, ComplianceFlag::LateSync],
                7,
                full,
            )
            .into_iter()
            .map(Cow::into_owned)
            .collect()
    }

    fn locker_record() -> DeliveryRecord {
        let mut record = crate::testing::placed_in_locker(
            crate::testing::door_delivery(5),
            ConsentChannel::RecipientLink,
        );
        record.revision = 2;
        let recipient = record.recipient.as_mut().unwrap();
        // Escaped in JSON, so read into an owned string.
        recipient.name = Some("欧阳\"娜娜\"".into());
        recipient.address.unit = String::new();
        record
    }

    #[test]
    fn cells_follow_the_header_and_mask_unless_full() {
        let record = locker_record();
        let id = record.id.to_string();
        let captured = record.captured_at.to_string();
        let common = |name: &str, phone: &str, address: &str| {
            vec![
                id.clone(),
                "2".into(),
                "SF0000000000005".into(),
                "sf".into(),
                "locker".into(),
                "placed_in_locker".into(),
                "王师傅".into(),
                name.into(),
                phone.into(),
                address.into(),
                "recipient_link".into(),
                "no_call_first late_sync".into(),
                captured.clone(),
                "7".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
            ]
        };
        assert_eq!(
            cells(&record, false),
            common("欧*****", "138******34", "愚园路 1088 弄 5 ***")
        );
        assert_eq!(
            cells(&record, true),
            common("欧阳\"娜娜\"", "13812345634", "愚园路 1088 弄 5 1203")
        );
        assert_eq!(cells(&record, false).len(), HEADER.len());
    }

    #[test]
    fn a_record_without_recipient_or_outcome_has_empty_cells() {
        let mut record = crate::testing::door_delivery(6);
        record.recipient = None;
        for full in [false, true] {
            let cells = cells(&record, full);
            assert_eq!(
                cells[5..=10],
                ["", "王师傅", "", "", "", ""],
                "full: {full}"
            );
        }
    }

    #[test]
    fn the_sender_id_number_is_masked_even_in_a_full_export() {
        let pickup = crate::testing::picked_up(8);
        let stored = DeliveryRecord {
            sender_identity: pickup.sender_identity.as_ref().map(|i| i.masked()),
            ..pickup.clone()
        };
        for record in [&pickup, &stored] {
            for full in [false, true] {
                let cells = cells(record, full);
                assert_eq!(
                    cells[14..],
                    ["resident_id", "110***********002X", "李*", "书", ""],
                    "full: {full}"
                );
            }
        }
    }

    #[test]
    fn every_method_and_outcome_is_exported_by_its_code() {
        let mut record = crate::testing::door_delivery(7);
        for method in crate::testing::every_method() {
            record.method = method.clone();
            assert_eq!(cells(&record, false)[4], method.code());
        }
        for outcome in crate::testing::every_outcome() {
            record.outcome = Some(outcome.clone());
            assert_eq!(cells(&record, false)[5], outcome.code());
        }
    }
}
