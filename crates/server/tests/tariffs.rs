//! Tariff tables (issue 5): the station's current table with ETag revalidation, versioned
//! uploads validated field by field, and records that must carry the answered script.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{record, TestServer};
use doorstep_core::api::RecordDetail;
use doorstep_core::sync::Ack;
use doorstep_core::tariff::{self, InsuranceAnswer, ParcelMeasure, TariffDisclosure, TariffTable};
use doorstep_core::{Carrier, Outcome, Violation};
use serde_json::Value;
use tower::ServiceExt;
use uuid::Uuid;

async fn current(
    server: &TestServer,
    token: &str,
    held: Option<&str>,
) -> (StatusCode, Option<String>, Value) {
    let mut request = Request::builder()
        .uri("/api/v1/tariffs")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(tag) = held {
        request = request.header(header::IF_NONE_MATCH, tag);
    }
    let response = server
        .router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let etag = response
        .headers()
        .get(header::ETAG)
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, etag, body)
}

async fn upload(server: &TestServer, token: &str, body: String) -> (StatusCode, Value) {
    server
        .send(Method::POST, "/api/v1/tariffs", Some(token), Some(body))
        .await
}

/// The sample with a new version and a dearer SF first weight.
fn new_version(version: &str) -> Value {
    let mut table = serde_json::to_value(tariff::sample()).unwrap();
    table["version"] = version.into();
    table["sample"] = false.into();
    table["carriers"][0]["services"][0]["prices"][0]["first_fen"] = 1300.into();
    table
}

fn fields(body: &Value) -> Vec<String> {
    body["error"]["details"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|p| p["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_new_station_prices_with_the_sample_and_revalidates_by_etag() {
    let server = TestServer::start().await;
    let (status, etag, body) = current(&server, &server.courier, None).await;
    assert_eq!(status, StatusCode::OK);
    let table: TariffTable = serde_json::from_value(body).unwrap();
    assert!(
        table.sample,
        "the built-in table is labelled as sample figures"
    );
    let etag = etag.expect("an ETag names the version");
    assert_eq!(etag, format!("\"{}\"", table.version));
    let (status, _, body) = current(&server, &server.courier, Some(&etag)).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(body, Value::Null);
    let (status, _) = server
        .send(Method::GET, "/api/v1/tariffs", None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_upload_becomes_current_and_older_versions_stay_readable() {
    let server = TestServer::start().await;
    let (_, old_etag, _) = current(&server, &server.courier, None).await;
    let (status, body) = upload(
        &server,
        &server.supervisor,
        new_version("2026-12-a").to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["version"], "2026-12-a");

    let (status, etag, body) = current(&server, &server.courier, old_etag.as_deref()).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the device's version is no longer current"
    );
    assert_eq!(etag.as_deref(), Some("\"2026-12-a\""));
    assert_eq!(
        body["carriers"][0]["services"][0]["prices"][0]["first_fen"],
        1300
    );

    let (status, versions) = server
        .send(
            Method::GET,
            "/api/v1/tariffs/versions",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["2026-12-a", tariff::sample().version.as_str()]);
    let (status, old) = server
        .send(
            Method::GET,
            &format!("/api/v1/tariffs/{}", tariff::sample().version),
            Some(&server.courier),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        old["carriers"][0]["services"][0]["prices"][0]["first_fen"],
        1200
    );

    let (status, body) = upload(
        &server,
        &server.supervisor,
        new_version("2026-12-a").to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let sample_version = tariff::sample().version;
    let (status, _) = upload(
        &server,
        &server.supervisor,
        new_version(&sample_version).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Another station still prices with the sample.
    let other = server.other_station_supervisor().await;
    let (_, etag, _) = current(&server, &other, None).await;
    assert_eq!(etag, Some(format!("\"{sample_version}\"")));

    let trail = doorstep_server::audit::entries(&server.db).await.unwrap();
    assert!(trail
        .iter()
        .any(|e| e.action == "tariff_upload" && e.subject == "2026-12-a"));
}

#[tokio::test]
async fn a_malformed_upload_names_each_field_and_changes_nothing() {
    let server = TestServer::start().await;
    let mut hole = new_version("hole");
    hole["carriers"][0]["insurance"]["bands"][1]["above_fen"] = 60000.into();
    let mut wrong_type = new_version("wrong-type");
    wrong_type["carriers"][0]["services"][0]["step_g"] = "half a kilo".into();
    let mut unknown_zone = new_version("unknown-zone");
    unknown_zone["destinations"][3]["zone"] = "moon".into();
    let mut two_problems = new_version("two problems");
    two_problems["carriers"][1]["insurance"]["max_declared_fen"] = 0.into();
    let cases = [
        (hole, vec!["carriers[0].insurance.bands[1].above_fen"]),
        (wrong_type, vec!["carriers[0].services[0].step_g"]),
        (unknown_zone, vec!["destinations[3].zone"]),
        (
            two_problems,
            vec!["version", "carriers[1].insurance.max_declared_fen"],
        ),
    ];
    for (table, expected) in cases {
        let (status, body) = upload(&server, &server.supervisor, table.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["code"], "invalid_tariff_table");
        assert_eq!(fields(&body), expected, "{body}");
        assert!(
            body["error"]["details"][0]["message"]
                .as_str()
                .unwrap()
                .len()
                > 5
        );
    }
    let (status, body) = upload(&server, &server.supervisor, "{\"version\": ".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_json");
    let (status, _) = upload(
        &server,
        &server.courier,
        new_version("by-courier").to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, body) = current(&server, &server.courier, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["version"],
        tariff::sample().version,
        "nothing was stored"
    );
}

#[tokio::test]
async fn a_chinese_client_gets_chinese_field_messages() {
    let server = TestServer::start().await;
    let mut hole = new_version("hole");
    hole["carriers"][0]["insurance"]["bands"][1]["above_fen"] = 60000.into();
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/tariffs")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", server.supervisor),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9")
        .body(Body::from(hole.to_string()))
        .unwrap();
    let response = server.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(
        body["error"]["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("保价区间不连续"),
        "{body}"
    );
}

/// A cash-on-delivery parcel handed over, with the script shown and answered (insured ¥800).
fn cod_delivered(n: u128, answered: bool) -> doorstep_core::DeliveryRecord {
    let mut record = record(n);
    record.flags.cash_on_delivery = true;
    record.outcome = Some(Outcome::DeliveredToRecipient);
    record.outcome_at = Some(record.captured_at + 60_000);
    let quote = tariff::sample()
        .quote(
            Carrier::Sf,
            "standard",
            "zhejiang",
            ParcelMeasure {
                weight_g: 2300,
                ..Default::default()
            },
        )
        .unwrap();
    let mut disclosure = TariffDisclosure::shown(&quote, None, record.captured_at + 10_000);
    if answered {
        disclosure.answer = Some(
            InsuranceAnswer::given(&quote, Some((80000, false)), record.captured_at + 20_000)
                .unwrap(),
        );
    }
    record.tariff = Some(disclosure);
    record
}

#[tokio::test]
async fn a_cod_record_is_stored_only_with_the_answered_script() {
    let server = TestServer::start().await;
    let mut bare = record(1);
    bare.flags.cash_on_delivery = true;
    bare.outcome = Some(Outcome::DeliveredToRecipient);
    bare.outcome_at = Some(bare.captured_at);
    let response = server
        .sync(vec![bare, cod_delivered(2, false), cod_delivered(3, true)])
        .await;
    let violations = |i: usize| match &response.acks[i].ack {
        Ack::Rejected { violations, .. } => violations.clone(),
        other => panic!("expected a rejection, got {other:?}"),
    };
    assert_eq!(violations(0), vec![Violation::TariffScriptMissing]);
    assert_eq!(violations(1), vec![Violation::InsuranceUnanswered]);
    assert_eq!(response.acks[2].ack, Ack::Stored);

    let (status, body) = server
        .send(
            Method::GET,
            &format!("/api/v1/records/{}", Uuid::from_u128(3)),
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let detail: RecordDetail = serde_json::from_value(body).unwrap();
    let tariff = detail
        .tariff
        .expect("the disclosure is evidence on the record");
    assert_eq!(tariff.table_version, tariff::sample().version);
    let answer = tariff.answer.unwrap();
    assert!(answer.insured);
    assert_eq!(
        (answer.premium_fen, answer.total_fen),
        (200, tariff.freight_fen + 200)
    );
    assert!(!detail
        .flags
        .iter()
        .any(|f| f.flag == doorstep_core::compliance::ComplianceFlag::NoTariffScript));
}
