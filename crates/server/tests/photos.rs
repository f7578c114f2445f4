//! Photo proof (issue 21): the station's rule enforced at sync, photo bytes stored once and only
//! after their record, every refusal with its status, who may see a photo, "photo pending", and
//! retention with and without an open complaint. On SQLite, and on PostgreSQL under
//! `cargo xtask test`.

mod common;

use axum::http::{header, Method, StatusCode};
use common::{record, with_link, TestServer};
use doorstep_core::api::PhotoArrival;
use doorstep_core::proof::{PhotoId, ProofRule, ProofRules, MAX_PHOTO_BYTES};
use doorstep_core::sync::Ack;
use doorstep_core::testing::{placed_in_locker, CAPTURED_AT};
use doorstep_core::{ConsentChannel, DeliveryRecord, MethodKind, Outcome, Violation};
use doorstep_server::photos::retention::purge_expired;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Bytes that start like a JPEG; the server looks at nothing else of the image.
fn jpeg(seed: u8) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend(std::iter::repeat_n(seed, 2_000));
    bytes
}

fn photographed(n: u128, photos: &[&[u8]]) -> DeliveryRecord {
    DeliveryRecord {
        photos: photos.iter().map(|b| PhotoId::of(b)).collect(),
        ..placed_in_locker(record(n), ConsentChannel::InPerson)
    }
}

/// A second courier of the demo station, signed in.
async fn other_courier(server: &TestServer) -> String {
    sqlx::query(
        "INSERT INTO accounts (station_id, username, display_name, staff_no, role, password_hash, created_at) \
         SELECT station_id, 'courier-2', '李师傅', 'SH-0999', 'courier', $1, 0 FROM accounts \
         WHERE role = 'courier' LIMIT 1",
    )
    .bind(doorstep_server::auth::hash_password("second courier pass"))
    .execute(&server.db.pool)
    .await
    .unwrap();
    server.login("courier-2", "second courier pass").await
}

#[tokio::test]
async fn a_photo_is_stored_once_and_only_after_its_record() {
    let server = TestServer::start().await;
    let bytes = jpeg(1);
    let id = PhotoId::of(&bytes);
    let record = photographed(1, &[&bytes]);

    // Sent before its record: refused, nothing kept; the device sends it again later.
    let (status, body) = server
        .put_photo(&server.courier, id.as_str(), bytes.clone())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "photo_not_named");
    assert_eq!(server.photos.get(&id).await.unwrap(), None);

    let acks = server.sync(vec![record.clone()]).await.acks;
    assert_eq!(acks[0].ack, Ack::Stored);
    let before = server.record_detail(record.id).await;
    assert_eq!(before.photos[0].state, PhotoArrival::Pending);
    assert_eq!(before.summary.photos_pending, 1);

    let (status, _) = server
        .put_photo(&server.courier, id.as_str(), bytes.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED);
    for _ in 0..2 {
        let (status, _) = server
            .put_photo(&server.courier, id.as_str(), bytes.clone())
            .await;
        assert_eq!(status, StatusCode::OK, "a resend changes nothing");
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM photos")
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    assert_eq!(server.photos.get(&id).await.unwrap().unwrap(), bytes);
    let after = server.record_detail(record.id).await;
    assert_eq!(after.photos[0].state, PhotoArrival::Stored);
    assert_eq!(after.summary.photos_pending, 0);

    // The courier and the supervisor get the bytes, typed by what they are and kept private.
    for token in [&server.courier, &server.supervisor] {
        let uri = format!("/api/v1/photos/{id}");
        let request = axum::http::Request::get(&uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(server.router.clone(), request)
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .starts_with("private"));
    }
}

#[tokio::test]
async fn pending_photos_are_counted_and_filtered() {
    let server = TestServer::start().await;
    let (sent, kept) = (jpeg(2), jpeg(3));
    let arrived = photographed(2, &[&sent]);
    let waiting = photographed(3, &[&kept]);
    let without = placed_in_locker(record(4), ConsentChannel::InPerson);
    server
        .sync(vec![arrived.clone(), waiting.clone(), without])
        .await;
    let id = PhotoId::of(&sent);
    server.put_photo(&server.courier, id.as_str(), sent).await;

    let all = server.records_page("limit=50").await;
    let pending_of = |r: &DeliveryRecord| {
        all.records
            .iter()
            .find(|s| s.id == r.id)
            .map(|s| (s.photos, s.photos_pending))
    };
    assert_eq!(pending_of(&arrived), Some((1, 0)));
    assert_eq!(pending_of(&waiting), Some((1, 1)));
    let filtered = server.records_page("photo_pending=true").await;
    let ids: Vec<_> = filtered.records.iter().map(|s| s.id).collect();
    assert_eq!(ids, vec![waiting.id]);

    // A later revision without the photo: nothing pending any more.
    let mut retaken = waiting.clone();
    retaken.revision = 2;
    retaken.photos.clear();
    server.sync(vec![retaken]).await;
    assert!(server
        .records_page("photo_pending=true")
        .await
        .records
        .is_empty());
}

#[tokio::test]
async fn bad_uploads_are_refused_with_their_reason() {
    let server = TestServer::start().await;
    let gif = b"GIF89a-not-a-photo".to_vec();
    let large = {
        let mut bytes = jpeg(4);
        bytes.resize(MAX_PHOTO_BYTES + 1, 0);
        bytes
    };
    let good = jpeg(5);
    let record = photographed(5, &[&gif, &large, &good]);
    server.sync(vec![record]).await;

    let cases: [(String, Vec<u8>, StatusCode, &str); 5] = [
        (
            "not-a-hash".to_string(),
            good.clone(),
            StatusCode::BAD_REQUEST,
            "invalid_photo_id",
        ),
        (
            PhotoId::of(&good).to_string(),
            jpeg(6),
            StatusCode::BAD_REQUEST,
            "photo_hash_mismatch",
        ),
        (
            PhotoId::of(&large).to_string(),
            large.clone(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "photo_too_large",
        ),
        (
            PhotoId::of(&gif).to_string(),
            gif.clone(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_a_photo",
        ),
        (
            PhotoId::of(&jpeg(7)).to_string(),
            jpeg(7),
            StatusCode::NOT_FOUND,
            "photo_not_named",
        ),
    ];
    for (id, bytes, status, code) in cases {
        let (got, body) = server.put_photo(&server.courier, &id, bytes).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{body}"
        );
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let (status, _) = server
        .put_photo(
            &server.supervisor,
            PhotoId::of(&good).as_str(),
            good.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only couriers upload");
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM photos")
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 0, "nothing refused was kept");
}

#[tokio::test]
async fn only_the_courier_the_station_and_the_recipient_see_a_photo() {
    let server = TestServer::start().await;
    let bytes = jpeg(8);
    let id = PhotoId::of(&bytes);
    const TOKEN: &str = "Ph0toL1nkTok3nAbCdEfGh";
    let mut delivered = with_link(9, TOKEN);
    delivered.outcome = Some(Outcome::DeliveredToRecipient);
    delivered.outcome_at = Some(delivered.captured_at + 1);
    delivered.photos = vec![id.clone()];
    let acks = server.sync(vec![delivered]).await.acks;
    assert_eq!(acks[0].ack, Ack::Stored, "{acks:?}");
    server
        .put_photo(&server.courier, id.as_str(), bytes.clone())
        .await;

    let uri = format!("/api/v1/photos/{id}");
    let courier_2 = other_courier(&server).await;
    let elsewhere = server.other_station_supervisor().await;
    for token in [&courier_2, &elsewhere] {
        let (status, body) = server.send(Method::GET, &uri, Some(token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
    let (status, _) = server.send(Method::GET, &uri, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Another courier cannot claim the photo by uploading it either.
    let (status, _) = server
        .put_photo(&courier_2, id.as_str(), bytes.clone())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, html) = server
        .send_raw(Method::GET, &format!("/c/{TOKEN}"), None, None)
        .await;
    let html = String::from_utf8(html).unwrap();
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("/c/{TOKEN}/photos/{id}")), "{html}");
    assert!(!html.contains("<script"));
    let (status, shown) = server
        .send_raw(Method::GET, &format!("/c/{TOKEN}/photos/{id}"), None, None)
        .await;
    assert_eq!((status, shown), (StatusCode::OK, bytes));
    let stranger = PhotoId::of(b"another record's photo");
    let (status, _) = server
        .send_raw(
            Method::GET,
            &format!("/c/{TOKEN}/photos/{stranger}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_station_rule_is_enforced_at_sync_and_set_by_supervisors() {
    let server = TestServer::start().await;
    let (status, body) = server
        .send(
            Method::GET,
            "/api/v1/proof-rules",
            Some(&server.courier),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_value::<ProofRules>(body).unwrap(),
        ProofRules::default()
    );
    let mut rules = ProofRules::default();
    rules.set(MethodKind::Locker, ProofRule::Required);
    let body = serde_json::to_string(&rules).unwrap();
    let (status, _) = server
        .send(
            Method::PUT,
            "/api/v1/proof-rules",
            Some(&server.courier),
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, saved) = server
        .send(
            Method::PUT,
            "/api/v1/proof-rules",
            Some(&server.supervisor),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(serde_json::from_value::<ProofRules>(saved).unwrap(), rules);
    let bad = serde_json::to_string(&ProofRules {
        retention_days: 0,
        ..rules
    })
    .unwrap();
    let (status, body) = server
        .send(
            Method::PUT,
            "/api/v1/proof-rules",
            Some(&server.supervisor),
            Some(bad),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["field"], "retention_days");

    let bare = placed_in_locker(record(10), ConsentChannel::InPerson);
    let acks = server
        .sync(vec![bare, photographed(11, &[&jpeg(11)])])
        .await
        .acks;
    assert!(
        matches!(&acks[0].ack, Ack::Rejected { violations, .. }
            if violations == &vec![Violation::PhotoRequired]),
        "{acks:?}"
    );
    assert_eq!(acks[1].ack, Ack::Stored);
    let (entries,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'proof_rules'")
            .fetch_one(&server.db.pool)
            .await
            .unwrap();
    assert_eq!(entries, 1, "the change is audited; the refused one is not");
}

#[tokio::test]
async fn retention_deletes_photos_but_keeps_those_under_an_open_complaint() {
    let server = TestServer::start().await;
    const TOKEN: &str = "Rt3nt10nTok3nAbCdEfGhI";
    let (old, complained) = (jpeg(12), jpeg(13));
    let plain = photographed(12, &[&old]);
    let mut disputed = with_link(13, TOKEN);
    disputed.outcome = Some(Outcome::DeliveredToRecipient);
    disputed.outcome_at = Some(disputed.captured_at + 1);
    disputed.photos = vec![PhotoId::of(&complained)];
    server.sync(vec![plain.clone(), disputed]).await;
    for bytes in [&old, &complained] {
        let (status, _) = server
            .put_photo(&server.courier, PhotoId::of(bytes).as_str(), bytes.clone())
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let request = axum::http::Request::post(format!("/c/{TOKEN}/complaint"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::from("kind=not_received"))
        .unwrap();
    let response = tower::ServiceExt::oneshot(server.router.clone(), request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let purge = |days: i64| purge_expired(&server.db, &server.photos, CAPTURED_AT + days * DAY_MS);
    assert_eq!(purge(29).await.unwrap(), 0, "inside the 30 days");
    assert_eq!(purge(31).await.unwrap(), 1, "the complaint keeps its photo");
    assert_eq!(server.photos.get(&PhotoId::of(&old)).await.unwrap(), None);
    assert!(server
        .photos
        .get(&PhotoId::of(&complained))
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        server.record_detail(plain.id).await.photos[0].state,
        PhotoArrival::Deleted
    );
    let (status, _) = server
        .send(
            Method::GET,
            &format!("/api/v1/photos/{}", PhotoId::of(&old)),
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (subjects,): (String,) =
        sqlx::query_as("SELECT subject FROM audit_log WHERE action = 'purge_photos'")
            .fetch_one(&server.db.pool)
            .await
            .unwrap();
    assert_eq!(subjects, PhotoId::of(&old).as_str());
    assert_eq!(purge(31).await.unwrap(), 0, "a second run finds nothing");
}

#[tokio::test]
async fn an_upload_racing_its_record_ends_stored_once() {
    let server = TestServer::start().await;
    for n in 0..8u8 {
        let bytes = jpeg(100 + n);
        let id = PhotoId::of(&bytes);
        let record = photographed(100 + u128::from(n), &[&bytes]);
        let (acks, (first, _)) = tokio::join!(
            server.sync(vec![record]),
            server.put_photo(&server.courier, id.as_str(), bytes.clone())
        );
        assert_eq!(acks.acks[0].ack, Ack::Stored);
        assert!(
            [StatusCode::CREATED, StatusCode::NOT_FOUND].contains(&first),
            "{first}"
        );
        // The device sends again until it is told the photo is stored.
        let (again, _) = server.put_photo(&server.courier, id.as_str(), bytes).await;
        let expected = if first == StatusCode::CREATED {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        assert_eq!(again, expected);
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM photos")
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 8);
}
