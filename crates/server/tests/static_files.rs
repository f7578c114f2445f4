//! The built app as the server sends it: the release build's precompressed copies to browsers
//! that accept them, the file itself to the rest, cached for good under its hashed name.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use base64::Engine;
use doorstep_server::state::AppState;
use doorstep_server::{app, db::Db};
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

#[tokio::test]
async fn hashed_code_goes_out_precompressed_when_the_browser_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
    std::fs::write(dist.join("app-0123456789abcdef_bg.wasm"), "raw wasm").unwrap();
    std::fs::write(dist.join("app-0123456789abcdef_bg.wasm.br"), "brotli wasm").unwrap();
    std::fs::write(dist.join("app-0123456789abcdef_bg.wasm.gz"), "gzip wasm").unwrap();
    let db = Db::connect(&common::test_database_url(dir.path()).await)
        .await
        .unwrap();
    let router = app(AppState::new(db, Some(dist), common::test_vault()));

    for (accepts, encoding, body) in [
        ("gzip, deflate, br", Some("br"), "brotli wasm"),
        ("gzip, deflate", Some("gzip"), "gzip wasm"),
        ("identity", None, "raw wasm"),
    ] {
        let response = router
            .clone()
            .oneshot(
                Request::get("/app-0123456789abcdef_bg.wasm")
                    .header(header::ACCEPT_ENCODING, accepts)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        assert_eq!(
            headers
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accepts}"
        );
        assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(bytes, body.as_bytes(), "{accepts}");
    }
}

#[tokio::test]
async fn each_page_is_served_on_its_own_paths_under_a_policy_admitting_both_start_up_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(dist.join("supervisor")).unwrap();
    let courier = "<!doctype html><script type=\"module\">courier()</script>";
    let supervisor = "<!doctype html><script type=\"module\">supervisor()</script>";
    std::fs::write(dist.join("index.html"), courier).unwrap();
    std::fs::write(dist.join("supervisor/index.html"), supervisor).unwrap();
    std::fs::write(
        dist.join("supervisor/doorstep-supervisor-0123456789abcdef.js"),
        "code",
    )
    .unwrap();
    let db = Db::connect(&common::test_database_url(dir.path()).await)
        .await
        .unwrap();
    let router = app(AppState::new(db, Some(dist), common::test_vault()));

    for (path, page) in [
        ("/", courier),
        ("/login", courier),
        ("/courier", courier),
        ("/supervisor", supervisor),
        ("/supervisor/records", supervisor),
        (
            "/supervisor/doorstep-supervisor-0123456789abcdef.js",
            "code",
        ),
    ] {
        let response = router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_string();
        for script in ["courier()", "supervisor()"] {
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
            assert!(csp.contains(&format!("'sha256-{hash}'")), "{path}: {csp}");
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(bytes, page.as_bytes(), "{path}");
    }
}
