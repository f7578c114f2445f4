//! `cargo xtask run|test|bench|precache`.

mod precache;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("precache") => precache::run(args.get(1).map(std::path::PathBuf::from)),
        _ => Err("usage: cargo xtask <run|test|bench|precache>".to_string()),
    };
    if let Err(message) = result {
        eprintln!("{message}");
        std::process::exit(1);
    }
}
