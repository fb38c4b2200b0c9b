//! The accessibility statement.

use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;

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
