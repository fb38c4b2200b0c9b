//! `/analyses/tensions`: the trades ranked by tension, each with its indicator and the reasons
//! that make it; `?metier=` keeps one trade. Works without JavaScript (a GET form).

use super::api::{get_shortage, ShortageView};
use super::charts::{Bar, BarChart};
use super::pages::{fill, number, percent, AnalyticsNav, DataTable};
use crate::components::lists::in_place;
use crate::components::status::LoadError;
use crate::domain::analytics::dashboard::{pct, Filters};
use crate::domain::analytics::shortage::{Reason, Tension};
use crate::domain::analytics::{tables, trades};
use crate::domain::programming::euros;
use crate::i18n::{t, use_lang, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

#[component]
pub fn ShortagePage() -> impl IntoView {
    let location = use_location();
    let search = move || location.search.get();
    let data = Resource::new(search, get_shortage);
    view! {
        <Title text=format!("{} — Passerelle", t("analytics.shortage.title")) />
        <h1>{t("analytics.shortage.title")}</h1>
        <AnalyticsNav current="shortage" />
        <p class="lead">{t("analytics.shortage.lead")}</p>
        <Transition fallback=|| view! { <p>{t("analytics.loading")}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(v) => view! { <Shortage v /> }.into_any(),
            })}
        </Transition>
    }
}

fn trade_name(i: usize) -> String {
    trades::label(i, use_lang() == Lang::En).to_string()
}

/// A reason in words: euro amounts formatted, numbers with the page's decimal sign.
fn reason_text(r: &Reason) -> String {
    let values: Vec<(&str, String)> = r
        .values
        .iter()
        .map(|(k, v)| {
            let shown = match k.as_str() {
                "euros" => euros(v.parse().unwrap_or(0)),
                _ if use_lang() == Lang::En => v.clone(),
                _ => v.replace('.', ","),
            };
            (k.as_str(), shown)
        })
        .collect();
    fill(&r.key, &values)
}

#[component]
fn Shortage(v: ShortageView) -> impl IntoView {
    let english = use_lang() == Lang::En;
    let window = match (v.window.first(), v.window.last()) {
        (Some(a), Some(b)) => fill(
            "analytics.shortage.window",
            &[
                ("from", a.to_string()),
                ("to", b.to_string()),
                ("today", crate::domain::contracts::format_date(&v.today)),
            ],
        ),
        _ => t("analytics.shortage.no_window"),
    };
    let judged: Vec<&Tension> = v.tensions.iter().filter(|t| t.score.is_some()).collect();
    let summary = judged
        .first()
        .map(|top| {
            fill(
                "analytics.shortage.chart_summary",
                &[
                    ("top", trade_name(top.inputs.trade)),
                    ("score", top.score.unwrap_or(0).to_string()),
                ],
            )
        })
        .unwrap_or_else(|| t("analytics.shortage.none"));
    let bars: Vec<Bar> = judged
        .iter()
        .take(15)
        .map(|tn| Bar {
            label: trade_name(tn.inputs.trade),
            value: f64::from(tn.score.unwrap_or(0)),
            text: format!("{}/100", tn.score.unwrap_or(0)),
        })
        .collect();
    let filters = Filters {
        trade: v.trade.clone(),
        ..Default::default()
    };
    let table = tables::shortage_table(&v.tensions, english);
    let trade_options = trades::all()
        .iter()
        .enumerate()
        .map(|(i, tr)| view! { <option value=tr.code selected=v.trade.as_deref() == Some(tr.code)>{trades::label(i, english)}</option> })
        .collect_view();
    view! {
        <form class="filters card" method="get" action="/analyses/tensions" role="search" aria-label=t("analytics.filters") on:submit=in_place()>
            <div class="filters__grid">
                <div class="field">
                    <label for="f-metier">{t("analytics.trade")}</label>
                    <select id="f-metier" name="metier"><option value="">{t("analytics.shortage.all")}</option>{trade_options}</select>
                </div>
            </div>
            <div class="filters__actions">
                <button type="submit" class="button button--primary">{t("analytics.apply")}</button>
                {v.trade.is_some().then(|| view! { <a href="/analyses/tensions">{t("analytics.reset")}</a> })}
            </div>
        </form>
        <p class="analytics__snapshot">{window}</p>
        <p class="analytics__summary" role="status" data-test="shortage-summary">{summary.clone()}</p>
        {(!bars.is_empty()).then(|| view! {
            <BarChart id="c-shortage".into() title=t("analytics.shortage.chart") summary=summary.clone() bars />
        })}
        <ol class="tensions" data-test="tensions">
            {v.tensions.iter().map(|tn| {
                let i = &tn.inputs;
                view! {
                    <li class="tension card" data-trade=trades::all()[i.trade].code>
                        <h2 class="tension__title">{trade_name(i.trade)}</h2>
                        <p class="tension__score">
                            {match tn.score {
                                Some(s) => view! { <strong>{format!("{s}/100")}</strong> }.into_any(),
                                None => view! { <span class="badge">{t("analytics.shortage.not_judged")}</span> }.into_any(),
                            }}
                        </p>
                        <dl class="facts tension__facts">
                            <div><dt>{t("analytics.shortage.planned")}</dt><dd>{i.planned}</dd></div>
                            <div><dt>{t("analytics.shortage.yearly")}</dt><dd>{number(Some((i.yearly_contracts * 10.0).round() / 10.0))}</dd></div>
                            <div><dt>{t("analytics.shortage.single")}</dt><dd>{percent(pct(i.single_bid, i.with_offers))}</dd></div>
                            <div><dt>{t("analytics.shortage.suppliers")}</dt><dd>{i.platform_firms + i.local_awardees}</dd></div>
                            <div><dt>{t("analytics.shortage.uncovered")}</dt><dd>{i.uncovered}</dd></div>
                        </dl>
                        <h3 class="tension__why">{t("analytics.shortage.reasons")}</h3>
                        <ul>{tn.reasons.iter().map(|r| view! { <li>{reason_text(r)}</li> }).collect_view()}</ul>
                    </li>
                }
            }).collect_view()}
        </ol>
        <DataTable table filters />
        <p class="field__hint">{t("analytics.shortage.method")}</p>
    }
}
