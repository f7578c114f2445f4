//! One harness for every test and benchmark that runs the real `doorstep-server` binary: the
//! process (data directory, port, log, restart and kill), the demo passwords it prints at its
//! first start, and the API calls tests make to it.

mod client;
mod credentials;
mod process;
mod sse;

pub use client::Api;
pub use credentials::Credentials;
pub use process::{Launch, Server};
pub use sse::{LiveFeed, SseBlock, SseReader};
