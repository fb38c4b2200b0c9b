//! Pieces of every searchable list (explorer, directory, catalogue): facet groups whose values
//! are links, and the page links. Links, not buttons: they work without JavaScript and each
//! state of a list is a URL.

use crate::domain::directory::Place;
use crate::domain::geo::RADII_KM;
use crate::i18n::t;
use leptos::prelude::*;

/// An area facet's value as shown: "Métropole de Lyon", "Rhône (hors Métropole)", or a
/// department's name with its code ("Ain (01)").
pub fn area_text(v: &crate::domain::contracts::FacetValue) -> String {
    match &v.label {
        Some(l) if matches!(v.value.as_str(), "69M" | "69D") => l.clone(),
        Some(l) => format!("{l} ({})", v.value),
        None => v.value.clone(),
    }
}

/// Values of a facet shown before "more".
const FACET_SHOWN: usize = 6;

/// One value of a facet: what it says, how many results have it, the list with it added (or
/// removed, when it is the current one).
#[derive(Clone, Debug, PartialEq)]
pub struct FacetLink {
    pub text: String,
    pub count: u64,
    pub href: String,
    pub current: bool,
}

/// A facet's values as links, the first few shown and the rest behind "more". Nothing when it
/// has no value.
#[component]
pub fn FacetGroup(title: String, links: Vec<FacetLink>) -> impl IntoView {
    let item = |l: FacetLink| {
        view! {
            <li>
                <a href=l.href aria-current=l.current.then_some("true")>
                    {l.text}
                    <span class="facet__count">{l.count}</span>
                    {l.current.then(|| view! { <span class="visually-hidden">{t("list.remove_filter")}</span> })}
                </a>
            </li>
        }
    };
    let mut shown = links;
    let more = shown.split_off(shown.len().min(FACET_SHOWN));
    (!shown.is_empty()).then(|| {
        view! {
            <section class="facet">
                <h3>{title}</h3>
                <ul>{shown.into_iter().map(item).collect_view()}</ul>
                {(!more.is_empty()).then(|| view! {
                    <details>
                        <summary>{t("list.facet_more")}</summary>
                        <ul>{more.into_iter().map(item).collect_view()}</ul>
                    </details>
                })}
            </section>
        }
    })
}

/// "Previous · Page n / m · Next", when there is more than one page. `href` gives a page's URL.
#[component]
pub fn Pagination(page: u64, pages: u64, href: Callback<u64, String>) -> impl IntoView {
    (pages > 1).then(|| {
        view! {
            <nav class="pagination" aria-label=t("list.pages")>
                {(page > 1).then(|| view! {
                    <a href=href.run(page - 1) rel="prev">{t("list.previous")}</a>
                })}
                <span>{t("list.page")} " " {page} " / " {pages}</span>
                {(page < pages).then(|| view! {
                    <a href=href.run(page + 1) rel="next">{t("list.next")}</a>
                })}
            </nav>
        }
    })
}

/// The place fields of a search form: a department (or 69M / 69D), and a distance from a commune
/// whose position is known. `prefix` keeps the ids of two forms apart.
#[component]
pub fn PlaceFields(
    prefix: &'static str,
    area: Option<String>,
    near: Option<String>,
    km: Option<u32>,
    places: Vec<Place>,
) -> impl IntoView {
    let id = |name: &str| format!("{prefix}-{name}");
    view! {
        <div class="field">
            <label for=id("dep")>{t("directory.area")}</label>
            <input id=id("dep") name="dep" maxlength="3" value=area.unwrap_or_default() aria-describedby=id("dep-hint") />
            <p class="field__hint" id=id("dep-hint")>{t("directory.area_hint")}</p>
        </div>
        <div class="field">
            <label for=id("pres")>{t("directory.near")}</label>
            <select id=id("pres") name="pres_de" aria-describedby=id("pres-hint")>
                <option value="">{t("directory.near_none")}</option>
                {places.into_iter().map(|p| {
                    let chosen = near.as_ref() == Some(&p.insee);
                    view! { <option value=p.insee selected=chosen>{p.name}</option> }
                }).collect_view()}
            </select>
            <p class="field__hint" id=id("pres-hint")>{t("directory.near_hint")}</p>
        </div>
        <div class="field">
            <label for=id("km")>{t("directory.km")}</label>
            <select id=id("km") name="km">
                {RADII_KM.iter().map(|k| view! {
                    <option value=k.to_string() selected=km.unwrap_or(10) == *k>{format!("{k} km")}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// Territorial labels in force, each a link to its referential (what it certifies), with its
/// end of validity for people and screen readers alike.
#[component]
pub fn TerritorialBadges(badges: Vec<crate::domain::label::LabelBadge>) -> impl IntoView {
    badges
        .into_iter()
        .map(|b| {
            let until = crate::i18n::t("label.badge_until").replace("%{date}", &b.until);
            view! {
                <a class="badge badge--territorial" href=format!("/labels/{}", b.scheme_id) data-test="territorial-badge">
                    {b.name} <span class="visually-hidden">" — " {until}</span>
                </a>
            }
        })
        .collect_view()
}

/// The submit handler of a list's GET filter form: with JavaScript the search navigates on the
/// client, so the list is replaced in place (the page is not loaded again, nor scrolled to the
/// top) and the URL still carries every filter — a link shares the view. Without JavaScript the
/// form is sent as usual. Called while the form is rendered (it needs the router).
pub fn in_place() -> impl Fn(leptos::ev::SubmitEvent) + Clone + 'static {
    let navigate = leptos_router::hooks::use_navigate();
    move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let Some(query) = crate::components::form::query_of(&form) else {
                return;
            };
            let action = form.get_attribute("action").unwrap_or_default();
            ev.prevent_default();
            navigate(
                &format!("{action}?{query}"),
                leptos_router::NavigateOptions {
                    scroll: false,
                    ..Default::default()
                },
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, &navigate);
    }
}
