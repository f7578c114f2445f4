//! The station's courier devices as they reported themselves at their last sync; the ones silent
//! for hours while holding unsynced records come first, flagged.

use super::show_failure;
use crate::api;
use crate::clock::local_date_time;
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::api::DeviceView;
use leptos::prelude::*;

#[component]
pub fn DeviceList(
    /// Changes when the live feed says the station changed: load again.
    live: ReadSignal<u32>,
) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let devices = RwSignal::new(None::<Vec<DeviceView>>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        live.track();
        let Some(token) = super::session_token(session) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::devices(&token, lang.get_untracked()).await {
                Ok(list) => devices.set(Some(list)),
                Err(failure) => show_failure(failure, session, error, lang),
            }
        });
    });
    view! {
        <section class="card" data-testid="devices">
            <h1>{tr(Key::Devices)}</h1>
            <p class="field__error" role="alert">{move || error.get()}</p>
            {move || devices.get().map(|list| {
                if list.is_empty() {
                    return view! { <p class="empty">{tr(Key::NoDevices)}</p> }.into_any();
                }
                view! {
                    <table class="table">
                        <thead><tr>
                            <th>{tr(Key::Courier)}</th>
                            <th>{tr(Key::LastSync)}</th>
                            <th>{tr(Key::QueuedCount)}</th>
                            <th>{tr(Key::OldestQueued)}</th>
                            <th>{tr(Key::AppVersion)}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|d| view! {
                                <tr data-at-risk=d.at_risk.to_string()>
                                    <td>
                                        {d.courier.clone()}
                                        {d.at_risk.then(|| view! { <span class="badge badge--attention">{tr(Key::AtRisk)}</span> })}
                                    </td>
                                    <td>{local_date_time(d.last_sync_at)}</td>
                                    <td>{d.queued}</td>
                                    <td>{d.oldest_queued_at.map(local_date_time).unwrap_or_default()}</td>
                                    <td>{d.app_version.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            })}
        </section>
    }
}
