//! What the plain HTTP handlers (uploads, downloads, feeds: routes that are not server
//! functions) share: the caller's language and the small page that answers a refused form.

use crate::i18n::Lang;
use axum::{
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

/// The language of a plain request: the site's cookie, French by default (as pages decide).
pub fn lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::COOKIE)
        .and_then(|c| c.to_str().ok())
        .map(Lang::from_cookie_header)
        .unwrap_or(Lang::Fr)
}

/// A small page with a message, its status, and a way back: the answer of a plain form
/// (posted without JavaScript) that is refused. `back` is (local address, its text).
pub fn message_page(status: StatusCode, lang: Lang, message: &str, back: (&str, &str)) -> Response {
    let (href, text) = back;
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><link rel=\"stylesheet\" href=\"/pkg/passerelle.css\"></head><body><main class=\"site-main\"><h1>{}</h1><p class=\"alert alert--error\" role=\"alert\">{}</p><p><a href=\"{}\">{}</a></p></main></body></html>",
        lang.code(),
        html_escape(text),
        html_escape(text),
        html_escape(message),
        html_escape(href),
        html_escape(text)
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
