//! `/annuaire`: the search form (a GET form, so it works without JavaScript and every search is
//! a URL), the results, the facets and the map.

use super::api::search_directory;
use super::map::{count_text, DirectoryMap};
use crate::components::badge::{Badge, BadgeTone, Badges};
use crate::components::lists::in_place;
use crate::components::lists::{
    area_text, FacetGroup, FacetLink, Pagination, PlaceFields, TerritorialBadges,
};
use crate::components::notice::{Notice, Tone};
use crate::components::status::LoadError;
use crate::domain::contracts::FacetValue;
use crate::domain::directory::{DirectoryFilters, DirectoryPage, DirectoryRow, DirectorySort};
use crate::domain::org::{OrgKind, INCLUSIVE, SIZES};
use crate::features::alerts::pages::SaveSearchForm;
use crate::features::reference::cpv_picker::{filter_words, CpvFilter};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let location = use_location();
    let search = move || location.search.get();
    let data = Resource::new(search, search_directory);
    view! {
        <Title text=format!("{} — Passerelle", t("nav.directory")) />
        <h1>{t("directory.title")}</h1>
        <p class="lead">{t("directory.lead")}</p>
        <Transition fallback=|| view! { <p>{t("directory.loading")}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(page) => {
                    let filters = DirectoryFilters::from_query(&search());
                    view! { <Directory page filters /> }.into_any()
                }
            })}
        </Transition>
    }
}

fn href(f: &DirectoryFilters) -> String {
    let q = f.to_query(1);
    if q.is_empty() {
        "/annuaire".into()
    } else {
        format!("/annuaire?{q}")
    }
}

#[component]
fn Directory(page: DirectoryPage, filters: DirectoryFilters) -> impl IntoView {
    let f = filters.clone();
    let more_set = f.kind.is_some()
        || f.inclusive.is_some()
        || f.size.is_some()
        || f.area.is_some()
        || f.near.is_some()
        || f.sort != DirectorySort::default_for(f.q.is_some())
        || f.cpv.is_some();
    // Words for the CPV filter open the criteria, so its choices show.
    let words = filter_words();
    let more_set = more_set || !words.is_empty();
    let near_unknown = f.near.is_some()
        && !page
            .places
            .iter()
            .any(|p| Some(&p.insee) == f.near.as_ref());
    view! {
        <form class="filters card" method="get" action="/annuaire" role="search" on:submit=in_place()>
            <div class="field">
                <label for="d-q">{t("directory.q")}</label>
                <input id="d-q" type="search" name="q" value=f.q.clone().unwrap_or_default() maxlength="200" aria-describedby="d-q-hint" />
                <p class="field__hint" id="d-q-hint">{t("directory.q_hint")}</p>
            </div>
            // The other criteria fold away (a phone shows the results sooner); open when one
            // of them is set.
            <details class="filters__more" open=more_set>
            <summary>{t("directory.more_criteria")}</summary>
            <div class="filters__grid">
                <div class="field">
                    <label for="d-type">{t("org.kind_label")}</label>
                    <select id="d-type" name="type">
                        <option value="">{t("directory.all")}</option>
                        {OrgKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str() selected=f.kind.as_deref() == Some(k.as_str())>{t(k.label_key())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="d-inclusif">{t("org.inclusive_label")}</label>
                    <select id="d-inclusif" name="inclusif">
                        <option value="">{t("directory.all")}</option>
                        <option value="any" selected=f.inclusive.as_deref() == Some("any")>{t("directory.inclusive_any")}</option>
                        <option value="iae" selected=f.inclusive.as_deref() == Some("iae")>{t("directory.inclusive_iae")}</option>
                        {INCLUSIVE.iter().map(|i| view! {
                            <option value=*i selected=f.inclusive.as_deref() == Some(*i)>{t(&format!("org.inclusive.{i}"))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="d-taille">{t("org.size_label")}</label>
                    <select id="d-taille" name="taille">
                        <option value="">{t("directory.all")}</option>
                        {SIZES.iter().map(|s| view! {
                            <option value=*s selected=f.size.as_deref() == Some(*s)>{t(&format!("org.size.{s}"))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <PlaceFields prefix="d" area=f.area.clone() near=f.near.clone() km=f.km places=page.places.clone() />
                <CpvFilter id="d-cpv" label=t("cpv_picker.filter_label") hint=t("cpv_picker.filter_hint") words=words.clone() chosen=f.cpv.clone() depth=2 />
                <div class="field">
                    <label for="d-tri">{t("directory.sort")}</label>
                    // The first choice is the default order: by relevance when words are
                    // searched, by name otherwise (a form sent without JavaScript keeps it right).
                    <select id="d-tri" name="tri">
                        <option value="" selected=f.sort == DirectorySort::default_for(f.q.is_some())>{t("directory.sort_default")}</option>
                        {DirectorySort::ALL.iter().filter(|s| **s != DirectorySort::Relevance).map(|s| view! {
                            <option value=s.code() selected=f.sort == *s && f.sort != DirectorySort::default_for(f.q.is_some())>{t(&format!("directory.sort_{}", s.code()))}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            </details>
            {f.naf.clone().map(|n| view! { <input type="hidden" name="naf" value=n /> })}
            {f.commune.clone().map(|c| view! { <input type="hidden" name="commune" value=c /> })}
            {f.label.clone().map(|l| view! { <input type="hidden" name="label" value=l /> })}
            {f.tlabel.clone().map(|l| view! { <input type="hidden" name="label_territorial" value=l /> })}
            {f.has_offers.then(|| view! { <input type="hidden" name="avec_offres" value="1" /> })}
            // Filters set by a link (a facet, the map) have no field: say so, with a way to
            // remove each.
            <ul class="active-filters" data-test="active-filters">
                {f.naf.clone().map(|n| {
                    let without = DirectoryFilters { naf: None, page: 1, ..f.clone() };
                    let label = page.facets.naf_divisions.iter().find(|v| v.value == n).and_then(|v| v.label.clone());
                    view! {
                        <li>{t("directory.naf")} " : " {label.map(|l| format!("{n} — {l}")).unwrap_or(n.clone())} " "
                            <a href=href(&without) aria-label=format!("{} {n}", t("list.remove_filter"))>"✕"</a></li>
                    }
                })}
                {[
                    (Facet::TLabel, t("label.territorial"), &page.facets.tlabels),
                    (Facet::Cpv, t("catalogue.cpv_division"), &page.facets.cpv_divisions),
                    (Facet::Label, t("catalogue.label"), &page.facets.labels),
                ].into_iter().filter_map(|(facet, title, values)| {
                    let v = facet.current(&f)?;
                    let shown = values.iter().find(|x| x.value == v).map(|x| facet.text(x)).unwrap_or(v);
                    let without = facet.set(&f, None);
                    Some(view! {
                        <li>{title} " : " {shown.clone()} " "
                            <a href=href(&without) aria-label=format!("{} {shown}", t("list.remove_filter"))>"✕"</a></li>
                    })
                }).collect_view()}
                {f.has_offers.then(|| {
                    let without = Facet::HasOffers.set(&f, None);
                    view! {
                        <li>{t("directory.with_offers")} " "
                            <a href=href(&without) aria-label=format!("{} {}", t("list.remove_filter"), t("directory.with_offers"))>"✕"</a></li>
                    }
                })}
                {f.commune.clone().map(|c| {
                    let without = DirectoryFilters { commune: None, page: 1, ..f.clone() };
                    let name = page.commune_name.clone().unwrap_or(c.clone());
                    view! {
                        <li>{t("org.commune")} " : " {name.clone()} " "
                            <a href=href(&without) aria-label=format!("{} {name}", t("list.remove_filter"))>"✕"</a></li>
                    }
                })}
            </ul>
            <p>
                <button type="submit" class="button button--primary">{t("directory.search")}</button>
                {f.is_narrowed().then(|| view! { <a class="filters__reset" href="/annuaire">{t("directory.reset")}</a> })}
            </p>
        </form>
        {near_unknown.then(|| view! { <Notice tone=Tone::Info>{t("directory.near_unknown")}</Notice> })}
        <p role="status" data-test="result-count">{count_text(page.total)}</p>
        <SaveSearchForm query=f.to_query(1) kind="orgs" />
        <div class="explorer explorer--directory">
            <div>
                {if page.rows.is_empty() {
                    view! {
                        <div class="empty-state">
                            <p>{t("directory.empty")}</p>
                            {f.is_narrowed().then(|| view! { <p><a href="/annuaire">{t("directory.empty_reset")}</a></p> })}
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
                    move |n| format!("/annuaire?{}", f.to_query(n))
                }) />
            </div>
            <div class="directory__side">
                <DirectoryMap communes=page.facets.communes.clone() areas=page.facets.areas.clone() filters=filters.clone() places=page.places.clone() />
                {(page.total > 0).then(|| view! { <Facets page_facets=page.facets.clone() filters=filters.clone() /> })}
            </div>
        </div>
    }
}

#[derive(Clone, Copy)]
enum Facet {
    Kind,
    Naf,
    Cpv,
    Label,
    TLabel,
    HasOffers,
    Size,
    Inclusive,
    Area,
    Commune,
}

impl Facet {
    fn current(self, f: &DirectoryFilters) -> Option<String> {
        match self {
            Facet::Kind => f.kind.clone(),
            Facet::Naf => f.naf.clone(),
            Facet::Cpv => f.cpv.clone(),
            Facet::Label => f.label.clone(),
            Facet::TLabel => f.tlabel.clone(),
            Facet::HasOffers => f.has_offers.then(|| "1".to_string()),
            Facet::Size => f.size.clone(),
            Facet::Inclusive => f.inclusive.clone(),
            Facet::Area => f.area.clone(),
            Facet::Commune => f.commune.clone(),
        }
    }

    /// The filters with this facet set to `value` (or removed), from the first page.
    fn set(self, f: &DirectoryFilters, value: Option<&str>) -> DirectoryFilters {
        let mut f = DirectoryFilters {
            page: 1,
            ..f.clone()
        };
        let value = value.map(str::to_string);
        match self {
            Facet::Kind => f.kind = value,
            Facet::Naf => f.naf = value,
            Facet::Cpv => f.cpv = value,
            Facet::Label => f.label = value,
            Facet::TLabel => f.tlabel = value,
            Facet::HasOffers => f.has_offers = value.is_some(),
            Facet::Size => f.size = value,
            Facet::Inclusive => f.inclusive = value,
            Facet::Area => f.area = value,
            Facet::Commune => f.commune = value,
        }
        f
    }

    fn text(self, v: &FacetValue) -> String {
        match self {
            Facet::Kind => OrgKind::parse(&v.value)
                .map(|k| t(k.label_key()))
                .unwrap_or_else(|| v.value.clone()),
            Facet::Size => t(&format!("org.size.{}", v.value)),
            Facet::Inclusive => t(&format!("org.inclusive.{}", v.value)),
            Facet::Naf | Facet::Cpv => match &v.label {
                Some(l) => format!("{} — {l}", v.value),
                None => v.value.clone(),
            },
            Facet::Label | Facet::TLabel => v.label.clone().unwrap_or_else(|| v.value.clone()),
            Facet::HasOffers => t("directory.with_offers"),
            Facet::Area => area_text(v),
            Facet::Commune => v.label.clone().unwrap_or_else(|| v.value.clone()),
        }
    }
}

#[component]
fn Facets(
    page_facets: crate::domain::directory::DirectoryFacets,
    filters: DirectoryFilters,
) -> impl IntoView {
    let with_offers = (page_facets.with_offers > 0)
        .then(|| FacetValue {
            value: "1".into(),
            label: None,
            count: page_facets.with_offers,
        })
        .into_iter()
        .collect();
    let groups = [
        (Facet::TLabel, t("label.territorial"), page_facets.tlabels),
        (Facet::Kind, t("org.kind_label"), page_facets.kinds),
        (Facet::HasOffers, t("directory.offers_title"), with_offers),
        (Facet::Naf, t("directory.naf"), page_facets.naf_divisions),
        (
            Facet::Cpv,
            t("catalogue.cpv_division"),
            page_facets.cpv_divisions,
        ),
        (Facet::Label, t("catalogue.label"), page_facets.labels),
        (
            Facet::Inclusive,
            t("org.inclusive_label"),
            page_facets.inclusive,
        ),
        (Facet::Size, t("org.size_label"), page_facets.sizes),
        (Facet::Area, t("directory.area"), page_facets.areas),
        (Facet::Commune, t("org.commune"), page_facets.communes),
    ];
    view! {
        <aside class="facets" aria-labelledby="facets-title" data-test="facets">
            <h2 id="facets-title">{t("list.facets")}</h2>
            {groups.into_iter().map(|(facet, title, values)| {
                let current = facet.current(&filters);
                let links = values.iter().map(|v| {
                    let is_current = current.as_deref() == Some(v.value.as_str());
                    FacetLink {
                        text: facet.text(v),
                        count: v.count,
                        href: href(&facet.set(&filters, (!is_current).then_some(v.value.as_str()))),
                        current: is_current,
                    }
                }).collect();
                view! { <FacetGroup title links /> }
            }).collect_view()}
        </aside>
    }
}

#[component]
fn Row(row: DirectoryRow) -> impl IntoView {
    let mut meta = vec![t(row.kind.label_key())];
    meta.extend(
        row.commune
            .clone()
            .map(|(name, dep)| format!("{name} ({dep})")),
    );
    meta.extend(row.size.as_deref().map(|s| t(&format!("org.size.{s}"))));
    view! {
        <li class="card result" data-test="org-row">
            <h2 class="result__title"><a href=format!("/annuaire/{}", row.id)>{row.name.clone()}</a></h2>
            <p class="result__meta">
                {meta.join(" · ")}
            </p>
            {row.naf.clone().map(|(code, label)| view! { <p class="result__meta">{format!("{code} — {label}")}</p> })}
            {(!row.tlabels.is_empty() || row.inclusive.is_some() || !row.verified).then(|| view! {
                <Badges>
                    <TerritorialBadges badges=row.tlabels.clone() />
                    {row.inclusive.as_deref().map(|i| view! { <Badge tone=BadgeTone::Inclusive text=t(&format!("org.inclusive.{i}")) /> })}
                    {(!row.verified).then(|| view! { <Badge tone=BadgeTone::Neutral text=t("org.status_unverified") /> })}
                </Badges>
            })}
            {row.excerpt.clone().map(|e| view! { <p class="result__excerpt">{e}</p> })}
        </li>
    }
}
