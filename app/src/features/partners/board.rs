//! The board of open partner requests (`/groupements`): words, facets with their counts, pages;
//! every state a URL, the form works without JavaScript. And the caller's own requests
//! (`/compte/groupements`).

use super::api::{my_partner_requests, partners_board};
use crate::components::badge::{Badge, BadgeTone, Badges};
use crate::components::lists::in_place;
use crate::components::lists::{FacetGroup, FacetLink, Pagination};
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::offer::label_name;
use crate::domain::partners::{
    BoardFilters, BoardPage, ConsortiumKind, PartnerRole, RequestSummary,
};
use crate::features::alerts::pages::SaveSearchForm;
use crate::features::reference::cpv_picker::{filter_words, CpvFilter};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

fn href(f: &BoardFilters, page: u64) -> String {
    let q = f.to_query(page);
    if q.is_empty() {
        "/groupements".into()
    } else {
        format!("/groupements?{q}")
    }
}

#[component]
pub fn PartnersBoardPage() -> impl IntoView {
    let location = use_location();
    let search = move || location.search.get();
    let data = Resource::new(search, partners_board);
    view! {
        <Title text=format!("{} — Passerelle", t("nav.consortia")) />
        <h1>{t("partners.title")}</h1>
        <p class="lead">{t("partners.lead")}</p>
        <p>
            <a class="button button--primary" href="/groupements/nouvelle">{t("partners.new")}</a>
            " " <a href="/compte/groupements">{t("partners.mine")}</a>
        </p>
        <Transition fallback=|| view! { <p>{t("directory.loading")}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(page) => {
                    let filters = BoardFilters::from_query(&search());
                    view! { <Board page filters /> }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn Board(page: BoardPage, filters: BoardFilters) -> impl IntoView {
    let f = filters.clone();
    let narrowed = f.to_query(1) != BoardFilters::default().to_query(1);
    let facet_links = |values: Vec<(String, String, u64, bool, BoardFilters)>| {
        values
            .into_iter()
            .map(|(text, _, count, current, target)| FacetLink {
                text,
                count,
                href: href(&target, 1),
                current,
            })
            .collect::<Vec<_>>()
    };
    let division_name = |d: &str| {
        page.division_names
            .iter()
            .find(|(c, _)| c == d)
            .map(|(_, n)| format!("{d} — {n}"))
            .unwrap_or_else(|| d.to_string())
    };
    let dep_name = |d: &str| {
        page.dep_names
            .iter()
            .find(|(c, _)| c == d)
            .map(|(_, n)| format!("{n} ({d})"))
            .unwrap_or_else(|| d.to_string())
    };
    let cpv_links = facet_links(
        page.facets
            .cpv
            .iter()
            .map(|(d, n)| {
                let current = f.cpv.as_deref() == Some(d.as_str());
                (
                    division_name(d),
                    d.clone(),
                    *n,
                    current,
                    BoardFilters {
                        cpv: (!current).then(|| d.clone()),
                        page: 1,
                        ..f.clone()
                    },
                )
            })
            .collect(),
    );
    let label_links = facet_links(
        page.facets
            .labels
            .iter()
            .map(|(l, n)| {
                let current = f.label.as_deref() == Some(l.as_str());
                (
                    label_name(l).unwrap_or(l).to_string(),
                    l.clone(),
                    *n,
                    current,
                    BoardFilters {
                        label: (!current).then(|| l.clone()),
                        page: 1,
                        ..f.clone()
                    },
                )
            })
            .collect(),
    );
    let role_links = facet_links(
        page.facets
            .roles
            .iter()
            .map(|(r, n)| {
                let current = f.role == Some(*r);
                (
                    t(&r.label_key()),
                    r.as_str().to_string(),
                    *n,
                    current,
                    BoardFilters {
                        role: (!current).then_some(*r),
                        page: 1,
                        ..f.clone()
                    },
                )
            })
            .collect(),
    );
    let kind_links = facet_links(
        page.facets
            .kinds
            .iter()
            .map(|(k, n)| {
                let current = f.kind == Some(*k);
                (
                    t(&k.label_key()),
                    k.as_str().to_string(),
                    *n,
                    current,
                    BoardFilters {
                        kind: (!current).then_some(*k),
                        page: 1,
                        ..f.clone()
                    },
                )
            })
            .collect(),
    );
    let dep_links = facet_links(
        page.facets
            .deps
            .iter()
            .map(|(d, n)| {
                let current = f.dep.as_deref() == Some(d.as_str());
                (
                    dep_name(d),
                    d.clone(),
                    *n,
                    current,
                    BoardFilters {
                        dep: (!current).then(|| d.clone()),
                        page: 1,
                        ..f.clone()
                    },
                )
            })
            .collect(),
    );
    view! {
        <form class="filters card" method="get" action="/groupements" role="search" on:submit=in_place()>
            <div class="field">
                <label for="g-q">{t("partners.q")}</label>
                <input id="g-q" type="search" name="q" value=f.q.clone().unwrap_or_default() maxlength="200" aria-describedby="g-q-hint" />
                <p class="field__hint" id="g-q-hint">{t("partners.q_hint")}</p>
            </div>
            <div class="filters__grid">
                <div class="field">
                    <label for="g-role">{t("partners.role")}</label>
                    <select id="g-role" name="role">
                        <option value="">{t("directory.all")}</option>
                        {PartnerRole::ALL.iter().map(|r| view! {
                            <option value=r.as_str() selected=f.role == Some(*r)>{t(&r.label_key())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="g-type">{t("partners.kind")}</label>
                    <select id="g-type" name="type">
                        <option value="">{t("directory.all")}</option>
                        {ConsortiumKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str() selected=f.kind == Some(*k)>{t(&k.label_key())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <CpvFilter id="g-cpv" label=t("cpv_picker.filter_label") hint=t("cpv_picker.filter_hint") words=filter_words() chosen=f.cpv.clone() depth=8 />
            </div>
            <div class="filters__checks">
                <label><input type="checkbox" name="avec_achat" value="oui" checked=f.with_plan /> {t("partners.with_plan")}</label>
            </div>
            {f.label.clone().map(|l| view! { <input type="hidden" name="label" value=l /> })}
            {f.dep.clone().map(|d| view! { <input type="hidden" name="dep" value=d /> })}
            <p>
                <button type="submit" class="button button--primary">{t("directory.search")}</button>
                {narrowed.then(|| view! { <a class="filters__reset" href="/groupements">{t("directory.reset")}</a> })}
            </p>
        </form>
        <p role="status" data-test="result-count">{t("partners.count").replace("%{n}", &page.total.to_string())}</p>
        <SaveSearchForm query=f.to_query(1) kind="partners" />
        <div class="explorer">
            <div>
                {if page.rows.is_empty() {
                    view! {
                        <div class="empty-state">
                            {if narrowed {
                                view! { <p>{t("partners.empty")}</p> <p><a href="/groupements">{t("catalogue.empty_reset")}</a></p> }.into_any()
                            } else {
                                view! { <p>{t("partners.empty_all")}</p> }.into_any()
                            }}
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <ul class="result-list" data-test="partner-requests">
                            {page.rows.clone().into_iter().map(|r| view! { <RequestRow r /> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <Pagination page=page.page pages=page.pages href=Callback::new({
                    let f = filters.clone();
                    move |n| href(&f, n)
                }) />
            </div>
            <aside class="facets" aria-labelledby="facets-title" data-test="facets">
                <h2 id="facets-title">{t("list.facets")}</h2>
                <FacetGroup title=t("partners.role") links=role_links />
                <FacetGroup title=t("partners.kind") links=kind_links />
                <FacetGroup title=t("catalogue.cpv_division") links=cpv_links />
                <FacetGroup title=t("catalogue.label") links=label_links />
                <FacetGroup title=t("directory.area") links=dep_links />
            </aside>
        </div>
    }
}

/// A request in a list.
#[component]
pub fn RequestRow(r: RequestSummary, #[prop(optional)] manage: bool) -> impl IntoView {
    view! {
        <li class="card result" data-test="partner-request">
            <h3 class="result__title"><a href=format!("/groupements/{}", r.id)>{r.title.clone()}</a></h3>
            <p class="result__meta">
                <span class="badge">{t(&r.role.label_key())}</span>
                " · " {t(&r.kind.label_key())}
                " · " <a href=format!("/annuaire/{}", r.org_id)>{r.org_name.clone()}</a>
                {r.commune.clone().map(|c| format!(" · {c}"))}
            </p>
            {(!r.cpv.is_empty()).then(|| view! {
                <p class="result__meta">{r.cpv.iter().map(|(c, l)| format!("{c} {l}")).collect::<Vec<_>>().join(" · ")}</p>
            })}
            {(!r.labels.is_empty()).then(|| view! {
                <Badges>{r.labels.iter().map(|l| view! { <Badge tone=BadgeTone::Quality text=label_name(l).unwrap_or(l).to_string() /> }).collect_view()}</Badges>
            })}
            <p class="result__meta">
                {if r.open {
                    t("partners.until").replace("%{date}", &r.deadline.format("%d/%m/%Y").to_string())
                } else {
                    t("partners.closed_since").replace("%{date}", &r.deadline.format("%d/%m/%Y").to_string())
                }}
                {r.plan.clone().map(|(id, title)| view! { " · " <a href=format!("/programmation/{id}")>{title}</a> })}
                {manage.then(|| format!(" · {}", t("partners.answers_n").replace("%{n}", &r.answers.to_string())))}
            </p>
        </li>
    }
}

#[component]
pub fn MyPartnerRequestsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_partner_requests());
    let query = use_query_map();
    view! {
        <Title text=format!("{} — Passerelle", t("partners.mine")) />
        <h1>{t("partners.mine")}</h1>
        {move || (query.with(|q| q.get("ok")).as_deref() == Some("declined")).then(|| view! {
            <Notice>{t("consortium.ok_declined")}</Notice>
        })}
        <crate::features::consortia::pages::MyConsortia />
        <h2>{t("partners.requests_mine")}</h2>
        <p><a class="button button--primary" href="/groupements/nouvelle">{t("partners.new")}</a></p>
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e login=true /> }.into_any(),
                Ok(rows) if rows.is_empty() => view! { <p class="empty-state">{t("partners.mine_none")}</p> }.into_any(),
                Ok(rows) => view! {
                    <ul class="result-list" data-test="my-partner-requests">
                        {rows.into_iter().map(|r| view! { <RequestRow r manage=true /> }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
}
