//! Delivery records below the HTTP layer: how they are stored.

pub mod store;
