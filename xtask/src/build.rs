//! Building the app and the server, and `cargo xtask run`.

use crate::process::{self, root};
use crate::tools::{ensure_tools, Toolchain};
use std::path::PathBuf;

/// The supervisor page's subdirectory of `dist/` and its URL path; the server and the app place
/// it by `doorstep_core::api::SUPERVISOR_PATH` (xtask does not build the core for one string; the
/// end-to-end tests fail if the two disagree).
pub const SUPERVISOR_DIR: &str = "supervisor";

/// Builds both pages into `dist/` in release mode (with wasm-opt when available): the courier
/// page (`index.html`, with the service worker) first, because each Trunk build replaces its
/// dist dir, then the supervisor page into `dist/supervisor`.
pub fn build_app(tools: &Toolchain) -> Result<PathBuf, String> {
    let dist = root().join("dist");
    process::run(&mut trunk_build(tools, "index.html"))?;
    process::run(
        trunk_build(tools, "supervisor.html")
            .arg("--dist")
            .arg(dist.join(SUPERVISOR_DIR))
            .arg("--public-url")
            .arg(format!("/{SUPERVISOR_DIR}/")),
    )?;
    Ok(dist)
}

/// `trunk build` of `page` in release mode; its output options follow as arguments.
fn trunk_build(tools: &Toolchain, page: &str) -> std::process::Command {
    let mut trunk = tools.command("trunk");
    // The page comes first: `--release` takes an optional value.
    trunk.args(["build", page]);
    if tools.wasm_opt {
        trunk.arg("--release");
    } else {
        // Release-optimised Rust, but Trunk's release mode would insist on wasm-opt.
        trunk.args(["--cargo-profile", "release"]);
    }
    trunk
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
