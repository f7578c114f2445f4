//! The supervisor's list and CSV export at 1,000,000 records of one station: the records are
//! bulk-loaded (several couriers, a spread of methods, outcomes, consents, flags and six months of
//! dates), then the real server binary serves them and this client measures each page query over
//! HTTP (p50 / p95) and the full export (time, and the server process's peak RSS while exporting).
//!
//! SQLite always; PostgreSQL too when `BENCH_DATABASE_URL` names a server (`cargo xtask bench`
//! starts a throwaway cluster). `BENCH_RECORDS` loads fewer rows for a quick check.
//! Prints one `BENCH {json}` line per figure for `cargo xtask bench`.

use doorstep_core::compliance::{self, CompliancePolicy};
use doorstep_core::testing::percentile;
use doorstep_core::{
    Carrier, Consent, ConsentChannel, ConsentDecision, DeliveryMethod, DeliveryRecord, Disclosure,
    Outcome, Waybill,
};
use doorstep_server::db::{Backend, Db};
use doorstep_server::records::query::reversed;
use doorstep_server::seed;
use doorstep_testkit::{Launch, Server};
use sqlx::Connection;
use std::time::{Duration, Instant};

mod common;

use common::figure;

const RECORDS: u64 = 1_000_000;
const COURIERS: u64 = 8;
/// Rows per INSERT statement (15 parameters each, under both backends' limits).
const ROWS_PER_STATEMENT: usize = 500;
/// Rows per load transaction.
const ROWS_PER_TRANSACTION: usize = 50_000;
const SAMPLES: usize = 40;
const PAGE: &str = "50";
/// How far the deep-page query is: pages of 50 followed through `next`.
const DEEP_PAGES: usize = 200;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// The loaded records span this many days up to the load's start.
const SPAN_DAYS: i64 = 180;

/// A deterministic pseudo-random stream per record (SplitMix64), so every run loads the same data.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One loaded row: the record, which courier sent it and when the server received it.
struct Row {
    record: DeliveryRecord,
    courier: u64,
    received_at: i64,
}

const CARRIERS: [(Carrier, &str); 6] = [
    (Carrier::Sf, "SF"),
    (Carrier::Zto, "ZT"),
    (Carrier::Yto, "YT"),
    (Carrier::Yunda, "YD"),
    (Carrier::Jd, "JD"),
    (Carrier::Sto, "ST"),
];

/// Record `n` of the station: mostly lawful door deliveries, lockers and stations with consent,
/// and the share of failed attempts, late syncs and rule breaks a real station shows.
fn row(n: u64, records: u64, newest: i64) -> Row {
    let mut dice = Dice(n);
    let base = doorstep_core::testing::door_delivery(n);
    let oldest = newest - SPAN_DAYS * DAY_MS;
    let captured_at =
        oldest + (n as i64) * (SPAN_DAYS * DAY_MS / records as i64) + dice.below(60_000) as i64;
    let delay = if dice.chance(2) {
        DAY_MS + dice.below(2 * DAY_MS as u64) as i64
    } else {
        60_000 + dice.below(3_600_000) as i64
    };
    let (carrier, prefix) = CARRIERS[dice.below(CARRIERS.len() as u64) as usize];
    let mut flags = base.flags;
    flags.bulky = dice.chance(8);
    flags.fresh = dice.chance(5);
    let outcome_at = captured_at + 30_000;
    let kind = dice.below(100);
    let method = match kind {
        0..=59 => DeliveryMethod::Door,
        60..=87 => DeliveryMethod::Locker {
            bank: format!("{}", 1 + dice.below(6)),
            compartment: format!("{:02}", 1 + dice.below(40)),
        },
        _ => DeliveryMethod::Station {
            station: "愚园路菜鸟驿站".into(),
        },
    };
    let consent = (method.needs_consent() && !dice.chance(3)).then(|| Consent {
        channel: [
            ConsentChannel::PhoneCall,
            ConsentChannel::InPerson,
            ConsentChannel::RecipientLink,
            ConsentChannel::StandingPreference,
        ][dice.below(4) as usize],
        decision: ConsentDecision::Accepted,
        method: method.kind(),
        // Now and then recorded after the drop.
        given_at: if dice.chance(2) {
            outcome_at + 600_000
        } else {
            captured_at
        },
        disclosed: Disclosure {
            location: "愚园路 1088 弄 3 号快递柜".into(),
            free_storage_hours: 24,
            overtime_fee_fen: 50,
        },
        preference_id: None,
    });
    let mut failed_attempts = 0;
    let outcome = match method {
        DeliveryMethod::Locker { .. } => Outcome::PlacedInLocker,
        DeliveryMethod::Station { .. } => Outcome::LeftAtStation,
        DeliveryMethod::Door => match dice.below(100) {
            0..=84 => Outcome::DeliveredToRecipient,
            85..=87 => Outcome::DeliveredToProxy {
                proxy: "门卫".into(),
            },
            88..=89 => Outcome::Refused {
                reason: "包装破损".into(),
            },
            _ => {
                failed_attempts = 1 + dice.below(5) as u32;
                Outcome::FailedAttempt {
                    reason: "无人应门".into(),
                }
            }
        },
    };
    let called_at = (flags.needs_call_first() && !dice.chance(20)).then_some(captured_at);
    let mut recipient = base.recipient.clone();
    if let Some(r) = recipient.as_mut() {
        r.phone = format!("13{:09}", dice.below(1_000_000_000));
        r.address.room = format!("{}", 101 + dice.below(2000));
    }
    let record = DeliveryRecord {
        id: uuid::Uuid::from_u64_pair(dice.next(), dice.next()),
        waybill: Waybill::parse(&format!("{prefix}{n:013}")).expect("a valid waybill"),
        carrier,
        recipient,
        flags,
        method,
        consent,
        called_at,
        outcome: Some(outcome),
        outcome_at: Some(outcome_at),
        failed_attempts,
        captured_at,
        revised_at: outcome_at,
        ..base
    };
    Row {
        record,
        courier: n % COURIERS,
        received_at: captured_at + delay,
    }
}

/// The demo station and its supervisor's password, plus couriers up to `COURIERS`; returns the
/// station id, the courier account ids and the supervisor's password.
async fn accounts(db: &Db) -> (i64, Vec<i64>, String) {
    let demo = seed::seed_demo(db).await.unwrap();
    let password = demo
        .iter()
        .find(|a| a.username == "supervisor")
        .unwrap()
        .password
        .clone();
    let (station,): (i64,) = sqlx::query_as("SELECT id FROM stations")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    for c in 2..=COURIERS {
        sqlx::query(
            "INSERT INTO accounts (station_id, username, display_name, staff_no, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, 'courier', 'not a hash: never signs in', 0)",
        )
        .bind(station)
        .bind(format!("courier{c}"))
        .bind(format!("快递员{c}"))
        .bind(format!("SH-{:04}", 300 + c))
        .execute(&db.pool)
        .await
        .unwrap();
    }
    let couriers: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM accounts WHERE role = 'courier' ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    (
        station,
        couriers.into_iter().map(|(id,)| id).collect(),
        password,
    )
}

/// `INSERT … VALUES ($1, …), (…)` for `rows` rows of `columns` parameters.
fn multi_row_insert(head: &str, columns: usize, rows: usize) -> String {
    let groups: Vec<String> = (0..rows)
        .map(|r| {
            let params: Vec<String> = (1..=columns)
                .map(|c| format!("${}", r * columns + c))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect();
    format!("{head} VALUES {}", groups.join(", "))
}

/// Writes the current-revision rows and their flags exactly as the sync path leaves them, in big
/// multi-row statements. Returns rows/s.
async fn load(db: &Db, records: u64, station: i64, couriers: &[i64]) -> f64 {
    let started = Instant::now();
    let newest = doorstep_server::clock::now_ms();
    let mut conn = db.pool.acquire().await.unwrap();
    let fast = match db.backend {
        // The load only: the server's own connections keep FULL.
        Backend::Sqlite => "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144",
        Backend::Postgres => "SET synchronous_commit = off",
    };
    sqlx::raw_sql(fast).execute(&mut *conn).await.unwrap();
    let policy = CompliancePolicy::default();
    let record_head =
        "INSERT INTO records (id, station_id, courier_id, revision, waybill, carrier, \
        method, outcome, captured_at, revised_at, received_at, payload, consent_channel, \
        waybill_reversed, flags)";
    let flag_head = "INSERT INTO record_flags (record_id, flag, station_id, received_at)";
    let full_statement = multi_row_insert(record_head, 15, ROWS_PER_STATEMENT);
    let numbers: Vec<u64> = (0..records).collect();
    let (mut making, mut writing) = (Duration::ZERO, Duration::ZERO);
    for transaction in numbers.chunks(ROWS_PER_TRANSACTION) {
        let mut tx = conn.begin().await.unwrap();
        let mut flag_rows: Vec<(String, &'static str, i64)> = Vec::new();
        for chunk in transaction.chunks(ROWS_PER_STATEMENT) {
            let sql = if chunk.len() == ROWS_PER_STATEMENT {
                full_statement.clone()
            } else {
                multi_row_insert(record_head, 15, chunk.len())
            };
            let mut query = sqlx::query(&sql);
            let made = Instant::now();
            for &n in chunk {
                let Row {
                    record,
                    courier,
                    received_at,
                } = row(n, records, newest);
                let codes: Vec<&'static str> = compliance::flags(&record, received_at, &policy)
                    .into_iter()
                    .map(|f| f.code())
                    .collect();
                let id = record.id.to_string();
                for &code in &codes {
                    flag_rows.push((id.clone(), code, received_at));
                }
                query = query
                    .bind(id)
                    .bind(station)
                    .bind(couriers[courier as usize])
                    .bind(i64::from(record.revision))
                    .bind(record.waybill.as_str().to_string())
                    .bind(record.carrier.code())
                    .bind(record.method.code())
                    .bind(record.outcome.as_ref().map(|o| o.code()))
                    .bind(record.captured_at)
                    .bind(record.revised_at)
                    .bind(received_at)
                    .bind(serde_json::to_string(&record).unwrap())
                    .bind(record.consent.as_ref().map(|c| c.channel.code()))
                    .bind(reversed(record.waybill.as_str()))
                    .bind(codes.join(","));
            }
            making += made.elapsed();
            let written = Instant::now();
            query.execute(&mut *tx).await.unwrap();
            writing += written.elapsed();
        }
        for chunk in flag_rows.chunks(ROWS_PER_STATEMENT) {
            let sql = multi_row_insert(flag_head, 4, chunk.len());
            let mut query = sqlx::query(&sql);
            for (id, code, received_at) in chunk {
                query = query
                    .bind(id.clone())
                    .bind(*code)
                    .bind(station)
                    .bind(*received_at);
            }
            query.execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    eprintln!("load: making rows {making:?}, writing records {writing:?}");
    if db.backend == Backend::Postgres {
        // What autovacuum does shortly after a bulk load: statistics, and the visibility map
        // that lets a capture-time range be read from its index alone. Without them the planner
        // walks the newest-first index instead, far slower for one courier's week.
        sqlx::query("VACUUM ANALYZE")
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    records as f64 / started.elapsed().as_secs_f64()
}

/// One list page: the answer's `next` and how many rows it had.
async fn page(
    client: &reqwest::Client,
    server: &Server,
    token: &str,
    query: &[(&str, String)],
) -> (Option<String>, usize) {
    let response = client
        .get(server.url("/api/v1/records"))
        .bearer_auth(token)
        .query(query)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let body: serde_json::Value = response.json().await.unwrap();
    (
        body["next"].as_str().map(str::to_string),
        body["records"].as_array().map_or(0, Vec::len),
    )
}

/// p50 and p95 of `SAMPLES` requests, each with the query `queries` gives for sample `i`.
async fn measure(
    client: &reqwest::Client,
    server: &Server,
    token: &str,
    name: &str,
    queries: impl Fn(usize) -> Vec<(&'static str, String)>,
) {
    let mut latencies = Vec::new();
    let mut rows = 0;
    for i in 0..SAMPLES {
        let query = queries(i);
        let sent = Instant::now();
        rows += page(client, server, token, &query).await.1;
        latencies.push(sent.elapsed());
    }
    assert!(rows > 0, "{name}: the query matched nothing");
    latencies.sort();
    figure(
        &format!("{name} p50"),
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        "ms",
    );
    figure(
        &format!("{name} p95"),
        percentile(&latencies, 0.95).as_secs_f64() * 1000.0,
        "ms",
    );
}

async fn bench(label: &str, database_url: &str, records: u64) {
    let db = Db::connect(database_url).await.unwrap();
    let (station, couriers, password) = accounts(&db).await;
    let rate = load(&db, records, station, &couriers).await;
    figure(&format!("supervisor {label}: bulk load"), rate, "rec/s");
    db.pool.close().await;

    let server = Launch::new(env!("CARGO_BIN_EXE_doorstep-server"))
        .database_url(database_url)
        .start();
    let client = reqwest::Client::new();
    let token = server.api().login("supervisor", &password).await;
    let limit = || ("limit", PAGE.to_string());
    let newest = doorstep_server::clock::now_ms();
    let name = |what: &str| format!("supervisor {label}: {what}");

    measure(&client, &server, &token, &name("first page"), |_| {
        vec![limit()]
    })
    .await;
    measure(
        &client,
        &server,
        &token,
        &name("flag no_consent page"),
        |_| vec![limit(), ("flag", "no_consent".into())],
    )
    .await;
    // A week of one courier's records, two months back; a different courier each time.
    measure(
        &client,
        &server,
        &token,
        &name("courier + week page"),
        |i| {
            let from = newest - 60 * DAY_MS - (i as i64 % 7) * DAY_MS;
            vec![
                limit(),
                (
                    "courier",
                    format!("courier{}", 2 + i as u64 % (COURIERS - 1)),
                ),
                ("captured_from", from.to_string()),
                ("captured_to", (from + 7 * DAY_MS).to_string()),
            ]
        },
    )
    .await;
    // The whole station's week, two months back.
    measure(&client, &server, &token, &name("week page"), |i| {
        let from = newest - 60 * DAY_MS - (i as i64 % 7) * DAY_MS;
        vec![
            limit(),
            ("captured_from", from.to_string()),
            ("captured_to", (from + 7 * DAY_MS).to_string()),
        ]
    })
    .await;
    // The last five digits, as a supervisor types them from a parcel label.
    measure(
        &client,
        &server,
        &token,
        &name("waybill suffix page"),
        |i| {
            let n = (i as u64 * 7919) % records;
            vec![limit(), ("waybill", format!("{:05}", n % 100_000))]
        },
    )
    .await;
    let mut before = None;
    for _ in 0..DEEP_PAGES {
        let mut query = vec![limit()];
        query.extend(before.clone().map(|b| ("before", b)));
        before = page(&client, &server, &token, &query).await.0;
    }
    let deep = before.expect("enough records for the deep page");
    measure(
        &client,
        &server,
        &token,
        &name(&format!("page {DEEP_PAGES} deep")),
        |_| vec![limit(), ("before", deep.clone())],
    )
    .await;

    let rss_before = server.status_mib("VmRSS:");
    server.reset_peak();
    let started = Instant::now();
    let mut response = client
        .get(server.url("/api/v1/records/export.csv"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let mut lines = 0u64;
    while let Some(chunk) = response.chunk().await.unwrap() {
        lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
    }
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(lines, records + 1, "every record and the header");
    let peak = server.status_mib("VmHWM:");
    figure(&name("export all rows, time"), seconds, "s");
    figure(&name("export, server RSS before"), rss_before, "MiB");
    figure(&name("export, server peak RSS"), peak, "MiB");
    figure(&name("export, RSS growth"), peak - rss_before, "MiB");
}

#[tokio::main]
async fn main() {
    let records = std::env::var("BENCH_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(RECORDS);
    let dir = tempfile::tempdir().unwrap();
    bench(
        "sqlite",
        &doorstep_server::db::sqlite_url(dir.path()),
        records,
    )
    .await;
    if let Ok(server) = std::env::var("BENCH_DATABASE_URL") {
        let url = common::fresh_postgres_url(&server, "bench_supervisor").await;
        bench("postgres", &url, records).await;
    }
}
