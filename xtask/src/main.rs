//! `cargo xtask run|test|bench`: the project's own commands. They install what is missing (and
//! say so), build the app and the server, and run every test; nothing is downloaded outside the
//! package registries.

mod bench;
mod build;
mod bundle;
mod css;
mod fuzz;
mod moto;
mod postgres;
mod precache;
mod precompress;
mod process;
mod pyvenv;
mod schemathesis;
mod test;
mod tools;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

  run [-- SERVER ARGS]   build the app in release mode and serve it on http://127.0.0.1:8080
  test [--only WORD]     every test: lint, unit, property, server, API schema, fuzzing,
                         wasm-in-Chromium, end-to-end (or only the steps whose name has WORD)
  bench [--only fuzz|lighthouse]
                         measure the figures in the README (or only the long fuzz runs, or
                         only the Lighthouse page audits)
  css                    (Trunk hook) bundle each page's stylesheet into target/css
  precache [DIR]         (Trunk hook) write the service worker's precache list";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("run") => build::run(rest),
        Some("test") => test::run(rest),
        Some("bench") => bench::run(rest),
        Some("css") => css::run(),
        Some("precache") => precache::run(rest.first().map(std::path::PathBuf::from)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
