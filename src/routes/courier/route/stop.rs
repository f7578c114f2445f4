//! One stop of the route: its address, its parcels (recipient masked, badges, the standing
//! preference), a call button per parcel, and moving the stop up or down the route.

use super::ShownStop;
use crate::device::use_device;
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::manifest::RouteParcel;
use doorstep_core::masking::{mask_name, mask_phone, waybill_tail};
use doorstep_core::money::format_yuan;
use doorstep_core::preference::{active_for, recipient_key};
use doorstep_core::route::Standing;
use doorstep_core::Waybill;
use leptos::prelude::*;

#[component]
pub fn StopCard(
    stop: ShownStop,
    /// How many stops the route has, for the move buttons.
    stops: impl Fn() -> usize + Copy + Send + Sync + 'static,
    open: impl Fn(Waybill, bool) + Copy + Send + Sync + 'static,
    move_stop: impl Fn(usize, usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let position = stop.position;
    let compound = stop.key.compound.clone();
    let building = stop.key.building.clone();
    let unit = stop.key.unit.clone();
    view! {
        <li class="stop" data-testid="stop">
            <div class="stop__head">
                <h2 class="stop__address">
                    {compound}
                    {(!building.is_empty()).then(|| view! { <span class="stop__part">{move || format!("{} {building}", Key::Building.text(lang.get()))}</span> })}
                    {(!unit.is_empty()).then(|| view! { <span class="stop__part">{move || format!("{} {unit}", Key::Unit.text(lang.get()))}</span> })}
                </h2>
                <div class="stop__move">
                    <button type="button" class="button button--small" aria-label=tr(Key::MoveStopUp)
                        disabled=move || position == 0
                        on:click=move |_| move_stop(position, position.saturating_sub(1))>"↑"</button>
                    <button type="button" class="button button--small" aria-label=tr(Key::MoveStopDown)
                        disabled=move || { position + 1 >= stops() }
                        on:click=move |_| move_stop(position, position + 1)>"↓"</button>
                </div>
            </div>
            <ul class="stop__parcels">
                {stop.parcels.into_iter().map(|(parcel, standing)| view! {
                    <ParcelRow parcel=parcel standing=standing open=open/>
                }).collect_view()}
            </ul>
        </li>
    }
}

#[component]
fn ParcelRow(
    parcel: RouteParcel,
    standing: Standing,
    open: impl Fn(Waybill, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let device = use_device();
    let session = use_session();
    let known = parcel.parcel;
    let recipient = known.recipient.clone();
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
            let salt = session.0.with_untracked(|s| {
                s.as_ref()
                    .map(|s| s.preference_salt.clone())
                    .unwrap_or_default()
            });
            let key = recipient_key(&salt, &recipient.phone, &recipient.address);
            device
                .preferences
                .with_untracked(|book| active_for(book, &key).cloned())
        })
        .flatten();
    let flags = known.flags;
    let cod = known.cod_fen;
    let waybill = known.waybill.clone();
    let for_call = known.waybill.clone();
    let callable = !recipient.phone.is_empty() && standing != Standing::Done;
    let (state_class, state_key) = match standing {
        Standing::ToGo => ("badge badge--queued", Key::FilterToGo),
        Standing::Done => ("badge badge--synced", Key::FilterDone),
        Standing::Failed => ("badge badge--attention", Key::FilterFailed),
    };
    let badge = |on: bool, label: Key| {
        on.then(|| view! { <span class="badge badge--flag">{tr(label)}</span> })
    };
    view! {
        <li class="stop__parcel" data-testid="stop-parcel" data-waybill=known.waybill.to_string()>
            <button type="button" class="stop__open" data-testid="open-parcel"
                on:click=move |_| open(waybill.clone(), false)>
                <span class="stop__line">
                    <span class="records__waybill">{"…"}{waybill_tail(known.waybill.as_str(), 6)}</span>
                    {(!recipient.address.room.is_empty()).then(|| view! {
                        <span class="stop__room">{move || format!("{} {}", Key::Room.text(lang.get()), recipient.address.room)}</span>
                    })}
                    <span class=state_class>{tr(state_key)}</span>
                </span>
                <span class="stop__who">{who}</span>
                <span class="stop__badges">
                    {badge(flags.bulky, Key::Bulky)}
                    {badge(flags.fresh, Key::Fresh)}
                    {badge(flags.fragile, Key::Fragile)}
                    {flags.cash_on_delivery.then(|| view! {
                        <span class="badge badge--flag">{move || format!("{} ¥{}", Key::CashOnDelivery.text(lang.get()), cod.map(format_yuan).unwrap_or_default())}</span>
                    })}
                </span>
                {preference.map(|p| view! {
                    <span class="stop__preference">{move || format!("{}：{}", Key::StandingPreference.text(lang.get()), p.describe(lang.get()))}</span>
                })}
            </button>
            {callable.then(|| view! {
                <button type="button" class="button button--small stop__call" data-testid="call-stop"
                    on:click=move |_| open(for_call.clone(), true)>
                    {tr(Key::CallRecipient)}
                </button>
            })}
        </li>
    }
}
