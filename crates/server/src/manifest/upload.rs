//! An uploaded manifest's bytes: the whole body, up to the manifest's own limit.

use super::decode::MAX_FILE_BYTES;
use super::read::refused;
use crate::body::{self, GatherError, Gathered};
use crate::error::{ApiError, Text};
use axum::body::Body;
use axum::http::HeaderMap;
use doorstep_core::manifest::{Problem, RowProblem};
use doorstep_core::Lang;

/// Reads the request's body; over [`MAX_FILE_BYTES`] (announced or sent) it is refused with 413,
/// a body that breaks off with 400.
pub async fn gather(headers: &HeaderMap, body: Body, lang: Lang) -> Result<Gathered, ApiError> {
    body::gather(headers, body, MAX_FILE_BYTES)
        .await
        .map_err(|e| match e {
            GatherError::TooLarge => refused(&RowProblem::new(0, None, Problem::TooLarge, lang)),
            GatherError::Broken(e) => ApiError::bad_request(
                "invalid_body",
                Text::new(
                    "文件没有上传完整，请重新上传",
                    format!("the file did not arrive whole ({e}); upload it again"),
                ),
            ),
        })
}
