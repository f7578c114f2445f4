//! One module per page.

pub mod courier;
pub mod login;
pub mod supervisor;
