//! Delivery records below the HTTP layer: how they are stored, selected and exported.

pub mod export;
pub mod identities;
pub mod query;
pub mod store;
