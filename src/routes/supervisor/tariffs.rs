//! The station's tariff tables: every version, newest first, and the upload of a new one, with
//! the server's problems listed by field.

use crate::api::{self, ApiFailure, FieldProblem};
use crate::clock::local_date_time;
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use crate::tariffs::use_tariffs;
use doorstep_core::api::TariffVersion;
use leptos::prelude::*;

#[component]
pub fn TariffTables() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let tariffs = use_tariffs();
    let versions = RwSignal::new(Vec::<TariffVersion>::new());
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let uploaded = RwSignal::new(None::<String>);
    let token = move || super::session_token(session);
    let show_failure = move |failure: ApiFailure| match failure {
        ApiFailure::Http { status: 401, .. } => session.sign_out(),
        ApiFailure::Network => error.set(Some(Key::NetworkError.text(lang.get_untracked()).into())),
        ApiFailure::Http {
            message, details, ..
        } => {
            error.set(Some(message));
            problems.set(details);
        }
    };
    let load = move || {
        let Some(token) = token() else { return };
        leptos::task::spawn_local(async move {
            match api::tariff_versions(&token, lang.get_untracked()).await {
                Ok(list) => versions.set(list),
                Err(failure) => show_failure(failure),
            }
        });
    };
    load();
    let template = move |_| {
        let table = tariffs.table.get_untracked();
        text.set(serde_json::to_string_pretty(&table).unwrap_or_default());
    };
    let upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = token() else { return };
        error.set(None);
        problems.set(Vec::new());
        uploaded.set(None);
        let body = text.get_untracked();
        leptos::task::spawn_local(async move {
            match api::upload_tariffs(&token, body, lang.get_untracked()).await {
                Ok(version) => {
                    uploaded.set(Some(version.version));
                    load();
                    // The supervisor's own copy follows, as couriers' devices will at their sync.
                    tariffs.refresh(&token, lang.get_untracked()).await;
                }
                Err(failure) => show_failure(failure),
            }
        });
    };

    view! {
        <section class="card" data-testid="tariff-tables">
            <h1>{tr(Key::TariffTables)}</h1>
            <table class="table">
                <thead><tr>
                    <th>{tr(Key::TariffVersion)}</th>
                    <th>{tr(Key::EffectiveFrom)}</th>
                    <th>{tr(Key::Uploaded)}</th>
                </tr></thead>
                <tbody>
                    {move || versions.get().into_iter().map(|v| {
                        let sample = v.sample;
                        let uploaded = match (v.uploaded_at, v.uploaded_by) {
                            (Some(at), Some(by)) => format!("{} {by}", local_date_time(at)),
                            _ => Key::BuiltIn.text(lang.get()).to_string(),
                        };
                        view! {
                            <tr data-version=v.version.clone()>
                                <td>
                                    {v.version.clone()}
                                    {sample.then(|| view! { <span class="badge">{move || Key::SampleFigures.text(lang.get())}</span> })}
                                </td>
                                <td>{v.effective_from.clone()}</td>
                                <td>{uploaded}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <form class="form" on:submit=upload novalidate>
                <h2>{tr(Key::UploadTariffs)}</h2>
                <button type="button" class="button button--small" on:click=template>
                    {tr(Key::UseCurrentAsTemplate)}
                </button>
                <label class="field">
                    <span class="field__label">{tr(Key::TariffJson)}</span>
                    <textarea name="tariff_json" rows="14" spellcheck="false" aria-describedby="tariff-upload-errors"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                </label>
                <div id="tariff-upload-errors" role="alert">
                    <p class="field__error">{move || error.get()}</p>
                    <ul class="field__error" data-testid="tariff-problems">
                        {move || problems.get().into_iter().map(|p| view! {
                            <li><code>{p.field}</code>{format!("：{}", p.message)}</li>
                        }).collect_view()}
                    </ul>
                </div>
                <button type="submit" class="button button--primary">{tr(Key::UploadTariffs)}</button>
                <p class="saved" role="status">
                    {move || uploaded.get().map(|v| format!("{} {v}", Key::Uploaded.text(lang.get())))}
                </p>
            </form>
        </section>
    }
}
