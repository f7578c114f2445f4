//! Time as the records carry it. A leaf module: every other module may name `Millis` without
//! importing the record types.

/// Milliseconds since the Unix epoch, as read from the clock of whoever wrote the field.
pub type Millis = i64;
