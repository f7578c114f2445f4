//! `cargo xtask bench`: measures the figures the README quotes, prints a table and writes the
//! same figures to `target/bench/summary.json`. `--only fuzz` runs just the long fuzzing,
//! `--only lighthouse` just the Lighthouse page audits, `--only soak` just the soak.

use crate::build::{build_app, build_server, SUPERVISOR_DIR};
use crate::postgres::Cluster;
use crate::process::{command, root};
use crate::tools::{
    ensure_lighthouse, ensure_tools, ensure_wrk, Toolchain, CHROMEDRIVER, CHROMIUM,
};
use crate::{bundle, fuzz};
use std::path::Path;
use std::process::{Command, Stdio};

/// One measured figure, with the target it is held against (if any).
struct Figure {
    name: String,
    value: f64,
    unit: String,
    target: Option<String>,
}

/// Seconds each fuzz target runs here: long enough to reach the deeper states of the JSON targets.
const FUZZ_SECONDS: u32 = 300;

pub fn run(args: &[String]) -> Result<(), String> {
    let only = match args {
        [] => None,
        [flag, word]
            if flag == "--only" && matches!(word.as_str(), "fuzz" | "lighthouse" | "soak") =>
        {
            Some(word.as_str())
        }
        _ => return Err("usage: cargo xtask bench [--only fuzz|lighthouse|soak]".into()),
    };
    let mut figures = match only {
        Some("fuzz") => fuzzing()?,
        Some("soak") => server_benches(&["soak"])?,
        Some(_) => {
            let tools = ensure_tools(true)?;
            let dist = build_app(&tools)?;
            lighthouse(&tools, &dist, &build_server("server")?)?
        }
        None => {
            let mut figures = app_and_server()?;
            figures.extend(fuzzing()?);
            figures
        }
    };
    for figure in &mut figures {
        figure.target = target_for(&figure.name);
    }
    print_table(&figures);
    write_json(&figures)
}

/// Every fuzz target for [`FUZZ_SECONDS`]; a finding fails the benchmark like a failed test.
fn fuzzing() -> Result<Vec<Figure>, String> {
    fuzz::build()?;
    fuzz::TARGETS
        .iter()
        .map(|target| {
            let stats = fuzz::run(target, FUZZ_SECONDS)?;
            Ok(Figure {
                name: format!("fuzz {target}, {FUZZ_SECONDS} s"),
                value: stats.per_second as f64,
                unit: "exec/s".into(),
                target: None,
            })
        })
        .collect()
}

fn app_and_server() -> Result<Vec<Figure>, String> {
    let tools = ensure_tools(true)?;
    let dist = build_app(&tools)?;
    let mut figures = transfer_sizes(&dist)?;
    figures.extend(server_benches(&[
        "ingest",
        "supervisor",
        "manifest",
        "photos",
        "live",
        "soak",
    ])?);
    let server = build_server("server")?;
    for bench in ["browser_sync", "browser_route", "browser_photo"] {
        figures.extend(bench_binary(&mut browser_bench(
            &tools, bench, &dist, &server,
        ))?);
    }
    figures.extend(lighthouse(&tools, &dist, &server)?);
    Ok(figures)
}

/// The server crate's benchmarks: on SQLite, and on PostgreSQL too when a cluster can start here.
fn server_benches(benches: &[&str]) -> Result<Vec<Figure>, String> {
    let mut figures = Vec::new();
    let cluster = match Cluster::start() {
        Ok(cluster) => Some(cluster),
        Err(e) => {
            println!("PostgreSQL figures skipped: the throwaway cluster did not start: {e}");
            None
        }
    };
    let wrk = ensure_wrk();
    for bench in benches {
        let mut cargo = command("cargo");
        cargo.args(["bench", "--package", "doorstep-server", "--bench", bench]);
        if let Some(cluster) = &cluster {
            cargo.env("BENCH_DATABASE_URL", &cluster.url);
        }
        if let Some(wrk) = wrk {
            cargo.env("WRK", wrk);
        }
        figures.extend(bench_binary(&mut cargo)?);
    }
    Ok(figures)
}

/// A benchmark of the app crate that starts the real server with `dist` and drives Chromium.
fn browser_bench(tools: &Toolchain, bench: &str, dist: &Path, server: &Path) -> Command {
    let mut command = tools.command("cargo");
    command
        .args(["bench", "--package", "doorstep-app", "--bench", bench])
        .env("DOORSTEP_SERVER_BIN", server)
        .env("DOORSTEP_DIST", dist)
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("CHROMIUM", CHROMIUM);
    command
}

/// Lighthouse's mobile audit of the courier app, the recipient page and the supervisor page.
fn lighthouse(tools: &Toolchain, dist: &Path, server: &Path) -> Result<Vec<Figure>, String> {
    let lighthouse = ensure_lighthouse()?;
    bench_binary(browser_bench(tools, "lighthouse", dist, server).env("LIGHTHOUSE", lighthouse))
}

/// The README's targets, matched by figure name.
fn target_for(name: &str) -> Option<String> {
    let target = if name.ends_with(" bundle wasm+js+css, brotli 11") {
        "<= 200 KiB"
    } else if name.starts_with("Lighthouse ") && name.ends_with(", accessibility") {
        "= 100"
    } else if name == "Lighthouse courier app, performance" {
        ">= 95"
    } else if name == "Lighthouse recipient page, performance" {
        ">= 98"
    } else if name.starts_with("browser sync of 1000") || name.starts_with("route on screen") {
        "<= 1500 ms"
    } else if name.starts_with("route ") && name.ends_with("4x CPU throttle, p95") {
        "<= 50 ms"
    } else if name.contains("HTTP/raw ratio") || name.contains("wrk/raw ratio") {
        ">= 0.5"
    } else if name.starts_with("ingest ")
        && (name.contains(": HTTP, ") && name.ends_with("clients")
            || name.contains(": wrk, ") && name.ends_with("connections"))
    {
        ">= 10000 rec/s"
    } else if name.starts_with("ingest ") && name.contains(": small syncs") && name.ends_with("p99")
    {
        "<= 50 ms"
    } else if name.starts_with("soak ")
        && (name.ends_with("acknowledged records lost")
            || name.ends_with("records stored twice or unacknowledged"))
    {
        "= 0"
    } else if name.contains("batch p99") {
        "<= 100 ms"
    } else if name.starts_with("supervisor ") && name.ends_with(" p95") {
        "<= 50 ms"
    } else if name.starts_with("manifest ") && name.ends_with("preview + confirm, time")
        || name.ends_with("export all rows, time")
    {
        "<= 10 s"
    } else if name.starts_with("photos ") && name.ends_with("one device, time") {
        "<= 5 s"
    } else if name.starts_with("photo 4000x3000") && name.contains("chosen to thumbnail") {
        "<= 1000 ms"
    } else if name.starts_with("photo 4000x3000") && name.ends_with("stored size") {
        "<= 250 kB"
    } else if name.ends_with("export, RSS growth") {
        // "Flat memory": what the export adds to the server stays small whatever the row count.
        "<= 64 MiB"
    } else {
        return None;
    };
    Some(target.to_string())
}

/// Runs a benchmark binary and collects the figures it prints as `BENCH {json}` lines.
fn bench_binary(command: &mut Command) -> Result<Vec<Figure>, String> {
    println!("$ {command:?}");
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("benchmark failed: {command:?}"));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("BENCH "))
        .map(parse_figure)
        .collect()
}

/// Parses `{"name": "…", "value": 1.5, "unit": "ms"}` as the benchmarks print it.
fn parse_figure(json: &str) -> Result<Figure, String> {
    let field = |key: &str| -> Option<&str> {
        let start = json.find(&format!("\"{key}\": "))? + key.len() + 4;
        let rest = &json[start..];
        let end = match rest.strip_prefix('"') {
            Some(quoted) => quoted.find('"')? + 2,
            None => rest.find([',', '}'])?,
        };
        Some(rest[..end].trim())
    };
    let text = |key: &str| field(key).map(|v| v.trim_matches('"').to_string());
    let bad = || format!("unreadable benchmark line: {json}");
    Ok(Figure {
        name: text("name").ok_or_else(bad)?,
        value: field("value")
            .and_then(|v| v.parse().ok())
            .ok_or_else(bad)?,
        unit: text("unit").ok_or_else(bad)?,
        target: None,
    })
}

/// Bytes of each page's code and styles as stored, gzip -9 and brotli 11: what a phone
/// downloads on first visit. The courier page's files sit directly in `dist`, the supervisor's
/// in its subdirectory.
fn transfer_sizes(dist: &Path) -> Result<Vec<Figure>, String> {
    let mut figures = bundle_sizes("courier", dist)?;
    figures.extend(bundle_sizes("supervisor", &dist.join(SUPERVISOR_DIR))?);
    Ok(figures)
}

/// Raw, gzip and brotli KiB of one page's code and styles.
fn bundle_sizes(bundle: &str, dir: &Path) -> Result<Vec<Figure>, String> {
    let sizes = bundle::measure(dir)?;
    let figure = |encoding: &str, bytes: usize| Figure {
        name: format!("{bundle} bundle wasm+js+css, {encoding}"),
        value: bundle::kib(bytes),
        unit: "KiB".into(),
        target: None,
    };
    Ok(vec![
        figure("raw", sizes.raw),
        figure("gzip -9", sizes.gzip),
        figure("brotli 11", sizes.brotli),
    ])
}

fn print_table(figures: &[Figure]) {
    println!("\n{:<52} {:>12}  {:<6} target", "figure", "value", "unit");
    for f in figures {
        println!(
            "{:<52} {:>12.1}  {:<6} {}",
            f.name,
            f.value,
            f.unit,
            f.target.as_deref().unwrap_or("")
        );
    }
}

fn write_json(figures: &[Figure]) -> Result<(), String> {
    let dir = root().join("target").join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let rows: Vec<String> = figures
        .iter()
        .map(|f| {
            let target = f
                .target
                .as_deref()
                .map_or("null".to_string(), |t| format!("{t:?}"));
            format!(
                "    {{\"name\": {:?}, \"value\": {:.3}, \"unit\": {:?}, \"target\": {target}}}",
                f.name, f.value, f.unit
            )
        })
        .collect();
    let json = format!("{{\n  \"figures\": [\n{}\n  ]\n}}\n", rows.join(",\n"));
    let path = dir.join("summary.json");
    std::fs::write(&path, json).map_err(|e| e.to_string())?;
    println!("\nwritten: {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_benchmark_line() {
        let figure =
            parse_figure(r#"{"name": "browser sync, 1000", "value": 823.100, "unit": "ms"}"#)
                .unwrap();
        assert_eq!(
            (figure.name.as_str(), figure.value, figure.unit.as_str()),
            ("browser sync, 1000", 823.1, "ms")
        );
        assert!(parse_figure("{}").is_err());
    }
}
