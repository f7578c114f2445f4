//! Dialling from the app: the phone's dialler opens through a `tel:` navigation made on the tap,
//! so a recipient's number is never in the page (no link to long-press, nothing on screen).

/// Opens the dialler with `uri` (`tel:…`); the page stays where it is.
pub fn dial(uri: &str) {
    let _ = leptos::prelude::window().location().set_href(uri);
}
