//! Consent links on the server: created when the record that requests one is stored, found by
//! the token's digest, answered and complained about by the recipient. Each answer and complaint
//! goes to the courier's devices through the change feed.

use crate::db::Db;
use crate::now_ms;
use doorstep_core::link::{token_digest, ComplaintKind, LinkDecision};
use doorstep_core::preference::{recipient_key, StandingPreference, Wish};
use doorstep_core::sync::Change;
use doorstep_core::{ConsentChannel, ConsentDecision, DeliveryRecord, Violation};
use sqlx::{Any, Transaction};
use uuid::Uuid;

const HOUR_MS: i64 = 60 * 60 * 1000;

/// What the server refuses of a revision's link: a token digest another link uses, or a consent
/// "by link" that the recipient did not give.
pub async fn check(
    tx: &mut Transaction<'static, Any>,
    record: &DeliveryRecord,
) -> Result<Option<Violation>, sqlx::Error> {
    if let Some(link) = &record.link {
        let holder: Option<(String,)> =
            sqlx::query_as("SELECT id FROM consent_links WHERE token_hash = $1")
                .bind(&link.token_sha256)
                .fetch_optional(&mut **tx)
                .await?;
        if holder.is_some_and(|(id,)| id != link.id.to_string()) {
            return Ok(Some(Violation::LinkRequestInvalid));
        }
    }
    let by_link = record.consent.as_ref().filter(|c| {
        c.channel == ConsentChannel::RecipientLink && c.decision == ConsentDecision::Accepted
    });
    if let Some(consent) = by_link {
        let decision = latest_decision(tx, record.id).await?;
        if !decision.is_some_and(|d| d.consents_to(&consent.method)) {
            return Ok(Some(Violation::LinkDecisionMissing));
        }
    }
    Ok(None)
}

/// Creates the record's link the first time a revision carrying it is stored, and revokes it
/// when a revision says so. Call after [`check`] and after the revision is written.
pub async fn store_request(
    tx: &mut Transaction<'static, Any>,
    courier_id: i64,
    station_id: i64,
    record: &DeliveryRecord,
    received_at: i64,
) -> Result<(), sqlx::Error> {
    let Some(link) = &record.link else {
        return Ok(());
    };
    let revoked_at = link.revoked_at.map(|_| received_at);
    sqlx::query(
        "INSERT INTO consent_links (id, token_hash, record_id, station_id, courier_id, created_at, expires_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (id) DO UPDATE SET revoked_at = COALESCE(consent_links.revoked_at, excluded.revoked_at)",
    )
    .bind(link.id.to_string())
    .bind(&link.token_sha256)
    .bind(record.id.to_string())
    .bind(station_id)
    .bind(courier_id)
    .bind(received_at)
    .bind(received_at + i64::from(link.expires_in_hours) * HOUR_MS)
    .bind(revoked_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The recipient's latest answer about a record, if any.
pub async fn latest_decision(
    tx: &mut Transaction<'static, Any>,
    record_id: Uuid,
) -> Result<Option<LinkDecision>, sqlx::Error> {
    let row: Option<DecisionRow> = sqlx::query_as(
        "SELECT link_id, choice, time_window, note, decided_at FROM link_decisions \
         WHERE record_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(record_id.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(decision_of))
}

type DecisionRow = (String, String, Option<String>, Option<String>, i64);

fn decision_of((link_id, choice, time_window, note, decided_at): DecisionRow) -> LinkDecision {
    LinkDecision {
        link_id: link_id.parse().unwrap_or_default(),
        choice,
        time_window,
        note,
        decided_at,
    }
}

/// A link that a token names, with what the recipient page shows.
pub struct OpenLink {
    pub id: String,
    pub station_id: i64,
    pub courier_id: i64,
    pub record: DeliveryRecord,
    pub courier_name: String,
    pub staff_no: String,
    pub decision: Option<LinkDecision>,
    pub complaints: Vec<ComplaintRow>,
}

/// A complaint as the recipient sees it.
pub struct ComplaintRow {
    pub kind: ComplaintKind,
    pub created_at: i64,
    pub resolved: bool,
}

/// What a token leads to.
pub enum Lookup {
    /// Malformed or unknown: the page says only that the link is not valid.
    Unknown,
    /// Expired or revoked.
    Gone,
    Open(Box<OpenLink>),
}

type LinkRow = (String, i64, i64, i64, Option<i64>, String, String, String);

pub async fn find(db: &Db, token: &str, now: i64) -> Result<Lookup, sqlx::Error> {
    if !doorstep_core::link::is_well_formed(token) {
        return Ok(Lookup::Unknown);
    }
    let row: Option<LinkRow> = sqlx::query_as(
        "SELECT l.id, l.station_id, l.courier_id, l.expires_at, l.revoked_at, r.payload, a.display_name, a.staff_no \
         FROM consent_links l JOIN records r ON r.id = l.record_id JOIN accounts a ON a.id = l.courier_id \
         WHERE l.token_hash = $1",
    )
    .bind(token_digest(token))
    .fetch_optional(&db.pool)
    .await?;
    let Some((id, station_id, courier_id, expires_at, revoked_at, payload, courier_name, staff_no)) =
        row
    else {
        return Ok(Lookup::Unknown);
    };
    if revoked_at.is_some() || now >= expires_at {
        return Ok(Lookup::Gone);
    }
    let record: DeliveryRecord =
        serde_json::from_str(&payload).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let decision: Option<DecisionRow> = sqlx::query_as(
        "SELECT link_id, choice, time_window, note, decided_at FROM link_decisions \
         WHERE link_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(&id)
    .fetch_optional(&db.pool)
    .await?;
    let complaints: Vec<(String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT kind, created_at, resolved_at FROM complaints WHERE link_id = $1 ORDER BY id",
    )
    .bind(&id)
    .fetch_all(&db.pool)
    .await?;
    Ok(Lookup::Open(Box::new(OpenLink {
        id,
        station_id,
        courier_id,
        record,
        courier_name,
        staff_no,
        decision: decision.map(decision_of),
        complaints: complaints
            .into_iter()
            .filter_map(|(kind, created_at, resolved_at)| {
                Some(ComplaintRow {
                    kind: ComplaintKind::from_code(&kind)?,
                    created_at,
                    resolved: resolved_at.is_some(),
                })
            })
            .collect(),
    })))
}

/// The recipient's answer as posted.
pub struct Answer {
    pub choice: String,
    pub time_window: Option<String>,
    pub note: Option<String>,
    pub remember: bool,
}

/// Records an answer, tells the courier, and with "remember" tells every courier of the station
/// the standing preference.
pub async fn decide(db: &Db, link: &OpenLink, answer: Answer) -> Result<(), sqlx::Error> {
    let decided_at = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO link_decisions (link_id, record_id, choice, time_window, note, remember, decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&link.id)
    .bind(link.record.id.to_string())
    .bind(&answer.choice)
    .bind(&answer.time_window)
    .bind(&answer.note)
    .bind(i64::from(answer.remember))
    .bind(decided_at)
    .execute(&mut **tx)
    .await?;
    let decision = LinkDecision {
        link_id: link.id.parse().unwrap_or_default(),
        choice: answer.choice.clone(),
        time_window: answer.time_window.clone(),
        note: answer.note.clone(),
        decided_at,
    };
    let change = Change::RecipientDecision {
        record_id: link.record.id,
        decision,
    };
    crate::changes::notify(&mut tx, link.courier_id, &change).await?;
    if answer.remember {
        if let Some(preference) = standing_preference(&mut tx, link, &answer, decided_at).await? {
            let couriers: Vec<(i64,)> = sqlx::query_as(
                "SELECT id FROM accounts WHERE station_id = $1 AND role = 'courier'",
            )
            .bind(link.station_id)
            .fetch_all(&mut **tx)
            .await?;
            let change = Change::StandingPreference { preference };
            for (courier_id,) in couriers {
                crate::changes::notify(&mut tx, courier_id, &change).await?;
            }
        }
    }
    tx.commit().await
}

/// The preference an answer with "remember" states, keyed like the devices' preference book.
async fn standing_preference(
    tx: &mut Transaction<'static, Any>,
    link: &OpenLink,
    answer: &Answer,
    at: i64,
) -> Result<Option<StandingPreference>, sqlx::Error> {
    let Some(recipient) = &link.record.recipient else {
        return Ok(None);
    };
    let (salt,): (String,) = sqlx::query_as("SELECT preference_salt FROM stations WHERE id = $1")
        .bind(link.station_id)
        .fetch_one(&mut **tx)
        .await?;
    let place = |method: &str| {
        link.record
            .link
            .as_ref()
            .and_then(|l| l.offers.iter().find(|o| o.method == method))
            .map(|o| o.place.clone())
            .unwrap_or_default()
    };
    let wish = match answer.choice.as_str() {
        "locker" => Wish::Locker {
            bank: place("locker"),
        },
        "station" => Wish::Station {
            station: place("station"),
        },
        _ => Wish::Door {
            after: answer.time_window.clone().unwrap_or_default(),
        },
    };
    Ok(Some(StandingPreference {
        id: Uuid::new_v4(),
        recipient_key: recipient_key(&salt, &recipient.phone, &recipient.address),
        wish,
        stated_at: at,
        withdrawn_at: None,
    }))
}

/// Files a recipient's complaint, flagged for the supervisor and sent to the courier.
pub async fn complain(
    db: &Db,
    link: &OpenLink,
    kind: ComplaintKind,
    note: &str,
) -> Result<(), sqlx::Error> {
    let at = now_ms();
    let mut tx = db.begin_write().await?;
    let (complaint_id,): (i64,) = sqlx::query_as(
        "INSERT INTO complaints (record_id, link_id, station_id, courier_id, kind, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(link.record.id.to_string())
    .bind(&link.id)
    .bind(link.station_id)
    .bind(link.courier_id)
    .bind(kind.code())
    .bind(note)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    let change = Change::Complaint {
        record_id: link.record.id,
        complaint_id,
        kind,
        at,
    };
    crate::changes::notify(&mut tx, link.courier_id, &change).await?;
    tx.commit().await
}
