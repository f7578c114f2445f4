//! Photo proof at the door: where the station keeps photos of a delivery, the courier takes up
//! to four with the phone's camera. Each is made small and stripped of its metadata, sealed on
//! the device and shown at once; it can be retaken or removed until the record is saved.

use crate::components::file_drop::take_picked;
use crate::device::{use_device, Device};
use crate::i18n::{tr, use_lang, Key};
use crate::proof_rules::use_proof_rules;
use crate::routes::courier::draft::{Draft, DraftErrors};
use crate::storage::space::{room_left, LOW_SPACE_BYTES};
use doorstep_core::proof::{PhotoId, MAX_PHOTOS};
use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::{Blob, Url};

/// Thumbnails by photo, as object URLs; `None` when the photo's bytes have left the device
/// (sent with an earlier revision).
type Thumbs = Vec<(PhotoId, Option<String>)>;

fn object_url(blob: &Blob) -> Option<String> {
    Url::create_object_url_with_blob(blob).ok()
}

fn revoke(url: &Option<String>) {
    if let Some(url) = url {
        let _ = Url::revoke_object_url(url);
    }
}

/// Makes the picked file a stored photo; its name and thumbnail, or why not (in `lang`).
async fn take(
    device: Device,
    file: &web_sys::File,
    lang: doorstep_core::Lang,
) -> Result<(PhotoId, Option<String>), String> {
    let Some(prepared) = crate::photo::prepare(file).await else {
        return Err(Key::PhotoUnreadable.text(lang).into());
    };
    let id = PhotoId::of(&prepared.bytes);
    match device.store_photo(&id, &prepared.bytes).await {
        Ok(()) => Ok((id, object_url(&prepared.blob))),
        Err(e) => Err(format!("{}（{e}）", Key::PhotoNotSaved.text(lang))),
    }
}

/// The thumbnail of a photo the draft named before a reload, from its stored bytes.
async fn stored_thumb(device: Device, id: &PhotoId) -> Option<String> {
    let bytes = device.photo_bytes(id).await.ok()??;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    object_url(&Blob::new_with_u8_array_sequence(&parts).ok()?)
}

#[component]
pub fn PhotoSection(draft: RwSignal<Draft>, errors: RwSignal<DraftErrors>) -> impl IntoView {
    let device = use_device();
    let proof = use_proof_rules();
    let lang = use_lang();
    let shown = move || {
        proof
            .rules
            .with(|rules| draft.with(|d| d.takes_photos(rules)))
    };
    let rule = move || proof.rules.with(|r| r.for_method(draft.with(|d| d.method)));
    let photos = Memo::new(move |_| draft.with(|d| d.photos.clone()));
    let thumbs = RwSignal::new(Thumbs::new());
    let problem = RwSignal::new(None::<String>);
    let low_space = RwSignal::new(None::<String>);
    let working = RwSignal::new(false);
    let replacing = StoredValue::new(None::<usize>);
    let input = NodeRef::<Input>::new();
    on_cleanup(move || {
        thumbs.try_with_untracked(|t| t.iter().for_each(|(_, url)| revoke(url)));
    });
    // A thumbnail for a photo the draft names, once; any other is given back at once (a photo
    // removed while its thumbnail was opening, the same picture taken twice, the section gone).
    let add_thumb = move |id: PhotoId, url: Option<String>| {
        let named = photos.try_with_untracked(|p| p.contains(&id)) == Some(true);
        let new = thumbs.try_with_untracked(|t| t.iter().all(|(known, _)| *known != id));
        if named && new == Some(true) {
            thumbs.update(|t| t.push((id, url)));
        } else {
            revoke(&url);
        }
    };

    // Thumbnails follow the draft: a restored photo's are opened from the device, a removed
    // one's are revoked.
    Effect::new(move || {
        let named = photos.get();
        thumbs.update(|t| {
            t.retain(|(id, url)| {
                let kept = named.contains(id);
                if !kept {
                    revoke(url);
                }
                kept
            });
        });
        for id in named {
            if thumbs.with_untracked(|t| t.iter().any(|(known, _)| *known == id)) {
                continue;
            }
            spawn_local(async move {
                let url = stored_thumb(device, &id).await;
                add_thumb(id, url);
            });
        }
    });

    let on_pick = move |ev: leptos::ev::Event| {
        let Some(file) = take_picked(&ev) else { return };
        let slot = replacing.get_value();
        let lang = lang.get_untracked();
        working.set(true);
        problem.set(None);
        spawn_local(async move {
            // Warned before the photo is stored, so a full phone is no surprise.
            let left = room_left().await.filter(|left| *left < LOW_SPACE_BYTES);
            low_space.set(left.map(|bytes| {
                let megabytes = (bytes / 1_048_576.0) as u32;
                format!("{}{megabytes} MB", Key::StorageLow.text(lang))
            }));
            match take(device, &file, lang).await {
                Ok((id, url)) => {
                    draft.update(|d| d.add_photo(id.clone(), slot));
                    add_thumb(id, url);
                    errors.update(|e| e.photo = None);
                }
                Err(message) => problem.set(Some(message)),
            }
            working.set(false);
        });
    };
    let retake = move |at: usize| {
        replacing.set_value(Some(at));
        if let Some(picker) = input.get_untracked() {
            picker.click();
        }
    };
    let remove = move |at: usize| draft.update(|d| drop(d.photos.remove(at)));
    let messages = move || {
        let required = errors.with(|e| e.photo.as_ref().map(|v| v.message(lang.get())));
        [required.map(str::to_string), problem.get()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Drawn again whenever the photos or the language change, so its labels are plain text.
    let tile = move |at: usize, id: PhotoId| {
        let lang = lang.get();
        let photo = format!("{} {}", Key::Photo.text(lang), at + 1);
        let retake_label = format!("{} {photo}", Key::Retake.text(lang));
        let remove_label = format!("{} {photo}", Key::Remove.text(lang));
        let thumb = move || {
            let url = thumbs.with(|t| {
                t.iter()
                    .find(|(known, _)| *known == id)
                    .map(|(_, url)| url.clone())
            });
            match url {
                // Sent with an earlier revision: nothing left to show on the phone.
                Some(None) => view! { <span class="photos__thumb photos__sent">{Key::PhotoSent.text(lang)}</span> }.into_any(),
                url => view! { <img class="photos__thumb" src=url.flatten() alt=photo.clone()/> }.into_any(),
            }
        };
        view! {
            <li class="photos__item" data-testid="photo">
                {thumb}
                <button type="button" class="button button--small" aria-label=retake_label
                    on:click=move |_| retake(at)>{Key::Retake.text(lang)}</button>
                <button type="button" class="button button--small" aria-label=remove_label
                    on:click=move |_| remove(at)>{Key::Remove.text(lang)}</button>
            </li>
        }
    };

    view! {
        <Show when=shown>
            <fieldset class="field photos" data-testid="photos">
                <legend class="field__label" data-testid="photo-rule">
                    {tr(Key::PhotoProof)}" · "{move || rule().label(lang.get())}
                </legend>
                <ul class="photos__list">
                    {move || photos.get().into_iter().enumerate().map(|(at, id)| tile(at, id)).collect_view()}
                </ul>
                // The picker stays in the page for a retake when four photos hide its button.
                <input node_ref=input id="photo-input" class="photos__input" type="file" name="photo"
                    accept="image/*" capture="environment" aria-describedby="photo-error"
                    aria-label=move || Key::TakePhoto.text(lang.get())
                    disabled=move || working.get() on:change=on_pick/>
                <Show when=move || photos.with(|p| p.len() < MAX_PHOTOS)>
                    <label for="photo-input" class="button photos__take"
                        on:click=move |_| replacing.set_value(None)>
                        {move || if working.get() { Key::Working.text(lang.get()) } else { Key::TakePhoto.text(lang.get()) }}
                    </label>
                </Show>
                <p id="photo-error" class="field__error" role="alert" data-testid="photo-error">{messages}</p>
                {move || low_space.get().map(|warning| view! {
                    <p class="notice notice--warn" role="status" data-testid="storage-low">{warning}</p>
                })}
            </fieldset>
        </Show>
    }
}
