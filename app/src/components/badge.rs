//! Badges: the short facts a list shows about each result (a quality label, "short chain", an
//! inclusive enterprise, not verified yet), drawn by thaw's `Badge`. thaw's `Badge` is a `<div>`,
//! which no paragraph can hold (the HTML parser would close the paragraph and hydration would
//! find another page), so badges sit in `Badges`, a `<div>` row; a status inside a sentence stays
//! a `<span class="badge">`. The territorial labels are links to their referential, not badges of
//! thaw (a `<div>` cannot be a link): `components::lists::TerritorialBadges`.

use leptos::prelude::*;
use thaw::{BadgeAppearance, BadgeColor};

/// What a badge says, which gives its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadgeTone {
    /// A plain fact ("not verified yet").
    Neutral,
    /// A quality label or a sign of quality (organic, short chain).
    Quality,
    /// The social and inclusive economy.
    Inclusive,
}

impl BadgeTone {
    fn color(self) -> BadgeColor {
        match self {
            BadgeTone::Neutral => BadgeColor::Informative,
            BadgeTone::Quality => BadgeColor::Success,
            BadgeTone::Inclusive => BadgeColor::Brand,
        }
    }
}

/// A row of badges (and territorial labels).
#[component]
pub fn Badges(
    /// The row's `data-test`, for the end-to-end suite.
    #[prop(optional)]
    test: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! { <div class="badges" data-test=test>{children()}</div> }
}

/// One badge, in a `Badges` row.
#[component]
pub fn Badge(tone: BadgeTone, #[prop(into)] text: String) -> impl IntoView {
    view! {
        <thaw::Badge appearance=BadgeAppearance::Tint color=tone.color()>{text}</thaw::Badge>
    }
}
