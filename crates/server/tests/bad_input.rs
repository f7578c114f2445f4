//! Bad input on every endpoint that takes a body (issue 9): each case first stores real data (a
//! synced record with a supervisor note and a recipient's answer, an uploaded tariff table), sends
//! the bad input, checks the status, the error code and the message, and then reads the stored
//! data back to show it is byte for byte what it was.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{record, with_link, TestServer};
use doorstep_core::sync::{Ack, SyncRequest, SyncResponse};
use doorstep_core::{tariff, Violation};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const TOKEN: &str = "Bq7kLm9Pw2Xv8Rt5Yb7NcZ";
const STORED_VERSION: &str = "2026-12-stored";

/// Who sends the request.
#[derive(Clone, Copy)]
enum Caller {
    Courier,
    Supervisor,
    Anonymous,
}

/// What the answer must be: a JSON error, or the recipient page (HTML) with a message on it.
#[derive(Clone, Copy)]
enum Expect {
    Json {
        code: &'static str,
        message: &'static str,
    },
    /// A 422 naming `field` with `message` among its details.
    Field {
        field: &'static str,
        message: &'static str,
    },
    Page {
        message: &'static str,
    },
}

struct Case {
    name: &'static str,
    caller: Caller,
    uri: String,
    content_type: &'static str,
    body: Vec<u8>,
    status: StatusCode,
    expect: Expect,
}

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// The real data every case starts from: a record (asked by link) with a supervisor's note, the
/// recipient's answer "locker", and a tariff table of the station's own.
async fn server_with_data() -> TestServer {
    let server = TestServer::start().await;
    let acks = server.sync(vec![with_link(1, TOKEN)]).await.acks;
    assert_eq!(acks[0].ack, Ack::Stored);
    let (status, body) = server
        .send(
            Method::POST,
            &format!("/api/v1/records/{}/notes", record(1).id),
            Some(&server.supervisor),
            Some(json!({ "note": "请下次先打电话" }).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = server
        .send(
            Method::POST,
            "/api/v1/tariffs",
            Some(&server.supervisor),
            Some(tariff_table(STORED_VERSION).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let page = send(
        &server,
        Caller::Anonymous,
        &format!("/c/{TOKEN}"),
        FORM,
        b"choice=locker".to_vec(),
        "zh-CN",
    )
    .await;
    assert_eq!(page.0, StatusCode::SEE_OTHER, "{}", page.1);
    server
}

fn tariff_table(version: &str) -> Value {
    let mut table = serde_json::to_value(tariff::sample()).unwrap();
    table["version"] = version.into();
    table["sample"] = false.into();
    table
}

/// Everything the cases could touch, as text: records and their revisions, flags, notes, the
/// change feed, tariff tables, the audit log, the recipient's answers and complaints, and failed
/// sign-ins.
async fn stored(server: &TestServer) -> Vec<String> {
    let queries = [
        "SELECT id || '|' || CAST(revision AS TEXT) || '|' || flags || '|' || payload FROM records ORDER BY id",
        "SELECT record_id || '|' || CAST(revision AS TEXT) || '|' || fingerprint || '|' || payload FROM record_revisions ORDER BY record_id, revision",
        "SELECT record_id || '|' || flag FROM record_flags ORDER BY record_id, flag",
        "SELECT record_id || '|' || note || '|' || COALESCE(reviewed_flag, '-') FROM supervisor_notes ORDER BY id",
        "SELECT CAST(id AS TEXT) || '|' || body FROM device_changes ORDER BY id",
        "SELECT version || '|' || body FROM tariff_tables ORDER BY id",
        "SELECT CAST(seq AS TEXT) || '|' || hash FROM audit_log ORDER BY seq",
        "SELECT choice || '|' || COALESCE(time_window, '-') || '|' || COALESCE(note, '-') || '|' || CAST(decided_at AS TEXT) FROM link_decisions ORDER BY id",
        "SELECT kind || '|' || note FROM complaints ORDER BY id",
        "SELECT COALESCE(username, '-') || '|' || address FROM login_failures ORDER BY id",
    ];
    let mut rows = Vec::new();
    for query in queries {
        let found: Vec<(String,)> = sqlx::query_as(query)
            .fetch_all(&server.db.pool)
            .await
            .unwrap_or_else(|e| panic!("{query}: {e}"));
        rows.extend(found.into_iter().map(|(row,)| row));
    }
    rows
}

async fn send(
    server: &TestServer,
    caller: Caller,
    uri: &str,
    content_type: &str,
    body: Vec<u8>,
    lang: &str,
) -> (StatusCode, String) {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::CONTENT_TYPE, content_type);
    let token = match caller {
        Caller::Courier => Some(&server.courier),
        Caller::Supervisor => Some(&server.supervisor),
        Caller::Anonymous => None,
    };
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = server
        .router
        .clone()
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// A valid sync body whose first record is changed by `edit`.
fn sync_body(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut next = record(1);
    next.revision = 2;
    let mut body = serde_json::to_value(SyncRequest {
        cursor: 0,
        records: vec![next],
        device: None,
    })
    .unwrap();
    edit(&mut body["records"][0]);
    body.to_string().into_bytes()
}

/// A tariff table with `edit` applied.
fn tariff_body(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut table = tariff_table("2026-12-new");
    edit(&mut table);
    table.to_string().into_bytes()
}

/// `"…"` with a byte that is not UTF-8 in the middle of a string value.
fn with_invalid_utf8(json_prefix: &str, json_suffix: &str) -> Vec<u8> {
    let mut body = json_prefix.as_bytes().to_vec();
    body.extend_from_slice(&[0xff, 0xfe]);
    body.extend_from_slice(json_suffix.as_bytes());
    body
}

fn cases() -> Vec<Case> {
    let sync = "/api/v1/sync".to_string();
    let note = format!("/api/v1/records/{}/notes", record(1).id);
    let tariffs = "/api/v1/tariffs".to_string();
    let login = "/api/v1/auth/login".to_string();
    let choose = format!("/c/{TOKEN}?lang=en");
    let complain = format!("/c/{TOKEN}/complaint?lang=en");
    let json_error = |code, message| Expect::Json { code, message };
    let case = |name, caller, uri: &String, content_type, body: Vec<u8>, status, expect| Case {
        name,
        caller,
        uri: uri.clone(),
        content_type,
        body,
        status,
        expect,
    };
    use Caller::*;
    vec![
        // Sync batch.
        case(
            "sync: malformed JSON",
            Courier,
            &sync,
            JSON,
            b"{\"cursor\": 0, \"records\": [}".to_vec(),
            StatusCode::BAD_REQUEST,
            json_error(
                "invalid_json",
                "the body is not valid JSON: expected value at line 1, column 27",
            ),
        ),
        case(
            "sync: cut short",
            Courier,
            &sync,
            JSON,
            b"{\"cursor\": 0, \"records\": [".to_vec(),
            StatusCode::BAD_REQUEST,
            json_error("invalid_json", "the body ends before its JSON does"),
        ),
        case(
            "sync: wrong type",
            Courier,
            &sync,
            JSON,
            sync_body(|r| r["revision"] = "two".into()),
            StatusCode::BAD_REQUEST,
            json_error(
                "invalid_field",
                "records[0].revision: wrong type: expected u32",
            ),
        ),
        case(
            "sync: unknown enum value",
            Courier,
            &sync,
            JSON,
            sync_body(|r| r["method"]["type"] = "drone".into()),
            StatusCode::BAD_REQUEST,
            json_error(
                "invalid_field",
                "records[0].method.type: unknown value `drone`; use one of door, locker, station",
            ),
        ),
        case(
            "sync: missing field",
            Courier,
            &sync,
            JSON,
            sync_body(|r| {
                r.as_object_mut().unwrap().remove("waybill");
            }),
            StatusCode::BAD_REQUEST,
            json_error("invalid_field", "records[0]: missing field `waybill`"),
        ),
        case(
            "sync: oversized waybill",
            Courier,
            &sync,
            JSON,
            sync_body(|r| r["waybill"] = format!("SF{}", "1".repeat(40)).into()),
            StatusCode::BAD_REQUEST,
            json_error(
                "invalid_field",
                "records[0].waybill: A waybill number has 8 to 20 letters and digits",
            ),
        ),
        case(
            "sync: waybill in a wrong format",
            Courier,
            &sync,
            JSON,
            sync_body(|r| r["waybill"] = "SF#1234567890".into()),
            StatusCode::BAD_REQUEST,
            json_error(
                "invalid_field",
                "records[0].waybill: Only letters A–Z and digits are allowed",
            ),
        ),
        case(
            "sync: invalid UTF-8",
            Courier,
            &sync,
            JSON,
            with_invalid_utf8("{\"cursor\": 0, \"records\": [], \"x\": \"", "\"}"),
            StatusCode::BAD_REQUEST,
            json_error("invalid_json", "the body is not valid UTF-8 (at byte"),
        ),
        case(
            "sync: not JSON at all",
            Courier,
            &sync,
            "text/plain",
            b"cursor=0".to_vec(),
            StatusCode::BAD_REQUEST,
            json_error("content_type", "send the body as application/json"),
        ),
        case(
            "sync: oversized body",
            Courier,
            &sync,
            JSON,
            format!(
                "{{\"cursor\": 0, \"records\": [], \"padding\": \"{}\"}}",
                "x".repeat(doorstep_server::extract::MAX_BODY_BYTES)
            )
            .into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
            json_error("payload_too_large", "the request body is larger than"),
        ),
        // Supervisor note.
        case(
            "note: malformed JSON",
            Supervisor,
            &note,
            JSON,
            b"{note: 'x'}".to_vec(),
            StatusCode::BAD_REQUEST,
            json_error(
                "invalid_json",
                "the body is not valid JSON: key must be a string",
            ),
        ),
        case(
            "note: wrong type",
            Supervisor,
            &note,
            JSON,
            br#"{"note": 42}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            json_error("invalid_field", "note: wrong type: expected a string"),
        ),
        case(
            "note: unknown flag",
            Supervisor,
            &note,
            JSON,
            br#"{"note": "ok", "reviewed_flag": "parked_on_the_roof"}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            json_error(
                "invalid_field",
                "reviewed_flag: unknown value `parked_on_the_roof`; use one of no_consent",
            ),
        ),
        case(
            "note: oversized",
            Supervisor,
            &note,
            JSON,
            json!({ "note": "长".repeat(1001) })
                .to_string()
                .into_bytes(),
            StatusCode::BAD_REQUEST,
            json_error("invalid_note", "write a note of 1 to 1000 characters"),
        ),
        case(
            "note: only spaces",
            Supervisor,
            &note,
            JSON,
            br#"{"note": "   "}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            json_error("invalid_note", "write a note of 1 to 1000 characters"),
        ),
        case(
            "note: invalid UTF-8",
            Supervisor,
            &note,
            JSON,
            with_invalid_utf8("{\"note\": \"", "\"}"),
            StatusCode::BAD_REQUEST,
            json_error("invalid_json", "the body is not valid UTF-8 (at byte"),
        ),
        case(
            "note: record id not a UUID",
            Supervisor,
            &"/api/v1/records/not-a-uuid/notes".to_string(),
            JSON,
            br#"{"note": "ok"}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            json_error(
                "invalid_path",
                "`not-a-uuid` in the address is not valid: UUID parsing failed",
            ),
        ),
        // Tariff upload.
        case(
            "tariffs: malformed JSON",
            Supervisor,
            &tariffs,
            JSON,
            b"{\"version\": ".to_vec(),
            StatusCode::BAD_REQUEST,
            json_error("invalid_json", "the body ends before its JSON does"),
        ),
        case(
            "tariffs: invalid UTF-8",
            Supervisor,
            &tariffs,
            JSON,
            with_invalid_utf8("{\"version\": \"", "\"}"),
            StatusCode::BAD_REQUEST,
            json_error("invalid_json", "the body is not valid UTF-8 (at byte"),
        ),
        case(
            "tariffs: wrong type",
            Supervisor,
            &tariffs,
            JSON,
            tariff_body(|t| t["carriers"][0]["insurance"]["max_declared_fen"] = "lots".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            Expect::Field {
                field: "carriers[0].insurance.max_declared_fen",
                message: "wrong type: expected u32",
            },
        ),
        case(
            "tariffs: unknown zone",
            Supervisor,
            &tariffs,
            JSON,
            tariff_body(|t| t["destinations"][0]["zone"] = "moon".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            Expect::Field {
                field: "destinations[0].zone",
                message: "unknown value `moon`",
            },
        ),
        case(
            "tariffs: oversized version",
            Supervisor,
            &tariffs,
            JSON,
            tariff_body(|t| t["version"] = "v".repeat(65).into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            Expect::Field {
                field: "version",
                message: "at most 64 characters",
            },
        ),
        case(
            "tariffs: a hole in the insurance bands",
            Supervisor,
            &tariffs,
            JSON,
            tariff_body(|t| {
                let above = t["carriers"][0]["insurance"]["bands"][1]["above_fen"]
                    .as_u64()
                    .unwrap();
                t["carriers"][0]["insurance"]["bands"][1]["above_fen"] = (above + 100).into();
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Expect::Field {
                field: "carriers[0].insurance.bands[1].above_fen",
                message: "",
            },
        ),
        case(
            "tariffs: a version that exists",
            Supervisor,
            &tariffs,
            JSON,
            tariff_table(STORED_VERSION).to_string().into_bytes(),
            StatusCode::CONFLICT,
            json_error("conflict", "version 2026-12-stored exists already"),
        ),
        // Sign-in.
        case(
            "login: malformed JSON",
            Anonymous,
            &login,
            JSON,
            b"{\"username\": \"courier\"".to_vec(),
            StatusCode::BAD_REQUEST,
            json_error("invalid_json", "the body ends before its JSON does"),
        ),
        case(
            "login: wrong type",
            Anonymous,
            &login,
            JSON,
            br#"{"username": "courier", "password": 123456}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            json_error("invalid_field", "password: wrong type: expected a string"),
        ),
        case(
            "login: oversized username",
            Anonymous,
            &login,
            JSON,
            json!({ "username": "u".repeat(65), "password": "x" })
                .to_string()
                .into_bytes(),
            StatusCode::BAD_REQUEST,
            json_error("invalid_login", "a username has at most 64 characters"),
        ),
        case(
            "login: invalid UTF-8",
            Anonymous,
            &login,
            JSON,
            with_invalid_utf8("{\"username\": \"", "\", \"password\": \"x\"}"),
            StatusCode::BAD_REQUEST,
            json_error("invalid_json", "the body is not valid UTF-8 (at byte"),
        ),
        // The recipient's page: the link decision and the complaint form.
        case(
            "link decision: unknown choice",
            Anonymous,
            &choose,
            FORM,
            b"choice=helicopter".to_vec(),
            StatusCode::BAD_REQUEST,
            Expect::Page {
                message: "Choose one of the options",
            },
        ),
        case(
            "link decision: no choice",
            Anonymous,
            &choose,
            FORM,
            b"note=hello".to_vec(),
            StatusCode::BAD_REQUEST,
            Expect::Page {
                message: "Choose one of the options",
            },
        ),
        case(
            "link decision: oversized note",
            Anonymous,
            &choose,
            FORM,
            format!("choice=door&note={}", "n".repeat(201)).into_bytes(),
            StatusCode::BAD_REQUEST,
            Expect::Page {
                message: "That text is too long",
            },
        ),
        case(
            "link decision: invalid UTF-8",
            Anonymous,
            &choose,
            FORM,
            b"choice=\xff\xfe".to_vec(),
            StatusCode::BAD_REQUEST,
            Expect::Page {
                message: "Choose one of the options",
            },
        ),
        case(
            "link decision: a token that is not valid percent-encoding",
            Anonymous,
            &"/c/%FF%FE?lang=en".to_string(),
            FORM,
            b"choice=door".to_vec(),
            StatusCode::NOT_FOUND,
            Expect::Page {
                message: "This link is not valid",
            },
        ),
        case(
            "link decision: an unreadable query falls back to Chinese",
            Anonymous,
            &format!("/c/{TOKEN}?lang=en&lang=zh"),
            FORM,
            b"choice=\xff".to_vec(),
            StatusCode::BAD_REQUEST,
            Expect::Page {
                message: "请选择一种投递方式",
            },
        ),
        case(
            "complaint: unknown kind",
            Anonymous,
            &complain,
            FORM,
            b"kind=bored".to_vec(),
            StatusCode::BAD_REQUEST,
            Expect::Page {
                message: "Choose what went wrong",
            },
        ),
        case(
            "complaint: before the handover",
            Anonymous,
            &complain,
            FORM,
            b"kind=damaged".to_vec(),
            StatusCode::BAD_REQUEST,
            Expect::Page {
                message: "The parcel has not been handed over yet.",
            },
        ),
    ]
}

fn check_answer(case: &Case, status: StatusCode, body: &str) {
    let name = case.name;
    assert_eq!(status, case.status, "{name}: {body}");
    match case.expect {
        Expect::Json { code, message } => {
            let json: Value = serde_json::from_str(body)
                .unwrap_or_else(|_| panic!("{name}: not a JSON answer: {body}"));
            assert_eq!(json["error"]["code"], code, "{name}: {body}");
            let text = json["error"]["message"].as_str().unwrap_or_default();
            assert!(text.contains(message), "{name}: {text:?} lacks {message:?}");
        }
        Expect::Field { field, message } => {
            let json: Value = serde_json::from_str(body)
                .unwrap_or_else(|_| panic!("{name}: not a JSON answer: {body}"));
            assert_eq!(json["error"]["code"], "invalid_tariff_table", "{name}");
            let problem = json["error"]["details"]
                .as_array()
                .and_then(|d| d.iter().find(|p| p["field"] == field))
                .unwrap_or_else(|| panic!("{name}: no problem at {field}: {body}"));
            let text = problem["message"].as_str().unwrap_or_default();
            assert!(text.len() > 5 && text.contains(message), "{name}: {text:?}");
        }
        Expect::Page { message } => {
            assert!(body.contains("<html"), "{name}: not the page: {body}");
            assert!(body.contains(message), "{name}: lacks {message:?}: {body}");
        }
    }
}

#[tokio::test]
async fn bad_input_gets_a_precise_answer_and_changes_nothing() {
    let server = server_with_data().await;
    let before = stored(&server).await;
    assert!(
        before.len() > 5,
        "the cases start from real data: {before:?}"
    );
    for case in cases() {
        let (status, body) = send(
            &server,
            case.caller,
            &case.uri,
            case.content_type,
            case.body.clone(),
            "en",
        )
        .await;
        check_answer(&case, status, &body);
        assert_eq!(
            stored(&server).await,
            before,
            "{}: stored data changed",
            case.name
        );
    }
}

#[tokio::test]
async fn a_phone_number_in_a_wrong_format_refuses_that_record_only() {
    let server = server_with_data().await;
    let before = stored(&server).await;
    let body = sync_body(|r| r["recipient"]["phone"] = "1381234".into());
    let (status, answer) = send(&server, Caller::Courier, "/api/v1/sync", JSON, body, "en").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let answer: SyncResponse = serde_json::from_str(&answer).unwrap();
    assert_eq!(
        answer.acks[0].ack,
        Ack::Rejected {
            violations: vec![Violation::InvalidPhone],
            message: "Enter an 11-digit mainland mobile number".into(),
        }
    );
    assert_eq!(stored(&server).await, before);
}

#[tokio::test]
async fn a_batch_with_one_malformed_record_stores_none_of_it() {
    let server = server_with_data().await;
    let before = stored(&server).await;
    let mut body = serde_json::to_value(SyncRequest {
        cursor: 0,
        records: vec![record(2), record(3)],
        device: None,
    })
    .unwrap();
    body["records"][1]["captured_at"] = "yesterday".into();
    let (status, answer) = send(
        &server,
        Caller::Courier,
        "/api/v1/sync",
        JSON,
        body.to_string().into_bytes(),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert!(answer.contains("records[1].captured_at"), "{answer}");
    assert_eq!(
        stored(&server).await,
        before,
        "the good record waits for a good batch"
    );
}

type Translated<'a> = (Caller, &'a str, Vec<u8>, &'a str, &'a str, &'a str);

/// Messages built for one request come in the caller's language, with the same code.
#[tokio::test]
async fn messages_built_per_request_speak_chinese_and_english() {
    let server = server_with_data().await;
    let note = format!("/api/v1/records/{}/notes", record(1).id);
    // Who, where, what, the code, then the Chinese and the English message.
    let cases: [Translated<'_>; 6] = [
        (
            Caller::Courier,
            "/api/v1/sync",
            sync_body(|r| r["waybill"] = "SF12".into()),
            "invalid_field",
            "字段 records[0].waybill 有误：运单号应为 8–20 位字母或数字",
            "records[0].waybill: A waybill number has 8 to 20 letters and digits",
        ),
        (
            Caller::Courier,
            "/api/v1/sync",
            sync_body(|r| r["kind"] = "teleport".into()),
            "invalid_field",
            "字段 records[0].kind 有误：不支持的取值 “teleport”，可选：delivery、pickup",
            "records[0].kind: unknown value `teleport`; use one of delivery, pickup",
        ),
        (
            Caller::Supervisor,
            &note,
            json!({ "note": "" }).to_string().into_bytes(),
            "invalid_note",
            "备注须为 1 到 1000 个字符",
            "write a note of 1 to 1000 characters",
        ),
        (
            Caller::Supervisor,
            "/api/v1/tariffs",
            tariff_table(STORED_VERSION).to_string().into_bytes(),
            "conflict",
            "版本 2026-12-stored 已存在，请使用新的版本号上传",
            "version 2026-12-stored exists already: upload under a new version",
        ),
        (
            Caller::Anonymous,
            "/api/v1/auth/login",
            br#"{"password": "x"}"#.to_vec(),
            "invalid_field",
            "字段 . 有误：缺少字段 username",
            ".: missing field `username`",
        ),
        (
            Caller::Supervisor,
            "/api/v1/complaints/first/resolve",
            br#"{"reason": "ok"}"#.to_vec(),
            "invalid_path",
            "地址中的 “first” 不是有效的编号",
            "`first` in the address is not a valid id",
        ),
    ];
    for (caller, uri, body, code, zh, en) in cases {
        for (lang, message) in [("zh-CN,zh;q=0.9", zh), ("en-US", en)] {
            let (status, answer) = send(&server, caller, uri, JSON, body.clone(), lang).await;
            assert!(status.is_client_error(), "{uri}: {status} {answer}");
            let answer: Value = serde_json::from_str(&answer).unwrap();
            assert_eq!(answer["error"]["code"], code, "{answer}");
            assert_eq!(answer["error"]["message"], message, "{lang} {uri}");
        }
    }
    // A query value: the list's limit, named in both languages.
    for (lang, message) in [
        ("zh-CN", "查询参数 limit 的值有误：应为整数"),
        (
            "en",
            "the query value `limit` is wrong: invalid digit found in string",
        ),
    ] {
        let request = Request::builder()
            .uri("/api/v1/records?limit=many")
            .header(header::ACCEPT_LANGUAGE, lang)
            .header(
                header::AUTHORIZATION,
                format!("Bearer {}", server.supervisor),
            )
            .body(Body::empty())
            .unwrap();
        let response = server.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let answer: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(answer["error"]["code"], "invalid_query");
        assert_eq!(answer["error"]["message"], message, "{lang}");
    }
}
