//! The day's parcels of a station, each with its latest record, and what the supervisor reads
//! from them: the coverage report and the masked parcel views.

use crate::db::Db;
use crate::error::ApiError;
use crate::manifest::lookup;
use crate::records::query::parse_flags;
use doorstep_core::api::MaskedRecipient;
use doorstep_core::assignment::ParcelView;
use doorstep_core::compliance::ComplianceFlag;
use doorstep_core::coverage::{
    Bucket, CourierCoverage, Coverage, CoverageReport, DayClock, ParcelFacts,
};
use doorstep_core::day::DAY_MS;
use doorstep_core::manifest::Parcel;
use doorstep_core::OutcomeKind;
use std::collections::{BTreeMap, HashMap};

/// A parcel of the day, as stored, with its latest record.
pub struct DayParcel {
    pub courier_id: i64,
    pub parcel: Parcel,
    pub record: Option<LatestRecord>,
}

/// The newest record (by server receive time) made for a parcel's waybill at the station.
pub struct LatestRecord {
    pub id: String,
    pub courier_id: i64,
    pub outcome: Option<OutcomeKind>,
    pub outcome_at: Option<i64>,
    pub flags: Vec<ComplianceFlag>,
    received_at: i64,
}

impl DayParcel {
    pub fn facts(&self) -> ParcelFacts {
        ParcelFacts {
            due: self.parcel.due,
            recorded: self.record.is_some(),
            outcome: self.record.as_ref().and_then(|r| r.outcome),
            outcome_at: self.record.as_ref().and_then(|r| r.outcome_at),
            flags: self
                .record
                .as_ref()
                .map(|r| r.flags.clone())
                .unwrap_or_default(),
        }
    }

    /// The parcel as a supervisor's list shows it: masked, in its bucket, with the other courier
    /// who recorded it when that is not the assignee.
    pub fn view(&self, names: &HashMap<i64, String>, clock: &DayClock) -> ParcelView {
        let facts = self.facts();
        // Counted alone, the parcel's own late and unaccounted flags are the coverage's rules.
        let mut alone = Coverage::default();
        alone.add_parcel(&facts, clock);
        let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| id.to_string());
        ParcelView {
            waybill: self.parcel.waybill.as_str().to_string(),
            carrier: self.parcel.carrier,
            kind: self.parcel.kind,
            day: clock.day,
            due: self.parcel.due,
            courier: name(self.courier_id),
            recipient: MaskedRecipient::of(&self.parcel.recipient),
            flags: self.parcel.flags,
            bucket: Bucket::of(facts.outcome),
            late: alone.late > 0,
            unaccounted: alone.unaccounted > 0,
            record_id: self
                .record
                .as_ref()
                .and_then(|r| uuid::Uuid::parse_str(&r.id).ok()),
            recorded_by: self
                .record
                .as_ref()
                .filter(|r| r.courier_id != self.courier_id)
                .map(|r| name(r.courier_id)),
        }
    }
}

/// A `parcels` row joined with one of its records: waybill, courier, payload, then the record's
/// id, courier, outcome, outcome time, flags and receive time.
type JoinedRow = (
    String,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

/// The day's parcels of the station (of one courier when given), in route order: courier, then
/// place in the manifest.
pub async fn parcels(
    db: &Db,
    station_id: i64,
    clock: &DayClock,
    courier_id: Option<i64>,
) -> Result<Vec<DayParcel>, ApiError> {
    let by_courier = if courier_id.is_some() {
        " AND p.courier_id = $3"
    } else {
        ""
    };
    let sql = format!(
        "SELECT p.waybill, p.courier_id, p.payload, r.id, r.courier_id, r.outcome, r.outcome_at, \
         r.flags, r.received_at FROM parcels p \
         LEFT JOIN records r ON r.station_id = p.station_id AND r.waybill = p.waybill \
         WHERE p.station_id = $1 AND p.day = $2{by_courier} ORDER BY p.courier_id, p.seq, p.waybill"
    );
    let mut query = sqlx::query_as::<_, JoinedRow>(&sql)
        .bind(station_id)
        .bind(clock.day.0);
    if let Some(courier_id) = courier_id {
        query = query.bind(courier_id);
    }
    let rows = query.fetch_all(&db.pool).await?;
    let mut parcels: Vec<DayParcel> = Vec::new();
    let mut last_waybill = String::new();
    for (waybill, courier_id, payload, id, by, outcome, outcome_at, flags, received_at) in rows {
        let record = match (id, by, received_at) {
            (Some(id), Some(courier_id), Some(received_at)) => Some(LatestRecord {
                id,
                courier_id,
                outcome: outcome.as_deref().and_then(OutcomeKind::from_code),
                outcome_at,
                flags: parse_flags(flags.as_deref().unwrap_or_default()),
                received_at,
            }),
            _ => None,
        };
        // A waybill's rows are adjacent: keep its newest record.
        if waybill == last_waybill {
            if let (Some(current), Some(newer)) = (parcels.last_mut(), record) {
                let older = current.record.as_ref().is_none_or(|r| {
                    (r.received_at, r.id.as_str()) < (newer.received_at, newer.id.as_str())
                });
                if older {
                    current.record = Some(newer);
                }
            }
            continue;
        }
        let parcel: Parcel =
            serde_json::from_str(&payload).map_err(|e| ApiError::Internal(Box::new(e)))?;
        parcels.push(DayParcel {
            courier_id,
            parcel,
            record,
        });
        last_waybill = waybill;
    }
    Ok(parcels)
}

/// Records captured on the day for waybills that are no parcel of the station: courier and facts.
async fn unplanned(
    db: &Db,
    station_id: i64,
    clock: &DayClock,
) -> Result<Vec<(i64, ParcelFacts)>, ApiError> {
    let start = clock.day.start_ms();
    let rows: Vec<(i64, Option<String>, Option<i64>, String)> = sqlx::query_as(
        "SELECT r.courier_id, r.outcome, r.outcome_at, r.flags FROM records r \
         WHERE r.station_id = $1 AND r.captured_at >= $2 AND r.captured_at < $3 \
         AND NOT EXISTS (SELECT 1 FROM parcels p WHERE p.station_id = r.station_id \
         AND p.waybill = r.waybill)",
    )
    .bind(station_id)
    .bind(start)
    .bind(start + DAY_MS)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(courier_id, outcome, outcome_at, flags)| {
            let facts = ParcelFacts {
                due: None,
                recorded: true,
                outcome: outcome.as_deref().and_then(OutcomeKind::from_code),
                outcome_at,
                flags: parse_flags(&flags),
            };
            (courier_id, facts)
        })
        .collect())
}

/// The day counted per courier (every courier with a parcel or a record of the day) and for
/// the station.
pub async fn coverage(
    db: &Db,
    station_id: i64,
    clock: &DayClock,
) -> Result<CoverageReport, ApiError> {
    let mut per_courier: HashMap<i64, Coverage> = HashMap::new();
    for parcel in parcels(db, station_id, clock, None).await? {
        per_courier
            .entry(parcel.courier_id)
            .or_default()
            .add_parcel(&parcel.facts(), clock);
    }
    for (courier_id, facts) in unplanned(db, station_id, clock).await? {
        per_courier
            .entry(courier_id)
            .or_default()
            .add_unplanned(&facts);
    }
    let accounts: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, username, display_name FROM accounts WHERE station_id = $1")
            .bind(station_id)
            .fetch_all(&db.pool)
            .await?;
    let mut station = Coverage::default();
    let mut named: BTreeMap<String, CourierCoverage> = BTreeMap::new();
    for (id, username, display_name) in accounts {
        if let Some(coverage) = per_courier.remove(&id) {
            station.merge(&coverage);
            named.insert(
                username.clone(),
                CourierCoverage {
                    courier: username,
                    display_name,
                    coverage,
                },
            );
        }
    }
    Ok(CoverageReport {
        day: clock.day,
        cutoff_minute: clock.cutoff_minute,
        past_cutoff: clock.past_cutoff(),
        station,
        per_courier: named.into_values().collect(),
    })
}

/// Account id → username at the station, for naming couriers in views.
pub async fn names(db: &Db, station_id: i64) -> Result<HashMap<i64, String>, ApiError> {
    let mut conn = db.pool.acquire().await?;
    Ok(lookup::usernames(&mut conn, station_id).await?)
}
