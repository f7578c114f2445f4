//! The courier's day: the assigned parcels as stops in route order, the progress, a filter, and
//! every parcel one tap from its record (with everything known filled in) or from a call.

mod stop;

use super::draft::Draft;
use super::planned::planned_draft;
use crate::clock::now_ms;
use crate::components::scanner::ScanButton;
use crate::device::use_device;
use crate::dial::dial;
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use crate::storage::local::{self, LocalKey};
use crate::storage::OutboxEntry;
use doorstep_core::manifest::RouteParcel;
use doorstep_core::route::{self, Progress, Standing, StopKey};
use doorstep_core::Waybill;
use leptos::prelude::*;
use stop::{stop_card, Action, Shared};

/// Which parcels the route shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    ToGo,
    Done,
    Failed,
}

impl Filter {
    const ALL: [Filter; 4] = [Filter::All, Filter::ToGo, Filter::Done, Filter::Failed];

    fn admits(self, standing: Standing) -> bool {
        match self {
            Filter::All => true,
            Filter::ToGo => standing == Standing::ToGo,
            Filter::Done => standing == Standing::Done,
            Filter::Failed => standing == Standing::Failed,
        }
    }

    fn label(self) -> Key {
        match self {
            Filter::All => Key::FilterAll,
            Filter::ToGo => Key::FilterToGo,
            Filter::Done => Key::FilterDone,
            Filter::Failed => Key::FilterFailed,
        }
    }

    fn test_id(self) -> &'static str {
        match self {
            Filter::All => "filter-all",
            Filter::ToGo => "filter-to-go",
            Filter::Done => "filter-done",
            Filter::Failed => "filter-failed",
        }
    }
}

/// A stop as the list shows it: its place in the route and the parcels the filter admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownStop {
    pub position: usize,
    pub key: StopKey,
    pub parcels: Vec<(RouteParcel, Standing)>,
}

/// Everything the route screen shows, computed in one pass: one memo instead of one per figure
/// keeps the page's code small.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Screen {
    progress: Progress,
    stops: Vec<ShownStop>,
    /// Stops in the route (filtered or not), for the move buttons.
    total_stops: usize,
    /// Stops the filter admits beyond those shown.
    hidden: usize,
}

/// Parcel rows rendered at once, in whole stops: about two phone screens; "more" shows the next
/// ones. Bounds the work of a filter or a move whatever the size of the day.
const ROWS_PER_PAGE: usize = 16;

/// Where each waybill stands by its newest record on the device, sorted by waybill.
fn standings(entries: &[OutboxEntry]) -> Vec<(&str, i64, Standing)> {
    let mut all: Vec<(&str, i64, Standing)> = entries
        .iter()
        .map(|e| {
            let record = &e.record;
            let standing = Standing::of(record.outcome.as_ref().map(|o| o.kind()));
            (record.waybill.as_str(), record.revised_at, standing)
        })
        .collect();
    // Newest first within a waybill, so the first match of a search is the newest.
    all.sort_unstable_by(|a, b| a.0.cmp(b.0).then(b.1.cmp(&a.1)));
    all
}

#[component]
pub fn RouteView(draft: RwSignal<Draft>, form_open: RwSignal<bool>) -> impl IntoView {
    let device = use_device();
    let lang = use_lang();
    let filter = RwSignal::new(Filter::ToGo);
    let shown_rows = RwSignal::new(ROWS_PER_PAGE);
    let order = RwSignal::new(local::get::<Vec<String>>(LocalKey::RouteOrder).unwrap_or_default());
    // Grouping the day into stops is the costly part and does not depend on the filter. The
    // comparison is by order: `IndexMap`'s own equality ignores it, which would hide a move.
    let stops = Memo::new_with_compare(
        move |_| {
            device
                .parcels
                .with(|parcels| order.with(|order| route::stops(parcels, order)))
        },
        |old, new| match (old, new) {
            (Some(old), Some(new)) => !old.iter().eq(new.iter()),
            _ => true,
        },
    );
    let screen = Memo::new(move |_| {
        let filter = filter.get();
        let limit = shown_rows.get();
        device.entries.with(|entries| {
            let standings = standings(entries);
            let standing_of = |parcel: &RouteParcel| {
                let waybill = parcel.parcel.waybill.as_str();
                let at = standings.partition_point(|s| s.0 < waybill);
                standings
                    .get(at)
                    .filter(|s| s.0 == waybill)
                    .map_or(Standing::ToGo, |s| s.2)
            };
            device.parcels.with(|parcels| {
                stops.with(|stops| {
                    let mut screen = Screen {
                        progress: Progress::of(parcels.iter().map(standing_of)),
                        total_stops: stops.len(),
                        ..Screen::default()
                    };
                    let mut rows = 0;
                    for (position, (key, indices)) in stops.iter().enumerate() {
                        let mut admitted = indices
                            .iter()
                            .map(|&i| (&parcels[i], standing_of(&parcels[i])))
                            .filter(|(_, standing)| filter.admits(*standing))
                            .peekable();
                        if admitted.peek().is_none() {
                            continue;
                        }
                        // Only the shown stops' parcels are copied out of the route.
                        if rows < limit {
                            let parcels: Vec<_> = admitted.map(|(p, s)| (p.clone(), s)).collect();
                            rows += parcels.len();
                            screen.stops.push(ShownStop {
                                position,
                                key: key.clone(),
                                parcels,
                            });
                        } else {
                            screen.hidden += 1;
                        }
                    }
                    screen
                })
            })
        })
    });
    let session = use_session();

    // Opens the parcel in the form (and dials it first when `call`); an unsaved record of
    // another parcel is only replaced when the courier agrees.
    let open = move |waybill: Waybill, call: bool| {
        let unsaved = draft.with_untracked(|d| !d.is_blank() && d.waybill != waybill.as_str());
        if unsaved
            && !window()
                .confirm_with_message(Key::DiscardDraft.text(lang.get_untracked()))
                .unwrap_or(false)
        {
            return;
        }
        let Some(mut next) = planned_draft(device, &waybill) else {
            return;
        };
        if call {
            if let Some(uri) = next.tel_uri() {
                next.called_at = Some(now_ms());
                next.call_result = None;
                dial(&uri);
            }
        }
        draft.set(next);
        form_open.set(true);
        window().scroll_to_with_x_and_y(0.0, 0.0);
    };
    let move_stop = move |from: usize, to: usize| {
        let arranged = device.parcels.with_untracked(|parcels| {
            stops.with_untracked(|stops| route::moved(parcels, stops, from, to))
        });
        local::set(LocalKey::RouteOrder, &arranged);
        order.set(arranged);
    };
    let progress_line = move || {
        let p = screen.with(|s| s.progress);
        let lang = lang.get();
        format!(
            "{} / {} {} · {} {} · {} {}",
            p.done,
            p.total,
            Key::RouteDone.text(lang),
            p.failed,
            Key::RouteFailed.text(lang),
            p.to_go,
            Key::RouteToGo.text(lang)
        )
    };

    view! {
        <section class="card route" aria-labelledby="route-title">
            <h1 id="route-title">{tr(Key::RouteTitle)}</h1>
            <p class="route__progress" data-testid="route-progress">{progress_line}</p>
            <progress class="route__bar" aria-hidden="true"
                max=move || screen.with(|s| s.progress.total.max(1))
                value=move || screen.with(|s| s.progress.done + s.progress.failed)></progress>
            {move || (!draft.with(Draft::is_blank)).then(|| view! {
                <p class="notice" role="status">
                    <button type="button" class="button button--small" data-testid="continue-draft"
                        on:click=move |_| form_open.set(true)>
                        {tr(Key::ContinueDraft)}
                    </button>
                    {draft.with_untracked(|d| d.waybill.clone())}
                </p>
            })}
            <div class="route__tools">
                <div class="route__filters" role="group" aria-label=tr(Key::RouteTitle)>
                    {Filter::ALL.into_iter().map(|f| view! {
                        <button type="button" class="button button--small" data-testid=f.test_id()
                            aria-pressed=move || (filter.get() == f).to_string()
                            on:click=move |_| {
                                filter.set(f);
                                shown_rows.set(ROWS_PER_PAGE);
                            }>
                            {tr(f.label())}
                        </button>
                    }).collect_view()}
                </div>
                <button type="button" class="button button--small" data-testid="record-unplanned"
                    on:click=move |_| {
                        // A typed draft stays; a route parcel's makes room for the new one.
                        if draft.with_untracked(|d| d.planned) {
                            draft.set(Draft::default());
                        }
                        form_open.set(true);
                    }>
                    {tr(Key::RecordUnplanned)}
                </button>
                <ScanButton on_scan=move |code: String| {
                    match Waybill::parse(&code) {
                        Ok(waybill) if planned_draft(device, &waybill).is_some() => open(waybill, false),
                        _ => {
                            draft.set(Draft::default().with_waybill(code));
                            form_open.set(true);
                        }
                    }
                }/>
            </div>
            // Drawn again as a whole (a page of rows) when the filter, the order, a record or the
            // language changes; a keyed list was tried and lost taps on stops it had replaced.
            {move || {
                let lang = lang.get();
                screen.with(|s| {
                    if s.stops.is_empty() {
                        return view! { <p class="empty">{Key::RouteEmptyFilter.text(lang)}</p> }
                            .into_any();
                    }
                    let salt = session.0.with_untracked(|s| {
                        s.as_ref().map(|s| s.preference_salt.clone()).unwrap_or_default()
                    });
                    let hidden = s.hidden;
                    device.preferences.with_untracked(|book| view! {
                        <ol class="stops" data-testid="stops"
                            on:click=move |event| match Action::of_click(&event) {
                                Some(Action::Open { waybill, call }) => open(waybill, call),
                                Some(Action::Move { from, to }) => move_stop(from, to),
                                None => {}
                            }>
                            {s.stops.iter().cloned().map(|stop| {
                                let shared = Shared {
                                    lang,
                                    salt: &salt,
                                    book,
                                    stops: s.total_stops,
                                };
                                stop_card(stop, shared)
                            }).collect_view()}
                        </ol>
                        {(hidden > 0).then(|| view! {
                            <button type="button" class="button" data-testid="more-stops"
                                on:click=move |_| shown_rows.update(|n| *n += ROWS_PER_PAGE)>
                                {format!("{} ({hidden})", Key::LoadMore.text(lang))}
                            </button>
                        })}
                    }
                    .into_any())
                })
            }}
        </section>
    }
}
