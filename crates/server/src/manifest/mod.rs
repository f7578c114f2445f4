//! The day's parcels below the HTTP layer: reading a manifest file, importing it, moving
//! parcels between couriers, the area rules, and the day's coverage and views.

pub mod assign;
pub mod day;
pub mod decode;
pub mod export;
pub mod lookup;
pub mod read;
pub mod rules;
pub mod store;
pub mod upload;
