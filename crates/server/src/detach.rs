//! Runs a request's handler in its own task. A client that goes away (a phone losing its signal
//! mid-sync) makes hyper drop the request's future and whatever it awaits: a transaction cut
//! between its `BEGIN` and its end stayed open on its connection, holding SQLite's write lock,
//! and sqlx refused every later `BEGIN` on that connection (`crates/server/tests/cut_requests.rs`
//! found it). In its own task the handler runs to its end, commit or rollback, whatever happens to
//! the connection; only the answer is lost.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Runs the rest of the request in its own task, for the routes outside the API (whose own
/// middleware, `error::api_context`, does the same); a panic in it is a 500.
pub async fn detach(request: Request, next: Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(failed) => {
            tracing::error!(error = %failed, "request handler failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
