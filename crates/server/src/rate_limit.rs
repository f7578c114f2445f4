//! Fixed-window request counters in the database, so every server instance behind one
//! PostgreSQL counts the same hits.

use crate::db::Db;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::SocketAddr;

/// Counts a hit in `bucket` and says whether it is within `limit` hits per `window_ms`. A write
/// like any other: on SQLite it queues for the writer's turn instead of polling for the lock
/// behind sync batches.
pub async fn allow(
    db: &Db,
    bucket: &str,
    window_ms: i64,
    limit: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let window_start = now - now.rem_euclid(window_ms);
    let mut tx = db.begin_write().await?;
    let (hits,): (i64,) = sqlx::query_as(
        "INSERT INTO rate_counters (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + 1 \
         RETURNING hits",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_one(&mut **tx)
    .await?;
    if hits == 1 {
        // The first hit of a window clears the windows that are over, so the table stays small.
        sqlx::query("DELETE FROM rate_counters WHERE window_start < $1")
            .bind(window_start - window_ms)
            .execute(&mut **tx)
            .await?;
    }
    tx.commit().await?;
    Ok(hits <= limit)
}

/// The key for requests without connection info: tests driving the router directly.
const UNKNOWN_ADDRESS: &str = "unknown";

/// The client's IP address (IPv4 also when it arrives as IPv4-mapped IPv6), the key of the
/// per-address limit. Behind a reverse proxy every client has the proxy's address; forwarded
/// headers are not trusted because any client can set them.
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_canonical().to_string());
        Ok(ClientAddress(
            address.unwrap_or_else(|| UNKNOWN_ADDRESS.to_string()),
        ))
    }
}
