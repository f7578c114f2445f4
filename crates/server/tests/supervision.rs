//! Supervisor review (issue 7): flags stored at sync, the filtered list, a record's detail and
//! notes flowing back to the courier, the CSV export, the dashboard, the audit trail, and who may
//! read what.

mod common;

use axum::http::{Method, StatusCode};
use common::{record, TestServer};
use doorstep_core::api::{Dashboard, NoteView, RecordDetail, RecordPage};
use doorstep_core::audit::ChainBreak;
use doorstep_core::compliance::ComplianceFlag;
use doorstep_core::sync::Change;
use doorstep_core::testing::placed_in_locker;
use doorstep_core::{Carrier, ConsentChannel, DeliveryRecord, Outcome};
use doorstep_server::audit;
use doorstep_server::clock::now_ms;
use doorstep_server::db::Backend;
use doorstep_server::records::store;
use uuid::Uuid;

const DAY: i64 = 24 * 60 * 60 * 1000;

/// Captured two days ago: lawful, but synced late.
fn late_record(n: u128) -> DeliveryRecord {
    let mut record = record(n);
    record.captured_at = now_ms() - 2 * DAY;
    record.revised_at = record.captured_at;
    record
}

fn fresh_record(n: u128) -> DeliveryRecord {
    let mut record = record(n);
    record.captured_at = now_ms() - 60_000;
    record.revised_at = record.captured_at;
    record
}

fn waybills(page: &RecordPage) -> Vec<String> {
    page.records.iter().map(|r| r.waybill.clone()).collect()
}

async fn note(
    server: &TestServer,
    id: u128,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    server
        .send(
            Method::POST,
            &format!("/api/v1/records/{}/notes", Uuid::from_u128(id)),
            Some(&server.supervisor),
            Some(body.to_string()),
        )
        .await
}

#[tokio::test]
async fn flags_are_stored_at_sync_and_every_filter_narrows_the_list() {
    let server = TestServer::start().await;
    let mut many_attempts = fresh_record(3);
    many_attempts.failed_attempts = 4;
    many_attempts.outcome = Some(Outcome::FailedAttempt {
        reason: "无人".into(),
    });
    server
        .sync(vec![late_record(1), fresh_record(2), many_attempts])
        .await;

    let flagged = server.records_page("flag=late_sync").await;
    assert_eq!(waybills(&flagged), vec!["SF0000000000001"]);
    assert_eq!(flagged.records[0].flags, vec![ComplianceFlag::LateSync]);
    assert_eq!(
        waybills(&server.records_page("flag=too_many_attempts").await),
        vec!["SF0000000000003"]
    );
    assert_eq!(
        server
            .records_page("outcome=failed_attempt")
            .await
            .records
            .len(),
        1
    );
    assert_eq!(
        server
            .records_page("method=door&carrier=sf")
            .await
            .records
            .len(),
        3
    );
    assert_eq!(server.records_page("method=locker").await.records.len(), 0);
    assert_eq!(
        server.records_page("courier=courier").await.records.len(),
        3
    );
    assert_eq!(
        server.records_page("courier=SH-0217").await.records.len(),
        3
    );
    assert_eq!(server.records_page("courier=nobody").await.records.len(), 0);
    assert_eq!(
        server
            .records_page("consent_channel=in_person")
            .await
            .records
            .len(),
        0
    );
    let since = now_ms() - DAY;
    assert_eq!(
        server
            .records_page(&format!("captured_from={since}"))
            .await
            .records
            .len(),
        2
    );
    assert_eq!(
        server
            .records_page(&format!("received_to={since}"))
            .await
            .records
            .len(),
        0
    );
    assert_eq!(
        waybills(&server.records_page("waybill=0002").await),
        vec!["SF0000000000002"]
    );
    assert_eq!(
        waybills(&server.records_page("waybill=sf0000000000003").await),
        vec!["SF0000000000003"],
        "an exact number, in any case"
    );
    let (status, body) = server
        .send(
            Method::GET,
            "/api/v1/records?waybill=12%25",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_waybill");

    // Keyset pages keep the filter.
    let first = server.records_page("method=door&limit=2").await;
    let next = first.next.clone().expect("a second page");
    let second = server
        .records_page(&format!("method=door&limit=2&before={next}"))
        .await;
    assert_eq!(first.records.len() + second.records.len(), 3);
    assert!(second.next.is_none());
}

#[tokio::test]
async fn a_newer_revision_replaces_the_flags() {
    let server = TestServer::start().await;
    let mut attempts = fresh_record(1);
    attempts.failed_attempts = 5;
    server.sync(vec![attempts.clone()]).await;
    assert_eq!(
        server
            .records_page("flag=too_many_attempts")
            .await
            .records
            .len(),
        1
    );
    attempts.revision = 2;
    attempts.failed_attempts = 0;
    server.sync(vec![attempts]).await;
    assert!(server
        .records_page("flag=too_many_attempts")
        .await
        .records
        .is_empty());
}

/// The plan `db` would run `query` with, one line per step, with sequential scans ruled out on
/// PostgreSQL (it prefers one on a table this small), so only a usable index keeps them out.
async fn plan(db: &doorstep_server::db::Db, query: &str) -> String {
    let mut tx = db.pool.begin().await.unwrap();
    if db.backend == Backend::Postgres {
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *tx)
            .await
            .unwrap();
        let rows: Vec<(String,)> = sqlx::query_as(&format!("EXPLAIN {query}"))
            .fetch_all(&mut *tx)
            .await
            .unwrap();
        return rows
            .into_iter()
            .map(|(line,)| line)
            .collect::<Vec<_>>()
            .join("\n");
    }
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {query}"))
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    rows.into_iter()
        .map(|(.., line)| line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rows stored before the review columns (migration 0004) and the outcome time (0011) existed get
/// them at startup, found through partial indexes (0015): a start must not read every record,
/// or a restart after a crash takes longer the more records a station has.
#[tokio::test]
async fn the_startup_backfills_fill_old_rows_through_their_indexes() {
    let server = TestServer::start().await;
    let mut old = fresh_record(1);
    old.failed_attempts = 5;
    old.outcome = Some(Outcome::DeliveredToRecipient);
    old.outcome_at = Some(old.revised_at + 1_000);
    server.sync(vec![old.clone(), fresh_record(2)]).await;
    let id = Uuid::from_u128(1).to_string();
    sqlx::query(
        "UPDATE records SET waybill_reversed = '', flags = '', outcome_at = NULL WHERE id = $1",
    )
    .bind(&id)
    .execute(&server.db.pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM record_flags WHERE record_id = $1")
        .bind(&id)
        .execute(&server.db.pool)
        .await
        .unwrap();
    assert!(server
        .records_page("flag=too_many_attempts")
        .await
        .records
        .is_empty());

    for (query, index) in [
        (store::UNREVIEWED_ROWS, "records_unreviewed"),
        (store::ROWS_WITHOUT_OUTCOME_AT, "records_outcome_at_missing"),
    ] {
        let plan = plan(&server.db, query).await;
        assert!(plan.contains(index), "{query}: {plan}");
    }
    store::backfill_review_columns(&server.db).await.unwrap();
    store::backfill_outcome_at(&server.db).await.unwrap();

    let flagged = server.records_page("flag=too_many_attempts").await;
    assert_eq!(waybills(&flagged), vec![old.waybill.as_str().to_string()]);
    let suffix = &old.waybill.as_str()[old.waybill.as_str().len() - 5..];
    let found = server.records_page(&format!("waybill={suffix}")).await;
    assert_eq!(waybills(&found), vec![old.waybill.as_str().to_string()]);
    let (outcome_at,): (Option<i64>,) =
        sqlx::query_as("SELECT outcome_at FROM records WHERE id = $1")
            .bind(&id)
            .fetch_one(&server.db.pool)
            .await
            .unwrap();
    assert_eq!(outcome_at, old.outcome_at);
}

#[tokio::test]
async fn detail_shows_every_revision_masked_unless_asked_and_audited() {
    let server = TestServer::start().await;
    let first = late_record(1);
    let mut second = first.clone();
    second.revision = 2;
    second.revised_at += 1000;
    second.outcome = Some(Outcome::DeliveredToRecipient);
    second.outcome_at = Some(second.revised_at);
    server.sync(vec![first, second]).await;

    let uri = format!("/api/v1/records/{}", Uuid::from_u128(1));
    let (status, body) = server
        .send(Method::GET, &uri, Some(&server.supervisor), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body.to_string().contains("13812345634"));
    let detail: RecordDetail = serde_json::from_value(body).unwrap();
    assert_eq!(detail.revisions.len(), 2);
    assert_eq!(
        detail.revisions[1].outcome.as_deref(),
        Some("delivered_to_recipient")
    );
    assert!(detail.revisions[0].received_at > detail.revisions[0].revised_at);
    assert_eq!(detail.recipient.unwrap().phone, "138******34");
    assert!(detail.full_recipient.is_none());
    assert_eq!(detail.flags[0].flag, ComplianceFlag::LateSync);
    assert!(audit::entries(&server.db).await.unwrap().is_empty());

    let (status, body) = server
        .send(
            Method::GET,
            &format!("{uri}?full=1"),
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let detail: RecordDetail = serde_json::from_value(body).unwrap();
    assert_eq!(detail.full_recipient.unwrap().phone, "13812345634");
    let entries = audit::entries(&server.db).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "view_personal_data");
    assert_eq!(entries[0].subject, Uuid::from_u128(1).to_string());
}

#[tokio::test]
async fn notes_and_reviews_reach_the_courier_once_through_the_sync_cursor() {
    let server = TestServer::start().await;
    server.sync(vec![late_record(1), fresh_record(2)]).await;

    let (status, body) = note(&server, 1, serde_json::json!({ "note": "请当天同步" })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = note(
        &server,
        1,
        serde_json::json!({ "note": "电梯故障，已核实", "reviewed_flag": "late_sync" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let review: NoteView = serde_json::from_value(body).unwrap();

    let (status, body) = note(
        &server,
        2,
        serde_json::json!({ "note": "x", "reviewed_flag": "late_sync" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "record 2 carries no flag");
    assert_eq!(body["error"]["code"], "flag_not_raised");
    let (status, _) = note(&server, 1, serde_json::json!({ "note": "  " })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let pulled = server.sync_from(0, Vec::new()).await;
    assert_eq!(pulled.cursor, 2);
    assert_eq!(
        pulled.changes,
        vec![
            Change::SupervisorNote {
                record_id: Uuid::from_u128(1),
                note: "请当天同步".into(),
                at: pulled_at(&pulled.changes[0]),
                reviewed_flag: None,
            },
            Change::SupervisorNote {
                record_id: Uuid::from_u128(1),
                note: "电梯故障，已核实".into(),
                at: review.created_at,
                reviewed_flag: Some(ComplianceFlag::LateSync),
            },
        ]
    );
    let again = server.sync_from(pulled.cursor, Vec::new()).await;
    assert!(again.changes.is_empty());
    assert_eq!(again.cursor, 2, "the cursor stays where it was");

    let detail: RecordDetail = serde_json::from_value(
        server
            .send(
                Method::GET,
                &format!("/api/v1/records/{}", Uuid::from_u128(1)),
                Some(&server.supervisor),
                None,
            )
            .await
            .1,
    )
    .unwrap();
    assert_eq!(detail.notes.len(), 2);
    assert_eq!(detail.flags[0].reviewed_by_note, Some(review.id));
    let actions: Vec<String> = audit::entries(&server.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, vec!["note", "review"]);
}

fn pulled_at(change: &Change) -> i64 {
    match change {
        Change::SupervisorNote { at, .. } => *at,
        other => panic!("only supervisor notes were expected, got {other:?}"),
    }
}

#[tokio::test]
async fn the_csv_export_is_masked_streams_chinese_text_and_is_audited() {
    let server = TestServer::start().await;
    let mut refused = fresh_record(2);
    refused.outcome = Some(Outcome::Refused {
        reason: "收件人说\"不要\"，改日再送".into(),
    });
    server.sync(vec![late_record(1), refused]).await;

    let (status, bytes) = server
        .send_raw(
            Method::GET,
            "/api/v1/records/export.csv",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 byte-order mark"
    );
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("id,revision,waybill"));
    assert!(text.contains("王师傅"), "Chinese text survives: {text}");
    assert!(text.contains("张*"));
    assert!(text.contains("138******34"));
    assert!(!text.contains("13812345634"));

    let (status, bytes) = server
        .send_raw(
            Method::GET,
            "/api/v1/records/export.csv?flag=late_sync&full=1",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("13812345634") && text.contains("张三"));
    let entries = audit::entries(&server.db).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["export", "export_personal_data"]);
    assert_eq!(entries[1].subject, "flag=late_sync");
}

/// Two records with every exported field set, one a locker drop, one a failed door delivery,
/// both synced late; their text needs quoting, and an address that reads as a formula.
fn records_with_every_exported_field() -> Vec<DeliveryRecord> {
    let mut locker = placed_in_locker(late_record(11), ConsentChannel::PhoneCall);
    locker.revision = 3;
    locker.flags.bulky = true;
    locker.called_at = Some(locker.captured_at);
    locker.pickup_code = Some("4711".into());
    let recipient = locker.recipient.as_mut().unwrap();
    recipient.name = Some("欧阳\"娜娜\"".into());
    recipient.address.compound = "长宁区愚园路 1088 弄,东门".into();

    let mut failed = late_record(12);
    failed.carrier = Carrier::Zto;
    failed.outcome = Some(Outcome::FailedAttempt {
        reason: "无人应门".into(),
    });
    failed.outcome_at = Some(failed.captured_at + 60_000);
    failed.failed_attempts = 9;
    let recipient = failed.recipient.as_mut().unwrap();
    recipient.name = Some("李".into());
    recipient.address.compound = "=HYPERLINK(\"x\")".into();
    recipient.address.unit = String::new();
    vec![locker, failed]
}

/// The export's exact bytes, masked and full, so a faster export cannot change a single cell.
#[tokio::test]
async fn the_csv_export_is_byte_for_byte_what_supervisors_get() {
    let server = TestServer::start().await;
    let records = records_with_every_exported_field();
    server.sync(records.clone()).await;
    let mut received = Vec::new();
    for record in &records {
        let (at,): (i64,) = sqlx::query_as("SELECT received_at FROM records WHERE id = $1")
            .bind(record.id.to_string())
            .fetch_one(&server.db.pool)
            .await
            .unwrap();
        received.push(at);
    }
    let (locker, failed) = (&records[0], &records[1]);
    let header = "\u{feff}id,revision,waybill,carrier,method,outcome,courier,recipient_name,\
                  recipient_phone,address,consent_channel,flags,captured_at_device_ms,\
                  received_at_server_ms,sender_id_type,sender_id_number,sender_name,\
                  inspected_item,prohibited_category\r\n";
    let rows = |locker_person: &str, failed_person: &str| {
        // Newest first: the failed record was received after the locker one, or in the same
        // millisecond with the greater id.
        format!(
            "{header}\
             {},1,SF0000000000012,zto,door,failed_attempt,王师傅,{failed_person},,\
             too_many_attempts late_sync,{},{},,,,,\r\n\
             {},3,SF0000000000011,sf,locker,placed_in_locker,王师傅,{locker_person},phone_call,\
             late_sync,{},{},,,,,\r\n",
            failed.id, failed.captured_at, received[1], locker.id, locker.captured_at, received[0],
        )
    };
    let masked = rows(
        "欧*****,138******34,\"长宁区愚园路 1088 弄,东门 5 2 ***\"",
        "*,138******34,\"'=HYPERLINK(\"\"x\"\") 5 ***\"",
    );
    let full = rows(
        "\"欧阳\"\"娜娜\"\"\",13812345634,\"长宁区愚园路 1088 弄,东门 5 2 1203\"",
        "李,13812345634,\"'=HYPERLINK(\"\"x\"\") 5 1203\"",
    );
    for (query, expected) in [("", masked), ("?full=1", full)] {
        let (status, bytes) = server
            .send_raw(
                Method::GET,
                &format!("/api/v1/records/export.csv{query}"),
                Some(&server.supervisor),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(String::from_utf8(bytes).unwrap(), expected, "{query}");
    }
}

#[tokio::test]
async fn the_export_pages_through_more_rows_than_one_fetch() {
    let server = TestServer::start().await;
    // One fetch of the export is 1,000 rows.
    for first in (1..=1005).step_by(200) {
        let last = (first + 199).min(1005);
        server
            .sync((first..=last).map(fresh_record).collect())
            .await;
    }
    let (status, bytes) = server
        .send_raw(
            Method::GET,
            "/api/v1/records/export.csv",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.lines().count(), 1006);
    let mut ids: Vec<&str> = text.lines().skip(1).map(|l| &l[..36]).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1005, "each record once");
}

#[tokio::test]
async fn the_dashboard_counts_per_flag_courier_and_day() {
    let server = TestServer::start().await;
    server
        .sync(vec![late_record(1), fresh_record(2), fresh_record(3)])
        .await;
    let (status, body) = server
        .send(
            Method::GET,
            "/api/v1/dashboard",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let dashboard: Dashboard = serde_json::from_value(body).unwrap();
    let late = dashboard
        .per_flag
        .iter()
        .find(|c| c.flag == ComplianceFlag::LateSync)
        .unwrap();
    assert_eq!(late.records, 1);
    assert_eq!(dashboard.per_courier.len(), 1);
    assert_eq!(
        (
            dashboard.per_courier[0].records,
            dashboard.per_courier[0].flagged
        ),
        (3, 1)
    );
    assert!(dashboard.per_day.len() >= 14);
    assert_eq!(dashboard.per_day.iter().map(|d| d.records).sum::<u64>(), 3);
    assert_eq!(dashboard.per_day.iter().map(|d| d.flagged).sum::<u64>(), 1);
    let (status, _) = server
        .send(
            Method::GET,
            "/api/v1/dashboard?from=10&to=5",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Found by schemathesis: extreme periods overflowed the day arithmetic (a panic, the connection
/// dropped), and malformed query strings and path ids got axum's plain-text 400.
#[tokio::test]
async fn bad_query_strings_and_ids_get_json_400s() {
    let server = TestServer::start().await;
    for (uri, code) in [
        (
            "/api/v1/dashboard?from=-9223372036854775808&to=9223372036854775807",
            "invalid_period",
        ),
        (
            "/api/v1/dashboard?to=-9223372036854775808",
            "invalid_period",
        ),
        ("/api/v1/dashboard?to=9223372036854775808", "invalid_query"),
        ("/api/v1/records?received_from=", "invalid_query"),
        ("/api/v1/records?limit=0", "invalid_limit"),
        ("/api/v1/records/export.csv?captured_to=x", "invalid_query"),
        ("/api/v1/records/not-a-uuid", "invalid_path"),
        (
            "/api/v1/records/00000000-0000-0000-0000-000000000001?full=576",
            "invalid_query",
        ),
    ] {
        let (status, body) = server
            .send(Method::GET, uri, Some(&server.supervisor), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["error"]["code"], code, "{uri}: {body}");
    }
}

#[tokio::test]
async fn permission_matrix_over_the_review_endpoints() {
    let server = TestServer::start().await;
    server.sync(vec![late_record(1)]).await;
    let other = server.other_station_supervisor().await;
    let id = Uuid::from_u128(1);
    let reads = [
        "/api/v1/records".to_string(),
        format!("/api/v1/records/{id}"),
        format!("/api/v1/records/{id}?full=1"),
        "/api/v1/records/export.csv".to_string(),
        "/api/v1/dashboard".to_string(),
    ];
    let note_uri = format!("/api/v1/records/{id}/notes");
    let note_body = serde_json::json!({ "note": "看一下" }).to_string();
    for uri in &reads {
        let (status, _) = server.send(Method::GET, uri, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "anonymous {uri}");
        let (status, _) = server
            .send(Method::GET, uri, Some(&server.courier), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "courier {uri}");
        let (status, _) = server
            .send(Method::GET, uri, Some(&server.supervisor), None)
            .await;
        assert_eq!(status, StatusCode::OK, "own supervisor {uri}");
    }
    for (token, expected) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some(server.courier.as_str()), StatusCode::FORBIDDEN),
        (Some(other.as_str()), StatusCode::NOT_FOUND),
    ] {
        let (status, _) = server
            .send(Method::POST, &note_uri, token, Some(note_body.clone()))
            .await;
        assert_eq!(status, expected, "note as {token:?}");
    }

    // The other station's supervisor sees nothing of station A.
    let (status, body) = server
        .send(Method::GET, "/api/v1/records", Some(&other), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["records"].as_array().unwrap().len(), 0);
    for uri in [
        format!("/api/v1/records/{id}"),
        format!("/api/v1/records/{id}?full=1"),
    ] {
        let (status, _) = server.send(Method::GET, &uri, Some(&other), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
    let (_, bytes) = server
        .send_raw(
            Method::GET,
            "/api/v1/records/export.csv?full=1",
            Some(&other),
            None,
        )
        .await;
    assert_eq!(
        String::from_utf8(bytes).unwrap().lines().count(),
        1,
        "header only"
    );
    let (_, body) = server
        .send(Method::GET, "/api/v1/dashboard", Some(&other), None)
        .await;
    let dashboard: Dashboard = serde_json::from_value(body).unwrap();
    assert!(dashboard.per_courier.is_empty());
    assert!(dashboard.per_flag.iter().all(|c| c.records == 0));
}

/// Three audited actions, then the database's append-only triggers dropped, as someone with
/// direct access to the file could.
async fn tampered_server() -> TestServer {
    let server = TestServer::start().await;
    server.sync(vec![late_record(1)]).await;
    for text in ["一", "二", "三"] {
        let (status, _) = note(&server, 1, serde_json::json!({ "note": text })).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    assert_eq!(audit::verify(&server.db).await.unwrap(), Ok(3));
    let (status, _) = server
        .send_raw(
            Method::GET,
            "/api/v1/records/export.csv",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Tampering means going around the append-only triggers first.
    let on_table = match server.db.backend {
        doorstep_server::db::Backend::Sqlite => "",
        doorstep_server::db::Backend::Postgres => " ON audit_log",
    };
    for trigger in ["audit_log_no_update", "audit_log_no_delete"] {
        sqlx::query(&format!("DROP TRIGGER {trigger}{on_table}"))
            .execute(&server.db.pool)
            .await
            .unwrap();
    }
    server
}

#[tokio::test]
async fn the_audit_log_refuses_edits_through_the_database() {
    let server = TestServer::start().await;
    server.sync(vec![late_record(1)]).await;
    note(&server, 1, serde_json::json!({ "note": "一" })).await;
    let edit = sqlx::query("UPDATE audit_log SET detail = 'x'")
        .execute(&server.db.pool)
        .await;
    assert!(edit.is_err());
    let delete = sqlx::query("DELETE FROM audit_log")
        .execute(&server.db.pool)
        .await;
    assert!(delete.is_err());
}

#[tokio::test]
async fn audit_verify_names_an_edited_entry() {
    let server = tampered_server().await;
    sqlx::query("UPDATE audit_log SET detail = '改过' WHERE seq = 2")
        .execute(&server.db.pool)
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&server.db).await.unwrap(),
        Err(ChainBreak::ContentChanged { seq: 2 })
    );
}

#[tokio::test]
async fn audit_verify_names_the_entry_after_a_deleted_one() {
    let server = tampered_server().await;
    sqlx::query("DELETE FROM audit_log WHERE seq = 2")
        .execute(&server.db.pool)
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&server.db).await.unwrap(),
        Err(ChainBreak::LinkBroken {
            seq: 3,
            previous: 1
        })
    );
}

#[tokio::test]
async fn audit_verify_names_a_reordered_pair() {
    let server = tampered_server().await;
    // Swap entries 2 and 3 by their sequence numbers.
    for (from, to) in [(2, -1), (3, 2), (-1, 3)] {
        sqlx::query("UPDATE audit_log SET seq = $1 WHERE seq = $2")
            .bind(to)
            .bind(from)
            .execute(&server.db.pool)
            .await
            .unwrap();
    }
    assert_eq!(
        audit::verify(&server.db).await.unwrap(),
        Err(ChainBreak::LinkBroken {
            seq: 2,
            previous: 1
        })
    );
}

#[tokio::test]
async fn the_review_endpoints_are_in_the_openapi_document() {
    let server = TestServer::start().await;
    let (_, doc) = server
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    for path in [
        "/records/{id}",
        "/records/{id}/notes",
        "/records/export.csv",
        "/dashboard",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    let params = doc["paths"]["/records"]["get"]["parameters"].to_string();
    for name in [
        "flag",
        "waybill",
        "captured_from",
        "consent_channel",
        "before",
    ] {
        assert!(
            params.contains(&format!("\"{name}\"")),
            "{name} missing: {params}"
        );
    }
}
