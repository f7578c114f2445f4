//! The apps' modules, as a library the two entries (courier, supervisor) share and wasm-bindgen
//! tests reach.

pub mod api;
pub mod app;
pub mod clock;
pub mod components;
pub mod device;
pub mod dial;
pub mod i18n;
pub mod install;
pub mod links;
pub mod live;
pub mod nav;
pub mod photo;
pub mod proof_rules;
pub mod routes;
pub mod session;
pub mod storage;
pub mod sw;
pub mod sync;
pub mod sync_lock;
pub mod tariffs;

pub use app::{CourierApp, SupervisorApp};
