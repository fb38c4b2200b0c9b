//! `/analyses`: the territory's dashboards, filtered by the URL (a GET form, so it works without
//! JavaScript), each chart with its text summary, its table and its CSV download.

use super::api::{get_dashboard, AnalyticsView};
use super::charts::{Bar, BarChart, CommuneChoropleth};
use crate::components::lists::in_place;
use crate::components::status::LoadError;
use crate::domain::analytics::dashboard::{pct, Dashboard, Filters, Spend};
use crate::domain::analytics::tables::{self, Cell, Table};
use crate::domain::analytics::trades;
use crate::domain::contracts::format_euros;
use crate::domain::decp::vocab::Procedure;
use crate::i18n::{t, use_lang, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

/// Bars drawn at most in a chart (the table holds them all).
const DRAWN: usize = 15;

/// Whole euros: "1 234 567 €".
fn money(cents: i64) -> String {
    format_euros(cents / 100 * 100)
}

pub(crate) fn percent(p: Option<f64>) -> String {
    match p {
        None => t("analytics.none"),
        Some(p) if use_lang() == Lang::En => format!("{p:.1} %"),
        Some(p) => format!("{p:.1} %").replace('.', ","),
    }
}

pub(super) fn number(n: Option<f64>) -> String {
    match n {
        None => t("analytics.none"),
        Some(n) if n.fract() == 0.0 => format!("{n:.0}"),
        Some(n) if use_lang() == Lang::En => format!("{n:.1}"),
        Some(n) => format!("{n:.1}").replace('.', ","),
    }
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Key(k) => t(k),
        Cell::Count(n) => n.to_string(),
        Cell::Euros(c) => money(*c),
        Cell::Percent(p) => percent(*p),
        Cell::Number(n) => number(*n),
    }
}

pub(crate) fn fill(template: &str, pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .fold(t(template), |s, (k, v)| s.replace(&format!("%{{{k}}}"), v))
}

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let location = use_location();
    let search = move || location.search.get();
    let data = Resource::new(search, get_dashboard);
    view! {
        <Title text=format!("{} — Passerelle", t("analytics.title")) />
        <h1>{t("analytics.title")}</h1>
        <AnalyticsNav current="overview" />
        <p class="lead">{t("analytics.lead")}</p>
        <Transition fallback=|| view! { <p>{t("analytics.loading")}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(v) => view! { <Dashboards v /> }.into_any(),
            })}
        </Transition>
    }
}

/// The analytics' views, the current one marked.
#[component]
pub(crate) fn AnalyticsNav(current: &'static str) -> impl IntoView {
    let link = move |key: &'static str, href: &'static str, label: &'static str| {
        view! { <li><a href=href aria-current=(current == key).then_some("page")>{t(label)}</a></li> }
    };
    view! {
        <nav class="subnav" aria-label=t("analytics.title")>
            <ul>
                {link("overview", "/analyses", "analytics.nav_overview")}
                {link("shortage", "/analyses/tensions", "analytics.nav_shortage")}
                {link("food", "/analyses/alimentation", "analytics.nav_food")}
                {link("insertion", "/analyses/insertion", "analytics.nav_insertion")}
            </ul>
        </nav>
    }
}

#[component]
fn Dashboards(v: AnalyticsView) -> impl IntoView {
    let d = v.dashboard.clone();
    let date = crate::domain::contracts::format_date(v.built_at.get(..10).unwrap_or(""));
    let summary = fill(
        "analytics.summary",
        &[
            ("count", d.total.count.to_string()),
            ("amount", money(d.total.amount_cents)),
            ("with", d.total.with_amount.to_string()),
        ],
    );
    let empty = d.total.count == 0;
    view! {
        <FilterForm v=v.clone() />
        <p class="analytics__snapshot">{fill("analytics.snapshot", &[("n", v.contracts.to_string()), ("date", date)])}</p>
        <p class="analytics__summary" data-test="analytics-summary" role="status">{summary}</p>
        {if empty {
            view! { <p class="empty-state">{t("analytics.empty")}</p> }.into_any()
        } else {
            view! {
                <SpendSections d=d.clone() finer=v.finer />
                <LocalSection d=d.clone() />
                <CompetitionSection d=d.clone() />
                <LeversSection d=d.clone() />
                <MapSection d=d.clone() />
            }
            .into_any()
        }}
    }
}

#[component]
fn FilterForm(v: AnalyticsView) -> impl IntoView {
    let f = v.dashboard.filters.clone();
    let english = use_lang() == Lang::En;
    let years = v.years.clone();
    let year_options = move |selected: Option<u16>| {
        years
            .iter()
            .map(|y| view! { <option value=y.to_string() selected=selected == Some(*y)>{*y}</option> })
            .collect_view()
    };
    let trade_options = trades::all()
        .iter()
        .enumerate()
        .map(|(i, tr)| view! { <option value=tr.code selected=f.trade.as_deref() == Some(tr.code)>{trades::label(i, english)}</option> })
        .collect_view();
    let procedure_options = Procedure::ALL
        .iter()
        .map(|p| view! { <option value=p.code() selected=f.procedure.as_deref() == Some(p.code())>{t(&p.label_key())}</option> })
        .collect_view();
    view! {
        <form class="filters card" method="get" action="/analyses" role="search" aria-label=t("analytics.filters") on:submit=in_place()>
            <div class="filters__grid">
                <div class="field">
                    <label for="f-de">{t("analytics.from")}</label>
                    <select id="f-de" name="de"><option value="">{t("analytics.any_year")}</option>{year_options(f.from)}</select>
                </div>
                <div class="field">
                    <label for="f-a">{t("analytics.to")}</label>
                    <select id="f-a" name="a"><option value="">{t("analytics.any_year")}</option>{year_options(f.to)}</select>
                </div>
                <div class="field">
                    <label for="f-metier">{t("analytics.trade")}</label>
                    <select id="f-metier" name="metier"><option value="">{t("analytics.any_trade")}</option>{trade_options}</select>
                </div>
                <div class="field">
                    <label for="f-procedure">{t("analytics.procedure")}</label>
                    <select id="f-procedure" name="procedure"><option value="">{t("analytics.any_procedure")}</option>{procedure_options}</select>
                </div>
                <div class="field">
                    <label for="f-division">{t("analytics.division")}</label>
                    <input id="f-division" name="division" inputmode="numeric" pattern="[0-9]{2}" maxlength="2" value=f.division.clone().unwrap_or_default() aria-describedby="f-division-hint" />
                    <p class="field__hint" id="f-division-hint">{t("analytics.division_hint")}</p>
                </div>
                {v.finer.then(|| view! {
                    <div class="field">
                        <label for="f-acheteur">{t("analytics.buyer")}</label>
                        <input id="f-acheteur" name="acheteur" inputmode="numeric" maxlength="17" value=f.buyer.clone().unwrap_or_default() aria-describedby="f-acheteur-hint" />
                        <p class="field__hint" id="f-acheteur-hint">{t("analytics.buyer_hint")}</p>
                    </div>
                })}
            </div>
            <div class="filters__actions">
                <button type="submit" class="button button--primary">{t("analytics.apply")}</button>
                {(!f.is_empty()).then(|| view! { <a href="/analyses">{t("analytics.reset")}</a> })}
            </div>
        </form>
    }
}

/// A section's table, folded under its chart, with its CSV download.
#[component]
pub(crate) fn DataTable(
    table: Table,
    #[prop(optional)] filters: Filters,
    /// The download's address, when it is not the dashboards' (`/analyses/export.csv`).
    #[prop(optional, into)]
    csv: Option<String>,
) -> impl IntoView {
    let query = filters.to_query();
    let href = if let Some(href) = csv {
        href
    } else if query.is_empty() {
        format!("/analyses/export.csv?tableau={}", table.name)
    } else {
        format!("/analyses/export.csv?tableau={}&{query}", table.name)
    };
    let numeric = |c: &Cell| !matches!(c, Cell::Text(_) | Cell::Key(_));
    view! {
        <details class="analytics__data">
            <summary>{t("analytics.data")}</summary>
            <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
                <table class="data" data-test=format!("table-{}", table.name)>
                    <thead><tr>{table.columns.iter().map(|c| view! { <th scope="col">{t(c)}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {table.rows.iter().map(|r| view! {
                            <tr>{r.iter().map(|c| view! { <td class:num=numeric(c)>{cell_text(c)}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
        <p class="analytics__csv"><a href=href download="" data-test=format!("csv-{}", table.name)>{t("analytics.csv")}</a></p>
    }
}

fn spend_bars(rows: &[Spend], label: impl Fn(&Spend) -> String) -> Vec<Bar> {
    rows.iter()
        .take(DRAWN)
        .map(|s| Bar {
            label: label(s),
            value: s.amount_cents.max(0) as f64,
            text: money(s.amount_cents),
        })
        .collect()
}

fn share_of(part: i64, all: i64) -> String {
    percent(pct(part.max(0) as u64, all.max(0) as u64))
}

#[component]
fn SpendSections(d: Dashboard, finer: bool) -> impl IntoView {
    let f = d.filters.clone();
    let table = |name: &str| tables::table(&d, name).unwrap_or_else(|| unreachable_table(name));
    let top_year = d.by_year.iter().max_by_key(|s| s.amount_cents);
    let year_summary = match (d.by_year.first(), d.by_year.last(), top_year) {
        (Some(a), Some(b), Some(top)) => fill(
            "analytics.by_year_summary",
            &[
                ("first", a.key.clone()),
                ("last", b.key.clone()),
                ("top", top.key.clone()),
                ("amount", money(top.amount_cents)),
            ],
        ),
        _ => String::new(),
    };
    let trade_summary = d
        .by_trade
        .first()
        .map(|s| {
            fill(
                "analytics.by_trade_summary",
                &[
                    ("top", s.label.clone()),
                    ("amount", money(s.amount_cents)),
                    ("share", share_of(s.amount_cents, d.total.amount_cents)),
                ],
            )
        })
        .unwrap_or_default();
    let proc_label = |s: &Spend| t(&format!("decp.procedure.{}", s.key));
    let proc_summary = d
        .by_procedure
        .first()
        .map(|s| {
            fill(
                "analytics.by_procedure_summary",
                &[
                    ("top", proc_label(s)),
                    ("share", share_of(s.amount_cents, d.total.amount_cents)),
                ],
            )
        })
        .unwrap_or_default();
    view! {
        <section class="analytics__section" aria-labelledby="a-years">
            <h2 id="a-years">{t("analytics.by_year")}</h2>
            <p>{year_summary.clone()}</p>
            <BarChart id="c-years".into() title=t("analytics.by_year") summary=year_summary bars=spend_bars(&d.by_year, |s| s.key.clone()) />
            <DataTable table=table("annees") filters=f.clone() />
        </section>
        <section class="analytics__section" aria-labelledby="a-trades">
            <h2 id="a-trades">{t("analytics.by_trade")}</h2>
            <p>{trade_summary.clone()}</p>
            <p class="field__hint">{t("analytics.by_trade_note")}</p>
            <BarChart id="c-trades".into() title=t("analytics.by_trade") summary=trade_summary bars=spend_bars(&d.by_trade, |s| s.label.clone()) />
            <DataTable table=table("metiers") filters=f.clone() />
        </section>
        <section class="analytics__section" aria-labelledby="a-procedures">
            <h2 id="a-procedures">{t("analytics.by_procedure")}</h2>
            <p>{proc_summary.clone()}</p>
            <BarChart id="c-procedures".into() title=t("analytics.by_procedure") summary=proc_summary bars=spend_bars(&d.by_procedure, proc_label) />
            <DataTable table=table("procedures") filters=f.clone() />
        </section>
        <section class="analytics__section" aria-labelledby="a-divisions">
            <h2 id="a-divisions">{t("analytics.by_division")}</h2>
            <DataTable table=table("divisions") filters=f.clone() />
        </section>
        <section class="analytics__section" aria-labelledby="a-buyers">
            <h2 id="a-buyers">{t("analytics.by_buyer")}</h2>
            {if finer {
                view! {
                    <p>{fill("analytics.by_buyer_note", &[("n", crate::domain::analytics::dashboard::TOP_BUYERS.to_string())])}</p>
                    <DataTable table=table("acheteurs") filters=f.clone() />
                }.into_any()
            } else {
                view! { <p class="alert alert--info" data-test="buyers-locked">{t("analytics.by_buyer_locked")}</p> }.into_any()
            }}
        </section>
    }
}

/// Every name of [`tables::NAMES`] has a table: this is never reached.
fn unreachable_table(name: &str) -> Table {
    Table {
        name: "",
        columns: vec![],
        rows: vec![vec![Cell::Text(name.to_string())]],
    }
}

#[component]
fn LocalSection(d: Dashboard) -> impl IntoView {
    let [metropole, dept, region, unknown] = tables::cumulative_local(&d);
    let summary = fill(
        "analytics.local_summary",
        &[
            ("metropole", percent(metropole)),
            ("dept", percent(dept)),
            ("region", percent(region)),
            ("unknown", percent(unknown)),
        ],
    );
    let bars = d
        .local
        .iter()
        .map(|z| Bar {
            label: t(&format!("analytics.zone.{}", z.zone.code())),
            value: z.amount_cents.max(0) as f64,
            text: money(z.amount_cents),
        })
        .collect();
    let table = tables::table(&d, "part_locale").unwrap_or_else(|| unreachable_table(""));
    view! {
        <section class="analytics__section" aria-labelledby="a-local">
            <h2 id="a-local">{t("analytics.local")}</h2>
            <p data-test="local-summary">{summary.clone()}</p>
            <dl class="facts analytics__cumul">
                <div><dt>{t("analytics.cum_metropole")}</dt><dd>{percent(metropole)}</dd></div>
                <div><dt>{t("analytics.cum_dept")}</dt><dd>{percent(dept)}</dd></div>
                <div><dt>{t("analytics.cum_region")}</dt><dd>{percent(region)}</dd></div>
                <div><dt>{t("analytics.zone.inconnu")}</dt><dd>{percent(unknown)}</dd></div>
            </dl>
            <BarChart id="c-local".into() title=t("analytics.local") summary bars />
            <p class="field__hint">{t("analytics.local_method")}</p>
            <DataTable table filters=d.filters.clone() />
        </section>
    }
}

#[component]
fn CompetitionSection(d: Dashboard) -> impl IntoView {
    let all = &d.competition_total;
    let summary = fill(
        "analytics.competition_summary",
        &[
            ("with", all.with_offers.to_string()),
            ("median", number(all.median_offers)),
            ("single", percent(all.single_bid_pct())),
        ],
    );
    let bars = d
        .competition_by_year
        .iter()
        .filter(|c| c.with_offers > 0)
        .map(|c| Bar {
            label: c.key.clone(),
            value: c.single_bid_pct().unwrap_or(0.0),
            text: percent(c.single_bid_pct()),
        })
        .collect();
    view! {
        <section class="analytics__section" aria-labelledby="a-competition">
            <h2 id="a-competition">{t("analytics.competition")}</h2>
            <p data-test="competition-summary">{summary.clone()}</p>
            <h3>{t("analytics.competition_by_year")}</h3>
            <BarChart id="c-competition".into() title=t("analytics.competition_by_year") summary bars />
            <DataTable table=tables::table(&d, "concurrence_annees").unwrap_or_else(|| unreachable_table("")) filters=d.filters.clone() />
            <h3>{t("analytics.competition_by_trade")}</h3>
            <DataTable table=tables::table(&d, "concurrence_metiers").unwrap_or_else(|| unreachable_table("")) filters=d.filters.clone() />
        </section>
    }
}

#[component]
fn LeversSection(d: Dashboard) -> impl IntoView {
    let l = &d.levers_total;
    let (social, reserved, env, allotted) = (
        pct(l.social, l.social_stated),
        pct(l.reserved, l.social_stated),
        pct(l.env, l.env_stated),
        pct(l.allotted, l.count),
    );
    let summary = fill(
        "analytics.levers_summary",
        &[
            ("social", percent(social)),
            ("reserved", percent(reserved)),
            ("env", percent(env)),
            ("allotted", percent(allotted)),
        ],
    );
    let bar = |key: &str, p: Option<f64>| Bar {
        label: t(key),
        value: p.unwrap_or(0.0),
        text: percent(p),
    };
    let bars = vec![
        bar("analytics.lever_social", social),
        bar("analytics.lever_reserved", reserved),
        bar("analytics.lever_env", env),
        bar("analytics.lever_allotted", allotted),
    ];
    view! {
        <section class="analytics__section" aria-labelledby="a-levers">
            <h2 id="a-levers">{t("analytics.levers")}</h2>
            <p data-test="levers-summary">{summary.clone()}</p>
            <BarChart id="c-levers".into() title=t("analytics.levers") summary bars />
            <p class="field__hint">{t("analytics.levers_note")}</p>
            <DataTable table=tables::table(&d, "leviers").unwrap_or_else(|| unreachable_table("")) filters=d.filters.clone() />
        </section>
    }
}

#[component]
fn MapSection(d: Dashboard) -> impl IntoView {
    // The Métropole's communes, and the departments drawn around it.
    let in_metropole = |code: &str| {
        crate::domain::geo::shapes().any(|s| s.insee == code)
            || crate::domain::geo::AROUND.iter().any(|(c, _)| *c == code)
    };
    let executed: std::collections::HashMap<String, u64> = d
        .map
        .iter()
        .filter(|a| in_metropole(&a.code))
        .map(|a| (a.code.clone(), a.executed))
        .collect();
    let won: std::collections::HashMap<String, u64> = d
        .map
        .iter()
        .filter(|a| in_metropole(&a.code))
        .map(|a| (a.code.clone(), a.won))
        .collect();
    // The summary speaks of the Métropole's communes only.
    let communes = |counts: &std::collections::HashMap<String, u64>| -> u64 {
        crate::domain::geo::shapes()
            .filter_map(|s| counts.get(s.insee))
            .sum()
    };
    let summary = fill(
        "analytics.map_summary",
        &[
            ("n", communes(&executed).to_string()),
            ("won", communes(&won).to_string()),
        ],
    );
    view! {
        <section class="analytics__section" aria-labelledby="a-map">
            <h2 id="a-map">{t("analytics.map")}</h2>
            <p>{summary.clone()}</p>
            <div class="analytics__maps">
                <figure class="dmap">
                    <figcaption>{t("analytics.map_executed")}</figcaption>
                    <CommuneChoropleth id="m-executed".into() title=t("analytics.map_executed") summary=summary.clone() counts=executed unit="analytics.col_executed" />
                </figure>
                <figure class="dmap">
                    <figcaption>{t("analytics.map_won")}</figcaption>
                    <CommuneChoropleth id="m-won".into() title=t("analytics.map_won") summary=summary.clone() counts=won unit="analytics.col_won" />
                </figure>
            </div>
            <DataTable table=tables::table(&d, "carte").unwrap_or_else(|| unreachable_table("")) filters=d.filters.clone() />
        </section>
    }
}
