//! One module per API resource.

pub mod auth;
pub mod complaints;
pub mod dashboard;
pub mod devices;
pub mod health;
pub mod recipient;
pub mod records;
pub mod sync;
pub mod tariffs;
