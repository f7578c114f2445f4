//! Extractors whose every rejection is an [`ApiError`] in the caller's language: JSON bodies,
//! query strings and paths, with serde's messages said in both languages.

use crate::error::{ApiError, Text};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use doorstep_core::{Lang, WaybillError};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Largest request body accepted: a full sync batch with room for its envelope.
pub const MAX_BODY_BYTES: usize = 2 * doorstep_core::sync::MAX_BATCH_BYTES;

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge {
                limit: MAX_BODY_BYTES,
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
fn serde_message(message: &str) -> Text {
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
