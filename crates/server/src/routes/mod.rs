//! One module per API resource.

pub mod auth;
pub mod health;
pub mod records;
pub mod sync;
