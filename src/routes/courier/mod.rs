//! The courier's doorstep screen: the parcel form and today's records.

mod draft;
mod form;
mod list;
mod quote;
mod tariff_step;

use crate::session::use_session;
pub use draft::{Draft, DraftErrors};
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn CourierPage() -> impl IntoView {
    let session = use_session();
    move || {
        if session
            .0
            .with(|s| s.as_ref().is_some_and(|s| s.is_courier()))
        {
            // One draft shared by the form and the list ("edit", "another parcel here").
            let draft = RwSignal::new(Draft::load());
            Effect::new(move || draft.with(Draft::store));
            view! {
                <form::ParcelForm draft=draft/>
                <list::TodayList draft=draft/>
            }
            .into_any()
        } else {
            view! { <Redirect path="/login"/> }.into_any()
        }
    }
}
