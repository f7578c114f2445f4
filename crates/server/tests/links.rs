//! Consent by link (issue 6): the token's life, the recipient's answer reaching the courier,
//! complaints reaching the supervisor, rate limits and the page's privacy.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{with_link, TestServer};
use doorstep_core::api::ComplaintView;
use doorstep_core::sync::{Ack, Change};
use doorstep_core::{
    Consent, ConsentChannel, ConsentDecision, DeliveryMethod, DeliveryRecord, Disclosure,
    MethodKind, Outcome, Violation,
};
use http_body_util::BodyExt;
use tower::ServiceExt;

const TOKEN: &str = "Zq3kLm9Pw2Xv8Rt5Yb7NcA";

struct Page {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn request(server: &TestServer, method: Method, uri: &str, form: Option<&str>) -> Page {
    let mut builder = Request::builder().method(method).uri(uri);
    if form.is_some() {
        builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    let body = form.map_or_else(Body::empty, |f| Body::from(f.to_string()));
    let response = server
        .router
        .clone()
        .oneshot(builder.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(server: &TestServer, token: &str) -> Page {
    request(server, Method::GET, &format!("/c/{token}"), None).await
}

async fn choose(server: &TestServer, token: &str, form: &str) -> Page {
    request(server, Method::POST, &format!("/c/{token}"), Some(form)).await
}

/// Syncs and returns the acks and the changes after `cursor`.
async fn sync(
    server: &TestServer,
    cursor: i64,
    records: Vec<DeliveryRecord>,
) -> (Vec<Ack>, Vec<Change>, i64) {
    let response = server.sync_from(cursor, records).await;
    (
        response.acks.into_iter().map(|a| a.ack).collect(),
        response.changes,
        response.cursor,
    )
}

#[tokio::test]
async fn a_link_shows_only_masked_data_and_consents_only_on_post() {
    let server = TestServer::start().await;
    let (acks, _, _) = sync(&server, 0, vec![with_link(1, TOKEN)]).await;
    assert_eq!(acks, vec![Ack::Stored]);

    let page = get(&server, TOKEN).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("顺丰速运") && page.body.contains("0001"),
        "{}",
        page.body
    );
    assert!(page.body.contains("3 号柜"));
    for secret in ["13812345634", "SF0000000000001", "1203", "张三"] {
        assert!(!page.body.contains(secret), "the page leaks {secret}");
    }
    assert_eq!(page.headers[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );

    // Viewing twice (a link preview, a prefetch) decides nothing.
    get(&server, TOKEN).await;
    let (_, changes, _) = sync(&server, 0, vec![]).await;
    assert!(changes.is_empty(), "{changes:?}");
}

#[tokio::test]
async fn the_answer_reaches_the_courier_and_allows_the_locker() {
    let server = TestServer::start().await;
    let (_, _, cursor) = sync(&server, 0, vec![with_link(1, TOKEN)]).await;

    // Consent "by link" before the recipient answered is refused.
    let mut early = with_link(1, TOKEN);
    early.revision = 2;
    early.method = DeliveryMethod::Locker {
        bank: "3".into(),
        compartment: "12".into(),
    };
    early.consent = Some(Consent {
        channel: ConsentChannel::RecipientLink,
        decision: ConsentDecision::Accepted,
        method: MethodKind::Locker,
        given_at: early.captured_at,
        disclosed: Disclosure {
            location: "3".into(),
            free_storage_hours: 24,
            overtime_fee_fen: 50,
        },
        preference_id: None,
    });
    let (acks, _, _) = sync(&server, cursor, vec![early.clone()]).await;
    match &acks[0] {
        Ack::Rejected { violations, .. } => {
            assert_eq!(violations, &vec![Violation::LinkDecisionMissing])
        }
        other => panic!("expected a rejection, got {other:?}"),
    }

    let posted = choose(
        &server,
        TOKEN,
        "choice=locker&time_window=&note=%E8%B0%A2%E8%B0%A2",
    )
    .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let page = get(&server, TOKEN).await;
    assert!(
        page.body.contains("data-testid=\"current-choice\""),
        "{}",
        page.body
    );

    let (acks, changes, _) = sync(&server, cursor, vec![early]).await;
    assert_eq!(
        acks,
        vec![Ack::Stored],
        "the locker is allowed once the recipient chose it"
    );
    match &changes[..] {
        [Change::RecipientDecision {
            record_id,
            decision,
        }] => {
            assert_eq!(*record_id, uuid::Uuid::from_u128(1));
            assert_eq!(decision.choice, MethodKind::Locker);
            assert_eq!(decision.note.as_deref(), Some("谢谢"));
        }
        other => panic!("expected the decision, got {other:?}"),
    }
}

#[tokio::test]
async fn the_answer_can_change_until_the_handover_then_complaints_open() {
    let server = TestServer::start().await;
    sync(&server, 0, vec![with_link(1, TOKEN)]).await;
    assert_eq!(
        choose(&server, TOKEN, "choice=locker").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        choose(
            &server,
            TOKEN,
            "choice=door&time_window=18%3A00%E4%BB%A5%E5%90%8E"
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let (_, changes, cursor) = sync(&server, 0, vec![]).await;
    assert_eq!(changes.len(), 2, "each answer reaches the courier");

    // Not offered, or no choice at all: a clear 400 and nothing recorded.
    let bad = choose(&server, TOKEN, "choice=station").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("请选择一种投递方式"));
    assert_eq!(
        choose(&server, TOKEN, "nonsense=1").await.status,
        StatusCode::BAD_REQUEST
    );
    // No complaint before the handover.
    let early = request(
        &server,
        Method::POST,
        &format!("/c/{TOKEN}/complaint"),
        Some("kind=damaged"),
    )
    .await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST);

    let mut delivered = with_link(1, TOKEN);
    delivered.revision = 2;
    delivered.outcome = Some(Outcome::DeliveredToRecipient);
    delivered.outcome_at = Some(delivered.captured_at + 1);
    sync(&server, cursor, vec![delivered]).await;
    let late = choose(&server, TOKEN, "choice=locker").await;
    assert_eq!(late.status, StatusCode::CONFLICT);

    let complaint = request(
        &server,
        Method::POST,
        &format!("/c/{TOKEN}/complaint"),
        Some("kind=damaged&note=%E7%AE%B1%E5%AD%90%E7%A0%B4%E4%BA%86"),
    )
    .await;
    assert_eq!(complaint.status, StatusCode::SEE_OTHER);
    let page = get(&server, TOKEN).await;
    assert!(page.body.contains("data-complaint=\"damaged\"") && page.body.contains("处理中"));
    let (_, changes, _) = sync(&server, cursor, vec![]).await;
    assert!(
        matches!(changes.last(), Some(Change::Complaint { .. })),
        "{changes:?}"
    );

    // The supervisor's queue has it, and resolving it shows on the recipient's page.
    let (status, body) = server
        .send(
            Method::GET,
            "/api/v1/complaints",
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let queue: Vec<ComplaintView> = serde_json::from_value(body).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].note, "箱子破了");
    let other = server.other_station_supervisor().await;
    let (_, body) = server
        .send(Method::GET, "/api/v1/complaints", Some(&other), None)
        .await;
    assert_eq!(body, serde_json::json!([]), "another station sees nothing");
    let (status, _) = server
        .send(
            Method::POST,
            &format!("/api/v1/complaints/{}/resolve", queue[0].id),
            Some(&server.courier),
            Some(r#"{"reason":"x"}"#.into()),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server
        .send(
            Method::POST,
            &format!("/api/v1/complaints/{}/resolve", queue[0].id),
            Some(&server.supervisor),
            Some(r#"{"reason":"已联系收件人并赔付"}"#.into()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = server
        .send(
            Method::POST,
            &format!("/api/v1/complaints/{}/resolve", queue[0].id),
            Some(&server.supervisor),
            Some(r#"{"reason":"again"}"#.into()),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(get(&server, TOKEN).await.body.contains("已处理"));
}

#[tokio::test]
async fn wrong_expired_and_revoked_tokens_reveal_nothing() {
    let server = TestServer::start().await;
    let revoked_token = "Revoked0Revoked0Revoked0";
    let expired_token = "Expired0Expired0Expired0";
    let (acks, _, cursor) = sync(
        &server,
        0,
        vec![with_link(1, revoked_token), with_link(2, expired_token)],
    )
    .await;
    assert_eq!(acks, vec![Ack::Stored, Ack::Stored]);
    let mut revoked = with_link(1, revoked_token);
    revoked.revision = 2;
    revoked.link.as_mut().unwrap().revoked_at = Some(revoked.captured_at + 5);
    sync(&server, cursor, vec![revoked]).await;
    sqlx::query("UPDATE consent_links SET expires_at = 0 WHERE id = $1")
        .bind(uuid::Uuid::from_u128(1002).to_string())
        .execute(&server.db.pool)
        .await
        .unwrap();

    let cases = [
        ("short", StatusCode::NOT_FOUND),
        (
            "has%20spaces%20and%20more%20characters",
            StatusCode::NOT_FOUND,
        ),
        ("UnknownUnknownUnknown0", StatusCode::NOT_FOUND),
        (revoked_token, StatusCode::GONE),
        (expired_token, StatusCode::GONE),
    ];
    for (token, status) in cases {
        let page = get(&server, token).await;
        assert_eq!(page.status, status, "{token}");
        assert!(
            page.body.contains("链接无效或已失效"),
            "{token}: {}",
            page.body
        );
        assert!(
            !page.body.contains("顺丰") && !page.body.contains("0001"),
            "{token}"
        );
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
        let post = choose(&server, token, "choice=locker").await;
        assert_eq!(post.status, status, "posting to {token}");
    }
    let (_, changes, _) = sync(&server, 0, vec![]).await;
    assert!(
        changes.is_empty(),
        "no answer was taken through a dead link"
    );
}

#[tokio::test]
async fn a_token_digest_cannot_be_taken_over_by_another_record() {
    let server = TestServer::start().await;
    let (acks, _, _) = sync(&server, 0, vec![with_link(1, TOKEN), with_link(2, TOKEN)]).await;
    assert_eq!(acks[0], Ack::Stored);
    assert!(
        matches!(&acks[1], Ack::Rejected { violations, .. } if violations == &vec![Violation::LinkRequestInvalid])
    );
}

#[tokio::test]
async fn remembering_the_answer_tells_every_courier_of_the_station() {
    let server = TestServer::start().await;
    sync(&server, 0, vec![with_link(1, TOKEN)]).await;
    choose(&server, TOKEN, "choice=locker&remember=1").await;
    let (_, changes, _) = sync(&server, 0, vec![]).await;
    let preference = changes.iter().find_map(|c| match c {
        Change::StandingPreference { preference } => Some(preference.clone()),
        _ => None,
    });
    let preference = preference.expect("a standing preference");
    assert_eq!(
        preference.recipient_key.len(),
        64,
        "keyed by the salted hash, not the phone"
    );
}

#[tokio::test]
async fn one_address_is_limited_on_the_recipient_pages() {
    let server = TestServer::start().await;
    let limit = doorstep_server::routes::recipient::PER_ADDRESS_PER_MINUTE;
    let mut statuses = Vec::new();
    for _ in 0..=limit {
        statuses.push(get(&server, "UnknownUnknownUnknown0").await.status);
    }
    assert!(statuses[..limit as usize]
        .iter()
        .all(|s| *s == StatusCode::NOT_FOUND));
    let last = get(&server, "UnknownUnknownUnknown0").await;
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(last.headers[header::RETRY_AFTER], "60");
}
