//! The one error type of the API: every failure becomes a JSON body `{"error": {code, message}}`
//! with a 4xx or 5xx status, never a bare text response.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use doorstep_core::{Lang, WaybillError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use std::time::Duration;
use utoipa::ToSchema;

tokio::task_local! {
    /// The language of the request being answered, from `Accept-Language`.
    static REQUEST_LANG: Lang;
}

/// Longest time an API request may take to produce its response head (a streamed export keeps
/// streaming after it).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Middleware for the API: answers errors in the caller's language and ends requests that take
/// longer than [`REQUEST_TIMEOUT`] with a JSON 503.
pub async fn api_context(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let lang = crate::request_lang(request.headers());
    REQUEST_LANG
        .scope(lang, async move {
            match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
                Ok(response) => response,
                Err(_) => ApiError::Timeout.into_response(),
            }
        })
        .await
}

/// A message built for one request, in both languages; the caller gets theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// The English sentence, for logs.
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: Text },
    /// Well-formed JSON that breaks the rules, with each problem at its field.
    #[error("{message}")]
    Unprocessable {
        code: &'static str,
        message: Text,
        details: Vec<FieldProblem>,
    },
    #[error("sign in first")]
    Unauthorized,
    #[error("the session expired; sign in again")]
    SessionExpired,
    #[error("wrong username or password")]
    WrongCredentials,
    #[error("this account may not do that")]
    Forbidden,
    #[error("the request lacks this session's CSRF token; reload the page and try again")]
    CsrfRejected,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(Text),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// Answered with `Retry-After`, so a client knows when trying again can succeed.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the request took too long")]
    Timeout,
    #[error("internal error")]
    /// The source goes to the log, never to the client.
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `invalid_json`.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
    /// One entry per field at fault, when the request broke rules field by field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldProblem>,
}

/// A problem at one field, named by its JSON path, e.g. `carriers[0].insurance.bands[1].above_fen`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: Text) -> ApiError {
        ApiError::BadRequest { code, message }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            ApiError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::SessionExpired => (StatusCode::UNAUTHORIZED, "session_expired"),
            ApiError::WrongCredentials => (StatusCode::UNAUTHORIZED, "wrong_credentials"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::CsrfRejected => (StatusCode::FORBIDDEN, "csrf"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::PayloadTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
            }
            ApiError::TooManyRequests { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
            }
            ApiError::Timeout => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The sentence for a person, in their language.
    fn message(&self, lang: Lang) -> String {
        let zh = match self {
            ApiError::BadRequest { message, .. }
            | ApiError::Unprocessable { message, .. }
            | ApiError::Conflict(message) => return message.get(lang).to_string(),
            ApiError::Unauthorized => "请先登录",
            ApiError::SessionExpired => "登录已过期，请重新登录",
            ApiError::WrongCredentials => "用户名或密码错误",
            ApiError::Forbidden => "此账号无权进行该操作",
            ApiError::CsrfRejected => "请求缺少本次登录的防伪令牌，请刷新页面后重试",
            ApiError::NotFound => "未找到",
            ApiError::PayloadTooLarge { .. } => "请求内容过大",
            ApiError::TooManyRequests { .. } => "尝试次数过多，请稍后再试",
            ApiError::Timeout => "请求处理超时，请稍后再试",
            ApiError::Internal(_) => "服务器内部错误",
        };
        match lang {
            Lang::Zh => zh.to_string(),
            Lang::En => self.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(source) = &self {
            tracing::error!(error = %source, "request failed");
        }
        let lang = REQUEST_LANG.try_with(|lang| *lang).unwrap_or_default();
        let message = self.message(lang);
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let details = match self {
            ApiError::Unprocessable { details, .. } => details,
            _ => Vec::new(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message,
                details,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(retry_after_secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                ApiError::Conflict(Text::new("该记录已存在", "that already exists"))
            }
            sqlx::Error::RowNotFound => ApiError::NotFound,
            _ => ApiError::Internal(Box::new(err)),
        }
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge {
                limit: crate::MAX_BODY_BYTES,
            }
        } else {
            ApiError::bad_request(
                "invalid_body",
                Text::new(
                    "无法读取请求内容",
                    format!("the body could not be read: {}", rejection.body_text()),
                ),
            )
        }
    }
}

/// axum's query rejection reads `Failed to deserialize query string: <field>: <serde message>`.
impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        let text = rejection.body_text();
        let detail = text.split_once(": ").map_or(text.as_str(), |(_, d)| d);
        let message = match detail.split_once(": ") {
            Some((field, problem)) => {
                let problem = serde_message(problem);
                Text::new(
                    format!("查询参数 {field} 的值有误：{}", problem.zh),
                    format!("the query value `{field}` is wrong: {}", problem.en),
                )
            }
            None => {
                let problem = serde_message(detail);
                Text::new(
                    format!("查询参数有误：{}", problem.zh),
                    format!("the query string is wrong: {}", problem.en),
                )
            }
        };
        ApiError::bad_request("invalid_query", message)
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        use axum::extract::path::ErrorKind;
        let kind = match &rejection {
            PathRejection::FailedToDeserializePathParams(e) => Some(e.kind()),
            _ => None,
        };
        let message = match kind {
            Some(
                ErrorKind::ParseErrorAtKey { value, .. }
                | ErrorKind::ParseErrorAtIndex { value, .. }
                | ErrorKind::ParseError { value, .. },
            ) => Text::new(
                format!("地址中的 “{value}” 不是有效的编号"),
                format!("`{value}` in the address is not a valid id"),
            ),
            // A type's own parser said why, e.g. a record id that is not a UUID.
            Some(ErrorKind::DeserializeError { value, message, .. }) => Text::new(
                format!("地址中的 “{value}” 格式不对"),
                format!("`{value}` in the address is not valid: {message}"),
            ),
            _ => Text::new("地址无效", "the address is not valid"),
        };
        ApiError::bad_request("invalid_path", message)
    }
}

/// Why a JSON body was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonProblem {
    /// Not JSON at all (or not UTF-8, or cut short).
    Syntax(Text),
    /// JSON whose value at `field` has the wrong type, an unknown value or a wrong format.
    Field { field: String, message: Text },
}

/// Reads a JSON body, naming the field at fault in both languages when it does not fit `T`.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, JsonProblem> {
    // Checked whole: serde skips the bytes of an ignored value without looking at them.
    let body = std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to();
        JsonProblem::Syntax(Text::new(
            format!("请求内容不是有效的 UTF-8 文本（第 {at} 字节处）"),
            format!("the body is not valid UTF-8 (at byte {at})"),
        ))
    })?;
    let mut deserializer = serde_json::Deserializer::from_str(body);
    let error = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => match deserializer.end() {
            Ok(()) => return Ok(value),
            Err(e) => return Err(syntax_problem(&e)),
        },
        Err(e) => e,
    };
    let inner = error.inner();
    if inner.is_syntax() || inner.is_eof() || inner.is_io() {
        return Err(syntax_problem(inner));
    }
    Err(JsonProblem::Field {
        field: error.path().to_string(),
        message: serde_message(&bare_message(inner)),
    })
}

/// serde_json's message without its ` at line L column C` suffix.
fn bare_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&position).unwrap_or(&text).to_string()
}

fn syntax_problem(error: &serde_json::Error) -> JsonProblem {
    let (line, column) = (error.line(), error.column());
    JsonProblem::Syntax(if error.is_eof() {
        Text::new(
            "请求内容不完整，JSON 提前结束",
            "the body ends before its JSON does",
        )
    } else {
        Text::new(
            format!("请求内容不是有效的 JSON：第 {line} 行第 {column} 列"),
            format!(
                "the body is not valid JSON: {} at line {line}, column {column}",
                bare_message(error)
            ),
        )
    })
}

impl From<JsonProblem> for ApiError {
    fn from(problem: JsonProblem) -> Self {
        match problem {
            JsonProblem::Syntax(message) => ApiError::bad_request("invalid_json", message),
            JsonProblem::Field { field, message } => ApiError::bad_request(
                "invalid_field",
                Text::new(
                    format!("字段 {field} 有误：{}", message.zh),
                    format!("{field}: {}", message.en),
                ),
            ),
        }
    }
}

/// serde's own sentences (`missing field`, `unknown variant`, `invalid type` …), recognised by
/// their fixed openings and said in both languages; a waybill's own error by its core message.
pub fn serde_message(message: &str) -> Text {
    let quoted = |rest: &str| rest.split('`').nth(1).unwrap_or(rest).to_string();
    let expected = |rest: &str| {
        rest.split_once(", expected ")
            .map_or(String::new(), |(_, e)| e.to_string())
    };
    let about_a_field = FIELD_SENTENCES.iter().find_map(|(opening, before, after)| {
        let rest = message.strip_prefix(opening)?;
        Some((opening.trim_end(), quoted(rest), before, after))
    });
    if let Some((opening, field, before, after)) = about_a_field {
        Text::new(
            format!("{before}{field}{after}"),
            format!("{opening} `{field}`"),
        )
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        let value = quoted(rest);
        let options = options(&expected(rest));
        Text::new(
            format!("不支持的取值 “{value}”，可选：{}", options.join("、")),
            format!("unknown value `{value}`; use one of {}", options.join(", ")),
        )
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        let expected = expected(rest);
        Text::new(
            format!("类型不对，应为{}", kind_zh(&expected)),
            format!("wrong type: expected {expected}"),
        )
    } else if let Some(rest) = message
        .strip_prefix("invalid value: ")
        .or_else(|| message.strip_prefix("invalid length "))
    {
        let expected = expected(rest);
        Text::new(
            format!("取值无效，应为{}", kind_zh(&expected)),
            format!("invalid value: expected {expected}"),
        )
    } else if let Some((_, zh)) = NUMBER_ERRORS.iter().find(|(en, _)| message == *en) {
        Text::new(*zh, message)
    } else if let Some(error) = WaybillError::ALL
        .into_iter()
        .find(|e| message == e.to_string())
    {
        Text::new(error.message(Lang::Zh), error.message(Lang::En))
    } else {
        Text::new(format!("取值无效（{message}）"), message)
    }
}

/// serde's sentences about one field (opening, then the Chinese before and after the field).
const FIELD_SENTENCES: [(&str, &str, &str); 3] = [
    ("missing field ", "缺少字段 ", ""),
    ("unknown field ", "不认识的字段 ", ""),
    ("duplicate field ", "字段 ", " 重复"),
];

/// The standard library's sentences for a number that does not parse (query values), in Chinese.
const NUMBER_ERRORS: [(&str, &str); 4] = [
    ("invalid digit found in string", "应为整数"),
    ("cannot parse integer from empty string", "不能为空"),
    ("number too large to fit in target type", "数值过大"),
    ("number too small to fit in target type", "数值过小"),
];

/// The names in serde's "one of `a`, `b`" or "`a` or `b`".
fn options(expected: &str) -> Vec<String> {
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// What serde expected, said in Chinese.
fn kind_zh(expected: &str) -> String {
    let is = |words: &[&str]| words.iter().any(|w| expected.contains(w));
    if is(&[
        "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "integer",
    ]) {
        "整数".into()
    } else if is(&["f32", "f64", "float"]) {
        "数字".into()
    } else if is(&["bool"]) {
        "true 或 false".into()
    } else if is(&["UUID"]) {
        "UUID".into()
    } else if is(&["string", "char"]) {
        "字符串".into()
    } else if is(&["struct", "map"]) {
        "对象".into()
    } else if is(&["sequence", "tuple", "array"]) {
        "数组".into()
    } else {
        expected.to_string()
    }
}

/// `Query<T>` whose rejections are [`ApiError`]s: a malformed query string gets a JSON 400, not
/// axum's plain text.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `Path<T>` whose rejections are [`ApiError`]s, e.g. a record id that is not a UUID.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// A JSON body whose every rejection is an [`ApiError`] in the caller's language: wrong content
/// type, too large (413), not JSON, or a field that does not fit.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(request.headers()) {
            return Err(ApiError::bad_request(
                "content_type",
                Text::new(
                    "请以 application/json 格式发送请求内容",
                    "send the body as application/json",
                ),
            ));
        }
        let body = Bytes::from_request(request, state).await?;
        Ok(ApiJson(parse_json(&body)?))
    }
}

/// `application/json`, or a `+json` type, with any parameters.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| essence == "application/json" || essence.ends_with("+json"))
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
