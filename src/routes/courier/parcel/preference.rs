//! The recipient's standing preference, when the book has one: use it or withdraw it.

use crate::clock::now_ms;
use crate::device::use_device;
use crate::i18n::{tr, use_lang, Key};
use crate::routes::courier::draft::Draft;
use doorstep_core::preference::StandingPreference;
use leptos::prelude::*;

/// Shown while the draft does not use `preference` yet; a failed withdrawal goes to `save_error`.
#[component]
pub fn PreferenceNotice(
    draft: RwSignal<Draft>,
    preference: Memo<Option<StandingPreference>>,
    save_error: RwSignal<Option<String>>,
) -> impl IntoView {
    let device = use_device();
    let lang = use_lang();
    move || {
        preference.get().filter(|p| draft.with(|d| d.preference_id != Some(p.id))).map(|p| {
        let shown = p.clone();
        let withdrawn = p.clone();
        view! {
            <div class="notice notice--preference" data-testid="preference" role="status">
                <span>{move || format!("{}：{}", Key::StandingPreference.text(lang.get()), shown.describe(lang.get()))}</span>
                <button type="button" class="button button--small" data-testid="use-preference"
                    on:click=move |_| draft.update(|d| d.apply_preference(&p, now_ms()))>
                    {tr(Key::UsePreference)}
                </button>
                <button type="button" class="button button--small"
                    on:click=move |_| {
                        let mut w = withdrawn.clone();
                        w.withdrawn_at = Some(now_ms());
                        leptos::task::spawn_local(async move {
                            if let Err(e) = device.save_preference(w).await {
                                save_error.set(Some(e.to_string()));
                            }
                        });
                    }>
                    {tr(Key::WithdrawPreference)}
                </button>
            </div>
        }
    })
    }
}
