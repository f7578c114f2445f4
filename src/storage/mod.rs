//! The device's durable store: every record is committed to IndexedDB before the UI calls it
//! saved, and leaves the queue only on the server's acknowledgement.

mod outbox;
mod persist;

pub use outbox::{Outbox, OutboxEntry, StorageError};
pub use persist::request_persistence;
