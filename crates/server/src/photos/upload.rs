//! Receiving a photo's bytes: checked against its name, its size and its first bytes, stored in
//! the bucket once, then recorded. A photo arrives after the record that names it; sent before,
//! it is refused with 404 and the device sends it again after its next sync.

use super::names::{self, Viewer};
use crate::body::{self, GatherError};
use crate::clock::now_ms;
use crate::error::{ApiError, Text};
use crate::session::Caller;
use crate::state::AppState;
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use doorstep_core::proof::{ImageKind, PhotoId, MAX_PHOTO_BYTES};

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    Stored,
    /// These bytes were here already (or were deleted after retention): nothing written.
    AlreadyStored,
}

pub fn parse_id(text: &str) -> Result<PhotoId, ApiError> {
    PhotoId::parse(text).map_err(|_| {
        ApiError::bad_request(
            "invalid_photo_id",
            Text::new(
                "照片编号须为其内容的 SHA-256（64 位小写十六进制）",
                "a photo id is the SHA-256 of its bytes (64 lowercase hex digits)",
            ),
        )
    })
}

pub async fn accept(
    state: &AppState,
    caller: &Caller,
    id: &PhotoId,
    headers: &HeaderMap,
    body: Body,
) -> Result<Accepted, ApiError> {
    let gathered = body::gather(headers, body, MAX_PHOTO_BYTES)
        .await
        .map_err(|e| match e {
            GatherError::TooLarge => ApiError::Refused {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                code: "photo_too_large",
                message: Text::new("照片不能超过 2 MB", "a photo is at most 2 MB"),
            },
            GatherError::Broken(e) => ApiError::bad_request(
                "invalid_body",
                Text::new(
                    "照片没有上传完整，将自动重试",
                    format!("the photo did not arrive whole ({e}); it is sent again"),
                ),
            ),
        })?;
    let kind = ImageKind::sniff(&gathered.bytes).ok_or_else(|| ApiError::Refused {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        code: "not_a_photo",
        message: Text::new(
            "只接受 JPEG、PNG 或 WebP 照片",
            "only JPEG, PNG or WebP photos are accepted",
        ),
    })?;
    if gathered.sha256 != id.as_str() {
        return Err(ApiError::bad_request(
            "photo_hash_mismatch",
            Text::new(
                "照片内容与编号不符（传输中损坏），将自动重试",
                "the bytes do not hash to the photo's id (damaged on the way); it is sent again",
            ),
        ));
    }
    if !names::may_see(&state.db, Viewer::Courier(caller.account_id), id).await? {
        return Err(ApiError::Refused {
            status: StatusCode::NOT_FOUND,
            code: "photo_not_named",
            message: Text::new(
                "没有您的记录使用这张照片：记录同步后再上传",
                "no record of yours names this photo: it is sent after its record syncs",
            ),
        });
    }
    let known: Option<(i64,)> = sqlx::query_as("SELECT stored_at FROM photos WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&state.db.pool)
        .await?;
    if known.is_some() {
        return Ok(Accepted::AlreadyStored);
    }
    // Bytes first, row second: a row always means the bytes are there. Two uploads racing both
    // write the same bytes under the same name; one row wins.
    state
        .photos
        .put(id, gathered.bytes.clone())
        .await
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    let byte_count = i64::try_from(gathered.bytes.len()).unwrap_or(i64::MAX);
    let mut tx = state.db.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO photos (id, byte_count, content_type, stored_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id.as_str())
    .bind(byte_count)
    .bind(kind.content_type())
    .bind(now_ms())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(if inserted == 1 {
        Accepted::Stored
    } else {
        Accepted::AlreadyStored
    })
}
