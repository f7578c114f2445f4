//! The station's area rules: an area code or compound, and the courier its parcels go to when the
//! manifest names none. Saving replaces the whole list.

use super::{session_token, show_failure};
use crate::api;
use crate::i18n::{tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::assignment::AreaRule;
use leptos::prelude::*;

/// One editable rule; `id` keeps each row's inputs in place while rows come and go.
#[derive(Clone, Copy)]
struct RuleRow {
    id: usize,
    key: RwSignal<String>,
    courier: RwSignal<String>,
}

impl RuleRow {
    fn new(id: usize, rule: AreaRule) -> RuleRow {
        RuleRow {
            id,
            key: RwSignal::new(rule.key),
            courier: RwSignal::new(rule.courier),
        }
    }
}

#[component]
pub fn AreaRules() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let rows = RwSignal::new(Vec::<RuleRow>::new());
    let next_id = StoredValue::new(0usize);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let add = move |rule: AreaRule| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        rows.update(|r| r.push(RuleRow::new(id, rule)));
    };
    if let Some(token) = session_token(session) {
        leptos::task::spawn_local(async move {
            match api::area_rules(&token, lang.get_untracked()).await {
                Ok(rules) => rules.into_iter().for_each(add),
                Err(failure) => show_failure(failure, session, error, lang),
            }
        });
    }
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = session_token(session) else {
            return;
        };
        saved.set(false);
        error.set(None);
        // Rows left empty are not rules.
        let rules: Vec<AreaRule> = rows.with_untracked(|rows| {
            rows.iter()
                .map(|r| AreaRule {
                    key: r.key.get_untracked().trim().to_string(),
                    courier: r.courier.get_untracked().trim().to_string(),
                })
                .filter(|r| !r.key.is_empty() || !r.courier.is_empty())
                .collect()
        });
        leptos::task::spawn_local(async move {
            match api::save_area_rules(&token, &rules, lang.get_untracked()).await {
                Ok(()) => saved.set(true),
                Err(failure) => show_failure(failure, session, error, lang),
            }
        });
    };
    view! {
        <section class="card card--wide" data-testid="area-rules">
            <h1>{tr(Key::AreaRules)}</h1>
            <p class="field__hint">{tr(Key::AreaRulesHint)}</p>
            <form class="form" on:submit=save>
                <For each=move || rows.get() key=|r| r.id let:row>
                    <div class="rule">
                        <label class="field">
                            <span class="field__label">{tr(Key::AreaKey)}</span>
                            <input name="rule_key" autocomplete="off" prop:value=move || row.key.get()
                                on:input=move |ev| row.key.set(event_target_value(&ev))/>
                        </label>
                        <label class="field">
                            <span class="field__label">{tr(Key::Courier)}</span>
                            <input name="rule_courier" autocomplete="off" prop:value=move || row.courier.get()
                                on:input=move |ev| row.courier.set(event_target_value(&ev))/>
                        </label>
                        <button type="button" class="button rule__remove"
                            on:click=move |_| rows.update(|r| r.retain(|x| x.id != row.id))>{tr(Key::Remove)}</button>
                    </div>
                </For>
                <div class="toolbar">
                    <button type="button" class="button" on:click=move |_| add(AreaRule { key: String::new(), courier: String::new() })>
                        {tr(Key::AddRule)}
                    </button>
                    <button type="submit" class="button button--primary">{tr(Key::SaveRules)}</button>
                </div>
                <p class="field__error" role="alert">{move || error.get()}</p>
                <p class="saved" role="status">{move || saved.get().then(|| tr(Key::RulesSaved)())}</p>
            </form>
        </section>
    }
}
