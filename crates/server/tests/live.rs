//! The live feed (`GET /api/v1/live`): a courier hears the changes a recipient or a supervisor
//! makes for them, a supervisor hears their station, reconnecting loses nothing, and streams are
//! bounded and end with their session.

mod common;

use axum::http::{Method, StatusCode};
use common::{record, with_link, TestServer};
use doorstep_core::sync::Change;
use doorstep_server::live::slots::LivePolicy;
use std::time::Duration;

const TOKEN: &str = "Zq3kLm9Pw2Xv8Rt5Yb7NcA";

/// A recipient's answer through the link page's form.
async fn choose(server: &TestServer, form: &str) {
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri(format!("/c/{TOKEN}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(form.to_string()))
        .unwrap();
    let response = tower::ServiceExt::oneshot(server.router.clone(), request)
        .await
        .unwrap();
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{}",
        response.status()
    );
}

fn event_id(block: &doorstep_testkit::SseBlock) -> i64 {
    block.id.as_deref().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_courier_hears_a_recipients_answer_and_a_reconnect_resumes_after_its_last_event() {
    let server = TestServer::start().await;
    let stored = server.sync(vec![with_link(1, TOKEN)]).await;
    let mut stream = server.live(Some(&server.courier), None).await.unwrap();
    // At once: where the courier's feed stands, which the device compares with its cursor.
    let first = stream.next_event().await;
    assert_eq!(first.event.as_deref(), Some("changes"));
    assert_eq!(event_id(&first), stored.cursor);
    assert_eq!(first.data, stored.cursor.to_string());

    choose(&server, "choice=locker").await;
    let woken = stream.next_event().await;
    assert!(event_id(&woken) > stored.cursor, "{woken:?}");
    // The device's ordinary sync brings exactly the change the stream announced.
    let pulled = server.sync_from(stored.cursor, vec![]).await;
    assert!(matches!(
        pulled.changes.as_slice(),
        [Change::RecipientDecision { .. }]
    ));
    assert_eq!(pulled.cursor, event_id(&woken));

    // The connection drops; the recipient changes their mind meanwhile.
    drop(stream);
    choose(&server, "choice=door").await;
    let mut stream = server
        .live(Some(&server.courier), woken.id.as_deref())
        .await
        .unwrap();
    let missed = stream.next_event().await;
    assert!(event_id(&missed) > event_id(&woken), "{missed:?}");
    // Resumed at the newest event, the stream stays quiet until the next change: a
    // supervisor's note.
    let mut resumed = server
        .live(Some(&server.courier), missed.id.as_deref())
        .await
        .unwrap();
    let (status, body) = server
        .send(
            Method::POST,
            &format!("/api/v1/records/{}/notes", record(1).id),
            Some(&server.supervisor),
            Some(r#"{"note":"请核实柜号"}"#.into()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let noted = resumed.next_event().await;
    assert!(event_id(&noted) > event_id(&missed), "{noted:?}");
    assert_eq!(event_id(&stream.next_event().await), event_id(&noted));
}

#[tokio::test]
async fn a_supervisor_hears_the_station_when_its_couriers_sync() {
    let server = TestServer::start_configured(|state| {
        state.live.policy.station_pause = Duration::from_millis(200);
    })
    .await;
    let mut stream = server.live(Some(&server.supervisor), None).await.unwrap();
    for n in 1..=5 {
        server.sync(vec![record(n)]).await;
    }
    let block = stream.next_event().await;
    assert_eq!(block.event.as_deref(), Some("station"));
    // The burst is gathered (the pause); the next sync is heard too.
    server.sync(vec![record(6)]).await;
    let next = stream.next_event().await;
    assert!(event_id(&next) >= event_id(&block));
    // A courier's stream does not hear the station.
    let mut courier = server.live(Some(&server.courier), None).await.unwrap();
    let first = courier.next_event().await;
    assert_eq!(first.event.as_deref(), Some("changes"));
}

#[tokio::test]
async fn streams_are_bounded_beat_while_idle_and_end_with_their_session() {
    let server = TestServer::start_configured(|state| {
        state.live.policy = LivePolicy {
            per_account: 2,
            total: 3,
            heartbeat: Duration::from_millis(100),
            recheck: Duration::from_millis(100),
            station_pause: Duration::from_millis(10),
        };
    })
    .await;
    let (status, body) = server.live(None, None).await.err().unwrap();
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) = server
        .live(Some(&server.courier), Some("yesterday"))
        .await
        .err()
        .unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_last_event_id", "{body}");

    let mut first = server.live(Some(&server.courier), None).await.unwrap();
    let mut second = server.live(Some(&server.courier), None).await.unwrap();
    let (status, body) = server
        .live(Some(&server.courier), None)
        .await
        .err()
        .unwrap();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"]["code"], "too_many_requests", "{body}");
    let mut supervisor = server.live(Some(&server.supervisor), None).await.unwrap();
    let (status, _) = server
        .live(Some(&server.supervisor), None)
        .await
        .err()
        .unwrap();
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the instance's total"
    );

    // Idle, a stream beats.
    assert!(supervisor.next_block().await.unwrap().comment);

    // Signing out ends the session's streams; their places come back.
    let (status, _) = server
        .send(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&server.courier),
            None,
        )
        .await;
    assert!(status.is_success(), "{status}");
    for stream in [&mut first, &mut second] {
        while stream.next_block().await.is_some() {}
    }
    drop((first, second));
    let again = server
        .login("courier", &server.courier_password.clone())
        .await;
    assert!(server.live(Some(&again), None).await.is_ok());
}
