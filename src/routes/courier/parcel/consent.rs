//! The recipient's consent to a locker or station, with what was disclosed (Art. 28; locker
//! rules Art. 22): where, how long free, the overtime fee.

use crate::clock::now_ms;
use crate::i18n::{tr, use_lang, Key};
use crate::routes::courier::draft::Draft;
use doorstep_core::ConsentChannel;
use leptos::prelude::*;

#[component]
pub fn ConsentSection(
    draft: RwSignal<Draft>,
    ask_by_link: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let channel_is = move |channel: ConsentChannel| draft.with(|d| d.consent_channel == channel);
    view! {
        <fieldset class="field consent">
            <legend class="field__label">{tr(Key::ConsentTitle)}</legend>
            <label class="field">
                <span class="field__label">{tr(Key::ConsentChannel)}</span>
                <select name="consent_channel" prop:value=move || draft.with(|d| d.consent_channel.code())
                    on:change=move |ev| {
                        if let Some(channel) = ConsentChannel::from_code(&event_target_value(&ev)) {
                            draft.update(|d| d.consent_channel = channel)
                        }
                    }>
                    <option value=ConsentChannel::InPerson.code()>{tr(Key::InPerson)}</option>
                    <option value=ConsentChannel::PhoneCall.code()>{tr(Key::PhoneCall)}</option>
                    // Only a preference from the book, or a link the recipient answered, gives these.
                    <option value=ConsentChannel::StandingPreference.code() disabled=move || draft.with(|d| d.preference_id.is_none())>
                        {tr(Key::FromPreference)}
                    </option>
                    <option value=ConsentChannel::RecipientLink.code() disabled=move || !channel_is(ConsentChannel::RecipientLink)>
                        {tr(Key::RecipientLink)}
                    </option>
                </select>
            </label>
            <div class="field-row">
                <label class="field">
                    <span class="field__label">{tr(Key::FreeHours)}</span>
                    <input name="free_hours" inputmode="numeric" prop:value=move || draft.with(|d| d.free_hours.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.free_hours = v) } />
                </label>
                <label class="field">
                    <span class="field__label">{tr(Key::OvertimeFee)}</span>
                    <input name="overtime_fee" inputmode="decimal" prop:value=move || draft.with(|d| d.overtime_fee.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.overtime_fee = v) } />
                </label>
            </div>
            <label class="choice">
                <input type="checkbox" name="consent_given"
                    prop:checked=move || draft.with(|d| d.consent_given)
                    on:change=move |ev| {
                        let given = event_target_checked(&ev);
                        draft.update(|d| {
                            d.consent_given = given;
                            d.consent_at = given.then(now_ms);
                            d.refused = None;
                        })
                    } />
                <span>{tr(Key::ConsentAgreed)}</span>
            </label>
            <Show when=move || !channel_is(ConsentChannel::StandingPreference)>
                <label class="choice">
                    <input type="checkbox" name="remember" prop:checked=move || draft.with(|d| d.remember)
                        on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| d.remember = on) } />
                    <span>{tr(Key::RememberPreference)}</span>
                </label>
            </Show>
            <button type="button" class="button" data-testid="refuse"
                on:click=move |_| draft.update(|d| {
                    d.refused = Some(d.method);
                    d.consent_given = false;
                    d.consent_at = Some(now_ms());
                    d.method = doorstep_core::MethodKind::Door;
                })>
                {move || Key::RecipientRefused.text(lang.get())}
            </button>
            <button type="button" class="button" data-testid="ask-by-link"
                on:click=move |_| ask_by_link()>
                {tr(Key::AskByLink)}
            </button>
        </fieldset>
    }
}
