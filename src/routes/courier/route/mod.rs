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
use crate::storage::local::{self, LocalKey};
use doorstep_core::manifest::RouteParcel;
use doorstep_core::route::{self, Progress, Standing, StopKey};
use doorstep_core::Waybill;
use leptos::prelude::*;
use std::collections::HashMap;
use stop::StopCard;

/// Which parcels the route shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

/// A stop as the list shows it: its place in the route and the parcels the filter admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownStop {
    pub position: usize,
    pub key: StopKey,
    pub parcels: Vec<(RouteParcel, Standing)>,
}

#[component]
pub fn RouteView(draft: RwSignal<Draft>, form_open: RwSignal<bool>) -> impl IntoView {
    let device = use_device();
    let lang = use_lang();
    let filter = RwSignal::new(Filter::ToGo);
    let order = RwSignal::new(local::get::<Vec<String>>(LocalKey::RouteOrder).unwrap_or_default());
    // Where each waybill stands by its newest record on the device.
    let standings = Memo::new(move |_| {
        device.entries.with(|entries| {
            let mut newest: HashMap<String, (i64, Standing)> = HashMap::new();
            for entry in entries {
                let record = &entry.record;
                let standing = Standing::of(record.outcome.as_ref().map(|o| o.kind()));
                let slot = newest
                    .entry(record.waybill.as_str().to_string())
                    .or_insert((record.revised_at, standing));
                if record.revised_at >= slot.0 {
                    *slot = (record.revised_at, standing);
                }
            }
            newest
                .into_iter()
                .map(|(waybill, (_, standing))| (waybill, standing))
                .collect::<HashMap<_, _>>()
        })
    });
    let standing_of = move |parcel: &RouteParcel| {
        standings.with(|s| {
            s.get(parcel.parcel.waybill.as_str())
                .copied()
                .unwrap_or(Standing::ToGo)
        })
    };
    let stops = Memo::new(move |_| {
        device
            .parcels
            .with(|parcels| order.with(|order| route::stops(parcels, order)))
    });
    let progress = Memo::new(move |_| {
        device
            .parcels
            .with(|parcels| Progress::of(parcels.iter().map(standing_of)))
    });
    let shown = Memo::new(move |_| {
        let filter = filter.get();
        device.parcels.with(|parcels| {
            stops.with(|stops| {
                stops
                    .iter()
                    .enumerate()
                    .filter_map(|(position, (key, indices))| {
                        let admitted: Vec<(RouteParcel, Standing)> = indices
                            .iter()
                            .map(|&i| (parcels[i].clone(), standing_of(&parcels[i])))
                            .filter(|(_, standing)| filter.admits(*standing))
                            .collect();
                        (!admitted.is_empty()).then(|| ShownStop {
                            position,
                            key: key.clone(),
                            parcels: admitted,
                        })
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let stop_count = move || stops.with(|s| s.len());

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
        let arranged = device
            .parcels
            .with_untracked(|parcels| stops.with_untracked(|s| route::moved(parcels, s, from, to)));
        local::set(LocalKey::RouteOrder, &arranged);
        order.set(arranged);
    };
    let progress_line = move || {
        let p = progress.get();
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
                max=move || progress.get().total.max(1)
                value=move || { let p = progress.get(); p.done + p.failed }></progress>
            <Show when=move || !draft.with(Draft::is_blank)>
                <p class="notice" role="status">
                    <button type="button" class="button button--small" data-testid="continue-draft"
                        on:click=move |_| form_open.set(true)>
                        {tr(Key::ContinueDraft)}
                    </button>
                    {move || draft.with(|d| d.waybill.clone())}
                </p>
            </Show>
            <div class="route__tools">
                <div class="route__filters" role="group" aria-label=tr(Key::RouteTitle)>
                    {Filter::ALL.into_iter().map(|f| view! {
                        <button type="button" class="button button--small" data-testid=format!("filter-{f:?}").to_lowercase()
                            aria-pressed=move || (filter.get() == f).to_string()
                            on:click=move |_| filter.set(f)>
                            {tr(f.label())}
                        </button>
                    }).collect_view()}
                </div>
                <button type="button" class="button button--small" data-testid="record-unplanned"
                    on:click=move |_| {
                        if !draft.with_untracked(|d| d.planned) {
                            form_open.set(true);
                            return;
                        }
                        draft.set(Draft::default());
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
            <Show when=move || shown.with(Vec::is_empty)>
                <p class="empty">{tr(Key::RouteEmptyFilter)}</p>
            </Show>
            <ol class="stops" data-testid="stops">
                <For each=move || shown.get()
                    key=|stop| (stop.position, stop.key.clone(), stop.parcels.iter().map(|(p, s)| (p.parcel.clone(), *s)).collect::<Vec<_>>())
                    let:stop>
                    <StopCard stop=stop stops=stop_count open=open move_stop=move_stop/>
                </For>
            </ol>
        </section>
    }
}
