//! The supervisor's page: first every parcel of the day accounted for, then the day's manifest
//! import, the review of synced records (a filtered list, one record's evidence with its photos,
//! notes and reviews), a dashboard and the station's settings (tariffs, area rules, photo
//! rules). Personal data stays masked.

mod area_rules;
mod complaints;
mod coverage;
mod dashboard;
mod day;
mod detail;
mod devices;
mod import;
mod list;
mod parcels;
mod photos;
mod pickup_evidence;
mod preview;
mod proof_rules;
mod tariffs;

use crate::i18n::{tr, Key};
use crate::nav::LoadPage;
use crate::session::{use_session, CurrentSession};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn SupervisorPage() -> impl IntoView {
    let session = use_session();
    move || match session.0.get() {
        None => view! { <LoadPage path="/login"/> }.into_any(),
        Some(s) if s.is_courier() => {
            view! { <p class="empty">{tr(Key::NotAllowedHere)}</p> }.into_any()
        }
        Some(_) => view! { <Review/> }.into_any(),
    }
}

/// What every supervisor view does with a failed call: an expired or revoked session signs
/// out; anything else is shown in the view's error line.
fn show_failure(
    failure: crate::api::ApiFailure,
    session: CurrentSession,
    error: RwSignal<Option<String>>,
    lang: RwSignal<doorstep_core::Lang>,
) {
    use crate::api::ApiFailure;
    match failure {
        ApiFailure::Http { status: 401, .. } => session.sign_out(),
        ApiFailure::Network => error.set(Some(Key::NetworkError.text(lang.get_untracked()).into())),
        ApiFailure::Http { message, .. } => error.set(Some(message)),
    }
}

/// The session's token for API calls (empty for a browser session, whose cookie authenticates).
fn session_token(session: CurrentSession) -> Option<String> {
    session
        .0
        .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Coverage,
    Import,
    Records,
    Dashboard,
    Tariffs,
    Complaints,
    Devices,
    AreaRules,
    PhotoRules,
}

/// The tabs, coverage first; the list stays mounted under an open record so its filter and pages
/// survive. The coverage and the import share the day, so an import is seen at once.
#[component]
fn Review() -> impl IntoView {
    let tab = RwSignal::new(Tab::Coverage);
    let day = RwSignal::new(day::today());
    let open = RwSignal::new(None::<Uuid>);
    // Bumped by each `station` event of the live feed: the dashboard and the device list load
    // again. The feed ends once this view is gone (the signal with it) or the session ends.
    let live = RwSignal::new(0u32);
    let session = use_session();
    leptos::task::spawn_local(crate::live::follow(
        move || {
            live.try_get_untracked()
                .and_then(|_| session_token(session))
        },
        move |event| {
            if event.name == "station" {
                live.try_update(|n| *n += 1);
            }
        },
    ));
    let tab_button = move |which: Tab, key: Key, test_id: &'static str| {
        view! {
            <button type="button" class="tabs__tab" data-testid=test_id
                aria-pressed=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)>{tr(key)}</button>
        }
    };
    view! {
        <nav class="tabs">
            {tab_button(Tab::Coverage, Key::CoverageTab, "tab-coverage")}
            {tab_button(Tab::Import, Key::ImportTab, "tab-import")}
            {tab_button(Tab::Records, Key::Records, "tab-records")}
            {tab_button(Tab::Dashboard, Key::Dashboard, "tab-dashboard")}
            {tab_button(Tab::Complaints, Key::Complaints, "tab-complaints")}
            {tab_button(Tab::Devices, Key::Devices, "tab-devices")}
            {tab_button(Tab::Tariffs, Key::TariffTables, "tab-tariffs")}
            {tab_button(Tab::AreaRules, Key::AreaRules, "tab-area-rules")}
            {tab_button(Tab::PhotoRules, Key::PhotoRules, "tab-photo-rules")}
        </nav>
        <Show when=move || tab.get() == Tab::Records fallback=move || {
            if tab.get() == Tab::Coverage {
                view! { <coverage::CoverageView day=day/> }.into_any()
            } else if tab.get() == Tab::Import {
                view! { <import::ManifestImport day=day/> }.into_any()
            } else if tab.get() == Tab::AreaRules {
                view! { <area_rules::AreaRules/> }.into_any()
            } else if tab.get() == Tab::PhotoRules {
                view! { <proof_rules::ProofRulesForm/> }.into_any()
            } else if tab.get() == Tab::Tariffs {
                view! { <tariffs::TariffTables/> }.into_any()
            } else if tab.get() == Tab::Complaints {
                view! { <complaints::ComplaintQueue/> }.into_any()
            } else if tab.get() == Tab::Devices {
                view! { <devices::DeviceList live=live.read_only()/> }.into_any()
            } else {
                view! { <dashboard::DashboardView live=live.read_only()/> }.into_any()
            }
        }>
            {move || open.get().map(|id| view! { <detail::RecordDetailPanel id=id open=open/> })}
            <list::RecordList open=open/>
        </Show>
    }
}
