//! The photo store on an S3-compatible server: the server binary configured with a bucket of a
//! moto server this test starts keeps a photo there and serves it back. Needs `MOTO_SERVER` (the
//! `moto_server` program), so a plain `cargo test` skips it; `cargo xtask test` installs moto and
//! runs it.

use doorstep_core::proof::PhotoId;
use doorstep_core::testing::placed_in_locker;
use doorstep_core::{ConsentChannel, DeliveryRecord};
use doorstep_testkit::Launch;
use serde_json::Value;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BUCKET: &str = "doorstep-photos";

/// `moto_server` on a free loopback port, killed when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Moto {
        let program = std::env::var("MOTO_SERVER").expect("MOTO_SERVER names moto_server");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
#[ignore = "needs MOTO_SERVER; run by cargo xtask test"]
async fn photos_live_in_the_configured_bucket() {
    let moto = Moto::start();
    let http = reqwest::Client::new();
    // moto takes a moment to listen; the bucket is made the way any S3 client makes one.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match http.put(format!("{}/{BUCKET}", moto.endpoint)).send().await {
            Ok(answer) if answer.status().is_success() => break,
            _ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(200)).await,
            other => panic!("moto did not make the bucket: {other:?}"),
        }
    }
    let server = Launch::new(env!("CARGO_BIN_EXE_doorstep-server"))
        .env("DOORSTEP_PHOTOS_S3_BUCKET", BUCKET)
        .env("DOORSTEP_PHOTOS_S3_ENDPOINT", &moto.endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .start();
    let api = server.api();
    let credentials = server.credentials();
    let token = api.login("courier", &credentials.courier_password).await;
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..50_000u32).map(|n| (n % 251) as u8));
    let id = PhotoId::of(&bytes);
    let record = DeliveryRecord {
        photos: vec![id.clone()],
        ..placed_in_locker(
            doorstep_core::testing::door_delivery(1),
            ConsentChannel::InPerson,
        )
    };
    let _: Value = api.sync(&token, 0, vec![record]).await;
    assert_eq!(api.put_photo(&token, &bytes).await, 201);
    assert_eq!(api.put_photo(&token, &bytes).await, 200);
    assert_eq!(
        api.get_bytes(&format!("/api/v1/photos/{id}"), &token).await,
        bytes
    );
    // The object is in moto's bucket itself, not in a directory of the server's.
    let listing = http
        .get(format!("{}/{BUCKET}?list-type=2", moto.endpoint))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listing.contains(id.as_str()), "{listing}");
}
