//! Two real server processes on one PostgreSQL database, as behind a load balancer: a device's
//! token, a supervisor's session, the exactly-once store, the change feed and the audit chain must
//! not depend on which instance answers. Runs when `TEST_DATABASE_URL` names a PostgreSQL server
//! (`cargo xtask test` sets it); SQLite is one file for one server, so there it says so and passes.

mod common;

use doorstep_core::sync::{Ack, Change, SyncResponse};
use doorstep_core::DeliveryRecord;
use doorstep_server::db::Db;
use doorstep_server::{audit, seed};
use doorstep_testkit::{Launch, LiveFeed, Server};

/// One sync, read as the device reads it.
async fn sync(
    instance: &Server,
    token: &str,
    cursor: i64,
    records: Vec<DeliveryRecord>,
) -> SyncResponse {
    instance.api().sync(token, cursor, records).await
}

fn records(range: std::ops::Range<u64>) -> Vec<DeliveryRecord> {
    range.map(doorstep_core::testing::door_delivery).collect()
}

fn second_revision(n: u64) -> DeliveryRecord {
    DeliveryRecord {
        revision: 2,
        revised_at: doorstep_core::testing::CAPTURED_AT + 60_000,
        ..doorstep_core::testing::door_delivery(n)
    }
}

/// Two instances on one fresh PostgreSQL database with the demo station.
struct Pair {
    db: Db,
    a: Server,
    b: Server,
    accounts: Vec<seed::DemoAccount>,
    _dir: tempfile::TempDir,
}

impl Pair {
    async fn start() -> Pair {
        let dir = tempfile::tempdir().unwrap();
        let url = common::test_database_url(dir.path()).await;
        let db = Db::connect(&url).await.unwrap();
        let accounts = seed::seed_demo(&db).await.unwrap();
        let instance = || {
            Launch::new(env!("CARGO_BIN_EXE_doorstep-server"))
                .database_url(&url)
                .start()
        };
        Pair {
            a: instance(),
            b: instance(),
            db,
            accounts,
            _dir: dir,
        }
    }
}

/// A demo account's password, as the seed printed it.
fn password_of(accounts: &[seed::DemoAccount], username: &str) -> String {
    let account = accounts.iter().find(|a| a.username == username);
    account.unwrap().password.clone()
}

fn acks_are(response: &SyncResponse, expected: &Ack) -> bool {
    response.acks.iter().all(|a| &a.ack == expected)
}

async fn add_note(instance: &Server, token: &str, record: u64, note: &str) -> reqwest::StatusCode {
    let id = uuid::Uuid::from_u128(u128::from(record));
    reqwest::Client::new()
        .post(instance.url(&format!("/api/v1/records/{id}/notes")))
        .bearer_auth(token)
        .json(&serde_json::json!({ "note": note, "reviewed_flag": null }))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_postgresql() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("two_instances_share_one_postgresql: needs TEST_DATABASE_URL (PostgreSQL)");
        return;
    }
    let Pair {
        db,
        a,
        b,
        accounts,
        _dir,
    } = Pair::start().await;
    let password = |username: &str| password_of(&accounts, username);

    // One device token, signed in on A, syncs through both.
    let courier = a.api().login("courier", &password("courier")).await;
    assert!(acks_are(
        &sync(&a, &courier, 0, records(0..50)).await,
        &Ack::Stored
    ));
    assert!(acks_are(
        &sync(&b, &courier, 0, records(50..100)).await,
        &Ack::Stored
    ));
    // A batch acknowledged by A and sent again through B (the device lost A's answer).
    assert!(acks_are(
        &sync(&b, &courier, 0, records(0..50)).await,
        &Ack::AlreadyStored
    ));
    // The same new batch through both at once: each record is stored by exactly one of them.
    let (first, second) = tokio::join!(
        sync(&a, &courier, 0, records(100..150)),
        sync(&b, &courier, 0, records(100..150))
    );
    for (x, y) in first.acks.iter().zip(&second.acks) {
        let mut pair = [&x.ack, &y.ack];
        pair.sort_by_key(|ack| matches!(ack, Ack::AlreadyStored));
        assert_eq!(pair, [&Ack::Stored, &Ack::AlreadyStored], "{}", x.id);
    }
    // Newer revisions through B, then the first ones again through A: a replay, which must not
    // take the current row back.
    let revised: Vec<DeliveryRecord> = (0..10).map(second_revision).collect();
    assert!(acks_are(
        &sync(&b, &courier, 0, revised).await,
        &Ack::Stored
    ));
    assert!(acks_are(
        &sync(&a, &courier, 0, records(0..10)).await,
        &Ack::AlreadyStored
    ));

    let (rows, ids, newest): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT id), CAST(SUM(revision) AS BIGINT) FROM records",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((rows, ids, newest), (150, 150, 160));
    let (revisions, distinct): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT record_id || '/' || CAST(revision AS TEXT)) FROM record_revisions",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((revisions, distinct), (160, 160));

    // A supervisor session opened on A is valid on B.
    let supervisor = a.api().login("supervisor", &password("supervisor")).await;
    let page: serde_json::Value = b.api().get("/api/v1/records?limit=200", &supervisor).await;
    let listed = page["records"].as_array().unwrap();
    assert_eq!(listed.len(), 150);
    let first_record = uuid::Uuid::from_u128(0).to_string();
    let row = listed.iter().find(|r| r["id"] == first_record.as_str());
    assert_eq!(row.unwrap()["revision"], 2);

    // A note written on B reaches the courier's change feed through A.
    let before = sync(&a, &courier, 0, Vec::new()).await.cursor;
    assert_eq!(
        add_note(&b, &supervisor, 5, "请补充照片").await,
        reqwest::StatusCode::CREATED
    );
    let feed = sync(&a, &courier, before, Vec::new()).await;
    assert!(feed.changes.iter().any(|c| matches!(
        c,
        Change::SupervisorNote { record_id, note, .. }
            if *record_id == uuid::Uuid::from_u128(5) && note == "请补充照片"
    )));

    // Notes written on both at once: every one lands in the feed and the audit chain holds.
    let cursor = feed.cursor;
    let writes = (0..10u64).map(|i| {
        let (instance, supervisor) = (if i % 2 == 0 { &a } else { &b }, &supervisor);
        async move { add_note(instance, supervisor, 20 + i, &format!("note {i}")).await }
    });
    for status in futures_util::future::join_all(writes).await {
        assert_eq!(status, reqwest::StatusCode::CREATED);
    }
    let feed = sync(&b, &courier, cursor, Vec::new()).await;
    assert_eq!(feed.changes.len(), 10);
    assert_eq!(audit::verify(&db).await.unwrap(), Ok(11));

    // Signing out on B ends the session on A too.
    let status = reqwest::Client::new()
        .post(b.url("/api/v1/auth/logout"))
        .bearer_auth(&supervisor)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, reqwest::StatusCode::NO_CONTENT);
    let status = reqwest::Client::new()
        .get(a.url("/api/v1/records"))
        .bearer_auth(&supervisor)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, reqwest::StatusCode::UNAUTHORIZED);
}

/// A recipient's answer through one instance wakes the courier's stream held by the other, and a
/// courier's sync through one wakes the supervisor's stream held by the other (PostgreSQL
/// `NOTIFY`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_instance_wakes_the_streams_held_by_the_other() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("a_change_through_one_instance…: needs TEST_DATABASE_URL (PostgreSQL)");
        return;
    }
    const TOKEN: &str = "Zq3kLm9Pw2Xv8Rt5Yb7NcA";
    let Pair {
        a,
        b,
        accounts,
        _dir,
        ..
    } = Pair::start().await;
    let password = |username: &str| password_of(&accounts, username);
    let courier = a.api().login("courier", &password("courier")).await;
    let supervisor = a.api().login("supervisor", &password("supervisor")).await;
    let stored = sync(&a, &courier, 0, vec![common::with_link(1, TOKEN)]).await;

    let mut courier_feed = LiveFeed::open(&b.url(""), &courier).await;
    assert_eq!(
        courier_feed.next_event().await.id,
        Some(stored.cursor.to_string())
    );
    a.api().answer_link(TOKEN, "locker").await;
    let woken = courier_feed.next_event().await;
    let latest = sync(&b, &courier, stored.cursor, Vec::new()).await;
    assert!(matches!(
        latest.changes.as_slice(),
        [Change::RecipientDecision { .. }]
    ));
    assert_eq!(woken.id, Some(latest.cursor.to_string()));

    let mut station_feed = LiveFeed::open(&a.url(""), &supervisor).await;
    sync(&b, &courier, latest.cursor, records(10..20)).await;
    assert_eq!(
        station_feed.next_event().await.event.as_deref(),
        Some("station")
    );
}
