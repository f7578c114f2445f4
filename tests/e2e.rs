//! End-to-end: the release build of the app in headless Chromium against the real server binary.
//! "Offline" means the test-owned server is stopped, because browser network emulation does not
//! cover the service worker's own fetches.

mod support;

use support::{Browser, TestServer};

const WAYBILL: &str = "SF1234567890123";

async fn sign_in(browser: &Browser, server: &TestServer, username: &str, password: &str) {
    browser.client.goto(&server.url("/login")).await.unwrap();
    browser.fill("input[name=username]", username).await;
    browser.fill("input[name=password]", password).await;
    browser.click("button[type=submit]").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_made_offline_survives_a_reload_and_syncs_exactly_once() {
    let mut server = TestServer::start();
    let credentials = server.credentials();
    let browser = Browser::start().await;

    sign_in(&browser, &server, "courier", &credentials.courier_password).await;
    browser.wait_for("input[name=waybill]").await;
    browser.wait_for_service_worker().await;

    // In the lift: the server is gone.
    server.stop();
    browser.fill("input[name=waybill]", WAYBILL).await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text("[data-testid=saved]", "已保存到本机")
        .await;
    let row = format!("li[data-waybill={WAYBILL}] [data-testid=state]");
    browser.wait_for_text(&row, "待同步").await;

    // A reload without the server: the shell comes from the service worker, the record from
    // IndexedDB, still queued.
    browser.client.refresh().await.unwrap();
    browser.wait_for_text(&row, "待同步").await;
    assert!(
        browser.page_text().await.contains("待同步 1"),
        "the header counts the queued record"
    );

    // Back online.
    server.restart();
    browser.click("[data-testid=sync-now]").await;
    browser.wait_for_text(&row, "已同步").await;

    let token = server
        .token("supervisor", &credentials.supervisor_password)
        .await;
    let records = server.records(&token).await;
    let matching = records.iter().filter(|r| r["waybill"] == WAYBILL).count();
    assert_eq!(matching, 1, "stored exactly once: {records:?}");

    // Another sync round changes nothing on the server.
    browser.click("[data-testid=sync-now]").await;
    browser.wait_for_text(&row, "已同步").await;
    assert_eq!(server.records(&token).await.len(), 1);

    // The supervisor sees it in the list.
    browser.click("[data-testid=sign-out]").await;
    sign_in(
        &browser,
        &server,
        "supervisor",
        &credentials.supervisor_password,
    )
    .await;
    browser
        .wait_for(&format!("tr[data-waybill={WAYBILL}]"))
        .await;

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locker_is_refused_until_the_recipient_consents() {
    let server = TestServer::start();
    let credentials = server.credentials();
    let browser = Browser::start().await;
    sign_in(&browser, &server, "courier", &credentials.courier_password).await;
    browser.wait_for("input[name=waybill]").await;

    browser.fill("input[name=waybill]", "YT1234567890123").await;
    browser.click("input[name=method][value=locker]").await;
    browser.fill("input[name=locker_bank]", "3").await;
    browser.fill("input[name=locker_compartment]", "12").await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text(
            "[data-testid=rule-errors]",
            "投递到智能快件箱或驿站须先征得收件人同意",
        )
        .await;
    assert!(!browser.page_text().await.contains("已保存到本机"));

    browser.click("input[name=consent_given]").await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text("[data-testid=saved]", "已保存到本机")
        .await;
    browser
        .wait_for_text(
            "li[data-waybill=YT1234567890123] [data-testid=state]",
            "已同步",
        )
        .await;

    browser.close().await;
}
