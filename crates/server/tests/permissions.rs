//! Who may call what (issue 7): a permission matrix over every endpoint for a courier, a
//! supervisor of station A, a supervisor of station B, an admin, an anonymous caller and a
//! recipient's link token; and supervisors' browser sessions in cookies with CSRF protection.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{record, TestServer};
use doorstep_core::link::{token_digest, LinkRequest, Offer};
use doorstep_core::{MethodKind, Outcome};
use doorstep_server::admin::{self, NewAccount};
use doorstep_server::auth::{AuthPolicy, Role};
use doorstep_server::seed::DEMO_STATION;
use http_body_util::BodyExt;
use tower::ServiceExt;
use uuid::Uuid;

const LINK_TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// Station A with one delivered record that carries a link and a complaint about it.
async fn station_with_a_complaint() -> (TestServer, i64) {
    let server = TestServer::start().await;
    let mut delivered = record(1);
    delivered.outcome = Some(Outcome::DeliveredToRecipient);
    delivered.outcome_at = Some(delivered.captured_at + 1);
    delivered.link = Some(LinkRequest {
        id: Uuid::from_u128(77),
        token_sha256: token_digest(LINK_TOKEN),
        offers: vec![
            Offer {
                method: MethodKind::Locker,
                place: "3".into(),
            },
            Offer {
                method: MethodKind::Door,
                place: String::new(),
            },
        ],
        free_storage_hours: 24,
        overtime_fee_fen: 0,
        expires_in_hours: 48,
        requested_at: delivered.captured_at,
        revoked_at: None,
    });
    server.sync(vec![delivered]).await;
    let complaint = Request::builder()
        .method(Method::POST)
        .uri(format!("/c/{LINK_TOKEN}/complaint"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("kind=damaged"))
        .unwrap();
    let response = server.router.clone().oneshot(complaint).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM complaints")
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    (server, id)
}

#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    Courier,
    SupervisorA,
    SupervisorB,
    Admin,
    LinkToken,
}

#[tokio::test]
async fn every_endpoint_answers_each_role_as_it_should() {
    let (server, complaint) = station_with_a_complaint().await;
    let supervisor_b = server.other_station_supervisor().await;
    let admin_password = admin::create_account(
        &server.db,
        &NewAccount {
            station: DEMO_STATION,
            username: "admin",
            display_name: "管理员",
            staff_no: "AD-1",
            role: Role::Admin,
        },
    )
    .await
    .unwrap();
    let admin_token = server.login("admin", &admin_password).await;
    let record_id = Uuid::from_u128(1);
    let sample = doorstep_core::tariff::sample().version;
    let note = r#"{"note":"请核实","reviewed_flag":null}"#;
    let table = serde_json::to_string(&{
        let mut t = doorstep_core::tariff::sample();
        t.version = "matrix-1".into();
        t.sample = false;
        t
    })
    .unwrap();
    let sync = r#"{"cursor":0,"records":[]}"#;
    let resolve = r#"{"reason":"已处理"}"#;
    let proof_rules = serde_json::to_string(&doorstep_core::proof::ProofRules::default()).unwrap();
    let photo = doorstep_core::proof::PhotoId::of(b"nobody's photo");

    use StatusCode as S;
    use Who::*;
    let assign = r#"{"day":"2023-11-15","waybills":[],"courier":"courier"}"#;
    let supervisors_only = [
        S::UNAUTHORIZED,
        S::FORBIDDEN,
        S::OK,
        S::OK,
        S::OK,
        S::UNAUTHORIZED,
    ];
    // (method, path, body, [anonymous, courier, supervisor A, supervisor B, admin, link token])
    let matrix: Vec<(Method, String, Option<&str>, [S; 6])> = vec![
        (
            Method::GET,
            "/api/v1/me".into(),
            None,
            [S::UNAUTHORIZED, S::OK, S::OK, S::OK, S::OK, S::UNAUTHORIZED],
        ),
        (
            Method::POST,
            "/api/v1/sync".into(),
            Some(sync),
            [
                S::UNAUTHORIZED,
                S::OK,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::GET,
            "/api/v1/records".into(),
            None,
            supervisors_only,
        ),
        (
            Method::GET,
            format!("/api/v1/records/{record_id}"),
            None,
            [
                S::UNAUTHORIZED,
                S::FORBIDDEN,
                S::OK,
                S::NOT_FOUND,
                S::OK,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::POST,
            format!("/api/v1/records/{record_id}/notes"),
            Some(note),
            [
                S::UNAUTHORIZED,
                S::FORBIDDEN,
                S::CREATED,
                S::NOT_FOUND,
                S::CREATED,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::GET,
            "/api/v1/records/export.csv".into(),
            None,
            supervisors_only,
        ),
        (
            Method::GET,
            "/api/v1/dashboard".into(),
            None,
            supervisors_only,
        ),
        (
            Method::GET,
            "/api/v1/tariffs".into(),
            None,
            [S::UNAUTHORIZED, S::OK, S::OK, S::OK, S::OK, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            format!("/api/v1/tariffs/{sample}"),
            None,
            [S::UNAUTHORIZED, S::OK, S::OK, S::OK, S::OK, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/api/v1/tariffs/versions".into(),
            None,
            supervisors_only,
        ),
        (
            Method::GET,
            "/api/v1/complaints".into(),
            None,
            supervisors_only,
        ),
        (
            Method::GET,
            "/api/v1/devices".into(),
            None,
            supervisors_only,
        ),
        (
            Method::GET,
            "/api/v1/coverage".into(),
            None,
            supervisors_only,
        ),
        (
            Method::GET,
            "/api/v1/parcels".into(),
            None,
            supervisors_only,
        ),
        (
            Method::GET,
            "/api/v1/parcels/export.csv".into(),
            None,
            supervisors_only,
        ),
        (
            Method::POST,
            "/api/v1/parcels/assign".into(),
            Some(assign),
            // Station B has no courier of that name.
            [
                S::UNAUTHORIZED,
                S::FORBIDDEN,
                S::OK,
                S::UNPROCESSABLE_ENTITY,
                S::OK,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::GET,
            "/api/v1/area-rules".into(),
            None,
            supervisors_only,
        ),
        (
            Method::PUT,
            "/api/v1/area-rules".into(),
            Some("[]"),
            supervisors_only,
        ),
        (
            Method::POST,
            "/api/v1/manifests".into(),
            Some(sync),
            // A JSON body is no manifest: refused after the caller's role was checked.
            [
                S::UNAUTHORIZED,
                S::FORBIDDEN,
                S::UNSUPPORTED_MEDIA_TYPE,
                S::UNSUPPORTED_MEDIA_TYPE,
                S::UNSUPPORTED_MEDIA_TYPE,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::GET,
            "/api/v1/proof-rules".into(),
            None,
            [S::UNAUTHORIZED, S::OK, S::OK, S::OK, S::OK, S::UNAUTHORIZED],
        ),
        (
            Method::PUT,
            "/api/v1/proof-rules".into(),
            Some(proof_rules.as_str()),
            supervisors_only,
        ),
        (
            Method::GET,
            format!("/api/v1/photos/{photo}"),
            None,
            // Nobody's record names it: the same 404 for every signed-in caller.
            [
                S::UNAUTHORIZED,
                S::NOT_FOUND,
                S::NOT_FOUND,
                S::NOT_FOUND,
                S::NOT_FOUND,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::PUT,
            format!("/api/v1/photos/{photo}"),
            Some(sync),
            // Only couriers upload; a JSON body is no photo.
            [
                S::UNAUTHORIZED,
                S::UNSUPPORTED_MEDIA_TYPE,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::GET,
            "/api/v1/openapi.json".into(),
            None,
            [S::OK, S::OK, S::OK, S::OK, S::OK, S::OK],
        ),
    ];
    let token_of = |who: Who| match who {
        Anonymous => None,
        Courier => Some(server.courier.as_str()),
        SupervisorA => Some(server.supervisor.as_str()),
        SupervisorB => Some(supervisor_b.as_str()),
        Admin => Some(admin_token.as_str()),
        LinkToken => Some(LINK_TOKEN),
    };
    for (method, path, body, expected) in matrix {
        for (who, want) in [
            Anonymous,
            Courier,
            SupervisorA,
            SupervisorB,
            Admin,
            LinkToken,
        ]
        .into_iter()
        .zip(expected)
        {
            let token = token_of(who);
            let (status, answer) = server
                .send(method.clone(), &path, token, body.map(String::from))
                .await;
            assert_eq!(status, want, "{method} {path} as {who:?}: {answer}");
        }
    }

    // The live stream never ends, so it is opened rather than read to its end: every signed-in
    // account has one (its own topic), no one else.
    for (who, want) in [
        (Anonymous, S::UNAUTHORIZED),
        (Courier, S::OK),
        (SupervisorA, S::OK),
        (SupervisorB, S::OK),
        (Admin, S::OK),
        (LinkToken, S::UNAUTHORIZED),
    ] {
        let status = match server.live(token_of(who), None).await {
            Ok(_) => S::OK,
            Err((status, _)) => status,
        };
        assert_eq!(status, want, "GET /api/v1/live as {who:?}");
    }

    // Station B's supervisor sees none of station A's records, complaints or devices.
    for path in ["/api/v1/records", "/api/v1/complaints"] {
        let (_, answer) = server
            .send(Method::GET, path, Some(&supervisor_b), None)
            .await;
        assert!(
            !answer.to_string().contains("SF0000000000001"),
            "{path}: {answer}"
        );
    }
    // Uploading a table and resolving a complaint change state: last, in order.
    let upload = "/api/v1/tariffs";
    let resolve_path = format!("/api/v1/complaints/{complaint}/resolve");
    for (path, body, token, want) in [
        (upload, &table, server.courier.as_str(), S::FORBIDDEN),
        (upload, &table, LINK_TOKEN, S::UNAUTHORIZED),
        (upload, &table, server.supervisor.as_str(), S::CREATED),
        (
            resolve_path.as_str(),
            &resolve.to_string(),
            server.courier.as_str(),
            S::FORBIDDEN,
        ),
        (
            resolve_path.as_str(),
            &resolve.to_string(),
            supervisor_b.as_str(),
            S::NOT_FOUND,
        ),
        (
            resolve_path.as_str(),
            &resolve.to_string(),
            server.supervisor.as_str(),
            S::OK,
        ),
    ] {
        let (status, answer) = server
            .send(Method::POST, path, Some(token), Some(body.clone()))
            .await;
        assert_eq!(status, want, "POST {path}: {answer}");
    }
}

/// Signs in through the browser path and returns the `Set-Cookie` values and the body.
async fn browser_sign_in(
    server: &TestServer,
    username: &str,
    password: &str,
) -> (Vec<String>, serde_json::Value) {
    let body = serde_json::json!({ "username": username, "password": password, "cookie": true });
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = server.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (cookies, serde_json::from_slice(&bytes).unwrap())
}

/// `name=value` of the cookie called `name`.
fn cookie_value(cookies: &[String], name: &str) -> String {
    cookies
        .iter()
        .find_map(|c| {
            c.split(';')
                .next()
                .filter(|pair| pair.starts_with(&format!("{name}=")))
        })
        .unwrap_or_else(|| panic!("no {name} cookie in {cookies:?}"))
        .to_string()
}

async fn with_cookies(
    server: &TestServer,
    method: Method,
    uri: &str,
    cookies: &str,
    csrf: Option<&str>,
    body: Option<&str>,
) -> StatusCode {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, cookies);
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let request = request
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    server
        .router
        .clone()
        .oneshot(request)
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_browser_session_lives_in_cookies_and_every_change_needs_its_csrf_token() {
    let server = TestServer::start().await;
    server.sync(vec![record(1)]).await;
    let (cookies, body) = browser_sign_in(&server, "supervisor", &server.supervisor_password).await;
    assert_eq!(
        body["token"], "",
        "the session token is not handed to scripts"
    );
    let session_line = cookies
        .iter()
        .find(|c| c.starts_with("doorstep_session="))
        .unwrap();
    assert!(
        session_line.contains("HttpOnly") && session_line.contains("SameSite=Strict"),
        "{session_line}"
    );
    let session = cookie_value(&cookies, "doorstep_session");
    let csrf_pair = cookie_value(&cookies, "doorstep_csrf");
    let csrf = csrf_pair.trim_start_matches("doorstep_csrf=");
    let jar = format!("{session}; {csrf_pair}");

    assert_eq!(
        with_cookies(&server, Method::GET, "/api/v1/records", &jar, None, None).await,
        StatusCode::OK
    );
    let note_uri = format!("/api/v1/records/{}/notes", Uuid::from_u128(1));
    let note = Some(r#"{"note":"请核实","reviewed_flag":null}"#);
    assert_eq!(
        with_cookies(&server, Method::POST, &note_uri, &jar, None, note).await,
        StatusCode::FORBIDDEN,
        "no CSRF token"
    );
    assert_eq!(
        with_cookies(&server, Method::POST, &note_uri, &jar, Some("forged"), note).await,
        StatusCode::FORBIDDEN,
        "a wrong one"
    );
    assert_eq!(
        with_cookies(&server, Method::POST, &note_uri, &jar, Some(csrf), note).await,
        StatusCode::CREATED
    );

    // A second sign-in is a new session with new tokens; signing out ends only that one.
    let (again, _) = browser_sign_in(&server, "supervisor", &server.supervisor_password).await;
    assert_ne!(cookie_value(&again, "doorstep_session"), session);
    assert_eq!(
        with_cookies(
            &server,
            Method::POST,
            "/api/v1/auth/logout",
            &jar,
            Some(csrf),
            None
        )
        .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        with_cookies(&server, Method::GET, "/api/v1/records", &jar, None, None).await,
        StatusCode::UNAUTHORIZED
    );

    // A courier's device always gets a bearer token, never a cookie.
    let (cookies, body) = browser_sign_in(&server, "courier", &server.courier_password).await;
    assert!(cookies.is_empty());
    assert_eq!(body["token"].as_str().unwrap().len(), 43);
}

#[tokio::test]
async fn over_tls_the_cookies_are_secure_and_host_only() {
    let server = TestServer::start_with(AuthPolicy {
        tls: true,
        ..AuthPolicy::default()
    })
    .await;
    let (cookies, _) = browser_sign_in(&server, "supervisor", &server.supervisor_password).await;
    assert!(
        cookies
            .iter()
            .all(|c| c.starts_with("__Host-") && c.contains("; Secure") && c.contains("Path=/")),
        "{cookies:?}"
    );
}

#[tokio::test]
async fn an_expired_browser_session_is_refused() {
    let policy = AuthPolicy {
        staff_idle: std::time::Duration::from_millis(1),
        ..AuthPolicy::default()
    };
    let server = TestServer::start_with(policy).await;
    let (cookies, _) = browser_sign_in(&server, "supervisor", &server.supervisor_password).await;
    let jar = cookie_value(&cookies, "doorstep_session");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(
        with_cookies(&server, Method::GET, "/api/v1/records", &jar, None, None).await,
        StatusCode::UNAUTHORIZED
    );
}
