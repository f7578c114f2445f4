//! The station's last 14 days: records and compliance rate per day, counts per flag and per
//! courier, and the pickups' 实名 and 验视 rates with the refused pickups.

use super::show_failure;
use crate::api;
use crate::components::chart::{Bar, BarChart};
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::api::{Dashboard, DAY_MS};
use leptos::prelude::*;

/// A share in per mille as a percentage with one decimal; a dash without any pickup.
fn percent(permille: Option<u64>) -> String {
    permille.map_or_else(|| "—".into(), |p| format!("{}.{}%", p / 10, p % 10))
}

/// `MM-DD` of a Shanghai day number.
fn day_label(day: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64((day * DAY_MS) as f64));
    format!("{:02}-{:02}", date.get_utc_month() + 1, date.get_utc_date())
}

#[component]
pub fn DashboardView(
    /// Changes when the live feed says the station changed: load again.
    live: ReadSignal<u32>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let dashboard = RwSignal::new(None::<Dashboard>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        live.track();
        let Some(token) = super::session_token(session) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::dashboard(&token, lang.get_untracked()).await {
                Ok(loaded) => dashboard.set(Some(loaded)),
                Err(failure) => show_failure(failure, session, error, lang),
            }
        });
    });
    view! {
        <p class="field__error" role="alert">{move || error.get()}</p>
        {move || dashboard.get().map(|d| view! { <DashboardBody dashboard=d/> })}
    }
}

#[component]
fn DashboardBody(dashboard: Dashboard) -> impl IntoView {
    let lang = use_lang();
    let days: Vec<Bar> = dashboard
        .per_day
        .iter()
        .map(|d| Bar {
            label: day_label(d.day),
            value: d.records as f64,
            highlight: d.flagged as f64,
        })
        .collect();
    let rates: Vec<f64> = dashboard
        .per_day
        .iter()
        .map(|d| d.compliance_permille() as f64 / 1000.0)
        .collect();
    let flags = dashboard.per_flag.clone();
    let pickups = dashboard.pickups;
    view! {
        <section class="card card--wide" data-testid="dashboard">
            <h1>{tr(Key::Dashboard)}</h1>
            <h2>{tr(Key::PerDay)}</h2>
            <p class="legend">
                <span class="legend__swatch legend__swatch--all"></span>{tr(Key::RecordCount)}
                <span class="legend__swatch legend__swatch--flagged"></span>{tr(Key::Flagged)}
                <span class="legend__swatch legend__swatch--line"></span>{tr(Key::ComplianceRate)}
            </p>
            <BarChart bars=days line=rates title=Key::PerDay.text(lang.get_untracked()).to_string()/>
            <h2>{tr(Key::PerFlag)}</h2>
            <ul class="counts" data-testid="per-flag">
                {flags.into_iter().map(|count| {
                    let flag = count.flag;
                    view! {
                        <li data-flag=flag.code()>
                            <span>{move || flag.label(lang.get())}</span>
                            <strong>{count.records}</strong>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h2>{tr(Key::PickupSafety)}</h2>
            <ul class="counts" data-testid="pickups">
                <li data-count="picked_up"><span>{tr(Key::PickedUpCount)}</span><strong>{pickups.picked_up}</strong></li>
                <li data-count="real_name"><span>{tr(Key::RealNameRate)}</span><strong>{percent(pickups.real_name_permille())}</strong></li>
                <li data-count="inspection"><span>{tr(Key::InspectionRate)}</span><strong>{percent(pickups.inspection_permille())}</strong></li>
                <li data-count="refused_prohibited"><span>{tr(Key::RefusedProhibitedItem)}</span><strong>{pickups.refused_prohibited}</strong></li>
                <li data-count="refused_declined"><span>{tr(Key::RefusedCheckDeclined)}</span><strong>{pickups.refused_declined}</strong></li>
            </ul>
            <h2>{tr(Key::PerCourier)}</h2>
            <div class="table-scroll" tabindex="0">
                <table class="table">
                    <thead><tr>
                        <th scope="col">{tr(Key::Courier)}</th>
                        <th scope="col">{tr(Key::RecordCount)}</th>
                        <th scope="col">{tr(Key::Flagged)}</th>
                        <th scope="col">{tr(Key::PickedUpCount)}</th>
                        <th scope="col">{tr(Key::RealNameRate)}</th>
                        <th scope="col">{tr(Key::InspectionRate)}</th>
                    </tr></thead>
                    <tbody>
                        {dashboard.per_courier.into_iter().map(|c| view! {
                            <tr>
                                <td>{c.courier}</td><td>{c.records}</td><td>{c.flagged}</td>
                                <td>{c.pickups.picked_up}</td>
                                <td>{percent(c.pickups.real_name_permille())}</td>
                                <td>{percent(c.pickups.inspection_permille())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
