//! "Today's parcels": the day's manifest, picked or dropped, is first previewed (nothing stored),
//! then confirmed. A refused file or a failed confirmation leaves the stored day as it was.

use super::day::DayInput;
use super::preview::PreviewReport;
use super::{session_token, show_failure};
use crate::api::{self, ApiFailure};
use crate::components::file_drop::{ChosenFile, FileDrop};
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::day::Day;
use doorstep_core::manifest::ManifestPreview;
use leptos::prelude::*;

#[component]
pub fn ManifestImport(day: RwSignal<Day>) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let file = StoredValue::new(None::<ChosenFile>);
    let preview = RwSignal::new(None::<ManifestPreview>);
    let error = RwSignal::new(None::<String>);
    // The day's parcels changed between the preview and the confirmation (another import).
    let stale = RwSignal::new(false);
    let busy = RwSignal::new(false);

    // Without `confirm` this asks for a preview; with the preview's fingerprint it stores.
    let send = move |confirm: Option<String>| {
        let Some(token) = session_token(session) else {
            return;
        };
        let Some(chosen) = file.get_value() else {
            return;
        };
        busy.set(true);
        error.set(None);
        stale.set(false);
        let confirming = confirm.is_some();
        leptos::task::spawn_local(async move {
            let answer = api::import_manifest(
                &token,
                day.get_untracked(),
                chosen.bytes,
                confirm.as_deref(),
                lang.get_untracked(),
            )
            .await;
            match answer {
                Ok(answer) => preview.set(Some(answer)),
                Err(ApiFailure::Http {
                    status: 409,
                    message,
                    ..
                }) => {
                    error.set(Some(message));
                    stale.set(true);
                }
                Err(failure) => {
                    // A refused file has no preview; a failed confirmation keeps the one shown.
                    if !confirming {
                        preview.set(None);
                    }
                    show_failure(failure, session, error, lang);
                }
            }
            busy.set(false);
        });
    };
    let on_file = Callback::new(move |chosen: ChosenFile| {
        file.set_value(Some(chosen));
        send(None);
    });
    // Another day makes another preview of the same file.
    Effect::watch(
        move || day.get(),
        move |_, _, _| {
            if file.with_value(Option::is_some) {
                send(None);
            }
        },
        false,
    );
    let confirm = move |_| {
        if let Some(fingerprint) =
            preview.with_untracked(|p| p.as_ref().map(|p| p.fingerprint.clone()))
        {
            send(Some(fingerprint));
        }
    };
    let can_confirm = move || {
        preview.with(|p| {
            p.as_ref()
                .is_some_and(|p| !p.stored && p.added + p.changed > 0)
        }) && !busy.get()
            && !stale.get()
    };

    view! {
        <section class="card card--wide" data-testid="manifest-import">
            <h1>{tr(Key::ImportTab)}</h1>
            <div class="import__pick">
                <DayInput day=day/>
                <FileDrop accept=".csv,.xlsx" label=Key::ChooseManifest on_file=on_file/>
            </div>
            <p class="field__error" role="alert" data-testid="import-error">{move || error.get()}</p>
            <Show when=move || stale.get()>
                <button type="button" class="button" data-testid="preview-again" on:click=move |_| send(None)>
                    {tr(Key::PreviewAgain)}
                </button>
            </Show>
            <p class="saved" role="status">{move || busy.get().then(|| tr(Key::Working)())}</p>
            {move || preview.get().map(|p| view! { <PreviewReport preview=p/> })}
            <Show when=can_confirm>
                <button type="button" class="button button--primary" data-testid="confirm-import" on:click=confirm>
                    {tr(Key::ConfirmImport)}
                </button>
            </Show>
        </section>
    }
}
