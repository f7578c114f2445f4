//! The test server shared by the API test files: the real router driven with
//! `tower::ServiceExt::oneshot`, on a real SQLite file in a temporary directory (or a fresh
//! PostgreSQL database when `TEST_DATABASE_URL` is set).
// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use doorstep_core::api::{LoginResponse, RecordDetail, RecordPage};
use doorstep_core::sync::{SyncRequest, SyncResponse};
use doorstep_core::DeliveryRecord;
use doorstep_server::auth::AuthPolicy;
use doorstep_server::id_vault::{random_base64, IdKey, IdVault};
use doorstep_server::state::AppState;
use doorstep_server::{app, db::Db, seed};
use doorstep_testkit::{SseBlock, SseReader};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use uuid::Uuid;

/// An ID vault with a fresh random key.
pub fn test_vault() -> IdVault {
    IdVault::new(IdKey::from_base64(&random_base64()).unwrap())
}

pub struct TestServer {
    pub router: Router,
    pub db: Db,
    /// The keys the server seals senders' identities with.
    pub vault: IdVault,
    pub courier: String,
    pub supervisor: String,
    pub courier_password: String,
    pub supervisor_password: String,
    /// Where the server keeps photo bytes (in memory).
    pub photos: doorstep_server::photos::Bucket,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::start_with(AuthPolicy::default()).await
    }

    /// A server whose session lifetimes and sign-in limits are `policy`.
    pub async fn start_with(policy: AuthPolicy) -> TestServer {
        TestServer::start_configured(|state| state.policy = policy).await
    }

    /// A server whose state `configure` changed before the router was built.
    pub async fn start_configured(configure: impl FnOnce(&mut AppState)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&test_database_url(dir.path()).await)
            .await
            .unwrap();
        let accounts = seed::seed_demo(&db).await.unwrap();
        let vault = test_vault();
        let photos = doorstep_server::photos::Bucket::in_memory();
        let mut state = AppState {
            photos: photos.clone(),
            ..AppState::new(db.clone(), None, vault.clone())
        };
        configure(&mut state);
        let router = app(state);
        let mut server = TestServer {
            router,
            db,
            vault,
            courier: String::new(),
            supervisor: String::new(),
            courier_password: String::new(),
            supervisor_password: String::new(),
            photos,
            _dir: dir,
        };
        for account in accounts {
            let token = server.login(&account.username, &account.password).await;
            match account.role.code() {
                "courier" => {
                    server.courier = token;
                    server.courier_password = account.password;
                }
                _ => {
                    server.supervisor = token;
                    server.supervisor_password = account.password;
                }
            }
        }
        server
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let body = serde_json::json!({ "username": username, "password": password });
        let (status, body) = self
            .send(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(body.to_string()),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value::<LoginResponse>(body).unwrap().token
    }

    /// Sends a request and returns the status and the raw body.
    pub async fn send_raw(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> (StatusCode, Vec<u8>) {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::ACCEPT_LANGUAGE, "en");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request = request
            .body(body.map(Body::from).unwrap_or_else(Body::empty))
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, bytes.to_vec())
    }

    /// Opens `GET /api/v1/live` as `token`: the stream, or the refusal's status and JSON.
    pub async fn live(
        &self,
        token: Option<&str>,
        last_event_id: Option<&str>,
    ) -> Result<LiveStream, (StatusCode, Value)> {
        let mut request = Request::builder().uri("/api/v1/live");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let request = request.body(Body::empty()).unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        if status != StatusCode::OK {
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            return Err((
                status,
                serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            ));
        }
        Ok(LiveStream {
            body: response.into_body(),
            reader: SseReader::default(),
        })
    }

    /// `PUT /api/v1/photos/{id}` with these bytes as a JPEG; the status and the JSON answer.
    pub async fn put_photo(&self, token: &str, id: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        let request = Request::builder()
            .method(Method::PUT)
            .uri(format!("/api/v1/photos/{id}"))
            .header(header::ACCEPT_LANGUAGE, "en")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "image/jpeg")
            .body(Body::from(bytes))
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// Sends a request and parses the answer as JSON (or a JSON string of the text).
    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> (StatusCode, Value) {
        let (status, bytes) = self.send_raw(method, uri, token, body).await;
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        (status, value)
    }

    pub async fn sync(&self, records: Vec<DeliveryRecord>) -> SyncResponse {
        self.sync_from(0, records).await
    }

    /// Syncs as the demo courier, pulling the changes after `cursor`.
    pub async fn sync_from(&self, cursor: i64, records: Vec<DeliveryRecord>) -> SyncResponse {
        self.sync_as(&self.courier, cursor, records).await
    }

    /// Syncs as the account signed in with `token`, pulling the changes after `cursor`.
    pub async fn sync_as(
        &self,
        token: &str,
        cursor: i64,
        records: Vec<DeliveryRecord>,
    ) -> SyncResponse {
        let body = serde_json::to_string(&SyncRequest {
            cursor,
            records,
            device: None,
        })
        .unwrap();
        let (status, body) = self
            .send(Method::POST, "/api/v1/sync", Some(token), Some(body))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// Creates another station with a supervisor of its own and returns their token.
    pub async fn other_station_supervisor(&self) -> String {
        let (station_id,): (i64,) = sqlx::query_as(
            "INSERT INTO stations (name, created_at, preference_salt) VALUES ('静安站', 0, 'salt') RETURNING id",
        )
        .fetch_one(&self.db.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO accounts (station_id, username, display_name, staff_no, role, password_hash, created_at) \
             VALUES ($1, 'other-supervisor', '赵站长', 'JA-0001', 'supervisor', $2, 0)",
        )
        .bind(station_id)
        .bind(doorstep_server::auth::hash_password("other station pass"))
        .execute(&self.db.pool)
        .await
        .unwrap();
        self.login("other-supervisor", "other station pass").await
    }

    /// The supervisor's records list for this query string.
    pub async fn records_page(&self, query: &str) -> RecordPage {
        let uri = format!("/api/v1/records?{query}");
        let (status, body) = self
            .send(Method::GET, &uri, Some(&self.supervisor), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        serde_json::from_value(body).unwrap()
    }

    /// The supervisor's view of one record.
    pub async fn record_detail(&self, id: Uuid) -> RecordDetail {
        let uri = format!("/api/v1/records/{id}");
        let (status, body) = self
            .send(Method::GET, &uri, Some(&self.supervisor), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    pub async fn page(&self) -> RecordPage {
        let (status, body) = self
            .send(
                Method::GET,
                "/api/v1/records?limit=200",
                Some(&self.supervisor),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }
}

/// A fresh, empty database for one test: SQLite in a temporary directory, or, when
/// `TEST_DATABASE_URL` names a PostgreSQL server (as `cargo xtask test` does), a new database on it.
pub async fn test_database_url(dir: &std::path::Path) -> String {
    let Ok(server) = std::env::var("TEST_DATABASE_URL") else {
        return doorstep_server::db::sqlite_url(dir);
    };
    let name = format!("test_{}", Uuid::new_v4().simple());
    let admin = sqlx::PgPool::connect(&server)
        .await
        .expect("TEST_DATABASE_URL reachable");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let (base, _) = server
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL ends with /<database>");
    format!("{base}/{name}")
}

pub fn record(n: u128) -> DeliveryRecord {
    doorstep_core::testing::door_delivery(n as u64)
}

/// A locker delivery without the recipient's consent: a record the server rejects.
pub fn locker_without_consent(n: u128) -> DeliveryRecord {
    DeliveryRecord {
        method: doorstep_core::DeliveryMethod::Locker {
            bank: "3".into(),
            compartment: "12".into(),
        },
        ..record(n)
    }
}

/// A door record whose courier asked by link: locker bank 3 or the door.
pub fn with_link(n: u128, token: &str) -> DeliveryRecord {
    let mut record = record(n);
    record.link = Some(doorstep_core::testing::link_request(
        uuid::Uuid::from_u128(1000 + n),
        token,
        record.captured_at,
    ));
    record
}

/// An open live stream, read as the app reads it.
pub struct LiveStream {
    body: Body,
    reader: SseReader,
}

impl LiveStream {
    /// The next block (event or heartbeat), `None` once the server ended the stream. Panics after
    /// 10 s without one.
    pub async fn next_block(&mut self) -> Option<SseBlock> {
        let wait = std::time::Duration::from_secs(10);
        loop {
            if let Some(block) = self.reader.next_block() {
                return Some(block);
            }
            let frame = tokio::time::timeout(wait, self.body.frame())
                .await
                .expect("the live stream says something within 10 s");
            match frame {
                None => return None,
                Some(frame) => {
                    if let Ok(data) = frame.unwrap().into_data() {
                        self.reader.push(&data);
                    }
                }
            }
        }
    }

    /// The next event, past heartbeats; panics if the stream ends first.
    pub async fn next_event(&mut self) -> SseBlock {
        loop {
            let block = self.next_block().await.expect("the stream is open");
            if !block.comment {
                return block;
            }
        }
    }
}
