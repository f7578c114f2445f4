//! Doorstep's server: the JSON API under `/api/v1` and the built app.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod body;
pub mod changes;
pub mod clock;
pub mod db;
pub mod detach;
pub mod devices;
pub mod error;
pub mod extract;
pub mod id_vault;
pub mod lang;
pub mod links;
pub mod live;
pub mod login_limit;
pub mod manifest;
pub mod photos;
pub mod rate_limit;
pub mod records;
pub mod routes;
pub mod security;
pub mod seed;
pub mod session;
pub mod state;
pub mod turns;

use crate::extract::MAX_BODY_BYTES;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{Json, Router};
use doorstep_core::api::SUPERVISOR_PATH;
use std::path::Path;
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Doorstep API", description = "Courier doorstep records, sync and review."),
    servers((url = "/api/v1"))
)]
struct ApiDoc;

/// The whole HTTP application, built once: tests drive it with `oneshot`, `main` serves it.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(routes::auth::login))
        .routes(routes!(routes::auth::logout))
        .routes(routes!(routes::auth::me))
        .routes(routes!(routes::sync::sync))
        .routes(routes!(routes::records::list))
        .routes(routes!(routes::records::detail))
        .routes(routes!(routes::records::add_note))
        .routes(routes!(routes::identity::reveal))
        .routes(routes!(routes::records::export_csv))
        .routes(routes!(routes::dashboard::dashboard))
        .routes(routes!(routes::live::follow))
        .routes(routes!(
            routes::tariffs::current_table,
            routes::tariffs::upload
        ))
        .routes(routes!(routes::tariffs::versions))
        .routes(routes!(routes::complaints::list))
        .routes(routes!(routes::devices::list))
        .routes(routes!(routes::complaints::resolve))
        .routes(routes!(routes::tariffs::version))
        .routes(routes!(routes::coverage::coverage))
        .routes(routes!(routes::parcels::list))
        .routes(routes!(routes::parcels::export_csv))
        .routes(routes!(routes::parcels::assign))
        .routes(routes!(
            routes::area_rules::list,
            routes::area_rules::replace
        ))
        .routes(routes!(
            routes::proof_rules::current,
            routes::proof_rules::replace
        ))
        // The manifest and photos read their own bodies, with their own limits: a day's file is
        // far larger than a sync batch.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(routes::manifests::import))
                .routes(routes!(routes::photos::put, routes::photos::get))
                .layer(DefaultBodyLimit::disable()),
        )
        .split_for_parts();
    let mut openapi = serde_json::to_value(openapi).expect("the OpenAPI document serialises");
    registry_formats(&mut openapi);
    let openapi = Arc::new(openapi);
    let api = api
        .route(
            "/openapi.json",
            get(move || async move { Json(openapi.as_ref().clone()) }),
        )
        .fallback(|| async { error::ApiError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(error::api_context));
    let mut router = Router::new()
        .route("/healthz", get(routes::health::healthz))
        .route(
            "/c/{token}",
            get(routes::recipient::page).post(routes::recipient::choose),
        )
        .route(
            "/c/{token}/complaint",
            axum::routing::post(routes::recipient::complain),
        )
        .route("/c/{token}/photos/{id}", get(routes::recipient::photo))
        .route_layer(axum::middleware::from_fn(detach::detach))
        .nest("/api/v1", api);
    let supervisor_dir = SUPERVISOR_PATH.trim_start_matches('/');
    let pages: Vec<String> = state
        .dist
        .iter()
        .flat_map(|d| {
            [
                d.join("index.html"),
                d.join(supervisor_dir).join("index.html"),
            ]
        })
        .filter_map(|page| std::fs::read_to_string(page).ok())
        .collect();
    if let Some(dist) = &state.dist {
        // Two pages, each with its own bundle: the supervisor's under `/supervisor`, the
        // courier's (`/`, `/login`, `/courier`) everywhere else.
        router = router
            .nest_service(SUPERVISOR_PATH, single_page_app(&dist.join(supervisor_dir)))
            .fallback_service(single_page_app(dist));
    }
    let headers = Arc::new(security::SecurityHeaders::for_pages(
        pages.iter().map(String::as_str),
    ));
    router
        .layer(axum::middleware::from_fn_with_state(
            headers,
            security::add_security_headers,
        ))
        .with_state(state)
}

/// Serves the files of a built page's directory, and its `index.html` for every other path (its
/// client-side routes). Release builds carry brotli and gzip copies of the code (`cargo xtask
/// precache`).
fn single_page_app(dir: &Path) -> ServeDir<ServeFile> {
    ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(dir.join("index.html")))
}

/// utoipa writes unsigned integer formats in kebab case (`u-int32`); the OpenAPI format registry
/// and the tools that read it spell them `uint32`.
fn registry_formats(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(format)) = map.get_mut("format") {
                if let Some(bits) = format.strip_prefix("u-int") {
                    *format = format!("uint{bits}");
                }
            }
            map.values_mut().for_each(registry_formats);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(registry_formats),
        _ => {}
    }
}
