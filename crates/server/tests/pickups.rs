//! Pickups with the sender's identity and the inspection (实名收寄, 收寄验视): the core rules on
//! sync, the ID number sealed at rest, masked in every view and export, revealed with a reason
//! into the audit chain, re-sealed on key rotation, and deleted after the station's retention.
//! On SQLite, or on PostgreSQL with `TEST_DATABASE_URL`.

mod common;

use axum::http::{Method, StatusCode};
use common::TestServer;
use doorstep_core::api::{Dashboard, RecordDetail, RevealedIdentity};
use doorstep_core::day::DAY_MS;
use doorstep_core::record::{Outcome, Violation};
use doorstep_core::sync::Ack;
use doorstep_core::testing::{picked_up, SAMPLE_ID};
use doorstep_core::DeliveryRecord;
use doorstep_server::id_vault::{random_base64, IdKey, IdVault};
use doorstep_server::records::identities;
use serde_json::json;

/// The sample number's birth date, which no view may show.
const BIRTH_DATE: &str = "19491231";
const MASKED: &str = "110***********002X";

fn rejected(ack: &Ack) -> Vec<Violation> {
    match ack {
        Ack::Rejected { violations, .. } => violations.clone(),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn a_pickup_without_the_check_or_the_inspection_or_with_them_late_is_rejected() {
    let server = TestServer::start().await;
    let bare = DeliveryRecord {
        sender_identity: None,
        inspection: None,
        ..picked_up(1)
    };
    let mut late = picked_up(2);
    let handed_over = late.outcome_at.unwrap();
    late.sender_identity.as_mut().unwrap().checked_at = handed_over + 1;
    late.inspection.as_mut().unwrap().inspected_at = handed_over + 1;
    let mut typo = picked_up(3);
    typo.sender_identity.as_mut().unwrap().number = "11010519491231002Y".into();
    let response = server.sync(vec![bare, late, typo, picked_up(4)]).await;
    assert_eq!(
        rejected(&response.acks[0].ack),
        vec![Violation::IdentityMissing, Violation::InspectionMissing]
    );
    assert_eq!(
        rejected(&response.acks[1].ack),
        vec![
            Violation::IdentityAfterHandover,
            Violation::InspectionAfterHandover
        ]
    );
    assert_eq!(
        rejected(&response.acks[2].ack),
        vec![Violation::IdentityInvalid]
    );
    match &response.acks[0].ack {
        Ack::Rejected { message, .. } => assert!(message.contains("identity"), "{message}"),
        _ => unreachable!(),
    }
    assert_eq!(response.acks[3].ack, Ack::Stored);
    assert_eq!(server.page().await.records.len(), 1);
}

#[tokio::test]
async fn the_number_is_sealed_at_rest_and_masked_in_every_view_and_export() {
    let server = TestServer::start().await;
    let record = picked_up(1);
    let response = server.sync(vec![record.clone()]).await;
    assert_eq!(response.acks[0].ack, Ack::Stored);
    // A replay of the same revision is a replay, not a conflict, though the stored copy is masked.
    let replay = server.sync(vec![record.clone()]).await;
    assert_eq!(replay.acks[0].ack, Ack::AlreadyStored);
    let mut other_number = record.clone();
    let first17 = "11010519491231003";
    let check = doorstep_core::identity::resident_id_check_char(first17).unwrap();
    other_number.sender_identity.as_mut().unwrap().number = format!("{first17}{check}");
    let conflict = server.sync(vec![other_number]).await;
    assert!(
        matches!(conflict.acks[0].ack, Ack::Conflict { .. }),
        "{:?}",
        conflict.acks[0].ack
    );

    let dump = database_dump(&server).await;
    assert!(dump.contains(MASKED), "the masked number is stored");
    assert!(!dump.contains(SAMPLE_ID) && !dump.contains(BIRTH_DATE));
    assert!(!dump.contains("李四"), "the sender's name is sealed too");

    for full in ["", "?full=1"] {
        let uri = format!("/api/v1/records/{}{full}", record.id);
        let (status, body) = server
            .send(Method::GET, &uri, Some(&server.supervisor), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let text = body.to_string();
        assert!(!text.contains(BIRTH_DATE), "{uri}: {text}");
        let detail: RecordDetail = serde_json::from_value(body).unwrap();
        assert_eq!(detail.sender_identity.unwrap().number, MASKED);
        assert_eq!(detail.inspection, record.inspection);

        let uri = format!("/api/v1/records/export.csv{full}");
        let (status, csv) = server
            .send_raw(Method::GET, &uri, Some(&server.supervisor), None)
            .await;
        assert_eq!(status, StatusCode::OK);
        let csv = String::from_utf8(csv).unwrap();
        assert!(
            csv.contains(&format!("resident_id,{MASKED},李*,书,")),
            "{csv}"
        );
        assert!(!csv.contains(BIRTH_DATE), "{uri}: {csv}");
    }
    let (_, list) = server
        .send(
            Method::GET,
            "/api/v1/records",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert!(!list.to_string().contains(BIRTH_DATE));
}

#[tokio::test]
async fn a_supervisor_reveals_one_number_with_a_reason_and_the_reveal_is_audited() {
    let server = TestServer::start().await;
    let record = picked_up(1);
    server.sync(vec![record.clone(), common::record(2)]).await;
    let uri = format!("/api/v1/records/{}/identity/reveal", record.id);

    for body in [json!({ "reason": "  " }), json!({})] {
        let (status, answer) = server
            .send(
                Method::POST,
                &uri,
                Some(&server.supervisor),
                Some(body.to_string()),
            )
            .await;
        assert!(status.is_client_error(), "{status} {answer}");
        assert!(answer["error"]["code"].is_string(), "{answer}");
    }
    let reason = json!({ "reason": "公安机关协查 2026-118" }).to_string();
    let (status, _) = server
        .send(
            Method::POST,
            &uri,
            Some(&server.courier),
            Some(reason.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other = server.other_station_supervisor().await;
    let (status, _) = server
        .send(Method::POST, &uri, Some(&other), Some(reason.clone()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let without = format!("/api/v1/records/{}/identity/reveal", common::record(2).id);
    let (status, _) = server
        .send(
            Method::POST,
            &without,
            Some(&server.supervisor),
            Some(reason.clone()),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a record without an identity"
    );
    assert_eq!(reveals(&server).await, Vec::<(String, String)>::new());

    let (status, body) = server
        .send(Method::POST, &uri, Some(&server.supervisor), Some(reason))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let revealed: RevealedIdentity = serde_json::from_value(body).unwrap();
    assert_eq!(revealed.number, SAMPLE_ID);
    assert_eq!(revealed.name, "李四");
    assert_eq!(
        reveals(&server).await,
        vec![(record.id.to_string(), "公安机关协查 2026-118".to_string())]
    );
    assert!(doorstep_server::audit::verify(&server.db)
        .await
        .unwrap()
        .is_ok());
}

#[tokio::test]
async fn identities_are_deleted_after_the_stations_retention_default_three_years() {
    let server = TestServer::start().await;
    let record = picked_up(1);
    server.sync(vec![record.clone()]).await;
    let captured = record.captured_at;
    let purge = |days: i64| identities::purge_expired(&server.db, captured + days * DAY_MS);

    assert_eq!(purge(1095).await.unwrap(), 0, "kept for 1,095 days");
    assert!(reveal(&server, &record, &server_vault(&server))
        .await
        .is_ok());
    assert_eq!(purge(1096).await.unwrap(), 1);
    assert!(matches!(
        reveal(&server, &record, &server_vault(&server)).await,
        Err(identities::RevealError::NotKept)
    ));
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sender_identities")
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    let payloads: Vec<(String,)> = sqlx::query_as(
        "SELECT payload FROM records UNION ALL SELECT payload FROM record_revisions",
    )
    .fetch_all(&server.db.pool)
    .await
    .unwrap();
    assert_eq!(payloads.len(), 2);
    for (payload,) in payloads {
        assert!(!payload.contains(MASKED), "the masked number goes too");
    }
    let identity = server
        .record_detail(record.id)
        .await
        .sender_identity
        .unwrap();
    assert_eq!((identity.number.as_str(), identity.name.as_str()), ("", ""));
    assert!(identity.person_matches, "the evidence of the check stays");

    // A station that keeps them 30 days.
    let second = picked_up(2);
    server.sync(vec![second.clone()]).await;
    doorstep_server::admin::set_id_retention(&server.db, "长宁愚园路站", 30)
        .await
        .unwrap();
    assert_eq!(purge(30).await.unwrap(), 0);
    assert_eq!(purge(31).await.unwrap(), 1);
    assert!(
        doorstep_server::admin::set_id_retention(&server.db, "长宁愚园路站", 0)
            .await
            .is_err()
    );
    let actions: Vec<(String,)> = sqlx::query_as(
        "SELECT action FROM audit_log WHERE action IN ('purge_identities', 'id_retention') ORDER BY seq",
    )
    .fetch_all(&server.db.pool)
    .await
    .unwrap();
    let actions: Vec<&str> = actions.iter().map(|(a,)| a.as_str()).collect();
    assert_eq!(
        actions,
        ["purge_identities", "id_retention", "purge_identities"]
    );
}

#[tokio::test]
async fn rotation_reseals_every_identity_and_replays_stay_replays() {
    let server = TestServer::start().await;
    let record = picked_up(1);
    server.sync(vec![record.clone()]).await;
    let old = server_vault(&server);
    let new_key = IdKey::from_base64(&random_base64()).unwrap();
    let rotating = IdVault {
        current: new_key.clone(),
        old: Some(old.current.clone()),
    };
    assert_eq!(identities::rotate(&server.db, &rotating).await.unwrap(), 1);
    assert_eq!(identities::rotate(&server.db, &rotating).await.unwrap(), 0);
    let rotated = IdVault::new(new_key);
    let secret = reveal(&server, &record, &rotated).await.unwrap();
    assert_eq!(secret.number, SAMPLE_ID);
    assert!(matches!(
        reveal(&server, &record, &old).await,
        Err(identities::RevealError::NoKey)
    ));
    // The fingerprint follows the new lookup hash: the device's retry is still a replay.
    let prepared = doorstep_server::records::store::prepare(
        std::slice::from_ref(&record),
        &doorstep_core::proof::ProofRules::default(),
        &rotated,
        doorstep_core::Lang::En,
    )
    .unwrap();
    let (_, fingerprint, _) = prepared[0].as_ref().unwrap();
    let (stored,): (String,) =
        sqlx::query_as("SELECT fingerprint FROM record_revisions WHERE record_id = $1")
            .bind(record.id.to_string())
            .fetch_one(&server.db.pool)
            .await
            .unwrap();
    assert_eq!(&stored, fingerprint);
}

#[tokio::test]
async fn the_dashboard_counts_pickups_their_checks_and_the_refusals() {
    let server = TestServer::start().await;
    let mut prohibited = picked_up(3);
    prohibited.outcome = Some(Outcome::RefusedProhibitedItem);
    prohibited.sender_identity = None;
    prohibited.tariff = None;
    prohibited.inspection.as_mut().unwrap().prohibited = Some("explosives".into());
    let declined = DeliveryRecord {
        outcome: Some(Outcome::RefusedCheckDeclined),
        sender_identity: None,
        inspection: None,
        tariff: None,
        ..picked_up(4)
    };
    let response = server
        .sync(vec![
            picked_up(1),
            picked_up(2),
            prohibited,
            declined,
            common::record(5),
        ])
        .await;
    for ack in &response.acks {
        assert_eq!(ack.ack, Ack::Stored, "{ack:?}");
    }
    // Each write sets the check columns from the record.
    let checks = |id: uuid::Uuid| {
        let pool = server.db.pool.clone();
        async move {
            sqlx::query_as::<_, (i64, i64)>(
                "SELECT identity_checked, inspected FROM records WHERE id = $1",
            )
            .bind(id.to_string())
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(checks(picked_up(1).id).await, (1, 1));
    assert_eq!(checks(picked_up(3).id).await, (0, 1), "the prohibited item");
    assert_eq!(checks(picked_up(4).id).await, (0, 0), "the declined check");
    // A pickup stored before these rules: neither identity nor inspection in its JSON.
    let legacy = DeliveryRecord {
        sender_identity: None,
        inspection: None,
        ..picked_up(2)
    };
    sqlx::query("UPDATE records SET payload = $1 WHERE id = $2")
        .bind(serde_json::to_string(&legacy).unwrap())
        .bind(legacy.id.to_string())
        .execute(&server.db.pool)
        .await
        .unwrap();
    // Its check columns as migration 0013 fills them for rows stored before it: every row's
    // columns cleared, then the migration's own statements (the PostgreSQL twin's are the same).
    sqlx::query("UPDATE records SET identity_checked = 0, inspected = 0")
        .execute(&server.db.pool)
        .await
        .unwrap();
    let migration = include_str!("../migrations/sqlite/0013_pickup_checks.sql");
    for statement in migration
        .split(';')
        .filter(|s| s.contains("UPDATE records"))
    {
        sqlx::query(statement)
            .execute(&server.db.pool)
            .await
            .unwrap();
    }
    let captured = picked_up(1).captured_at;
    let uri = format!(
        "/api/v1/dashboard?from={}&to={}",
        captured - DAY_MS,
        captured + DAY_MS
    );
    let (status, body) = server
        .send(Method::GET, &uri, Some(&server.supervisor), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let dashboard: Dashboard = serde_json::from_value(body).unwrap();
    let pickups = dashboard.pickups;
    assert_eq!(
        (
            pickups.picked_up,
            pickups.with_real_name,
            pickups.with_inspection,
            pickups.refused_prohibited,
            pickups.refused_declined
        ),
        (2, 1, 1, 1, 1)
    );
    assert_eq!(pickups.real_name_permille(), Some(500));
    assert_eq!(dashboard.per_courier[0].pickups, pickups);
    assert_eq!(dashboard.per_courier[0].records, 5);
    // Refused pickups are found by their outcome.
    let (_, list) = server
        .send(
            Method::GET,
            "/api/v1/records?outcome=refused_prohibited_item",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(list["records"].as_array().unwrap().len(), 1);
}

/// The vault the test server seals with.
fn server_vault(server: &TestServer) -> IdVault {
    server.vault.clone()
}

async fn reveal(
    server: &TestServer,
    record: &DeliveryRecord,
    vault: &IdVault,
) -> Result<doorstep_server::id_vault::Secret, identities::RevealError> {
    let (station_id,): (i64,) = sqlx::query_as("SELECT station_id FROM records WHERE id = $1")
        .bind(record.id.to_string())
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    identities::reveal(&server.db, vault, station_id, &record.id.to_string()).await
}

/// The audit trail's reveals: subject and reason.
async fn reveals(server: &TestServer) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT subject, detail FROM audit_log WHERE action = 'reveal_identity' ORDER BY seq",
    )
    .fetch_all(&server.db.pool)
    .await
    .unwrap()
}

/// Everything the database holds, as someone with the files but not the key would read it: on
/// SQLite the raw bytes of the database and its write-ahead log, on PostgreSQL every row of every
/// table as text (what a dump contains).
async fn database_dump(server: &TestServer) -> String {
    if let Some(file) = &server.db.sqlite_file {
        sqlx::query("PRAGMA wal_checkpoint(FULL)")
            .execute(&server.db.pool)
            .await
            .unwrap();
        let mut bytes = std::fs::read(file).unwrap();
        let mut wal = file.clone().into_os_string();
        wal.push("-wal");
        bytes.extend(std::fs::read(wal).unwrap_or_default());
        return String::from_utf8_lossy(&bytes).into_owned();
    }
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_all(&server.db.pool)
    .await
    .unwrap();
    let mut dump = String::new();
    for (table,) in tables {
        let rows: Vec<(String,)> = sqlx::query_as(&format!("SELECT t::text FROM \"{table}\" t"))
            .fetch_all(&server.db.pool)
            .await
            .unwrap();
        for (row,) in rows {
            dump.push_str(&row);
            dump.push('\n');
        }
    }
    dump
}
