//! The supervisor's review of synced records: newest first, personal data masked.

use crate::api::{self, ApiFailure};
use crate::clock::local_date_time;
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::api::{method_label, RecordSummary};
use doorstep_core::Carrier;
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn SupervisorPage() -> impl IntoView {
    let session = use_session();
    move || match session.0.get() {
        None => view! { <Redirect path="/login"/> }.into_any(),
        Some(s) if s.is_courier() => {
            view! { <p class="empty">{tr(Key::NotAllowedHere)}</p> }.into_any()
        }
        Some(_) => view! { <RecordTable/> }.into_any(),
    }
}

#[component]
fn RecordTable() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let rows = RwSignal::new(Vec::<RecordSummary>::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let load = move |before: Option<String>| {
        let Some(token) = session
            .0
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
        else {
            return;
        };
        loading.set(true);
        leptos::task::spawn_local(async move {
            match api::records(&token, before.as_deref(), lang.get_untracked()).await {
                Ok(page) => {
                    if before.is_none() {
                        rows.set(page.records);
                    } else {
                        rows.update(|r| r.extend(page.records));
                    }
                    next.set(page.next);
                    error.set(None);
                }
                Err(ApiFailure::Http { status: 401, .. }) => session.sign_out(),
                Err(ApiFailure::Network) => {
                    error.set(Some(Key::NetworkError.text(lang.get_untracked()).into()))
                }
                Err(ApiFailure::Http { message, .. }) => error.set(Some(message)),
            }
            loading.set(false);
        });
    };
    load(None);

    view! {
        <section class="card card--wide">
            <h1>{tr(Key::Records)}</h1>
            <p class="field__error" role="alert">{move || error.get()}</p>
            <div class="table-scroll">
                <table class="table" data-testid="supervisor-records">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Key::Waybill)}</th>
                            <th scope="col">{tr(Key::Carrier)}</th>
                            <th scope="col">{tr(Key::Method)}</th>
                            <th scope="col">{tr(Key::Outcome)}</th>
                            <th scope="col">{tr(Key::Courier)}</th>
                            <th scope="col">{tr(Key::CapturedAt)}</th>
                            <th scope="col">{tr(Key::ReceivedAt)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || rows.get() key=|r| (r.id, r.revision) let:row>
                            {
                                let carrier = Carrier::from_code(&row.carrier).unwrap_or(Carrier::Other);
                                let method = row.method.clone();
                                view! {
                                    <tr data-waybill=row.waybill.clone()>
                                        <td>{row.waybill.clone()}</td>
                                        <td>{move || carrier.name(lang.get())}</td>
                                        <td>{move || method_label(&method, lang.get())}</td>
                                        <td>{row.outcome.clone().unwrap_or_default()}</td>
                                        <td>{row.courier.clone()}</td>
                                        <td>{local_date_time(row.captured_at)}</td>
                                        <td>{local_date_time(row.received_at)}</td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </div>
            <Show when=move || rows.with(Vec::is_empty) && !loading.get()>
                <p class="empty">{tr(Key::NoRecords)}</p>
            </Show>
            <Show when=move || next.with(Option::is_some)>
                <button class="button" disabled=move || loading.get()
                    on:click=move |_| load(next.get_untracked())>{tr(Key::LoadMore)}</button>
            </Show>
        </section>
    }
}
