//! Delivery or pickup: the first choice of the parcel form.

use super::fields::radio;
use crate::i18n::{tr, Key};
use crate::routes::courier::draft::Draft;
use doorstep_core::ParcelKind;
use leptos::prelude::*;

#[component]
pub fn KindChoice(draft: RwSignal<Draft>) -> impl IntoView {
    let choice = move |kind: ParcelKind| {
        let label = match kind {
            ParcelKind::Delivery => Key::KindDelivery,
            ParcelKind::Pickup => Key::KindPickup,
        };
        radio(
            draft,
            "kind",
            kind,
            kind.code(),
            label,
            |d| d.kind,
            |d, kind| *d = std::mem::take(d).with_kind(kind),
        )
    };
    view! {
        <fieldset class="field">
            <legend class="field__label">{tr(Key::Kind)}</legend>
            <div class="choices choices--2">
                {ParcelKind::ALL.into_iter().map(choice).collect_view()}
            </div>
        </fieldset>
    }
}
