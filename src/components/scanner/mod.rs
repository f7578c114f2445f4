//! Scans a waybill barcode with the phone's camera where the browser offers `BarcodeDetector`
//! (Chrome on Android). Typed entry always works; without the API the button is not shown.

use crate::i18n::{tr, Key};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Function, Object, Promise, Reflect};
use leptos::html::Video;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Whether this browser can read barcodes from the camera.
pub fn is_supported() -> bool {
    Reflect::has(&window(), &"BarcodeDetector".into()).unwrap_or(false)
        && window().navigator().media_devices().is_ok()
}

/// The common 1-D and 2-D formats printed on Chinese waybills.
fn new_detector() -> Option<JsValue> {
    let class: Function = Reflect::get(&window(), &"BarcodeDetector".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let formats = Array::of3(&"code_128".into(), &"code_39".into(), &"qr_code".into());
    let options = Object::new();
    Reflect::set(&options, &"formats".into(), &formats).ok()?;
    Reflect::construct(&class, &Array::of1(&options)).ok()
}

async fn detect_once(detector: &JsValue, video: &web_sys::HtmlVideoElement) -> Option<String> {
    let detect: Function = Reflect::get(detector, &"detect".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: Promise = detect.call1(detector, video).ok()?.dyn_into().ok()?;
    let found: Array = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    let first = found.get(0);
    Reflect::get(&first, &"rawValue".into()).ok()?.as_string()
}

fn stop(stream: &web_sys::MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// A "scan" button that opens the rear camera and hands the first barcode it reads to `on_scan`.
#[component]
pub fn ScanButton(on_scan: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let open = RwSignal::new(false);
    let video = NodeRef::<Video>::new();
    let error = RwSignal::new(None::<String>);

    let start = move |_| {
        open.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let Ok(devices) = window().navigator().media_devices() else {
                return;
            };
            let constraints = web_sys::MediaStreamConstraints::new();
            let video_constraints = Object::new();
            let _ = Reflect::set(
                &video_constraints,
                &"facingMode".into(),
                &"environment".into(),
            );
            constraints.set_video(&video_constraints);
            let stream = match devices.get_user_media_with_constraints(&constraints) {
                Ok(promise) => JsFuture::from(promise).await,
                Err(e) => Err(e),
            };
            let Ok(stream) = stream.and_then(|s| s.dyn_into::<web_sys::MediaStream>()) else {
                error.set(Some("camera".into()));
                open.set(false);
                return;
            };
            let (Some(element), Some(detector)) = (video.get_untracked(), new_detector()) else {
                stop(&stream);
                open.set(false);
                return;
            };
            element.set_src_object(Some(&stream));
            let _ = element.play();
            // Look a few times a second until a code is read or the courier closes the camera.
            while open.get_untracked() {
                if let Some(code) = detect_once(&detector, &element).await {
                    on_scan(code);
                    open.set(false);
                }
                TimeoutFuture::new(250).await;
            }
            stop(&stream);
        });
    };

    view! {
        <Show when=is_supported>
            <button type="button" class="button scanner__open" data-testid="scan" on:click=start>
                {tr(Key::Scan)}
            </button>
        </Show>
        <Show when=move || open.get()>
            <div class="scanner" role="dialog" aria-label=move || tr(Key::Scan)()>
                <video node_ref=video class="scanner__video" autoplay=true playsinline=true muted=true></video>
                <button type="button" class="button" on:click=move |_| open.set(false)>{tr(Key::Close)}</button>
            </div>
        </Show>
        <span class="field__error" role="alert">
            {move || error.get().map(|_| tr(Key::CameraUnavailable)())}
        </span>
    }
}
