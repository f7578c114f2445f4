//! Brotli and gzip copies of the release build's hashed code and styles (`x.wasm.br`,
//! `x.wasm.gz`), made once at build time at the highest levels, so the server sends a phone a
//! third of the bytes without compressing on every request.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Extensions of the files worth compressing: the app's code and styles.
const COMPRESSED_KINDS: [&str; 3] = ["wasm", "js", "css"];

/// Writes `<file>.br` and `<file>.gz` beside every wasm, JS and CSS file directly in `dir`.
pub fn run(dir: &Path) -> Result<(), String> {
    let files = code_and_styles(dir)?;
    for (path, bytes) in &files {
        for (suffix, compressed) in [("br", brotli(bytes)), ("gz", gzip(bytes))] {
            let mut target = path.clone().into_os_string();
            target.push(format!(".{suffix}"));
            std::fs::write(&target, compressed).map_err(|e| format!("{target:?}: {e}"))?;
        }
    }
    println!("precompress: {} files in {}", files.len(), dir.display());
    Ok(())
}

/// The wasm, JS and CSS files directly in `dir`, with their bytes: what a page downloads.
pub fn code_and_styles(dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if COMPRESSED_KINDS.contains(&ext) {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            files.push((path, bytes));
        }
    }
    Ok(files)
}

/// gzip -9.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// Brotli at quality 11 with a 4 MiB window.
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_both_copies_of_code_only() {
        let dir = std::env::temp_dir().join(format!("doorstep-precompress-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let code = "function f() { return 1; }\n".repeat(50);
        std::fs::write(dir.join("app-0123456789abcdef.js"), &code).unwrap();
        std::fs::write(dir.join("index.html"), "<html>").unwrap();
        run(&dir).unwrap();
        let br = std::fs::read(dir.join("app-0123456789abcdef.js.br")).unwrap();
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut decoded).unwrap();
        assert_eq!(decoded, code.as_bytes());
        assert!(dir.join("app-0123456789abcdef.js.gz").exists());
        assert!(!dir.join("index.html.br").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
