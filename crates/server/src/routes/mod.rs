//! One module per API resource.

pub mod area_rules;
pub mod auth;
pub mod complaints;
pub mod coverage;
pub mod dashboard;
pub mod devices;
pub mod health;
pub mod identity;
pub mod live;
pub mod manifests;
pub mod parcels;
pub mod photos;
pub mod proof_rules;
pub mod recipient;
pub mod records;
pub mod sync;
pub mod tariffs;
