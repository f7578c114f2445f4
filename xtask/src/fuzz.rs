//! Coverage-guided fuzzing of every parser of external input with cargo-fuzz (libFuzzer) and the
//! targets in `fuzz/`. The seeds in `fuzz/corpus/<target>/` are read-only; what the fuzzer
//! learns goes to `target/fuzz-corpus/<target>/` and is kept between runs.

use crate::process::{self, first_line, root};
use std::process::{Command, Stdio};

/// 0.13.2 builds with Rust 1.95.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

pub const TARGETS: [&str; 4] = ["sync_payload", "tariff_table", "waybill", "phone"];

/// What one run measured, from libFuzzer's final statistics.
pub struct Stats {
    pub runs: u64,
    pub per_second: u64,
}

/// cargo-fuzz wants a nightly compiler for `-Z` sanitizer flags; `RUSTC_BOOTSTRAP` lets the
/// stable 1.95 toolchain accept them, so no second toolchain is needed.
fn cargo_fuzz() -> Command {
    let mut command = process::command("cargo");
    command
        .current_dir(root().join("fuzz"))
        .env("RUSTC_BOOTSTRAP", "1")
        .arg("fuzz");
    command
}

fn ensure_cargo_fuzz() -> Result<(), String> {
    let wanted = format!("cargo-fuzz {CARGO_FUZZ_VERSION}");
    if first_line("cargo", &["fuzz", "--version"]).as_deref() == Some(&wanted) {
        return Ok(());
    }
    println!("installing: cargo-fuzz {CARGO_FUZZ_VERSION}, for the fuzz targets (about 2 minutes)");
    process::run(process::command("cargo").args([
        "install",
        "--locked",
        "--version",
        CARGO_FUZZ_VERSION,
        "cargo-fuzz",
    ]))
}

/// Installs cargo-fuzz when missing and builds every target with AddressSanitizer and debug
/// assertions, so an integer overflow is a finding too.
pub fn build() -> Result<(), String> {
    ensure_cargo_fuzz()?;
    process::run(cargo_fuzz().args(["build", "--debug-assertions"]))
}

/// Fuzzes one target for `seconds`; a crash, a failed invariant or a hang fails the run and leaves
/// the input in `fuzz/artifacts/<target>/`.
pub fn run(target: &str, seconds: u32) -> Result<Stats, String> {
    let corpus = root().join("target").join("fuzz-corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
    let mut command = cargo_fuzz();
    command
        .args(["run", "--debug-assertions", target])
        .arg(&corpus)
        .arg(root().join("fuzz").join("corpus").join(target))
        .args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-timeout=10",
            "-print_final_stats=1",
        ])
        .stderr(Stdio::piped());
    println!("$ fuzz {target} for {seconds} s");
    let output = command
        .output()
        .map_err(|e| format!("cannot start cargo fuzz: {e}"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        // libFuzzer's report: the panic, the input and how to reproduce it.
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        for line in tail.into_iter().rev() {
            eprintln!("{line}");
        }
        return Err(format!("fuzz target {target} failed"));
    }
    let stat = |name: &str| {
        log.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| format!("{target}: libFuzzer printed no {name}"))
    };
    let stats = Stats {
        runs: stat("stat::number_of_executed_units:")?,
        per_second: stat("stat::average_exec_per_sec:")?,
    };
    println!(
        "  {target}: {} runs, {} per second, no failure",
        stats.runs, stats.per_second
    );
    Ok(stats)
}
