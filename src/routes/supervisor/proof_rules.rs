//! The station's photo rules: for each delivery method whether the courier takes no photo, may
//! take one or must, and how many days photos are kept after the delivery. Couriers' phones
//! take the new rules at their next sync; the change is audited on the server.

use super::{session_token, show_failure};
use crate::api::{self, ApiFailure};
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::proof::{ProofRule, ProofRules, ProofRulesError};
use doorstep_core::MethodKind;
use leptos::prelude::*;

#[component]
pub fn ProofRulesForm() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let rules = RwSignal::new(ProofRules::default());
    let days = RwSignal::new(String::new());
    // Saving waits for the station's rules, so defaults never overwrite them.
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let days_error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let show = move |current: ProofRules| {
        days.set(current.retention_days.to_string());
        rules.set(current);
        loaded.set(true);
    };
    if let Some(token) = session_token(session) {
        leptos::task::spawn_local(async move {
            match api::proof_rules(&token, lang.get_untracked()).await {
                Ok(current) => show(current),
                Err(failure) => show_failure(failure, session, error, lang),
            }
        });
    }
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The retention is checked here first, so its message shows beside it at once.
        let out_of_range = ProofRulesError::RetentionOutOfRange;
        let chosen = days
            .get_untracked()
            .trim()
            .parse()
            .ok()
            .map(|retention_days| ProofRules {
                retention_days,
                ..rules.get_untracked()
            })
            .filter(|r| r.check().is_ok());
        days_error.set(None);
        let Some(chosen) = chosen else {
            days_error.set(Some(out_of_range.message(lang.get_untracked()).into()));
            return;
        };
        let Some(token) = session_token(session) else {
            return;
        };
        saved.set(false);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::save_proof_rules(&token, &chosen, lang.get_untracked()).await {
                Ok(stored) => {
                    show(stored);
                    saved.set(true);
                }
                Err(ApiFailure::Http {
                    status: 422,
                    message,
                    ..
                }) => days_error.set(Some(message)),
                Err(failure) => show_failure(failure, session, error, lang),
            }
        });
    };
    let rule_select = move |method: MethodKind, name: &'static str, label: Key| {
        view! {
            <label class="field">
                <span class="field__label">{tr(label)}</span>
                <select name=name
                    prop:value=move || rules.with(|r| r.for_method(method).code())
                    on:change=move |ev| {
                        if let Some(rule) = ProofRule::from_code(&event_target_value(&ev)) {
                            rules.update(|r| r.set(method, rule));
                        }
                    }>
                    {ProofRule::ALL.into_iter().map(|rule| view! {
                        <option value=rule.code()>{move || rule.label(lang.get())}</option>
                    }).collect_view()}
                </select>
            </label>
        }
    };
    view! {
        <section class="card" data-testid="photo-rules">
            <h1>{tr(Key::PhotoRules)}</h1>
            <p class="field__hint">{tr(Key::PhotoRulesHint)}</p>
            <form class="form" on:submit=save novalidate>
                {rule_select(MethodKind::Door, "proof_door", Key::Door)}
                {rule_select(MethodKind::Locker, "proof_locker", Key::Locker)}
                {rule_select(MethodKind::Station, "proof_station", Key::Station)}
                <label class="field">
                    <span class="field__label">{tr(Key::RetentionDays)}</span>
                    <input name="retention_days" type="number"
                        aria-describedby="retention-error"
                        aria-invalid=move || days_error.with(Option::is_some).to_string()
                        prop:value=move || days.get()
                        on:input=move |ev| { days.set(event_target_value(&ev)); days_error.set(None); }/>
                    <span id="retention-error" class="field__error" role="alert">{move || days_error.get()}</span>
                </label>
                <p class="field__error" role="alert">{move || error.get()}</p>
                <button type="submit" class="button button--primary" data-testid="save-photo-rules"
                    disabled=move || !loaded.get()>{tr(Key::SaveRules)}</button>
                <p class="saved" role="status">{move || saved.get().then(|| tr(Key::RulesSaved)())}</p>
            </form>
        </section>
    }
}
