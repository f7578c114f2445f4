//! The two apps' roots. Each entry (`src/main.rs` for couriers, `src/bin/supervisor.rs` for
//! supervisors) mounts one of them, so link-time optimisation drops the other side's code.

use crate::components::header::Header;
use crate::device::Device;
use crate::i18n::{tr, Key, Language};
use crate::nav::LoadPage;
use crate::routes::courier::CourierStatus;
use crate::routes::{courier::CourierPage, login::LoginPage, supervisor::SupervisorPage};
use crate::session::{use_session, CurrentSession};
use crate::sw::AppUpdate;
use doorstep_core::api::SUPERVISOR_PATH;
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

/// What both apps share in context: the language, the session and the tariff table.
fn provide_shared_context() -> (Language, CurrentSession) {
    let language = Language::load();
    let session = CurrentSession::load();
    provide_context(language);
    provide_context(session);
    provide_context(crate::tariffs::Tariffs::load());
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("lang", language.0.get_untracked().tag());
    }
    (language, session)
}

/// The courier app (`/`, `/login`, `/courier`): the device's queue, sync and the service worker
/// that keeps it usable offline.
#[component]
pub fn CourierApp() -> impl IntoView {
    let (language, session) = provide_shared_context();
    let proof_rules = crate::proof_rules::StationProofRules::load();
    provide_context(proof_rules);
    let device = Device::new(
        session,
        language.0,
        crate::tariffs::use_tariffs(),
        proof_rules,
    );
    provide_context(device);
    device.start();
    provide_context(AppUpdate::register());
    provide_context(crate::install::InstallPrompt::listen());
    let sign_out = Callback::new(move |()| device.sign_out());

    view! {
        <Router>
            <Header sign_out=sign_out>
                <CourierStatus/>
            </Header>
            <main class="page">
                <Routes fallback=|| view! { <p class="empty">{tr(Key::NotFound)}</p> }>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/courier") view=CourierPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// The supervisor app (`/supervisor`): review, dashboard, tariffs, complaints and devices.
#[component]
pub fn SupervisorApp() -> impl IntoView {
    let (language, session) = provide_shared_context();
    let sign_out = Callback::new(move |()| session.end(language.0.get_untracked(), async {}));

    view! {
        <Router>
            <Header sign_out=sign_out/>
            <main class="page page--desk">
                <Routes fallback=|| view! { <p class="empty">{tr(Key::NotFound)}</p> }>
                    <Route path=path!("/supervisor") view=SupervisorPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// Sends each person to their own part of the app.
#[component]
fn Home() -> impl IntoView {
    let session = use_session();
    move || match session.0.get() {
        None => view! { <Redirect path="/login"/> }.into_any(),
        Some(s) if s.is_courier() => view! { <Redirect path="/courier"/> }.into_any(),
        Some(_) => view! { <LoadPage path=SUPERVISOR_PATH/> }.into_any(),
    }
}
