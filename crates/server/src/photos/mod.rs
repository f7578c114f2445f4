//! Photo proof of delivery on the server: the bucket that keeps the bytes, the station's rules,
//! which records name which photos, receiving, showing and, after the retention period, deleting
//! them.

mod bucket;
pub mod names;
pub mod retention;
pub mod rules;
pub mod serve;
pub mod upload;

pub use bucket::{Bucket, S3Config};
