//! Photo uploads through the real server binary over loopback: a device sending its 100 queued
//! photos one after another (the time a courier waits once back online), and eight devices at
//! once (what the store takes). Each photo is 200 kB of incompressible bytes, the size the app's
//! re-encoded photos come to; the records naming them are synced first, as the app does.
//!
//! SQLite with the default directory store; PostgreSQL too when `BENCH_DATABASE_URL` names a
//! server. Prints one `BENCH {json}` line per figure for `cargo xtask bench`.

use doorstep_core::proof::PhotoId;
use doorstep_core::testing::{door_delivery, placed_in_locker};
use doorstep_core::{ConsentChannel, DeliveryRecord};
use doorstep_testkit::Api;
use rand::{RngCore, SeedableRng};
use std::time::Instant;

mod common;

use common::figure;

const PHOTO_BYTES: usize = 200_000;
const QUEUED: usize = 100;
const DEVICES: usize = 8;

/// `count` distinct photos from `seed`, and the records that name them.
fn photos(seed: u64, count: usize) -> (Vec<Vec<u8>>, Vec<DeliveryRecord>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let photos: Vec<Vec<u8>> = (0..count)
        .map(|_| {
            let mut bytes = vec![0u8; PHOTO_BYTES];
            rng.fill_bytes(&mut bytes);
            bytes[..4].copy_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
            bytes
        })
        .collect();
    let records = photos
        .iter()
        .enumerate()
        .map(|(n, bytes)| DeliveryRecord {
            photos: vec![PhotoId::of(bytes)],
            ..placed_in_locker(
                door_delivery(seed * 10_000 + n as u64),
                ConsentChannel::InPerson,
            )
        })
        .collect();
    (photos, records)
}

async fn send_all(api: &Api, token: &str, photos: &[Vec<u8>]) {
    for bytes in photos {
        assert_eq!(api.put_photo(token, bytes).await, 201);
    }
}

async fn bench(label: &str, database_url: Option<&str>) {
    let (_server, api, token) = common::start_signed_in(database_url).await;

    let (queued, records) = photos(1, QUEUED);
    for batch in records.chunks(50) {
        let _: serde_json::Value = api.sync(&token, 0, batch.to_vec()).await;
    }
    let started = Instant::now();
    send_all(&api, &token, &queued).await;
    let one_device = started.elapsed().as_secs_f64();
    figure(
        &format!("photos {label}: {QUEUED} queued photos of 200 kB, one device, time"),
        one_device,
        "s",
    );

    let mut devices = Vec::new();
    for device in 0..DEVICES {
        let (photos, records) = photos(100 + device as u64, QUEUED / 2);
        let _: serde_json::Value = api.sync(&token, 0, records).await;
        devices.push(photos);
    }
    let started = Instant::now();
    let uploads = devices.iter().map(|photos| send_all(&api, &token, photos));
    futures_util::future::join_all(uploads).await;
    let elapsed = started.elapsed().as_secs_f64();
    let megabytes = (DEVICES * QUEUED / 2 * PHOTO_BYTES) as f64 / 1e6;
    figure(
        &format!("photos {label}: {DEVICES} devices at once, storage throughput"),
        megabytes / elapsed,
        "MB/s",
    );
}

#[tokio::main]
async fn main() {
    bench("sqlite", None).await;
    if let Ok(server) = std::env::var("BENCH_DATABASE_URL") {
        let url = common::fresh_postgres_url(&server, "bench_photos").await;
        bench("postgres", Some(&url)).await;
    }
}
