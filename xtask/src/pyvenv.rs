//! Python tools from PyPI, each pinned in a virtualenv of its own under `target/tools/`, so
//! their dependencies never meet.

use crate::process::{self, root};
use crate::tools::ensure_root;
use std::path::PathBuf;
use std::process::Command;

/// The `bin/` of the virtualenv `target/tools/<name>` with `requirement` (e.g. `moto==5.2.6`)
/// installed; `installed` says whether what is there already is the wanted version.
pub fn ensure(
    name: &str,
    requirement: &str,
    installed: impl Fn(&PathBuf) -> bool,
) -> Result<PathBuf, String> {
    let venv = root().join("target").join("tools").join(name);
    let bin = venv.join("bin");
    if installed(&bin) {
        return Ok(bin);
    }
    if !bin.join("pip").exists() {
        println!("installing: a Python virtualenv in target/tools/{name}");
        let created = process::run(Command::new("python3").arg("-m").arg("venv").arg(&venv));
        if created.is_err() {
            // Debian splits venv and pip out of python3.
            ensure_root(
                "Python's venv module and pip",
                "apt-get install -y python3-venv python3-pip",
            )?;
            process::run(Command::new("apt-get").arg("update"))?;
            process::run(
                Command::new("apt-get")
                    .args(["install", "-y", "python3-venv", "python3-pip"])
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )?;
            process::run(
                Command::new("python3")
                    .args(["-m", "venv", "--clear"])
                    .arg(&venv),
            )?;
        }
    }
    println!("installing: {requirement} from PyPI into target/tools/{name}");
    process::run(
        Command::new(bin.join("pip"))
            .args(["install", "--disable-pip-version-check", "--quiet"])
            .arg(requirement),
    )?;
    Ok(bin)
}
