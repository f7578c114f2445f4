//! The live feed's latency through the real server binary over loopback: a recipient answers a
//! consent link, and the time until the courier's open stream announces the change is measured,
//! answer after answer, on a quiet server and while eight devices push 200-record batches.
//!
//! SQLite, and PostgreSQL too when `BENCH_DATABASE_URL` names a server (there the wake travels
//! by `NOTIFY` to the instance's listener). Prints one `BENCH {json}` line per figure for
//! `cargo xtask bench`.

use doorstep_core::testing::{door_delivery, link_request, percentile};
use doorstep_core::DeliveryRecord;
use doorstep_testkit::{Api, LiveFeed};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;

use common::figure;

const ANSWERS: usize = 100;
const LOADERS: usize = 8;

fn token(n: usize) -> String {
    format!("Zq3kLm9Pw2Xv8Rt5Yb{n:04}")
}

/// Records that each ask the recipient by link, token `token(n)`.
fn linked(range: std::ops::Range<usize>) -> Vec<DeliveryRecord> {
    range
        .map(|n| {
            let mut record = door_delivery(n as u64);
            let id = uuid::Uuid::from_u128(1_000_000 + n as u128);
            record.link = Some(link_request(id, &token(n), record.captured_at));
            record
        })
        .collect()
}

/// Milliseconds from each answer's POST to its event on the courier's stream.
async fn latencies(api: &Api, feed: &mut LiveFeed, answers: std::ops::Range<usize>) -> Vec<f64> {
    let mut taken = Vec::new();
    for n in answers {
        // Each recipient from an address of their own, as on their own phones: the link page
        // allows 60 requests a minute per address.
        let from = std::net::Ipv4Addr::new(127, 0, 1 + (n / 250) as u8, 1 + (n % 250) as u8);
        let recipient = api.from_address(from);
        let started = Instant::now();
        recipient.answer_link(&token(n), "locker").await;
        feed.next_event().await;
        taken.push(started.elapsed().as_secs_f64() * 1e3);
    }
    taken.sort_by(f64::total_cmp);
    taken
}

fn report(label: &str, load: &str, taken: &[f64]) {
    for (name, p) in [("p50", 0.5), ("p99", 0.99)] {
        figure(
            &format!("live {label}: answer to the courier's event, {load}, {name}"),
            percentile(taken, p),
            "ms",
        );
    }
}

async fn bench(label: &str, database_url: Option<&str>) {
    let (_server, api, courier) = common::start_signed_in(database_url).await;
    for batch in linked(0..2 * ANSWERS).chunks(100) {
        let _: serde_json::Value = api.sync(&courier, 0, batch.to_vec()).await;
    }
    let mut feed = LiveFeed::open(&api.url(""), &courier).await;
    feed.next_event().await;
    report(
        label,
        "quiet",
        &latencies(&api, &mut feed, 0..ANSWERS).await,
    );

    // Eight devices push 200-record batches all along.
    let stop = Arc::new(AtomicBool::new(false));
    let loaders: Vec<_> = (0..LOADERS)
        .map(|device| {
            let (api, token, stop) = (api.clone(), courier.clone(), stop.clone());
            tokio::spawn(async move {
                let mut next = 10_000_000 + device * 1_000_000;
                while !stop.load(Ordering::Relaxed) {
                    let batch: Vec<DeliveryRecord> = (next..next + 200)
                        .map(|n| door_delivery(n as u64))
                        .collect();
                    let _: serde_json::Value = api.sync(&token, 0, batch).await;
                    next += 200;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let loaded = latencies(&api, &mut feed, ANSWERS..2 * ANSWERS).await;
    stop.store(true, Ordering::Relaxed);
    futures_util::future::join_all(loaders).await;
    report(
        label,
        &format!("{LOADERS} devices pushing 200-record batches"),
        &loaded,
    );
}

#[tokio::main]
async fn main() {
    bench("sqlite", None).await;
    if let Ok(server) = std::env::var("BENCH_DATABASE_URL") {
        let url = common::fresh_postgres_url(&server, "bench_live").await;
        bench("postgres", Some(&url)).await;
    }
}
