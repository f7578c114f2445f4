//! `/c/<token>`: the recipient's page, rendered on the server as a few kilobytes of HTML with no
//! script, so it opens fast on a weak mobile connection and in WeChat's browser. Viewing never
//! consents (link previews and prefetches only GET); the answer is taken only from a POSTed form.
//! Only masked data is shown: carrier, the waybill's last four characters, the courier's name and
//! staff number, the offers, free period and fee.

use crate::clock::now_ms;
use crate::links::{self, Answer, Lookup, OpenLink};
use crate::rate_limit::{self, ClientAddress};
use crate::state::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use base64::Engine;
use doorstep_core::api::shanghai_date_time;
use doorstep_core::link::ComplaintKind;
use doorstep_core::masking::waybill_tail;
use doorstep_core::money::format_yuan;
use doorstep_core::{DeliveryMethod, Lang, Outcome};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// Requests one address may make to `/c/*` per minute: plenty for a person, little for a guesser.
pub const PER_ADDRESS_PER_MINUTE: i64 = 60;
const MINUTE_MS: i64 = 60_000;
/// Longest time window or note a recipient may write.
const MAX_TEXT_CHARS: usize = 200;

const STYLE: &str = "body{font:16px/1.5 system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;background:#f8fafc;color:#0f172a}\
main{max-width:34rem;margin:0 auto;padding:16px}h1{font-size:1.3rem;margin:.2rem 0 1rem}\
section{background:#fff;border:1px solid #cbd5e1;border-radius:10px;padding:14px;margin:0 0 14px}\
label{display:flex;gap:10px;align-items:center;min-height:44px}label.text{display:block;margin:8px 0}input[type=text]{width:100%;min-height:44px;font:inherit;box-sizing:border-box;padding:0 8px;border:1px solid #94a3b8;border-radius:8px}\
button{min-height:44px;width:100%;font:inherit;font-weight:600;border:0;border-radius:8px;background:#0f766e;color:#fff;margin-top:8px}\
button.secondary{background:#fff;color:#0f766e;border:1px solid #0f766e}\
.state{font-weight:600;color:#115e59}.warn{color:#b45309}dt{color:#475569}dd{margin:0 0 8px}\
.lang{float:right;color:#0f766e}";

/// The page's Content-Security-Policy: no script at all, only this style, forms to ourselves.
fn csp() -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self'; form-action 'self'; \
         base-uri 'none'; frame-ancestors 'none'"
    )
}

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

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A whole page with the headers every `/c/` answer carries: no caching, no referrer (the token
/// is in the URL), and the page's own CSP.
fn html(status: StatusCode, lang: Lang, title: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{}</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>",
        lang.tag(),
        escape(title)
    );
    let mut response = (status, page).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if let Ok(value) = HeaderValue::from_str(&csp()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// The one page for a wrong, unknown, expired or revoked link: it names nothing.
fn not_valid(lang: Lang, status: StatusCode) -> Response {
    let title = t(lang, "链接无效或已失效", "This link is not valid");
    let body = format!(
        "<h1>{title}</h1><p>{}</p>",
        t(
            lang,
            "请联系为您派件的快递员，或使用快递公司的官方渠道查询。",
            "Please ask your courier, or use the carrier's official service."
        )
    );
    html(status, lang, title, &body)
}

fn too_many(lang: Lang) -> Response {
    let title = t(lang, "请求过于频繁", "Too many requests");
    let mut response = html(
        StatusCode::TOO_MANY_REQUESTS,
        lang,
        title,
        &format!(
            "<h1>{title}</h1><p>{}</p>",
            t(lang, "请一分钟后再试。", "Please try again in a minute.")
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
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

fn internal(error: sqlx::Error, lang: Lang) -> Response {
    tracing::error!(%error, "recipient page failed");
    let title = t(lang, "暂时无法打开", "Temporarily unavailable");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        lang,
        title,
        &format!("<h1>{title}</h1>"),
    )
}

fn method_name(method: &str, lang: Lang) -> &'static str {
    doorstep_core::api::method_label(method, lang)
}

/// Where the parcel went, once it changed hands, if it went to a locker or a station.
fn delivered_place(link: &OpenLink) -> Option<String> {
    match (&link.record.outcome, &link.record.method) {
        (Some(Outcome::PlacedInLocker), DeliveryMethod::Locker { bank, compartment }) => {
            Some(format!("{bank} · {compartment}"))
        }
        (Some(Outcome::LeftAtStation), DeliveryMethod::Station { station }) => {
            Some(station.clone())
        }
        _ => None,
    }
}

fn handed_over(link: &OpenLink) -> bool {
    link.record.handed_over_at().is_some()
}

fn render(link: &OpenLink, token: &str, lang: Lang, notice: Option<&str>) -> Response {
    let record = &link.record;
    let action = format!("/c/{}", escape(token));
    let lang_query = if lang == Lang::En { "?lang=en" } else { "" };
    let mut body = String::new();
    let other_lang = match lang {
        Lang::Zh => format!("<a class=\"lang\" href=\"{action}?lang=en\">English</a>"),
        Lang::En => format!("<a class=\"lang\" href=\"{action}\">中文</a>"),
    };
    let _ = write!(
        body,
        "{other_lang}<h1>{}</h1><section><dl><dt>{}</dt><dd>{} · {} {}</dd><dt>{}</dt><dd>{} · {} {}</dd></dl></section>",
        t(lang, "您的快件", "Your parcel"),
        t(lang, "快件", "Parcel"),
        record.carrier.name(lang),
        t(lang, "运单尾号", "waybill ending"),
        escape(&waybill_tail(record.waybill.as_str(), 4)),
        t(lang, "快递员", "Courier"),
        escape(&link.courier_name),
        t(lang, "工号", "staff no."),
        escape(&link.staff_no),
    );
    if let Some(notice) = notice {
        let _ = write!(
            body,
            "<p class=\"state\" role=\"status\">{}</p>",
            escape(notice)
        );
    }
    if let Some(place) = delivered_place(link) {
        render_delivered(&mut body, link, &place, &action, lang_query, lang);
    } else if handed_over(link) {
        let _ = write!(
            body,
            "<section><p class=\"state\">{}</p></section>",
            t(lang, "快件已交付。", "The parcel has been handed over.")
        );
        render_complaint_form(&mut body, &action, lang_query, lang, false);
    } else {
        render_choice(&mut body, link, &action, lang_query, lang);
    }
    render_complaints(&mut body, link, lang);
    html(
        StatusCode::OK,
        lang,
        t(lang, "确认投递方式", "Choose how to receive your parcel"),
        &body,
    )
}

fn render_choice(body: &mut String, link: &OpenLink, action: &str, lang_query: &str, lang: Lang) {
    let Some(request) = &link.record.link else {
        return;
    };
    if let Some(decision) = &link.decision {
        let _ = write!(
            body,
            "<p class=\"state\" data-testid=\"current-choice\">{}：{}（{}）</p>",
            t(lang, "您当前的选择", "Your current choice"),
            method_name(&decision.choice, lang),
            shanghai_date_time(decision.decided_at),
        );
    }
    let _ = write!(
        body,
        "<section><form method=\"post\" action=\"{action}{lang_query}\"><h2>{}</h2>",
        t(lang, "请选择投递方式", "How would you like to receive it?")
    );
    for offer in &request.offers {
        let checked = link
            .decision
            .as_ref()
            .is_some_and(|d| d.choice == offer.method);
        let detail = match offer.method.as_str() {
            "door" => t(lang, "送货上门", "Bring it to my door").to_string(),
            _ => format!(
                "{}：{} · {} {} {} · {} ¥{}",
                method_name(&offer.method, lang),
                escape(&offer.place),
                t(lang, "免费保管", "free for"),
                request.free_storage_hours,
                t(lang, "小时", "hours"),
                t(lang, "超时费", "then"),
                format_yuan(request.overtime_fee_fen),
            ),
        };
        let _ = write!(
            body,
            "<label><input type=\"radio\" name=\"choice\" value=\"{}\" required{}> {detail}</label>",
            escape(&offer.method),
            if checked { " checked" } else { "" }
        );
    }
    let _ = write!(
        body,
        "<label class=\"text\">{}<input type=\"text\" name=\"time_window\" maxlength=\"{MAX_TEXT_CHARS}\" placeholder=\"{}\"></label>\
         <label class=\"text\">{}<input type=\"text\" name=\"note\" maxlength=\"{MAX_TEXT_CHARS}\"></label>\
         <label><input type=\"checkbox\" name=\"remember\" value=\"1\"> {}</label>\
         <button type=\"submit\">{}</button></form></section>",
        t(lang, "方便收件时间（选填）", "When you are home (optional)"),
        t(lang, "如 18:00 以后", "e.g. after 18:00"),
        t(lang, "留言（选填）", "Note (optional)"),
        t(lang, "以后的快件也这样处理", "Remember for future parcels"),
        t(lang, "确认", "Confirm"),
    );
}

fn render_delivered(
    body: &mut String,
    link: &OpenLink,
    place: &str,
    action: &str,
    lang_query: &str,
    lang: Lang,
) {
    let record = &link.record;
    let (free_hours, fee) = record
        .consent
        .as_ref()
        .map(|c| (c.disclosed.free_storage_hours, c.disclosed.overtime_fee_fen))
        .unwrap_or_default();
    let _ = write!(
        body,
        "<section data-testid=\"delivered\"><h2>{}</h2><dl><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{free_hours} {} · {} ¥{}</dd></dl></section>",
        t(lang, "快件已放好", "Your parcel is waiting"),
        method_name(record.method.code(), lang),
        escape(place),
        t(lang, "取件码", "Pickup code"),
        escape(record.pickup_code.as_deref().unwrap_or("—")),
        t(lang, "免费保管", "Free storage"),
        t(lang, "小时", "hours"),
        t(lang, "超时费", "then"),
        format_yuan(fee),
    );
    render_complaint_form(body, action, lang_query, lang, true);
}

fn render_complaint_form(
    body: &mut String,
    action: &str,
    lang_query: &str,
    lang: Lang,
    locker_or_station: bool,
) {
    let _ = write!(
        body,
        "<section><form method=\"post\" action=\"{action}/complaint{lang_query}\"><h2>{}</h2>",
        t(lang, "有问题？", "Something wrong?")
    );
    for kind in ComplaintKind::ALL {
        if kind == ComplaintKind::DidNotAgree && !locker_or_station {
            continue;
        }
        let _ = write!(
            body,
            "<label><input type=\"radio\" name=\"kind\" value=\"{}\" required> {}</label>",
            kind.code(),
            kind.label(lang)
        );
    }
    let _ = write!(
        body,
        "<label class=\"text\">{}<input type=\"text\" name=\"note\" maxlength=\"{MAX_TEXT_CHARS}\"></label>\
         <button type=\"submit\" class=\"secondary\">{}</button></form></section>",
        t(lang, "说明（选填）", "Details (optional)"),
        t(lang, "提交", "Report"),
    );
}

fn render_complaints(body: &mut String, link: &OpenLink, lang: Lang) {
    if link.complaints.is_empty() {
        return;
    }
    let _ = write!(
        body,
        "<section><h2>{}</h2><ul>",
        t(lang, "您的反馈", "Your reports")
    );
    for complaint in &link.complaints {
        let status = if complaint.resolved {
            t(lang, "已处理", "resolved")
        } else {
            t(lang, "处理中", "being handled")
        };
        let _ = write!(
            body,
            "<li data-complaint=\"{}\">{} · {} · {status}</li>",
            complaint.kind.code(),
            complaint.kind.label(lang),
            shanghai_date_time(complaint.created_at),
        );
    }
    body.push_str("</ul></section>");
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
    let offered = link
        .record
        .link
        .as_ref()
        .is_some_and(|l| l.offers_method(&form.choice));
    let (Ok(time_window), Ok(note)) = (optional_text(&form.time_window), optional_text(&form.note))
    else {
        return bad_form(
            &link,
            &token,
            lang,
            t(lang, "填写的内容过长", "That text is too long"),
        );
    };
    if !offered {
        return bad_form(&link, &token, lang, invalid);
    }
    let answer = Answer {
        choice: form.choice,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn the_page_policy_allows_its_style_and_no_script() {
        let policy = csp();
        assert!(policy.contains("default-src 'none'") && policy.contains("style-src 'sha256-"));
        assert!(!policy.contains("script-src"));
    }
}
