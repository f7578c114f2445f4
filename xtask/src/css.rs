//! `cargo xtask css`: Trunk's pre_build hook. Each page's stylesheet (`style/entries/<page>.css`)
//! lists its parts with `@import`; this writes it as one file, `target/css/<page>.css`, which the
//! page links. A page then makes one style request, and each component's CSS stays beside it.

use crate::process::root;
use std::path::Path;

const ENTRIES: &str = "style/entries";
const OUTPUT: &str = "target/css";

/// Bundles every page's stylesheet.
pub fn run() -> Result<(), String> {
    let entries = root().join(ENTRIES);
    let output = root().join(OUTPUT);
    std::fs::create_dir_all(&output).map_err(|e| format!("css: {}: {e}", output.display()))?;
    let listing =
        std::fs::read_dir(&entries).map_err(|e| format!("css: {}: {e}", entries.display()))?;
    for entry in listing {
        let path = entry.map_err(|e| e.to_string())?.path();
        let Some(name) = path
            .file_name()
            .filter(|_| path.extension().is_some_and(|e| e == "css"))
        else {
            continue;
        };
        let target = output.join(name);
        std::fs::write(&target, bundle(&path)?)
            .map_err(|e| format!("css: {}: {e}", target.display()))?;
    }
    Ok(())
}

/// `entry` with each `@import "part.css";` line replaced by that file (relative to `entry`).
fn bundle(entry: &Path) -> Result<String, String> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| format!("css: {}: {e}", path.display()))
    };
    let dir = entry.parent().unwrap_or(Path::new("."));
    let mut out = String::new();
    for line in read(entry)?.lines() {
        let imported = line
            .trim()
            .strip_prefix("@import \"")
            .and_then(|rest| rest.strip_suffix("\";"));
        match imported {
            Some(part) => out.push_str(&read(&dir.join(part))?),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inlines_imports_in_order_and_fails_on_a_missing_part() {
        let dir = std::env::temp_dir().join(format!("doorstep-css-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("parts")).unwrap();
        std::fs::write(dir.join("parts/a.css"), ".a {}").unwrap();
        std::fs::write(dir.join("b.css"), ".b {}").unwrap();
        let entry = dir.join("page.css");
        std::fs::write(
            &entry,
            "/* page */\n@import \"parts/a.css\";\n@import \"b.css\";\n",
        )
        .unwrap();
        assert_eq!(bundle(&entry).unwrap(), "/* page */\n.a {}\n.b {}\n");
        std::fs::write(&entry, "@import \"missing.css\";\n").unwrap();
        assert!(bundle(&entry).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
