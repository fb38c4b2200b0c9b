//! The page of an address the site does not know: a 404 that says so and leads home.

use crate::components::status::set_status;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;

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
