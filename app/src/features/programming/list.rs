//! The programming for everyone (`/programmation`): planned procurements by expected
//! publication date, as a list or a timeline by quarter, filtered by buyer, CPV division,
//! quarter, amount, lever and stage — every state a URL; the form works without JavaScript.

use super::api::plans_list;
use crate::components::lists::in_place;
use crate::components::lists::Pagination;
use crate::components::status::LoadError;
use crate::domain::programming::{
    estimate_text, next_quarters, PlanFilters, PlanPage, PlanStatus, PlanSummary, AMOUNTS, LEVERS,
};
use crate::features::alerts::pages::SaveSearchForm;
use crate::features::reference::cpv_picker::{filter_words, CpvFilter};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

fn href(f: &PlanFilters, page: u64) -> String {
    let q = f.to_query(page);
    if q.is_empty() {
        "/programmation".into()
    } else {
        format!("/programmation?{q}")
    }
}

/// The badge class of a stage.
pub fn status_class(s: PlanStatus) -> &'static str {
    match s {
        PlanStatus::Draft | PlanStatus::Planned => "badge",
        PlanStatus::Sourcing => "badge badge--warn",
        PlanStatus::Published => "badge badge--ok",
        PlanStatus::Awarded => "badge badge--label",
        PlanStatus::Cancelled => "badge badge--error",
    }
}

#[component]
pub fn ProgrammingPage() -> impl IntoView {
    let location = use_location();
    let search = move || location.search.get();
    let data = Resource::new(search, plans_list);
    view! {
        <Title text=format!("{} — Passerelle", t("nav.pipeline")) />
        <h1>{t("plan.title")}</h1>
        <p class="lead">{t("plan.lead")} " " <a href="/programmation/guide">{t("plan.guide_link")}</a></p>
        <p class="card__links">
            <a href="/programmation/groupements-de-commandes" data-test="joint-list-link">{t("joint.list_link")}</a>
            " " <a href="/consultations" data-test="calls-link">{t("notices.link")}</a>
        </p>
        <Transition fallback=|| view! { <p>{t("directory.loading")}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(page) => {
                    let filters = PlanFilters::from_query(&search());
                    view! { <Programme page filters /> }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn Programme(page: PlanPage, filters: PlanFilters) -> impl IntoView {
    let f = filters.clone();
    let today = chrono::Utc::now().date_naive();
    let mut quarters = next_quarters(today, 8);
    if let Some(q) = &f.quarter {
        if !quarters.contains(q) {
            quarters.insert(0, q.clone());
        }
    }
    let select = |id: &'static str,
                  name: &'static str,
                  label: String,
                  current: Option<String>,
                  options: Vec<(String, String)>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id name=name>
                    <option value="">{t("directory.all")}</option>
                    {options.into_iter().map(|(v, l)| {
                        let chosen = current.as_deref() == Some(v.as_str());
                        view! { <option value=v selected=chosen>{l}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    let list_view = PlanFilters {
        timeline: false,
        page: 1,
        ..f.clone()
    };
    let timeline_view = PlanFilters {
        timeline: true,
        page: 1,
        ..f.clone()
    };
    let timeline = f.timeline;
    view! {
        <form class="filters card" method="get" action="/programmation" role="search" on:submit=in_place()>
            <div class="filters__grid">
                <div>
                    {select("p-acheteur", "acheteur", t("plan.buyer"), f.buyer.clone(),
                        page.buyers.iter().map(|(id, n, c)| (id.to_string(), format!("{n} ({c})"))).collect())}
                    {(page.buyers_total > page.buyers.len()).then(|| view! {
                        <p class="field__hint">{t("plan.buyers_more").replace("%{n}", &page.buyers.len().to_string()).replace("%{total}", &page.buyers_total.to_string())}</p>
                    })}
                </div>
                <CpvFilter id="p-cpv" label=t("cpv_picker.filter_label") hint=t("cpv_picker.filter_hint") words=filter_words() chosen=f.cpv.clone() depth=8 />
                {select("p-trimestre", "trimestre", t("plan.quarter"), f.quarter.clone(),
                    quarters.into_iter().map(|q| (q.clone(), q.replace('-', " "))).collect())}
                {select("p-montant", "montant", t("plan.amount"), f.amount.clone(),
                    AMOUNTS.iter().map(|(k, _, _)| (k.to_string(), t(&format!("plan.amounts.{k}")))).collect())}
                {select("p-levier", "levier", t("plan.lever"), f.lever.clone(),
                    LEVERS.iter().map(|l| (l.to_string(), t(&format!("plan.levers.{l}")))).collect())}
                {select("p-etat", "etat", t("plan.status_label"), f.status.clone(),
                    PlanStatus::ALL.iter().filter(|s| **s != PlanStatus::Draft).map(|s| (s.as_str().to_string(), t(&s.label_key()))).collect())}
                {select("p-groupement", "groupement", t("joint.title"), f.joint.then(|| "ouvert".to_string()),
                    vec![("ouvert".to_string(), t("joint.filter_open"))])}
            </div>
            {timeline.then(|| view! { <input type="hidden" name="vue" value="calendrier" /> })}
            <p>
                <button type="submit" class="button button--primary">{t("directory.search")}</button>
                {(f.to_query(1) != PlanFilters { timeline, ..PlanFilters::default() }.to_query(1)).then(|| view! {
                    <a class="filters__reset" href=if timeline { "/programmation?vue=calendrier" } else { "/programmation" }>{t("directory.reset")}</a>
                })}
            </p>
        </form>
        <nav aria-label=t("plan.views")>
            <ul class="tabs">
                <li><a href=href(&list_view, 1) aria-current=(!timeline).then_some("page")>{t("plan.view_list")}</a></li>
                <li><a href=href(&timeline_view, 1) aria-current=timeline.then_some("page")>{t("plan.view_timeline")}</a></li>
            </ul>
        </nav>
        <p role="status" data-test="result-count">{t("plan.count").replace("%{n}", &page.total.to_string())}</p>
        {
            let q = PlanFilters { timeline: false, page: 1, ..f.clone() }.to_query(1);
            let q = if q.is_empty() { String::new() } else { format!("?{q}") };
            view! {
                <SaveSearchForm query=PlanFilters { timeline: false, page: 1, ..f.clone() }.to_query(1) />
                <p class="feeds">
                    <a href=format!("/programmation/flux.atom{q}") type="application/atom+xml">{t("plan.feed_atom")}</a>
                    " · "
                    <a href=format!("/programmation/calendrier.ics{q}") type="text/calendar">{t("plan.feed_ical")}</a>
                    " · "
                    <a href=format!("/programmation/export.csv{q}") download="" data-test="plans-csv">{t("plan.export_csv")}</a>
                    " · "
                    <a href=format!("/programmation/export.ocds.json{q}") download="" data-test="plans-ocds">{t("plan.export_ocds")}</a>
                </p>
            }
        }
        {if page.rows.is_empty() {
            view! { <p class="empty-state">{t("plan.empty")}</p> }.into_any()
        } else if timeline {
            let mut groups: Vec<(String, Vec<PlanSummary>)> = Vec::new();
            for row in page.rows.clone() {
                match groups.last_mut() {
                    Some((q, rows)) if *q == row.quarter => rows.push(row),
                    _ => groups.push((row.quarter.clone(), vec![row])),
                }
            }
            view! {
                <div class="timeline" data-test="timeline">
                    {groups.into_iter().map(|(q, rows)| view! {
                        <section aria-labelledby=format!("q-{q}")>
                            <h2 id=format!("q-{q}")>{q.replace('-', " ")} <span class="facet__count">{rows.len()}</span></h2>
                            <ul class="result-list">
                                {rows.into_iter().map(|row| view! { <Row row /> }).collect_view()}
                            </ul>
                        </section>
                    }).collect_view()}
                </div>
            }.into_any()
        } else {
            view! {
                <ul class="result-list" data-test="plans">
                    {page.rows.clone().into_iter().map(|row| view! { <Row row /> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <Pagination page=page.page pages=page.pages href=Callback::new({
            let f = filters.clone();
            move |n| href(&f, n)
        }) />
    }
}

#[component]
pub fn Row(
    row: PlanSummary,
    /// More about the row, below it (the communes a groupement serves).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <li class="card result" data-test="plan-row">
            <h3 class="result__title"><a href=format!("/programmation/{}", row.id)>{row.title.clone()}</a></h3>
            <p class="result__meta">
                <span class=status_class(row.status)>{t(&row.status.label_key())}</span>
                " · " {row.buyer_name.clone()}
                " · " {t("plan.publication_short")} " " {row.publication.clone()}
                {estimate_text(row.estimate_min, row.estimate_max).map(|e| format!(" · {e}"))}
                {(row.lots > 0).then(|| format!(" · {}", t("plan.lots_n").replace("%{n}", &row.lots.to_string())))}
            </p>
            {row.joint.clone().map(|j| view! {
                <p class="result__meta" data-test="plan-joint">
                    <span class="badge badge--label">{t("joint.title")}</span> " "
                    {if j.open_now { t("joint.open_until").replace("%{date}", &j.deadline) } else { t("joint.closed_since").replace("%{date}", &j.deadline) }}
                    " · " {j.totals}
                </p>
            })}
            {(!row.cpv.is_empty()).then(|| view! {
                <p class="result__meta">{row.cpv.iter().map(|(c, l)| format!("{c} {l}")).collect::<Vec<_>>().join(" · ")}</p>
            })}
            {(!row.levers.is_empty()).then(|| view! {
                <p class="badges">
                    {row.levers.iter().map(|l| view! {
                        <a class="badge badge--label" href=format!("/programmation/guide#{l}")>{t(&format!("plan.levers.{l}"))}</a>
                    }).collect_view()}
                </p>
            })}
            {children.map(|c| c())}
        </li>
    }
}
