//! The filtered list: newest first, masked, one page at a time.

use super::show_failure;
use crate::api;
use crate::clock::{local_date_time, local_midnight_ms};
use crate::i18n::{channel_key, outcome_key, outcome_label, tr, use_lang, Key};
use crate::session::use_session;
use doorstep_core::api::{method_label, RecordFilter, RecordSummary};
use doorstep_core::compliance::ComplianceFlag;
use doorstep_core::{Carrier, ConsentChannel, Lang, MethodKind, OutcomeKind};
use leptos::prelude::*;
use uuid::Uuid;

/// A `<select>` option: its value and its label in the current language.
type Choice = (String, Box<dyn Fn(Lang) -> String + Send + Sync>);

fn choices<T: Copy + Send + Sync + 'static>(
    items: impl IntoIterator<Item = T>,
    code: fn(T) -> String,
    label: fn(T, Lang) -> String,
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|item| {
            let text: Box<dyn Fn(Lang) -> String + Send + Sync> =
                Box::new(move |lang| label(item, lang));
            (code(item), text)
        })
        .collect()
}

/// A labelled `<select>` whose empty choice means "any".
#[component]
fn FilterSelect(
    name: &'static str,
    label: Key,
    options: Vec<Choice>,
    value: RwSignal<String>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <label class="field">
            <span class="field__label">{tr(label)}</span>
            <select name=name prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="">{tr(Key::AnyOption)}</option>
                {options.into_iter().map(|(code, text)| view! {
                    <option value=code>{move || text(lang.get())}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// A labelled free-text or date input.
#[component]
fn FilterInput(
    name: &'static str,
    label: Key,
    #[prop(default = "text")] kind: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field__label">{tr(label)}</span>
            <input name=name type=kind autocomplete="off" prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </label>
    }
}

/// The form's fields, as typed.
#[derive(Clone, Copy)]
struct FilterFields {
    flag: RwSignal<String>,
    method: RwSignal<String>,
    outcome: RwSignal<String>,
    channel: RwSignal<String>,
    carrier: RwSignal<String>,
    courier: RwSignal<String>,
    waybill: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    photo_pending: RwSignal<bool>,
}

impl FilterFields {
    fn new() -> FilterFields {
        FilterFields {
            flag: RwSignal::new(String::new()),
            method: RwSignal::new(String::new()),
            outcome: RwSignal::new(String::new()),
            channel: RwSignal::new(String::new()),
            carrier: RwSignal::new(String::new()),
            courier: RwSignal::new(String::new()),
            waybill: RwSignal::new(String::new()),
            from: RwSignal::new(String::new()),
            to: RwSignal::new(String::new()),
            photo_pending: RwSignal::new(false),
        }
    }

    fn clear(self) {
        for field in self.all() {
            field.set(String::new());
        }
        self.photo_pending.set(false);
    }

    fn all(self) -> [RwSignal<String>; 9] {
        [
            self.flag,
            self.method,
            self.outcome,
            self.channel,
            self.carrier,
            self.courier,
            self.waybill,
            self.from,
            self.to,
        ]
    }

    fn filter(self) -> RecordFilter {
        let text = |field: RwSignal<String>| {
            Some(field.get_untracked().trim().to_string()).filter(|v| !v.is_empty())
        };
        const DAY_MS: i64 = 24 * 60 * 60 * 1000;
        RecordFilter {
            captured_from: local_midnight_ms(&self.from.get_untracked()),
            // The end date is inclusive on screen: up to the next local midnight.
            captured_to: local_midnight_ms(&self.to.get_untracked()).map(|ms| ms + DAY_MS),
            courier: text(self.courier),
            outcome: text(self.outcome),
            method: text(self.method),
            consent_channel: text(self.channel),
            carrier: text(self.carrier),
            flag: text(self.flag).and_then(|code| ComplianceFlag::from_code(&code)),
            waybill: text(self.waybill),
            photo_pending: self.photo_pending.get_untracked().then_some(true),
            ..Default::default()
        }
    }
}

#[component]
pub fn RecordList(open: RwSignal<Option<Uuid>>) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let fields = FilterFields::new();
    let applied = StoredValue::new(RecordFilter::default());
    let rows = RwSignal::new(Vec::<RecordSummary>::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let load = move |before: Option<String>| {
        let Some(token) = session
            .0
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
        else {
            return;
        };
        loading.set(true);
        let filter = applied.get_value();
        leptos::task::spawn_local(async move {
            match api::records(&token, &filter, before.as_deref(), lang.get_untracked()).await {
                Ok(page) => {
                    if before.is_none() {
                        rows.set(page.records);
                    } else {
                        rows.update(|r| r.extend(page.records));
                    }
                    next.set(page.next);
                    error.set(None);
                }
                Err(failure) => show_failure(failure, session, error, lang),
            }
            loading.set(false);
        });
    };
    load(None);
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        applied.set_value(fields.filter());
        load(None);
    };
    let clear = move |_| {
        fields.clear();
        applied.set_value(RecordFilter::default());
        load(None);
    };

    let flag_options = choices(
        ComplianceFlag::ALL,
        |f| f.code().to_string(),
        |f, lang| f.label(lang).to_string(),
    );
    let method_options = choices(
        MethodKind::ALL,
        |m| m.code().to_string(),
        |m, lang| method_label(m.code(), lang).to_string(),
    );
    let outcome_options = choices(
        OutcomeKind::ALL,
        |o| o.code().to_string(),
        |o, lang| outcome_key(o).text(lang).to_string(),
    );
    let channel_options = choices(
        ConsentChannel::ALL,
        |c| c.code().to_string(),
        |c, lang| channel_key(c).text(lang).to_string(),
    );
    let carrier_options = choices(
        Carrier::ALL,
        |c| c.code().to_string(),
        |c, lang| c.name(lang).to_string(),
    );

    view! {
        <section class="card card--wide">
            <h1>{tr(Key::Records)}</h1>
            <form class="filters" data-testid="filters" on:submit=apply>
                <FilterSelect name="flag" label=Key::Flag options=flag_options value=fields.flag/>
                <FilterSelect name="method" label=Key::Method options=method_options value=fields.method/>
                <FilterSelect name="outcome" label=Key::Outcome options=outcome_options value=fields.outcome/>
                <FilterSelect name="consent_channel" label=Key::ConsentChannel options=channel_options value=fields.channel/>
                <FilterSelect name="carrier" label=Key::Carrier options=carrier_options value=fields.carrier/>
                <FilterInput name="courier" label=Key::Courier value=fields.courier/>
                <FilterInput name="waybill" label=Key::SearchTail value=fields.waybill/>
                <FilterInput name="captured_from" label=Key::DateFrom kind="date" value=fields.from/>
                <FilterInput name="captured_to" label=Key::DateTo kind="date" value=fields.to/>
                <label class="choice filters__check">
                    <input type="checkbox" name="photo_pending" prop:checked=move || fields.photo_pending.get()
                        on:change=move |ev| fields.photo_pending.set(event_target_checked(&ev))/>
                    {tr(Key::PhotoPending)}
                </label>
                <div class="filters__actions">
                    <button type="submit" class="button" data-testid="apply-filters">{tr(Key::ApplyFilters)}</button>
                    <button type="button" class="button button--secondary" on:click=clear>{tr(Key::ClearFilters)}</button>
                    <button type="button" class="button button--secondary" data-testid="export"
                        on:click=move |_| { let _ = window().location().set_href(&api::export_url(&applied.get_value(), false)); }>
                        {tr(Key::ExportCsv)}
                    </button>
                    <button type="button" class="button button--secondary" data-testid="export-full"
                        on:click=move |_| {
                            if window().confirm_with_message(Key::FullDataWarning.text(lang.get_untracked())).unwrap_or(false) {
                                let _ = window().location().set_href(&api::export_url(&applied.get_value(), true));
                            }
                        }>
                        {tr(Key::ExportFull)}
                    </button>
                </div>
            </form>
            <p class="field__error" role="alert">{move || error.get()}</p>
            <div class="table-scroll">
                <table class="table" data-testid="supervisor-records">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Key::Waybill)}</th>
                            <th scope="col">{tr(Key::Flag)}</th>
                            <th scope="col">{tr(Key::Carrier)}</th>
                            <th scope="col">{tr(Key::Method)}</th>
                            <th scope="col">{tr(Key::Outcome)}</th>
                            <th scope="col">{tr(Key::Courier)}</th>
                            <th scope="col">{tr(Key::CapturedAt)}</th>
                            <th scope="col">{tr(Key::ReceivedAt)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || rows.get() key=|r| (r.id, r.revision) let:row>
                            <RecordRow row=row open=open lang=lang/>
                        </For>
                    </tbody>
                </table>
            </div>
            <Show when=move || rows.with(Vec::is_empty) && !loading.get()>
                <p class="empty">{tr(Key::NoRecords)}</p>
            </Show>
            <Show when=move || next.with(Option::is_some)>
                <button class="button" disabled=move || loading.get()
                    on:click=move |_| load(next.get_untracked())>{tr(Key::LoadMore)}</button>
            </Show>
        </section>
    }
}

#[component]
fn RecordRow(
    row: RecordSummary,
    open: RwSignal<Option<Uuid>>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let carrier = Carrier::from_code(&row.carrier).unwrap_or(Carrier::Other);
    let method = row.method.clone();
    let outcome = row.outcome.clone().unwrap_or_default();
    let flags = row.flags.clone();
    let photos_pending = row.photos_pending;
    let id = row.id;
    view! {
        <tr data-waybill=row.waybill.clone()>
            <td>
                <button type="button" class="link" data-testid="open-record"
                    on:click=move |_| { open.set(Some(id)); window().scroll_to_with_x_and_y(0.0, 0.0); }>
                    {row.waybill.clone()}
                </button>
            </td>
            <td>
                {flags.into_iter().map(|flag| view! {
                    <span class="badge badge--attention flag" data-flag=flag.code()>
                        {move || flag.label(lang.get())}
                    </span>
                }).collect_view()}
                {(photos_pending > 0).then(|| view! {
                    <span class="badge badge--queued flag" data-testid="photo-pending">
                        {move || format!("{} {photos_pending}", Key::PhotoPending.text(lang.get()))}
                    </span>
                })}
            </td>
            <td>{move || carrier.name(lang.get())}</td>
            <td>{move || method_label(&method, lang.get())}</td>
            <td>{move || outcome_label(&outcome, lang.get())}</td>
            <td>{row.courier.clone()}</td>
            <td>{local_date_time(row.captured_at)}</td>
            <td>{local_date_time(row.received_at)}</td>
        </tr>
    }
}
