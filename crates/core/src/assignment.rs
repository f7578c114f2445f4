//! Who carries which parcel of the day: the supervisor's moves, the station's area rules, and the
//! parcel as the supervisor's lists show it (masked).

use crate::api::MaskedRecipient;
use crate::coverage::Bucket;
use crate::day::Day;
use crate::record::{ParcelFlags, ParcelKind};
use crate::waybill::Carrier;
use serde::{Deserialize, Serialize};

/// Moves parcels of a day to another courier: the named waybills, or every parcel of a compound.
/// Parcels that already have an outcome stay where they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignRequest {
    pub day: Day,
    #[serde(default)]
    pub waybills: Vec<String>,
    /// Every parcel of the day at this compound.
    #[serde(default)]
    pub compound: Option<String>,
    /// The receiving courier's username.
    pub courier: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignResult {
    pub moved: u32,
    /// Named parcels left alone: already with that courier, or already with an outcome.
    pub kept: u32,
}

/// An area code or compound name, and the courier its parcels go to when the manifest names none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaRule {
    pub key: String,
    pub courier: String,
}

/// One parcel of the day as a supervisor sees it: personal data masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParcelView {
    pub waybill: String,
    pub carrier: Carrier,
    pub kind: ParcelKind,
    pub day: Day,
    pub due: Option<Day>,
    /// The username of the courier it is assigned to.
    pub courier: String,
    pub recipient: MaskedRecipient,
    pub flags: ParcelFlags,
    pub bucket: Bucket,
    pub late: bool,
    pub unaccounted: bool,
    /// The record's id, when one exists.
    pub record_id: Option<uuid::Uuid>,
    /// The username of the courier who recorded it, when that is not the assignee (moved while
    /// the first courier was recording it).
    pub recorded_by: Option<String>,
}
