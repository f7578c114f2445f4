//! A throwaway PostgreSQL cluster on a loopback port for the server tests: Debian's `postgresql`
//! (installed when missing), started in a temporary directory, removed afterwards.

use crate::process::{self, first_line};
use crate::tools::ensure_root;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    /// `postgres://…/postgres`: tests create their own databases on it.
    pub url: String,
}

/// The newest installed server's bin directory, e.g. `/usr/lib/postgresql/15/bin`.
fn server_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    first_line("id", &["-u"]).as_deref() == Some("0")
}

/// PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user.
fn as_postgres(program: PathBuf) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

impl Cluster {
    pub fn start() -> Result<Cluster, String> {
        let bin = match server_bin() {
            Some(bin) => bin,
            None => {
                ensure_root(
                    "PostgreSQL for the server tests",
                    "apt-get install -y postgresql",
                )?;
                println!(
                    "installing: Debian's postgresql, to run the server tests on PostgreSQL too"
                );
                process::run(Command::new("apt-get").arg("update"))?;
                process::run(
                    Command::new("apt-get")
                        .args(["install", "-y", "postgresql"])
                        .env("DEBIAN_FRONTEND", "noninteractive"),
                )?;
                server_bin().ok_or("postgresql installed but initdb not found")?
            }
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let dir = std::env::temp_dir().join(format!("doorstep-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        if is_root() {
            process::run(Command::new("chown").arg("postgres").arg(&dir))?;
        }
        let data = dir.join("data");
        process::run(
            as_postgres(bin.join("initdb"))
                .arg("-D")
                .arg(&data)
                .args([
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C",
                ])
                .stdout(std::process::Stdio::null()),
        )?;
        // Loopback only, socket in our own directory, no fsync: it is thrown away afterwards.
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            dir.display()
        );
        let cluster = Cluster {
            bin: bin.clone(),
            dir: dir.clone(),
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        };
        process::run(
            as_postgres(bin.join("pg_ctl"))
                .arg("-D")
                .arg(&data)
                .args(["-o", &options, "-l"])
                .arg(dir.join("server.log"))
                .args(["-w", "start"]),
        )?;
        Ok(cluster)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_postgres(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "stop"])
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
