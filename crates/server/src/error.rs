//! The one error type of the API: every failure becomes a JSON body `{"error": {code, message}}`
//! with a 4xx or 5xx status in the caller's language, never a bare text response.

use crate::lang::request_lang;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use doorstep_core::Lang;
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

/// Middleware for the API: runs the handler to its end in its own task (see [`crate::detach`]),
/// answers errors in the caller's language, and answers requests that take longer than
/// [`REQUEST_TIMEOUT`] with a JSON 503.
pub async fn api_context(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let lang = request_lang(request.headers());
    // The handler runs to its end even after the timeout answered or the client left.
    let handler = tokio::spawn(REQUEST_LANG.scope(lang, next.run(request)));
    REQUEST_LANG
        .scope(lang, async move {
            match tokio::time::timeout(REQUEST_TIMEOUT, handler).await {
                Ok(Ok(response)) => response,
                Ok(Err(failed)) => ApiError::Internal(Box::new(failed)).into_response(),
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
    /// A refused upload, with the status that says why (413 too large, 415 not a table, 422 a file
    /// that cannot be read as one).
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: Text,
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
            ApiError::Refused { status, code, .. } => (*status, code),
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
            | ApiError::Refused { message, .. }
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
