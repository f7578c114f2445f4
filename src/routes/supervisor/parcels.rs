//! The parcels behind one count of the coverage table (a courier's or the station's bucket),
//! masked, with who recorded a parcel when that is not its courier; and moving one parcel, or
//! every parcel of its compound, to another courier.

use super::{session_token, show_failure};
use crate::api;
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::api::address_line;
use doorstep_core::assignment::{AssignRequest, AssignResult, ParcelView};
use doorstep_core::coverage::Bucket;
use doorstep_core::day::Day;
use doorstep_core::ParcelKind;
use leptos::prelude::*;

/// A bucket of one courier, or of the whole station (`courier` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub courier: Option<String>,
    pub bucket: Bucket,
}

#[component]
pub fn ParcelList(
    day: Day,
    selection: Selection,
    /// The station's couriers, by username: where a parcel can move.
    couriers: Signal<Vec<String>>,
    on_moved: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let parcels = RwSignal::new(Vec::<ParcelView>::new());
    let more = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let moving = RwSignal::new(None::<ParcelView>);
    let moved = RwSignal::new(None::<AssignResult>);
    let Selection { courier, bucket } = selection;
    let courier = StoredValue::new(courier);

    let load = move |offset: usize| {
        let Some(token) = session_token(session) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let page = api::parcels(
                &token,
                day,
                courier.get_value().as_deref(),
                bucket,
                offset,
                lang.get_untracked(),
            )
            .await;
            match page {
                Ok(page) => {
                    more.set(page.len() == api::PARCEL_PAGE);
                    if offset == 0 {
                        parcels.set(page);
                    } else {
                        parcels.update(|p| p.extend(page));
                    }
                }
                Err(failure) => show_failure(failure, session, error, lang),
            }
        });
    };
    load(0);
    let after_move = Callback::new(move |result: AssignResult| {
        moved.set(Some(result));
        moving.set(None);
        load(0);
        on_moved.run(());
    });
    let whose = move || match courier.get_value() {
        Some(courier) => courier,
        None => Key::StationTotal.text(lang.get()).to_string(),
    };

    view! {
        <div class="parcels" data-testid="parcel-list" data-bucket=bucket.code()>
            <h2>{move || bucket.label(lang.get())} " · " {whose}</h2>
            <p class="field__error" role="alert">{move || error.get()}</p>
            <p class="saved" role="status" data-testid="moved">
                {move || moved.get().map(|r| format!(
                    "{} {} · {} {}",
                    tr(Key::Moved)(), r.moved, tr(Key::Kept)(), r.kept
                ))}
            </p>
            {move || moving.get().map(|parcel| view! {
                <MoveForm day=day parcel=parcel couriers=couriers moving=moving on_done=after_move/>
            })}
            <div class="table-scroll">
                <table class="table" data-testid="parcels">
                    <thead><tr>
                        <th scope="col">{tr(Key::Waybill)}</th>
                        <th scope="col">{tr(Key::Courier)}</th>
                        <th scope="col">{tr(Key::Recipient)}</th>
                        <th scope="col">{tr(Key::Address)}</th>
                        <th scope="col">{tr(Key::ParcelFlags)}</th>
                        <th scope="col">{tr(Key::Outcome)}</th>
                        <th scope="col">{tr(Key::RecordedBy)}</th>
                        <th scope="col">{tr(Key::Move)}</th>
                    </tr></thead>
                    <tbody>
                        <For each=move || parcels.get() key=|p| (p.waybill.clone(), p.courier.clone(), p.bucket) let:parcel>
                            <ParcelRow parcel=parcel moving=moving/>
                        </For>
                    </tbody>
                </table>
            </div>
            <Show when=move || parcels.with(Vec::is_empty)>
                <p class="empty">{tr(Key::NoParcels)}</p>
            </Show>
            <Show when=move || more.get()>
                <button type="button" class="button" on:click=move |_| load(parcels.with_untracked(Vec::len))>
                    {tr(Key::LoadMore)}
                </button>
            </Show>
        </div>
    }
}

#[component]
fn ParcelRow(parcel: ParcelView, moving: RwSignal<Option<ParcelView>>) -> impl IntoView {
    let lang = use_lang();
    let r = &parcel.recipient;
    let recipient = match &r.name {
        Some(name) => format!("{name} {}", r.phone),
        None => r.phone.clone(),
    };
    let address = address_line([&r.compound, &r.building, &r.unit, &r.room]);
    let flags = parcel.flags;
    let badges = [
        (flags.bulky, Key::Bulky),
        (flags.fresh, Key::Fresh),
        (flags.fragile, Key::Fragile),
        (flags.cash_on_delivery, Key::CashOnDelivery),
    ];
    let kind = match parcel.kind {
        ParcelKind::Delivery => Key::KindDelivery,
        ParcelKind::Pickup => Key::KindPickup,
    };
    let (bucket, late, unaccounted) = (parcel.bucket, parcel.late, parcel.unaccounted);
    // Only a parcel without an outcome can still move.
    let movable = bucket == Bucket::NoOutcome;
    let waybill = parcel.waybill.clone();
    let courier = parcel.courier.clone();
    let recorded_by = parcel.recorded_by.clone();
    view! {
        <tr data-waybill=waybill.clone()>
            <td class="records__waybill">{waybill.clone()}</td>
            <td>{courier}</td>
            <td>{recipient}</td>
            <td class="table__wrap">{address}</td>
            <td>
                <span class="badge badge--draft">{tr(kind)}</span>
                {badges.into_iter().filter(|(on, _)| *on).map(|(_, key)| view! {
                    <span class="badge badge--queued">{tr(key)}</span>
                }).collect_view()}
            </td>
            <td>
                {move || bucket.label(lang.get())}
                {late.then(|| view! { <span class="badge badge--attention">{tr(Key::Late)}</span> })}
                {unaccounted.then(|| view! { <span class="badge badge--attention">{tr(Key::Unaccounted)}</span> })}
            </td>
            <td data-testid="recorded-by">{recorded_by}</td>
            <td>
                {movable.then(|| view! {
                    <button type="button" class="button button--small" data-testid="move"
                        on:click=move |_| moving.set(Some(parcel.clone()))>{tr(Key::Move)}</button>
                })}
            </td>
        </tr>
    }
}

/// Where to move a parcel (or its whole compound) and to whom.
#[component]
fn MoveForm(
    day: Day,
    parcel: ParcelView,
    couriers: Signal<Vec<String>>,
    moving: RwSignal<Option<ParcelView>>,
    on_done: Callback<AssignResult>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let whole_compound = RwSignal::new(false);
    let to = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let compound = parcel.recipient.compound.clone();
    let has_compound = !compound.is_empty();
    let from = parcel.courier.clone();
    let request = {
        let (waybill, compound) = (parcel.waybill.clone(), compound.clone());
        move || AssignRequest {
            day,
            waybills: if whole_compound.get_untracked() {
                Vec::new()
            } else {
                vec![waybill.clone()]
            },
            compound: whole_compound.get_untracked().then(|| compound.clone()),
            courier: to.get_untracked(),
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = session_token(session) else {
            return;
        };
        if to.with_untracked(String::is_empty) {
            error.set(Some(Key::ChooseCourier.text(lang.get_untracked()).into()));
            return;
        }
        let request = request();
        leptos::task::spawn_local(async move {
            match api::assign(&token, &request, lang.get_untracked()).await {
                Ok(result) => on_done.run(result),
                Err(failure) => show_failure(failure, session, error, lang),
            }
        });
    };
    view! {
        <form class="move card" data-testid="move-form" on:submit=submit>
            <h3>{tr(Key::Move)} " " {parcel.waybill.clone()}</h3>
            <fieldset class="field">
                <legend class="field__label">{tr(Key::MoveWhat)}</legend>
                <label class="choice">
                    <input type="radio" name="move_scope" prop:checked=move || !whole_compound.get()
                        on:change=move |_| whole_compound.set(false)/>
                    {tr(Key::OnlyThisParcel)}
                </label>
                {has_compound.then(|| view! {
                    <label class="choice">
                        <input type="radio" name="move_scope" data-testid="whole-compound"
                            prop:checked=move || whole_compound.get()
                            on:change=move |_| whole_compound.set(true)/>
                        {tr(Key::WholeCompound)} " " {compound.clone()}
                    </label>
                })}
            </fieldset>
            <label class="field">
                <span class="field__label">{tr(Key::MoveTo)}</span>
                <select name="move_to" prop:value=move || to.get()
                    on:change=move |ev| to.set(event_target_value(&ev))>
                    <option value="">{tr(Key::ChooseCourier)}</option>
                    {move || couriers.get().into_iter().filter(|c| *c != from).map(|c| view! {
                        <option value=c.clone()>{c.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <p class="field__error" role="alert">{move || error.get()}</p>
            <div class="toolbar">
                <button type="submit" class="button button--primary" data-testid="move-submit">{tr(Key::Move)}</button>
                <button type="button" class="button" on:click=move |_| moving.set(None)>{tr(Key::Cancel)}</button>
            </div>
        </form>
    }
}
