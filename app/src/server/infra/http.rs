//! What the plain HTTP handlers (uploads, downloads, feeds, the API: routes that are not server
//! functions) share: the caller's language, and one way to refuse.
//!
//! A handler returns `Result<Response, Refusal>` and uses `?` on an `AppError`, a database error
//! or a `Refusal` of its own (a more precise message, a way back). The refusal travels in the
//! response's extensions; `render_refusals`, layered over the site's plain routes, writes it as
//! the site's message page in the caller's language, and the API's layer writes it as JSON.

use crate::error::AppError;
use crate::i18n::{tr, Lang};
use crate::server::state::AppState;
use axum::{
    extract::Request,
    http::{header, HeaderMap, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The language of a plain request: the site's one rule (`i18n::lang_of`).
pub fn lang(headers: &HeaderMap) -> Lang {
    crate::i18n::lang_of(headers)
}

/// A refused plain request: its status, the i18n key of its message and, for the API, a stable
/// code and the parameter at fault; for a page, a way back (local address, i18n key of its text).
/// The details are boxed: a refusal travels in every handler's `Result`, and is rare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    detail: Box<Detail>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Detail {
    code: &'static str,
    key: String,
    /// Substituted for `%{arg}` in the message (a form field's argument: a size, a date).
    arg: Option<String>,
    parameter: Option<String>,
    back: Option<(String, String)>,
}

impl Refusal {
    /// A refusal with its status and message (`key`, an i18n key).
    pub fn new(status: StatusCode, key: &str) -> Refusal {
        Refusal {
            status,
            detail: Box::new(Detail {
                code: code_of(status),
                key: key.to_string(),
                arg: None,
                parameter: None,
                back: None,
            }),
        }
    }

    /// The API's stable code of the refusal.
    pub fn code(&self) -> &'static str {
        self.detail.code
    }

    /// The i18n key of its message.
    pub fn key(&self) -> &str {
        &self.detail.key
    }

    /// The query parameter at fault, if any.
    pub fn parameter_name(&self) -> Option<&str> {
        self.detail.parameter.as_deref()
    }

    /// The same refusal, with a link back to `href` saying `key` (an i18n key).
    pub fn back(mut self, href: &str, key: &str) -> Refusal {
        self.detail.back = Some((href.to_string(), key.to_string()));
        self
    }

    /// The same refusal, naming the query parameter at fault and the API's code for it.
    pub fn parameter(mut self, code: &'static str, parameter: &str) -> Refusal {
        self.detail.code = code;
        self.detail.parameter = Some(parameter.to_string());
        self
    }

    /// The message in `lang`, its argument and parameter in place.
    pub fn message(&self, lang: Lang) -> String {
        let d = &self.detail;
        tr(lang, &d.key)
            .replace("%{arg}", d.arg.as_deref().unwrap_or_default())
            .replace("%{name}", d.parameter.as_deref().unwrap_or_default())
    }

    /// The site's small message page: the error, its status, and a way back (home by default).
    pub fn page(&self, lang: Lang) -> Response {
        let message = self.message(lang);
        let (href, text) = match &self.detail.back {
            Some((href, key)) => (href.as_str(), tr(lang, key)),
            None => ("/", tr(lang, "nav.home")),
        };
        message_page(self.status, lang, &message, (href, &text))
    }
}

/// The API's stable code of a status, for refusals that do not name one.
fn code_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not_found",
        413 => "too_large",
        422 => "invalid",
        429 => "too_many_requests",
        _ => "internal",
    }
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Refusal {
        let status =
            StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // A form's own field message says more than "invalid input" when there is one.
        let (key, arg) = match &e {
            AppError::Invalid(fields) if !fields.is_empty() => {
                (fields[0].key.clone(), fields[0].arg.clone())
            }
            _ => (e.message_key().to_string(), None),
        };
        Refusal {
            status,
            detail: Box::new(Detail {
                code: code_of(status),
                key,
                arg,
                parameter: None,
                back: None,
            }),
        }
    }
}

impl From<sea_orm::DbErr> for Refusal {
    #[track_caller]
    fn from(e: sea_orm::DbErr) -> Refusal {
        AppError::from(e).into()
    }
}

/// The status now; the body is written by the layer that knows the caller's language.
impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut res = self.status.into_response();
        res.extensions_mut().insert(self);
        res
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        Refusal::from(self).into_response()
    }
}

/// Writes a refused plain request's answer as the site's message page, in the caller's language.
pub async fn render_refusals(req: Request, next: Next) -> Response {
    let lang = lang(req.headers());
    let res = next.run(req).await;
    match res.extensions().get::<Refusal>() {
        Some(refusal) => refusal.page(lang),
        None => res,
    }
}

/// A capability's plain routes and the list of what they serve (method, path): the server
/// mounts the router, and the authorization test calls every listed route as every kind of
/// caller, so a route mounted without an entry there fails it.
#[derive(Default)]
pub struct Routes {
    router: axum::Router<AppState>,
    listed: Vec<(&'static str, &'static str)>,
}

impl Routes {
    /// A GET route.
    pub fn get<H, T>(mut self, path: &'static str, handler: H) -> Routes
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, axum::routing::get(handler));
        self.listed.push(("GET", path));
        self
    }

    /// A POST route taking a body of up to `limit` bytes (an upload; mounted after the site's
    /// 1 MiB limit, which would refuse it otherwise).
    pub fn upload<H, T>(mut self, path: &'static str, handler: H, limit: usize) -> Routes
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        let route = axum::routing::post(handler).layer(axum::extract::DefaultBodyLimit::max(limit));
        self.router = self.router.route(path, route);
        self.listed.push(("POST", path));
        self
    }

    /// These routes and `other`'s.
    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.listed.extend(other.listed);
        self
    }

    /// What the routes serve: (method, path).
    pub fn listed(&self) -> &[(&'static str, &'static str)] {
        &self.listed
    }

    /// The router to mount.
    pub fn router(self) -> axum::Router<AppState> {
        self.router
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, routing::get, Router};
    use tower::ServiceExt;

    async fn answer(router: Router, headers: &[(&str, &str)]) -> (StatusCode, String) {
        let mut req = Request::builder().uri("/x");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = router
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    fn refusing(r: Refusal) -> Router {
        Router::new()
            .route(
                "/x",
                get(move || {
                    let r = r.clone();
                    async move { Err::<Response, _>(r) }
                }),
            )
            .layer(axum::middleware::from_fn(render_refusals))
    }

    #[tokio::test]
    async fn a_refusal_is_the_sites_page_with_its_status_in_the_callers_language() {
        let r = Refusal::from(AppError::Forbidden).back("/admin/imports", "import.title");
        let (status, fr) = answer(refusing(r.clone()), &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(fr.contains("<html lang=\"fr\">"), "{fr}");
        assert!(fr.contains(&tr(Lang::Fr, "error.forbidden")), "{fr}");
        assert!(fr.contains("href=\"/admin/imports\""), "{fr}");
        let (_, en) = answer(
            refusing(r.clone()),
            &[("accept-language", "en-GB,en;q=0.9")],
        )
        .await;
        assert!(en.contains(&tr(Lang::En, "error.forbidden")), "{en}");
        // The cookie, a person's choice, wins over the browser's.
        let (_, chosen) = answer(
            refusing(r),
            &[("accept-language", "en"), ("cookie", "lang=fr")],
        )
        .await;
        assert!(
            chosen.contains(&tr(Lang::Fr, "error.forbidden")),
            "{chosen}"
        );
    }

    #[tokio::test]
    async fn a_database_error_is_a_500_that_never_shows_its_text() {
        let r: Refusal = sea_orm::DbErr::Custom("relation \"users\" does not exist".into()).into();
        let (status, body) = answer(refusing(r), &[]).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body.contains("relation"), "{body}");
        assert!(body.contains(&tr(Lang::Fr, "error.internal")), "{body}");
    }

    #[test]
    fn a_single_field_message_says_more_than_invalid_input() {
        let r = Refusal::from(AppError::field("fichier", "import.upload.no_file"));
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.key(), "import.upload.no_file");
        assert_eq!(Refusal::from(AppError::NotFound).code(), "not_found");
    }
}
