//! Photo proof in a real browser (wasm-bindgen-test in headless Chromium): a camera-sized photo
//! made small by the browser's own decoder and encoder, and the sealed photo store in IndexedDB.
#![cfg(target_arch = "wasm32")]

use doorstep_app::photo::prepare;
use doorstep_app::storage::{open, Outbox, PhotoOwner, PhotoStore, Sealer};
use doorstep_core::proof::{PhotoId, MAX_PHOTO_BYTES};
use js_sys::{Promise, Uint8Array};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap};

wasm_bindgen_test_configure!(run_in_browser);

/// A `width` × `height` JPEG drawn on a canvas, as a camera's file would arrive.
async fn camera_file(width: u32, height: u32) -> Blob {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let (w, h) = (f64::from(width), f64::from(height));
    for (n, colour) in ["#0f766e", "#7c3aed", "#f59e0b", "#e2e8f0"]
        .iter()
        .enumerate()
    {
        context.set_fill_style_str(colour);
        context.fill_rect(w * n as f64 / 4.0, 0.0, w / 4.0, h);
    }
    let encoded = Promise::new(&mut |resolve, _| {
        canvas
            .to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &JsValue::from(0.95))
            .unwrap();
    });
    JsFuture::from(encoded).await.unwrap().unchecked_into()
}

async fn size_of(jpeg: &[u8]) -> (u32, u32) {
    let blob =
        Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&Uint8Array::from(jpeg))).unwrap();
    let decoding = web_sys::window()
        .unwrap()
        .create_image_bitmap_with_blob(&blob)
        .unwrap();
    let bitmap: ImageBitmap = JsFuture::from(decoding).await.unwrap().unchecked_into();
    (bitmap.width(), bitmap.height())
}

#[wasm_bindgen_test]
async fn a_camera_photo_comes_out_a_small_jpeg_with_its_longest_side_at_1600() {
    let prepared = prepare(&camera_file(4000, 3000).await).await.unwrap();
    assert!(prepared.bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
    assert!(prepared.bytes.len() < MAX_PHOTO_BYTES);
    assert_eq!(size_of(&prepared.bytes).await, (1600, 1200));
    assert_eq!(prepared.blob.size() as usize, prepared.bytes.len());
    let small = prepare(&camera_file(800, 600).await).await.unwrap();
    assert_eq!(size_of(&small.bytes).await, (800, 600), "never enlarged");
}

#[wasm_bindgen_test]
async fn what_is_not_an_image_is_refused() {
    let text = Blob::new_with_str_sequence(&js_sys::Array::of1(&"not a photo".into())).unwrap();
    assert!(prepare(&text).await.is_none());
}

async fn fresh() -> (PhotoStore, Outbox, String) {
    let name = format!("doorstep-test-{}", Uuid::new_v4());
    let db = open(&name).await.unwrap();
    let sealer = Sealer::open(&db).await.unwrap();
    (
        PhotoStore::new(db.clone(), sealer.clone()),
        Outbox::new(db, sealer),
        name,
    )
}

#[wasm_bindgen_test]
async fn a_photo_is_kept_sealed_and_comes_back_whole() {
    let (store, _, name) = fresh().await;
    let jpeg = prepare(&camera_file(1200, 900).await).await.unwrap().bytes;
    let id = PhotoId::of(&jpeg);
    store.put(&id, &jpeg, 1).await.unwrap();
    store.put(&id, &jpeg, 2).await.unwrap();
    let listed = store.list().await.unwrap();
    assert_eq!(listed.len(), 1, "the same bytes are one photo");
    assert_eq!((listed[0].taken_at, listed[0].record), (1, None));
    assert_eq!(store.bytes(&id).await.unwrap(), Some(jpeg.clone()));

    // What a copy of the disk shows: not the photo's bytes.
    let db = open(&name).await.unwrap();
    let tx = db
        .transaction(&["photo_bytes"], idb::TransactionMode::ReadOnly)
        .unwrap();
    let stored = tx
        .object_store("photo_bytes")
        .unwrap()
        .get(JsValue::from_str(id.as_str()))
        .unwrap()
        .await
        .unwrap()
        .unwrap();
    let data: Uint8Array = js_sys::Reflect::get(&stored, &"data".into())
        .unwrap()
        .unchecked_into();
    let data = data.to_vec();
    assert!(!data.starts_with(&[0xFF, 0xD8]), "sealed");
    assert_eq!(data.len(), jpeg.len() + 16, "AES-GCM adds its tag only");

    store.delete(std::slice::from_ref(&id)).await.unwrap();
    assert_eq!(store.bytes(&id).await.unwrap(), None);
    assert!(store.list().await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn records_claim_their_photos_and_unnamed_ones_go() {
    let (store, _, _) = fresh().await;
    let [saved, drafted, discarded] = [b"saved", b"draft", b"gone!"].map(|b| PhotoId::of(b));
    for id in [&saved, &drafted, &discarded] {
        store.put(id, id.as_str().as_bytes(), 0).await.unwrap();
    }
    let record = Uuid::from_u128(7);
    let owners = [PhotoOwner {
        record,
        photos: vec![saved.clone()],
        acknowledged: false,
    }];
    let later = 10 * 60_000;
    assert!(store
        .reconcile(&owners, std::slice::from_ref(&drafted), later)
        .await
        .unwrap());
    let mut kept = store.list().await.unwrap();
    kept.sort_by_key(|p| p.record.is_none());
    let kept: Vec<_> = kept.into_iter().map(|p| (p.id, p.record)).collect();
    assert_eq!(kept, vec![(saved.clone(), Some(record)), (drafted, None)]);
    assert_eq!(store.bytes(&discarded).await.unwrap(), None);

    let entry = store
        .list()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.id == saved);
    store.set_aside(entry.unwrap(), "HTTP 415").await.unwrap();
    let set_aside = store.list().await.unwrap();
    assert!(set_aside
        .iter()
        .any(|p| p.id == saved && p.attention.as_deref() == Some("HTTP 415")));
}

#[wasm_bindgen_test]
async fn a_record_whose_photo_is_still_here_is_not_pruned() {
    let (_, outbox, _) = fresh().await;
    let photo = PhotoId::of(b"locker");
    let record = doorstep_core::DeliveryRecord {
        photos: vec![photo.clone()],
        ..doorstep_core::testing::door_delivery(3)
    };
    outbox.save(record.clone()).await.unwrap();
    let ack = doorstep_core::sync::RecordAck {
        id: record.id,
        revision: 1,
        ack: doorstep_core::sync::Ack::Stored,
        received_at: 1,
    };
    outbox.apply_acks(&[ack]).await.unwrap();
    let owners = outbox.photo_owners().await.unwrap();
    assert_eq!(
        owners,
        vec![PhotoOwner {
            record: record.id,
            photos: vec![photo.clone()],
            acknowledged: true
        }]
    );
    let cutoff = i64::MAX;
    assert_eq!(outbox.prune(cutoff, &[photo]).await.unwrap(), 0);
    assert_eq!(outbox.prune(cutoff, &[]).await.unwrap(), 1);
}
