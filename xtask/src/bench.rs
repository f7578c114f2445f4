//! `cargo xtask bench`: measures the figures the README quotes, prints a table and writes the
//! same figures to `target/bench/summary.json`.

use crate::build::build_app;
use crate::process::root;
use crate::tools::ensure_tools;
use std::io::Write;
use std::path::Path;

/// One measured figure, with the target it is held against (if any).
struct Figure {
    name: String,
    value: f64,
    unit: &'static str,
    target: Option<String>,
}

pub fn run() -> Result<(), String> {
    let tools = ensure_tools(false)?;
    let dist = build_app(&tools)?;
    let mut figures = Vec::new();
    figures.extend(transfer_sizes(&dist)?);
    print_table(&figures);
    write_json(&figures)
}

/// Bytes of the app's code and styles as stored, gzip -9 and brotli 11: what a courier's phone
/// downloads on first visit.
fn transfer_sizes(dist: &Path) -> Result<Vec<Figure>, String> {
    let (mut raw, mut gzip, mut brotli) = (0usize, 0usize, 0usize);
    for entry in std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "wasm" | "js" | "css") {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        raw += bytes.len();
        gzip += gzip_len(&bytes);
        brotli += brotli_len(&bytes);
    }
    let kb = |n: usize| n as f64 / 1024.0;
    Ok(vec![
        Figure {
            name: "app wasm+js+css, raw".into(),
            value: kb(raw),
            unit: "KiB",
            target: None,
        },
        Figure {
            name: "app wasm+js+css, gzip -9".into(),
            value: kb(gzip),
            unit: "KiB",
            target: None,
        },
        Figure {
            name: "app wasm+js+css, brotli 11".into(),
            value: kb(brotli),
            unit: "KiB",
            target: Some("<= 150".into()),
        },
    ])
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory").len()
}

fn brotli_len(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out.len()
}

fn print_table(figures: &[Figure]) {
    println!("\n{:<40} {:>12}  {:<6} target", "figure", "value", "unit");
    for f in figures {
        println!(
            "{:<40} {:>12.1}  {:<6} {}",
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
