//! Selecting a station's records: the filter as SQL, keyset pages newest first, and one record
//! by id. Shared by the review list, the record's page and the export.

use crate::db::Db;
use crate::error::{ApiError, Text};
use doorstep_core::api::{RecordFilter, RecordSummary};
use doorstep_core::compliance::ComplianceFlag;
use doorstep_core::DeliveryRecord;
use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;
use sqlx::Any;

/// `SF123` → `321FS`: the `waybill_reversed` column, where a suffix search becomes a prefix
/// range.
pub fn reversed(waybill: &str) -> String {
    waybill.chars().rev().collect()
}

/// A query parameter value, bound by number so one SQL text serves SQLite and PostgreSQL.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

/// The `WHERE` clause over `records r` for one station and filter, with its parameters.
#[derive(Debug, Clone)]
pub struct Selection {
    sql: String,
    pub(crate) binds: Vec<Bind>,
    /// Filtered by a flag: the rows come from that flag's index `record_flags f`, newest first,
    /// so a page costs the same whether the flag is common or rare.
    by_flag: bool,
    /// Filtered by capture time: that range's index holds the page's keys, so they are picked
    /// from the index alone before the page's rows are read (see [`fetch_raw_page`]).
    by_capture_time: bool,
}

impl Selection {
    pub async fn new(
        db: &Db,
        station_id: i64,
        filter: &RecordFilter,
    ) -> Result<Selection, ApiError> {
        let mut selection = Selection {
            sql: "r.station_id = $1".into(),
            binds: vec![Bind::Int(station_id)],
            by_flag: false,
            by_capture_time: filter.captured_from.is_some() || filter.captured_to.is_some(),
        };
        let times = [
            ("r.captured_at >=", filter.captured_from),
            ("r.captured_at <", filter.captured_to),
            ("r.received_at >=", filter.received_from),
            ("r.received_at <", filter.received_to),
        ];
        for (condition, value) in times {
            if let Some(ms) = value {
                selection.and(&format!("{condition} $?"), [Bind::Int(ms)]);
            }
        }
        let codes = [
            ("r.outcome = $?", &filter.outcome),
            ("r.method = $?", &filter.method),
            ("r.consent_channel = $?", &filter.consent_channel),
            ("r.carrier = $?", &filter.carrier),
        ];
        for (condition, value) in codes {
            if let Some(code) = value.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                selection.and(condition, [Bind::Text(code.to_string())]);
            }
        }
        if let Some(courier) = filter.courier.as_deref().map(str::trim) {
            if !courier.is_empty() {
                // Resolved first: `courier_id = <one id>` walks the courier's index newest first,
                // where an `IN (subquery)` would make the database sort all their records.
                let ids: Vec<(i64,)> = sqlx::query_as(
                    "SELECT id FROM accounts WHERE station_id = $1 AND (username = $2 OR staff_no = $2)",
                )
                .bind(station_id)
                .bind(courier)
                .fetch_all(&db.pool)
                .await?;
                match ids.as_slice() {
                    [(id,)] => selection.and("r.courier_id = $?", [Bind::Int(*id)]),
                    ids => {
                        let list = vec!["$?"; ids.len().max(1)].join(", ");
                        // No such courier: `-1` is no account's id, so nothing matches.
                        let binds = if ids.is_empty() {
                            vec![-1]
                        } else {
                            ids.iter().map(|(id,)| *id).collect()
                        };
                        selection.and(
                            &format!("r.courier_id IN ({list})"),
                            binds.into_iter().map(Bind::Int),
                        );
                    }
                }
            }
        }
        if let Some(flag) = filter.flag {
            selection.and(
                "f.station_id = $1 AND f.flag = $?",
                [Bind::Text(flag.code().into())],
            );
            selection.by_flag = true;
        }
        if filter.photo_pending == Some(true) {
            selection.and(crate::photos::names::PENDING_SQL, []);
        }
        if let Some(waybill) = filter.waybill.as_deref().map(str::trim) {
            if !waybill.is_empty() {
                let (low, high) = suffix_range(waybill)?;
                selection.and(
                    "r.waybill_reversed >= $? AND r.waybill_reversed < $?",
                    [Bind::Text(low), Bind::Text(high)],
                );
            }
        }
        Ok(selection)
    }

    /// Adds `AND condition`, numbering each `$?` in turn.
    fn and(&mut self, condition: &str, binds: impl IntoIterator<Item = Bind>) {
        let mut text = condition.to_string();
        for bind in binds {
            self.binds.push(bind);
            text = text.replacen("$?", &format!("${}", self.binds.len()), 1);
        }
        self.sql.push_str(" AND ");
        self.sql.push_str(&text);
    }

    fn bind_to<'q, O>(
        &self,
        mut query: QueryAs<'q, Any, O, AnyArguments<'q>>,
    ) -> QueryAs<'q, Any, O, AnyArguments<'q>> {
        for bind in &self.binds {
            query = match bind {
                Bind::Int(v) => query.bind(*v),
                Bind::Text(v) => query.bind(v.clone()),
            };
        }
        query
    }
}

/// The range of reversed waybills that end with `tail`: `[tail reversed, next string)`.
fn suffix_range(tail: &str) -> Result<(String, String), ApiError> {
    if !tail.chars().all(|c| c.is_ascii_alphanumeric()) || tail.len() > 40 {
        return Err(ApiError::bad_request(
            "invalid_waybill",
            Text::new(
                "请按运单号的字母和数字搜索（最多 40 位）",
                "search a waybill by its letters and digits (at most 40)",
            ),
        ));
    }
    let low = reversed(&tail.to_ascii_uppercase());
    let mut high = low.clone().into_bytes();
    if let Some(last) = high.last_mut() {
        // ASCII alphanumerics are below 0x7f, so the increment stays ASCII.
        *last += 1;
    }
    Ok((low, String::from_utf8(high).unwrap_or_default()))
}

/// Keyset position: newest first by server receive time, then id.
pub fn parse_cursor(cursor: &str) -> Result<(i64, String), ApiError> {
    let bad = || {
        ApiError::bad_request(
            "invalid_cursor",
            Text::new(
                "before 须为上一页返回的 next 值",
                "`before` must be a `next` value from a previous page",
            ),
        )
    };
    let (at, id) = cursor.split_once('_').ok_or_else(bad)?;
    let at: i64 = at.parse().map_err(|_| bad())?;
    let id = uuid::Uuid::parse_str(id).map_err(|_| bad())?;
    Ok((at, id.to_string()))
}

/// A stored record with what the list shows beside it.
pub struct StoredRow {
    pub record: DeliveryRecord,
    pub courier: String,
    pub received_at: i64,
    pub flags: Vec<ComplianceFlag>,
}

impl StoredRow {
    pub fn summary(&self) -> RecordSummary {
        RecordSummary::masked(
            &self.record,
            self.courier.clone(),
            self.received_at,
            self.flags.clone(),
        )
    }
}

pub fn parse_flags(codes: &str) -> Vec<ComplianceFlag> {
    codes
        .split(',')
        .filter_map(ComplianceFlag::from_code)
        .collect()
}

pub fn parse_payload(payload: &str) -> Result<DeliveryRecord, ApiError> {
    serde_json::from_str(payload).map_err(|e| ApiError::Internal(Box::new(e)))
}

/// A stored row as read, before its payload is parsed: id, payload, receive time, courier's
/// name, flag codes.
pub type RawRow = (String, String, i64, String, String);
/// The columns of a [`RawRow`], over `records r` and `accounts a`.
const RAW_COLUMNS: &str = "r.id, r.payload, r.received_at, a.display_name, r.flags";

/// One keyset page of the selection, newest first, after `before` when given.
pub async fn fetch_page(
    db: &Db,
    selection: &Selection,
    before: Option<&(i64, String)>,
    limit: i64,
) -> Result<Vec<StoredRow>, ApiError> {
    fetch_raw_page(db, selection, before, limit)
        .await?
        .into_iter()
        .map(parse_row)
        .collect()
}

/// [`fetch_page`] without parsing, so an export can read the next page while it writes this one.
pub(crate) async fn fetch_raw_page(
    db: &Db,
    selection: &Selection,
    before: Option<&(i64, String)>,
    limit: i64,
) -> Result<Vec<RawRow>, ApiError> {
    let (sql, selection) = raw_page_query(selection, before, limit);
    Ok(selection
        .bind_to(sqlx::query_as(&sql))
        .fetch_all(&db.pool)
        .await?)
}

/// The statement of one keyset page of [`RawRow`]s, and the selection with its parameters.
pub(crate) fn raw_page_query(
    selection: &Selection,
    before: Option<&(i64, String)>,
    limit: i64,
) -> (String, Selection) {
    let mut selection = selection.clone();
    // A flag's rows carry their record's receive time, so both orders are the same order.
    let (from, at, id_column) = if selection.by_flag {
        (
            "record_flags f JOIN records r ON r.id = f.record_id",
            "f.received_at",
            "f.record_id",
        )
    } else {
        ("records r", "r.received_at", "r.id")
    };
    if let Some((before_at, before_id)) = before {
        // The plain `<=` lets the index seek to the cursor; the `OR` alone makes SQLite walk
        // every newer row first, so each page of an export would cost more than the last.
        selection.and(
            &format!("{at} <= $? AND ({at} < $? OR ({at} = $? AND {id_column} < $?))"),
            [
                Bind::Int(*before_at),
                Bind::Int(*before_at),
                Bind::Int(*before_at),
                Bind::Text(before_id.clone()),
            ],
        );
    }
    selection.binds.push(Bind::Int(limit));
    let (filter, limit_param) = (&selection.sql, selection.binds.len());
    let sql = if selection.by_capture_time && !selection.by_flag {
        // A week of one courier is thousands of index entries to sort by receive time; reading
        // each one's row first (the payload with it) is what made this filter slow. The unary
        // `+` keeps PostgreSQL off the newest-first index: its planner expects matches spread
        // evenly and walks newest first, but a week months back lies behind every newer row.
        // The cost grows with the range.
        format!(
            "SELECT {RAW_COLUMNS} FROM \
             (SELECT r.id AS id, r.received_at AS at FROM records r WHERE {filter} \
              ORDER BY +r.received_at DESC, r.id DESC LIMIT ${limit_param}) page \
             JOIN records r ON r.id = page.id JOIN accounts a ON a.id = r.courier_id \
             ORDER BY page.at DESC, page.id DESC"
        )
    } else {
        // Here the index walked is already in page order: rows are read as it goes.
        format!(
            "SELECT {RAW_COLUMNS} FROM {from} JOIN accounts a ON a.id = r.courier_id \
             WHERE {filter} ORDER BY {at} DESC, {id_column} DESC LIMIT ${limit_param}"
        )
    };
    (sql, selection)
}

fn parse_row((_, payload, received_at, courier, flags): RawRow) -> Result<StoredRow, ApiError> {
    Ok(StoredRow {
        record: parse_payload(&payload)?,
        courier,
        received_at,
        flags: parse_flags(&flags),
    })
}

/// The record if it belongs to the caller's station; another station's record is "not found".
pub async fn station_record(
    db: &Db,
    station_id: i64,
    id: &uuid::Uuid,
) -> Result<(StoredRow, i64), ApiError> {
    let row: Option<(String, i64, String, String, i64)> = sqlx::query_as(
        "SELECT r.payload, r.received_at, a.display_name, r.flags, r.courier_id FROM records r \
         JOIN accounts a ON a.id = r.courier_id WHERE r.id = $1 AND r.station_id = $2",
    )
    .bind(id.to_string())
    .bind(station_id)
    .fetch_optional(&db.pool)
    .await?;
    let (payload, received_at, courier, flags, courier_id) = row.ok_or(ApiError::NotFound)?;
    Ok((
        StoredRow {
            record: parse_payload(&payload)?,
            courier,
            received_at,
            flags: parse_flags(&flags),
        },
        courier_id,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_range_covers_exactly_the_tail() {
        let (low, high) = suffix_range("0123").unwrap();
        assert_eq!((low.as_str(), high.as_str()), ("3210", "3211"));
        let record = reversed("SF1234567890123");
        assert!(record.as_str() >= low.as_str() && record.as_str() < high.as_str());
        assert!(suffix_range("12%").is_err());
    }
}
