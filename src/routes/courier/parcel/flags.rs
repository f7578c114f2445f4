//! Parcel flags (bulky, fresh, fragile, cash on delivery) and the call a bulky or fresh parcel
//! needs before anything but the door.

use crate::clock::{local_time, now_ms};
use crate::i18n::{tr, use_lang, Key};
use crate::routes::courier::draft::Draft;
use doorstep_core::ParcelFlags;
use leptos::prelude::*;

/// A checkbox for one parcel flag.
fn flag_box(
    draft: RwSignal<Draft>,
    name: &'static str,
    label: Key,
    get: fn(&Draft) -> bool,
    set: fn(&mut ParcelFlags, bool),
) -> impl IntoView {
    view! {
        <label class="choice">
            <input type="checkbox" name=name prop:checked=move || draft.with(get)
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    draft.update(|d| {
                        let mut flags = d.flags;
                        set(&mut flags, on);
                        *d = std::mem::take(d).with_flags(flags);
                    })
                } />
            <span>{tr(label)}</span>
        </label>
    }
}

#[component]
pub fn FlagFields(draft: RwSignal<Draft>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <fieldset class="field">
            <legend class="field__label">{tr(Key::ParcelFlags)}</legend>
            <div class="choices choices--2">
                {flag_box(draft, "bulky", Key::Bulky, |d| d.flags.bulky, |f, on| f.bulky = on)}
                {flag_box(draft, "fresh", Key::Fresh, |d| d.flags.fresh, |f, on| f.fresh = on)}
                {flag_box(draft, "fragile", Key::Fragile, |d| d.flags.fragile, |f, on| f.fragile = on)}
                {flag_box(draft, "cash_on_delivery", Key::CashOnDelivery, |d| d.flags.cash_on_delivery, |f, on| f.cash_on_delivery = on)}
            </div>
        </fieldset>
        <Show when=move || draft.with(|d| d.flags.needs_call_first())>
            <div class="notice notice--warn" role="alert" data-testid="call-first">
                <span>{tr(Key::CallFirst)}</span>
                {move || match draft.with(|d| (d.called_at, d.planned)) {
                    (Some(at), _) => view! { <span>{move || format!("{} {}", Key::CalledAt.text(lang.get()), local_time(at))}</span> }.into_any(),
                    // A route parcel is called with the call button beside its recipient.
                    (None, true) => ().into_any(),
                    (None, false) => view! {
                        <button type="button" class="button button--small" data-testid="called"
                            on:click=move |_| draft.update(|d| d.called_at = Some(now_ms()))>
                            {tr(Key::CalledRecipient)}
                        </button>
                    }.into_any(),
                }}
            </div>
        </Show>
    }
}
