//! "What is it?" beside a choice: a short explanation that opens in place, by click, tap, Enter
//! or Space, and stays open until closed — the toggletip pattern, on the browser's
//! `<details>`, so it works without JavaScript and on a phone. thaw's `Tooltip` was not used: it
//! opens on mouse hover only (no focus, no touch) and closes when the pointer leaves, which
//! keyboard and touch users, and anyone zooming in, cannot use (WCAG 1.4.13).

use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn WhatIsIt(
    /// What is explained ("Allotissement"): the button's accessible name says it.
    #[prop(into)]
    subject: String,
    /// The explanation.
    #[prop(into)]
    text: String,
    /// Where it is explained at length.
    #[prop(into)]
    more: String,
) -> impl IntoView {
    let question = t("plan.what_is_it");
    view! {
        <details class="toggletip">
            <summary aria-label=format!("{question} {subject}")>{question.clone()}</summary>
            <p class="toggletip__body">{text} " " <a href=more>{t("plan.guide_more")}</a></p>
        </details>
    }
}
