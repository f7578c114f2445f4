//! `/c/<token>`: the recipient's page, rendered on the server as a few kilobytes of HTML with no
//! script, so it opens fast on a weak mobile connection and in WeChat's browser. Viewing never
//! consents (link previews and prefetches only GET); the answer is taken only from a POSTed form.
//! Only masked data is shown: carrier, the waybill's last four characters, the courier's name and
//! staff number, the offers, free period and fee. The handlers are here, the HTML in `page.rs`.

mod page;

use crate::clock::now_ms;
use crate::links::{self, Answer, Lookup, OpenLink};
use crate::photos::names::Viewer;
use crate::photos::serve;
use crate::rate_limit::{self, ClientAddress};
use crate::state::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use doorstep_core::link::ComplaintKind;
use doorstep_core::{Lang, MethodKind};
use page::{handed_over, internal, not_valid, render, t, too_many, MAX_TEXT_CHARS};
use serde::Deserialize;

/// Requests one address may make to `/c/*` per minute: plenty for a person, little for a guesser.
pub const PER_ADDRESS_PER_MINUTE: i64 = 60;
const MINUTE_MS: i64 = 60_000;

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    /// `en` for English; Chinese otherwise.
    lang: Option<String>,
}

/// Chinese unless the page was switched to English, like the app.
fn page_lang(query: &PageQuery) -> Lang {
    query
        .lang
        .as_deref()
        .map(Lang::from_tag)
        .unwrap_or_default()
}

/// The token and page language of a `/c/<token>` request. A path that does not decode (bad
/// percent-encoding or UTF-8) can be no link of ours, so it gets the "not valid" page, and an
/// unreadable query falls back to Chinese, instead of axum's plain-text 400.
pub struct LinkPath {
    token: String,
    lang: Lang,
}

impl<S: Send + Sync> FromRequestParts<S> for LinkPath {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let lang = Query::<PageQuery>::try_from_uri(&parts.uri)
            .map(|Query(query)| page_lang(&query))
            .unwrap_or_default();
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(token)) => Ok(LinkPath { token, lang }),
            Err(_) => Err(not_valid(lang, StatusCode::NOT_FOUND)),
        }
    }
}

/// What every `/c/` request goes through first: the per-address limit, then the token.
async fn open(
    state: &AppState,
    address: &str,
    token: &str,
    lang: Lang,
) -> Result<Box<OpenLink>, Response> {
    let bucket = format!("c:{address}");
    let now = now_ms();
    let allowed = rate_limit::allow(&state.db, &bucket, MINUTE_MS, PER_ADDRESS_PER_MINUTE, now)
        .await
        .map_err(|e| internal(e, lang))?;
    if !allowed {
        return Err(too_many(lang));
    }
    match links::find(&state.db, token, now)
        .await
        .map_err(|e| internal(e, lang))?
    {
        Lookup::Unknown => Err(not_valid(lang, StatusCode::NOT_FOUND)),
        Lookup::Gone => Err(not_valid(lang, StatusCode::GONE)),
        Lookup::Open(link) => Ok(link),
    }
}

/// `GET /c/<token>`: the offers and the current answer, or where the parcel is once delivered.
pub async fn page(
    State(state): State<AppState>,
    LinkPath { token, lang }: LinkPath,
    ClientAddress(address): ClientAddress,
) -> Response {
    match open(&state, &address, &token, lang).await {
        Ok(link) => render(&link, &token, lang, None),
        Err(response) => response,
    }
}

/// `GET /c/<token>/photos/<id>`: a photo of this link's delivery, and nothing else.
pub async fn photo(
    State(state): State<AppState>,
    Path((token, id)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
    ClientAddress(address): ClientAddress,
) -> Response {
    let lang = page_lang(&query);
    let link = match open(&state, &address, &token, lang).await {
        Ok(link) => link,
        Err(response) => return response,
    };
    let Some(photo) = link.photos.iter().find(|p| p.as_str() == id) else {
        return not_valid(lang, StatusCode::NOT_FOUND);
    };
    let record_id = link.record.id.to_string();
    match serve::photo(&state, Viewer::Recipient(&record_id), photo).await {
        Ok(mut response) => {
            response.headers_mut().insert(
                axum::http::header::REFERRER_POLICY,
                axum::http::HeaderValue::from_static("no-referrer"),
            );
            response
        }
        Err(_) => not_valid(lang, StatusCode::NOT_FOUND),
    }
}

#[derive(Debug, Deserialize)]
pub struct ChoiceForm {
    choice: String,
    #[serde(default)]
    time_window: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    remember: Option<String>,
}

fn optional_text(text: &str) -> Result<Option<String>, ()> {
    let text = text.trim();
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(());
    }
    Ok((!text.is_empty()).then(|| text.to_string()))
}

fn bad_form(link: &OpenLink, token: &str, lang: Lang, message: &str) -> Response {
    let mut response = render(link, token, lang, Some(message));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response
}

/// `POST /c/<token>`: the recipient's answer; it may change until the parcel is handed over.
pub async fn choose(
    State(state): State<AppState>,
    LinkPath { token, lang }: LinkPath,
    ClientAddress(address): ClientAddress,
    form: Result<Form<ChoiceForm>, FormRejection>,
) -> Response {
    let link = match open(&state, &address, &token, lang).await {
        Ok(link) => link,
        Err(response) => return response,
    };
    let invalid = t(lang, "请选择一种投递方式", "Choose one of the options");
    let Ok(Form(form)) = form else {
        return bad_form(&link, &token, lang, invalid);
    };
    if handed_over(&link) {
        let mut response = render(
            &link,
            &token,
            lang,
            Some(t(
                lang,
                "快件已交付，无法再更改。",
                "The parcel was handed over; the choice can no longer change.",
            )),
        );
        *response.status_mut() = StatusCode::CONFLICT;
        return response;
    }
    // The radio button's value is the one string here: a code the link offered, or refused.
    let choice = MethodKind::from_code(&form.choice);
    let offered = link
        .record
        .link
        .as_ref()
        .zip(choice)
        .is_some_and(|(l, choice)| l.offers_method(choice));
    let (Ok(time_window), Ok(note)) = (optional_text(&form.time_window), optional_text(&form.note))
    else {
        return bad_form(
            &link,
            &token,
            lang,
            t(lang, "填写的内容过长", "That text is too long"),
        );
    };
    let (true, Some(choice)) = (offered, choice) else {
        return bad_form(&link, &token, lang, invalid);
    };
    let answer = Answer {
        choice,
        time_window,
        note,
        remember: form.remember.is_some(),
    };
    if let Err(e) = links::decide(&state.db, &link, answer).await {
        return internal(e, lang);
    }
    Redirect::to(&format!(
        "/c/{token}{}",
        if lang == Lang::En { "?lang=en" } else { "" }
    ))
    .into_response()
}

#[derive(Debug, Deserialize)]
pub struct ComplaintForm {
    kind: String,
    #[serde(default)]
    note: String,
}

/// `POST /c/<token>/complaint`: "I did not agree", damaged, missing or not received — only once
/// the parcel changed hands.
pub async fn complain(
    State(state): State<AppState>,
    LinkPath { token, lang }: LinkPath,
    ClientAddress(address): ClientAddress,
    form: Result<Form<ComplaintForm>, FormRejection>,
) -> Response {
    let link = match open(&state, &address, &token, lang).await {
        Ok(link) => link,
        Err(response) => return response,
    };
    let kind = form
        .ok()
        .and_then(|Form(f)| Some((ComplaintKind::from_code(&f.kind)?, f.note)));
    let Some((kind, note)) = kind else {
        return bad_form(
            &link,
            &token,
            lang,
            t(lang, "请选择问题类型", "Choose what went wrong"),
        );
    };
    if !handed_over(&link) {
        return bad_form(
            &link,
            &token,
            lang,
            t(
                lang,
                "快件尚未交付，请先选择投递方式。",
                "The parcel has not been handed over yet.",
            ),
        );
    }
    let Ok(note) = optional_text(&note) else {
        return bad_form(
            &link,
            &token,
            lang,
            t(lang, "填写的内容过长", "That text is too long"),
        );
    };
    if let Err(e) = links::complain(&state.db, &link, kind, note.as_deref().unwrap_or("")).await {
        return internal(e, lang);
    }
    Redirect::to(&format!(
        "/c/{token}{}",
        if lang == Lang::En { "?lang=en" } else { "" }
    ))
    .into_response()
}
