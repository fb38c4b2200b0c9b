//! A page's answer when its data cannot be shown: the HTTP status set on the response the server
//! renders (401, 403, 404, 500…), and the reason in the caller's language.

use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the HTTP status of the page being rendered on the server.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = axum::http::StatusCode::from_u16(code) {
            res.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// The error of a page's data: its status on the response, and its message as an alert.
/// `title` gives the page its title and heading first (a page whose heading needs the data;
/// `heading` when the heading says more than the title); `key` says the reason more precisely
/// than the error's own message; `login` adds the way to sign in when no one is.
#[component]
pub fn LoadError(
    error: AppError,
    #[prop(optional, into)] title: Option<String>,
    #[prop(optional, into)] heading: Option<String>,
    #[prop(default = None)] key: Option<&'static str>,
    #[prop(optional)] login: bool,
) -> impl IntoView {
    set_status(error.status_code());
    let message = t(key.unwrap_or_else(|| error.message_key()));
    let login = login && error == AppError::Unauthenticated;
    let factor = error == AppError::SecondFactorRequired;
    view! {
        {title.map(|title| view! {
            <Title text=format!("{title} — Passerelle") />
            <h1>{heading.unwrap_or(title)}</h1>
        })}
        <p class="alert alert--error" role="alert">{message}</p>
        {login.then(|| view! { <p><a href=login_href()>{t("nav.login")}</a></p> })}
        {factor.then(|| view! { <p><a href="/compte/double-authentification">{t("second_factor.manage")}</a></p> })}
    }
}

/// The sign-in page, asked to come back here once signed in (a link in an email to a page
/// that needs an account).
pub fn login_href() -> String {
    let here = leptos_router::hooks::use_location();
    let path = format!(
        "{}{}",
        here.pathname.get_untracked(),
        here.search.get_untracked()
    );
    format!(
        "/connexion?retour={}",
        crate::components::layout::urlencode(&path)
    )
}
