//! Doorstep's business rules, shared by the courier app (wasm) and the server.
//!
//! Pure Rust with no I/O: everything here is deterministic and unit-tested on the host, so a rule
//! is written once and both sides enforce the same thing.

pub mod api;
pub mod assignment;
pub mod audit;
pub mod compliance;
pub mod coverage;
pub mod day;
pub mod export;
pub mod i18n;
pub mod identity;
pub mod inspection;
pub mod link;
pub mod manifest;
pub mod masking;
pub mod method;
pub mod money;
pub mod phone;
pub mod preference;
pub mod proof;
pub mod record;
pub mod role;
pub mod route;
pub mod sync;
mod tagged;
pub mod tariff;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod time;
pub mod waybill;
pub mod weight;

pub use i18n::Lang;
pub use method::MethodKind;
pub use record::{
    Address, CallResult, Consent, ConsentChannel, ConsentDecision, DeliveryMethod, DeliveryRecord,
    Disclosure, Outcome, OutcomeKind, ParcelFlags, ParcelKind, Recipient, Violation,
};
pub use role::Role;
pub use waybill::{Carrier, Waybill, WaybillError};
