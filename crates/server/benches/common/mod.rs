//! What the server benchmarks share.
// Each benchmark compiles this module on its own and uses only part of it.
#![allow(dead_code)]

/// Prints one figure as the `BENCH {json}` line `cargo xtask bench` collects.
pub fn figure(name: &str, value: f64, unit: &str) {
    println!("{}", doorstep_core::testing::bench_line(name, value, unit));
}

/// Door delivery `n`, handed to the recipient: the record the load benchmarks send.
pub fn record(n: u64) -> doorstep_core::DeliveryRecord {
    doorstep_core::DeliveryRecord {
        outcome: Some(doorstep_core::Outcome::DeliveredToRecipient),
        outcome_at: Some(doorstep_core::testing::CAPTURED_AT + 500),
        ..doorstep_core::testing::door_delivery(n)
    }
}

/// The URL of a new, empty database `name` on the PostgreSQL server of `server_url`
/// (`…/postgres`). One an earlier run left there (a hand run against a lasting cluster) is
/// dropped first.
pub async fn fresh_postgres_url(server_url: &str, name: &str) -> String {
    let admin = sqlx::PgPool::connect(server_url).await.unwrap();
    for statement in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(&statement).execute(&admin).await.unwrap();
    }
    admin.close().await;
    let (base, _) = server_url
        .rsplit_once('/')
        .expect("a URL ending in /<database>");
    format!("{base}/{name}")
}

/// The real server binary on SQLite, or on `database_url`; its API and the courier's token.
pub async fn start_signed_in(
    database_url: Option<&str>,
) -> (doorstep_testkit::Server, doorstep_testkit::Api, String) {
    let mut launch = doorstep_testkit::Launch::new(env!("CARGO_BIN_EXE_doorstep-server"));
    if let Some(url) = database_url {
        launch = launch.database_url(url);
    }
    let server = launch.start();
    let api = server.api().clone();
    let password = server.credentials().courier_password;
    let courier = api.login("courier", &password).await;
    (server, api, courier)
}
