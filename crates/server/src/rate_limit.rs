//! Fixed-window request counters in the database, so every server instance behind one
//! PostgreSQL counts the same hits.

use crate::db::Db;

/// Counts a hit in `bucket` and says whether it is within `limit` hits per `window_ms`.
pub async fn allow(
    db: &Db,
    bucket: &str,
    window_ms: i64,
    limit: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let window_start = now - now.rem_euclid(window_ms);
    let (hits,): (i64,) = sqlx::query_as(
        "INSERT INTO rate_counters (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + 1 \
         RETURNING hits",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_one(&db.pool)
    .await?;
    if hits == 1 {
        // The first hit of a window clears the windows that are over, so the table stays small.
        sqlx::query("DELETE FROM rate_counters WHERE window_start < $1")
            .bind(window_start - window_ms)
            .execute(&db.pool)
            .await?;
    }
    Ok(hits <= limit)
}

/// The client's address for per-address limits, or one shared key when the server was not given
/// connection info (tests driving the router directly).
pub fn client_address(extensions: &axum::http::Extensions) -> String {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "local".to_string(), |info| info.0.ip().to_string())
}
