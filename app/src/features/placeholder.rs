//! Pages that say plainly what is not there (unknown addresses: 404), and the accessibility
//! statement.

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

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text=format!("{} — Passerelle", t("notfound.title")) />
        <section class="notice-page">
            <h1>{t("notfound.title")}</h1>
            <p>{t("notfound.text")}</p>
            <a href="/">{t("area.back_home")}</a>
        </section>
    }
}

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    view! {
        <Title text=format!("{} — Passerelle", t("a11y.title")) />
        <section class="notice-page">
            <h1>{t("a11y.title")}</h1>
            <p>{t("a11y.text")}</p>
        </section>
    }
}
