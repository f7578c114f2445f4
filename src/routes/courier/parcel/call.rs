//! Tap to call: dials the recipient of a route parcel without showing the number, stamps the
//! call on the draft (the evidence the call-first rule needs), and takes how it went.

use super::fields::radio;
use crate::clock::now_ms;
use crate::dial::dial;
use crate::i18n::{tr, Key};
use crate::routes::courier::draft::Draft;
use doorstep_core::CallResult;
use leptos::prelude::*;

/// Dials the draft's recipient and stamps the call; nothing happens without a dialable number.
pub fn call(draft: RwSignal<Draft>) {
    let Some(uri) = draft.with_untracked(Draft::tel_uri) else {
        return;
    };
    draft.update(|d| {
        d.called_at = Some(now_ms());
        d.call_result = None;
    });
    dial(&uri);
}

#[component]
pub fn CallControls(draft: RwSignal<Draft>) -> impl IntoView {
    let result = move |value: CallResult, label: Key| {
        radio(
            draft,
            "call_result",
            Some(value),
            value.code(),
            label,
            |d| d.call_result,
            |d, v| d.call_result = v,
        )
    };
    // Rebuilt only when the call is made, not at every change of the draft.
    let called = Memo::new(move |_| draft.with(|d| d.called_at.is_some()));
    view! {
        <button type="button" class="button button--small" data-testid="call"
            on:click=move |_| call(draft)>
            {tr(Key::CallRecipient)}
        </button>
        {move || called.get().then(|| view! {
            <div class="choices choices--2" role="group" aria-label=tr(Key::CalledAt)>
                {result(CallResult::Reached, Key::CallReached)}
                {result(CallResult::NoAnswer, Key::CallNoAnswer)}
            </div>
        })}
    }
}
