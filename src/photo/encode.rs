//! A camera photo made small and anonymous: decoded upright (`createImageBitmap` honours the
//! EXIF orientation), scaled to [`MAX_PHOTO_SIDE`], drawn on a canvas and encoded again as JPEG,
//! which leaves the camera's metadata (GPS position, device serial) behind. A 12-megapixel photo
//! of several megabytes comes out at a few hundred kilobytes.

use super::fit;
use doorstep_core::proof::MAX_PHOTO_SIDE;
use js_sys::{Promise, Reflect, Uint8Array};
use leptos::prelude::{document, window};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap, ImageBitmapOptions,
    ImageOrientation,
};

/// JPEG quality of the re-encoded photo: a door or a locker's number stays readable.
const JPEG_QUALITY: f64 = 0.75;

/// A photo ready to store: its bytes, and the same bytes as a blob for the thumbnail.
pub struct Prepared {
    pub bytes: Vec<u8>,
    pub blob: Blob,
}

/// The picked image prepared; `None` when the browser cannot decode it.
pub async fn prepare(picked: &Blob) -> Option<Prepared> {
    let options = ImageBitmapOptions::new();
    options.set_image_orientation(ImageOrientation::FromImage);
    let decoding = window()
        .create_image_bitmap_with_blob_and_image_bitmap_options(picked, &options)
        .ok()?;
    let bitmap: ImageBitmap = JsFuture::from(decoding).await.ok()?.dyn_into().ok()?;
    let (width, height) = fit(bitmap.width(), bitmap.height(), MAX_PHOTO_SIDE);
    let canvas: HtmlCanvasElement = document().create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    // The default smoothing blurs a photo shrunk 2.5 times.
    let _ = Reflect::set(&context, &"imageSmoothingQuality".into(), &"high".into());
    let drawn = context.draw_image_with_image_bitmap_and_dw_and_dh(
        &bitmap,
        0.0,
        0.0,
        f64::from(width),
        f64::from(height),
    );
    bitmap.close();
    drawn.ok()?;
    let encoding = Promise::new(&mut |resolve, reject| {
        let quality = JsValue::from_f64(JPEG_QUALITY);
        if canvas
            .to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &quality)
            .is_err()
        {
            let _ = reject.call0(&JsValue::NULL);
        }
    });
    let blob = JsFuture::from(encoding).await;
    // Phones hold little canvas memory; give it back now rather than at the next collection.
    canvas.set_width(0);
    canvas.set_height(0);
    let blob: Blob = blob.ok()?.dyn_into().ok()?;
    let buffer = JsFuture::from(blob.array_buffer()).await.ok()?;
    Some(Prepared {
        bytes: Uint8Array::new(&buffer).to_vec(),
        blob,
    })
}
