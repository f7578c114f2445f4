//! Fault test: the real server binary is killed with SIGKILL while devices are syncing, again and
//! again. Every revision the server acknowledged must be stored exactly once after the restart,
//! and the devices' retries of everything else must complete the set.

use doorstep_core::sync::{SyncRequest, SyncResponse};
use doorstep_core::DeliveryRecord;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const RECORDS: u64 = 3_000;
const BATCH: usize = 100;
const KILLS: usize = 5;

fn record(n: u64) -> DeliveryRecord {
    doorstep_core::testing::door_delivery(n)
}

struct Server {
    child: Child,
    courier_password: Option<String>,
    supervisor_password: Option<String>,
}

fn start(port: u16, data: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_doorstep-server"))
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut courier_password, mut supervisor_password) = (None, None);
    loop {
        let line = lines.next().expect("server exited").unwrap();
        let password = line.split("password: ").nth(1).map(str::to_string);
        if line.contains("username: courier") {
            courier_password = password;
        } else if line.contains("username: supervisor") {
            supervisor_password = password;
        } else if line.starts_with("Doorstep is listening") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Server {
        child,
        courier_password,
        supervisor_password,
    }
}

async fn token(base: &str, username: &str, password: &str) -> String {
    let response: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["token"].as_str().unwrap().to_string()
}

/// Sends batches of not-yet-acknowledged records until told to stop; returns the acked ids.
async fn push(base: String, token: String, pending: Vec<u64>) -> BTreeSet<u64> {
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
            .post(format!("{base}/api/v1/sync"))
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
    let data = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(port, data.path());
    let courier_password = server.courier_password.clone().unwrap();
    let supervisor_password = server.supervisor_password.clone().unwrap();
    let mut acked = BTreeSet::new();
    let mut interrupted = 0;

    for round in 0..=KILLS {
        let courier = token(&base, "courier", &courier_password).await;
        let pending: Vec<u64> = (0..RECORDS).filter(|n| !acked.contains(n)).collect();
        let wanted = pending.len();
        let pusher = tokio::spawn(push(base.clone(), courier, pending));
        if round < KILLS {
            // Kill while batches are in flight.
            tokio::time::sleep(Duration::from_millis(150 + 40 * round as u64)).await;
            server.child.kill().unwrap(); // SIGKILL
            server.child.wait().unwrap();
        }
        let got = pusher.await.unwrap();
        if got.len() < wanted {
            interrupted += 1;
        }
        acked.extend(got);
        if round < KILLS {
            server = start(port, data.path());
        }
    }
    assert!(
        interrupted >= 2,
        "the kills must land mid-sync to test anything ({interrupted})"
    );
    assert_eq!(acked.len() as u64, RECORDS, "the retries completed the set");

    let supervisor = token(&base, "supervisor", &supervisor_password).await;
    let mut seen = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let mut url = format!("{base}/api/v1/records?limit=200");
        if let Some(cursor) = &before {
            url.push_str(&format!("&before={cursor}"));
        }
        let page: serde_json::Value = reqwest::Client::new()
            .get(url)
            .bearer_auth(&supervisor)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen.extend(
            page["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string()),
        );
        match page["next"].as_str() {
            Some(next) => before = Some(next.to_string()),
            None => break,
        }
    }
    let unique: BTreeSet<_> = seen.iter().collect();
    assert_eq!(seen.len(), unique.len(), "no record stored twice");
    assert_eq!(
        seen.len() as u64,
        RECORDS,
        "every acknowledged record is there"
    );
    server.child.kill().unwrap();
}
