//! Server ingest through the full HTTP path (real TCP on loopback, JSON, auth, per-record rules,
//! one transaction per batch) at rising concurrency, against a raw bulk insert of the same rows
//! with the same statements into the same kind of database, in the same run.
//!
//! Prints one `BENCH {json}` line per figure for `cargo xtask bench`.

use doorstep_core::sync::{canonical, SyncRequest, SyncResponse};
use doorstep_core::DeliveryRecord;
use doorstep_server::routes::sync::{insert_revision, StoredRecord};
use doorstep_server::{app, db::Db, seed, AppState};
use std::time::{Duration, Instant};

const BATCH: usize = 200;
const RECORDS_PER_LEVEL: usize = 20_000;

fn record(n: u64) -> DeliveryRecord {
    DeliveryRecord {
        outcome: Some(doorstep_core::Outcome::DeliveredToRecipient),
        outcome_at: Some(doorstep_core::testing::CAPTURED_AT + 500),
        ..doorstep_core::testing::door_delivery(n)
    }
}

fn figure(name: &str, value: f64, unit: &str) {
    println!("BENCH {{\"name\": {name:?}, \"value\": {value:.3}, \"unit\": {unit:?}}}");
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

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
                let body = serde_json::to_vec(&SyncRequest {
                    cursor: 0,
                    records,
                    device: None,
                })
                .unwrap();
                let sent = Instant::now();
                let response = client
                    .post(format!("{base}/api/v1/sync"))
                    .bearer_auth(&token)
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
                assert_eq!(acks.acks.len(), BATCH.min(per_client - batch_start));
                latencies.push(sent.elapsed());
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

/// Rows/s for the same rows written directly, one transaction per batch of the same size.
async fn raw_insert(db: &Db, first: u64) -> f64 {
    let rows: Vec<(DeliveryRecord, String, String)> = (0..RECORDS_PER_LEVEL as u64)
        .map(|i| {
            let r = record(first + i);
            let (payload, fingerprint) = canonical(&r).unwrap();
            (r, payload, fingerprint)
        })
        .collect();
    let started = Instant::now();
    for chunk in rows.chunks(BATCH) {
        let mut tx = db.begin_write().await.unwrap();
        for (record, payload, fingerprint) in chunk {
            let stored = StoredRecord {
                courier_id: 1,
                station_id: 1,
                record,
                payload,
                fingerprint,
                received_at: 1,
            };
            insert_revision(&mut tx, &stored).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    RECORDS_PER_LEVEL as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(&dir, "http").await;
    let accounts = seed::seed_demo(&db).await.unwrap();
    let courier = accounts.iter().find(|a| a.username == "courier").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = axum::serve(listener, app(AppState::new(db, None)));
    tokio::spawn(async move { server.await.unwrap() });
    let login: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": "courier", "password": courier.password }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_string();

    let raw_db = fresh_db(&dir, "raw").await;
    seed::seed_demo(&raw_db).await.unwrap();
    let raw = raw_insert(&raw_db, 0).await;
    figure(
        "ingest sqlite: raw bulk insert (batches of 200)",
        raw,
        "rec/s",
    );
    for (level, clients) in [1usize, 4, 16].into_iter().enumerate() {
        let first = (level as u64 + 1) * 1_000_000;
        let (rate, latencies) = http_ingest(&base, &token, clients, first).await;
        figure(
            &format!("ingest sqlite: HTTP, {clients} clients"),
            rate,
            "rec/s",
        );
        figure(
            &format!("ingest sqlite: HTTP, {clients} clients, batch p50"),
            percentile(&latencies, 0.5),
            "ms",
        );
        figure(
            &format!("ingest sqlite: HTTP, {clients} clients, batch p99"),
            percentile(&latencies, 0.99),
            "ms",
        );
        figure(
            &format!("ingest sqlite: HTTP/raw ratio, {clients} clients"),
            rate / raw,
            "x",
        );
    }
}
