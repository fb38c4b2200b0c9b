//! The home page: what Passerelle is for, for each kind of visitor.

use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=format!("{} — Passerelle", t("nav.home")) />
        <section class="hero">
            <h1>{t("home.title")}</h1>
            <p class="lead">{t("home.lead")}</p>
            <a class="button button--primary" href="/inscription">{t("home.start")}</a>
        </section>
        <section class="cards">
            <article class="card">
                <h2>{t("home.for_firms")}</h2>
                <p>{t("home.for_firms_text")}</p>
            </article>
            <article class="card">
                <h2>{t("home.for_buyers")}</h2>
                <p>{t("home.for_buyers_text")}</p>
            </article>
            <article class="card">
                <h2>{t("home.for_chambers")}</h2>
                <p>{t("home.for_chambers_text")}</p>
            </article>
        </section>
    }
}
