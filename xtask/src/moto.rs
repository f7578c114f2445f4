//! moto in server mode: an S3-compatible server on loopback for the photo store's S3 test.

use crate::process::{self, first_line, root};
use std::process::Command;

const VERSION: &str = "5.2.6";

/// The `moto_server` program, installed when missing.
fn ensure_moto() -> Result<std::path::PathBuf, String> {
    let bin = crate::pyvenv::ensure("moto", &format!("moto[server]=={VERSION}"), |bin| {
        let python = bin.join("python");
        let version = first_line(
            &python.to_string_lossy(),
            &["-c", "import moto; print(moto.__version__)"],
        );
        bin.join("moto_server").exists() && version.as_deref() == Some(VERSION)
    })?;
    Ok(bin.join("moto_server"))
}

/// The `cargo xtask test` step: the server binary keeps photos in a bucket of a moto server the
/// test starts (`crates/server/tests/s3.rs`, ignored by a plain `cargo test`).
pub fn test() -> Result<(), String> {
    let moto = ensure_moto()?;
    process::run(
        Command::new("cargo")
            .current_dir(root())
            .args([
                "test",
                "--package",
                "doorstep-server",
                "--test",
                "s3",
                "--",
                "--ignored",
            ])
            .env("MOTO_SERVER", moto),
    )
}
