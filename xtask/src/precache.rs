//! `cargo xtask precache [DIR]`: Trunk's post_build hook. Writes the exact file list of this build
//! and a build hash into the service worker, so the precache list is never kept by hand and every
//! new build is a new service worker. In release builds it then writes the compressed copies the
//! server sends (see `precompress`), after the list so the worker never fetches them itself.
//! The worker belongs to the courier page (`index.html`); the supervisor page's build gets only
//! the compressed copies.

use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

const SERVICE_WORKER: &str = "sw.js";
const LIST_PLACEHOLDER: &str = "const PRECACHE = [];";
const BUILD_PLACEHOLDER: &str = "const BUILD = \"dev\";";
/// The page whose build carries the service worker.
const WORKER_PAGE: &str = "index.html";

/// Runs on `dir`, or on Trunk's staging directory (`TRUNK_STAGING_DIR`) when none is given.
pub fn run(dir: Option<PathBuf>) -> Result<(), String> {
    let dir = match dir.or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(PathBuf::from)) {
        Some(dir) => dir,
        None => return Err("precache: give a directory or run as Trunk's post_build hook".into()),
    };
    // Trunk names the page it builds; a directory given by hand is the courier's build.
    let worker_page = std::env::var_os("TRUNK_HTML_FILE")
        .is_none_or(|page| Path::new(&page).file_name() == Some(WORKER_PAGE.as_ref()));
    if worker_page {
        fill_worker(&dir)?;
    }
    if std::env::var("TRUNK_PROFILE").as_deref() == Ok("release") {
        crate::precompress::run(&dir)?;
    }
    Ok(())
}

/// Writes this build's file list and hash into its service worker.
fn fill_worker(dir: &Path) -> Result<(), String> {
    let worker_path = dir.join(SERVICE_WORKER);
    let worker = std::fs::read_to_string(&worker_path)
        .map_err(|e| format!("precache: cannot read {}: {e}", worker_path.display()))?;
    let files = list_files(dir)?;
    let mut hasher = DefaultHasher::new();
    for (url, path) in &files {
        hasher.write(url.as_bytes());
        let bytes =
            std::fs::read(path).map_err(|e| format!("precache: {}: {e}", path.display()))?;
        hasher.write(&bytes);
    }
    let urls: Vec<&str> = files.iter().map(|(url, _)| url.as_str()).collect();
    let filled = fill(&worker, &urls, &format!("{:016x}", hasher.finish()))?;
    std::fs::write(&worker_path, filled)
        .map_err(|e| format!("precache: {}: {e}", worker_path.display()))?;
    println!(
        "precache: {} files in {}",
        urls.len(),
        worker_path.display()
    );
    Ok(())
}

/// Every file of the build as a site-absolute URL, sorted, except the service worker itself.
fn list_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current)
            .map_err(|e| format!("precache: {}: {e}", current.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(dir).map_err(|e| e.to_string())?;
            let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            if url != format!("/{SERVICE_WORKER}") {
                found.push((url, path));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Replaces the two placeholders of `public/sw.js`; fails loudly if either is missing.
fn fill(worker: &str, urls: &[&str], build: &str) -> Result<String, String> {
    if !worker.contains(LIST_PLACEHOLDER) || !worker.contains(BUILD_PLACEHOLDER) {
        return Err(format!(
            "precache: {SERVICE_WORKER} lacks `{LIST_PLACEHOLDER}` or `{BUILD_PLACEHOLDER}`"
        ));
    }
    let list = urls
        .iter()
        .map(|u| format!("{u:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(worker
        .replace(LIST_PLACEHOLDER, &format!("const PRECACHE = [{list}];"))
        .replace(BUILD_PLACEHOLDER, &format!("const BUILD = \"{build}\";")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_both_placeholders() {
        let worker = "const BUILD = \"dev\";\nconst PRECACHE = [];\n";
        let filled = fill(worker, &["/index.html", "/app.wasm"], "abc").unwrap();
        assert!(filled.contains("const PRECACHE = [\"/index.html\", \"/app.wasm\"];"));
        assert!(filled.contains("const BUILD = \"abc\";"));
    }

    #[test]
    fn refuses_a_worker_without_placeholders() {
        assert!(fill("self.addEventListener()", &[], "x").is_err());
    }

    #[test]
    fn lists_the_build_without_the_worker_and_with_a_stable_hash() {
        let dir = std::env::temp_dir().join(format!("doorstep-precache-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("icons")).unwrap();
        std::fs::write(dir.join("index.html"), "<html>").unwrap();
        std::fs::write(dir.join("icons/a.png"), [1, 2, 3]).unwrap();
        std::fs::write(
            dir.join(SERVICE_WORKER),
            "const BUILD = \"dev\";\nconst PRECACHE = [];",
        )
        .unwrap();
        run(Some(dir.clone())).unwrap();
        let worker = std::fs::read_to_string(dir.join(SERVICE_WORKER)).unwrap();
        assert!(
            worker.contains("const PRECACHE = [\"/icons/a.png\", \"/index.html\"];"),
            "{worker}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
