//! Response headers that protect every page and API answer: a Content-Security-Policy that lets the
//! wasm app run and nothing else, no framing, no sniffing, no referrer, and cache rules that keep
//! personal data out of shared caches while hashed assets are cached for good.

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The header set, built once from the app's own pages (courier and supervisor).
#[derive(Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
}

impl SecurityHeaders {
    /// Allows exactly the inline start-up scripts of this build's pages (by SHA-256), the app's
    /// own files and `'wasm-unsafe-eval'` for WebAssembly compilation; no other inline script or
    /// eval.
    pub fn for_pages<'a>(pages: impl IntoIterator<Item = &'a str>) -> SecurityHeaders {
        let hashes: String = pages
            .into_iter()
            .flat_map(inline_script_hashes)
            .map(|h| format!(" 'sha256-{h}'"))
            .collect();
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
             img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        );
        SecurityHeaders {
            csp: HeaderValue::from_str(&csp).expect("CSP is ASCII"),
        }
    }
}

/// Base64 SHA-256 of every inline `<script>` body, as CSP hashes them.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after_tag = &rest[start..];
        let Some(open_end) = after_tag.find('>') else {
            break;
        };
        let tag = &after_tag[..open_end];
        let body_and_more = &after_tag[open_end + 1..];
        let Some(close) = body_and_more.find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            let digest = Sha256::digest(&body_and_more.as_bytes()[..close]);
            hashes.push(base64::engine::general_purpose::STANDARD.encode(digest));
        }
        rest = &body_and_more[close..];
    }
    hashes
}

/// How long a response may be cached, by what it is.
fn cache_control(path: &str) -> &'static str {
    if path.starts_with("/api/") || path.starts_with("/c/") {
        // Personal data and one-time links: never stored by any cache.
        "no-store"
    } else if is_hashed_asset(path) {
        "public, max-age=31536000, immutable"
    } else {
        // index.html, sw.js, the manifest and icons: revalidate so updates arrive.
        "no-cache"
    }
}

/// Trunk names build outputs `name-<16 hex>.ext`; those never change content under one name.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub async fn add_security_headers(
    State(headers): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let cache = cache_control(request.uri().path());
    let mut response = next.run(request).await;
    let set = response.headers_mut();
    // A page with a policy of its own (the recipient page) keeps it.
    if !set.contains_key(header::CONTENT_SECURITY_POLICY) {
        set.insert(header::CONTENT_SECURITY_POLICY, headers.csp.clone());
    }
    set.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    set.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    set.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    set.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(self), geolocation=(), microphone=()"),
    );
    if !set.contains_key(header::CACHE_CONTROL) {
        set.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_inline_scripts_only() {
        let html = "<script type=\"module\">init()</script><script src=\"/a.js\"></script>";
        let hashes = inline_script_hashes(html);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"init()"));
        assert_eq!(hashes, vec![expected]);
    }

    #[test]
    fn csp_names_every_page_s_build_script_and_forbids_the_rest() {
        let csp = SecurityHeaders::for_pages([
            "<script>courier()</script>",
            "<script>supervisor()</script>",
        ])
        .csp;
        let csp = csp.to_str().unwrap();
        assert!(csp.contains("'wasm-unsafe-eval'"));
        for script in [&b"courier()"[..], b"supervisor()"] {
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
            assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
        }
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn cache_rules_follow_the_kind_of_file() {
        assert_eq!(cache_control("/api/v1/records"), "no-store");
        assert_eq!(cache_control("/c/abc"), "no-store");
        assert_eq!(
            cache_control("/doorstep-app-5eb6b7a939b5ba13_bg.wasm"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control("/main-6f1fd713854bae97.css"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("/sw.js"), "no-cache");
        assert_eq!(cache_control("/courier"), "no-cache");
    }
}
