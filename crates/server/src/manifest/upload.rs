//! An uploaded manifest's bytes, gathered once into one buffer of the size the request announces
//! and hashed as they arrive. (axum's `Bytes` extractor keeps the pieces and then copies them into
//! one buffer: twice the file at its peak.)

use super::decode::MAX_FILE_BYTES;
use super::read::refused;
use crate::error::{ApiError, Text};
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap};
use doorstep_core::manifest::{Problem, RowProblem};
use doorstep_core::Lang;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

/// A whole uploaded file.
pub struct Upload {
    pub bytes: Bytes,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

/// Reads the request's body; over [`MAX_FILE_BYTES`] (announced or sent) it is refused with 413,
/// a body that breaks off with 400.
pub async fn gather(headers: &HeaderMap, body: Body, lang: Lang) -> Result<Upload, ApiError> {
    let too_large = || refused(&RowProblem::new(0, None, Problem::TooLarge, lang));
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if announced.is_some_and(|length| length > MAX_FILE_BYTES) {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(announced.unwrap_or_default());
    let mut digest = Sha256::new();
    let mut stream = body.into_data_stream();
    while let Some(data) = stream.next().await {
        let data = data.map_err(|e| {
            ApiError::bad_request(
                "invalid_body",
                Text::new(
                    "文件没有上传完整，请重新上传",
                    format!("the file did not arrive whole ({e}); upload it again"),
                ),
            )
        })?;
        if bytes.len() + data.len() > MAX_FILE_BYTES {
            return Err(too_large());
        }
        digest.update(&data);
        bytes.extend_from_slice(&data);
    }
    Ok(Upload {
        bytes: Bytes::from(bytes),
        sha256: hex::encode(digest.finalize()),
    })
}
