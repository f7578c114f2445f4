//! The courier's doorstep screen: the parcel form and today's records.

mod draft;
mod list;
mod parcel;
mod planned;
mod quote;
mod route;
mod safety;
mod status;

use crate::device::{use_device, Device};
use crate::session::use_session;
pub use draft::{Draft, DraftErrors};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
pub use status::CourierStatus;

#[component]
pub fn CourierPage() -> impl IntoView {
    let session = use_session();
    move || {
        if session
            .0
            .with(|s| s.as_ref().is_some_and(|s| s.is_courier()))
        {
            // One draft shared by the route, the form and the list ("edit", "another parcel
            // here").
            let draft = RwSignal::new(Draft::default());
            let device = use_device();
            keep_on_device(draft, device);
            // With a route, the route is the screen and the form opens for one parcel.
            let form_open = RwSignal::new(false);
            let show_route = move || !form_open.get() && !device.parcels.with(Vec::is_empty);
            view! {
                <Show when=show_route fallback=move || view! {
                    <parcel::ParcelForm draft=draft form_open=form_open/>
                }>
                    <route::RouteView draft=draft form_open=form_open/>
                </Show>
                <list::TodayList draft=draft form_open=form_open/>
            }
            .into_any()
        } else {
            view! { <Redirect path="/login"/> }.into_any()
        }
    }
}

/// Keeps `draft` on the device, sealed: restores the stored one once storage is open (unless
/// the courier has started typing meanwhile), then stores every change; a blank draft
/// removes the stored one. The device learns which photos the draft names, so it deletes
/// the ones nothing names any more (a discarded draft's, a retaken one).
fn keep_on_device(draft: RwSignal<Draft>, device: Device) {
    let restored = StoredValue::new(false);
    let store = move |current: Draft| {
        let Some(drafts) = device.drafts.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let stored = if current.is_blank() {
                drafts.clear().await
            } else {
                drafts.save(&current).await
            };
            if let Err(e) = stored {
                device.storage_error.set(Some(e.to_string()));
            }
        });
    };
    Effect::new(move || {
        let Some(drafts) = device.drafts.get() else {
            return;
        };
        if restored.get_value() {
            return;
        }
        spawn_local(async move {
            match drafts.load::<Draft>().await {
                Ok(Some(saved)) if draft.with_untracked(Draft::is_blank) => draft.set(saved),
                Ok(_) => {}
                Err(e) => device.storage_error.set(Some(e.to_string())),
            }
            restored.set_value(true);
            store(draft.get_untracked());
            device.set_draft_photos(draft.with_untracked(|d| d.photos.clone()));
        });
    });
    Effect::new(move || {
        let current = draft.get();
        if restored.get_value() {
            store(current);
        }
    });
    let photos = Memo::new(move |_| draft.with(|d| d.photos.clone()));
    Effect::new(move || {
        let named = photos.get();
        if restored.get_value() {
            device.set_draft_photos(named);
        }
    });
}
