//! `cargo xtask test`: every test, in order from cheapest to dearest, stopping at the first
//! failure. Nothing is skipped: a missing tool is installed or the run fails.

use crate::build::{build_app, build_server};
use crate::postgres::Cluster;
use crate::process::{self, command};
use crate::tools::{ensure_tools, Toolchain, CHROMEDRIVER, CHROMIUM};
use std::time::Instant;

type Step = (
    &'static str,
    Box<dyn FnOnce(&mut Option<Toolchain>) -> Result<(), String>>,
);

fn cargo(args: &[&str]) -> Result<(), String> {
    process::run(command("cargo").args(args))
}

fn steps() -> Vec<Step> {
    vec![
        (
            "format",
            Box::new(|_| cargo(&["fmt", "--all", "--", "--check"])),
        ),
        (
            "lint (host)",
            Box::new(|_| {
                cargo(&[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ])
            }),
        ),
        (
            "unit, property and server tests",
            Box::new(|_| {
                cargo(&[
                    "test",
                    "--package",
                    "doorstep-core",
                    "--package",
                    "doorstep-server",
                    "--package",
                    "xtask",
                ])?;
                cargo(&["test", "--package", "doorstep-app", "--lib"])
            }),
        ),
        (
            "server tests on PostgreSQL",
            Box::new(|_| {
                let cluster = Cluster::start()?;
                process::run(
                    command("cargo")
                        .args(["test", "--package", "doorstep-server"])
                        .env("TEST_DATABASE_URL", &cluster.url),
                )
            }),
        ),
        (
            "tools",
            Box::new(|tools| {
                *tools = Some(ensure_tools(true)?);
                Ok(())
            }),
        ),
        (
            "lint (wasm)",
            Box::new(|_| {
                cargo(&[
                    "clippy",
                    "--package",
                    "doorstep-app",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ])
            }),
        ),
        (
            "wasm tests in headless Chromium",
            Box::new(|tools| {
                let tools = tools.as_ref().ok_or("tools were not prepared")?;
                // webdriver.json (repository root) passes --headless and --no-sandbox to Chromium.
                process::run(
                    tools
                        .command("cargo")
                        .args([
                            "test",
                            "--package",
                            "doorstep-app",
                            "--target",
                            "wasm32-unknown-unknown",
                        ])
                        .env(
                            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                            "wasm-bindgen-test-runner",
                        )
                        .env("CHROMEDRIVER", CHROMEDRIVER)
                        .env("WASM_BINDGEN_TEST_TIMEOUT", "60"),
                )
            }),
        ),
        (
            "end-to-end browser tests",
            Box::new(|tools| {
                let tools = tools.as_ref().ok_or("tools were not prepared")?;
                let dist = build_app(tools)?;
                let server = build_server("dev")?;
                process::run(
                    tools
                        .command("cargo")
                        .args([
                            "test",
                            "--package",
                            "doorstep-app",
                            "--test",
                            "e2e",
                            "--",
                            "--test-threads=1",
                        ])
                        .env("DOORSTEP_SERVER_BIN", server)
                        .env("DOORSTEP_DIST", dist)
                        .env("CHROMEDRIVER", CHROMEDRIVER)
                        .env("CHROMIUM", CHROMIUM),
                )
            }),
        ),
    ]
}

pub fn run() -> Result<(), String> {
    let mut tools = None;
    let mut report = Vec::new();
    let mut failure = None;
    for (name, step) in steps() {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = step(&mut tools);
        report.push((name, started.elapsed().as_secs(), result.is_ok()));
        if let Err(e) = result {
            failure = Some(format!("step \"{name}\" failed: {e}"));
            break;
        }
    }
    println!("\nsteps:");
    for (name, seconds, ok) in &report {
        println!(
            "  {:<4} {name} ({seconds} s)",
            if *ok { "ok" } else { "FAIL" }
        );
    }
    let failed = report.iter().filter(|(_, _, ok)| !ok).count();
    println!("{} passed, {failed} failed", report.len() - failed);
    match failure {
        Some(message) => Err(message),
        None => Ok(()),
    }
}
