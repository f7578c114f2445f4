//! `cargo xtask test`: every test, in order from cheapest to dearest, stopping at the first
//! failure. Nothing is skipped: a missing tool is installed or the run fails.
//! `cargo xtask test --only WORD` runs just the steps whose name contains WORD.

use crate::build::{build_app, build_server};
use crate::postgres::Cluster;
use crate::process::{self, command};
use crate::tools::{ensure_tools, Toolchain, CHROMEDRIVER, CHROMIUM};
use crate::{fuzz, schemathesis};
use std::time::Instant;

/// Seconds each fuzz target runs in the test; `cargo xtask bench` runs them longer.
const FUZZ_SECONDS: u32 = 20;

type Step = (
    &'static str,
    Box<dyn FnOnce(&mut Option<Toolchain>) -> Result<(), String>>,
);

fn cargo(args: &[&str]) -> Result<(), String> {
    process::run(command("cargo").args(args))
}

/// The tools, installed by the "tools" step or, when a step runs alone, on first use.
fn prepared(tools: &mut Option<Toolchain>) -> Result<&Toolchain, String> {
    if tools.is_none() {
        *tools = Some(ensure_tools(true)?);
    }
    tools
        .as_ref()
        .ok_or_else(|| "tools were not prepared".to_string())
}

fn steps() -> Vec<Step> {
    vec![
        (
            "format",
            Box::new(|_| {
                cargo(&["fmt", "--all", "--", "--check"])?;
                cargo(&["fmt", "--manifest-path", "fuzz/Cargo.toml", "--", "--check"])
            }),
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
                ])?;
                // The fuzz targets are a workspace of their own.
                cargo(&[
                    "clippy",
                    "--manifest-path",
                    "fuzz/Cargo.toml",
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
                    "doorstep-testkit",
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
            "API schema (schemathesis)",
            Box::new(|_| schemathesis::run()),
        ),
        (
            "fuzz (short)",
            Box::new(|_| {
                fuzz::build()?;
                for target in fuzz::TARGETS {
                    fuzz::run(target, FUZZ_SECONDS)?;
                }
                Ok(())
            }),
        ),
        ("tools", Box::new(|tools| prepared(tools).map(|_| ()))),
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
                let tools = prepared(tools)?;
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
                let tools = prepared(tools)?;
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

pub fn run(args: &[String]) -> Result<(), String> {
    let only = match args {
        [] => None,
        [flag, word] if flag == "--only" => Some(word.as_str()),
        _ => return Err("usage: cargo xtask test [--only WORD]".into()),
    };
    let chosen: Vec<Step> = steps()
        .into_iter()
        .filter(|(name, _)| only.is_none_or(|word| name.contains(word)))
        .collect();
    if chosen.is_empty() {
        return Err(format!("no step's name contains {:?}", only.unwrap_or("")));
    }
    let mut tools = None;
    let mut report = Vec::new();
    let mut failure = None;
    for (name, step) in chosen {
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
