//! Harness for the end-to-end tests: the real server binary serving the built app (through
//! doorstep-testkit), and Debian's Chromium driven through chromedriver.

mod axe;
pub mod photo;

use doorstep_testkit::{Launch, Server};
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A required environment variable, set by `cargo xtask test`. Missing means a misconfigured run,
/// which must fail, never skip.
fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the browser tests with `cargo xtask test`")
    })
}

/// A loopback port nothing listens on, for chromedriver.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The host's clock in Unix milliseconds, as a device stamps its records.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The server under test, started from the binary and serving the built app that
/// `cargo xtask test` (or `bench`) names.
/// Signs in on the login page, as a person would.
pub async fn sign_in(browser: &Browser, server: &Server, username: &str, password: &str) {
    browser.client.goto(&server.url("/login")).await.unwrap();
    browser.fill("input[name=username]", username).await;
    browser.fill("input[name=password]", password).await;
    browser.click("button[type=submit]").await;
}

pub fn start_server() -> Server {
    Launch::new(required_env("DOORSTEP_SERVER_BIN"))
        .dist(required_env("DOORSTEP_DIST"))
        .start()
}

/// chromedriver plus a phone-sized headless Chromium session.
pub struct Browser {
    pub client: Client,
    driver: Child,
}

impl Browser {
    /// A 390 × 844 phone (iPhone 12-14 class).
    pub async fn start() -> Browser {
        Browser::start_with_width(390).await
    }

    /// A phone of the given CSS width, 844 px tall.
    pub async fn start_with_width(width: u32) -> Browser {
        Browser::start_with_size(width, 844).await
    }

    /// A window of the given CSS size: a phone below 1024 px wide (touch, 3× pixels), a desk
    /// screen from there on (1× pixels, so its screenshots stay readable at their size).
    pub async fn start_with_size(width: u32, height: u32) -> Browser {
        let ratio = if width >= 1024 { 1.0 } else { 3.0 };
        let port = free_port();
        let driver = Command::new(required_env("CHROMEDRIVER"))
            .arg(format!("--port={port}"))
            // Its own process group, so the browser it starts can be stopped with it.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().unwrap().keep();
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": required_env("CHROMIUM"),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-quic", format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.display()),
                ],
                "mobileEmulation": { "deviceMetrics": { "width": width, "height": height, "pixelRatio": ratio } }
            },
            // A page that never finishes loading fails the command instead of waiting 300 s.
            "timeouts": { "pageLoad": 30000 }
        });
        let capabilities = capabilities.as_object().unwrap().clone();
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() < Duration::from_secs(20) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("cannot start Chromium through chromedriver: {e}"),
            }
        };
        Browser { client, driver }
    }

    /// Waits for the field (the app may still be starting), clears it and types `text`.
    pub async fn fill(&self, css: &str, text: &str) {
        self.wait_for(css).await;
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Scrolls the element to the middle of the screen (clear of the sticky header), then taps it.
    pub async fn click(&self, css: &str) {
        self.wait_for(css).await;
        let element = self.client.find(Locator::Css(css)).await.unwrap();
        let _ = self
            .client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(&element).unwrap()],
            )
            .await;
        // chromedriver waits for navigations a click may start; seen once on a loaded machine,
        // it never answered. A failure names the button instead of hanging the suite.
        tokio::time::timeout(Duration::from_secs(60), element.click())
            .await
            .unwrap_or_else(|_| panic!("{css}: chromedriver did not answer the click in 60 s"))
            .unwrap_or_else(|e| panic!("{css}: {e}"));
    }

    /// Gives a file input this file, as picking it (or taking a photo) would.
    pub async fn choose_file(&self, css: &str, file: &std::path::Path) {
        self.wait_for(css).await;
        let input = self.client.find(Locator::Css(css)).await.unwrap();
        input
            .send_keys(&file.to_string_lossy())
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
    }

    /// Chooses an option of a `<select>` by value, as a tap on it would.
    pub async fn select_value(&self, css: &str, value: &str) {
        self.wait_for(css).await;
        let select = self.client.find(Locator::Css(css)).await.unwrap();
        select
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
    }

    /// Waits until an element matching `css` exists.
    pub async fn wait_for(&self, css: &str) {
        self.wait_until(css, || async {
            self.client.find(Locator::Css(css)).await.is_ok()
        })
        .await;
    }

    /// Waits until the element's text equals `expected`.
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        self.wait_until(&format!("{css} = {expected:?}"), || async {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => element
                    .text()
                    .await
                    .map(|t| t.trim() == expected)
                    .unwrap_or(false),
                Err(_) => false,
            }
        })
        .await;
    }

    /// The visible text of the first element matching `css`, once it exists.
    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css).await;
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap_or_default()
    }

    /// The visible text of the whole page.
    pub async fn page_text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Polls `check` for up to 20 s; on timeout fails with what it waited for and the page text.
    pub async fn wait_until<F, Fut>(&self, what: &str, check: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if check().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "timed out waiting for {what}; the page says:\n{}",
            self.page_text().await
        );
    }

    /// True once a service worker controls the page, i.e. a reload works without the server.
    pub async fn wait_for_service_worker(&self) {
        self.wait_until("a controlling service worker", || async {
            self.client
                .execute(
                    "return navigator.serviceWorker.controller !== null;",
                    vec![],
                )
                .await
                .map(|v| v == serde_json::Value::Bool(true))
                .unwrap_or(false)
        })
        .await;
    }

    /// Fails when the page scrolls sideways or a visible button (or link styled as one) is
    /// narrower than its label: what a desk screen and a 360 px phone must both avoid.
    pub async fn assert_fits(&self, page: &str) {
        let measured = self
            .client
            .execute(
                "const clipped = [...document.querySelectorAll('button, a.button, .tabs__tab')]\
                   .filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth)\
                   .map(b => b.textContent.trim() + ' (' + b.scrollWidth + ' > ' + b.clientWidth + ')');\
                 return [document.documentElement.scrollWidth, window.innerWidth, clipped];",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("measuring {page}: {e}"));
        let (scroll_width, width, clipped): (u64, u64, Vec<String>) =
            serde_json::from_value(measured).unwrap();
        assert!(
            scroll_width <= width,
            "{page} scrolls sideways: {scroll_width} px of content in a {width} px window"
        );
        assert!(
            clipped.is_empty(),
            "{page} has buttons narrower than their label: {clipped:?}"
        );
    }

    /// Saves a PNG of the page when `DOORSTEP_SCREENSHOTS` names a folder, to look at the UI.
    pub async fn screenshot(&self, name: &str) {
        if let Ok(dir) = std::env::var("DOORSTEP_SCREENSHOTS") {
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(PathBuf::from(dir).join(format!("{name}.png")), png).unwrap();
        }
    }

    /// Ends the WebDriver session. Seen once: chromedriver never answered the session's
    /// deletion after a passing test, which hung the suite; after 10 s `Drop` kills it instead.
    pub async fn close(self) {
        let close = self.client.clone().close();
        let _ = tokio::time::timeout(Duration::from_secs(10), close).await;
    }
}

/// The driver (and with it the browser) goes even when a test fails half-way.
impl Drop for Browser {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}
