//! Showing a photo to those who may see it: the courier who took it, the station's supervisors,
//! and the recipient through their link. Anyone else gets the same 404 as for a photo that does
//! not exist.

use super::names::{self, Viewer};
use crate::error::ApiError;
use crate::state::AppState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use doorstep_core::proof::PhotoId;

pub async fn photo(
    state: &AppState,
    viewer: Viewer<'_>,
    id: &PhotoId,
) -> Result<Response, ApiError> {
    if !names::may_see(&state.db, viewer, id).await? {
        return Err(ApiError::NotFound);
    }
    // The type was sniffed from the bytes when they arrived, never taken from the uploader.
    let stored: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT content_type, deleted_at FROM photos WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&state.db.pool)
            .await?;
    let Some((content_type, None)) = stored else {
        return Err(ApiError::NotFound);
    };
    let bytes = state
        .photos
        .get(id)
        .await
        .map_err(|e| ApiError::Internal(Box::new(e)))?
        .ok_or(ApiError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.as_str()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            // Named by their hash, a photo never changes; only the viewer's own browser keeps it.
            (header::CACHE_CONTROL, "private, max-age=86400, immutable"),
        ],
        bytes,
    )
        .into_response())
}
