//! In a real browser (headless Chromium): the courier's day from the manifest. Time from tapping
//! "sign in" to the 300-parcel route on screen (the first sync, which brings the parcels,
//! included), and the time to filter and regroup the route at 300 and 1,000 parcels with the CPU
//! slowed 4× (Chrome DevTools' throttling, as Lighthouse's mobile profile does). Prints one
//! `BENCH {json}` line per figure for `cargo xtask bench`.

#[cfg(not(target_arch = "wasm32"))]
#[allow(dead_code)] // The shared harness has helpers only the tests use.
#[path = "../tests/support/mod.rs"]
mod support;

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use crate::support::{now_ms, start_server, Browser};
    use doorstep_core::day::Day;
    use doorstep_core::testing::percentile;
    use fantoccini::wd::WebDriverCompatibleCommand;
    use fantoccini::Locator;
    use std::time::{Duration, Instant};

    /// Rounds of each interaction measured.
    const ROUNDS: usize = 40;

    fn figure(name: &str, value: f64, unit: &str) {
        println!("{}", doorstep_core::testing::bench_line(name, value, unit));
    }

    /// A manifest of `rows` parcels from `first` for the demo courier, five to a unit.
    fn manifest(first: usize, rows: usize) -> String {
        let mut csv = String::from("运单号,收件人,手机号,收件地址,大件,代收金额,快递员\n");
        for n in first..first + rows {
            let stop = n / 5;
            csv.push_str(&format!(
                "SF{n:013},张{n},138{n:08},愚园路{}弄{}号楼{}单元{}室,{},{},courier\n",
                1000 + stop / 40,
                stop % 40 / 4 + 1,
                stop % 4 + 1,
                100 + n % 5,
                if n % 17 == 0 { "是" } else { "" },
                if n % 23 == 0 { "15.00" } else { "" },
            ));
        }
        csv
    }

    /// A Chrome DevTools command through chromedriver's `goog/cdp/execute`.
    #[derive(Debug)]
    struct Cdp(serde_json::Value);

    impl WebDriverCompatibleCommand for Cdp {
        fn endpoint(
            &self,
            base_url: &url::Url,
            session_id: Option<&str>,
        ) -> Result<url::Url, url::ParseError> {
            base_url.join(&format!(
                "session/{}/goog/cdp/execute",
                session_id.unwrap_or_default()
            ))
        }

        fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
            (http::Method::POST, Some(self.0.to_string()))
        }
    }

    /// Taps the element `arguments[0]` names, then resolves with the milliseconds until the
    /// app's reactive update has run and the page is laid out again.
    const TAP_SCRIPT: &str = r#"
    const [css, done] = arguments;
    const start = performance.now();
    document.querySelector(css).click();
    setTimeout(() => {
      document.body.getBoundingClientRect();
      void document.body.offsetHeight;
      done(performance.now() - start);
    }, 0);
    "#;

    async fn tap_ms(browser: &Browser, css: &str) -> f64 {
        browser
            .client
            .execute_async(TAP_SCRIPT, vec![serde_json::json!(css)])
            .await
            .unwrap()
            .as_f64()
            .unwrap()
    }

    /// Filtering (all ↔ done, the whole list leaving and coming back) and regrouping (a stop
    /// moved down the route) at the current route size, with the CPU slowed 4×.
    async fn interactions(browser: &Browser, parcels: usize) {
        browser
            .client
            .issue_cmd(Cdp(serde_json::json!({
                "cmd": "Emulation.setCPUThrottlingRate", "params": { "rate": 4 }
            })))
            .await
            .unwrap();
        let mut filter = Vec::new();
        let mut regroup = Vec::new();
        for _ in 0..ROUNDS {
            filter.push(tap_ms(browser, "[data-testid=filter-done]").await);
            filter.push(tap_ms(browser, "[data-testid=filter-all]").await);
            regroup.push(
                tap_ms(
                    browser,
                    "[data-testid=stop] button[aria-label='下移此站点']",
                )
                .await,
            );
        }
        browser
            .client
            .issue_cmd(Cdp(serde_json::json!({
                "cmd": "Emulation.setCPUThrottlingRate", "params": { "rate": 1 }
            })))
            .await
            .unwrap();
        for (what, mut times) in [("filter", filter), ("regroup", regroup)] {
            times.sort_by(f64::total_cmp);
            figure(
                &format!("route {what}, {parcels} parcels, 4x CPU throttle, p95"),
                percentile(&times, 0.95),
                "ms",
            );
        }
    }

    /// Polls the route's progress line tightly (a WebDriver round trip apart) until it counts
    /// `total` parcels; returns when that happened.
    async fn route_shows(browser: &Browser, total: usize) -> Instant {
        let wanted = format!("0 / {total} ");
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(element) = browser
                .client
                .find(Locator::Css("[data-testid=route-progress]"))
                .await
            {
                if element
                    .text()
                    .await
                    .unwrap_or_default()
                    .starts_with(&wanted)
                {
                    return Instant::now();
                }
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!(
            "the route never showed {total} parcels:\n{}",
            browser.page_text().await
        );
    }

    async fn import(server: &doorstep_testkit::Server, token: &str, csv: &str) {
        let day = Day::of(now_ms()).to_string();
        let path = format!("/api/v1/manifests?day={day}");
        let preview: serde_json::Value = server.api().upload(&path, token, csv.as_bytes()).await;
        let confirm = format!(
            "{path}&confirm={}",
            preview["fingerprint"].as_str().unwrap()
        );
        let _: serde_json::Value = server.api().upload(&confirm, token, csv.as_bytes()).await;
    }

    pub async fn run() {
        let server = start_server();
        let credentials = server.credentials();
        let supervisor = server
            .api()
            .login("supervisor", &credentials.supervisor_password)
            .await;
        import(&server, &supervisor, &manifest(1, 300)).await;

        let browser = Browser::start().await;
        // The app shell once, as the courier's phone has it from yesterday.
        browser.client.goto(&server.url("/login")).await.unwrap();
        browser.wait_for_service_worker().await;
        browser.client.refresh().await.unwrap();
        browser.fill("input[name=username]", "courier").await;
        browser
            .fill("input[name=password]", &credentials.courier_password)
            .await;
        let submit = browser
            .client
            .find(Locator::Css("button[type=submit]"))
            .await
            .unwrap();
        let tapped = Instant::now();
        submit.click().await.unwrap();
        let shown = route_shows(&browser, 300).await;
        figure(
            "route on screen after sign-in, 300 parcels, first sync included",
            shown.duration_since(tapped).as_secs_f64() * 1000.0,
            "ms",
        );
        interactions(&browser, 300).await;

        import(&server, &supervisor, &manifest(301, 700)).await;
        browser.click("[data-testid=sync-now]").await;
        route_shows(&browser, 1000).await;
        interactions(&browser, 1000).await;
        browser.close().await;
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
