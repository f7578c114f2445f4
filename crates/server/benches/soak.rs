//! Soak: the real server binary under a steady sync load for ten minutes (`SOAK_SECONDS`), at
//! 80 % of the peak rate this run first measures, killed with SIGKILL at random moments and
//! started again on the same data. The devices resend what was not acknowledged, as the app's
//! outbox does, so each outage shows as latency of the batches it caught.
//!
//! At the end every acknowledged record must be stored exactly once and nothing else stored
//! (the benchmark fails otherwise); reported: the load, per minute the acknowledged rate and the
//! p99 from a batch's first send to its acknowledgement, the kills, and the server's RSS.
//!
//! SQLite, and PostgreSQL too when `BENCH_DATABASE_URL` names a server. `SOAK_SEED` repeats a
//! run's kill moments. Prints one `BENCH {json}` line per figure for `cargo xtask bench`.

use doorstep_core::sync::{SyncRequest, SyncResponse};
use doorstep_core::testing::percentile;
use doorstep_server::db::{Db, Placeholders};
use doorstep_testkit::{Launch, Server};
use rand::{Rng, SeedableRng};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;

use common::{figure, record};

const DEVICES: usize = 16;
const BATCH: u64 = 200;
const PEAK_SECONDS: u64 = 20;
const LOAD: f64 = 0.8;
/// Seconds between one start and the next kill, drawn uniformly.
const LIFE_SECONDS: std::ops::Range<u64> = 20..90;
/// Each device's records are numbered from a multiple of this, so its range is known.
const SPAN: u64 = 1_000_000_000;
const RSS_EVERY: Duration = Duration::from_secs(5);

/// One acknowledged batch: when its acknowledgement came (from the phase's start) and how long
/// it took from the first send.
struct Acked {
    at: Duration,
    took: Duration,
}

/// What one device did: records `first..first + acked` acknowledged, in order.
struct Device {
    first: u64,
    acked: u64,
    batches: Vec<Acked>,
    resent: u64,
}

/// Sends one batch; `None` when it must be sent again (no answer, or the server failed).
async fn send(client: &reqwest::Client, url: &str, token: &str, body: &[u8]) -> Option<()> {
    let response = client
        .post(url)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .ok()?;
    let status = response.status();
    if status.is_server_error() {
        return None;
    }
    let text = response.text().await.ok()?;
    assert!(status.is_success(), "{status}: {text}");
    let answer: SyncResponse = serde_json::from_str(&text).unwrap();
    assert_eq!(answer.acks.len() as u64, BATCH, "an ack per record");
    assert!(answer.acks.iter().all(|a| a.ack.is_delivered()), "{text}");
    Some(())
}

/// A device pushing 200-record batches from record `first` until `stop`, one every `every` (as
/// fast as answered when `None`); a batch not acknowledged is sent again until it is, even after
/// `stop`.
async fn device(
    url: String,
    token: String,
    first: u64,
    every: Option<Duration>,
    stop: Arc<AtomicBool>,
    started: Instant,
) -> Device {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut done = Device {
        first,
        acked: 0,
        batches: Vec::new(),
        resent: 0,
    };
    let mut due = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        if let Some(every) = every {
            tokio::time::sleep_until(due.into()).await;
            due = (due + every).max(Instant::now());
        }
        let next = first + done.acked;
        let body = serde_json::to_vec(&SyncRequest {
            cursor: 0,
            records: (next..next + BATCH).map(record).collect(),
            device: None,
        })
        .unwrap();
        let sent = Instant::now();
        while send(&client, &url, &token, &body).await.is_none() {
            done.resent += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        done.acked += BATCH;
        done.batches.push(Acked {
            at: started.elapsed(),
            took: sent.elapsed(),
        });
    }
    done
}

/// Runs `DEVICES` devices from the `block`th blocks of record numbers until `seconds` passed,
/// while `meanwhile` runs (the kills); the devices' results once all are acknowledged.
async fn load<F: std::future::Future<Output = ()>>(
    url: &str,
    token: &str,
    block: u64,
    every: Option<Duration>,
    meanwhile: F,
) -> Vec<Device> {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let devices: Vec<_> = (0..DEVICES as u64)
        .map(|d| {
            tokio::spawn(device(
                url.to_string(),
                token.to_string(),
                (block + d) * SPAN,
                every,
                stop.clone(),
                started,
            ))
        })
        .collect();
    meanwhile.await;
    stop.store(true, Ordering::Relaxed);
    let mut done = Vec::new();
    for device in devices {
        done.push(device.await.unwrap());
    }
    done
}

/// One server process's life: how long it took to listen after a restart (none for the first)
/// and its RSS samples, seconds from the soak's start.
#[derive(Default)]
struct Life {
    restart: Option<Duration>,
    rss: Vec<(f64, f64)>,
}

/// Samples the RSS until `until`, SIGKILLing and restarting the server at random moments on the
/// way; returns each process life, one more than the kills.
async fn kill_at_random(
    server: &mut Server,
    started: Instant,
    until: Instant,
    seed: u64,
) -> Vec<Life> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut lives = vec![Life::default()];
    loop {
        let gap = rng.gen_range(LIFE_SECONDS.start * 1000..LIFE_SECONDS.end * 1000);
        let end = (Instant::now() + Duration::from_millis(gap)).min(until);
        let life = lives.last_mut().unwrap();
        loop {
            let sample = server.status_mib("VmRSS:");
            life.rss.push((started.elapsed().as_secs_f64(), sample));
            let now = Instant::now();
            if now >= end {
                break;
            }
            tokio::time::sleep(RSS_EVERY.min(end - now)).await;
        }
        if end >= until {
            return lives;
        }
        let restart = tokio::task::block_in_place(|| {
            server.kill();
            let restarted = Instant::now();
            server.restart();
            restarted.elapsed()
        });
        lives.push(Life {
            restart: Some(restart),
            rss: Vec::new(),
        });
    }
}

/// How many rows of `table` have an id in `from..to` (record numbers).
async fn count(db: &Db, table: &str, column: &str, from: u64, to: u64) -> u64 {
    let marks = Placeholders::of_db(db);
    let sql = format!(
        "SELECT COUNT(*) FROM {table} WHERE {column} >= {} AND {column} < {}",
        marks.list(1, 1),
        marks.list(2, 1)
    );
    let id = |n: u64| uuid::Uuid::from_u128(u128::from(n)).to_string();
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(id(from))
        .bind(id(to))
        .fetch_one(&db.pool)
        .await
        .unwrap();
    n as u64
}

/// Checks every device's range in the stopped server's database: its acknowledged records each
/// stored once (in `records` and `record_revisions`) and nothing after them. Returns
/// (acknowledged and missing, stored but not acknowledged or stored twice).
async fn check(database_url: &str, devices: &[Device]) -> (u64, u64) {
    let db = Db::connect(database_url).await.unwrap();
    let (mut lost, mut extra) = (0, 0);
    for device in devices {
        let (first, end) = (device.first, device.first + device.acked);
        for (table, column) in [("records", "id"), ("record_revisions", "record_id")] {
            let stored = count(&db, table, column, first, end).await;
            lost += device.acked.saturating_sub(stored);
            extra += stored.saturating_sub(device.acked);
            extra += count(&db, table, column, end, device.first + SPAN).await;
        }
    }
    db.pool.close().await;
    (lost, extra)
}

fn rate(devices: &[Device], seconds: f64) -> f64 {
    devices.iter().map(|d| d.acked).sum::<u64>() as f64 / seconds
}

async fn soak(label: &str, database_url: Option<&str>, seconds: u64, seed: u64) {
    let mut launch = Launch::new(env!("CARGO_BIN_EXE_doorstep-server"));
    if let Some(url) = database_url {
        launch = launch.database_url(url);
    }
    let mut server = launch.start();
    let password = server.credentials().courier_password;
    let token = server.api().login("courier", &password).await;
    let url = server.url("/api/v1/sync");
    let name = |what: &str| format!("soak {label}: {what}");

    let started = Instant::now();
    let peak_devices = load(&url, &token, 0, None, async {
        tokio::time::sleep(Duration::from_secs(PEAK_SECONDS)).await
    })
    .await;
    let peak = rate(&peak_devices, started.elapsed().as_secs_f64());
    figure(&name("peak, 16 devices as fast as answered"), peak, "rec/s");
    let every = Duration::from_secs_f64(BATCH as f64 * DEVICES as f64 / (LOAD * peak));
    figure(&name("offered, 80 % of the peak"), LOAD * peak, "rec/s");

    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let mut lives = Vec::new();
    let devices = load(&url, &token, DEVICES as u64, Some(every), async {
        lives = kill_at_random(&mut server, started, until, seed).await;
    })
    .await;
    let rss_end = server.status_mib("VmRSS:");
    server.kill();

    let batches: Vec<&Acked> = devices.iter().flat_map(|d| &d.batches).collect();
    for minute in 0..seconds.div_ceil(60) {
        let mut took: Vec<Duration> = batches
            .iter()
            .filter(|b| b.at.as_secs() / 60 == minute)
            .map(|b| b.took)
            .collect();
        if took.is_empty() {
            continue;
        }
        took.sort();
        let span = (seconds - minute * 60).min(60) as f64;
        let minute = minute + 1;
        figure(
            &name(&format!("minute {minute}, acknowledged")),
            (took.len() as u64 * BATCH) as f64 / span,
            "rec/s",
        );
        figure(
            &name(&format!("minute {minute}, p99 first send to ack")),
            percentile(&took, 0.99).as_secs_f64() * 1000.0,
            "ms",
        );
    }
    figure(&name("SIGKILLs"), (lives.len() - 1) as f64, "count");
    figure(
        &name("requests resent (no answer)"),
        devices.iter().map(|d| d.resent).sum::<u64>() as f64,
        "count",
    );
    let restarts = lives.iter().filter_map(|l| l.restart);
    figure(
        &name("restart to listening, longest"),
        restarts.max().unwrap_or_default().as_secs_f64() * 1000.0,
        "ms",
    );
    let acked: u64 = devices.iter().chain(&peak_devices).map(|d| d.acked).sum();
    figure(&name("records acknowledged"), acked as f64, "count");
    let rss: Vec<(f64, f64)> = lives.iter().flat_map(|l| l.rss.iter().copied()).collect();
    let one_minute_in = rss.iter().find(|(at, _)| *at >= 60.0).unwrap_or(&rss[0]).1;
    figure(&name("server RSS 1 min in"), one_minute_in, "MiB");
    figure(&name("server RSS at the end"), rss_end, "MiB");
    figure(
        &name("server RSS, highest sample"),
        rss.iter().map(|(_, mib)| *mib).fold(0.0, f64::max),
        "MiB",
    );
    for (n, life) in lives.iter().enumerate() {
        // The first sample is taken as the process starts; the next, 5 s later, has it at work.
        let (from, to) = (
            life.rss[1.min(life.rss.len() - 1)],
            life.rss[life.rss.len() - 1],
        );
        eprintln!(
            "life {n}: {:.0}–{:.0} s, RSS {:.1} → {:.1} MiB",
            from.0, to.0, from.1, to.1
        );
    }

    let database_url = match database_url {
        Some(url) => url.to_string(),
        None => doorstep_server::db::sqlite_url(server.data_dir()),
    };
    let all: Vec<Device> = peak_devices.into_iter().chain(devices).collect();
    let (lost, extra) = check(&database_url, &all).await;
    figure(&name("acknowledged records lost"), lost as f64, "count");
    figure(
        &name("records stored twice or unacknowledged"),
        extra as f64,
        "count",
    );
    assert_eq!(
        (lost, extra),
        (0, 0),
        "every acknowledged record stored once"
    );
}

#[tokio::main]
async fn main() {
    let seconds = std::env::var("SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let seed = std::env::var("SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("soak: {seconds} s per database, kill moments from SOAK_SEED={seed}");
    soak("sqlite", None, seconds, seed).await;
    if let Ok(server) = std::env::var("BENCH_DATABASE_URL") {
        let url = common::fresh_postgres_url(&server, "bench_soak").await;
        soak("postgres", Some(&url), seconds, seed).await;
    }
}
