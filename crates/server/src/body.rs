//! A request body read whole into one buffer of the size the request announces, hashed as it
//! arrives, and refused as soon as it outgrows its limit. (axum's `Bytes` extractor keeps the
//! pieces and then copies them into one buffer: twice the body at its peak.)

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

/// A whole body.
pub struct Gathered {
    pub bytes: Bytes,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

#[derive(Debug)]
pub enum GatherError {
    /// Over the limit, announced or sent.
    TooLarge,
    /// The body broke off.
    Broken(axum::Error),
}

pub async fn gather(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Gathered, GatherError> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if announced.is_some_and(|length| length > limit) {
        return Err(GatherError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(announced.unwrap_or_default());
    let mut digest = Sha256::new();
    let mut stream = body.into_data_stream();
    while let Some(data) = stream.next().await {
        let data = data.map_err(GatherError::Broken)?;
        if bytes.len() + data.len() > limit {
            return Err(GatherError::TooLarge);
        }
        digest.update(&data);
        bytes.extend_from_slice(&data);
    }
    Ok(Gathered {
        bytes: Bytes::from(bytes),
        sha256: hex::encode(digest.finalize()),
    })
}
