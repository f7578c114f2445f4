//! Consent links on the server: created when the record that requests one is stored, found by
//! the token's digest, answered and complained about by the recipient. Each answer and complaint
//! goes to the courier's devices through the change feed.

use crate::clock::now_ms;
use crate::db::{rows_per_statement, Db, Placeholders};
use crate::live::hub::{Topic, Wake};
use doorstep_core::api::PhotoArrival;
use doorstep_core::link::{token_digest, ComplaintKind, LinkDecision, LinkRequest};
use doorstep_core::preference::{recipient_key, StandingPreference, Wish};
use doorstep_core::proof::PhotoId;
use doorstep_core::sync::Change;
use doorstep_core::{
    Consent, ConsentChannel, ConsentDecision, DeliveryRecord, MethodKind, Violation,
};
use sqlx::{Any, Transaction};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

const HOUR_MS: i64 = 60 * 60 * 1000;

/// What the link rules need to know of the database for one batch, read in at most two
/// statements and kept up to date while the batch is decided, so a later revision of the batch
/// sees the links an earlier one creates.
#[derive(Default)]
pub struct LinkState {
    /// Which link holds each token digest.
    holders: HashMap<String, String>,
    /// Links that exist: a later revision can revoke one but not change its token.
    existing: HashSet<String>,
    /// The recipient's latest answer about each record.
    decisions: HashMap<String, LinkDecision>,
}

impl LinkState {
    /// Reads the links and answers that the batch's revisions name.
    pub async fn load(
        tx: &mut Transaction<'static, Any>,
        records: &[&DeliveryRecord],
    ) -> Result<LinkState, sqlx::Error> {
        let mut state = LinkState::default();
        let requested: Vec<(String, &str)> = records
            .iter()
            .filter_map(|r| r.link.as_ref())
            .map(|link| (link.id.to_string(), link.token_sha256.as_str()))
            .collect();
        for chunk in requested.chunks(rows_per_statement(2)) {
            let sql = format!(
                "SELECT id, token_hash FROM consent_links WHERE token_hash IN ({}) OR id IN ({})",
                Placeholders::of(tx).list(1, chunk.len()),
                Placeholders::of(tx).list(chunk.len() + 1, chunk.len())
            );
            let mut query = sqlx::query_as::<_, (String, String)>(&sql);
            for (_, token) in chunk {
                query = query.bind(*token);
            }
            for (id, _) in chunk {
                query = query.bind(id.as_str());
            }
            for (id, token) in query.fetch_all(&mut **tx).await? {
                state.holders.insert(token, id.clone());
                state.existing.insert(id);
            }
        }
        let by_link: Vec<String> = records
            .iter()
            .filter(|r| consent_by_link(r).is_some())
            .map(|r| r.id.to_string())
            .collect();
        for chunk in by_link.chunks(rows_per_statement(1)) {
            let sql = format!(
                "SELECT record_id, link_id, choice, time_window, note, decided_at FROM link_decisions \
                 WHERE record_id IN ({}) ORDER BY id",
                Placeholders::of(tx).list(1, chunk.len())
            );
            let mut query = sqlx::query_as::<
                _,
                (String, String, String, Option<String>, Option<String>, i64),
            >(&sql);
            for id in chunk {
                query = query.bind(id.as_str());
            }
            for (record_id, link_id, choice, time_window, note, decided_at) in
                query.fetch_all(&mut **tx).await?
            {
                let decision = decision_of((link_id, choice, time_window, note, decided_at))?;
                state.decisions.insert(record_id, decision);
            }
        }
        Ok(state)
    }

    /// What the server refuses of a revision's link: a token digest another link uses, or a
    /// consent "by link" that the recipient did not give.
    pub fn check(&self, record: &DeliveryRecord) -> Option<Violation> {
        if let Some(link) = &record.link {
            let holder = self.holders.get(&link.token_sha256);
            if holder.is_some_and(|id| *id != link.id.to_string()) {
                return Some(Violation::LinkRequestInvalid);
            }
        }
        if let Some(consent) = consent_by_link(record) {
            let decision = self.decisions.get(&record.id.to_string());
            if !decision.is_some_and(|d| d.consents_to(consent.method)) {
                return Some(Violation::LinkDecisionMissing);
            }
        }
        None
    }

    /// Takes in a revision that passed [`LinkState::check`] and will be stored: its link, if new,
    /// now holds its token.
    pub fn note_stored(&mut self, record: &DeliveryRecord) {
        let Some(link) = &record.link else {
            return;
        };
        let id = link.id.to_string();
        if self.existing.insert(id.clone()) {
            self.holders.insert(link.token_sha256.clone(), id);
        }
    }
}

/// The revision's consent if the recipient gave it through a link.
fn consent_by_link(record: &DeliveryRecord) -> Option<&Consent> {
    record.consent.as_ref().filter(|c| {
        c.channel == ConsentChannel::RecipientLink && c.decision == ConsentDecision::Accepted
    })
}

/// Columns of one `consent_links` row.
const LINK_COLUMNS: usize = 8;

/// Creates each record's link the first time a revision carrying it is stored, and revokes it
/// when a revision says so. Call with revisions that passed [`LinkState::check`], in batch order,
/// after they are written.
pub async fn store_requests(
    tx: &mut Transaction<'static, Any>,
    courier_id: i64,
    station_id: i64,
    records: &[&DeliveryRecord],
    received_at: i64,
) -> Result<(), sqlx::Error> {
    // One row per link (PostgreSQL refuses an upsert that touches one row twice): the first
    // revision naming it creates it, and any of them revokes it.
    let mut links: Vec<(String, &DeliveryRecord, &LinkRequest, Option<i64>)> = Vec::new();
    for record in records {
        let Some(link) = &record.link else {
            continue;
        };
        let id = link.id.to_string();
        let revoked_at = link.revoked_at.map(|_| received_at);
        match links.iter_mut().find(|(seen, ..)| *seen == id) {
            Some((.., revoked)) => *revoked = revoked.or(revoked_at),
            None => links.push((id, record, link, revoked_at)),
        }
    }
    for chunk in links.chunks(rows_per_statement(LINK_COLUMNS)) {
        let sql = format!(
            "INSERT INTO consent_links (id, token_hash, record_id, station_id, courier_id, created_at, expires_at, revoked_at) \
             VALUES {} \
             ON CONFLICT (id) DO UPDATE SET revoked_at = COALESCE(consent_links.revoked_at, excluded.revoked_at)",
            Placeholders::of(tx).rows(chunk.len(), LINK_COLUMNS)
        );
        let mut query = sqlx::query(&sql);
        for (id, record, link, revoked_at) in chunk {
            query = query
                .bind(id.as_str())
                .bind(link.token_sha256.as_str())
                .bind(record.id.to_string())
                .bind(station_id)
                .bind(courier_id)
                .bind(received_at)
                .bind(received_at + i64::from(link.expires_in_hours) * HOUR_MS)
                .bind(*revoked_at);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

type DecisionRow = (String, String, Option<String>, Option<String>, i64);

/// A stored decision; its choice was checked against the link's offers when it was made.
fn decision_of(
    (link_id, choice, time_window, note, decided_at): DecisionRow,
) -> Result<LinkDecision, sqlx::Error> {
    let choice = MethodKind::from_code(&choice)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown choice {choice:?}").into()))?;
    Ok(LinkDecision {
        link_id: link_id.parse().unwrap_or_default(),
        choice,
        time_window,
        note,
        decided_at,
    })
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
    /// The record's photos whose bytes the server holds, in the courier's order.
    pub photos: Vec<PhotoId>,
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
    let photos = crate::photos::names::states(db, &record.photos)
        .await?
        .into_iter()
        .filter(|p| p.state == PhotoArrival::Stored)
        .map(|p| p.id)
        .collect();
    Ok(Lookup::Open(Box::new(OpenLink {
        id,
        station_id,
        courier_id,
        photos,
        record,
        courier_name,
        staff_no,
        decision: decision.map(decision_of).transpose()?,
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
    pub choice: MethodKind,
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
    .bind(answer.choice.code())
    .bind(&answer.time_window)
    .bind(&answer.note)
    .bind(i64::from(answer.remember))
    .bind(decided_at)
    .execute(&mut **tx)
    .await?;
    let decision = LinkDecision {
        link_id: link.id.parse().unwrap_or_default(),
        choice: answer.choice,
        time_window: answer.time_window.clone(),
        note: answer.note.clone(),
        decided_at,
    };
    let change = Change::RecipientDecision {
        record_id: link.record.id,
        decision,
    };
    crate::changes::notify(&mut tx, link.courier_id, &change).await?;
    tx.wake(Wake::Topic(Topic::Station(link.station_id)));
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
    let place = |method: MethodKind| {
        link.record
            .link
            .as_ref()
            .and_then(|l| l.offers.iter().find(|o| o.method == method))
            .map(|o| o.place.clone())
            .unwrap_or_default()
    };
    let wish = match answer.choice {
        MethodKind::Locker => Wish::Locker {
            bank: place(MethodKind::Locker),
        },
        MethodKind::Station => Wish::Station {
            station: place(MethodKind::Station),
        },
        MethodKind::Door => Wish::Door {
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
    tx.wake(Wake::Topic(Topic::Station(link.station_id)));
    tx.commit().await
}
