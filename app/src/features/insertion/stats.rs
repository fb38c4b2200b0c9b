//! `/analyses/insertion`: the territory's insertion in figures — the public plans with a clause,
//! a criterion or a reserved contract, the hours their clauses plan against the hours the
//! facilitators validated, by trade (chart, table, CSV) and by buyer (table, CSV).

use super::api::insertion_stats;
use crate::components::status::LoadError;
use crate::domain::insertion::thousands;
use crate::domain::insertion_hours::progress_text;
use crate::domain::insertion_stats::InsertionStats;
use crate::features::analytics::charts::{Bar, BarChart};
use crate::features::analytics::pages::{fill, percent, AnalyticsNav, DataTable};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;

/// Trades drawn in the chart; the table has them all.
const DRAWN: usize = 12;

#[component]
pub fn InsertionStatsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| insertion_stats());
    view! {
        <Title text=format!("{} — Passerelle", t("insertion.stats.title")) />
        <h1>{t("insertion.stats.title")}</h1>
        <AnalyticsNav current="insertion" />
        <p class="lead">{t("insertion.stats.lead")}</p>
        <Transition fallback=|| view! { <p>{t("analytics.loading")}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(s) => view! { <Stats s /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Stats(s: InsertionStats) -> impl IntoView {
    let unknown = t("insertion.stats.unknown_trade");
    if s.total.with_lever + s.total.reserved == 0 {
        return view! { <p class="empty-state">{t("insertion.stats.none")}</p> }.into_any();
    }
    let total = s.total.clone();
    let bars: Vec<Bar> = s
        .by_trade
        .iter()
        .filter(|r| r.planned > 0)
        .take(DRAWN)
        .map(|r| Bar {
            label: if r.label.is_empty() {
                unknown.clone()
            } else {
                r.label.clone()
            },
            value: r.planned as f64,
            text: progress_text(r.done, r.planned),
        })
        .collect();
    let summary = s
        .by_trade
        .iter()
        .find(|r| r.planned > 0)
        .map(|top| {
            fill(
                "insertion.stats.chart_summary",
                &[
                    (
                        "trade",
                        if top.label.is_empty() {
                            unknown.clone()
                        } else {
                            top.label.clone()
                        },
                    ),
                    ("progress", progress_text(top.done, top.planned)),
                ],
            )
        })
        .unwrap_or_default();
    let kinds: Vec<_> = s.by_kind.iter().copied().filter(|(_, h)| *h > 0).collect();
    let trades = s.table("metiers", &unknown);
    let buyers = s.table("acheteurs", &unknown);
    view! {
        <dl class="facts" data-test="insertion-figures">
            <div><dt>{t("insertion.stats.with_lever")}</dt><dd>{total.with_lever}</dd></div>
            <div><dt>{t("insertion.stats.reserved")}</dt><dd>{total.reserved}</dd></div>
            <div><dt>{t("insertion.stats.awarded")}</dt><dd>{total.awarded}</dd></div>
            <div><dt>{t("insertion.stats.done_over_planned")}</dt>
                <dd data-test="insertion-progress">{progress_text(total.done, total.planned)} " (" {percent(total.done_percent())} ")"</dd></div>
            <div><dt>{t("insertion.stats.pending")}</dt><dd>{format!("{}\u{a0}h", thousands(s.pending))}</dd></div>
        </dl>
        {(!kinds.is_empty()).then(|| view! {
            <h2>{t("insertion.stats.by_kind")}</h2>
            <ul data-test="insertion-kinds">
                {kinds.into_iter().map(|(k, h)| view! {
                    <li>{t(&k.label_key())} " : " {format!("{}\u{a0}h", thousands(h))}</li>
                }).collect_view()}
            </ul>
        })}
        <h2>{t("insertion.stats.by_trade")}</h2>
        {(!bars.is_empty()).then(|| view! {
            <BarChart id="insertion-trades".into() title=t("insertion.stats.chart_title") summary bars />
        })}
        {trades.map(|table| view! { <DataTable table csv="/analyses/insertion.csv?tableau=metiers" /> })}
        <h2>{t("insertion.stats.by_buyer")}</h2>
        {buyers.map(|table| view! { <DataTable table csv="/analyses/insertion.csv?tableau=acheteurs" /> })}
        <p><a href="/programmation/guide#insertion">{t("insertion.method_link")}</a></p>
    }
    .into_any()
}
