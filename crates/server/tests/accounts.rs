//! Accounts and their sessions: failed sign-in limits per account and per client address,
//! session expiry, and the `doorstep-server admin` commands.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use common::TestServer;
use doorstep_server::admin::{self, AdminError, NewAccount};
use doorstep_server::audit;
use doorstep_server::auth::{AuthPolicy, Role};
use http_body_util::BodyExt;
use serde_json::Value;
use std::net::SocketAddr;
use std::time::Duration;
use tower::ServiceExt;

/// Signs in as if from `address` (`None`: no connection info, as with every other test request).
async fn sign_in(
    server: &TestServer,
    address: Option<&str>,
    username: &str,
    password: &str,
) -> (StatusCode, HeaderMap, Value) {
    let body = serde_json::json!({ "username": username, "password": password }).to_string();
    let mut request = Request::post("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    if let Some(address) = address {
        let address: SocketAddr = format!("{address}:40000").parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(address));
    }
    let response = server.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap())
}

/// The `Retry-After` seconds of a 429 with the JSON error body.
fn assert_too_many(status: StatusCode, headers: &HeaderMap, body: &Value) -> u64 {
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "too_many_requests", "{body}");
    headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn me(server: &TestServer, token: &str) -> (StatusCode, Value) {
    server
        .send(Method::GET, "/api/v1/me", Some(token), None)
        .await
}

fn assert_session_expired((status, body): (StatusCode, Value)) {
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"]["code"], "session_expired", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{body}"
    );
}

#[tokio::test]
async fn failed_sign_ins_lock_the_account_before_the_password_is_checked() {
    let server = TestServer::start().await;
    for _ in 0..5 {
        let (status, _, body) = sign_in(&server, None, "courier", "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["error"]["code"], "wrong_credentials");
    }
    let (status, headers, body) = sign_in(&server, None, "courier", &server.courier_password).await;
    let retry_after = assert_too_many(status, &headers, &body);
    assert!(
        (1..=15 * 60).contains(&retry_after),
        "Retry-After {retry_after}"
    );
    assert!(
        retry_after > 14 * 60,
        "the oldest failure is seconds old: {retry_after}"
    );
    let (status, _, body) = sign_in(&server, None, "supervisor", &server.supervisor_password).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "another account is not affected: {body}"
    );
    let (status, _) = me(&server, &server.courier).await;
    assert_eq!(status, StatusCode::OK, "open sessions are not affected");

    // An unknown username is limited the same way, so a 429 does not tell which accounts exist.
    for _ in 0..5 {
        let (status, _, _) = sign_in(&server, None, "nobody", "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, headers, body) = sign_in(&server, None, "nobody", "guess").await;
    assert_too_many(status, &headers, &body);
}

#[tokio::test]
async fn failed_sign_ins_from_one_address_lock_that_address_only() {
    let server = TestServer::start().await;
    // Four failures for each of five usernames: no account reaches its limit, the address does.
    for n in 0..20 {
        let username = format!("guess-{}", n % 5);
        let (status, _, body) = sign_in(&server, Some("10.0.0.1"), &username, "x").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {n}: {body}");
    }
    let (status, headers, body) = sign_in(
        &server,
        Some("10.0.0.1"),
        "courier",
        &server.courier_password,
    )
    .await;
    let retry_after = assert_too_many(status, &headers, &body);
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    let (status, _, body) = sign_in(
        &server,
        Some("10.0.0.2"),
        "courier",
        &server.courier_password,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "another address is not affected: {body}"
    );
}

#[tokio::test]
async fn a_success_clears_the_account_count_but_not_the_address_count() {
    let server = TestServer::start_with(AuthPolicy {
        account_failures: 3,
        address_failures: 5,
        ..AuthPolicy::default()
    })
    .await;
    let from = Some("10.0.0.7");
    for _ in 0..2 {
        let (status, _, _) = sign_in(&server, from, "courier", "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, body) = sign_in(&server, from, "courier", &server.courier_password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Two more failures would make four against the account had the success not cleared it.
    for _ in 0..2 {
        let (status, _, body) = sign_in(&server, from, "courier", "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    let (status, _, body) = sign_in(&server, from, "courier", &server.courier_password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The address still has its four failures: one more reaches its limit of five.
    let (status, _, _) = sign_in(&server, from, "someone", "wrong").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, headers, body) =
        sign_in(&server, from, "supervisor", &server.supervisor_password).await;
    assert_too_many(status, &headers, &body);
}

#[tokio::test]
async fn the_lock_lifts_when_the_failures_leave_the_window() {
    let server = TestServer::start_with(AuthPolicy {
        account_failures: 2,
        failure_window: Duration::from_secs(3),
        ..AuthPolicy::default()
    })
    .await;
    for _ in 0..2 {
        sign_in(&server, None, "courier", "wrong").await;
    }
    let (status, headers, body) = sign_in(&server, None, "courier", &server.courier_password).await;
    let retry_after = assert_too_many(status, &headers, &body);
    assert!((1..=3).contains(&retry_after), "{retry_after}");
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    let (status, _, body) = sign_in(&server, None, "courier", &server.courier_password).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    sqlx::query("INSERT INTO login_failures (username, address, at) VALUES ('old', 'unknown', 0)")
        .execute(&server.db.pool)
        .await
        .unwrap();
    sign_in(&server, None, "someone", "wrong").await;
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE at = 0")
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "a new failure purges those that left the window");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_cannot_slip_past_the_limit_together() {
    let server = TestServer::start().await;
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..12 {
        let router = server.router.clone();
        guesses.spawn(async move {
            let body =
                serde_json::json!({ "username": "courier", "password": format!("guess {n}") });
            let request = Request::post("/api/v1/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
            router.oneshot(request).await.unwrap().status()
        });
    }
    let statuses = guesses.join_all().await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + refused, 12, "{statuses:?}");
    assert!(
        checked <= 5,
        "{checked} passwords were checked: {statuses:?}"
    );
}

#[tokio::test]
async fn staff_sessions_end_when_idle_but_device_tokens_do_not() {
    let server = TestServer::start_with(AuthPolicy {
        staff_idle: Duration::from_secs(3),
        last_seen_every: Duration::ZERO,
        ..AuthPolicy::default()
    })
    .await;
    // Activity keeps the session open past the idle timeout counted from sign-in.
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (status, body) = me(&server, &server.supervisor).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_session_expired(me(&server, &server.supervisor).await);
    let (status, body) = me(&server, &server.courier).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a device token has no idle timeout: {body}"
    );
    let fresh = server
        .login("supervisor", &server.supervisor_password)
        .await;
    assert_eq!(me(&server, &fresh).await.0, StatusCode::OK);
}

#[tokio::test]
async fn sessions_end_at_their_absolute_lifetime_however_busy() {
    let server = TestServer::start_with(AuthPolicy {
        staff_lifetime: Duration::from_secs(3),
        device_lifetime: Duration::from_secs(3),
        last_seen_every: Duration::ZERO,
        ..AuthPolicy::default()
    })
    .await;
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        for token in [&server.supervisor, &server.courier] {
            let (status, body) = me(&server, token).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_session_expired(me(&server, &server.supervisor).await);
    assert_session_expired(me(&server, &server.courier).await);
    let (status, body) = server
        .send(
            Method::POST,
            "/api/v1/sync",
            Some(&server.courier),
            Some("{}".into()),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

/// The supervisor's session's `last_seen_at`.
async fn last_seen(server: &TestServer) -> i64 {
    let (at,): (i64,) = sqlx::query_as(
        "SELECT s.last_seen_at FROM sessions s JOIN accounts a ON a.id = s.account_id \
         WHERE a.username = 'supervisor'",
    )
    .fetch_one(&server.db.pool)
    .await
    .unwrap();
    at
}

async fn set_last_seen(server: &TestServer, at: i64) {
    sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(at)
        .execute(&server.db.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn last_seen_is_written_at_most_once_a_minute() {
    let server = TestServer::start().await;
    let now = doorstep_server::clock::now_ms();
    set_last_seen(&server, now - 30_000).await;
    assert_eq!(me(&server, &server.supervisor).await.0, StatusCode::OK);
    assert_eq!(
        last_seen(&server).await,
        now - 30_000,
        "not written within the minute"
    );
    set_last_seen(&server, now - 120_000).await;
    assert_eq!(me(&server, &server.supervisor).await.0, StatusCode::OK);
    assert!(last_seen(&server).await >= now, "written after a minute");
    set_last_seen(&server, now - 31 * 60_000).await;
    assert_session_expired(me(&server, &server.supervisor).await);
}

#[tokio::test]
async fn admin_creates_stations_and_accounts_and_refuses_duplicates() {
    let server = TestServer::start().await;
    let db = &server.db;
    admin::create_station(db, "静安寺站").await.unwrap();
    let error = admin::create_station(db, " 静安寺站 ").await.unwrap_err();
    assert!(matches!(error, AdminError::Duplicate(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "a station named \"静安寺站\" already exists"
    );

    let new = NewAccount {
        station: "静安寺站",
        username: "zhao",
        display_name: "赵师傅",
        staff_no: "JA-0101",
        role: Role::Courier,
    };
    let password = admin::create_account(db, &new).await.unwrap();
    assert_eq!(password.len(), 12);
    let token = server.login("zhao", &password).await;
    let (status, account) = me(&server, &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(account["station"], "静安寺站");
    assert_eq!(account["role"], "courier");

    let error = admin::create_account(
        db,
        &NewAccount {
            role: Role::Supervisor,
            ..new.clone()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(error, AdminError::Duplicate(_)), "{error:?}");
    assert!(error.to_string().contains("already exists"), "{error}");
    let error = admin::create_account(
        db,
        &NewAccount {
            station: "nowhere",
            username: "qian",
            ..new.clone()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(error, AdminError::UnknownStation(_)), "{error:?}");
    let error = admin::create_account(
        db,
        &NewAccount {
            username: "  ",
            ..new.clone()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(error, AdminError::Invalid(_)), "{error:?}");
    let error = admin::create_account(
        db,
        &NewAccount {
            username: "qian sun",
            ..new.clone()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(error, AdminError::Invalid(_)), "{error:?}");

    let station = admin::list_accounts(db, Some("静安寺站")).await.unwrap();
    assert_eq!(station.len(), 1);
    assert_eq!(
        (
            station[0].username.as_str(),
            station[0].role.as_str(),
            station[0].staff_no.as_str()
        ),
        ("zhao", "courier", "JA-0101")
    );
    let everyone: Vec<_> = admin::list_accounts(db, None)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.username)
        .collect();
    assert_eq!(everyone.len(), 3, "{everyone:?}");
    assert!(everyone.contains(&"courier".to_string()));
    let error = admin::list_accounts(db, Some("nowhere")).await.unwrap_err();
    assert!(matches!(error, AdminError::UnknownStation(_)), "{error:?}");
}

#[tokio::test]
async fn reset_password_signs_the_account_out_and_the_new_password_works() {
    let server = TestServer::start().await;
    for _ in 0..5 {
        sign_in(&server, None, "courier", "wrong").await;
    }
    let reset = admin::reset_password(&server.db, "courier").await.unwrap();
    assert_eq!(reset.revoked_sessions, 1);
    let (status, body) = me(&server, &server.courier).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // 401, not 429: the reset also forgot the five failures.
    let (status, _, _) = sign_in(&server, None, "courier", &server.courier_password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password is gone");
    let token = server.login("courier", &reset.password).await;
    assert_eq!(me(&server, &token).await.0, StatusCode::OK);
    assert_eq!(me(&server, &server.supervisor).await.0, StatusCode::OK);
    let error = admin::reset_password(&server.db, "nobody")
        .await
        .unwrap_err();
    assert!(matches!(error, AdminError::UnknownAccount(_)), "{error:?}");
}

#[tokio::test]
async fn revoke_devices_ends_every_token_of_the_account() {
    let server = TestServer::start().await;
    let second = server.login("courier", &server.courier_password).await;
    assert_eq!(
        admin::revoke_devices(&server.db, "courier").await.unwrap(),
        2
    );
    for token in [&server.courier, &second] {
        let (status, body) = me(&server, token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    assert_eq!(me(&server, &server.supervisor).await.0, StatusCode::OK);
    assert_eq!(
        admin::revoke_devices(&server.db, "courier").await.unwrap(),
        0
    );
    let token = server.login("courier", &server.courier_password).await;
    assert_eq!(
        me(&server, &token).await.0,
        StatusCode::OK,
        "the password stays"
    );
    let error = admin::revoke_devices(&server.db, "nobody")
        .await
        .unwrap_err();
    assert!(matches!(error, AdminError::UnknownAccount(_)), "{error:?}");
}

#[tokio::test]
async fn the_admin_command_prints_the_password_once_and_refuses_with_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::test_database_url(dir.path()).await;
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_doorstep-server"))
            .arg("admin")
            .args(args)
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (code, _, stderr) = run(&["create-station", "徐汇站"]);
    assert_eq!(code, Some(0), "{stderr}");
    let account = [
        "create-account",
        "--station",
        "徐汇站",
        "--username",
        "sun",
        "--display-name",
        "孙站长",
        "--staff-no",
        "XH-0001",
        "--role",
        "supervisor",
    ];
    let (code, stdout, stderr) = run(&account);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("password: "), "{stdout}");
    let (code, stdout, stderr) = run(&account);
    assert_eq!(code, Some(1), "{stdout}");
    assert_eq!(
        stderr.trim(),
        "error: an account named \"sun\" already exists"
    );
    let (code, _, stderr) = run(&["create-station", "徐汇站"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("already exists"), "{stderr}");
    for args in [
        &["reset-password", "nobody"][..],
        &["revoke-devices", "nobody"],
    ] {
        let (code, _, stderr) = run(args);
        assert_eq!(code, Some(1), "{args:?}");
        assert_eq!(
            stderr.trim(),
            "error: there is no account with username \"nobody\""
        );
    }
    let (code, _, stderr) = run(&["list-accounts", "--station", "nowhere"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no station named"), "{stderr}");
    let (code, stdout, _) = run(&["list-accounts", "--station", "徐汇站"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("徐汇站\tsun\tsupervisor\t孙站长\tXH-0001"),
        "{stdout}"
    );
    let (code, stdout, _) = run(&["revoke-devices", "sun"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("Revoked 0 sessions"), "{stdout}");
    let (code, stdout, _) = run(&["reset-password", "sun"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("New password for sun"), "{stdout}");
}

#[tokio::test]
async fn the_operators_changes_are_in_the_audit_trail_without_passwords() {
    let server = TestServer::start().await;
    let db = &server.db;
    admin::create_station(db, "静安寺站").await.unwrap();
    let password = admin::create_account(
        db,
        &NewAccount {
            station: "静安寺站",
            username: "zhao",
            display_name: "赵师傅",
            staff_no: "JA-0101",
            role: Role::Supervisor,
        },
    )
    .await
    .unwrap();
    server.login("zhao", &password).await;
    let reset = admin::reset_password(db, "zhao").await.unwrap();
    admin::revoke_devices(db, " courier ").await.unwrap();
    admin::list_accounts(db, None).await.unwrap();
    assert!(admin::revoke_devices(db, "nobody").await.is_err());

    let entries = audit::entries(db).await.unwrap();
    let logged: Vec<(i64, &str, &str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e.actor_id,
                e.action.as_str(),
                e.subject.as_str(),
                e.detail.as_str(),
            )
        })
        .collect();
    assert_eq!(
        logged,
        [
            (audit::OPERATOR, "create_station", "静安寺站", ""),
            (audit::OPERATOR, "create_account", "zhao", "supervisor"),
            (
                audit::OPERATOR,
                "reset_password",
                "zhao",
                "1 sessions ended"
            ),
            (
                audit::OPERATOR,
                "revoke_devices",
                "courier",
                "1 sessions ended"
            ),
        ],
        "reads and failures are not changes"
    );
    let (jingan,): (i64,) = sqlx::query_as("SELECT id FROM stations WHERE name = '静安寺站'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(entries[..3].iter().all(|e| e.station_id == jingan));
    assert_ne!(entries[3].station_id, jingan, "the courier's own station");
    for entry in &entries {
        for secret in [&password, &reset.password] {
            assert!(!entry.detail.contains(secret.as_str()));
            assert!(!entry.subject.contains(secret.as_str()));
        }
    }
    assert_eq!(audit::verify(db).await.unwrap(), Ok(4));
}

/// Migration 10 rebuilds `audit_log` on SQLite (to let the operator be an actor): a chain written
/// before it must come through with every entry and hash as it was.
#[tokio::test]
async fn the_audit_trail_survives_the_migration_that_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::test_database_url(dir.path()).await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let mut migrator = if url.starts_with("postgres") {
        sqlx::migrate!("./migrations/postgres")
    } else {
        sqlx::migrate!("./migrations/sqlite")
    };
    migrator.migrations = migrator
        .migrations
        .iter()
        .filter(|m| m.version < 10)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    migrator.run(&pool).await.unwrap();
    let (station,): (i64,) = sqlx::query_as(
        "INSERT INTO stations (name, created_at, preference_salt) VALUES ('站', 0, 's') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (supervisor,): (i64,) = sqlx::query_as(
        "INSERT INTO accounts (station_id, username, display_name, staff_no, role, password_hash, created_at) \
         VALUES ($1, 'li', '李站长', 'S1', 'supervisor', 'x', 0) RETURNING id",
    )
    .bind(station)
    .fetch_one(&pool)
    .await
    .unwrap();
    for subject in ["一", "二", "三"] {
        let mut tx = pool.begin().await.unwrap();
        let event = audit::Event {
            actor_id: supervisor,
            station_id: station,
            action: audit::Action::Note,
            subject,
            detail: "note",
        };
        audit::append(&mut tx, &event).await.unwrap();
        tx.commit().await.unwrap();
    }
    type Row = (i64, i64, i64, i64, String, String, String, String, String);
    const ALL: &str = "SELECT seq, at, actor_id, station_id, action, subject, detail, prev_hash, \
                       hash FROM audit_log ORDER BY seq";
    let before: Vec<Row> = sqlx::query_as(ALL).fetch_all(&pool).await.unwrap();
    pool.close().await;

    let db = doorstep_server::db::Db::connect(&url).await.unwrap();
    let after: Vec<Row> = sqlx::query_as(ALL).fetch_all(&db.pool).await.unwrap();
    assert_eq!(after, before);
    assert_eq!(audit::verify(&db).await.unwrap(), Ok(3));
    let edit = sqlx::query("UPDATE audit_log SET detail = 'x'")
        .execute(&db.pool)
        .await;
    assert!(edit.is_err(), "still append-only");
}
