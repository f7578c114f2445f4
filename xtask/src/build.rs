//! Building the app and the server, and `cargo xtask run`.

use crate::process::{self, root};
use crate::tools::{ensure_tools, Toolchain};
use std::path::PathBuf;

/// Builds the app into `dist/` in release mode (with wasm-opt when available).
pub fn build_app(tools: &Toolchain) -> Result<PathBuf, String> {
    let mut trunk = tools.command("trunk");
    trunk.arg("build");
    if tools.wasm_opt {
        trunk.arg("--release");
    } else {
        // Release-optimised Rust, but Trunk's release mode would insist on wasm-opt.
        trunk.args(["--cargo-profile", "release"]);
    }
    process::run(&mut trunk)?;
    Ok(root().join("dist"))
}

/// Builds the server binary with the given cargo profile and returns its path.
pub fn build_server(profile: &str) -> Result<PathBuf, String> {
    process::run(process::command("cargo").args([
        "build",
        "--package",
        "doorstep-server",
        "--profile",
        profile,
    ]))?;
    let dir = if profile == "dev" { "debug" } else { profile };
    Ok(root().join("target").join(dir).join("doorstep-server"))
}

/// `cargo xtask run`: install, build, serve on http://127.0.0.1:8080 (or as the arguments say).
pub fn run(server_args: &[String]) -> Result<(), String> {
    let tools = ensure_tools(false)?;
    let dist = build_app(&tools)?;
    let server = build_server("server")?;
    let args: Vec<&String> = server_args
        .iter()
        .skip_while(|a| a.as_str() == "--")
        .collect();
    process::run(
        process::command(&server.to_string_lossy())
            .arg("--dist")
            .arg(dist)
            .args(args),
    )
}
