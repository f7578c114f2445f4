//! The device's durable store: every record is committed to IndexedDB before the UI calls it
//! saved, and leaves the queue only on the server's acknowledgement.

pub mod cursor;
mod db;
mod drafts;
pub mod local;
mod outbox;
mod parcels;
mod persist;
mod photos;
mod preferences;
mod seal;
pub mod space;

pub use db::{clear_all, open, StorageError, DB_NAME};
pub use drafts::DraftStore;
pub use outbox::{Outbox, OutboxEntry, PhotoOwner, RecordNote};
pub use parcels::ParcelStore;
pub use persist::request_persistence;
pub use photos::{PhotoEntry, PhotoStore};
pub use preferences::PreferenceBook;
pub use seal::Sealer;
