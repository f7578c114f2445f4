//! A record's photo proof as the supervisor reviews it: thumbnails that open full size (the
//! session's cookie opens them), or where the bytes are: still on the courier's phone, or
//! deleted after the station's retention period.

use crate::api::photo_url;
use crate::i18n::{tr, use_lang, Key};
use doorstep_core::api::{PhotoArrival, PhotoState};
use leptos::prelude::*;

#[component]
pub fn PhotoEvidence(photos: Vec<PhotoState>) -> impl IntoView {
    let lang = use_lang();
    let tile = move |(at, photo): (usize, PhotoState)| {
        let n = at + 1;
        let state = match photo.state {
            PhotoArrival::Stored => None,
            PhotoArrival::Pending => Some(Key::PhotoPending),
            PhotoArrival::Deleted => Some(Key::PhotoDeleted),
        };
        let body = match state {
            None => {
                let url = photo_url(&photo.id);
                let src = url.clone();
                view! {
                    <a href=url target="_blank">
                        <img src=src alt=move || format!("{} {n}", Key::Photo.text(lang.get()))/>
                    </a>
                }
                .into_any()
            }
            Some(key) => view! { <span class="detail__photo-state">{tr(key)}</span> }.into_any(),
        };
        view! { <li data-photo=photo.id.to_string()>{body}</li> }
    };
    view! {
        <h3>{tr(Key::PhotoProof)}</h3>
        <ul class="detail__photos" data-testid="detail-photos">
            {photos.into_iter().enumerate().map(tile).collect_view()}
        </ul>
    }
}
