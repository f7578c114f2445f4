//! One stop of the route: its address, its parcels (recipient masked, badges, the standing
//! preference), a call button per parcel, and moving the stop up or down the route.
//!
//! Plain functions of one rendering, not components with reactive labels: the list is drawn again
//! whenever the filter, the order or the language changes, and a hundred rows each subscribing to
//! the language (and looking up three contexts) made a filter several times slower. Nor do the
//! buttons hold listeners: each names its [`Action`] in `data-action`, and the list's one listener
//! (see [`Action::of_click`]) acts on it.

use super::ShownStop;
use crate::i18n::Key;
use doorstep_core::manifest::RouteParcel;
use doorstep_core::masking::{mask_name, mask_phone, waybill_tail};
use doorstep_core::money::format_yuan;
use doorstep_core::preference::{active_for, recipient_key, StandingPreference};
use doorstep_core::route::Standing;
use doorstep_core::{Lang, Waybill};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, MouseEvent};

/// What every stop of one rendering shares.
#[derive(Clone, Copy)]
pub struct Shared<'a> {
    pub lang: Lang,
    /// The session's salt for the preference book's keys.
    pub salt: &'a str,
    pub book: &'a [StandingPreference],
    /// How many stops the route has, for the move buttons.
    pub stops: usize,
}

/// What a tap on one of the list's buttons asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Open the parcel's record, and dial the recipient first when `call`.
    Open { waybill: Waybill, call: bool },
    /// Move the stop at `from` to `to`.
    Move { from: usize, to: usize },
}

impl Action {
    /// The action of the button a click landed in, read back from its `data-action`.
    pub fn of_click(event: &MouseEvent) -> Option<Action> {
        let target = event.target()?.dyn_into::<Element>().ok()?;
        let button = target.closest("[data-action]").ok()??;
        Action::parse(&button.get_attribute("data-action")?)
    }

    /// As `data-action` writes it: `open <waybill>`, `call <waybill>`, `move <from> <to>`.
    fn code(&self) -> String {
        match self {
            Action::Open { waybill, call } => {
                format!("{} {waybill}", if *call { "call" } else { "open" })
            }
            Action::Move { from, to } => format!("move {from} {to}"),
        }
    }

    fn parse(code: &str) -> Option<Action> {
        let mut words = code.split(' ');
        let (kind, first) = (words.next()?, words.next()?);
        let number = |word: Option<&str>| word?.parse::<usize>().ok();
        match kind {
            "open" | "call" => Some(Action::Open {
                waybill: Waybill::parse(first).ok()?,
                call: kind == "call",
            }),
            "move" => Some(Action::Move {
                from: number(Some(first))?,
                to: number(words.next())?,
            }),
            _ => None,
        }
    }
}

pub fn stop_card(stop: ShownStop, shared: Shared<'_>) -> impl IntoView {
    let lang = shared.lang;
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
                        data-action=Action::Move { from: position, to: position.saturating_sub(1) }.code()>
                        "↑"</button>
                    <button type="button" class="button button--small"
                        aria-label=Key::MoveStopDown.text(lang)
                        disabled={position + 1 >= shared.stops}
                        data-action=Action::Move { from: position, to: position + 1 }.code()>
                        "↓"</button>
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

fn parcel_row(parcel: RouteParcel, standing: Standing, shared: Shared<'_>) -> impl IntoView {
    let lang = shared.lang;
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
    let open = |call| {
        Action::Open {
            waybill: waybill.clone(),
            call,
        }
        .code()
    };
    let (open_code, call_code) = (open(false), open(true));
    view! {
        <li class="stop__parcel" data-testid="stop-parcel" data-waybill=waybill.to_string()>
            <button type="button" class="stop__open" data-testid="open-parcel"
                data-action=open_code>
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
                    data-action=call_code>
                    {Key::CallRecipient.text(lang)}
                </button>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::Action;
    use doorstep_core::Waybill;

    #[test]
    fn an_action_reads_back_as_written() {
        let waybill = Waybill::parse("SF1234567890123").unwrap();
        for action in [
            Action::Open {
                waybill: waybill.clone(),
                call: false,
            },
            Action::Open {
                waybill,
                call: true,
            },
            Action::Move { from: 3, to: 2 },
        ] {
            assert_eq!(Action::parse(&action.code()), Some(action));
        }
        assert_eq!(Action::parse("move 3"), None);
        assert_eq!(Action::parse("open not-a-waybill"), None);
    }
}
