//! `cargo xtask test`: every test, in order from cheapest to dearest, stopping at the first
//! failure. Nothing is skipped: a missing tool is installed or the run fails.
//! `cargo xtask test --only WORD` runs just the steps whose name contains WORD.

use crate::build::{build_app, build_server};
use crate::postgres::Cluster;
use crate::process::{self, command};
use crate::tools::{ensure_tools, Toolchain, CHROMEDRIVER, CHROMIUM};
use crate::{bundle, fuzz, schemathesis};
use std::path::PathBuf;
use std::time::Instant;

/// Seconds each fuzz target runs in the test; `cargo xtask bench` runs them longer.
const FUZZ_SECONDS: u32 = 20;

/// What the steps hand on: the tools once installed, the release build once made.
#[derive(Default)]
struct Prepared {
    tools: Option<Toolchain>,
    dist: Option<PathBuf>,
}

type Step = (
    &'static str,
    Box<dyn FnOnce(&mut Prepared) -> Result<(), String>>,
);

fn cargo(args: &[&str]) -> Result<(), String> {
    process::run(command("cargo").args(args))
}

impl Prepared {
    /// The tools, installed by the "tools" step or, when a step runs alone, on first use.
    fn tools(&mut self) -> Result<&Toolchain, String> {
        if self.tools.is_none() {
            self.tools = Some(ensure_tools(true)?);
        }
        self.tools
            .as_ref()
            .ok_or_else(|| "tools were not prepared".to_string())
    }

    /// Both pages' release build, made by the "bundle budget" step or on first use.
    fn dist(&mut self) -> Result<PathBuf, String> {
        if let Some(dist) = &self.dist {
            return Ok(dist.clone());
        }
        let dist = build_app(self.tools()?)?;
        self.dist = Some(dist.clone());
        Ok(dist)
    }
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
            "photos on an S3-compatible server (moto)",
            Box::new(|_| crate::moto::test()),
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
        ("tools", Box::new(|prepared| prepared.tools().map(|_| ()))),
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
            Box::new(|prepared| {
                let tools = prepared.tools()?;
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
            "release build and bundle budget",
            Box::new(|prepared| bundle::check_budgets(&prepared.dist()?)),
        ),
        (
            "end-to-end browser tests",
            Box::new(|prepared| {
                let dist = prepared.dist()?;
                let server = build_server("dev")?;
                let tools = prepared.tools()?;
                let axe = tools.axe.as_ref().ok_or("axe-core was not installed")?;
                process::run(
                    tools
                        .command("cargo")
                        .env("AXE_CORE", axe)
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
    let mut prepared = Prepared::default();
    let mut report = Vec::new();
    let mut failure = None;
    for (name, step) in chosen {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = step(&mut prepared);
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
