//! The top bar both apps share: who is signed in, the language switch and sign-out.

use crate::i18n::{tr, Key, Language};
use crate::session::use_session;
use leptos::prelude::*;

/// The top bar of both apps: who is signed in, the language switch and sign-out; `children`
/// are the rows only one app has (the courier's queue).
#[component]
pub fn Header(
    /// What signing out means in this app (the courier app also wipes the device).
    sign_out: Callback<()>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let session = use_session();
    let language = expect_context::<Language>();
    let signed_in = move || session.0.with(Option::is_some);

    view! {
        <header class="app-header">
            <div class="app-header__row">
                <strong class="app-header__title">{tr(Key::AppName)}</strong>
                <span class="app-header__who">
                    {move || session.0.with(|s| s.as_ref().map(|s| format!("{} · {}", s.account.display_name, s.account.station)))}
                </span>
                <button class="button button--ghost" on:click=move |_| language.toggle()>
                    {tr(Key::SwitchLanguage)}
                </button>
                <Show when=signed_in>
                    <button class="button button--ghost" data-testid="sign-out" on:click=move |_| sign_out.run(())>{tr(Key::SignOut)}</button>
                </Show>
            </div>
            {children.map(|rows| rows())}
        </header>
    }
}
