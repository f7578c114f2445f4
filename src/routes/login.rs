//! Sign-in for couriers and supervisors.

use crate::api::{self, ApiFailure};
use crate::i18n::{tr, use_lang, Key};
use crate::nav::load_page;
use crate::session::{use_session, Session};
use doorstep_core::api::{LoginRequest, SUPERVISOR_PATH};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Sign-in for couriers (once per device) and supervisors, on the courier entry; supervisors
/// then load their own entry.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let request = LoginRequest {
            username: username.get_untracked(),
            password: password.get_untracked(),
            // Supervisors' sessions stay in an HttpOnly cookie; couriers get a device token.
            cookie: true,
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::login(&request, lang.get_untracked()).await {
                Ok(response) => {
                    let session_value = Session {
                        token: response.token,
                        account: response.account,
                        preference_salt: response.preference_salt,
                    };
                    let courier = session_value.is_courier();
                    session.sign_in(session_value);
                    if courier {
                        navigate("/courier", Default::default());
                    } else {
                        load_page(SUPERVISOR_PATH);
                    }
                }
                Err(ApiFailure::Network) => {
                    error.set(Some(Key::NetworkError.text(lang.get_untracked()).into()))
                }
                Err(ApiFailure::Http { message, .. }) => error.set(Some(message)),
            }
            busy.set(false);
        });
    };

    view! {
        <form class="card form" on:submit=submit>
            <h1>{tr(Key::SignIn)}</h1>
            <label class="field">
                <span class="field__label">{tr(Key::Username)}</span>
                <input name="username" autocomplete="username" required
                    prop:value=username on:input=move |ev| username.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span class="field__label">{tr(Key::Password)}</span>
                <input name="password" type="password" autocomplete="current-password" required
                    aria-describedby="login-error"
                    prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            <p id="login-error" class="field__error" role="alert">{move || error.get()}</p>
            <button class="button button--primary" type="submit" disabled=move || busy.get()>
                {move || if busy.get() { Key::SigningIn.text(lang.get()) } else { Key::SignIn.text(lang.get()) }}
            </button>
        </form>
    }
}
