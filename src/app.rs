use crate::components::header::Header;
use crate::device::Device;
use crate::i18n::{tr, Key, Language};
use crate::routes::{courier::CourierPage, login::LoginPage, supervisor::SupervisorPage};
use crate::session::{use_session, CurrentSession};
use crate::sw::AppUpdate;
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

/// The root: shared state in context, the header and the routes.
#[component]
pub fn App() -> impl IntoView {
    let language = Language::load();
    let session = CurrentSession::load();
    provide_context(language);
    provide_context(session);
    let tariffs = crate::tariffs::Tariffs::load();
    provide_context(tariffs);
    let device = Device::new(session, language.0, tariffs);
    provide_context(device);
    device.start();
    provide_context(AppUpdate::register());
    provide_context(crate::install::InstallPrompt::listen());
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("lang", language.0.get_untracked().tag());
    }

    view! {
        <Router>
            <Header/>
            <main class="page">
                <Routes fallback=|| view! { <p class="empty">{tr(Key::NotFound)}</p> }>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/courier") view=CourierPage/>
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
        None => view! { <Redirect path="/login"/> },
        Some(s) if s.is_courier() => view! { <Redirect path="/courier"/> },
        Some(_) => view! { <Redirect path="/supervisor"/> },
    }
}
