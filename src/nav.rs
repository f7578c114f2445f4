//! Navigation between the two entries (courier, supervisor), whose bundles hold only their own
//! pages: a leaf module, so pages and the app roots can both use it.

use leptos::prelude::*;

/// A redirect to a page of the other entry. The router would keep it inside this bundle, which
/// lacks that page's code, so the browser loads the page afresh.
#[component]
pub fn LoadPage(path: &'static str) -> impl IntoView {
    load_page(path);
}

/// Replaces the current page with `path`, loaded by the browser rather than the router.
pub fn load_page(path: &str) {
    let _ = window().location().replace(path);
}
