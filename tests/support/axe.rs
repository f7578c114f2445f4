//! Accessibility checks in the real browser: axe-core (the engine of Lighthouse's accessibility
//! audit) run inside the page, so every screen the tests reach can be held to zero violations.

use super::Browser;
use std::sync::OnceLock;

/// axe-core's script, read once per test binary (about half a megabyte).
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = std::env::var("AXE_CORE")
            .expect("AXE_CORE is not set: run the end-to-end tests with `cargo xtask test`");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    })
}

impl Browser {
    /// Runs axe-core's WCAG A/AA rules and best practices on the page as it stands and fails the
    /// test with every violation (rule, impact, the elements it found) named.
    pub async fn assert_accessible(&self, page: &str) {
        let script = format!(
            "{}\n;const done = arguments[arguments.length - 1];\
             axe.run(document, {{ resultTypes: ['violations'] }})\
               .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — '\
                 + v.nodes.map(n => n.target.join(' ')).join(', '))))\
               .catch(e => done(['axe failed: ' + e]));",
            axe_source()
        );
        let result = self
            .client
            .execute_async(&script, vec![])
            .await
            .unwrap_or_else(|e| panic!("running axe on {page}: {e}"));
        let violations: Vec<String> = serde_json::from_value(result).unwrap();
        assert!(
            violations.is_empty(),
            "{page} has {} accessibility violation(s):\n{}",
            violations.len(),
            violations.join("\n")
        );
    }
}
