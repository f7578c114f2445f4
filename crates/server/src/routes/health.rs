//! `/healthz`: whether the process is up, for load balancers and the test harness.

use axum::http::StatusCode;

/// Liveness: answers 200 while the process serves requests.
pub async fn healthz() -> StatusCode {
    StatusCode::OK
}
