//! Door, locker or station, with the locker's bank and compartment or the station's name, and
//! the recipient's consent wherever the parcel does not go to the door.

use super::consent::ConsentSection;
use super::fields::{radio, text_field};
use crate::i18n::{tr, Key};
use crate::routes::courier::draft::Draft;
use doorstep_core::MethodKind;
use leptos::prelude::*;

#[component]
pub fn MethodFields(
    draft: RwSignal<Draft>,
    /// Asks the recipient by link instead of consenting here.
    ask_by_link: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let choice = move |method: MethodKind| {
        let label = match method {
            MethodKind::Door => Key::Door,
            MethodKind::Locker => Key::Locker,
            MethodKind::Station => Key::Station,
        };
        radio(
            draft,
            "method",
            method,
            method.code(),
            label,
            |d| d.method,
            |d, method| d.set_method(method),
        )
    };
    let method_is = move |method: MethodKind| draft.with(|d| d.method == method);
    view! {
        <Show when=move || !draft.with(Draft::is_pickup)>
        <fieldset class="field">
            <legend class="field__label">{tr(Key::Method)}</legend>
            <div class="choices">
                {MethodKind::ALL.into_iter().map(choice).collect_view()}
            </div>
        </fieldset>
        </Show>
        <Show when=move || draft.with(|d| d.refused.is_some())>
            <p class="notice notice--warn" role="status" data-testid="refused">{tr(Key::RefusedNote)}</p>
        </Show>
        <Show when=move || method_is(MethodKind::Locker)>
            <div class="field-row">
                {text_field(draft, "locker_bank", Key::LockerBank, |d| d.locker_bank.clone(), |d, v| d.locker_bank = v)}
                {text_field(draft, "locker_compartment", Key::LockerCompartment, |d| d.locker_compartment.clone(), |d, v| d.locker_compartment = v)}
            </div>
        </Show>
        <Show when=move || method_is(MethodKind::Station)>
            {text_field(draft, "station", Key::StationName, |d| d.station.clone(), |d, v| d.station = v)}
        </Show>
        <Show when=move || !method_is(MethodKind::Door)>
            <ConsentSection draft=draft ask_by_link=ask_by_link/>
        </Show>
    }
}
