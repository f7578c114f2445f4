//! "Every parcel accounted for": for a chosen day, each courier's parcels and the station's total
//! by outcome, with the ones still without one, late and unaccounted, and compliance over all of
//! the day's parcels. Tapping a count lists those parcels.

use super::day::DayInput;
use super::parcels::{ParcelList, Selection};
use super::{session_token, show_failure};
use crate::api;
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::compliance::ComplianceFlag;
use doorstep_core::coverage::{Bucket, Coverage, CoverageReport};
use doorstep_core::day::Day;
use leptos::prelude::*;

/// `97.5 %` of a per-mille share.
fn percent(permille: u32) -> String {
    format!("{}.{} %", permille / 10, permille % 10)
}

#[component]
pub fn CoverageView(day: RwSignal<Day>) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let report = RwSignal::new(None::<CoverageReport>);
    let error = RwSignal::new(None::<String>);
    let selected = RwSignal::new(None::<Selection>);
    // Bumped after parcels move, so the counts are read again.
    let moves = RwSignal::new(0u32);
    Effect::new(move |_| {
        let day = day.get();
        moves.track();
        let Some(token) = session_token(session) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::coverage(&token, day, lang.get_untracked()).await {
                Ok(loaded) => {
                    error.set(None);
                    report.set(Some(loaded));
                }
                Err(failure) => show_failure(failure, session, error, lang),
            }
        });
    });
    // A list of another day's parcels would be wrong.
    Effect::watch(move || day.get(), move |_, _, _| selected.set(None), false);
    let couriers = Signal::derive(move || {
        report.with(|r| {
            r.as_ref()
                .map(|r| r.per_courier.iter().map(|c| c.courier.clone()).collect())
                .unwrap_or_default()
        })
    });

    view! {
        <section class="card card--wide" data-testid="coverage">
            <h1>{tr(Key::CoverageTab)}</h1>
            <div class="toolbar">
                <DayInput day=day/>
                <a class="button" data-testid="export-parcels" download=""
                    href=move || api::parcels_export_url(day.get())>{tr(Key::ExportParcels)}</a>
            </div>
            <p class="field__error" role="alert">{move || error.get()}</p>
            {move || report.get().map(|r| view! { <CoverageTable report=r selected=selected/> })}
            {move || selected.get().map(|s| view! {
                <ParcelList day=day.get_untracked() selection=s couriers=couriers
                    on_moved=Callback::new(move |()| moves.update(|m| *m += 1))/>
            })}
        </section>
    }
}

#[component]
fn CoverageTable(report: CoverageReport, selected: RwSignal<Option<Selection>>) -> impl IntoView {
    let lang = use_lang();
    let cutoff = format!(
        "{:02}:{:02}",
        report.cutoff_minute / 60,
        report.cutoff_minute % 60
    );
    let past = report.past_cutoff;
    let empty = report.station.total() == 0;
    let rows = report.per_courier.into_iter().map(|c| {
        let label = if c.display_name.is_empty() || c.display_name == c.courier {
            c.courier.clone()
        } else {
            format!("{} ({})", c.display_name, c.courier)
        };
        (Signal::stored(label), Some(c.courier), c.coverage)
    });
    view! {
        <p class="coverage__cutoff" data-past-cutoff=past.to_string()>
            {tr(Key::Cutoff)} " " {cutoff} " · "
            {move || if past { tr(Key::PastCutoff)() } else { tr(Key::BeforeCutoff)() }}
        </p>
        <Show when=move || empty>
            <p class="empty">{tr(Key::NoParcels)}</p>
        </Show>
        <div class="table-scroll" tabindex="0">
            <table class="table table--numbers coverage" data-testid="coverage-table">
                <thead><tr>
                    <th scope="col">{tr(Key::Courier)}</th>
                    <th scope="col">{tr(Key::Assigned)}</th>
                    {Bucket::ALL.into_iter().map(|b| view! {
                        <th scope="col" data-bucket=b.code()>{move || b.label(lang.get())}</th>
                    }).collect_view()}
                    <th scope="col">{tr(Key::Late)}</th>
                    <th scope="col">{tr(Key::Unaccounted)}</th>
                    <th scope="col">{tr(Key::Unplanned)}</th>
                    <th scope="col">{tr(Key::ComplianceRate)}</th>
                    {ComplianceFlag::ALL.into_iter().map(|f| view! {
                        <th scope="col" class="table__wrap">{move || f.label(lang.get())}</th>
                    }).collect_view()}
                </tr></thead>
                <tbody>
                    {rows.map(|(label, courier, coverage)| view! {
                        <CoverageRow label=label courier=courier coverage=coverage selected=selected/>
                    }).collect_view()}
                    <CoverageRow label=Signal::derive(move || Key::StationTotal.text(lang.get()).to_string())
                        courier=None coverage=report.station selected=selected/>
                </tbody>
            </table>
        </div>
    }
}

/// One courier's counts, or the station's (`courier` is `None`); a non-zero bucket opens its list.
#[component]
fn CoverageRow(
    label: Signal<String>,
    courier: Option<String>,
    coverage: Coverage,
    selected: RwSignal<Option<Selection>>,
) -> impl IntoView {
    let row_id = courier.clone().unwrap_or_default();
    let total_row = courier.is_none();
    view! {
        <tr data-courier=row_id class:coverage__total=total_row>
            <th scope="row">{label}</th>
            <td>{coverage.assigned}</td>
            {Bucket::ALL.into_iter().map(|bucket| {
                let count = coverage.bucket(bucket);
                let which = Selection { courier: courier.clone(), bucket };
                let pressed = {
                    let which = which.clone();
                    move || selected.with(|s| s.as_ref() == Some(&which)).to_string()
                };
                view! {
                    <td data-bucket=bucket.code()>
                        {if count == 0 {
                            view! { <span>"0"</span> }.into_any()
                        } else {
                            view! {
                                <button type="button" class="link" aria-pressed=pressed
                                    on:click=move |_| selected.set(Some(which.clone()))>{count}</button>
                            }.into_any()
                        }}
                    </td>
                }
            }).collect_view()}
            <td data-count="late">{coverage.late}</td>
            <td data-count="unaccounted" class:coverage__alert=coverage.unaccounted != 0>{coverage.unaccounted}</td>
            <td data-count="unplanned">{coverage.unplanned}</td>
            <td data-count="compliance">{percent(coverage.compliance_permille())}</td>
            {ComplianceFlag::ALL.into_iter().map(|flag| view! {
                <td data-flag=flag.code()>{percent(coverage.rule_permille(flag))}</td>
            }).collect_view()}
        </tr>
    }
}
