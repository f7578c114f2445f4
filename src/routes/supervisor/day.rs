//! The day a supervisor looks at: a date input holding a Shanghai [`Day`], today by default.

use crate::i18n::{tr, Key};
use doorstep_core::day::Day;
use leptos::prelude::*;

/// Today in Shanghai, whatever the desk computer's time zone.
pub fn today() -> Day {
    Day::of(crate::clock::now_ms())
}

#[component]
pub fn DayInput(day: RwSignal<Day>) -> impl IntoView {
    view! {
        <label class="field day-input">
            <span class="field__label">{tr(Key::Day)}</span>
            <input type="date" name="day" required=true prop:value=move || day.get().to_string()
                on:change=move |ev| {
                    // A cleared or half-typed date keeps the day shown.
                    if let Some(chosen) = Day::parse(&event_target_value(&ev)) {
                        day.set(chosen);
                    }
                }/>
        </label>
    }
}
