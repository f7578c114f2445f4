//! Fault test: the real server binary is killed with SIGKILL while devices are syncing, again and
//! again. Every revision the server acknowledged must be stored exactly once after the restart,
//! and the devices' retries of everything else must complete the set.

use doorstep_core::sync::{SyncRequest, SyncResponse};
use doorstep_core::DeliveryRecord;
use doorstep_testkit::Launch;
use std::collections::BTreeSet;
use std::time::Duration;

const RECORDS: u64 = 3_000;
const BATCH: usize = 100;
const KILLS: usize = 5;

fn record(n: u64) -> DeliveryRecord {
    doorstep_core::testing::door_delivery(n)
}

/// Sends batches of not-yet-acknowledged records until told to stop; returns the acked ids.
async fn push(url: String, token: String, pending: Vec<u64>) -> BTreeSet<u64> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut acked = BTreeSet::new();
    for chunk in pending.chunks(BATCH) {
        let body = SyncRequest {
            cursor: 0,
            records: chunk.iter().map(|&n| record(n)).collect(),
            device: None,
        };
        let Ok(response) = client
            .post(&url)
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
        else {
            break; // The server is gone: what was acknowledged so far counts.
        };
        let Ok(response) = response.json::<SyncResponse>().await else {
            break;
        };
        for ack in response.acks {
            assert!(ack.ack.is_delivered(), "{ack:?}");
            acked.insert(ack.id.as_u128() as u64);
        }
    }
    acked
}

#[tokio::test(flavor = "multi_thread")]
async fn acknowledged_records_survive_sigkill_exactly_once() {
    let mut server = Launch::new(env!("CARGO_BIN_EXE_doorstep-server")).start();
    let credentials = server.credentials();
    let mut acked = BTreeSet::new();
    let mut interrupted = 0;

    for round in 0..=KILLS {
        let courier = server
            .api()
            .login("courier", &credentials.courier_password)
            .await;
        let pending: Vec<u64> = (0..RECORDS).filter(|n| !acked.contains(n)).collect();
        let wanted = pending.len();
        let pusher = tokio::spawn(push(server.url("/api/v1/sync"), courier, pending));
        if round < KILLS {
            // Kill while batches are in flight.
            tokio::time::sleep(Duration::from_millis(150 + 40 * round as u64)).await;
            server.kill(); // SIGKILL
        }
        let got = pusher.await.unwrap();
        if got.len() < wanted {
            interrupted += 1;
        }
        acked.extend(got);
        if round < KILLS {
            server.restart();
        }
    }
    assert!(
        interrupted >= 2,
        "the kills must land mid-sync to test anything ({interrupted})"
    );
    assert_eq!(acked.len() as u64, RECORDS, "the retries completed the set");

    let supervisor = server
        .api()
        .login("supervisor", &credentials.supervisor_password)
        .await;
    let stored = server.api().records_stored_once(&supervisor).await;
    assert_eq!(stored as u64, RECORDS, "every acknowledged record is there");
}
