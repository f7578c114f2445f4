//! Recipients' complaints from the consent-link page: the open ones, each resolved with a reason
//! (the recipient's page then shows it as handled; the audit trail keeps the reason).

use super::{session_token, show_failure};
use crate::api;
use crate::clock::local_date_time;
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::api::{ComplaintView, ResolveRequest};
use leptos::prelude::*;

#[component]
pub fn ComplaintQueue() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let complaints = RwSignal::new(None::<Vec<ComplaintView>>);
    let error = RwSignal::new(None::<String>);
    let token = move || session_token(session);
    let load = move || {
        let Some(token) = token() else { return };
        leptos::task::spawn_local(async move {
            match api::complaints(&token, lang.get_untracked()).await {
                Ok(list) => complaints.set(Some(list)),
                Err(failure) => show_failure(failure, session, error, lang),
            }
        });
    };
    load();
    let resolve = move |id: i64, reason: String| {
        let Some(token) = token() else { return };
        leptos::task::spawn_local(async move {
            let request = ResolveRequest { reason };
            match api::resolve_complaint(&token, id, &request, lang.get_untracked()).await {
                Ok(_) => {
                    error.set(None);
                    load();
                }
                Err(failure) => show_failure(failure, session, error, lang),
            }
        });
    };
    view! {
        <section class="card" data-testid="complaints">
            <h1>{tr(Key::Complaints)}</h1>
            <p class="field__error" role="alert">{move || error.get()}</p>
            {move || complaints.get().map(|list| {
                if list.is_empty() {
                    return view! { <p class="empty">{tr(Key::NoComplaints)}</p> }.into_any();
                }
                view! {
                    <ul class="records">
                        {list.into_iter().map(|c| {
                            let reason = RwSignal::new(String::new());
                            let id = c.id;
                            let kind = c.kind;
                            view! {
                                <li class="records__item" data-complaint=kind.code() data-waybill=c.waybill.clone()>
                                    <span class="badge badge--attention">{move || kind.label(lang.get())}</span>
                                    <span class="records__waybill">{c.waybill.clone()}</span>
                                    <span>{c.courier.clone()}</span>
                                    <span>{local_date_time(c.created_at)}</span>
                                    {(!c.note.is_empty()).then(|| view! { <p class="records__note records__wide">{c.note.clone()}</p> })}
                                    <form class="records__wide records__actions" on:submit=move |ev| {
                                        ev.prevent_default();
                                        resolve(id, reason.get_untracked());
                                    }>
                                        <label class="field">
                                            <span class="field__label">{tr(Key::ResolutionReason)}</span>
                                            <input name="resolution" prop:value=move || reason.get()
                                                on:input=move |ev| reason.set(event_target_value(&ev)) />
                                        </label>
                                        <button type="submit" class="button button--small">{tr(Key::Resolve)}</button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}
