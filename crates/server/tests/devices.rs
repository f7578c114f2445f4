//! The supervisor's devices view (issue 7): what each device reported at its last sync, and the
//! devices silent for hours while holding records.

mod common;

use axum::http::{Method, StatusCode};
use common::{record, TestServer};
use doorstep_core::api::DeviceView;
use doorstep_core::sync::{DeviceReport, SyncRequest};
use uuid::Uuid;

async fn sync_reporting(server: &TestServer, device: u128, queued: u32) {
    let body = SyncRequest {
        cursor: 0,
        records: vec![record(device)],
        device: Some(DeviceReport {
            device_id: Uuid::from_u128(device),
            app_version: "0.1.0".into(),
            queued,
            oldest_queued_at: Some(1_700_000_000_000),
        }),
    };
    let (status, body) = server
        .send(
            Method::POST,
            "/api/v1/sync",
            Some(&server.courier),
            Some(serde_json::to_string(&body).unwrap()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn devices(server: &TestServer, token: &str, query: &str) -> (StatusCode, Vec<DeviceView>) {
    let (status, body) = server
        .send(
            Method::GET,
            &format!("/api/v1/devices{query}"),
            Some(token),
            None,
        )
        .await;
    (status, serde_json::from_value(body).unwrap_or_default())
}

#[tokio::test]
async fn a_device_silent_while_holding_records_is_at_risk() {
    let server = TestServer::start().await;
    sync_reporting(&server, 1, 3).await;
    sync_reporting(&server, 2, 0).await;
    let (status, list) = devices(&server, &server.supervisor, "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|d| !d.at_risk), "both synced just now");
    let holding = list
        .iter()
        .find(|d| d.device_id == Uuid::from_u128(1))
        .unwrap();
    assert_eq!((holding.queued, holding.app_version.as_str()), (3, "0.1.0"));

    // Five hours of silence: the device holding records is at risk, the empty one is not.
    sqlx::query("UPDATE devices SET last_sync_at = last_sync_at - $1")
        .bind(5 * 60 * 60 * 1000_i64)
        .execute(&server.db.pool)
        .await
        .unwrap();
    let (_, list) = devices(&server, &server.supervisor, "").await;
    assert_eq!(
        list[0].device_id,
        Uuid::from_u128(1),
        "at-risk devices come first"
    );
    assert!(list[0].at_risk && !list[1].at_risk);
    let (_, relaxed) = devices(&server, &server.supervisor, "?silent_hours=8").await;
    assert!(relaxed.iter().all(|d| !d.at_risk));

    let (status, _) = devices(&server, &server.courier, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other = server.other_station_supervisor().await;
    let (_, theirs) = devices(&server, &other, "").await;
    assert!(
        theirs.is_empty(),
        "another station sees none of these devices"
    );
}
