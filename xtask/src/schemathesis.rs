//! Schema-driven API testing: schemathesis (from PyPI, in a virtualenv under `target/tools/`)
//! throws generated and mutated requests at the real server binary and checks every answer
//! against `/api/v1/openapi.json`: no 5xx, no dropped connection, only documented status codes,
//! content types, headers and bodies, and schema-violating requests refused.

use crate::build::build_server;
use crate::process::{self, first_line, root};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

const VERSION: &str = "4.32.5";

/// Test cases per operation and phase: about two minutes for all runs on two cores.
const MAX_EXAMPLES: &str = "100";

/// Every check but `positive_data_acceptance`: it expects a 2xx for any schema-valid request,
/// and the API has rules a schema cannot state (`from` before `to`, contiguous premium bands,
/// a note that is not only spaces), so it would flag correct 400s and 422s.
const CHECKS: [&str; 4] = [
    "--checks",
    "all",
    "--exclude-checks",
    "positive_data_acceptance",
];

/// Valid sync batches (the sync fuzz target's seeds): stored before the runs, so the review
/// endpoints answer with real records, consent and tariff evidence included.
const SEED_BATCHES: [&str; 2] = [
    "fuzz/corpus/sync_payload/door.json",
    "fuzz/corpus/sync_payload/mixed.json",
];

/// The pinned schemathesis in the project's virtualenv, installed when missing.
fn ensure_schemathesis() -> Result<PathBuf, String> {
    let wanted = format!("schemathesis, version {VERSION}");
    let bin = crate::pyvenv::ensure("venv", &format!("schemathesis=={VERSION}"), |bin| {
        let schemathesis = bin.join("schemathesis");
        first_line(&schemathesis.to_string_lossy(), &["--version"]).as_deref() == Some(&wanted)
    })?;
    Ok(bin.join("schemathesis"))
}

/// The server binary on a free loopback port with a throwaway SQLite database.
struct Server {
    child: Child,
    dir: PathBuf,
    port: u16,
    passwords: Vec<(String, String)>,
    /// Copies the server's log (its stdout after the banner) into `stdout.log`.
    log_copier: Option<JoinHandle<()>>,
}

impl Server {
    fn start(binary: &Path) -> Result<Server, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let dir =
            std::env::temp_dir().join(format!("doorstep-schemathesis-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let stderr = File::create(dir.join("stderr.log")).map_err(|e| e.to_string())?;
        let mut child = Command::new(binary)
            .arg("--addr")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--data-dir")
            .arg(dir.join("data"))
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("no server stdout")?;
        let mut server = Server {
            child,
            dir,
            port,
            passwords: Vec::new(),
            log_copier: None,
        };
        let mut lines = BufReader::new(stdout).lines();
        loop {
            let line = lines
                .next()
                .ok_or("the server exited before listening")?
                .map_err(|e| e.to_string())?;
            if let Some((_, account)) = line.split_once("username: ") {
                let mut words = account.split_whitespace();
                if let (Some(user), Some("password:"), Some(password)) =
                    (words.next(), words.next(), words.next())
                {
                    server.passwords.push((user.into(), password.into()));
                }
            } else if line.starts_with("Doorstep is listening") {
                break;
            }
        }
        // The rest of stdout is the server's log, read after the runs.
        let mut log = File::create(server.dir.join("stdout.log")).map_err(|e| e.to_string())?;
        server.log_copier = Some(std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let _ = writeln!(log, "{line}");
            }
        }));
        Ok(server)
    }

    fn password(&self, user: &str) -> Result<&str, String> {
        self.passwords
            .iter()
            .find(|(u, _)| u == user)
            .map(|(_, p)| p.as_str())
            .ok_or_else(|| format!("the server printed no password for {user}"))
    }

    /// One HTTP/1.1 request on its own connection: the status and the body.
    fn request(
        &self,
        path: &str,
        token: Option<&str>,
        body: &str,
    ) -> Result<(u16, String), String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n{auth}Connection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .map_err(|e| e.to_string())?;
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .map_err(|e| e.to_string())?;
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("not an HTTP answer to {path}: {head}"))?;
        Ok((status, body.to_string()))
    }

    fn token(&self, user: &str) -> Result<String, String> {
        let body = format!(
            "{{\"username\": \"{user}\", \"password\": \"{}\"}}",
            self.password(user)?
        );
        let (status, body) = self.request("/api/v1/auth/login", None, &body)?;
        body.split_once("\"token\":\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(token, _)| token.to_string())
            .filter(|_| status == 200)
            .ok_or_else(|| format!("{user} could not sign in ({status}): {body}"))
    }

    /// Stops the server and returns the panics (stderr) and errors it logged: each one a 500 or
    /// a dropped connection.
    fn stop(&mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(copier) = self.log_copier.take() {
            let _ = copier.join();
        }
        ["stderr.log", "stdout.log"]
            .iter()
            .filter_map(|f| std::fs::read_to_string(self.dir.join(f)).ok())
            .flat_map(|log| {
                log.lines()
                    .filter(|l| l.contains("panicked") || l.contains(" ERROR "))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The `cargo xtask test` step: every operation, as the role that may call it, then sign-out last
/// (it revokes the token it is called with). Fails on any schemathesis failure or logged panic.
pub fn run() -> Result<(), String> {
    let schemathesis = ensure_schemathesis()?;
    let mut server = Server::start(&build_server("dev")?)?;
    // Every token first: the supervisor run signs in with wrong passwords again and again, which a
    // login rate limit may answer with 429 for a while.
    let courier = server.token("courier")?;
    let supervisor = server.token("supervisor")?;
    let signing_out = server.token("supervisor")?;
    for batch in SEED_BATCHES {
        let body =
            std::fs::read_to_string(root().join(batch)).map_err(|e| format!("{batch}: {e}"))?;
        let (status, answer) = server.request("/api/v1/sync", Some(&courier), &body)?;
        if status != 200 || answer.contains("\"rejected\"") || answer.contains("\"conflict\"") {
            return Err(format!("{batch} was not stored ({status}): {answer}"));
        }
    }
    let work = root().join("target").join("schemathesis");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let url = format!("http://127.0.0.1:{}/api/v1/openapi.json", server.port);
    let runs: [(&str, String, &[&str]); 3] = [
        // Couriers sync, read tariffs and proof rules and send photos; their 403s elsewhere are covered by the supervisor run.
        (
            "courier",
            courier,
            &[
                "--include-path-regex",
                "^/(sync|me|tariffs|photos|proof-rules)",
            ],
        ),
        // `/live` never ends: each of its cases would last the whole request timeout. Its
        // refusals and events are checked by crates/server/tests/live.rs and the access matrix.
        (
            "supervisor",
            supervisor,
            &["--exclude-path", "/auth/logout", "--exclude-path", "/live"],
        ),
        ("sign-out", signing_out, &["--include-path", "/auth/logout"]),
    ];
    let mut failed = Vec::new();
    for (name, token, filter) in runs {
        println!("\nschemathesis as {name}:");
        let result = process::run(
            Command::new(&schemathesis)
                .current_dir(&work)
                .arg("run")
                .arg(&url)
                .args(CHECKS)
                .args(["--max-examples", MAX_EXAMPLES])
                .args(["--generation-database", "none", "--request-timeout", "30"])
                .arg("--header")
                .arg(format!("Authorization: Bearer {token}"))
                .args(filter),
        );
        if result.is_err() {
            failed.push(name);
        }
    }
    let logged = server.stop();
    if !logged.is_empty() {
        return Err(format!(
            "the server logged {} panics or errors:\n{}",
            logged.len(),
            logged.join("\n")
        ));
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "schemathesis found failures as {}",
            failed.join(", ")
        ))
    }
}
