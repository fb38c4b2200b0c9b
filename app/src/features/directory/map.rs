//! The directory's map: the Métropole's communes shaded by how many results each has, each one
//! with results a link that narrows the list to it; the departments around as links beside
//! it; the circle of a distance search. Drawn on the server as SVG (no tile server is reachable,
//! and none is needed), so it shows without JavaScript.

use crate::domain::contracts::FacetValue;
use crate::domain::directory::{DirectoryFilters, Place};
use crate::domain::geo;
use crate::i18n::t;
use leptos::prelude::*;
use std::collections::HashMap;

/// "12 organisations", "1 organisation", "aucune organisation".
pub fn count_text(n: u64) -> String {
    match n {
        0 => t("directory.count_zero"),
        1 => t("directory.count_one"),
        n => format!("{n} {}", t("directory.count_many")),
    }
}

#[component]
pub fn DirectoryMap(
    /// Results by commune (arrondissements counted with their city).
    communes: Vec<FacetValue>,
    /// Results by area (department, or 69M / 69D).
    areas: Vec<FacetValue>,
    filters: DirectoryFilters,
    places: Vec<Place>,
) -> impl IntoView {
    let base = DirectoryFilters {
        page: 1,
        ..filters.clone()
    };
    let counts: HashMap<&str, u64> = communes
        .iter()
        .map(|c| (c.value.as_str(), c.count))
        .collect();
    let max = counts.values().copied().max().unwrap_or(0);
    let (width, height) = geo::map_size();
    let current = filters.commune.clone();
    let shapes = geo::shapes()
        .map(|s| {
            let count = counts.get(s.insee).copied().unwrap_or(0);
            let class = format!(
                "dmap__commune dmap__commune--{}{}",
                geo::shade(count, max),
                if current.as_deref() == Some(s.insee) {
                    " dmap__commune--current"
                } else {
                    ""
                }
            );
            let label = format!("{} : {}", s.name, count_text(count));
            if count == 0 {
                view! { <g><path d=s.path class=class><title>{label}</title></path></g> }.into_any()
            } else {
                let to = DirectoryFilters {
                    commune: Some(s.insee.to_string()),
                    ..base.clone()
                };
                let title = label.clone();
                view! {
                    <g>
                        <a href=format!("/annuaire?{}", to.to_query(1)) aria-label=label>
                            <path d=s.path class=class><title>{title}</title></path>
                        </a>
                    </g>
                }
                .into_any()
            }
        })
        .collect_view();
    // The circle of "within km of a commune", around the commune's centre.
    let circle = filters
        .near
        .as_ref()
        .zip(filters.km)
        .and_then(|(insee, km)| places.iter().find(|p| &p.insee == insee).map(|p| (p, km)))
        .map(|(p, km)| {
            let (x, y) = geo::project(p.lat, p.lon);
            let r = f64::from(km) * geo::units_per_km();
            view! {
                <g>
                    <circle class="dmap__radius" cx=format!("{x:.1}") cy=format!("{y:.1}") r=format!("{r:.1}") />
                    <circle class="dmap__origin" cx=format!("{x:.1}") cy=format!("{y:.1}") r="4" />
                </g>
            }
        });
    let area_count = |code: &str| {
        areas
            .iter()
            .find(|a| a.value == code)
            .map(|a| a.count)
            .unwrap_or(0)
    };
    let around = geo::AROUND
        .iter()
        .map(|(code, side)| {
            let count = area_count(code);
            let name = match *code {
                "69D" => t("directory.area_69d"),
                "01" => "Ain".to_string(),
                _ => "Isère".to_string(),
            };
            let class = format!("dmap__around dmap__around--{side}");
            let text = view! { <span class="dmap__around-name">{name.clone()}</span> <span class="dmap__around-count">{count_text(count)}</span> };
            if count == 0 {
                view! { <p class=class>{text}</p> }.into_any()
            } else {
                let to = DirectoryFilters {
                    area: Some(code.to_string()),
                    commune: None,
                    ..base.clone()
                };
                view! { <p class=class><a href=format!("/annuaire?{}", to.to_query(1))>{text}</a></p> }.into_any()
            }
        })
        .collect_view();
    let elsewhere: u64 = areas
        .iter()
        .filter(|a| a.value != "69M" && !geo::AROUND.iter().any(|(c, _)| *c == a.value))
        .map(|a| a.count)
        .sum();
    view! {
        <figure class="dmap" aria-labelledby="dmap-title" data-test="directory-map">
            <figcaption id="dmap-title">{t("directory.map_title")}</figcaption>
            <div class="dmap__frame">
                {around}
                <svg class="dmap__svg" viewBox=format!("0 0 {width} {height}") focusable="false">
                    {shapes}
                    {circle}
                </svg>
            </div>
            <p class="dmap__legend">
                <span class="dmap__key dmap__commune--0" aria-hidden="true"></span> {t("directory.map_none")}
                " "
                <span class="dmap__key dmap__commune--1" aria-hidden="true"></span>
                <span class="dmap__key dmap__commune--3" aria-hidden="true"></span>
                <span class="dmap__key dmap__commune--5" aria-hidden="true"></span> {t("directory.map_more")}
            </p>
            {(elsewhere > 0).then(|| view! {
                <p class="dmap__elsewhere">{t("directory.map_elsewhere")} " : " {count_text(elsewhere)}</p>
            })}
        </figure>
    }
}

/// A small map of the Métropole with one commune marked (a profile's place); nothing for a
/// commune outside the Métropole.
#[component]
pub fn CommuneMiniMap(insee: String, name: String) -> impl IntoView {
    let whole = geo::whole_commune(&insee).to_string();
    let found = geo::shapes().any(|s| s.insee == whole);
    let (width, height) = geo::map_size();
    found.then(|| {
        let shapes = geo::shapes()
            .map(|s| {
                let class = if s.insee == whole {
                    "dmap__commune dmap__commune--5"
                } else {
                    "dmap__commune dmap__commune--0"
                };
                view! { <g><path d=s.path class=class /></g> }
            })
            .collect_view();
        view! {
            <svg class="minimap" viewBox=format!("0 0 {width} {height}") role="img"
                aria-label=format!("{name} — {}", t("directory.minimap"))>
                {shapes}
            </svg>
        }
    })
}
