//! The one way the app talks to the server: JSON over `fetch` (through `gloo-net`), with the
//! server's JSON errors turned into [`ApiFailure`].

use doorstep_core::api::{
    ComplaintView, Dashboard, DeviceView, LoginRequest, LoginResponse, NoteRequest, NoteView,
    RecordDetail, RecordFilter, RecordPage, ResolveRequest, RevealRequest, RevealedIdentity,
    TariffVersion,
};
use doorstep_core::assignment::{AreaRule, AssignRequest, AssignResult, ParcelView};
use doorstep_core::coverage::{Bucket, CoverageReport};
use doorstep_core::day::Day;
use doorstep_core::manifest::ManifestPreview;
use doorstep_core::proof::{PhotoId, ProofRules};
use doorstep_core::sync::{SyncRequest, SyncResponse};
use doorstep_core::tariff::TariffTable;
use doorstep_core::Lang;
use gloo_net::http::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiFailure {
    /// No answer: offline, server down, or the request was cut.
    Network,
    /// The server answered with an error status and its JSON message.
    Http {
        status: u16,
        code: String,
        message: String,
        /// Problems by field, when the server named them (e.g. a tariff upload).
        details: Vec<FieldProblem>,
    },
}

/// A problem at one field of a request, as the server names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl ApiFailure {
    /// Whether trying again later could succeed without changing the request.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiFailure::Network => true,
            ApiFailure::Http { status, .. } => *status >= 500 || *status == 429,
        }
    }
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(serde::Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
    #[serde(default)]
    details: Vec<FieldProblem>,
}

/// A query string's pairs, unencoded.
type Query<'a> = &'a [(&'a str, String)];

/// What a request carries: JSON text, or a file's bytes as they are with their content type.
enum Body {
    Json(String),
    File(Vec<u8>, &'static str),
}

async fn call<T: DeserializeOwned>(
    method: Method,
    path: &str,
    query: Query<'_>,
    token: Option<&str>,
    body: Option<Body>,
    lang: Lang,
) -> Result<T, ApiFailure> {
    let (status, text) = send(method, path, query, token, body, lang, &[]).await?;
    parse(status, &text)
}

/// A successful answer's JSON as `T`; an empty answer reads as `null` (for `()`).
fn parse<T: DeserializeOwned>(status: u16, text: &str) -> Result<T, ApiFailure> {
    let text = if text.is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|e| bad_response(status, &e))
}

/// The request and its answer's text when the status is a success. Not generic, so the wasm
/// holds one copy of it instead of one per answer type.
async fn send(
    method: Method,
    path: &str,
    query: Query<'_>,
    token: Option<&str>,
    body: Option<Body>,
    lang: Lang,
    extra_headers: &[(&str, &str)],
) -> Result<(u16, String), ApiFailure> {
    let mut request = RequestBuilder::new(path)
        .query(query.iter().map(|(name, value)| (*name, value)))
        .header("Accept", "application/json")
        .header("Accept-Language", lang.tag());
    for (name, value) in extra_headers {
        request = request.header(name, value);
    }
    let request = signed(request, &method, token).method(method);
    let request = match body {
        Some(Body::Json(body)) => request
            .header("Content-Type", "application/json")
            .body(body),
        Some(Body::File(bytes, content_type)) => request
            .header("Content-Type", content_type)
            .body(js_sys::Uint8Array::from(bytes.as_slice())),
        None => request.build(),
    };
    // No answer at all (offline, server down, request cut) is the one `Network` failure.
    let response = request
        .map_err(|_| ApiFailure::Network)?
        .send()
        .await
        .map_err(|_| ApiFailure::Network)?;
    let text = response.text().await.map_err(|_| ApiFailure::Network)?;
    let status = response.status();
    if (200..300).contains(&status) {
        return Ok((status, text));
    }
    let (code, message, details) = match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => (body.error.code, body.error.message, body.error.details),
        // Not our server's JSON (a proxy, or a dev server): treat 5xx/404 pages as transient.
        Err(_) => (
            "unexpected".to_string(),
            format!("HTTP {status}"),
            Vec::new(),
        ),
    };
    Err(ApiFailure::Http {
        status,
        code,
        message,
        details,
    })
}

/// The request as the signed-in account's: a courier's bearer token; a supervisor's browser
/// session is an HttpOnly cookie (empty token here), whose state changes carry the CSRF token
/// from the readable cookie.
fn signed(request: RequestBuilder, method: &Method, token: Option<&str>) -> RequestBuilder {
    match token {
        Some(token) if !token.is_empty() => {
            request.header("Authorization", &format!("Bearer {token}"))
        }
        _ if *method != Method::GET => match csrf_cookie() {
            Some(csrf) => request.header("X-CSRF-Token", &csrf),
            None => request,
        },
        _ => request,
    }
}

/// Opens the live feed (`GET /live`) and gives its body as it arrives; `last_event_id`
/// resumes it after a drop. A refusal is its status only: the feed has no message to show.
pub async fn live(
    token: &str,
    last_event_id: Option<&str>,
) -> Result<web_sys::ReadableStream, ApiFailure> {
    let mut request = RequestBuilder::new("/api/v1/live").header("Accept", "text/event-stream");
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id);
    }
    let response = signed(request, &Method::GET, Some(token))
        .build()
        .map_err(|_| ApiFailure::Network)?
        .send()
        .await
        .map_err(|_| ApiFailure::Network)?;
    if !response.ok() {
        return Err(ApiFailure::Http {
            status: response.status(),
            code: "live".into(),
            message: String::new(),
            details: Vec::new(),
        });
    }
    response.body().ok_or(ApiFailure::Network)
}

/// A successful answer whose JSON is not what the app expects.
fn bad_response(status: u16, error: &serde_json::Error) -> ApiFailure {
    ApiFailure::Http {
        status,
        code: "bad_response".into(),
        message: error.to_string(),
        details: Vec::new(),
    }
}

/// The CSRF token the server set at a browser sign-in, under either cookie name.
fn csrf_cookie() -> Option<String> {
    let document: web_sys::HtmlDocument = leptos::prelude::document().dyn_into().ok()?;
    let cookies = document.cookie().ok()?;
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == "doorstep_csrf" || *name == "__Host-doorstep_csrf")
        .map(|(_, value)| value.to_string())
}

fn json(body: &impl Serialize) -> Option<Body> {
    serde_json::to_string(body).ok().map(Body::Json)
}

pub async fn login(request: &LoginRequest, lang: Lang) -> Result<LoginResponse, ApiFailure> {
    call(
        Method::POST,
        "/api/v1/auth/login",
        &[],
        None,
        json(request),
        lang,
    )
    .await
}

pub async fn logout(token: &str, lang: Lang) -> Result<(), ApiFailure> {
    call(
        Method::POST,
        "/api/v1/auth/logout",
        &[],
        Some(token),
        None,
        lang,
    )
    .await
}

/// Sends an already-serialised [`SyncRequest`], so the caller can measure and split batches.
pub async fn sync_raw(token: &str, body: String, lang: Lang) -> Result<SyncResponse, ApiFailure> {
    call(
        Method::POST,
        "/api/v1/sync",
        &[],
        Some(token),
        Some(Body::Json(body)),
        lang,
    )
    .await
}

/// The station's current tariff table, or `None` while `held_version` is still current (304).
pub async fn tariffs(
    token: &str,
    held_version: &str,
    lang: Lang,
) -> Result<Option<TariffTable>, ApiFailure> {
    let etag = format!("\"{held_version}\"");
    let result = send(
        Method::GET,
        "/api/v1/tariffs",
        &[],
        Some(token),
        None,
        lang,
        &[("If-None-Match", &etag)],
    )
    .await;
    match result {
        Ok((status, text)) => parse(status, &text).map(Some),
        Err(ApiFailure::Http { status: 304, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn sync_body(request: &SyncRequest) -> String {
    serde_json::to_string(request).unwrap_or_default()
}

/// The CSV export of the records matching `filter`, masked unless `full` (audited); a plain
/// link, since the browser session's cookie authenticates it and the browser saves the file.
pub fn export_url(filter: &RecordFilter, full: bool) -> String {
    let mut pairs = filter.pairs();
    if full {
        pairs.push(("full", "1".to_string()));
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", js_sys::encode_uri_component(value)))
        .collect();
    format!("/api/v1/records/export.csv?{}", query.join("&"))
}

/// One page of the station's records matching `filter`, after `before` when given.
pub async fn records(
    token: &str,
    filter: &RecordFilter,
    before: Option<&str>,
    lang: Lang,
) -> Result<RecordPage, ApiFailure> {
    let mut pairs = filter.pairs();
    pairs.push(("limit", "50".to_string()));
    if let Some(cursor) = before {
        pairs.push(("before", cursor.to_string()));
    }
    call(
        Method::GET,
        "/api/v1/records",
        &pairs,
        Some(token),
        None,
        lang,
    )
    .await
}

/// One record; `full` asks for the unmasked recipient, which the server writes to the audit
/// trail.
pub async fn record_detail(
    token: &str,
    id: uuid::Uuid,
    full: bool,
    lang: Lang,
) -> Result<RecordDetail, ApiFailure> {
    let query = if full {
        vec![("full", "1".to_string())]
    } else {
        Vec::new()
    };
    call(
        Method::GET,
        &format!("/api/v1/records/{id}"),
        &query,
        Some(token),
        None,
        lang,
    )
    .await
}

pub async fn add_note(
    token: &str,
    id: uuid::Uuid,
    request: &NoteRequest,
    lang: Lang,
) -> Result<NoteView, ApiFailure> {
    let path = format!("/api/v1/records/{id}/notes");
    call(Method::POST, &path, &[], Some(token), json(request), lang).await
}

/// A sender's ID number unmasked for one record, with the supervisor's reason (audited).
pub async fn reveal_identity(
    token: &str,
    id: uuid::Uuid,
    request: &RevealRequest,
    lang: Lang,
) -> Result<RevealedIdentity, ApiFailure> {
    let path = format!("/api/v1/records/{id}/identity/reveal");
    call(Method::POST, &path, &[], Some(token), json(request), lang).await
}

/// Every version of the station's tariff table, newest first.
pub async fn tariff_versions(token: &str, lang: Lang) -> Result<Vec<TariffVersion>, ApiFailure> {
    call(
        Method::GET,
        "/api/v1/tariffs/versions",
        &[],
        Some(token),
        None,
        lang,
    )
    .await
}

/// Uploads a new version of the station's tariff table, as JSON text.
pub async fn upload_tariffs(
    token: &str,
    table_json: String,
    lang: Lang,
) -> Result<TariffVersion, ApiFailure> {
    call(
        Method::POST,
        "/api/v1/tariffs",
        &[],
        Some(token),
        Some(Body::Json(table_json)),
        lang,
    )
    .await
}

/// The station's courier devices, at-risk ones first.
pub async fn devices(token: &str, lang: Lang) -> Result<Vec<DeviceView>, ApiFailure> {
    call(Method::GET, "/api/v1/devices", &[], Some(token), None, lang).await
}

/// The station's open complaints, newest first.
pub async fn complaints(token: &str, lang: Lang) -> Result<Vec<ComplaintView>, ApiFailure> {
    call(
        Method::GET,
        "/api/v1/complaints",
        &[],
        Some(token),
        None,
        lang,
    )
    .await
}

pub async fn resolve_complaint(
    token: &str,
    id: i64,
    request: &ResolveRequest,
    lang: Lang,
) -> Result<ComplaintView, ApiFailure> {
    let path = format!("/api/v1/complaints/{id}/resolve");
    call(Method::POST, &path, &[], Some(token), json(request), lang).await
}

/// The station's dashboard for the last 14 days.
pub async fn dashboard(token: &str, lang: Lang) -> Result<Dashboard, ApiFailure> {
    call(
        Method::GET,
        "/api/v1/dashboard",
        &[],
        Some(token),
        None,
        lang,
    )
    .await
}

/// Sends the day's manifest file: without `confirm` the server only previews it; with the
/// preview's fingerprint it stores it (409 when the day's parcels changed in between).
pub async fn import_manifest(
    token: &str,
    day: Day,
    file: Vec<u8>,
    confirm: Option<&str>,
    lang: Lang,
) -> Result<ManifestPreview, ApiFailure> {
    let mut query = vec![("day", day.to_string())];
    if let Some(fingerprint) = confirm {
        query.push(("confirm", fingerprint.to_string()));
    }
    let body = Some(Body::File(file, "application/octet-stream"));
    call(
        Method::POST,
        "/api/v1/manifests",
        &query,
        Some(token),
        body,
        lang,
    )
    .await
}

/// Every parcel of the day accounted for, per courier and for the station.
pub async fn coverage(token: &str, day: Day, lang: Lang) -> Result<CoverageReport, ApiFailure> {
    let query = [("day", day.to_string())];
    call(
        Method::GET,
        "/api/v1/coverage",
        &query,
        Some(token),
        None,
        lang,
    )
    .await
}

/// Parcels asked for in one call of [`parcels`]; a shorter answer is the last page.
pub const PARCEL_PAGE: usize = 100;

/// The day's parcels of one bucket, of one courier or the whole station (masked).
pub async fn parcels(
    token: &str,
    day: Day,
    courier: Option<&str>,
    bucket: Bucket,
    offset: usize,
    lang: Lang,
) -> Result<Vec<ParcelView>, ApiFailure> {
    let mut query = vec![
        ("day", day.to_string()),
        ("bucket", bucket.code().to_string()),
        ("limit", PARCEL_PAGE.to_string()),
        ("offset", offset.to_string()),
    ];
    if let Some(courier) = courier {
        query.push(("courier", courier.to_string()));
    }
    call(
        Method::GET,
        "/api/v1/parcels",
        &query,
        Some(token),
        None,
        lang,
    )
    .await
}

/// The masked CSV of the day's parcels; a plain link, like [`export_url`].
pub fn parcels_export_url(day: Day) -> String {
    format!("/api/v1/parcels/export.csv?day={day}")
}

/// Moves parcels of a day to another courier.
pub async fn assign(
    token: &str,
    request: &AssignRequest,
    lang: Lang,
) -> Result<AssignResult, ApiFailure> {
    let path = "/api/v1/parcels/assign";
    call(Method::POST, path, &[], Some(token), json(request), lang).await
}

/// The station's area rules.
pub async fn area_rules(token: &str, lang: Lang) -> Result<Vec<AreaRule>, ApiFailure> {
    call(
        Method::GET,
        "/api/v1/area-rules",
        &[],
        Some(token),
        None,
        lang,
    )
    .await
}

/// Replaces the station's area rules.
pub async fn save_area_rules(
    token: &str,
    rules: &[AreaRule],
    lang: Lang,
) -> Result<(), ApiFailure> {
    let path = "/api/v1/area-rules";
    call::<serde::de::IgnoredAny>(Method::PUT, path, &[], Some(token), json(&rules), lang)
        .await
        .map(|_| ())
}

/// The station's photo rules (couriers by token, supervisors by their session).
pub async fn proof_rules(token: &str, lang: Lang) -> Result<ProofRules, ApiFailure> {
    let path = "/api/v1/proof-rules";
    call(Method::GET, path, &[], Some(token), None, lang).await
}

/// Replaces the station's photo rules (supervisors; audited).
pub async fn save_proof_rules(
    token: &str,
    rules: &ProofRules,
    lang: Lang,
) -> Result<ProofRules, ApiFailure> {
    let path = "/api/v1/proof-rules";
    call(Method::PUT, path, &[], Some(token), json(rules), lang).await
}

/// Sends a photo's bytes under their SHA-256; the server keeps them once however often they
/// come. Answers the success status: 201 stored now, 200 already there.
pub async fn put_photo(
    token: &str,
    id: &PhotoId,
    jpeg: Vec<u8>,
    lang: Lang,
) -> Result<u16, ApiFailure> {
    let path = photo_url(id);
    let body = Some(Body::File(jpeg, "image/jpeg"));
    let sent = send(Method::PUT, &path, &[], Some(token), body, lang, &[]).await;
    sent.map(|(status, _)| status)
}

/// Where a stored photo is served; the supervisor's session cookie opens it in an `<img>`.
pub fn photo_url(id: &PhotoId) -> String {
    format!("/api/v1/photos/{id}")
}
