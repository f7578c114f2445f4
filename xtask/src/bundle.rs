//! What a phone downloads for each page: the bytes of its code and styles (wasm, JS, CSS) as
//! stored, gzip -9 and brotli 11; and the budgets `cargo xtask test` holds each page to, so a
//! feature has to pay for its bytes.

use crate::build::SUPERVISOR_DIR;
use crate::precompress;
use std::path::Path;

/// Brotli bytes each page may weigh: the figure reached when the budget was set, plus 10 %
/// (README, "Bundle budget"). Raise one only with the reason written there.
pub const COURIER_BUDGET: usize = 372 * 1024;
pub const SUPERVISOR_BUDGET: usize = 278 * 1024;

/// The bytes of one page's code and styles.
pub struct Sizes {
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

/// The page's files directly in `dir` (the courier page's in `dist`, the supervisor's in its
/// subdirectory), measured.
pub fn measure(dir: &Path) -> Result<Sizes, String> {
    let mut sizes = Sizes {
        raw: 0,
        gzip: 0,
        brotli: 0,
    };
    for (_, bytes) in precompress::code_and_styles(dir)? {
        sizes.raw += bytes.len();
        sizes.gzip += precompress::gzip(&bytes).len();
        sizes.brotli += precompress::brotli(&bytes).len();
    }
    Ok(sizes)
}

/// Both pages of the release build in `dist` against their budgets; says each figure.
pub fn check_budgets(dist: &Path) -> Result<(), String> {
    let mut over = Vec::new();
    for (page, dir, budget) in [
        ("courier", dist.to_path_buf(), COURIER_BUDGET),
        ("supervisor", dist.join(SUPERVISOR_DIR), SUPERVISOR_BUDGET),
    ] {
        let brotli = measure(&dir)?.brotli;
        println!(
            "{page} page: {:.1} KiB brotli 11, budget {:.1} KiB",
            kib(brotli),
            kib(budget)
        );
        if brotli > budget {
            over.push(format!(
                "the {page} page weighs {:.1} KiB brotli, over its budget of {:.1} KiB (xtask/src/bundle.rs)",
                kib(brotli),
                kib(budget)
            ));
        }
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(over.join("; "))
    }
}

pub fn kib(bytes: usize) -> f64 {
    bytes as f64 / 1024.0
}
