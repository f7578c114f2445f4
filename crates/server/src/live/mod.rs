//! The live change feed: server-sent events that tell an open app something changed for it, as
//! it happens, so it fetches the change the way it always does (a courier's sync round, a
//! supervisor's reload) instead of waiting for its next trigger.
//!
//! A write transaction names what it changes ([`crate::db::WriteTx::wake`]); once it commits,
//! the [`hub`] of every instance wakes the streams that follow it ([`listen`] on PostgreSQL).

pub mod follower;
pub mod hub;
pub mod listen;
pub mod slots;
