//! End-to-end: the release build of the app in headless Chromium against the real server binary.
//! "Offline" means the test-owned server is stopped, because browser network emulation does not
//! cover the service worker's own fetches.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use doorstep_testkit::{Credentials, Server};
use support::{sign_in, start_server, Browser};

const WAYBILL: &str = "SF1234567890123";
const PHONE: &str = "13812345634";

/// A fresh server and the courier signed in on `browser`, at the parcel form.
async fn courier_signed_in(browser: Browser) -> (Server, Credentials, Browser) {
    let server = start_server();
    let credentials = server.credentials();
    sign_in(&browser, &server, "courier", &credentials.courier_password).await;
    browser.wait_for("input[name=waybill]").await;
    (server, credentials, browser)
}

/// Signs the station's supervisor in on `browser`.
async fn supervisor_signs_in(browser: &Browser, server: &Server, credentials: &Credentials) {
    let password = &credentials.supervisor_password;
    sign_in(browser, server, "supervisor", password).await;
}

/// A new browser at a desk's size (1,280 × 900) with the supervisor signed in.
async fn supervisor_at_desk(server: &Server, credentials: &Credentials) -> Browser {
    let desk = Browser::start_with_size(1280, 900).await;
    supervisor_signs_in(&desk, server, credentials).await;
    desk
}

/// Chooses a locker and names its bank and compartment.
async fn choose_locker(browser: &Browser, bank: &str, compartment: &str) {
    browser.click("input[name=method][value=locker]").await;
    browser.fill("input[name=locker_bank]", bank).await;
    browser
        .fill("input[name=locker_compartment]", compartment)
        .await;
}

/// Fills the recipient as a courier types it at the door.
async fn fill_recipient(browser: &Browser, phone: &str) {
    browser.fill("input[name=phone]", phone).await;
    browser.fill("input[name=name]", "张三丰").await;
    browser.fill("input[name=compound]", "愚园路 1088 弄").await;
    browser.fill("input[name=building]", "5").await;
    browser.fill("input[name=unit]", "2").await;
    browser.fill("input[name=room]", "1203").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_made_offline_survives_a_reload_and_syncs_exactly_once() {
    let mut server = start_server();
    let credentials = server.credentials();
    let browser = Browser::start().await;

    sign_in(&browser, &server, "courier", &credentials.courier_password).await;
    browser.wait_for("input[name=waybill]").await;
    browser.wait_for_service_worker().await;

    // In the lift: the server is gone.
    server.kill();
    browser.fill("input[name=waybill]", WAYBILL).await;
    fill_recipient(&browser, PHONE).await;
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
    browser.screenshot("courier-offline").await;
    assert!(
        browser.page_text().await.contains("待同步 1"),
        "the header counts the queued record"
    );

    // Back online.
    server.restart();
    browser.click("[data-testid=sync-now]").await;
    browser.wait_for_text(&row, "已同步").await;

    let token = server
        .api()
        .login("supervisor", &credentials.supervisor_password)
        .await;
    let records = server.api().records(&token).await;
    let matching = records.iter().filter(|r| r["waybill"] == WAYBILL).count();
    assert_eq!(matching, 1, "stored exactly once: {records:?}");

    // Another sync round changes nothing on the server.
    browser.click("[data-testid=sync-now]").await;
    browser.wait_for_text(&row, "已同步").await;
    assert_eq!(server.api().records(&token).await.len(), 1);

    // The supervisor sees it in the list.
    browser.click("[data-testid=sign-out]").await;
    supervisor_signs_in(&browser, &server, &credentials).await;
    browser.click("[data-testid=tab-records]").await;
    browser
        .wait_for(&format!("tr[data-waybill={WAYBILL}]"))
        .await;
    browser.screenshot("supervisor-list").await;

    browser.close().await;
}

/// The station's manifest for the route tests: four parcels for the demo courier, two stops;
/// the second (bulky, cash on delivery) has a privacy waybill's virtual number, the last two go
/// to one recipient.
const MANIFEST: &str = "运单号,收件人,手机号,收件地址,大件,代收金额,快递员
SF1000000000001,张三,13812345634,愚园路1088弄5号楼2单元1203室,,,courier
SF1000000000002,李四,17012345678-1234,愚园路1088弄5号楼2单元1502室,是,12.50,courier
SF1000000000003,王五,13912345678,愚园路1088弄7号楼1单元301室,,,courier
SF1000000000004,王五,13912345678,愚园路1088弄7号楼1单元301室,,,courier
";

/// Imports `MANIFEST` for today as the supervisor, through the API; returns the day.
async fn import_manifest(server: &Server, token: &str) -> String {
    let day = doorstep_core::day::Day::of(support::now_ms()).to_string();
    let api = server.api();
    let path = format!("/api/v1/manifests?day={day}");
    let preview: serde_json::Value = api.upload(&path, token, MANIFEST.as_bytes()).await;
    assert_eq!(preview["added"], 4, "{preview}");
    let confirm = format!(
        "{path}&confirm={}",
        preview["fingerprint"].as_str().unwrap()
    );
    let stored: serde_json::Value = api.upload(&confirm, token, MANIFEST.as_bytes()).await;
    assert_eq!(stored["stored"], true, "{stored}");
    day
}

#[tokio::test(flavor = "multi_thread")]
async fn the_day_starts_from_the_manifest_and_a_door_delivery_takes_two_taps_offline() {
    let mut server = start_server();
    let credentials = server.credentials();
    let supervisor = server
        .api()
        .login("supervisor", &credentials.supervisor_password)
        .await;
    let day = import_manifest(&server, &supervisor).await;

    let browser = Browser::start().await;
    sign_in(&browser, &server, "courier", &credentials.courier_password).await;
    let progress = "[data-testid=route-progress]";
    browser
        .wait_for_text(progress, "0 / 4 已投递 · 0 失败 · 4 待投")
        .await;
    browser.wait_for_service_worker().await;
    browser.screenshot("courier-route").await;
    browser.assert_accessible("the courier's route").await;
    let text = browser.page_text().await;
    for number in ["13812345634", "17012345678", "13912345678"] {
        assert!(
            !text.contains(number),
            "a full number on the route:\n{text}"
        );
    }
    assert!(
        text.contains("138******34") && text.contains("大件/重件"),
        "{text}"
    );

    // The courier puts the second stop first (the order is checked again after a reload, below).
    let address = "[data-testid=stop] .stop__address";
    let first = browser.text(address).await;
    browser
        .click("[data-testid=stop] button[aria-label='下移此站点']")
        .await;
    let moved = || async { browser.text(address).await != first };
    browser.wait_until("the first stop moved down", moved).await;
    let arranged = browser.text(address).await;

    // In the lift, no signal: the door delivery of a route parcel, counted in taps.
    server.kill();
    let mut taps = 0;
    browser
        .click("li[data-waybill=SF1000000000001] [data-testid=open-parcel]")
        .await;
    taps += 1;
    browser.wait_for("[data-testid=planned-recipient]").await;
    browser.screenshot("courier-route-parcel").await;
    browser.assert_accessible("a route parcel's form").await;
    browser.click("[data-testid=save]").await;
    taps += 1;
    browser
        .wait_for_text(progress, "1 / 4 已投递 · 0 失败 · 3 待投")
        .await;
    println!("door delivery of a route parcel: {taps} taps, 0 keystrokes");
    assert!(taps <= 3);

    // A locker with a standing consent: the first parcel of 王五 makes the preference...
    browser
        .click("li[data-waybill=SF1000000000003] [data-testid=open-parcel]")
        .await;
    choose_locker(&browser, "3", "12").await;
    browser.click("input[name=consent_given]").await;
    browser.click("input[name=remember]").await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text(progress, "2 / 4 已投递 · 0 失败 · 2 待投")
        .await;
    // ...which the next parcel for the same door takes: taps plus the compartment.
    let mut taps = 0;
    browser
        .click("li[data-waybill=SF1000000000004] [data-testid=open-parcel]")
        .await;
    taps += 1;
    browser.click("[data-testid=use-preference]").await;
    taps += 1;
    browser.fill("input[name=locker_compartment]", "7").await;
    browser.click("[data-testid=save]").await;
    taps += 1;
    browser
        .wait_for_text(progress, "3 / 4 已投递 · 0 失败 · 1 待投")
        .await;
    println!(
        "locker with a standing consent, route parcel: {taps} taps + the compartment (1 keystroke)"
    );
    assert!(taps <= 5);

    // The bulky parcel: a tap to call (the dialler opens; the number never shows), then how
    // it went.
    // The dialler is the phone's: the test keeps the `tel:` navigation and reads where it went.
    browser
        .client
        .execute(
            "window.dialled = [];
             navigation.addEventListener('navigate', e => {
               if (e.destination.url.startsWith('tel:')) {
                 window.dialled.push(e.destination.url);
                 e.preventDefault();
               }
             });",
            vec![],
        )
        .await
        .unwrap();
    browser
        .click("li[data-waybill=SF1000000000002] [data-testid=call-stop]")
        .await;
    browser
        .wait_until("the dialler opened", || async {
            browser
                .client
                .execute("return window.dialled;", vec![])
                .await
                .is_ok_and(|d| d == serde_json::json!(["tel:17012345678,1234"]))
        })
        .await;
    browser
        .wait_for("input[name=call_result][value=no_answer]")
        .await;
    browser
        .click("input[name=call_result][value=no_answer]")
        .await;
    browser
        .select_value("select[name=outcome]", "failed_attempt")
        .await;
    browser.fill("input[name=outcome_note]", "无人接听").await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text(progress, "3 / 4 已投递 · 1 失败 · 0 待投")
        .await;
    assert!(!browser.page_text().await.contains("17012345678"));

    // Back online: everything reaches the server once, and the supervisor's coverage adds up.
    server.restart();
    browser.click("[data-testid=sync-now]").await;
    for waybill in [
        "SF1000000000001",
        "SF1000000000002",
        "SF1000000000003",
        "SF1000000000004",
    ] {
        browser
            .wait_for_text(
                &format!("[data-testid=records] li[data-waybill={waybill}] [data-testid=state]"),
                "已同步",
            )
            .await;
    }
    // The courier's order of the stops outlives a reload.
    browser.client.refresh().await.unwrap();
    browser
        .wait_for_text(progress, "3 / 4 已投递 · 1 失败 · 0 待投")
        .await;
    browser.click("[data-testid=filter-all]").await;
    browser.wait_for_text(address, &arranged).await;

    let coverage: serde_json::Value = server
        .api()
        .get(&format!("/api/v1/coverage?day={day}"), &supervisor)
        .await;
    let station = &coverage["station"];
    assert_eq!(
        (
            &station["assigned"],
            &station["door"],
            &station["locker"],
            &station["failed"],
            &station["no_outcome"]
        ),
        (&4.into(), &1.into(), &2.into(), &1.into(), &0.into()),
        "{coverage}"
    );
    let records = server.api().records(&supervisor).await;
    assert_eq!(records.len(), 4);
    let bulky = records
        .iter()
        .find(|r| r["waybill"] == "SF1000000000002")
        .unwrap();
    assert!(!serde_json::to_string(bulky)
        .unwrap()
        .contains("17012345678"));
    browser.close().await;

    // The supervisor's first screen: every parcel of the day accounted for.
    let desk = Browser::start_with_width(1280).await;
    supervisor_signs_in(&desk, &server, &credentials).await;
    let station = "[data-testid=coverage-table] tr[data-courier=\"\"]";
    for (bucket, count) in [
        ("door", "1"),
        ("locker", "2"),
        ("failed", "1"),
        ("no_outcome", "0"),
    ] {
        desk.wait_for_text(&format!("{station} td[data-bucket={bucket}]"), count)
            .await;
    }
    desk.screenshot("supervisor-coverage-after-route").await;
    desk.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locker_is_refused_until_the_recipient_consents() {
    let (_server, _, browser) = courier_signed_in(Browser::start().await).await;

    browser.fill("input[name=waybill]", "YT1234567890123").await;
    fill_recipient(&browser, PHONE).await;
    choose_locker(&browser, "3", "12").await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text(
            "[data-testid=rule-errors]",
            "投递到智能快件箱或驿站须先征得收件人同意",
        )
        .await;
    browser.screenshot("courier-locker-blocked").await;
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

#[tokio::test(flavor = "multi_thread")]
async fn a_bulky_parcel_prompts_a_call_and_proposes_the_door() {
    let (_server, _, browser) = courier_signed_in(Browser::start().await).await;

    browser.fill("input[name=waybill]", "JT1234567890123").await;
    fill_recipient(&browser, PHONE).await;
    browser.click("input[name=method][value=locker]").await;
    browser.click("input[name=bulky]").await;
    browser.wait_for("[data-testid=call-first]").await;
    let door_checked = browser
        .client
        .execute(
            "return document.querySelector('input[name=method][value=door]').checked;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        door_checked,
        serde_json::Value::Bool(true),
        "the door is proposed"
    );

    // A locker still needs the call and the recipient's explicit consent.
    choose_locker(&browser, "3", "8").await;
    browser.click("input[name=consent_given]").await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text(
            "[data-testid=rule-errors]",
            "大件、重件或生鲜须先电话联系收件人",
        )
        .await;
    browser.screenshot("courier-bulky-call").await;
    browser.click("[data-testid=called]").await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text("[data-testid=saved]", "已保存到本机")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_standing_preference_is_proposed_for_the_next_parcel_and_no_phone_is_shown() {
    let (server, credentials, browser) = courier_signed_in(Browser::start().await).await;

    // First parcel: the recipient agrees to locker bank 3 and asks us to remember it.
    browser.fill("input[name=waybill]", "SF2234567890123").await;
    fill_recipient(&browser, PHONE).await;
    browser
        .wait_for_text("[data-testid=masked-phone]", "显示为 138******34")
        .await;
    choose_locker(&browser, "3", "12").await;
    browser.click("input[name=consent_given]").await;
    browser.click("input[name=remember]").await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text("[data-testid=saved]", "已保存到本机")
        .await;

    // Whatever is on screen after entry, the full number is not.
    let text = browser.page_text().await;
    assert!(
        !text.contains(PHONE),
        "full phone number on the page:\n{text}"
    );
    assert!(
        text.contains("138******34"),
        "the masked number is shown:\n{text}"
    );

    // Next parcel for the same address: the wish is proposed and, taken, is the consent.
    browser
        .click("li[data-waybill=SF2234567890123] [data-testid=same-address]")
        .await;
    browser
        .wait_for_text(
            "[data-testid=preference] span",
            "长期偏好：放智能快件箱（3号柜）",
        )
        .await;
    browser.screenshot("courier-preference").await;
    browser.fill("input[name=waybill]", "SF3234567890123").await;
    browser.click("[data-testid=use-preference]").await;
    browser.fill("input[name=locker_compartment]", "5").await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text("[data-testid=saved]", "已保存到本机")
        .await;
    browser
        .wait_for_text(
            "li[data-waybill=SF3234567890123] [data-testid=state]",
            "已同步",
        )
        .await;

    let token = server
        .api()
        .login("supervisor", &credentials.supervisor_password)
        .await;
    let records = server.api().records(&token).await;
    assert_eq!(records.len(), 2);
    assert!(!serde_json::to_string(&records).unwrap().contains(PHONE));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_offline_records_arrive_exactly_once_even_when_the_tab_closes_mid_sync() {
    let (mut server, credentials, browser) = courier_signed_in(Browser::start().await).await;
    browser.wait_for_service_worker().await;
    server.kill();

    let waybills: Vec<String> = (0..20)
        .map(|i| format!("SF{:013}", 7_000_000_000_000u64 + i))
        .collect();
    for (i, waybill) in waybills.iter().enumerate() {
        if i == 0 {
            fill_recipient(&browser, PHONE).await;
        } else {
            // The next parcel for the same building: recipient copied from the last record.
            let last = &waybills[i - 1];
            browser
                .click(&format!(
                    "li[data-waybill={last}] [data-testid=same-address]"
                ))
                .await;
        }
        browser.fill("input[name=waybill]", waybill).await;
        browser.click("[data-testid=save]").await;
        browser
            .wait_for(&format!("li[data-waybill={waybill}]"))
            .await;
    }
    // One record gets a second revision: delivered at the door.
    let edited = &waybills[3];
    browser
        .click(&format!("li[data-waybill={edited}] [data-testid=edit]"))
        .await;
    browser
        .select_value("select[name=outcome]", "delivered_to_recipient")
        .await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text("[data-testid=saved]", "已保存到本机")
        .await;

    browser.client.refresh().await.unwrap();
    browser
        .wait_until("20 queued records after the reload", || async {
            browser.page_text().await.contains("待同步 20 ·")
        })
        .await;

    // Back online, and the tab is closed while its sync is under way.
    server.restart();
    let original = browser.client.window().await.unwrap();
    let other = browser.client.new_window(true).await.unwrap();
    browser.click("[data-testid=sync-now]").await;
    browser.client.close_window().await.unwrap();
    browser.client.switch_to_window(other.handle).await.unwrap();
    let _ = original;
    browser.client.goto(&server.url("/courier")).await.unwrap();
    browser
        .wait_until("the queue to drain", || async {
            browser.page_text().await.contains("待同步 0")
        })
        .await;

    let token = server
        .api()
        .login("supervisor", &credentials.supervisor_password)
        .await;
    let records = server.api().records(&token).await;
    assert_eq!(records.len(), 20, "exactly 20 records on the server");
    for waybill in &waybills {
        let stored: Vec<_> = records
            .iter()
            .filter(|r| r["waybill"] == waybill.as_str())
            .collect();
        assert_eq!(stored.len(), 1, "{waybill} stored once");
        let expected = if waybill == edited { 2 } else { 1 };
        assert_eq!(
            stored[0]["revision"], expected,
            "{waybill} has its last revision"
        );
    }
    browser.close().await;
}

/// Every visible control: its accessible name (empty when it has none), its height, and the height
/// of the label that wraps it (radio buttons and checkboxes are tapped through their label).
const CONTROLS_SCRIPT: &str = r#"
const visible = (el) => el.getClientRects().length > 0;
return [...document.querySelectorAll("button, input, select")].filter(visible).map((el) => {
  const label = el.closest("label");
  const labelledBy = el.getAttribute("aria-labelledby");
  const name = (el.getAttribute("aria-label")
    || (labelledBy && document.getElementById(labelledBy)?.textContent)
    || (label && label.textContent)
    || (el.tagName === "BUTTON" && el.textContent) || "").trim();
  const tapHeight = (["radio", "checkbox"].includes(el.type) && label ? label : el).getBoundingClientRect().height;
  return { what: el.outerHTML.slice(0, 80), name, tapHeight };
});
"#;

#[tokio::test(flavor = "multi_thread")]
async fn the_courier_screen_fits_a_360_px_phone_and_speaks_english_on_request() {
    let (_server, _, browser) = courier_signed_in(Browser::start_with_width(360).await).await;
    // The courier page loads its own bundle only, never the supervisor's.
    let wasm = loaded_wasm(&browser).await;
    assert!(
        !wasm.is_empty() && wasm.iter().all(|w| w.starts_with("/doorstep-app-")),
        "{wasm:?}"
    );
    // Open every optional part of the form.
    browser.click("input[name=method][value=locker]").await;
    browser.click("input[name=bulky]").await;
    browser.click("input[name=method][value=locker]").await;
    browser
        .select_value("select[name=outcome]", "failed_attempt")
        .await;

    let overflow = browser
        .client
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        overflow,
        serde_json::json!(0),
        "no horizontal scroll at 360 px"
    );

    let controls = browser
        .client
        .execute(CONTROLS_SCRIPT, vec![])
        .await
        .unwrap();
    let controls = controls.as_array().unwrap();
    assert!(controls.len() > 20, "the form is there: {controls:?}");
    for control in controls {
        assert!(
            !control["name"].as_str().unwrap().is_empty(),
            "no accessible name: {control}"
        );
        assert!(
            control["tapHeight"].as_f64().unwrap() >= 44.0,
            "tap target under 44 px: {control}"
        );
    }
    browser.screenshot("courier-360").await;

    // English on request, kept across a reload.
    browser.click("header button").await;
    browser.wait_for_text("[data-testid=save]", "Save").await;
    browser.client.refresh().await.unwrap();
    browser.wait_for_text("[data-testid=save]", "Save").await;
    let lang = browser
        .client
        .execute("return document.documentElement.lang;", vec![])
        .await
        .unwrap();
    assert_eq!(lang, serde_json::json!("en"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cod_parcel_is_handed_over_only_after_the_tariff_script_is_answered() {
    const COD_WAYBILL: &str = "SF7234567890123";
    let (server, credentials, browser) = courier_signed_in(Browser::start().await).await;

    browser.fill("input[name=waybill]", COD_WAYBILL).await;
    fill_recipient(&browser, PHONE).await;
    browser.click("input[name=cash_on_delivery]").await;
    browser
        .select_value("select[name=outcome]", "delivered_to_recipient")
        .await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text(
            "[data-testid=rule-errors]",
            "揽收或代收货款须先告知资费并宣读保价话术",
        )
        .await;

    // The quote from the cached table (the built-in sample, labelled as such).
    let version = browser.text("[data-testid=tariff-version]").await;
    assert!(
        version.contains("2026-11-sample") && version.contains("示例数据"),
        "{version}"
    );
    browser
        .select_value("select[name=tariff_service]", "standard")
        .await;
    browser
        .select_value("select[name=tariff_destination]", "zhejiang")
        .await;
    browser.fill("input[name=tariff_weight]", "2.3").await;
    browser.wait_for("[data-testid=tariff-quote]").await;
    let quote = browser.text("[data-testid=tariff-quote]").await;
    assert!(
        quote.contains("计费重量 2.5 kg") && quote.contains("运费 ¥22.00"),
        "{quote}"
    );

    browser.click("[data-testid=show-script]").await;
    browser.wait_for("[data-testid=tariff-script]").await;
    let script = browser.text("[data-testid=tariff-script]").await;
    assert!(
        script.contains("计费重量 2.5 公斤") && script.contains("验视"),
        "{script}"
    );
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text("[data-testid=rule-errors]", "请记录客户是否保价")
        .await;

    browser.click("input[name=insured][value=yes]").await;
    browser.fill("input[name=declared_value]", "800").await;
    browser
        .wait_for_text(
            "[data-testid=tariff-total]",
            "运费 ¥22.00 + 保价费 ¥2.00 = 合计 ¥24.00",
        )
        .await;
    browser.screenshot("courier-tariff-script").await;
    save_until_synced(&browser, COD_WAYBILL).await;

    // The answer reached the server as evidence on the record.
    let detail = record_on_server(&server, &credentials, COD_WAYBILL).await;
    let tariff = &detail["tariff"];
    assert_eq!(tariff["table_version"], "2026-11-sample");
    assert_eq!(tariff["freight_fen"], 2200);
    assert_eq!(tariff["answer"]["insured"], true);
    assert_eq!(tariff["answer"]["declared_fen"], 80000);
    assert_eq!(tariff["answer"]["premium_fen"], 200);
    assert_eq!(tariff["answer"]["total_fen"], 2400);
    browser.close().await;
}

/// Saves the form and waits until the record with `waybill` is on the server.
async fn save_until_synced(browser: &Browser, waybill: &str) {
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text("[data-testid=saved]", "已保存到本机")
        .await;
    browser
        .wait_for_text(
            &format!("li[data-waybill={waybill}] [data-testid=state]"),
            "已同步",
        )
        .await;
}

/// The supervisor's view of the record with `waybill`, through the API.
async fn record_on_server(
    server: &Server,
    credentials: &Credentials,
    waybill: &str,
) -> serde_json::Value {
    let supervisor = server
        .api()
        .login("supervisor", &credentials.supervisor_password)
        .await;
    let records = server.api().records(&supervisor).await;
    let id = records
        .iter()
        .find(|r| r["waybill"] == waybill)
        .and_then(|r| r["id"].as_str())
        .unwrap_or_else(|| panic!("{waybill} is not on the server: {records:?}"))
        .to_string();
    server
        .api()
        .get(&format!("/api/v1/records/{id}"), &supervisor)
        .await
}

/// The GB 11643-1999 example number, and its birth date, which no view may show.
const SENDER_ID: &str = "11010519491231002X";
const BIRTH_DATE: &str = "19491231";

/// Fills the identity step as the courier checks the sender's resident ID.
async fn check_sender(browser: &Browser) {
    browser.fill("input[name=id_number]", SENDER_ID).await;
    browser.fill("input[name=sender_name]", "李四").await;
    browser.click("input[name=person_matches]").await;
    browser.click("[data-testid=next-step]").await;
    browser.wait_for("[data-testid=inspection-step]").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pickup_offline_checks_the_sender_inspects_the_item_reads_the_script_and_syncs_masked() {
    const PICKUP_WAYBILL: &str = "SF8234567890123";
    let mut server = start_server();
    let credentials = server.credentials();
    let browser = Browser::start_with_size(360, 780).await;
    sign_in(&browser, &server, "courier", &credentials.courier_password).await;
    browser.wait_for("input[name=waybill]").await;
    browser.wait_for_service_worker().await;

    // At the sender's door, without signal.
    server.kill();
    browser.click("input[name=kind][value=pickup]").await;
    browser.wait_for("[data-testid=identity-step]").await;
    browser
        .fill("input[name=id_number]", "110105194912310021")
        .await;
    browser.click("[data-testid=next-step]").await;
    browser
        .wait_for_text("#id_number-error", "校验码不符，请核对号码")
        .await;
    browser
        .wait_for_text("#sender_name-error", "请填写寄件人姓名")
        .await;
    browser
        .wait_for_text("#person-error", "请确认人证相符")
        .await;
    browser.assert_fits("pickup identity").await;
    browser.assert_accessible("pickup identity").await;
    browser.screenshot("courier-pickup-identity").await;
    // The same messages in English, beside the same fields.
    browser.click("header button").await;
    browser
        .wait_for_text(
            "#id_number-error",
            "The check character does not match: check the number",
        )
        .await;
    browser
        .wait_for_text("#person-error", "Confirm the person matches the document")
        .await;
    browser.assert_fits("pickup identity in English").await;
    browser.screenshot("courier-pickup-identity-en").await;
    browser.click("header button").await;
    browser
        .wait_for_text("#sender_name-error", "请填写寄件人姓名")
        .await;
    check_sender(&browser).await;

    browser.fill("input[name=quantity]", "0").await;
    browser.click("[data-testid=next-step]").await;
    browser
        .wait_for_text("#item_name-error", "请填写物品名称")
        .await;
    browser.fill("input[name=item_name]", "书").await;
    browser.fill("input[name=quantity]", "2").await;
    browser.click("input[name=in_presence]").await;
    browser.assert_fits("pickup inspection").await;
    browser.assert_accessible("pickup inspection").await;
    browser.screenshot("courier-pickup-inspection").await;
    browser.click("[data-testid=next-step]").await;

    browser.wait_for("[data-testid=tariff-step]").await;
    browser.fill("input[name=waybill]", PICKUP_WAYBILL).await;
    browser
        .select_value("select[name=tariff_service]", "standard")
        .await;
    browser
        .select_value("select[name=tariff_destination]", "zhejiang")
        .await;
    browser.fill("input[name=tariff_weight]", "2.3").await;
    browser.wait_for("[data-testid=tariff-quote]").await;
    browser.click("[data-testid=show-script]").await;
    browser.wait_for("[data-testid=tariff-script]").await;
    browser.click("input[name=insured][value=no]").await;
    browser.screenshot("courier-pickup-tariff").await;
    browser.click("[data-testid=next-step]").await;

    fill_recipient(&browser, PHONE).await;
    browser.assert_fits("pickup handover").await;
    browser.screenshot("courier-pickup-handover").await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text("[data-testid=saved]", "已保存到本机")
        .await;
    let row = format!("li[data-waybill={PICKUP_WAYBILL}] [data-testid=state]");
    browser.wait_for_text(&row, "待同步").await;
    let on_disk = stored_records(&browser).await;
    assert!(on_disk.contains("sealed_sender"), "{on_disk}");
    assert!(
        !on_disk.contains(SENDER_ID) && !on_disk.contains(BIRTH_DATE) && !on_disk.contains("李四"),
        "the sender's identity is sealed on the device: {on_disk}"
    );

    // Back online: synced, and the number leaves the phone.
    server.restart();
    browser.click("[data-testid=sync-now]").await;
    browser.wait_for_text(&row, "已同步").await;
    let on_disk = stored_records(&browser).await;
    assert!(!on_disk.contains("\"sealed_sender\":{"), "{on_disk}");

    // The supervisor sees it masked.
    let detail = record_on_server(&server, &credentials, PICKUP_WAYBILL).await;
    assert_eq!(detail["summary"]["outcome"], "picked_up", "{detail}");
    assert_eq!(detail["sender_identity"]["number"], "110***********002X");
    assert_eq!(detail["inspection"]["item_name"], "书");
    assert!(!detail.to_string().contains(BIRTH_DATE));

    // On the supervisor's page: the rates, the masked number, and a reveal only with a reason.
    browser.click("[data-testid=sign-out]").await;
    supervisor_signs_in(&browser, &server, &credentials).await;
    browser.click("[data-testid=tab-dashboard]").await;
    browser
        .wait_for_text(
            "[data-testid=pickups] [data-count=real_name] strong",
            "100.0%",
        )
        .await;
    browser
        .wait_for_text(
            "[data-testid=pickups] [data-count=inspection] strong",
            "100.0%",
        )
        .await;
    browser.assert_accessible("supervisor dashboard").await;
    browser.screenshot("supervisor-pickup-rates").await;
    browser.click("[data-testid=tab-records]").await;
    browser
        .click(&format!(
            "tr[data-waybill={PICKUP_WAYBILL}] [data-testid=open-record]"
        ))
        .await;
    browser
        .wait_for_text("[data-testid=masked-id]", "110***********002X")
        .await;
    assert!(!browser.page_text().await.contains(BIRTH_DATE));
    browser.click("[data-testid=reveal]").await;
    browser
        .wait_for_text("#reveal-error", "请填写查看原因（1 到 500 个字符）")
        .await;
    browser
        .fill("input[name=reveal_reason]", "寄件人投诉核实")
        .await;
    browser.click("[data-testid=reveal]").await;
    browser
        .wait_for_text("[data-testid=revealed]", &format!("{SENDER_ID} 李四"))
        .await;
    browser.assert_fits("supervisor pickup detail").await;
    browser.assert_accessible("supervisor pickup detail").await;
    browser.screenshot("supervisor-pickup-reveal").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pickup_of_a_prohibited_item_is_refused_and_keeps_no_identity() {
    const REFUSED_WAYBILL: &str = "SF8234567890124";
    let (server, credentials, browser) = courier_signed_in(Browser::start().await).await;
    browser.click("input[name=kind][value=pickup]").await;
    browser.wait_for("[data-testid=identity-step]").await;
    check_sender(&browser).await;
    browser.fill("input[name=item_name]", "烟花").await;
    browser
        .select_value("select[name=prohibited]", "explosives")
        .await;
    browser
        .wait_for_text("[data-testid=prohibited-notice]", "禁寄物品不得揽收")
        .await;
    browser.screenshot("courier-pickup-prohibited").await;
    browser.click("[data-testid=refuse-prohibited]").await;
    browser.fill("input[name=waybill]", REFUSED_WAYBILL).await;
    fill_recipient(&browser, PHONE).await;
    save_until_synced(&browser, REFUSED_WAYBILL).await;

    let detail = record_on_server(&server, &credentials, REFUSED_WAYBILL).await;
    assert_eq!(detail["summary"]["outcome"], "refused_prohibited_item");
    assert_eq!(detail["sender_identity"], serde_json::Value::Null);
    assert_eq!(detail["inspection"]["prohibited"], "explosives");
    browser.close().await;
}

/// Every stored record of the app's IndexedDB as JSON text: what a copy of the disk shows.
async fn stored_records(browser: &Browser) -> String {
    stored(browser, "records").await
}

/// Every value of one object store of the app's IndexedDB as JSON text.
async fn stored(browser: &Browser, store: &str) -> String {
    let script = r#"
        const [store, done] = arguments;
        const open = indexedDB.open("doorstep");
        open.onsuccess = () => {
            const all = open.result.transaction(store).objectStore(store).getAll();
            all.onsuccess = () => done(JSON.stringify(all.result));
            all.onerror = () => done("error");
        };
        open.onerror = () => done("error");
    "#;
    browser
        .client
        .execute_async(script, vec![store.into()])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_out_warns_about_unsynced_records_then_wipes_the_device() {
    let (mut server, _, browser) = courier_signed_in(Browser::start().await).await;
    server.kill();
    browser.fill("input[name=waybill]", WAYBILL).await;
    fill_recipient(&browser, PHONE).await;

    // The draft as typed is kept sealed: the disk shows nothing of it, and a reload restores it.
    browser.client.refresh().await.unwrap();
    browser.wait_for("input[name=waybill]").await;
    let raw_draft = stored(&browser, "drafts").await;
    assert!(raw_draft.contains("sealed"), "{raw_draft}");
    for typed in [WAYBILL, PHONE, "愚园路", "1203", "张三丰"] {
        assert!(
            !raw_draft.contains(typed),
            "{typed} stored in clear: {raw_draft}"
        );
    }
    browser
        .wait_until("the restored phone number", || async {
            let phone = browser
                .client
                .find(fantoccini::Locator::Css("input[name=phone]"))
                .await;
            match phone {
                Ok(field) => field.prop("value").await.ok().flatten().as_deref() == Some(PHONE),
                Err(_) => false,
            }
        })
        .await;
    browser.click("[data-testid=save]").await;
    let row = format!("li[data-waybill={WAYBILL}] [data-testid=state]");
    browser.wait_for_text(&row, "待同步").await;

    // At rest the recipient is sealed: the disk shows the waybill but no phone or address.
    let raw = stored_records(&browser).await;
    assert!(raw.contains(WAYBILL), "{raw}");
    for personal in [PHONE, "愚园路", "1203", "张三丰"] {
        assert!(!raw.contains(personal), "{personal} stored in clear: {raw}");
    }

    // Signing out with an unsynced record asks first; declining keeps everything.
    browser.click("[data-testid=sign-out]").await;
    let warning = browser.client.get_alert_text().await.unwrap();
    assert!(warning.starts_with("1 条记录尚未同步"), "{warning}");
    browser.client.dismiss_alert().await.unwrap();
    browser.wait_for_text(&row, "待同步").await;

    // Accepting signs out and leaves nothing of the courier's on the device.
    browser.click("[data-testid=sign-out]").await;
    browser.client.accept_alert().await.unwrap();
    browser.wait_for("input[name=username]").await;
    assert_eq!(stored_records(&browser).await, "[]");
    assert_eq!(stored(&browser, "drafts").await, "[]");
    let draft = browser
        .client
        .execute(
            "return [localStorage.getItem('doorstep.draft'), localStorage.getItem('doorstep.link_tokens')];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(draft, serde_json::json!([null, null]));
    browser.close().await;
}

/// The wasm bundles the current page has loaded (file names, from the resource timeline).
async fn loaded_wasm(browser: &Browser) -> Vec<String> {
    let names = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)\
             .filter(p => p.endsWith('.wasm'));",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(names).unwrap()
}

/// The `href` of the first element matching `css`.
async fn href(browser: &Browser, css: &str) -> String {
    browser.wait_for(css).await;
    browser
        .client
        .find(fantoccini::Locator::Css(css))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .expect("a link")
}

/// The courier offers locker bank 3 by link for `waybill`; once the record has synced, its row
/// shows the QR code. Returns the row's selector.
async fn show_consent_link(courier: &Browser, waybill: &str) -> String {
    courier.fill("input[name=waybill]", waybill).await;
    fill_recipient(courier, PHONE).await;
    choose_locker(courier, "3", "").await;
    courier.click("[data-testid=ask-by-link]").await;
    courier
        .wait_for_text("[data-testid=saved]", "已保存到本机")
        .await;
    let row = format!("li[data-waybill={waybill}]");
    courier
        .wait_for_text(&format!("{row} [data-testid=state]"), "已同步")
        .await;
    courier
        .click(&format!("{row} [data-testid=show-link]"))
        .await;
    courier.wait_for(&format!("{row} [data-testid=qr]")).await;
    row
}

#[tokio::test(flavor = "multi_thread")]
async fn the_recipient_confirms_a_locker_by_link_and_complains_about_another_parcel() {
    const LINKED: &str = "SF8234567890123";
    let (server, credentials, courier) = courier_signed_in(Browser::start().await).await;

    // The courier offers locker bank 3 by link; the record goes to the server with the link's
    // digest only, and the QR code appears once it has synced.
    let row = show_consent_link(&courier, LINKED).await;
    courier
        .assert_accessible("the courier's screen with a consent QR code")
        .await;
    courier.screenshot("courier-link-qr").await;
    let fits = courier
        .client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        fits,
        serde_json::json!(true),
        "the code and its link fit the screen"
    );
    let link = href(&courier, &format!("{row} [data-testid=link-url] a")).await;
    assert!(link.starts_with(&server.url("/c/")), "{link}");

    // The recipient, in a browser of their own, sees masked data and chooses the locker.
    let recipient = Browser::start().await;
    recipient.client.goto(&link).await.unwrap();
    recipient.wait_for("input[name=choice][value=locker]").await;
    recipient
        .assert_accessible("the recipient's link page")
        .await;
    let page = recipient.page_text().await;
    assert!(
        page.contains("0123") && !page.contains(PHONE) && !page.contains("1203"),
        "{page}"
    );
    recipient.click("input[name=choice][value=locker]").await;
    recipient.click("button[type=submit]").await;
    recipient.wait_for("[data-testid=current-choice]").await;
    recipient.screenshot("recipient-link-page").await;

    // The courier's next sync brings the answer; the locker delivery is then allowed.
    courier.click("[data-testid=sync-now]").await;
    courier
        .wait_for(&format!("{row} [data-testid=link-decision]"))
        .await;
    courier
        .click(&format!("{row} [data-testid=apply-answer]"))
        .await;
    courier.fill("input[name=locker_compartment]", "12").await;
    courier
        .select_value("select[name=outcome]", "placed_in_locker")
        .await;
    courier.fill("input[name=pickup_code]", "6-2-1234").await;
    // A photo of the closed compartment, for the recipient's page.
    let fixture = tempfile::tempdir().unwrap();
    let picture = fixture.path().join("locker.jpg");
    std::fs::write(&picture, support::photo::camera_jpeg(1600, 1200, 1)).unwrap();
    courier.choose_file("input[name=photo]", &picture).await;
    courier.wait_for("[data-testid=photo] img").await;
    courier.click("[data-testid=save]").await;
    courier
        .wait_for_text("[data-testid=saved]", "已保存到本机")
        .await;
    courier
        .wait_until("the delivery is synced", || async {
            let records = server
                .api()
                .records(
                    &server
                        .api()
                        .login("supervisor", &credentials.supervisor_password)
                        .await,
                )
                .await;
            records
                .iter()
                .any(|r| r["waybill"] == LINKED && r["outcome"] == "placed_in_locker")
        })
        .await;
    recipient.client.goto(&link).await.unwrap();
    recipient.wait_for("[data-testid=delivered]").await;
    assert!(recipient.page_text().await.contains("6-2-1234"));
    // The photo follows its record in the same round; the page shows it beside the code.
    recipient
        .wait_until("the photo on the recipient's page", || async {
            let shown = recipient
                .client
                .execute(
                    "const p = document.querySelector('[data-testid=proof-photo]');\
                     return !!p && p.complete && p.naturalWidth > 0;",
                    vec![],
                )
                .await
                .unwrap()
                == serde_json::json!(true);
            if !shown {
                recipient.client.goto(&link).await.unwrap();
            }
            shown
        })
        .await;
    recipient
        .assert_accessible("the recipient's page with the photo")
        .await;
    recipient.screenshot("recipient-photo").await;
    // The courier's own phone, where the app's service worker runs, gets the server's page for
    // the link too, not the app shell.
    courier.client.goto(&link).await.unwrap();
    courier.wait_for("[data-testid=delivered]").await;

    // Another parcel went to a locker on a consent the courier says was given in person; its
    // recipient says they never agreed, and the supervisor sees the complaint.
    let token = "feedfacefeedfacefeedfacefeedface";
    let courier_token = server
        .api()
        .login("courier", &credentials.courier_password)
        .await;
    let mut other = synced_record(9, "SF9234567890123", 60_000);
    other.link = Some(doorstep_core::link::LinkRequest {
        id: uuid::Uuid::from_u128(99),
        token_sha256: doorstep_core::link::token_digest(token),
        offers: vec![
            doorstep_core::link::Offer {
                method: doorstep_core::MethodKind::Locker,
                place: "5".into(),
            },
            doorstep_core::link::Offer {
                method: doorstep_core::MethodKind::Door,
                place: String::new(),
            },
        ],
        free_storage_hours: 24,
        overtime_fee_fen: 50,
        expires_in_hours: 48,
        requested_at: other.captured_at,
        revoked_at: None,
    });
    other.method = doorstep_core::DeliveryMethod::Locker {
        bank: "5".into(),
        compartment: "1".into(),
    };
    other.consent = Some(doorstep_core::Consent {
        channel: doorstep_core::ConsentChannel::InPerson,
        decision: doorstep_core::ConsentDecision::Accepted,
        method: doorstep_core::MethodKind::Locker,
        given_at: other.captured_at,
        disclosed: doorstep_core::Disclosure::default(),
        preference_id: None,
    });
    other.outcome = Some(doorstep_core::Outcome::PlacedInLocker);
    other.outcome_at = Some(other.captured_at + 1000);
    let synced: serde_json::Value = server.api().sync(&courier_token, 0, vec![other]).await;
    assert_eq!(synced["acks"][0]["status"], "stored", "{synced}");
    recipient
        .client
        .goto(&server.url(&format!("/c/{token}")))
        .await
        .unwrap();
    recipient
        .click("input[name=kind][value=did_not_agree]")
        .await;
    recipient
        .fill("input[name=note]", "我从没同意放快件箱")
        .await;
    recipient
        .click("form[action*=complaint] button[type=submit]")
        .await;
    recipient.wait_for("[data-complaint=did_not_agree]").await;

    let supervisor = Browser::start().await;
    supervisor_signs_in(&supervisor, &server, &credentials).await;
    supervisor.click("[data-testid=tab-complaints]").await;
    supervisor
        .wait_for("[data-testid=complaints] li[data-complaint=did_not_agree][data-waybill=SF9234567890123]")
        .await;
    assert!(supervisor.page_text().await.contains("我从没同意放快件箱"));
    supervisor.screenshot("supervisor-complaints").await;

    supervisor.close().await;
    recipient.close().await;
    courier.close().await;
}

/// A delivery record as the courier app would sync it, captured `age_ms` ago.
/// The recipient, on the link page in their own browser, answers with `choice`.
async fn recipient_answers(recipient: &Browser, link: &str, choice: &str) {
    recipient.client.goto(link).await.unwrap();
    let option = format!("input[name=choice][value={choice}]");
    recipient.click(&option).await;
    recipient.click("button[type=submit]").await;
    recipient.wait_for("[data-testid=current-choice]").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_recipients_answer_reaches_the_courier_screen_live_and_again_after_the_server_was_gone()
{
    const LINKED: &str = "SF8234567890124";
    let (mut server, _, courier) = courier_signed_in(Browser::start().await).await;
    let row = show_consent_link(&courier, LINKED).await;
    let link = href(&courier, &format!("{row} [data-testid=link-url] a")).await;

    // The recipient chooses the locker in a browser of their own; the courier taps nothing.
    let recipient = Browser::start().await;
    recipient_answers(&recipient, &link, "locker").await;
    let answered = std::time::Instant::now();
    let decision = format!("{row} [data-testid=link-decision]");
    courier.wait_for(&decision).await;
    eprintln!(
        "live: the courier's screen showed the answer {} ms after the recipient's page did",
        answered.elapsed().as_millis()
    );
    assert!(courier
        .text(&decision)
        .await
        .contains("收件人已通过链接确认"));
    courier.screenshot("courier-live-answer").await;

    // The phone loses the server (the stream drops) and gets it back; the recipient then changes
    // their mind, and the courier's screen follows without a tap or a reload.
    server.kill();
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    server.restart();
    recipient_answers(&recipient, &link, "door").await;
    courier
        .wait_until("the changed answer on the courier's screen", || async {
            courier.text(&decision).await.contains("收件人要求送货上门")
        })
        .await;
    courier.close().await;
    recipient.close().await;
}

fn synced_record(n: u128, waybill: &str, age_ms: i64) -> doorstep_core::DeliveryRecord {
    let captured_at = support::now_ms() - age_ms;
    doorstep_core::DeliveryRecord {
        waybill: doorstep_core::Waybill::parse(waybill).unwrap(),
        captured_at,
        revised_at: captured_at,
        ..doorstep_core::testing::door_delivery(n as u64)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_filters_by_flag_opens_a_record_and_marks_it_reviewed() {
    const LATE: &str = "SF5234567890123";
    const FRESH: &str = "SF6234567890123";
    let server = start_server();
    let credentials = server.credentials();
    let courier = server
        .api()
        .login("courier", &credentials.courier_password)
        .await;
    // Captured two days ago and synced only now: "synced more than 24 h after capture".
    let records = vec![
        synced_record(1, LATE, 2 * 24 * 60 * 60 * 1000),
        synced_record(2, FRESH, 60_000),
    ];
    let pulled: serde_json::Value = server.api().sync(&courier, 0, records).await;
    assert!(pulled["changes"].as_array().unwrap().is_empty());

    let browser = Browser::start().await;
    supervisor_signs_in(&browser, &server, &credentials).await;
    browser.click("[data-testid=tab-records]").await;
    browser.wait_for(&format!("tr[data-waybill={FRESH}]")).await;
    // Signed in on the courier page, the supervisor lands on a page of their own bundle.
    let wasm = loaded_wasm(&browser).await;
    assert!(
        !wasm.is_empty()
            && wasm
                .iter()
                .all(|w| w.starts_with("/supervisor/doorstep-supervisor-")),
        "{wasm:?}"
    );
    browser
        .client
        .find(fantoccini::Locator::Css("select[name=flag]"))
        .await
        .unwrap()
        .select_by_value("late_sync")
        .await
        .unwrap();
    browser.click("[data-testid=apply-filters]").await;
    browser
        .wait_until("only the late record", || async {
            let rows = browser
                .client
                .find_all(fantoccini::Locator::Css(
                    "[data-testid=supervisor-records] tbody tr",
                ))
                .await
                .unwrap_or_default();
            rows.len() == 1
                && browser
                    .client
                    .find(fantoccini::Locator::Css(&format!(
                        "tr[data-waybill={LATE}]"
                    )))
                    .await
                    .is_ok()
        })
        .await;
    browser.screenshot("supervisor-filtered").await;

    browser
        .click(&format!(
            "tr[data-waybill={LATE}] [data-testid=open-record]"
        ))
        .await;
    browser
        .wait_for("[data-testid=flags] [data-flag=late_sync][data-reviewed=false]")
        .await;
    assert!(
        !browser.page_text().await.contains(PHONE),
        "the detail is masked"
    );
    browser
        .fill("textarea[name=note]", "电梯故障，已核实")
        .await;
    browser
        .client
        .find(fantoccini::Locator::Css("select[name=reviewed_flag]"))
        .await
        .unwrap()
        .select_by_value("late_sync")
        .await
        .unwrap();
    browser.click("[data-testid=add-note]").await;
    browser
        .wait_for("[data-testid=flags] [data-flag=late_sync][data-reviewed=true]")
        .await;
    browser
        .wait_until("the note in the list", || async {
            browser.page_text().await.contains("电梯故障，已核实")
        })
        .await;
    browser.screenshot("supervisor-reviewed").await;

    browser.click("[data-testid=tab-dashboard]").await;
    browser
        .wait_for_text("[data-testid=per-flag] [data-flag=late_sync] strong", "1")
        .await;
    browser.screenshot("supervisor-dashboard").await;

    // The courier's device gets the note with its next sync, once.
    let pulled: serde_json::Value = server.api().sync(&courier, 0, Vec::new()).await;
    assert_eq!(pulled["changes"][0]["note"], "电梯故障，已核实");
    assert_eq!(pulled["changes"][0]["reviewed_flag"], "late_sync");
    let cursor = pulled["cursor"].as_i64().unwrap();
    let again: serde_json::Value = server.api().sync(&courier, cursor, Vec::new()).await;
    assert!(again["changes"].as_array().unwrap().is_empty());
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_supervisors_device_list_follows_a_couriers_sync_without_a_reload() {
    let server = start_server();
    let credentials = server.credentials();
    let browser = supervisor_at_desk(&server, &credentials).await;
    browser.click("[data-testid=tab-devices]").await;
    browser.wait_for("[data-testid=devices] .empty").await;

    // A courier's phone syncs, reporting three records still queued.
    let courier = server
        .api()
        .login("courier", &credentials.courier_password)
        .await;
    let report = doorstep_core::sync::SyncRequest {
        cursor: 0,
        records: vec![],
        device: Some(doorstep_core::sync::DeviceReport {
            device_id: uuid::Uuid::from_u128(7),
            app_version: "0.1.0".into(),
            queued: 3,
            oldest_queued_at: Some(support::now_ms() - 60_000),
        }),
    };
    let _: serde_json::Value = server.api().post("/api/v1/sync", &courier, &report).await;
    browser
        .wait_for_text("[data-testid=devices] tbody tr td:nth-child(3)", "3")
        .await;
    browser.screenshot("supervisor-devices-live").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_note_reaches_the_courier_list_once() {
    const NOTED: &str = "SF7234567890123";
    let server = start_server();
    let credentials = server.credentials();
    let browser = Browser::start().await;
    sign_in(&browser, &server, "courier", &credentials.courier_password).await;
    browser.wait_for("input[name=waybill]").await;
    browser.fill("input[name=waybill]", NOTED).await;
    fill_recipient(&browser, PHONE).await;
    browser.click("[data-testid=save]").await;
    let row = format!("li[data-waybill={NOTED}]");
    browser
        .wait_for_text(&format!("{row} [data-testid=state]"), "已同步")
        .await;

    let supervisor = server
        .api()
        .login("supervisor", &credentials.supervisor_password)
        .await;
    let id = server.api().records(&supervisor).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let status = reqwest::Client::new()
        .post(server.url(&format!("/api/v1/records/{id}/notes")))
        .bearer_auth(&supervisor)
        .json(&serde_json::json!({ "note": "请补拍门牌" }))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 201);

    browser.click("[data-testid=sync-now]").await;
    let note = format!("{row} [data-testid=note]");
    browser.wait_for_text(&note, "站长备注：请补拍门牌").await;
    // After a reload and another sync the note is shown once: the cursor was kept.
    browser.client.refresh().await.unwrap();
    browser.wait_for(&note).await;
    browser.click("[data-testid=sync-now]").await;
    browser
        .wait_for_text(&format!("{row} [data-testid=state]"), "已同步")
        .await;
    let shown = browser
        .client
        .find_all(fantoccini::Locator::Css(&note))
        .await
        .unwrap()
        .len();
    assert_eq!(shown, 1);
    let cursor = browser
        .client
        .execute("return localStorage.getItem('doorstep.cursor');", vec![])
        .await
        .unwrap();
    assert_eq!(cursor, serde_json::Value::String("1".into()));
    // Tapping the note scrolls it into view for the screenshot.
    browser.click(&note).await;
    browser.screenshot("courier-note").await;
    browser.close().await;
}

/// Every screen a courier or a supervisor reaches, in both languages, has no axe-core violation
/// (WCAG A/AA and best practices: one `h1`, landmarks, names, contrast).
#[tokio::test(flavor = "multi_thread")]
async fn every_screen_passes_the_accessibility_rules() {
    const WAYBILL_SEEN: &str = "SF7234567890123";
    let server = start_server();
    let credentials = server.credentials();
    let courier_token = server
        .api()
        .login("courier", &credentials.courier_password)
        .await;
    let _: serde_json::Value = server
        .api()
        .sync(
            &courier_token,
            0,
            vec![synced_record(1, WAYBILL_SEEN, 60_000)],
        )
        .await;

    let browser = Browser::start().await;
    browser.client.goto(&server.url("/login")).await.unwrap();
    browser.wait_for("input[name=username]").await;
    browser.assert_accessible("the sign-in page").await;
    sign_in(&browser, &server, "courier", &credentials.courier_password).await;
    browser.wait_for("input[name=waybill]").await;
    browser.assert_accessible("the courier's screen").await;
    browser.click("header button").await;
    browser.wait_for_text("[data-testid=save]", "Save").await;
    browser
        .assert_accessible("the courier's screen in English")
        .await;
    browser.close().await;

    let browser = Browser::start_with_width(1280).await;
    supervisor_signs_in(&browser, &server, &credentials).await;
    // The day's coverage comes first; the import screen and the area rules beside it.
    browser.wait_for("[data-testid=coverage]").await;
    browser.assert_accessible("the day's coverage").await;
    browser.click("[data-testid=tab-import]").await;
    browser.wait_for("[data-testid=file-drop]").await;
    browser.assert_accessible("the manifest import").await;
    browser.click("[data-testid=tab-area-rules]").await;
    browser.wait_for("[data-testid=area-rules]").await;
    browser.assert_accessible("the area rules").await;
    browser.click("[data-testid=tab-records]").await;
    browser
        .wait_for(&format!("tr[data-waybill={WAYBILL_SEEN}]"))
        .await;
    browser.assert_accessible("the supervisor's records").await;
    browser
        .click(&format!(
            "tr[data-waybill={WAYBILL_SEEN}] [data-testid=open-record]"
        ))
        .await;
    browser.wait_for("[data-testid=flags]").await;
    browser.assert_accessible("a record's detail").await;
    for (tab, ready) in [
        ("tab-dashboard", "[data-testid=dashboard]"),
        ("tab-complaints", "[data-testid=complaints]"),
        ("tab-devices", "[data-testid=devices]"),
        ("tab-tariffs", "[data-testid=tariff-tables]"),
    ] {
        browser.click(&format!("[data-testid={tab}]")).await;
        browser.wait_for(ready).await;
        browser.assert_accessible(tab).await;
    }
    browser.close().await;
}

/// The day's manifest as a station's system exports it: Chinese headers, two good rows and one
/// with a phone number that is not one (line 4).
const MANIFEST_CSV: &str = "运单号,收件人,电话,地址,快递员\n\
SF3234567890121,张三丰,13812345601,愚园路1088弄5号楼2单元1203室,courier\n\
SF3234567890122,李四,13812345602,愚园路1088弄6号楼1单元101室,courier\n\
SF3234567890123,王五,12345,愚园路1088弄7号楼1单元202室,courier\n";

/// Imports the manifest file from the import tab and waits for its preview (nothing stored yet).
async fn preview_manifest(browser: &Browser, file: &std::path::Path) {
    browser.click("[data-testid=tab-import]").await;
    browser
        .wait_for("[data-testid=file-drop] input[type=file]")
        .await;
    browser
        .choose_file("[data-testid=file-drop] input[type=file]", file)
        .await;
    browser
        .wait_for("[data-testid=import-preview][data-stored=false] [data-testid=bad-rows] tr[data-line=\"4\"]")
        .await;
}

/// A supervisor imports the day's manifest (a preview first, with its bad row named by line and
/// reason, then confirmed) and sees every parcel in "no outcome yet", masked; the supervisor's
/// screens use a desk's width and still fit a 360 px phone.
#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_imports_the_days_manifest_and_sees_every_parcel_without_an_outcome() {
    let server = start_server();
    let credentials = server.credentials();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("manifest.csv");
    std::fs::write(&file, MANIFEST_CSV).unwrap();

    let desk = supervisor_at_desk(&server, &credentials).await;
    desk.wait_for("[data-testid=coverage-table]").await;
    preview_manifest(&desk, &file).await;
    desk.wait_for_text("[data-count=added] strong", "2").await;
    desk.wait_for_text("[data-count=problems] strong", "1")
        .await;
    let bad_row = desk
        .text("[data-testid=bad-rows] tr[data-line=\"4\"]")
        .await;
    assert!(bad_row.contains("电话应为 11 位手机号"), "{bad_row}");
    // Nothing is stored by a preview.
    let token = server
        .api()
        .login("supervisor", &credentials.supervisor_password)
        .await;
    let stored: serde_json::Value = server.api().get("/api/v1/parcels", &token).await;
    assert_eq!(stored, serde_json::json!([]));
    desk.assert_fits("the import preview at 1280 px").await;
    desk.screenshot("supervisor-import-preview-1280").await;

    desk.click("[data-testid=confirm-import]").await;
    desk.wait_for("[data-testid=import-preview][data-stored=true]")
        .await;
    desk.wait_for_text("[data-count=added] strong", "2").await;

    desk.click("[data-testid=tab-coverage]").await;
    let courier_row = "[data-testid=coverage-table] tr[data-courier=courier]";
    desk.wait_for_text(&format!("{courier_row} td[data-bucket=no_outcome]"), "2")
        .await;
    let station_row = "[data-testid=coverage-table] tr[data-courier=\"\"]";
    desk.wait_for_text(&format!("{station_row} td[data-bucket=no_outcome]"), "2")
        .await;
    for bucket in [
        "door",
        "locker",
        "station",
        "picked_up",
        "failed",
        "refused",
    ] {
        desk.wait_for_text(&format!("{station_row} td[data-bucket={bucket}]"), "0")
            .await;
    }
    desk.assert_fits("the coverage at 1280 px").await;
    desk.screenshot("supervisor-coverage-1280").await;
    // Tapping the count lists those parcels, masked.
    desk.click(&format!("{courier_row} td[data-bucket=no_outcome] button"))
        .await;
    desk.wait_for("[data-testid=parcels] tr[data-waybill=SF3234567890122]")
        .await;
    let listed = desk.text("[data-testid=parcels]").await;
    assert!(listed.contains("138******01"), "{listed}");
    assert!(!desk.page_text().await.contains("13812345601"), "masked");
    desk.assert_accessible("the coverage with a bucket's parcels")
        .await;
    desk.assert_fits("the parcel list at 1280 px").await;
    desk.click("[data-testid=tab-records]").await;
    desk.wait_for("[data-testid=supervisor-records]").await;
    desk.assert_fits("the records at 1280 px").await;
    desk.close().await;

    // The same screens on a 360 px phone; the same file again changes nothing.
    let phone = Browser::start_with_size(360, 780).await;
    supervisor_signs_in(&phone, &server, &credentials).await;
    phone
        .wait_for_text(
            "[data-testid=coverage-table] tr[data-courier=courier] td[data-bucket=no_outcome]",
            "2",
        )
        .await;
    phone.assert_fits("the coverage at 360 px").await;
    phone.screenshot("supervisor-coverage-360").await;
    preview_manifest(&phone, &file).await;
    phone
        .wait_for_text("[data-count=unchanged] strong", "2")
        .await;
    phone.wait_for_text("[data-count=added] strong", "0").await;
    phone.assert_fits("the import preview at 360 px").await;
    phone.screenshot("supervisor-import-preview-360").await;
    phone.click("[data-testid=tab-records]").await;
    phone.wait_for("[data-testid=supervisor-records]").await;
    phone.assert_fits("the records at 360 px").await;
    phone.close().await;
}

/// Sets the station's photo rules through the API, as the supervisor's form does.
async fn set_proof_rules(server: &Server, token: &str, rules: serde_json::Value) {
    let answer = reqwest::Client::new()
        .put(server.url("/api/v1/proof-rules"))
        .bearer_auth(token)
        .json(&rules)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_taken_offline_reaches_the_server_once_after_the_tab_is_killed_and_the_supervisor_sees_it(
) {
    use support::photo::{camera_jpeg, jpeg_size};
    const LOCKER: &str = "SF8234567890123";
    const UNSENT: &str = "SF8234567890124";
    let mut server = start_server();
    let credentials = server.credentials();
    let supervisor = server
        .api()
        .login("supervisor", &credentials.supervisor_password)
        .await;
    // The station wants a photo of every locker delivery.
    let rules = serde_json::json!({
        "door": "optional", "locker": "required", "station": "optional", "retention_days": 30
    });
    set_proof_rules(&server, &supervisor, rules).await;
    // A 12-megapixel camera photo, taken with the phone turned (EXIF orientation 6), with GPS.
    let camera = camera_jpeg(4000, 3000, 6);
    let fixture = tempfile::tempdir().unwrap();
    let picture = fixture.path().join("IMG_0001.jpg");
    std::fs::write(&picture, &camera).unwrap();

    let browser = Browser::start_with_size(360, 780).await;
    sign_in(&browser, &server, "courier", &credentials.courier_password).await;
    browser.wait_for("input[name=waybill]").await;
    browser.wait_for_service_worker().await;
    browser.fill("input[name=waybill]", LOCKER).await;
    fill_recipient(&browser, PHONE).await;
    choose_locker(&browser, "3", "12").await;
    browser.click("input[name=consent_given]").await;
    browser
        .select_value("select[name=outcome]", "placed_in_locker")
        .await;
    browser.fill("input[name=pickup_code]", "482913").await;
    // The first sync brought the station's rules.
    browser
        .wait_for_text("[data-testid=photo-rule]", "拍照留证 · 必须拍照")
        .await;

    // At the locker bank, no signal.
    server.kill();
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text("[data-testid=photo-error]", "本站要求此种投递拍照留证")
        .await;
    let started = std::time::Instant::now();
    browser.choose_file("input[name=photo]", &picture).await;
    browser.wait_for("[data-testid=photo] img").await;
    println!(
        "a 4000 x 3000 photo from chosen to thumbnail shown and stored: {} ms (through WebDriver)",
        started.elapsed().as_millis()
    );
    browser.wait_for_text("[data-testid=photo-error]", "").await;
    browser.screenshot("courier-photo-360").await;
    browser.assert_fits("the parcel screen with a photo").await;
    browser
        .assert_accessible("the parcel screen with a photo")
        .await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_for_text("[data-testid=saved]", "已保存到本机")
        .await;
    let row = format!("li[data-waybill={LOCKER}] [data-testid=state]");
    browser.wait_for_text(&row, "待同步").await;
    let photo_queued = || async {
        browser
            .text("[data-testid=queue]")
            .await
            .starts_with("待同步 1 · 待传照片 1 · 最早")
    };
    browser
        .wait_until("a record and its photo queued", photo_queued)
        .await;
    let kept = stored(&browser, "photos").await;
    let photo_id: String = serde_json::from_str::<serde_json::Value>(&kept).unwrap()[0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("one photo on the device: {kept}"))
        .to_string();

    // The tab is killed; a new one opens the app from the service worker, still offline.
    let killed = browser.client.window().await.unwrap();
    let reopened = browser.client.new_window(true).await.unwrap();
    browser.client.switch_to_window(killed).await.unwrap();
    browser.client.close_window().await.unwrap();
    browser
        .client
        .switch_to_window(reopened.handle)
        .await
        .unwrap();
    browser.client.goto(&server.url("/courier")).await.unwrap();
    browser.wait_for_text(&row, "待同步").await;
    browser
        .wait_until("a record and its photo queued", photo_queued)
        .await;

    // Back online: the record goes up, then its photo, which then leaves the phone.
    server.restart();
    browser.click("[data-testid=sync-now]").await;
    browser.wait_for_text(&row, "已同步").await;
    browser
        .wait_until("the photo to leave the device", || async {
            stored(&browser, "photos").await == "[]"
        })
        .await;
    assert_eq!(stored(&browser, "photo_bytes").await, "[]");
    browser
        .wait_for_text("[data-testid=queue]", "待同步 0")
        .await;
    // Another round sends nothing again and changes nothing.
    browser.click("[data-testid=sync-now]").await;
    browser.wait_for_text(&row, "已同步").await;

    let detail = record_on_server(&server, &credentials, LOCKER).await;
    assert_eq!(
        detail["photos"],
        serde_json::json!([{ "id": photo_id, "state": "stored" }]),
        "the record names the photo, which is stored: {detail}"
    );
    let held = server
        .api()
        .get_bytes(&format!("/api/v1/photos/{photo_id}"), &supervisor)
        .await;
    assert_eq!(
        doorstep_core::proof::PhotoId::of(&held).as_str(),
        photo_id,
        "the bytes are the ones named"
    );
    assert_eq!(
        jpeg_size(&held),
        Some((1200, 1600)),
        "scaled to 1,600 px and turned upright"
    );
    assert!(!held.windows(4).any(|w| w == b"Exif"), "no camera metadata");
    println!(
        "the stored photo: {} bytes (the camera's: {} bytes)",
        held.len(),
        camera.len()
    );
    // The device sends it again as if the answer had been lost: still one photo.
    let courier = server
        .api()
        .login("courier", &credentials.courier_password)
        .await;
    assert_eq!(server.api().put_photo(&courier, &held).await, 200);

    // Another record names a photo that never came: "photo pending".
    let mut unsent = synced_record(9, UNSENT, 60_000);
    unsent.photos = vec![doorstep_core::proof::PhotoId::of(b"still on the phone")];
    let _: serde_json::Value = server.api().sync(&courier, 0, vec![unsent]).await;

    browser.close().await;
    let desk = supervisor_at_desk(&server, &credentials).await;
    desk.click("[data-testid=tab-records]").await;
    desk.wait_for_text(
        &format!("tr[data-waybill={UNSENT}] [data-testid=photo-pending]"),
        "照片待上传 1",
    )
    .await;
    desk.click("input[name=photo_pending]").await;
    desk.click("[data-testid=apply-filters]").await;
    desk.wait_until("only the record whose photo is pending", || async {
        desk.client
            .find_all(fantoccini::Locator::Css(
                "[data-testid=supervisor-records] tbody tr",
            ))
            .await
            .map(|rows| rows.len() == 1)
            .unwrap_or(false)
    })
    .await;
    desk.wait_for(&format!("tr[data-waybill={UNSENT}]")).await;
    desk.screenshot("supervisor-photo-pending-1280").await;
    desk.assert_fits("the records filtered by a pending photo")
        .await;
    desk.click(&format!(
        "tr[data-waybill={UNSENT}] [data-testid=open-record]"
    ))
    .await;
    desk.wait_for_text("[data-testid=detail-photos] li", "照片待上传")
        .await;
    desk.click("[data-testid=close-record]").await;

    desk.click("input[name=photo_pending]").await;
    desk.click("[data-testid=apply-filters]").await;
    desk.click(&format!(
        "tr[data-waybill={LOCKER}] [data-testid=open-record]"
    ))
    .await;
    let thumb = format!("[data-testid=detail-photos] img[src='/api/v1/photos/{photo_id}']");
    desk.wait_for(&thumb).await;
    desk.wait_until("the photo to load through the session's cookie", || async {
        desk.client
            .execute(
                "return document.querySelector(arguments[0]).naturalWidth;",
                vec![thumb.clone().into()],
            )
            .await
            .map(|width| width == 1200)
            .unwrap_or(false)
    })
    .await;
    desk.screenshot("supervisor-photo-1280").await;
    desk.assert_accessible("a record with its photo").await;
    let phone = Browser::start_with_size(360, 780).await;
    supervisor_signs_in(&phone, &server, &credentials).await;
    phone.click("[data-testid=tab-records]").await;
    phone
        .click(&format!(
            "tr[data-waybill={LOCKER}] [data-testid=open-record]"
        ))
        .await;
    phone.wait_for(&thumb).await;
    phone.click("[data-testid=detail-photos] img").await;
    phone.screenshot("supervisor-photo-360").await;
    phone.assert_fits("a record with its photo at 360 px").await;
    phone.close().await;

    // The photo rules: the station's, and a retention out of range refused beside its field.
    desk.click("[data-testid=tab-photo-rules]").await;
    desk.wait_until("the locker's rule", || async {
        let value = desk
            .client
            .execute(
                "return document.querySelector('select[name=proof_locker]').value;",
                vec![],
            )
            .await
            .unwrap_or_default();
        value == "required"
    })
    .await;
    desk.fill("input[name=retention_days]", "0").await;
    desk.click("[data-testid=save-photo-rules]").await;
    desk.wait_for_text("#retention-error", "照片保存期为 1 至 3650 天")
        .await;
    desk.screenshot("supervisor-photo-rules-1280").await;
    desk.assert_accessible("the photo rules").await;
    desk.fill("input[name=retention_days]", "45").await;
    desk.click("[data-testid=save-photo-rules]").await;
    desk.wait_for_text("[data-testid=photo-rules] .saved", "规则已保存")
        .await;
    let stored_rules: serde_json::Value =
        server.api().get("/api/v1/proof-rules", &supervisor).await;
    assert_eq!(stored_rules["retention_days"], 45);
    assert_eq!(stored_rules["locker"], "required");
    desk.close().await;
}
