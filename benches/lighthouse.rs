//! Lighthouse (mobile preset: emulated phone, simulated slow 4G and CPU) on the three pages people
//! open: the courier's start page, a recipient's `/c/<token>` page for a real link, and the
//! supervisor's review. Each audit attaches to a Chromium in which that person has signed in, so
//! the app starts with its session; Lighthouse clears the service worker, Cache Storage and the
//! HTTP cache first, so every page loads cold. Prints `BENCH {json}` lines for `cargo xtask bench`
//! and keeps each report in `target/bench/lighthouse-<page>.json`.

#[cfg(not(target_arch = "wasm32"))]
#[allow(dead_code)] // The shared harness has helpers only the tests use.
#[path = "../tests/support/mod.rs"]
mod support;

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use crate::support::{now_ms, start_server, Browser};
    use doorstep_core::DeliveryRecord;
    use doorstep_testkit::Server;
    use std::path::PathBuf;
    use std::process::Command;

    /// Records on the server, so the supervisor's list has a page to show.
    const RECORDS: u64 = 30;

    fn figure(name: &str, value: f64, unit: &str) {
        println!("{}", doorstep_core::testing::bench_line(name, value, unit));
    }

    /// A door delivery captured `n` minutes ago; the newest asks its recipient by link, as the
    /// app's "发送链接" does.
    fn record(n: u64, link_token: &str) -> DeliveryRecord {
        let captured_at = now_ms() - n as i64 * 60_000;
        let mut record = DeliveryRecord {
            captured_at,
            revised_at: captured_at,
            ..doorstep_core::testing::door_delivery(n + 1)
        };
        if n == 0 {
            record.link = Some(doorstep_core::testing::link_request(
                uuid::Uuid::new_v4(),
                link_token,
                captured_at,
            ));
        }
        record
    }

    /// A phone-sized Chromium signed in through the login form, left on a blank page so the app
    /// in it does no work while Lighthouse measures in another tab.
    async fn signed_in(server: &Server, username: &str, password: &str, ready: &str) -> Browser {
        let browser = Browser::start().await;
        browser.client.goto(&server.url("/login")).await.unwrap();
        browser.fill("input[name=username]", username).await;
        browser.fill("input[name=password]", password).await;
        browser.click("button[type=submit]").await;
        browser.wait_for(ready).await;
        browser.client.goto("about:blank").await.unwrap();
        browser
    }

    /// The DevTools port chromedriver opened on the browser, for Lighthouse to attach to.
    fn devtools_port(browser: &Browser) -> String {
        let capabilities = browser.client.capabilities().expect("a session");
        let address = capabilities["goog:chromeOptions"]["debuggerAddress"]
            .as_str()
            .expect("chromedriver names the DevTools address");
        address.rsplit(':').next().unwrap().to_string()
    }

    /// Runs Lighthouse on `url` in `browser` and prints its scores, LCP and TBT; the accessibility
    /// audits that failed go to stderr.
    fn audit(browser: &Browser, page: &str, url: &str) {
        let lighthouse = std::env::var("LIGHTHOUSE")
            .expect("LIGHTHOUSE is not set: run this with `cargo xtask bench --only lighthouse`");
        // Lighthouse attaches to the running browser; should it ever launch one instead, that is
        // Debian's Chromium too, never a download.
        let output = Command::new(lighthouse)
            .env("CHROME_PATH", std::env::var("CHROMIUM").expect("CHROMIUM"))
            .arg(url)
            .arg(format!("--port={}", devtools_port(browser)))
            .args([
                "--chrome-flags=--headless=new --no-sandbox",
                "--only-categories=performance,accessibility",
                "--output=json",
                "--output-path=stdout",
                "--quiet",
            ])
            .output()
            .expect("start lighthouse");
        assert!(
            output.status.success(),
            "lighthouse failed on {url}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("Lighthouse's JSON report");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
        std::fs::create_dir_all(&dir).unwrap();
        let file = format!("lighthouse-{}.json", page.replace(' ', "-"));
        std::fs::write(dir.join(file), &output.stdout).unwrap();

        let score = |category: &str| {
            report["categories"][category]["score"]
                .as_f64()
                .unwrap_or(0.0)
        };
        let millis = |audit: &str| {
            report["audits"][audit]["numericValue"]
                .as_f64()
                .unwrap_or(f64::NAN)
        };
        let name = format!("Lighthouse {page}");
        figure(
            &format!("{name}, performance"),
            100.0 * score("performance"),
            "score",
        );
        figure(
            &format!("{name}, accessibility"),
            100.0 * score("accessibility"),
            "score",
        );
        figure(
            &format!("{name}, LCP"),
            millis("largest-contentful-paint"),
            "ms",
        );
        figure(&format!("{name}, TBT"), millis("total-blocking-time"), "ms");
        for reference in report["categories"]["accessibility"]["auditRefs"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let audit = &report["audits"][reference["id"].as_str().unwrap_or("")];
            if audit["score"].as_f64().is_some_and(|s| s < 1.0) {
                eprintln!("{page}: accessibility: {}", audit["title"]);
            }
        }
    }

    pub async fn run() {
        let server = start_server();
        let credentials = server.credentials();
        let courier_token = server
            .api()
            .login("courier", &credentials.courier_password)
            .await;
        let link_token = uuid::Uuid::new_v4().simple().to_string();
        let records = (0..RECORDS).map(|n| record(n, &link_token)).collect();
        let synced: serde_json::Value = server.api().sync(&courier_token, 0, records).await;
        assert_eq!(synced["acks"][0]["status"], "stored", "{synced}");

        let recipient = Browser::start().await;
        audit(
            &recipient,
            "recipient page",
            &server.url(&format!("/c/{link_token}")),
        );
        recipient.close().await;

        let courier = signed_in(
            &server,
            "courier",
            &credentials.courier_password,
            "input[name=waybill]",
        )
        .await;
        audit(&courier, "courier app", &server.url("/"));
        courier.close().await;

        let supervisor = signed_in(
            &server,
            "supervisor",
            &credentials.supervisor_password,
            // The supervisor's first screen: the day's coverage (issue 20).
            "[data-testid=coverage]",
        )
        .await;
        audit(&supervisor, "supervisor page", &server.url("/supervisor"));
        supervisor.close().await;
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[tokio::main]
async fn main() {
    bench::run().await;
}

/// Browser benchmarks drive a browser from the host; there is nothing to run inside wasm.
#[cfg(target_arch = "wasm32")]
fn main() {}
