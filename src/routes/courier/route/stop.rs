//! One stop of the route: its address, its parcels (recipient masked, badges, the standing
//! preference), a call button per parcel, and moving the stop up or down the route.
//!
//! Plain functions of one rendering, not components with reactive labels: the list is drawn again
//! whenever the filter, the order or the language changes, and a hundred rows each subscribing to
//! the language (and looking up three contexts) made a filter several times slower.

use super::ShownStop;
use crate::i18n::Key;
use doorstep_core::manifest::RouteParcel;
use doorstep_core::masking::{mask_name, mask_phone, waybill_tail};
use doorstep_core::money::format_yuan;
use doorstep_core::preference::{active_for, recipient_key, StandingPreference};
use doorstep_core::route::Standing;
use doorstep_core::{Lang, Waybill};
use leptos::prelude::*;

/// What every stop of one rendering shares.
#[derive(Clone, Copy)]
pub struct Shared<'a, O, M> {
    pub lang: Lang,
    /// The session's salt for the preference book's keys.
    pub salt: &'a str,
    pub book: &'a [StandingPreference],
    /// How many stops the route has, for the move buttons.
    pub stops: usize,
    pub open: O,
    pub move_stop: M,
}

pub fn stop_card<O, M>(stop: ShownStop, shared: Shared<'_, O, M>) -> impl IntoView
where
    O: Fn(Waybill, bool) + Copy + Send + Sync + 'static,
    M: Fn(usize, usize) + Copy + Send + Sync + 'static,
{
    let lang = shared.lang;
    let move_stop = shared.move_stop;
    let position = stop.position;
    let key = stop.key;
    let part = |label: Key, value: String| {
        (!value.is_empty()).then(|| {
            view! { <span class="stop__part">{format!("{} {value}", label.text(lang))}</span> }
        })
    };
    view! {
        <li class="stop" data-testid="stop">
            <div class="stop__head">
                <h2 class="stop__address">
                    {key.compound}
                    {part(Key::Building, key.building)}
                    {part(Key::Unit, key.unit)}
                </h2>
                <div class="stop__move">
                    <button type="button" class="button button--small"
                        aria-label=Key::MoveStopUp.text(lang)
                        disabled={position == 0}
                        on:click=move |_| move_stop(position, position.saturating_sub(1))>"↑"</button>
                    <button type="button" class="button button--small"
                        aria-label=Key::MoveStopDown.text(lang)
                        disabled={position + 1 >= shared.stops}
                        on:click=move |_| move_stop(position, position + 1)>"↓"</button>
                </div>
            </div>
            <ul class="stop__parcels">
                {stop.parcels.into_iter()
                    .map(|(parcel, standing)| parcel_row(parcel, standing, shared))
                    .collect_view()}
            </ul>
        </li>
    }
}

fn parcel_row<O, M>(
    parcel: RouteParcel,
    standing: Standing,
    shared: Shared<'_, O, M>,
) -> impl IntoView
where
    O: Fn(Waybill, bool) + Copy + Send + Sync + 'static,
{
    let lang = shared.lang;
    let open = shared.open;
    let known = parcel.parcel;
    let recipient = known.recipient;
    let who = format!(
        "{} {}",
        recipient.name.as_deref().map(mask_name).unwrap_or_default(),
        if recipient.phone.is_empty() {
            String::new()
        } else {
            mask_phone(&recipient.phone)
        }
    );
    let preference = (!recipient.phone.is_empty())
        .then(|| {
            let key = recipient_key(shared.salt, &recipient.phone, &recipient.address);
            active_for(shared.book, &key).map(|p| {
                format!(
                    "{}：{}",
                    Key::StandingPreference.text(lang),
                    p.describe(lang)
                )
            })
        })
        .flatten();
    let flags = known.flags;
    let callable = !recipient.phone.is_empty() && standing != Standing::Done;
    let (state_class, state_key) = match standing {
        Standing::ToGo => ("badge badge--queued", Key::FilterToGo),
        Standing::Done => ("badge badge--synced", Key::FilterDone),
        Standing::Failed => ("badge badge--attention", Key::FilterFailed),
    };
    let badge = |on: bool, label: &dyn Fn() -> String| {
        on.then(|| view! { <span class="badge badge--flag">{label()}</span> })
    };
    let room = recipient.address.room;
    let waybill = known.waybill;
    let for_open = waybill.clone();
    let for_call = waybill.clone();
    view! {
        <li class="stop__parcel" data-testid="stop-parcel" data-waybill=waybill.to_string()>
            <button type="button" class="stop__open" data-testid="open-parcel"
                on:click=move |_| open(for_open.clone(), false)>
                <span class="stop__line">
                    <span class="records__waybill">{"…"}{waybill_tail(waybill.as_str(), 6)}</span>
                    {(!room.is_empty()).then(|| view! {
                        <span class="stop__room">{format!("{} {room}", Key::Room.text(lang))}</span>
                    })}
                    <span class=state_class>{state_key.text(lang)}</span>
                </span>
                <span class="stop__who">{who}</span>
                <span class="stop__badges">
                    {badge(flags.bulky, &|| Key::Bulky.text(lang).into())}
                    {badge(flags.fresh, &|| Key::Fresh.text(lang).into())}
                    {badge(flags.fragile, &|| Key::Fragile.text(lang).into())}
                    {badge(flags.cash_on_delivery, &|| format!(
                        "{} ¥{}",
                        Key::CashOnDelivery.text(lang),
                        known.cod_fen.map(format_yuan).unwrap_or_default()
                    ))}
                </span>
                {preference.map(|p| view! { <span class="stop__preference">{p}</span> })}
            </button>
            {callable.then(|| view! {
                <button type="button" class="button button--small stop__call" data-testid="call-stop"
                    on:click=move |_| open(for_call.clone(), true)>
                    {Key::CallRecipient.text(lang)}
                </button>
            })}
        </li>
    }
}
