//! Installs what the build and the tests need, from the package registries only, and says what it
//! installs. What is already present at the right version is left alone.

use crate::process::{self, first_line, on_path};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Trunk 0.22 needs a newer rustc than the 1.95 this project builds with.
const TRUNK_SERIES: &str = "trunk 0.21.";
const TRUNK_VERSION: &str = "0.21.14";
/// Debian's binaryen 108 produces wasm that crashes in the browser; npm's 132 does not.
const BINARYEN: &str = "binaryen@132.0.0";
const WASM_OPT_VERSION: &str = "wasm-opt version 132";
/// The last Lighthouse series that runs on Debian's Node 20 (13 needs Node 22).
const LIGHTHOUSE_VERSION: &str = "12.8.2";
/// The accessibility rules the end-to-end tests run in each page (the engine Lighthouse uses).
const AXE_CORE: &str = "axe-core@4.10.3";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What the later steps need to know about the tools.
pub struct Toolchain {
    /// PATH with the project's local tools first (wasm-opt from npm).
    pub path: OsString,
    /// False when npm was not available: the app is then built without wasm-opt.
    pub wasm_opt: bool,
    /// axe-core's script for the end-to-end tests; only when the browser tools were asked for.
    pub axe: Option<PathBuf>,
}

impl Toolchain {
    /// A command that finds the project's local tools first.
    pub fn command(&self, program: &str) -> Command {
        let mut command = process::command(program);
        // Trunk's update check would reach for the network; the versions are pinned anyway.
        command
            .env("PATH", &self.path)
            .env("TRUNK_SKIP_VERSION_CHECK", "true");
        command
    }
}

/// The version of `package` recorded in Cargo.lock.
pub fn locked_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            let version = lines
                .next()?
                .trim()
                .strip_prefix("version = \"")?
                .strip_suffix('"')?;
            return Some(version.to_string());
        }
    }
    None
}

/// The `wasm_bindgen = "…"` pin of Trunk.toml.
fn trunk_pin(trunk_toml: &str) -> Option<String> {
    trunk_toml
        .lines()
        .find_map(|l| l.trim().strip_prefix("wasm_bindgen = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .map(str::to_string)
}

fn tools_dir() -> PathBuf {
    process::root().join("target").join("tools")
}

fn install(why: &str, command: &mut Command) -> Result<(), String> {
    println!("installing: {why}");
    process::run(command)
}

pub fn ensure_tools(with_browser: bool) -> Result<Toolchain, String> {
    let installed = first_line("rustup", &["target", "list", "--installed"]).is_some()
        && Command::new("rustup")
            .args(["target", "list", "--installed"])
            .output()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|l| l.trim() == WASM_TARGET)
            })
            .unwrap_or(false);
    if !installed {
        install(
            "the wasm32 target, to compile the app",
            Command::new("rustup").args(["target", "add", WASM_TARGET]),
        )?;
    }

    if !first_line("trunk", &["--version"]).is_some_and(|v| v.starts_with(TRUNK_SERIES)) {
        install(
            &format!("trunk {TRUNK_VERSION}, which builds the app (about 10 minutes)"),
            Command::new("cargo").args([
                "install",
                "--locked",
                "--version",
                TRUNK_VERSION,
                "trunk",
            ]),
        )?;
    }

    let root = process::root();
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let bindgen = locked_version(&lock, "wasm-bindgen").ok_or("Cargo.lock has no wasm-bindgen")?;
    let trunk_toml =
        std::fs::read_to_string(root.join("Trunk.toml")).map_err(|e| format!("Trunk.toml: {e}"))?;
    if trunk_pin(&trunk_toml).as_deref() != Some(bindgen.as_str()) {
        return Err(format!(
            "Trunk.toml must pin wasm_bindgen = \"{bindgen}\", the version in Cargo.lock, so Trunk never downloads one"
        ));
    }
    if first_line("wasm-bindgen", &["--version"]) != Some(format!("wasm-bindgen {bindgen}")) {
        install(
            &format!(
                "wasm-bindgen-cli {bindgen}, the exact version in Cargo.lock (about 4 minutes)"
            ),
            Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &bindgen]),
        )?;
    }

    let bin = tools_dir().join("node_modules").join(".bin");
    let wasm_opt = bin.join("wasm-opt");
    let mut has_wasm_opt = first_line(&wasm_opt.to_string_lossy(), &["--version"])
        .is_some_and(|v| v.starts_with(WASM_OPT_VERSION));
    if !has_wasm_opt {
        if on_path("npm") {
            npm_install(BINARYEN, "wasm-opt")?;
            has_wasm_opt = true;
        } else {
            println!("warning: npm is not installed, so the app is built WITHOUT wasm-opt (larger download)");
        }
    }

    if with_browser && !(on_path(CHROMIUM) && on_path(CHROMEDRIVER)) {
        ensure_root(
            "Chromium and ChromeDriver for the browser tests",
            "apt-get install -y chromium chromium-driver",
        )?;
        install(
            "Debian's package lists",
            Command::new("apt-get").arg("update"),
        )?;
        install(
            "Debian's chromium and chromium-driver, for the browser tests",
            Command::new("apt-get")
                .args(["install", "-y", "chromium", "chromium-driver"])
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
    }

    let axe = if with_browser {
        Some(ensure_axe()?)
    } else {
        None
    };

    let mut paths = vec![bin];
    if let Some(existing) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&existing));
    }
    let path = std::env::join_paths(paths).map_err(|e| e.to_string())?;
    Ok(Toolchain {
        path,
        wasm_opt: has_wasm_opt,
        axe,
    })
}

/// axe-core from npm when missing or at another version; the browser tests need it, so no npm
/// is an error here.
fn ensure_axe() -> Result<PathBuf, String> {
    let package = tools_dir().join("node_modules").join("axe-core");
    let wanted = AXE_CORE.trim_start_matches("axe-core@");
    let installed = std::fs::read_to_string(package.join("package.json"))
        .is_ok_and(|json| json.contains(&format!("\"version\": \"{wanted}\"")));
    if !installed {
        if !on_path("npm") {
            return Err(
                "npm is needed for the accessibility checks: `sudo apt-get install -y npm`".into(),
            );
        }
        npm_install(AXE_CORE, "the accessibility checks of the end-to-end tests")?;
    }
    Ok(package.join("axe.min.js"))
}

/// An npm package at a pinned version into target/tools (`node_modules/.bin` there).
fn npm_install(package: &str, what_for: &str) -> Result<(), String> {
    std::fs::create_dir_all(tools_dir()).map_err(|e| e.to_string())?;
    install(
        &format!("{package} from npm into target/tools, for {what_for}"),
        Command::new("npm")
            .args([
                "install",
                "--save-exact",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ])
            .arg(tools_dir())
            .arg(package),
    )
}

/// Lighthouse for the page audits of `cargo xtask bench`, installed from npm when missing; it
/// drives Debian's Chromium and never downloads a browser of its own.
pub fn ensure_lighthouse() -> Result<PathBuf, String> {
    let lighthouse = tools_dir()
        .join("node_modules")
        .join(".bin")
        .join("lighthouse");
    if first_line(&lighthouse.to_string_lossy(), &["--version"]).as_deref()
        != Some(LIGHTHOUSE_VERSION)
    {
        if !on_path("npm") {
            return Err("npm is needed for Lighthouse: `sudo apt-get install -y npm`".into());
        }
        npm_install(
            &format!("lighthouse@{LIGHTHOUSE_VERSION}"),
            "the Lighthouse page audits",
        )?;
    }
    Ok(lighthouse)
}

/// The wrk load generator for the ingest benchmark, installed from Debian when missing; `None`
/// (and a warning) when it cannot be, since the benchmark then keeps its own client only.
pub fn ensure_wrk() -> Option<&'static str> {
    const WRK: &str = "wrk";
    if on_path(WRK) {
        return Some(WRK);
    }
    let installed =
        ensure_root("wrk for the ingest benchmark", "apt-get install -y wrk").and_then(|()| {
            install(
                "Debian's wrk, the HTTP load generator of the ingest benchmark",
                Command::new("apt-get")
                    .args(["install", "-y", "wrk"])
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )
        });
    match installed {
        Ok(()) => Some(WRK),
        Err(e) => {
            println!("warning: ingest measured without wrk: {e}");
            None
        }
    }
}

/// apt needs root; without it, say exactly what to run.
pub fn ensure_root(what: &str, apt: &str) -> Result<(), String> {
    let uid = first_line("id", &["-u"]).unwrap_or_default();
    if uid == "0" {
        Ok(())
    } else {
        Err(format!(
            "{what} are missing; install them with `sudo apt-get update && sudo {apt}`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_locked_version() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.1\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            locked_version(lock, "wasm-bindgen-futures").as_deref(),
            Some("0.4.1")
        );
        assert_eq!(locked_version(lock, "leptos"), None);
    }

    #[test]
    fn reads_the_trunk_pin() {
        assert_eq!(
            trunk_pin("[tools]\nwasm_bindgen = \"0.2.130\"\n").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(trunk_pin("[build]\n"), None);
    }

    #[test]
    fn the_repository_pins_trunk_to_the_locked_wasm_bindgen() {
        let root = process::root();
        let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
        let trunk = std::fs::read_to_string(root.join("Trunk.toml")).unwrap();
        assert_eq!(trunk_pin(&trunk), locked_version(&lock, "wasm-bindgen"));
    }
}
