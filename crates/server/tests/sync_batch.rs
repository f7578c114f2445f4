//! One sync batch decided and written together: records of the same batch see each other exactly
//! as if each had been applied alone after the ones before it.

mod common;

use common::{locker_without_consent, record, with_link, TestServer};
use doorstep_core::sync::{canonical, Ack, SyncResponse};
use doorstep_core::DeliveryRecord;
use doorstep_server::db::Backend;
use doorstep_server::records::store::{insert_revisions, StoredRecord};
use uuid::Uuid;

async fn count(server: &TestServer, sql: &str, id: u128) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(Uuid::from_u128(id).to_string())
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    n
}

async fn total(server: &TestServer, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    n
}

async fn revisions_of(server: &TestServer, id: u128) -> i64 {
    count(
        server,
        "SELECT COUNT(*) FROM record_revisions WHERE record_id = $1",
        id,
    )
    .await
}

/// The current row's revision and flags column, and its `record_flags` rows, sorted.
async fn current_of(server: &TestServer, id: u128) -> (i64, String, Vec<String>) {
    let id = Uuid::from_u128(id).to_string();
    let (revision, flags): (i64, String) =
        sqlx::query_as("SELECT revision, flags FROM records WHERE id = $1")
            .bind(&id)
            .fetch_one(&server.db.pool)
            .await
            .unwrap();
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT flag FROM record_flags WHERE record_id = $1 ORDER BY flag")
            .bind(&id)
            .fetch_all(&server.db.pool)
            .await
            .unwrap();
    (revision, flags, rows.into_iter().map(|(f,)| f).collect())
}

/// Revision 2 of `record(n)`, with a compliance flag revision 1 lacks.
fn flagged_revision_two(n: u128) -> DeliveryRecord {
    DeliveryRecord {
        revision: 2,
        failed_attempts: 5,
        ..record(n)
    }
}

fn acks(response: &SyncResponse) -> Vec<&Ack> {
    response.acks.iter().map(|a| &a.ack).collect()
}

fn sorted_codes(flags: &str) -> Vec<String> {
    let mut codes: Vec<String> = flags.split(',').map(String::from).collect();
    codes.sort();
    codes
}

#[tokio::test]
async fn revisions_one_and_two_in_one_batch_are_both_kept_and_two_is_current() {
    let server = TestServer::start().await;
    let response = server.sync(vec![record(1), flagged_revision_two(1)]).await;
    assert_eq!(acks(&response), [&Ack::Stored, &Ack::Stored]);
    assert_eq!(revisions_of(&server, 1).await, 2);
    let (revision, flags, rows) = current_of(&server, 1).await;
    assert_eq!(revision, 2);
    assert!(flags.contains("too_many_attempts"), "{flags}");
    assert_eq!(rows, sorted_codes(&flags), "record_flags follow revision 2");
}

#[tokio::test]
async fn an_older_revision_after_a_newer_one_in_one_batch_is_stale() {
    let server = TestServer::start().await;
    let response = server.sync(vec![flagged_revision_two(1), record(1)]).await;
    assert_eq!(acks(&response), [&Ack::Stored, &Ack::Stale]);
    assert_eq!(revisions_of(&server, 1).await, 1);
    assert_eq!(current_of(&server, 1).await.0, 2);
}

#[tokio::test]
async fn the_same_revision_twice_in_one_batch_is_stored_once_then_replayed() {
    let server = TestServer::start().await;
    let response = server.sync(vec![record(1), record(1)]).await;
    assert_eq!(acks(&response), [&Ack::Stored, &Ack::AlreadyStored]);
    assert_eq!(revisions_of(&server, 1).await, 1);
}

#[tokio::test]
async fn a_divergent_same_revision_in_one_batch_is_a_conflict_and_the_first_is_kept() {
    let server = TestServer::start().await;
    let mut divergent = record(1);
    divergent.failed_attempts = 5;
    let response = server.sync(vec![record(1), divergent]).await;
    assert_eq!(response.acks[0].ack, Ack::Stored);
    assert!(
        matches!(response.acks[1].ack, Ack::Conflict { .. }),
        "{response:?}"
    );
    let (fingerprint,): (String,) =
        sqlx::query_as("SELECT fingerprint FROM record_revisions WHERE record_id = $1")
            .bind(Uuid::from_u128(1).to_string())
            .fetch_one(&server.db.pool)
            .await
            .unwrap();
    assert_eq!(fingerprint, canonical(&record(1)).unwrap().1);
    let (_, flags, _) = current_of(&server, 1).await;
    assert!(!flags.contains("too_many_attempts"), "{flags}");
}

/// A second courier of the demo station, signed in.
async fn other_courier(server: &TestServer) -> String {
    sqlx::query(
        "INSERT INTO accounts (station_id, username, display_name, staff_no, role, password_hash, created_at) \
         SELECT station_id, 'other-courier', '钱师傅', 'C-0099', 'courier', $1, 0 FROM accounts \
         WHERE username = 'courier'",
    )
    .bind(doorstep_server::auth::hash_password("other courier pass"))
    .execute(&server.db.pool)
    .await
    .unwrap();
    server.login("other-courier", "other courier pass").await
}

#[tokio::test]
async fn another_couriers_record_id_in_a_batch_is_a_conflict_and_the_rest_is_stored() {
    let server = TestServer::start().await;
    let other = other_courier(&server).await;
    let theirs = server.sync_as(&other, 0, vec![record(1)]).await;
    assert_eq!(theirs.acks[0].ack, Ack::Stored);
    let mut newer = record(1);
    newer.revision = 2;
    let response = server.sync(vec![record(2), newer, record(3)]).await;
    assert_eq!(response.acks[0].ack, Ack::Stored);
    match &response.acks[1].ack {
        Ack::Conflict { message } => assert!(message.contains("another device"), "{message}"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(response.acks[2].ack, Ack::Stored);
    assert_eq!(revisions_of(&server, 1).await, 1);
    assert_eq!(current_of(&server, 1).await.0, 1);
}

#[tokio::test]
async fn a_rejected_record_between_good_ones_is_refused_alone() {
    let server = TestServer::start().await;
    let response = server
        .sync(vec![record(1), locker_without_consent(2), record(3)])
        .await;
    assert_eq!(response.acks[0].ack, Ack::Stored);
    assert!(
        matches!(response.acks[1].ack, Ack::Rejected { .. }),
        "{response:?}"
    );
    assert_eq!(response.acks[2].ack, Ack::Stored);
    assert_eq!(revisions_of(&server, 2).await, 0);
    let ids: Vec<Uuid> = server.page().await.records.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), 2);
    assert!(!ids.contains(&Uuid::from_u128(2)));
}

#[tokio::test]
async fn a_link_created_and_revoked_in_one_batch_ends_revoked() {
    let server = TestServer::start().await;
    let created = with_link(1, "in-batch-token-0123456789abcdef");
    let mut revoked = created.clone();
    revoked.revision = 2;
    if let Some(link) = revoked.link.as_mut() {
        link.revoked_at = Some(created.captured_at + 1);
    }
    let response = server.sync(vec![created, revoked]).await;
    assert_eq!(acks(&response), [&Ack::Stored, &Ack::Stored]);
    assert_eq!(
        count(
            &server,
            "SELECT COUNT(*) FROM consent_links WHERE record_id = $1 AND revoked_at IS NOT NULL",
            1
        )
        .await,
        1
    );
}

/// Writes `records` as the courier's revisions with `insert_revisions` itself, in one
/// transaction, the way the sync route and the benchmark's raw insert do; `new_to_server` says
/// whether their ids are taken for absent from the database.
async fn insert_directly(
    server: &TestServer,
    records: &[DeliveryRecord],
    new_to_server: bool,
) -> Result<(), sqlx::Error> {
    let (courier_id, station_id): (i64, i64) =
        sqlx::query_as("SELECT id, station_id FROM accounts WHERE username = 'courier'")
            .fetch_one(&server.db.pool)
            .await
            .unwrap();
    let rows: Vec<(String, String)> = records.iter().map(|r| canonical(r).unwrap()).collect();
    let stored: Vec<StoredRecord> = records
        .iter()
        .zip(&rows)
        .map(|(record, (payload, fingerprint))| StoredRecord {
            courier_id,
            station_id,
            record,
            payload,
            fingerprint,
            received_at: 1_800_000_000_000,
            new_to_server,
        })
        .collect();
    let mut tx = server.db.begin_write().await.unwrap();
    insert_revisions(&mut tx, &stored).await?;
    tx.commit().await
}

#[tokio::test]
async fn more_revisions_than_one_statement_holds_are_written_whole() {
    let server = TestServer::start().await;
    // More than the 2,184 current rows and the 4,680 revision rows one statement holds.
    let last = 5_000u128;
    let mut records: Vec<DeliveryRecord> = (1..=last).map(record).collect();
    records.push(flagged_revision_two(last));
    insert_directly(&server, &records, true).await.unwrap();

    assert_eq!(
        total(&server, "SELECT COUNT(*) FROM record_revisions").await,
        5_001
    );
    assert_eq!(total(&server, "SELECT COUNT(*) FROM records").await, 5_000);
    assert_eq!(
        total(
            &server,
            "SELECT COUNT(*) FROM record_flags WHERE flag = 'late_sync'"
        )
        .await,
        5_000
    );
    let (revision, flags, rows) = current_of(&server, last).await;
    assert_eq!(revision, 2);
    assert_eq!(rows, sorted_codes(&flags));
    assert!(flags.contains("too_many_attempts"), "{flags}");
}

/// Another server instance decided on revision 1 before revision 2 arrived here: its late write
/// keeps revision 1 in the history and leaves the current row and its flags to revision 2.
#[tokio::test]
async fn an_older_revision_written_late_leaves_the_current_rows_flags() {
    let server = TestServer::start().await;
    let response = server.sync(vec![flagged_revision_two(1)]).await;
    assert_eq!(acks(&response), [&Ack::Stored]);
    let before = current_of(&server, 1).await;
    assert!(before.1.contains("too_many_attempts"), "{before:?}");

    insert_directly(&server, &[record(1)], false).await.unwrap();

    assert_eq!(revisions_of(&server, 1).await, 2);
    assert_eq!(current_of(&server, 1).await, before);
}

/// A record the batch took for new, stored meanwhile by another server instance: its plain
/// INSERT fails as a conflict (the route applies the batch again) instead of replacing the
/// current row and leaving the other revision's flags behind.
#[tokio::test]
async fn a_record_taken_for_new_but_stored_meanwhile_is_a_conflict() {
    let server = TestServer::start().await;
    let response = server.sync(vec![flagged_revision_two(1)]).await;
    assert_eq!(acks(&response), [&Ack::Stored]);
    let before = current_of(&server, 1).await;

    let third = DeliveryRecord {
        revision: 3,
        ..record(1)
    };
    let error = insert_directly(&server, &[third], true)
        .await
        .expect_err("a plain INSERT of a stored id");
    assert!(
        matches!(&error, sqlx::Error::Database(db) if db.is_unique_violation()),
        "{error:?}"
    );
    assert_eq!(revisions_of(&server, 1).await, 1);
    assert_eq!(current_of(&server, 1).await, before);
}

/// The connection-local TEMP table a write transaction leaves behind: only the same connection
/// sees it in the next one.
#[tokio::test]
async fn sqlite_write_transactions_take_turns_on_one_connection() {
    let server = TestServer::start().await;
    if server.db.backend != Backend::Sqlite {
        return;
    }
    let mut first = server.db.begin_write().await.unwrap();
    sqlx::query("CREATE TEMP TABLE writer_marker (n INTEGER)")
        .execute(&mut **first)
        .await
        .unwrap();
    first.commit().await.unwrap();
    for _ in 0..8 {
        let mut next = server.db.begin_write().await.unwrap();
        sqlx::query("INSERT INTO writer_marker (n) VALUES (1)")
            .execute(&mut **next)
            .await
            .unwrap();
        let (checkpoint,): (i64,) = sqlx::query_as("PRAGMA wal_autocheckpoint")
            .fetch_one(&mut **next)
            .await
            .unwrap();
        assert_eq!(checkpoint, 10_000);
        next.commit().await.unwrap();
    }
}

/// The current row's columns follow its newest revision, capture time included: the capture-week
/// filters read the column, the record page and the export read the payload.
#[tokio::test]
async fn a_newer_revision_moves_the_current_rows_capture_time() {
    let server = TestServer::start().await;
    assert_eq!(acks(&server.sync(vec![record(9)]).await), [&Ack::Stored]);
    let revised = DeliveryRecord {
        revision: 2,
        captured_at: record(9).captured_at - 3_600_000,
        ..record(9)
    };
    assert_eq!(
        acks(&server.sync(vec![revised.clone()]).await),
        [&Ack::Stored]
    );
    let (captured_at,): (i64,) = sqlx::query_as("SELECT captured_at FROM records WHERE id = $1")
        .bind(revised.id.to_string())
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    assert_eq!(captured_at, revised.captured_at);
}
