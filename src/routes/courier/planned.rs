//! The draft for a parcel of the day's route, found by its waybill: what tapping a stop,
//! scanning a label or editing a record of the route opens.

use super::draft::Draft;
use crate::device::Device;
use doorstep_core::{DeliveryRecord, Waybill};
use leptos::prelude::*;

/// The draft for the route's parcel with this waybill (the next revision of its record when the
/// courier already made one), or `None` when the parcel is not on the route.
pub fn planned_draft(device: Device, waybill: &Waybill) -> Option<Draft> {
    let parcel = device.parcels.with_untracked(|parcels| {
        parcels
            .iter()
            .find(|p| p.parcel.waybill == *waybill)
            .cloned()
    })?;
    let previous = device.entries.with_untracked(|entries| {
        entries
            .iter()
            .filter(|e| e.record.waybill == *waybill)
            .max_by_key(|e| e.record.revised_at)
            .map(|e| e.record.clone())
    });
    Some(Draft::from_parcel(&parcel, previous.as_ref()))
}

/// The draft that edits `record`: as a route parcel when it is one, so its number stays hidden.
pub fn draft_for_record(device: Device, record: &DeliveryRecord) -> Draft {
    planned_draft(device, &record.waybill)
        .filter(|d| d.editing.as_ref().is_some_and(|e| e.id == record.id))
        .unwrap_or_else(|| Draft::from_record(record))
}

/// Whether the waybill is one of the route's parcels.
pub fn is_on_route(device: Device, waybill: &Waybill) -> bool {
    device
        .parcels
        .with(|parcels| parcels.iter().any(|p| p.parcel.waybill == *waybill))
}
