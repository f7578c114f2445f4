//! The caller's language, read from the request.

use axum::http::HeaderMap;
use doorstep_core::Lang;

/// The caller's language from `Accept-Language`; Chinese unless English comes first.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|first| Lang::from_tag(first.split(';').next().unwrap_or("").trim()))
        .unwrap_or_default()
}
