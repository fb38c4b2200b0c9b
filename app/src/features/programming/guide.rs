//! The guide to the levers a planned procurement can use (`/programmation/guide`): what each
//! means for firms and its legal basis; every lever badge links to its section here.

use crate::domain::programming::LEVERS;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn GuidePage() -> impl IntoView {
    view! {
        <Title text=format!("{} — Passerelle", t("plan.guide_title")) />
        <p><a href="/programmation">{t("plan.title")}</a></p>
        <h1>{t("plan.guide_title")}</h1>
        <p class="lead">{t("plan.guide_lead")}</p>
        {LEVERS.iter().map(|l| view! {
            <section id=*l aria-labelledby=format!("{l}-h") class="card">
                <h2 id=format!("{l}-h")>{t(&format!("plan.levers.{l}"))}</h2>
                <p>{t(&format!("plan.guide.{l}"))}</p>
                {(*l == "insertion").then(|| view! { <p data-test="sizing-method">{t("insertion.method")}</p> })}
                <p class="field__hint">{t("plan.guide_basis")} " : " {t(&format!("plan.basis.{l}"))}</p>
            </section>
        }).collect_view()}
        <p class="field__hint">{t("plan.guide_disclaimer")}</p>
    }
}
