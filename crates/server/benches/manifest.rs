//! Importing the day's manifest: preview and confirmation of a generated 10,000-row and
//! 100,000-row CSV through the real server binary over HTTP, timed, with the server process's
//! peak RSS (`VmHWM` of `/proc/<pid>/status`, reset before each file) while it reads and stores.
//!
//! SQLite always; PostgreSQL too when `BENCH_DATABASE_URL` names a server (`cargo xtask bench`
//! starts a throwaway cluster). Prints one `BENCH {json}` line per figure for `cargo xtask bench`.

use doorstep_testkit::{Launch, Server};
use std::time::Instant;

mod common;

use common::figure;

const SIZES: [u64; 2] = [10_000, 100_000];
/// Shanghai days the two files are for, one each.
const DAYS: [&str; 2] = ["2026-12-07", "2026-12-08"];

/// `rows` manifest rows in Chinese headers, as a station's system exports them: waybills from
/// `first`, the demo courier, a spread of compounds, flags and amounts.
fn manifest(first: u64, rows: u64) -> Vec<u8> {
    let mut text =
        String::from("运单号,收件人,手机号,收件地址,大件,生鲜,代收金额,应送达日期,快递员\r\n");
    for n in first..first + rows {
        text.push_str(&format!(
            "SF{n:013},张{},138{:08},长宁区愚园路{}弄{}号楼{}单元{}室,{},{},{},2026-12-08,courier\r\n",
            n % 100,
            n % 100_000_000,
            1000 + n % 40,
            n % 12 + 1,
            n % 4 + 1,
            100 + n % 1800,
            if n % 17 == 0 { "是" } else { "否" },
            if n % 23 == 0 { "是" } else { "否" },
            if n % 9 == 0 { "12.50" } else { "" },
        ));
    }
    text.into_bytes()
}

async fn upload(
    client: &reqwest::Client,
    server: &Server,
    token: &str,
    query: &str,
    file: &[u8],
) -> serde_json::Value {
    let response = client
        .post(server.url(&format!("/api/v1/manifests?{query}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(file.to_vec())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

async fn bench(label: &str, database_url: Option<&str>) {
    let mut launch = Launch::new(env!("CARGO_BIN_EXE_doorstep-server"));
    if let Some(url) = database_url {
        launch = launch.database_url(url);
    }
    let server = launch.start();
    let client = reqwest::Client::new();
    let password = server.credentials().supervisor_password;
    let token = server.api().login("supervisor", &password).await;
    let mut first = 1;
    for (rows, day) in SIZES.into_iter().zip(DAYS) {
        let file = manifest(first, rows);
        first += rows;
        let name = |what: &str| format!("manifest {label}: {rows} rows, {what}");
        figure(
            &name("server RSS before"),
            server.status_mib("VmRSS:"),
            "MiB",
        );
        server.reset_peak();
        let started = Instant::now();
        let preview = upload(&client, &server, &token, &format!("day={day}"), &file).await;
        let previewed = started.elapsed().as_secs_f64();
        assert_eq!(preview["added"], rows, "{}", preview["problems"]);
        let fingerprint = preview["fingerprint"].as_str().unwrap();
        let query = format!("day={day}&confirm={fingerprint}");
        let stored = upload(&client, &server, &token, &query, &file).await;
        let total = started.elapsed().as_secs_f64();
        assert_eq!(stored["stored"], true);
        figure(&name("preview, time"), previewed, "s");
        figure(&name("confirm, time"), total - previewed, "s");
        figure(&name("preview + confirm, time"), total, "s");
        figure(&name("server peak RSS"), server.status_mib("VmHWM:"), "MiB");
    }
}

#[tokio::main]
async fn main() {
    bench("sqlite", None).await;
    if let Ok(server) = std::env::var("BENCH_DATABASE_URL") {
        let url = common::fresh_postgres_url(&server, "bench_manifest").await;
        bench("postgres", Some(&url)).await;
    }
}
