//! `/catalogue`: the published offers, found by words and facets on every fact buyers use,
//! sorted by relevance, freshness or distance. A GET form: works without JavaScript, and every
//! search is a URL.

use super::api::search_catalogue;
use crate::components::badge::{Badge, BadgeTone, Badges};
use crate::components::lists::in_place;
use crate::components::lists::{
    area_text, FacetGroup, FacetLink, Pagination, PlaceFields, TerritorialBadges,
};
use crate::components::status::LoadError;
use crate::domain::catalogue::{
    CatalogueFacets, CatalogueFilters, CataloguePage, CatalogueSort, OfferRow, EGALIM_FILTERS,
};
use crate::domain::contracts::{format_euros, FacetValue};
use crate::domain::food::month_name;
use crate::domain::offer::{OfferKind, LABELS};
use crate::features::alerts::pages::SaveSearchForm;
use crate::features::reference::cpv_picker::{filter_words, CpvFilter};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

/// "12 offres", "1 offre", "Aucune offre".
fn count_text(n: u64) -> String {
    match n {
        0 => t("catalogue.count_zero"),
        1 => t("catalogue.count_one"),
        n => format!("{n} {}", t("catalogue.count_many")),
    }
}

fn href(f: &CatalogueFilters) -> String {
    let q = f.to_query(1);
    if q.is_empty() {
        "/catalogue".into()
    } else {
        format!("/catalogue?{q}")
    }
}

#[component]
pub fn CataloguePage() -> impl IntoView {
    let location = use_location();
    let search = move || location.search.get();
    let data = Resource::new(search, search_catalogue);
    view! {
        <Title text=format!("{} — Passerelle", t("nav.catalogue")) />
        <h1>{t("catalogue.title")}</h1>
        <p class="lead">{t("catalogue.lead")}</p>
        <Transition fallback=|| view! { <p>{t("directory.loading")}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(page) => {
                    let filters = CatalogueFilters::from_query(&search());
                    view! { <Catalogue page filters /> }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn Catalogue(page: CataloguePage, filters: CatalogueFilters) -> impl IntoView {
    let f = filters.clone();
    let more_set = f.kind.is_some()
        || f.cpv.is_some()
        || f.label.is_some()
        || f.short_chain
        || f.life
        || f.carbon
        || f.inclusive
        || f.area.is_some()
        || f.near.is_some()
        || f.month.is_some()
        || f.egalim.is_some()
        || f.delivers.is_some()
        || f.sort != CatalogueSort::default_for(f.q.is_some());
    let default_sort = CatalogueSort::default_for(f.q.is_some());
    // Words for the CPV filter open the criteria, so its choices show.
    let words = filter_words();
    let more_set = more_set || !words.is_empty();
    view! {
        <form class="filters card" method="get" action="/catalogue" role="search" on:submit=in_place()>
            <div class="field">
                <label for="c-q">{t("catalogue.q")}</label>
                <input id="c-q" type="search" name="q" value=f.q.clone().unwrap_or_default() maxlength="200" aria-describedby="c-q-hint" />
                <p class="field__hint" id="c-q-hint">{t("catalogue.q_hint")}</p>
            </div>
            <details class="filters__more" open=more_set>
            <summary>{t("catalogue.more_criteria")}</summary>
            <div class="filters__grid">
                <div class="field">
                    <label for="c-type">{t("offer.kind_label")}</label>
                    <select id="c-type" name="type">
                        <option value="">{t("directory.all")}</option>
                        {OfferKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str() selected=f.kind.as_deref() == Some(k.as_str())>{t(&k.label_key())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <CpvFilter id="c-cpv" label=t("cpv_picker.filter_label") hint=t("cpv_picker.filter_hint") words=words.clone() chosen=f.cpv.clone() depth=5 />
                <div class="field">
                    <label for="c-label">{t("catalogue.label")}</label>
                    <select id="c-label" name="label">
                        <option value="">{t("directory.all")}</option>
                        {LABELS.iter().map(|(code, name)| view! {
                            <option value=*code selected=f.label.as_deref() == Some(*code)>{*name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <PlaceFields prefix="c" area=f.area.clone() near=f.near.clone() km=f.km places=page.places.clone() />
                <div class="field">
                    <label for="c-livre">{t("catalogue.delivers")}</label>
                    <select id="c-livre" name="livre_a" aria-describedby="c-livre-hint">
                        <option value="">{t("directory.near_none")}</option>
                        {page.places.iter().map(|p| view! {
                            <option value=p.insee.clone() selected=f.delivers.as_ref() == Some(&p.insee)>{p.name.clone()}</option>
                        }).collect_view()}
                    </select>
                    <p class="field__hint" id="c-livre-hint">{t("catalogue.delivers_hint")}</p>
                </div>
                <div class="field">
                    <label for="c-mois">{t("catalogue.month")}</label>
                    <select id="c-mois" name="mois">
                        <option value="">{t("catalogue.month_any")}</option>
                        {(1..=12u32).map(|m| view! {
                            <option value=m.to_string() selected=f.month == Some(m)>{month_name(m)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="c-egalim">{t("catalogue.egalim")}</label>
                    <select id="c-egalim" name="egalim">
                        <option value="">{t("directory.all")}</option>
                        {EGALIM_FILTERS.iter().map(|e| view! {
                            <option value=*e selected=f.egalim.as_deref() == Some(*e)>{t(&format!("catalogue.egalim_{e}"))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="c-tri">{t("directory.sort")}</label>
                    <select id="c-tri" name="tri">
                        <option value="" selected=f.sort == default_sort>{t("catalogue.sort_default")}</option>
                        {[CatalogueSort::Newest, CatalogueSort::Distance].into_iter().map(|s| view! {
                            <option value=s.code() selected=f.sort == s && f.sort != default_sort>{t(&format!("catalogue.sort_{}", s.code()))}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="filters__checks">
                <label><input type="checkbox" name="circuit_court" value="1" checked=f.short_chain /> {t("offer.short_chain")}</label>
                <label><input type="checkbox" name="cycle_de_vie" value="1" checked=f.life /> {t("catalogue.fact_life")}</label>
                <label><input type="checkbox" name="carbone" value="1" checked=f.carbon /> {t("catalogue.fact_carbon")}</label>
                <label><input type="checkbox" name="inclusif" value="1" checked=f.inclusive /> {t("catalogue.fact_inclusive")}</label>
            </div>
            </details>
            {f.tlabel.clone().map(|l| {
                let name = page.facets.tlabels.iter().find(|v| v.value == l).and_then(|v| v.label.clone()).unwrap_or(l.clone());
                let without = Facet::TLabel.set(&f, &l, false);
                view! {
                    <input type="hidden" name="label_territorial" value=l.clone() />
                    <ul class="active-filters" data-test="active-filters">
                        <li>{t("label.territorial")} " : " {name.clone()} " "
                            <a href=href(&without) aria-label=format!("{} {name}", t("list.remove_filter"))>"✕"</a></li>
                    </ul>
                }
            })}
            <p>
                <button type="submit" class="button button--primary">{t("directory.search")}</button>
                {f.is_narrowed().then(|| view! { <a class="filters__reset" href="/catalogue">{t("directory.reset")}</a> })}
            </p>
        </form>
        <p role="status" data-test="result-count">{count_text(page.total)}</p>
        <SaveSearchForm query=f.to_query(1) kind="offers" />
        <div class="explorer">
            <div>
                {if page.rows.is_empty() {
                    view! {
                        <div class="empty-state">
                            {if f.is_narrowed() {
                                view! {
                                    <p>{t("catalogue.empty")}</p>
                                    <p><a href="/catalogue">{t("catalogue.empty_reset")}</a></p>
                                }.into_any()
                            } else {
                                view! {
                                    <p>{t("catalogue.empty_all")}</p>
                                    <p><a href="/compte">{t("catalogue.empty_all_link")}</a></p>
                                }.into_any()
                            }}
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <ul class="result-list">
                            {page.rows.into_iter().map(|row| view! { <Row row /> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <Pagination page=page.page pages=page.pages href=Callback::new({
                    let f = filters.clone();
                    move |n| format!("/catalogue?{}", f.to_query(n))
                }) />
            </div>
            {(page.total > 0).then(|| view! { <Facets facets=page.facets.clone() filters=filters.clone() /> })}
        </div>
    }
}

#[derive(Clone, Copy)]
enum Facet {
    Kind,
    Cpv,
    Label,
    TLabel,
    Fact,
    Area,
    Month,
    Egalim,
}

impl Facet {
    fn is_current(self, f: &CatalogueFilters, value: &str) -> bool {
        match self {
            Facet::Kind => f.kind.as_deref() == Some(value),
            Facet::Cpv => f.cpv.as_deref() == Some(value),
            Facet::Label => f.label.as_deref() == Some(value),
            Facet::TLabel => f.tlabel.as_deref() == Some(value),
            Facet::Area => f.area.as_deref() == Some(value),
            Facet::Month => f.month.map(|m| m.to_string()).as_deref() == Some(value),
            Facet::Egalim => f.egalim.as_deref() == Some(value),
            Facet::Fact => match value {
                "short_chain" => f.short_chain,
                "life" => f.life,
                "carbon" => f.carbon,
                _ => f.inclusive,
            },
        }
    }

    /// The filters with `value` set (or removed when `on` is false), from the first page.
    fn set(self, f: &CatalogueFilters, value: &str, on: bool) -> CatalogueFilters {
        let mut f = CatalogueFilters {
            page: 1,
            ..f.clone()
        };
        let v = on.then(|| value.to_string());
        match self {
            Facet::Kind => f.kind = v,
            Facet::Cpv => f.cpv = v,
            Facet::Label => f.label = v,
            Facet::TLabel => f.tlabel = v,
            Facet::Area => f.area = v,
            Facet::Month => f.month = v.and_then(|m| m.parse().ok()),
            Facet::Egalim => f.egalim = v,
            Facet::Fact => match value {
                "short_chain" => f.short_chain = on,
                "life" => f.life = on,
                "carbon" => f.carbon = on,
                _ => f.inclusive = on,
            },
        }
        f
    }

    fn text(self, v: &FacetValue) -> String {
        match self {
            Facet::Kind => OfferKind::parse(&v.value)
                .map(|k| t(&k.label_key()))
                .unwrap_or_else(|| v.value.clone()),
            Facet::Fact => t(&format!("catalogue.fact_{}", v.value)),
            Facet::Cpv => match &v.label {
                Some(l) => format!("{} — {l}", v.value),
                None => v.value.clone(),
            },
            Facet::Label | Facet::TLabel => v.label.clone().unwrap_or_else(|| v.value.clone()),
            Facet::Area => area_text(v),
            Facet::Month => v.label.clone().unwrap_or_else(|| v.value.clone()),
            Facet::Egalim => t(&format!("catalogue.egalim_{}", v.value)),
        }
    }
}

#[component]
fn Facets(facets: CatalogueFacets, filters: CatalogueFilters) -> impl IntoView {
    let groups = [
        (Facet::TLabel, t("label.territorial"), facets.tlabels),
        (Facet::Fact, t("catalogue.facts"), facets.facts),
        (Facet::Label, t("catalogue.label"), facets.labels),
        (Facet::Kind, t("offer.kind_label"), facets.kinds),
        (
            Facet::Cpv,
            t("catalogue.cpv_division"),
            facets.cpv_divisions,
        ),
        (Facet::Egalim, t("catalogue.egalim"), facets.egalim),
        (Facet::Month, t("catalogue.month"), facets.months),
        (Facet::Area, t("directory.area"), facets.areas),
    ];
    view! {
        <aside class="facets" aria-labelledby="facets-title" data-test="facets">
            <h2 id="facets-title">{t("list.facets")}</h2>
            {groups.into_iter().map(|(facet, title, values)| {
                let links = values.iter().map(|v| {
                    let current = facet.is_current(&filters, &v.value);
                    FacetLink {
                        text: facet.text(v),
                        count: v.count,
                        href: href(&facet.set(&filters, &v.value, !current)),
                        current,
                    }
                }).collect();
                view! { <FacetGroup title links /> }
            }).collect_view()}
        </aside>
    }
}

#[component]
fn Row(row: OfferRow) -> impl IntoView {
    let mut meta = vec![t(&row.kind.label_key())];
    meta.extend(row.place.clone());
    meta.extend(
        row.distance_km
            .map(|d| format!("{:.1} km", d).replace('.', ",")),
    );
    let price = row.price_cents.map(|c| match &row.price_unit {
        Some(u) => format!("{} {u}", format_euros(c)),
        None => format_euros(c),
    });
    view! {
        <li class="card result" data-test="offer-row">
            <h2 class="result__title"><a href=format!("/catalogue/{}", row.id)>{row.title.clone()}</a></h2>
            <p class="result__meta">
                <a href=format!("/annuaire/{}", row.organisation_id)>{row.organisation_name.clone()}</a>
                {format!(" · {}", meta.join(" · "))}
            </p>
            {(!row.tlabels.is_empty() || !row.labels.is_empty() || row.short_chain || row.inclusive).then(|| view! {
                <Badges>
                    <TerritorialBadges badges=row.tlabels.clone() />
                    {row.labels.iter().map(|l| view! { <Badge tone=BadgeTone::Quality text=l.clone() /> }).collect_view()}
                    {row.short_chain.then(|| view! { <Badge tone=BadgeTone::Quality text=t("offer.short_chain") /> })}
                    {row.inclusive.then(|| view! { <Badge tone=BadgeTone::Inclusive text=t("offer.inclusive_badge") /> })}
                </Badges>
            })}
            {row.excerpt.clone().map(|e| view! { <p class="result__excerpt">{e}</p> })}
            {(!row.cpv.is_empty()).then(|| view! {
                <p class="result__meta">{row.cpv.iter().map(|(c, l)| format!("{c} {l}")).collect::<Vec<_>>().join(" · ")}</p>
            })}
            {price.map(|p| view! { <p class="result__meta"><strong>{p}</strong></p> })}
        </li>
    }
}
