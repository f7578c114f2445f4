//! The recipient's page as server-rendered HTML, with its texts in both languages and the
//! headers every `/c/` answer carries.

use crate::links::OpenLink;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use doorstep_core::api::shanghai_date_time;
use doorstep_core::link::ComplaintKind;
use doorstep_core::masking::waybill_tail;
use doorstep_core::money::format_yuan;
use doorstep_core::{DeliveryMethod, Lang, MethodKind, Outcome};
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// Longest time window or note a recipient may write.
pub(super) const MAX_TEXT_CHARS: usize = 200;

const STYLE: &str = "body{font:16px/1.5 system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;background:#f8fafc;color:#0f172a}\
main{max-width:34rem;margin:0 auto;padding:16px}h1{font-size:1.3rem;margin:.2rem 0 1rem}\
section{background:#fff;border:1px solid #cbd5e1;border-radius:10px;padding:14px;margin:0 0 14px}\
label{display:flex;gap:10px;align-items:center;min-height:44px}label.text{display:block;margin:8px 0}input[type=text]{width:100%;min-height:44px;font:inherit;box-sizing:border-box;padding:0 8px;border:1px solid #94a3b8;border-radius:8px}\
button{min-height:44px;width:100%;font:inherit;font-weight:600;border:0;border-radius:8px;background:#0f766e;color:#fff;margin-top:8px}\
button.secondary{background:#fff;color:#0f766e;border:1px solid #0f766e}\
.state{font-weight:600;color:#115e59}.warn{color:#b45309}dt{color:#475569}dd{margin:0 0 8px}\
.lang{float:right;color:#0f766e}.photo{display:block;width:100%;height:auto;border-radius:8px;margin-top:8px}";

/// The page's Content-Security-Policy: no script at all, only this style, forms to ourselves.
fn csp() -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self'; form-action 'self'; \
         base-uri 'none'; frame-ancestors 'none'"
    )
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

/// The page's text in its language.
pub(super) fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
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
pub(super) fn not_valid(lang: Lang, status: StatusCode) -> Response {
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

/// The answer past the per-address limit, with `Retry-After`.
pub(super) fn too_many(lang: Lang) -> Response {
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

/// The page for a failure of ours; the error goes to the log, not to the recipient.
pub(super) fn internal(error: sqlx::Error, lang: Lang) -> Response {
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

/// The parcel changed hands: the choice is final and complaints open.
pub(super) fn handed_over(link: &OpenLink) -> bool {
    link.record.handed_over_at().is_some()
}

/// The recipient's page for an open link, with an optional notice above the forms.
pub(super) fn render(link: &OpenLink, token: &str, lang: Lang, notice: Option<&str>) -> Response {
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
            "<section><p class=\"state\">{}</p>",
            t(lang, "快件已交付。", "The parcel has been handed over.")
        );
        render_photos(&mut body, link, &action, lang);
        body.push_str("</section>");
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
            method_name(decision.choice.code(), lang),
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
        let detail = match offer.method {
            MethodKind::Door => t(lang, "送货上门", "Bring it to my door").to_string(),
            MethodKind::Locker | MethodKind::Station => format!(
                "{}：{} · {} {} {} · {} ¥{}",
                method_name(offer.method.code(), lang),
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
            offer.method.code(),
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
    let placed_at = record
        .outcome_at
        .map(shanghai_date_time)
        .unwrap_or_else(|| "—".into());
    let _ = write!(
        body,
        "<section data-testid=\"delivered\"><h2>{}</h2><dl><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd data-testid=\"pickup-code\">{}</dd><dt>{}</dt><dd>{placed_at}</dd><dt>{}</dt><dd>{free_hours} {} · {} ¥{}</dd></dl>",
        t(lang, "快件已放好", "Your parcel is waiting"),
        method_name(record.method.code(), lang),
        escape(place),
        t(lang, "取件码", "Pickup code"),
        escape(record.pickup_code.as_deref().unwrap_or("—")),
        t(lang, "放入时间", "Placed at"),
        t(lang, "免费保管", "Free storage"),
        t(lang, "小时", "hours"),
        t(lang, "超时费", "then"),
        format_yuan(fee),
    );
    render_photos(body, link, action, lang);
    body.push_str("</section>");
    render_complaint_form(body, action, lang_query, lang, true);
}

/// The courier's photos of the delivery, each a link to itself at full size. Plain `<img>`: the
/// page stays script-free.
fn render_photos(body: &mut String, link: &OpenLink, action: &str, lang: Lang) {
    for (n, photo) in link.photos.iter().enumerate() {
        let _ = write!(
            body,
            "<a href=\"{action}/photos/{photo}\"><img class=\"photo\" data-testid=\"proof-photo\" \
             src=\"{action}/photos/{photo}\" alt=\"{} {}\" loading=\"lazy\"></a>",
            t(lang, "投递照片", "Delivery photo"),
            n + 1,
        );
    }
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
