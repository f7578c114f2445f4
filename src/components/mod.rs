//! Components shared by several pages, one folder each with its CSS beside it.

pub mod chart;
pub mod file_drop;
pub mod header;
pub mod qr;
pub mod scanner;
