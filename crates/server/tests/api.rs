//! The API driven through the real router with `tower::ServiceExt::oneshot`, on a real SQLite file.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{locker_without_consent, record, TestServer};
use doorstep_core::api::RecordPage;
use doorstep_core::sync::{Ack, Change, SyncRequest};
use doorstep_core::{
    Consent, ConsentChannel, ConsentDecision, DeliveryMethod, Disclosure, MethodKind,
};
use tower::ServiceExt;
use uuid::Uuid;

#[tokio::test]
async fn health_and_openapi_are_served() {
    let server = TestServer::start().await;
    let (status, _) = server.send(Method::GET, "/healthz", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let response = server
        .router
        .clone()
        .oneshot(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let headers = response.headers();
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    let (status, doc) = server
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    for path in ["/sync", "/auth/login", "/records", "/me"] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["DeliveryRecord"].is_object());
    // Devices may send any u32 revision: the document must not promise int32.
    assert_eq!(
        doc["components"]["schemas"]["DeliveryRecord"]["properties"]["revision"]["format"],
        "uint32"
    );
}

#[tokio::test]
async fn wrong_password_and_missing_token_get_json_errors() {
    let server = TestServer::start().await;
    let body = serde_json::json!({ "username": "courier", "password": "nope" }).to_string();
    let (status, body) = server
        .send(Method::POST, "/api/v1/auth/login", None, Some(body))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "wrong_credentials");
    let (status, body) = server
        .send(Method::GET, "/api/v1/records", None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthorized");
    let (status, _) = server
        .send(Method::GET, "/api/v1/records", Some(&server.courier), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server
        .send(Method::GET, "/api/v1/nowhere", None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn malformed_sync_bodies_are_refused_and_nothing_is_lost() {
    let server = TestServer::start().await;
    server.sync(vec![record(1)]).await;
    let (status, body) = server
        .send(
            Method::POST,
            "/api/v1/sync",
            Some(&server.courier),
            Some("{not json".into()),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_json");
    let bad_waybill = serde_json::to_value(SyncRequest {
        cursor: 0,
        records: vec![record(2)],
        device: None,
    })
    .unwrap();
    let mut bad_waybill = bad_waybill;
    bad_waybill["records"][0]["waybill"] = "x#".into();
    let (status, body) = server
        .send(
            Method::POST,
            "/api/v1/sync",
            Some(&server.courier),
            Some(bad_waybill.to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_field");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("waybill"),
        "{body}"
    );
    let (status, body) = server
        .send(
            Method::POST,
            "/api/v1/sync",
            Some(&server.courier),
            Some("x".repeat(2 * 1024 * 1024)),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"]["code"], "payload_too_large");
    assert_eq!(
        server.page().await.records.len(),
        1,
        "the stored record survives bad requests"
    );
}

#[tokio::test]
async fn a_record_is_stored_exactly_once_whatever_the_replays() {
    let server = TestServer::start().await;
    let first = server.sync(vec![record(1), record(2)]).await;
    assert!(first.acks.iter().all(|a| a.ack == Ack::Stored));
    let replay = server.sync(vec![record(1), record(1)]).await;
    assert!(
        replay.acks.iter().all(|a| a.ack == Ack::AlreadyStored),
        "{replay:?}"
    );
    let page = server.page().await;
    assert_eq!(page.records.len(), 2);
    assert_eq!(
        page.records
            .iter()
            .filter(|r| r.id == Uuid::from_u128(1))
            .count(),
        1
    );
}

#[tokio::test]
async fn divergent_replay_is_a_conflict_and_overwrites_nothing() {
    let server = TestServer::start().await;
    server.sync(vec![record(1)]).await;
    let mut changed = record(1);
    changed.method = DeliveryMethod::Station {
        station: "菜鸟驿站".into(),
    };
    changed.consent = Some(Consent {
        channel: ConsentChannel::InPerson,
        decision: ConsentDecision::Accepted,
        method: MethodKind::Station,
        given_at: 1_700_000_000_001,
        disclosed: Disclosure::default(),
        preference_id: None,
    });
    let response = server.sync(vec![changed]).await;
    assert!(
        matches!(response.acks[0].ack, Ack::Conflict { .. }),
        "{response:?}"
    );
    assert_eq!(server.page().await.records[0].method, "door");
}

#[tokio::test]
async fn newer_revisions_replace_older_ones_and_stale_ones_are_ignored() {
    let server = TestServer::start().await;
    let mut second = record(1);
    second.revision = 2;
    second.method = DeliveryMethod::Door;
    second.outcome = Some(doorstep_core::Outcome::DeliveredToRecipient);
    second.outcome_at = Some(1_700_000_100_000);
    let response = server.sync(vec![record(1), second.clone()]).await;
    assert_eq!(response.acks[1].ack, Ack::Stored);
    let response = server.sync(vec![record(1)]).await;
    assert_eq!(response.acks[0].ack, Ack::AlreadyStored);
    let mut stale = record(1);
    stale.revision = 1;
    let page = server.page().await;
    assert_eq!(page.records[0].revision, 2);
    assert_eq!(
        page.records[0].outcome.as_deref(),
        Some("delivered_to_recipient")
    );

    let mut third_then_gap = record(5);
    third_then_gap.revision = 3;
    server.sync(vec![third_then_gap]).await;
    let mut older = record(5);
    older.revision = 2;
    let response = server.sync(vec![older]).await;
    assert_eq!(response.acks[0].ack, Ack::Stale);
}

#[tokio::test]
async fn a_record_breaking_a_rule_is_rejected_alone() {
    let server = TestServer::start().await;
    let response = server
        .sync(vec![locker_without_consent(1), record(2)])
        .await;
    match &response.acks[0].ack {
        Ack::Rejected { message, .. } => assert!(message.contains("consent"), "{message}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(response.acks[1].ack, Ack::Stored);
    let page = server.page().await;
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].id, Uuid::from_u128(2));
}

#[tokio::test]
async fn too_many_records_in_one_batch_are_refused_whole() {
    let server = TestServer::start().await;
    let records: Vec<_> = (1..=(doorstep_core::sync::MAX_BATCH_RECORDS as u128 + 1))
        .map(record)
        .collect();
    let body = serde_json::to_string(&SyncRequest {
        cursor: 0,
        records,
        device: None,
    })
    .unwrap();
    let (status, body) = server
        .send(
            Method::POST,
            "/api/v1/sync",
            Some(&server.courier),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(server.page().await.records.is_empty());
}

#[tokio::test]
async fn the_supervisor_list_is_masked_and_paginated() {
    let server = TestServer::start().await;
    for n in 1..=5u128 {
        server.sync(vec![record(n)]).await;
    }
    let (status, body) = server
        .send(
            Method::GET,
            "/api/v1/records?limit=2",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !body.to_string().contains("13812345634"),
        "no raw phone number in the list"
    );
    let mut page: RecordPage = serde_json::from_value(body).unwrap();
    let mut seen = page.records.clone();
    while let Some(next) = page.next.clone() {
        let (status, body) = server
            .send(
                Method::GET,
                &format!("/api/v1/records?limit=2&before={next}"),
                Some(&server.supervisor),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        page = serde_json::from_value(body).unwrap();
        seen.extend(page.records.clone());
    }
    assert_eq!(seen.len(), 5);
    let mut ids: Vec<_> = seen.iter().map(|r| r.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 5);
    assert_eq!(seen[0].recipient_phone.as_deref(), Some("138******34"));
    let (status, body) = server
        .send(
            Method::GET,
            "/api/v1/records?before=garbage",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_cursor");
}

#[tokio::test]
async fn changes_for_the_device_come_back_once_after_its_cursor() {
    let server = TestServer::start().await;
    let first = server.sync(vec![record(1)]).await;
    assert!(first.changes.is_empty());
    let (courier_id,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE username = 'courier'")
            .fetch_one(&server.db.pool)
            .await
            .unwrap();
    for note in ["请下次放门口", "已核实"] {
        let change = Change::SupervisorNote {
            record_id: Uuid::from_u128(1),
            note: note.into(),
            at: 5,
            reviewed_flag: None,
        };
        let mut tx = server.db.begin_write().await.unwrap();
        doorstep_server::changes::notify(&mut tx, courier_id, &change)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let pulled = server.sync_from(first.cursor, vec![]).await;
    assert_eq!(pulled.changes.len(), 2);
    assert!(
        matches!(&pulled.changes[0], Change::SupervisorNote { note, .. } if note == "请下次放门口")
    );
    let after = server.sync_from(pulled.cursor, vec![]).await;
    assert!(after.changes.is_empty(), "nothing twice");
    assert_eq!(after.cursor, pulled.cursor);
}

#[tokio::test]
async fn errors_speak_the_callers_language() {
    use axum::body::Body;
    use axum::http::{header, Request};
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let server = TestServer::start().await;
    let message = |lang: &'static str, uri: &'static str, body: Option<&'static str>| {
        let router = server.router.clone();
        async move {
            let mut request = Request::builder()
                .uri(uri)
                .header(header::ACCEPT_LANGUAGE, lang);
            if body.is_some() {
                request = request
                    .method(Method::POST)
                    .header(header::CONTENT_TYPE, "application/json");
            }
            let request = request
                .body(body.map_or_else(Body::empty, Body::from))
                .unwrap();
            let response = router.oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            (
                status,
                body["error"]["message"].as_str().unwrap().to_string(),
            )
        }
    };
    let wrong = Some(r#"{"username":"courier","password":"wrong"}"#);
    assert_eq!(
        message("zh-CN,zh;q=0.9", "/api/v1/auth/login", wrong).await,
        (StatusCode::UNAUTHORIZED, "用户名或密码错误".to_string())
    );
    assert_eq!(
        message("en", "/api/v1/auth/login", wrong).await,
        (
            StatusCode::UNAUTHORIZED,
            "wrong username or password".to_string()
        )
    );
    assert_eq!(
        message("zh-CN", "/api/v1/records", None).await,
        (StatusCode::UNAUTHORIZED, "请先登录".to_string())
    );
    assert_eq!(
        message("en-GB", "/api/v1/nowhere", None).await,
        (StatusCode::NOT_FOUND, "not found".to_string())
    );
}
