//! The tariff step of a pickup or cash-on-delivery parcel: the quote with its breakdown, the
//! script to read aloud with the real numbers, and the customer's insurance answer.

use crate::clock::{local_time, now_ms};
use crate::i18n::{tr, use_lang, Key};
use crate::routes::courier::draft::{Draft, DraftErrors};
use crate::routes::courier::quote::ScriptShown;
use crate::tariffs::use_tariffs;
use doorstep_core::money::format_yuan;
use doorstep_core::tariff::{script, QuoteError};
use doorstep_core::weight::format_kg;
use leptos::prelude::*;

/// A labelled input of the tariff step; editing it clears a script already read.
fn tariff_input(
    draft: RwSignal<Draft>,
    name: &'static str,
    label: Key,
    inputmode: &'static str,
    get: fn(&Draft) -> String,
    set: fn(&mut Draft, String),
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field__label">{tr(label)}</span>
            <input name=name inputmode=inputmode autocomplete="off"
                prop:value=move || draft.with(get)
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    draft.update(|d| {
                        d.tariff.edit(|_| {});
                        set(d, v);
                    })
                } />
        </label>
    }
}

#[component]
pub fn TariffStep(draft: RwSignal<Draft>, errors: RwSignal<DraftErrors>) -> impl IntoView {
    let tariffs = use_tariffs();
    let lang = use_lang();
    let quote = Memo::new(move |_| {
        tariffs
            .table
            .with(|table| draft.with(|d| d.tariff.quote(table, d.carrier, d.flags)))
    });
    let services = move || {
        let carrier = draft.with(|d| d.carrier);
        tariffs.table.with(|t| {
            carrier
                .and_then(|c| t.carrier(c))
                .map(|c| c.services.clone())
                .unwrap_or_default()
        })
    };
    let quote_error = move |wanted: fn(QuoteError) -> bool| {
        move || {
            let live = quote.with(|q| q.as_ref().err().and_then(|e| e.quote));
            let saved = errors.with(|e| e.tariff.quote);
            saved
                .or(live.filter(|e| matches!(e, QuoteError::TooHeavy { .. })))
                .filter(|e| wanted(*e))
                .map(|e| e.message(lang.get()))
        }
    };
    let weight_error = move || {
        let typed = draft.with(|d| !d.tariff.weight.trim().is_empty());
        let invalid = quote.with(|q| q.as_ref().err().is_some_and(|e| e.weight));
        ((typed && invalid) || errors.with(|e| e.tariff.weight))
            .then(|| QuoteError::WeightMissing.message(lang.get()))
    };
    let dimensions_error = move || {
        quote
            .with(|q| q.as_ref().err().is_some_and(|e| e.dimensions))
            .then(|| Key::DimensionsInvalid.text(lang.get()))
    };
    let premium = move || {
        let fragile = draft.with(|d| d.flags.fragile);
        quote.with(|q| {
            q.as_ref()
                .ok()
                .map(|q| draft.with(|d| d.tariff.premium(q, fragile)))
        })
    };
    let shown = move || draft.with(|d| d.tariff.shown.clone());
    let outdated = move || {
        shown().is_some_and(|s| tariffs.table.with(|t| t.version != s.version))
            || errors.with(|e| e.tariff.outdated)
    };
    let show_script = move |_| match quote.get_untracked() {
        Ok(_) => {
            let version = tariffs.table.with_untracked(|t| t.version.clone());
            draft.update(|d| {
                d.tariff.shown = Some(ScriptShown {
                    version,
                    at: now_ms(),
                });
                d.tariff.insured = None;
                d.tariff.answered_at = None;
                d.tariff.kept = None;
            });
            errors.update(|e| e.tariff = Default::default());
        }
        Err(found) => errors.update(|e| e.tariff = found),
    };
    let answer = move |insured: bool| {
        draft.update(|d| {
            d.tariff.insured = Some(insured);
            d.tariff.answered_at = Some(now_ms());
        })
    };

    view! {
        <fieldset class="field tariff" data-testid="tariff-step">
            <legend class="field__label">{tr(Key::TariffTitle)}</legend>
            <p class="field__hint" data-testid="tariff-version">
                {move || tariffs.table.with(|t| {
                    let sample = if t.sample { format!("（{}）", Key::SampleFigures.text(lang.get())) } else { String::new() };
                    format!("{} {}{sample}", Key::TariffVersion.text(lang.get()), t.version)
                })}
            </p>
            <Show when=move || tariffs.updated.get()>
                <p class="notice" role="status">{tr(Key::TariffUpdated)}</p>
            </Show>
            <div class="field-row">
                <label class="field">
                    <span class="field__label">{tr(Key::Service)}</span>
                    <select name="tariff_service" aria-describedby="service-error"
                        prop:value=move || draft.with(|d| d.tariff.service.clone())
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| d.tariff.edit(|t| t.service = v));
                        }>
                        <option value="">{tr(Key::ChooseService)}</option>
                        {move || services().into_iter().map(|s| {
                            let name = s.name(lang.get()).to_string();
                            view! { <option value=s.code.clone()>{name}</option> }
                        }).collect_view()}
                    </select>
                    <span id="service-error" class="field__error" role="alert">
                        {quote_error(|e| matches!(e, QuoteError::UnknownService | QuoteError::UnknownCarrier))}
                    </span>
                </label>
                <label class="field">
                    <span class="field__label">{tr(Key::Destination)}</span>
                    <select name="tariff_destination" aria-describedby="destination-error"
                        prop:value=move || draft.with(|d| d.tariff.destination.clone())
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| d.tariff.edit(|t| t.destination = v));
                        }>
                        <option value="">{tr(Key::ChooseDestination)}</option>
                        {move || tariffs.table.with(|t| t.destinations.iter().map(|dest| {
                            let label = format!("{}（{}）", dest.name(lang.get()), dest.zone.label(lang.get()));
                            view! { <option value=dest.code.clone()>{label}</option> }
                        }).collect_view())}
                    </select>
                    <span id="destination-error" class="field__error" role="alert">
                        {quote_error(|e| matches!(e, QuoteError::UnknownDestination | QuoteError::NoZonePrice))}
                    </span>
                </label>
            </div>
            {tariff_input(draft, "tariff_weight", Key::WeightKg, "decimal", |d| d.tariff.weight.clone(), |d, v| d.tariff.weight = v)}
            <span class="field__error" role="alert" data-testid="weight-error">
                {weight_error}
                {quote_error(|e| matches!(e, QuoteError::TooHeavy { .. }))}
            </span>
            <div class="field-row field-row--3">
                {tariff_input(draft, "tariff_length", Key::LengthCm, "numeric", |d| d.tariff.length.clone(), |d, v| d.tariff.length = v)}
                {tariff_input(draft, "tariff_width", Key::WidthCm, "numeric", |d| d.tariff.width.clone(), |d, v| d.tariff.width = v)}
                {tariff_input(draft, "tariff_height", Key::HeightCm, "numeric", |d| d.tariff.height.clone(), |d, v| d.tariff.height = v)}
            </div>
            <span class="field__error" role="alert">{dimensions_error}</span>

            {move || quote.get().ok().map(|q| view! {
                <div class="breakdown" data-testid="tariff-quote">
                    <p>{move || format!("{} {} kg", Key::ChargeableWeight.text(lang.get()), format_kg(q.chargeable_g))}</p>
                    <ul>
                        {q.lines.iter().map(|line| {
                            let line = *line;
                            view! { <li>{move || line.describe(lang.get())}</li> }
                        }).collect_view()}
                    </ul>
                    <p class="breakdown__total">{move || format!("{} ¥{}", Key::Freight.text(lang.get()), format_yuan(q.freight_fen))}</p>
                </div>
            })}

            {move || draft.with(|d| d.tariff.kept.clone().filter(|_| d.tariff.shown.is_none())).map(|kept| {
                let answer = kept.answer.clone();
                view! {
                    <p class="notice" role="status" data-testid="tariff-kept">
                        {move || format!(
                            "{}：{} {} ¥{}，{}",
                            Key::TariffRecorded.text(lang.get()),
                            Key::TariffVersion.text(lang.get()),
                            kept.table_version,
                            format_yuan(answer.as_ref().map_or(kept.freight_fen, |a| a.total_fen)),
                            match answer.as_ref().map(|a| a.insured) {
                                Some(true) => Key::Insured.text(lang.get()),
                                Some(false) => Key::NotInsured.text(lang.get()),
                                None => Key::InsureQuestion.text(lang.get()),
                            },
                        )}
                    </p>
                }
            })}

            <Show when=outdated>
                <p class="notice notice--warn" role="alert" data-testid="tariff-outdated">{tr(Key::TariffOutdated)}</p>
            </Show>
            <button type="button" class="button" data-testid="show-script" on:click=show_script>
                {move || if shown().is_some() { Key::ShowScriptAgain.text(lang.get()) } else { Key::ShowScript.text(lang.get()) }}
            </button>

            {move || shown().and_then(|shown_at| quote.get().ok().map(|q| {
                let declared = premium().and_then(Result::ok);
                view! {
                    <div class="script" data-testid="tariff-script">
                        <p class="field__label">
                            {move || format!("{} · {}", Key::ScriptTitle.text(lang.get()), local_time(shown_at.at))}
                        </p>
                        <ol>
                            {script(&q, declared, lang.get()).into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                        </ol>
                    </div>
                }
            }))}

            <Show when=move || shown().is_some()>
                <fieldset class="field">
                    <legend class="field__label">{tr(Key::InsureQuestion)}</legend>
                    <div class="choices choices--2">
                        <label class="choice">
                            <input type="radio" name="insured" value="yes"
                                prop:checked=move || draft.with(|d| d.tariff.insured == Some(true))
                                on:change=move |_| answer(true) />
                            <span>{tr(Key::Insured)}</span>
                        </label>
                        <label class="choice">
                            <input type="radio" name="insured" value="no"
                                prop:checked=move || draft.with(|d| d.tariff.insured == Some(false))
                                on:change=move |_| answer(false) />
                            <span>{tr(Key::NotInsured)}</span>
                        </label>
                    </div>
                </fieldset>
                <Show when=move || draft.with(|d| d.tariff.insured == Some(true))>
                    <label class="field">
                        <span class="field__label">{tr(Key::DeclaredValue)}</span>
                        <input name="declared_value" inputmode="decimal" autocomplete="off" aria-describedby="declared-error"
                            prop:value=move || draft.with(|d| d.tariff.declared.clone())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| {
                                    d.tariff.declared = v;
                                    d.tariff.answered_at = Some(now_ms());
                                });
                                errors.update(|e| e.tariff.declared = None);
                            } />
                        <span id="declared-error" class="field__error" role="alert">
                            {move || {
                                let typed = draft.with(|d| !d.tariff.declared.trim().is_empty());
                                errors.with(|e| e.tariff.declared)
                                    .or_else(|| premium().and_then(Result::err).filter(|_| typed))
                                    .map(|e| e.message(lang.get()))
                            }}
                        </span>
                    </label>
                </Show>
                {move || {
                    let freight = quote.with(|q| q.as_ref().ok().map(|q| q.freight_fen))?;
                    let insured = draft.with(|d| d.tariff.insured)?;
                    let premium_fen = if insured { premium()?.ok()?.1 } else { 0 };
                    Some(view! {
                        <p class="breakdown__total" data-testid="tariff-total">
                            {move || format!(
                                "{} ¥{} + {} ¥{} = {} ¥{}",
                                Key::Freight.text(lang.get()), format_yuan(freight),
                                Key::Premium.text(lang.get()), format_yuan(premium_fen),
                                Key::Total.text(lang.get()), format_yuan(freight.saturating_add(premium_fen)),
                            )}
                        </p>
                    })
                }}
            </Show>
        </fieldset>
    }
}
