//! The real `doorstep-server` binary as a child process, for the tests and benchmarks that need
//! whole processes (several instances on one database, a server's memory measured from outside).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A `doorstep-server` process, killed when dropped.
pub struct ServerProcess {
    /// The process itself, for measurements from outside (`/proc/<pid>/…`).
    pub child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
}

impl ServerProcess {
    /// Starts the binary on a free loopback port the kernel picks, and waits until it listens.
    pub fn start(database_url: &str) -> ServerProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_doorstep-server"))
            .args(["--addr", "127.0.0.1:0"])
            .env("DATABASE_URL", database_url)
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = loop {
            let line = lines.next().expect("server exited").unwrap();
            if let Some(address) = line.strip_prefix("Doorstep is listening on ") {
                break address.trim().to_string();
            }
        };
        // Keeps reading, so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        ServerProcess { child, base }
    }

    /// The full URL of an API path (`/records` → `http://…/api/v1/records`).
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
