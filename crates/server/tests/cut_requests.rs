//! Fault test: phones lose their connection in the middle of a sync. 200 sync requests to the
//! real server binary are cut at random points (after the headers, halfway through the body,
//! after the whole body with the answer never read) while another client signs in and reads the
//! records list, and a courier whose connection holds syncs. Every sign-in, read and whole sync
//! must succeed within a second, and afterwards every record is stored exactly once, once the
//! device has sent again what was never acknowledged.

use doorstep_core::sync::{SyncRequest, SyncResponse};
use doorstep_testkit::{Launch, Server};
use rand::{Rng, SeedableRng};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const CUTS: u64 = 200;
const RECORDS_PER_REQUEST: u64 = 20;
const LIMIT: Duration = Duration::from_secs(1);

/// Where a request is cut.
#[derive(Debug, Clone, Copy)]
enum Cut {
    AfterHeaders,
    HalfBody,
    /// The whole request sent, the connection closed after `wait` without reading the answer.
    AnswerUnread {
        wait: Duration,
    },
}

/// Sends a sync request by hand and closes the connection where `cut` says.
async fn cut_sync(server: &Server, token: &str, body: &[u8], cut: Cut) {
    let base = server.url("/");
    let address = base
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap();
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/v1/sync HTTP/1.1\r\nhost: {address}\r\nauthorization: Bearer {token}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    match cut {
        Cut::AfterHeaders => {}
        Cut::HalfBody => stream.write_all(&body[..body.len() / 2]).await.unwrap(),
        Cut::AnswerUnread { wait } => {
            stream.write_all(body).await.unwrap();
            tokio::time::sleep(wait).await;
        }
    }
    // A reset, as when the phone loses its signal, rather than an orderly close. (Deprecated for
    // the blocking close a non-zero linger makes; a zero one resets at once.)
    #[allow(deprecated)]
    stream.set_linger(Some(Duration::ZERO)).unwrap();
    drop(stream);
}

/// Ids of the records the other courier's device syncs whole beside the cut ones.
const WHOLE_FROM: u64 = 1_000_000;

/// Until told to stop: syncs one record as a courier whose connection holds, signs in as the
/// supervisor and reads the list. Answers the slowest round and how many rounds (one record each).
async fn supervise(
    server: Arc<Server>,
    password: String,
    courier: String,
    stop: Arc<AtomicBool>,
) -> (Duration, u64) {
    let mut slowest = Duration::ZERO;
    let mut rounds = 0;
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let record = doorstep_core::testing::door_delivery(WHOLE_FROM + rounds);
        let synced: SyncResponse =
            tokio::time::timeout(LIMIT, server.api().sync(&courier, 0, vec![record]))
                .await
                .expect("a whole sync took longer than a second");
        assert!(synced.acks[0].ack.is_delivered(), "{:?}", synced.acks);
        let token = tokio::time::timeout(LIMIT, server.api().login("supervisor", &password))
            .await
            .expect("a sign-in took longer than a second");
        let page: serde_json::Value =
            tokio::time::timeout(LIMIT, server.api().get("/api/v1/records?limit=50", &token))
                .await
                .expect("a read took longer than a second");
        assert!(page["records"].is_array(), "{page}");
        slowest = slowest.max(started.elapsed());
        rounds += 1;
    }
    (slowest, rounds)
}

#[tokio::test(flavor = "multi_thread")]
async fn cut_syncs_never_hold_the_database() {
    let server = Arc::new(Launch::new(env!("CARGO_BIN_EXE_doorstep-server")).start());
    let credentials = server.credentials();
    let courier = server
        .api()
        .login("courier", &credentials.courier_password)
        .await;
    let stop = Arc::new(AtomicBool::new(false));
    let supervisor = tokio::spawn(supervise(
        server.clone(),
        credentials.supervisor_password.clone(),
        courier.clone(),
        stop.clone(),
    ));

    let mut random = rand::rngs::StdRng::seed_from_u64(20);
    for n in 0..CUTS {
        let first = n * RECORDS_PER_REQUEST;
        let body = SyncRequest {
            cursor: 0,
            records: (first..first + RECORDS_PER_REQUEST)
                .map(doorstep_core::testing::door_delivery)
                .collect(),
            device: None,
        };
        let body = serde_json::to_vec(&body).unwrap();
        let cut = match n % 3 {
            0 => Cut::AfterHeaders,
            1 => Cut::HalfBody,
            _ => Cut::AnswerUnread {
                wait: Duration::from_micros(random.gen_range(0..20_000)),
            },
        };
        cut_sync(&server, &courier, &body, cut).await;
    }
    stop.store(true, Ordering::Relaxed);
    let (slowest, rounds) = supervisor.await.unwrap();
    assert!(
        rounds > 0,
        "the supervisor signed in while the syncs were cut"
    );
    println!(
        "{rounds} whole syncs, sign-ins and reads beside the cut syncs, the slowest {slowest:?}"
    );

    // The device sends again what it never saw acknowledged: all of it, here.
    let all: Vec<u64> = (0..CUTS * RECORDS_PER_REQUEST).collect();
    for chunk in all.chunks(200) {
        let records = chunk
            .iter()
            .map(|&n| doorstep_core::testing::door_delivery(n))
            .collect();
        let response: SyncResponse = server.api().sync(&courier, 0, records).await;
        assert!(
            response.acks.iter().all(|a| a.ack.is_delivered()),
            "{:?}",
            response.acks
        );
    }
    let supervisor = server
        .api()
        .login("supervisor", &credentials.supervisor_password)
        .await;
    let stored = server.api().records_stored_once(&supervisor).await;
    assert_eq!(
        stored as u64,
        CUTS * RECORDS_PER_REQUEST + rounds,
        "every acknowledged record is there"
    );
}
