//! Delivery or pickup: the first choice of the parcel form.

use crate::i18n::{tr, Key};
use crate::routes::courier::draft::Draft;
use doorstep_core::ParcelKind;
use leptos::prelude::*;

#[component]
pub fn KindChoice(draft: RwSignal<Draft>) -> impl IntoView {
    let radio = move |kind: ParcelKind| {
        let label = match kind {
            ParcelKind::Delivery => Key::KindDelivery,
            ParcelKind::Pickup => Key::KindPickup,
        };
        view! {
            <label class="choice">
                <input type="radio" name="kind" value=kind.code()
                    prop:checked=move || draft.with(|d| d.kind == kind)
                    on:change=move |_| draft.update(|d| *d = std::mem::take(d).with_kind(kind)) />
                <span>{tr(label)}</span>
            </label>
        }
    };
    view! {
        <fieldset class="field">
            <legend class="field__label">{tr(Key::Kind)}</legend>
            <div class="choices choices--2">
                {ParcelKind::ALL.into_iter().map(radio).collect_view()}
            </div>
        </fieldset>
    }
}
