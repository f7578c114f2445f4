//! Server ingest through the full HTTP path (real TCP on loopback, JSON, auth, per-record rules,
//! one transaction per batch) at rising concurrency, against a raw bulk insert of the same rows
//! with the same statements into the same kind of database, in the same run.
//!
//! SQLite always; PostgreSQL too when `BENCH_DATABASE_URL` names a server (`cargo xtask bench`
//! starts a throwaway cluster), each database fresh. When `WRK` names the wrk load generator,
//! it drives the same HTTP ingest too (`wrk_sync.lua`), from outside this process.
//! Prints one `BENCH {json}` line per figure for `cargo xtask bench`.

use doorstep_core::sync::{canonical, SyncRequest, SyncResponse};
use doorstep_core::testing::percentile;
use doorstep_core::DeliveryRecord;
use doorstep_server::id_vault::{random_base64, IdKey, IdVault};
use doorstep_server::records::store::{insert_revisions, StoredRecord};
use doorstep_server::state::AppState;
use doorstep_server::{app, db::Db, seed};
use doorstep_testkit::Api;
use std::time::{Duration, Instant};

mod common;

use common::{figure, record};

use std::sync::atomic::{AtomicBool, Ordering};

const BATCH: usize = 200;
const RECORDS_PER_LEVEL: usize = 20_000;

async fn fresh_db(dir: &tempfile::TempDir, name: &str) -> Db {
    let path = dir.path().join(name);
    std::fs::create_dir_all(&path).unwrap();
    Db::connect(&doorstep_server::db::sqlite_url(&path))
        .await
        .unwrap()
}

/// Records/s through HTTP with `clients` concurrent devices, and per-batch latency.
async fn http_ingest(base: &str, token: &str, clients: usize, first: u64) -> (f64, Vec<Duration>) {
    let per_client = RECORDS_PER_LEVEL / clients;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (base, token) = (base.to_string(), token.to_string());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut latencies = Vec::new();
            let start = first + (c * per_client) as u64;
            for batch_start in (0..per_client).step_by(BATCH) {
                let records = (batch_start..(batch_start + BATCH).min(per_client))
                    .map(|i| record(start + i as u64))
                    .collect();
                latencies.push(post_sync(&client, &base, &token, records).await);
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let rate = (per_client * clients) as f64 / started.elapsed().as_secs_f64();
    latencies.sort();
    (rate, latencies)
}

/// One sync of `records`, checked for an ack per record; how long it took.
async fn post_sync(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    records: Vec<DeliveryRecord>,
) -> Duration {
    let count = records.len();
    let body = serde_json::to_vec(&SyncRequest {
        cursor: 0,
        records,
        device: None,
    })
    .unwrap();
    let sent = Instant::now();
    let response = client
        .post(format!("{base}/api/v1/sync"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}: {}",
        response.status(),
        response.text().await.unwrap_or_default()
    );
    let acks: SyncResponse = response.json().await.unwrap();
    assert_eq!(acks.acks.len(), count);
    sent.elapsed()
}

/// A courier's small syncs of 5 records, one after another until `done`: their latencies.
async fn small_syncs(base: &str, token: &str, first: u64, done: &AtomicBool) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut latencies = Vec::new();
    let mut next = first;
    while !done.load(Ordering::Relaxed) {
        let records = (next..next + 5).map(record).collect();
        latencies.push(post_sync(&client, base, token, records).await);
        next += 5;
    }
    latencies.sort();
    latencies
}

/// Rows/s for the same rows written directly, batches of the same size, `batches_per_commit` of
/// them per transaction: 1 as the server writes them, 16 for what group commit (16 concurrent
/// batches sharing one transaction) could reach at most.
async fn raw_insert(db: &Db, first: u64, batches_per_commit: usize) -> f64 {
    let rows: Vec<(DeliveryRecord, String, String)> = (0..RECORDS_PER_LEVEL as u64)
        .map(|i| {
            let r = record(first + i);
            let (payload, fingerprint) = canonical(&r).unwrap();
            (r, payload, fingerprint)
        })
        .collect();
    let started = Instant::now();
    for commit in rows.chunks(BATCH * batches_per_commit) {
        let mut tx = db.begin_write().await.unwrap();
        for chunk in commit.chunks(BATCH) {
            let stored: Vec<StoredRecord> = chunk
                .iter()
                .map(|(record, payload, fingerprint)| StoredRecord {
                    courier_id: 1,
                    station_id: 1,
                    record,
                    payload,
                    fingerprint,
                    received_at: 1,
                    new_to_server: true,
                })
                .collect();
            insert_revisions(&mut tx, &stored).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    RECORDS_PER_LEVEL as f64 / started.elapsed().as_secs_f64()
}

/// The wrk run's results: records/s and per-batch latency p50 / p99 in ms.
struct WrkRun {
    rate: f64,
    p50: f64,
    p99: f64,
}

/// Runs wrk for 10 s with `connections` connections POSTing batches of new records.
async fn wrk_ingest(
    wrk: &str,
    base: &str,
    token: &str,
    template: &std::path::Path,
    connections: usize,
    first: u64,
) -> WrkRun {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/wrk_sync.lua");
    let mut command = std::process::Command::new(wrk);
    command
        .args(["--threads", &connections.min(2).to_string()])
        .args(["--connections", &connections.to_string()])
        .args([
            "--duration",
            "10s",
            "--timeout",
            "10s",
            "--script",
            script,
            base,
        ])
        .env("DOORSTEP_TOKEN", token)
        .env("DOORSTEP_RECORD_TEMPLATE", template)
        .env("DOORSTEP_BATCH", BATCH.to_string())
        .env("DOORSTEP_FIRST_RECORD", first.to_string());
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("wrk runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "wrk failed: {stdout}");
    let summary = stdout
        .lines()
        .find_map(|l| l.strip_prefix("WRK "))
        .unwrap_or_else(|| panic!("no WRK line from wrk: {stdout}"));
    let value = |key: &str| -> f64 {
        summary
            .split(' ')
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{key} missing in {summary}"))
    };
    assert_eq!(value("failed"), 0.0, "wrk saw failed requests: {stdout}");
    WrkRun {
        rate: value("requests") * BATCH as f64 / value("seconds"),
        p50: value("p50_ms"),
        p99: value("p99_ms"),
    }
}

/// A record's JSON with `@ID@` and `@WAYBILL@` in place of its id and waybill, for wrk_sync.lua.
fn wrk_template(dir: &std::path::Path) -> std::path::PathBuf {
    let sample = record(0);
    let json = serde_json::to_string(&sample)
        .unwrap()
        .replace(&sample.id.to_string(), "@ID@")
        .replace(sample.waybill.as_str(), "@WAYBILL@");
    let path = dir.join("wrk-record.json");
    std::fs::write(&path, json).unwrap();
    path
}

/// A new, empty database on the PostgreSQL server of `server_url` (`…/postgres`).
async fn fresh_postgres(server_url: &str, name: &str) -> Db {
    Db::connect(&common::fresh_postgres_url(server_url, name).await)
        .await
        .unwrap()
}

/// The raw insert into `raw_db`, then HTTP ingest into `http_db` at each concurrency level, by
/// this process's client and, given `wrk`, by wrk.
async fn ingest(
    label: &str,
    http_db: Db,
    [raw_db, grouped_db]: [Db; 2],
    wrk: Option<(&str, &std::path::Path)>,
) {
    let accounts = seed::seed_demo(&http_db).await.unwrap();
    let courier = accounts.iter().find(|a| a.username == "courier").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = axum::serve(
        listener,
        app(AppState::new(
            http_db,
            None,
            IdVault::new(IdKey::from_base64(&random_base64()).unwrap()),
        )),
    );
    tokio::spawn(async move { server.await.unwrap() });
    let token = Api::new(&base).login("courier", &courier.password).await;

    seed::seed_demo(&raw_db).await.unwrap();
    let raw = raw_insert(&raw_db, 0, 1).await;
    figure(
        &format!("ingest {label}: raw bulk insert (batches of 200)"),
        raw,
        "rec/s",
    );
    seed::seed_demo(&grouped_db).await.unwrap();
    figure(
        &format!("ingest {label}: raw bulk insert, 16 batches of 200 per commit"),
        raw_insert(&grouped_db, 0, 16).await,
        "rec/s",
    );
    for (level, clients) in [1usize, 4, 16].into_iter().enumerate() {
        let first = (level as u64 + 1) * 1_000_000;
        let (rate, latencies) = http_ingest(&base, &token, clients, first).await;
        let name = |what: &str| format!("ingest {label}: HTTP, {clients} clients{what}");
        figure(&name(""), rate, "rec/s");
        figure(
            &name(", batch p50"),
            percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
            "ms",
        );
        figure(
            &name(", batch p99"),
            percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
            "ms",
        );
        figure(
            &format!("ingest {label}: HTTP/raw ratio, {clients} clients"),
            rate / raw,
            "x",
        );
    }
    // A courier at the door syncs a few records while 16 devices push 200-record batches.
    let done = AtomicBool::new(false);
    let ((rate, _), small) = tokio::join!(
        async {
            let loaded = http_ingest(&base, &token, 16, 4_000_000).await;
            done.store(true, Ordering::Relaxed);
            loaded
        },
        small_syncs(&base, &token, 5_000_000, &done)
    );
    let name =
        |what: &str| format!("ingest {label}: small syncs (5 records) beside 16 clients{what}");
    figure(
        &name(", p50"),
        percentile(&small, 0.5).as_secs_f64() * 1000.0,
        "ms",
    );
    figure(
        &name(", p99"),
        percentile(&small, 0.99).as_secs_f64() * 1000.0,
        "ms",
    );
    figure(&name(", the 16 clients' rate"), rate, "rec/s");
    let Some((wrk, template)) = wrk else {
        return;
    };
    for (level, connections) in [1usize, 4, 16].into_iter().enumerate() {
        let first = 500_000_000 + level as u64 * 200_000_000;
        let run = wrk_ingest(wrk, &base, &token, template, connections, first).await;
        let name = |what: &str| format!("ingest {label}: wrk, {connections} connections{what}");
        figure(&name(""), run.rate, "rec/s");
        figure(&name(", batch p50"), run.p50, "ms");
        figure(&name(", batch p99"), run.p99, "ms");
        figure(
            &format!("ingest {label}: wrk/raw ratio, {connections} connections"),
            run.rate / raw,
            "x",
        );
    }
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let wrk = std::env::var("WRK").ok();
    let template = wrk_template(dir.path());
    let wrk = wrk.as_deref().map(|w| (w, template.as_path()));
    ingest(
        "sqlite",
        fresh_db(&dir, "http").await,
        [
            fresh_db(&dir, "raw").await,
            fresh_db(&dir, "raw-grouped").await,
        ],
        wrk,
    )
    .await;
    if let Ok(server) = std::env::var("BENCH_DATABASE_URL") {
        ingest(
            "postgres",
            fresh_postgres(&server, "bench_ingest_http").await,
            [
                fresh_postgres(&server, "bench_ingest_raw").await,
                fresh_postgres(&server, "bench_ingest_raw_grouped").await,
            ],
            wrk,
        )
        .await;
    }
}
