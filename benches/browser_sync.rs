//! In a real browser (headless Chromium): IndexedDB save latency of one record per transaction,
//! as the app saves, and the time for the app to sync 1,000 queued records to the server over
//! loopback. Prints one `BENCH {json}` line per figure for `cargo xtask bench`.

#[cfg(not(target_arch = "wasm32"))]
#[allow(dead_code)] // The shared harness has helpers only the tests use.
#[path = "../tests/support/mod.rs"]
mod support;

#[cfg(not(target_arch = "wasm32"))]
mod bench {

    use crate::support::{start_server, Browser};
    use doorstep_core::testing::percentile;
    use doorstep_core::DeliveryRecord;

    const RECORDS: u64 = 1_000;

    fn record(n: u64) -> DeliveryRecord {
        DeliveryRecord {
            captured_at: doorstep_core::testing::CAPTURED_AT + n as i64,
            ..doorstep_core::testing::door_delivery(n)
        }
    }

    fn figure(name: &str, value: f64, unit: &str) {
        println!("{}", doorstep_core::testing::bench_line(name, value, unit));
    }

    /// Puts each entry in its own read-write transaction and waits for `complete`, like
    /// `Outbox::save`; returns the milliseconds each took.
    const SAVE_SCRIPT: &str = r#"
    const [entries, done] = arguments;
    const open = indexedDB.open("doorstep");
    open.onsuccess = async () => {
      const db = open.result;
      const times = [];
      for (const entry of entries) {
        const start = performance.now();
        await new Promise((resolve, reject) => {
          const tx = db.transaction(["records"], "readwrite");
          tx.objectStore("records").put(entry);
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
        times.push(performance.now() - start);
      }
      db.close();
      done(times);
    };
    open.onerror = () => done(null);
    "#;

    /// Taps "sync now" and resolves with the milliseconds until the header shows an empty queue.
    const SYNC_SCRIPT: &str = r#"
    const done = arguments[0];
    const start = performance.now();
    document.querySelector("[data-testid=sync-now]").click();
    const timer = setInterval(() => {
      const queue = document.querySelector("[data-testid=queue]");
      if (queue && queue.textContent.trim() === "待同步 0") {
        clearInterval(timer);
        done(performance.now() - start);
      }
    }, 5);
    "#;

    pub async fn run() {
        let mut server = start_server();
        let credentials = server.credentials();
        let browser = Browser::start().await;
        browser.client.goto(&server.url("/login")).await.unwrap();
        browser.fill("input[name=username]", "courier").await;
        browser
            .fill("input[name=password]", &credentials.courier_password)
            .await;
        browser.click("button[type=submit]").await;
        browser.wait_for("input[name=waybill]").await;
        browser.wait_for_service_worker().await;

        // Queue 1,000 records on the device while the server is away.
        server.kill();
        let entries: Vec<serde_json::Value> = (0..RECORDS)
            .map(|n| {
                let record = record(n);
                serde_json::json!({ "id": record.id.to_string(), "record": record, "state": { "state": "queued" } })
            })
            .collect();
        let times = browser
            .client
            .execute_async(SAVE_SCRIPT, vec![serde_json::json!(entries)])
            .await
            .unwrap();
        let mut times: Vec<f64> = serde_json::from_value(times).expect("IndexedDB saves");
        times.sort_by(f64::total_cmp);
        figure(
            "IndexedDB save, one record per transaction, p50",
            percentile(&times, 0.5),
            "ms",
        );
        figure(
            "IndexedDB save, one record per transaction, p95",
            percentile(&times, 0.95),
            "ms",
        );

        browser.client.refresh().await.unwrap();
        browser
            .wait_until("1000 queued records", || async {
                browser.page_text().await.contains("待同步 1000")
            })
            .await;
        server.restart();
        let elapsed = browser
            .client
            .execute_async(SYNC_SCRIPT, vec![])
            .await
            .unwrap();
        figure(
            "browser sync of 1000 queued records over loopback",
            elapsed.as_f64().unwrap(),
            "ms",
        );

        let token = server
            .api()
            .login("supervisor", &credentials.supervisor_password)
            .await;
        assert_eq!(
            server.api().records(&token).await.len(),
            RECORDS as usize,
            "every record arrived once"
        );
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
