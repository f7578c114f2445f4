//! The server binary as a child process: a fresh data directory, a loopback port the kernel
//! picks, its log in the test's output, restarts on the same port and data, SIGKILL.

use crate::client::Api;
use crate::credentials::{Banner, Credentials};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The ID key of servers on a shared database (base64 of 32 bytes; a test key, never a real one).
pub const SHARED_ID_KEY: &str = "ZG9vcnN0ZXAgdGVzdCBrZXksIHRoaXJ0eS10d28gYnk=";

/// What to start: the binary, and the database and app it serves.
pub struct Launch {
    binary: PathBuf,
    database_url: Option<String>,
    dist: Option<PathBuf>,
    env: Vec<(String, String)>,
}

impl Launch {
    /// The binary at `binary`: `env!("CARGO_BIN_EXE_doorstep-server")` in the server's own
    /// crate, `DOORSTEP_SERVER_BIN` (set by xtask) in the app's. SQLite in a new temporary data
    /// directory unless told otherwise.
    pub fn new(binary: impl Into<PathBuf>) -> Launch {
        Launch {
            binary: binary.into(),
            database_url: None,
            dist: None,
            env: Vec::new(),
        }
    }

    /// Sets an environment variable of the server, e.g. where it keeps photos.
    pub fn env(mut self, key: &str, value: &str) -> Launch {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Serves this database instead: one PostgreSQL database several instances share, or one a
    /// benchmark loaded before the start.
    pub fn database_url(mut self, url: &str) -> Launch {
        self.database_url = Some(url.to_string());
        self
    }

    /// Serves the built app (Trunk's `dist/`) too, for the browser tests.
    pub fn dist(mut self, dist: impl Into<PathBuf>) -> Launch {
        self.dist = Some(dist.into());
        self
    }

    /// Starts the server and returns once it listens.
    pub fn start(self) -> Server {
        let data_dir = tempfile::tempdir().unwrap();
        let (child, address, banner) = spawn(&self, &data_dir, "127.0.0.1:0");
        Server {
            api: Api::new(format!("http://{address}")),
            launch: self,
            data_dir,
            address,
            child: Some(child),
            credentials: banner.credentials(),
        }
    }
}

/// A running `doorstep-server`, killed when dropped. Its address and data stay across restarts.
pub struct Server {
    launch: Launch,
    data_dir: tempfile::TempDir,
    /// `127.0.0.1:<port>`, the port the kernel gave the first start.
    address: String,
    child: Option<Child>,
    credentials: Option<Credentials>,
    api: Api,
}

impl Server {
    /// The full URL of a path on the server (`/login` → `http://127.0.0.1:<port>/login`).
    pub fn url(&self, path: &str) -> String {
        self.api.url(path)
    }

    /// The server's API, for signing in and JSON calls.
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// The demo passwords the first start printed; panics when the database was seeded before.
    pub fn credentials(&self) -> Credentials {
        self.credentials
            .clone()
            .expect("the first start on an empty database prints the demo credentials")
    }

    /// The process id, to measure the server from outside (`/proc/<pid>/…`).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("the server is running").id()
    }

    /// A `kB` line of the process's `/proc/<pid>/status` (`"VmRSS:"`, `"VmHWM:"`), in MiB.
    pub fn status_mib(&self, key: &str) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("{key} in /proc/<pid>/status"));
        kb / 1024.0
    }

    /// Starts a new peak-RSS measurement (`VmHWM` back to the current RSS).
    pub fn reset_peak(&self) {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid()), "5").unwrap();
    }

    /// The data directory, where the SQLite database is, to read it after the server stopped.
    pub fn data_dir(&self) -> &std::path::Path {
        self.data_dir.path()
    }

    /// Starts the binary again on the same port and data, after [`Server::kill`].
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "the server is already running");
        let (child, _, _) = spawn(&self.launch, &self.data_dir, &self.address);
        self.child = Some(child);
    }

    /// SIGKILL, and waits for the process to end: no shutdown, as a crash or a pulled plug. From
    /// a client's side the network is gone.
    pub fn kill(&mut self) {
        let mut child = self.child.take().expect("the server is running");
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.kill();
        }
    }
}

/// Starts the binary on `address` and reads its stdout until it listens: returns the process,
/// the address it listens on and the banner lines it printed before.
fn spawn(launch: &Launch, data_dir: &tempfile::TempDir, address: &str) -> (Child, String, Banner) {
    let mut command = Command::new(&launch.binary);
    command
        .args(["--addr", address])
        .arg("--data-dir")
        .arg(data_dir.path())
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped());
    command.env_remove("DOORSTEP_ID_KEY");
    for key in [
        "DOORSTEP_PHOTOS_DIR",
        "DOORSTEP_PHOTOS_S3_BUCKET",
        "DOORSTEP_PHOTOS_S3_ENDPOINT",
    ] {
        command.env_remove(key);
    }
    command.envs(launch.env.iter().map(|(k, v)| (k, v)));
    if let Some(url) = &launch.database_url {
        // Instances sharing a database share the ID key; on SQLite the server makes its own.
        command
            .env("DATABASE_URL", url)
            .env("DOORSTEP_ID_KEY", SHARED_ID_KEY);
    }
    if let Some(dist) = &launch.dist {
        command.arg("--dist").arg(dist);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", launch.binary.display()));
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = Banner::default();
    let listening = loop {
        // The reason it stopped, if it did, is on its stderr, which the test's shares.
        let line = lines
            .next()
            .expect("the server exited before listening")
            .unwrap();
        match line.strip_prefix("Doorstep is listening on http://") {
            Some(listening) => break listening.trim().to_string(),
            None => banner.read(&line),
        }
    };
    // Keeps draining stdout so the server never blocks on a full pipe. Its log lines (warnings
    // and errors: RUST_LOG=warn) go to the test's captured output, shown when the test fails;
    // the banner's indented links after the "listening" line are not log.
    std::thread::spawn(move || {
        let log = lines
            .map_while(Result::ok)
            .skip_while(|line| line.starts_with("  "));
        for line in log {
            eprintln!("server: {line}");
        }
    });
    (child, listening, banner)
}
