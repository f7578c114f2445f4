//! A QR code drawn as SVG, for the recipient to scan a consent link off the courier's screen.

use leptos::prelude::*;
use qrcodegen::{QrCode, QrCodeEcc};

/// The SVG path of the dark modules, one unit per module, with a four-module quiet zone.
fn modules_path(code: &QrCode) -> String {
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    path
}

#[component]
pub fn QrSvg(text: String, label: String) -> impl IntoView {
    // Medium error correction survives a scratched or glary phone screen.
    let code = QrCode::encode_text(&text, QrCodeEcc::Medium).ok();
    code.map(|code| {
        let view_box = format!("0 0 {0} {0}", code.size() + 8);
        view! {
            <svg class="qr" viewBox=view_box role="img" aria-label=label shape-rendering="crispEdges" data-testid="qr">
                <rect width="100%" height="100%" fill="#fff"/>
                <path d=modules_path(&code) fill="#000"/>
            </svg>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_fits_a_small_code_with_its_quiet_zone() {
        let code = QrCode::encode_text(
            "https://doorstep.example/c/0123456789abcdef0123456789abcdef",
            QrCodeEcc::Medium,
        )
        .unwrap();
        let path = modules_path(&code);
        assert!(code.size() <= 41, "version {}", code.version().value());
        // The finder pattern's top-left module sits inside the quiet zone's offset.
        assert!(path.starts_with("M4,4h1v1h-1z"));
    }
}
