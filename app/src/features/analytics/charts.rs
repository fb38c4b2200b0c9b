//! Charts drawn on the server as SVG: each one an image with a title and a text summary for
//! assistive technologies, followed by the table of its data (the chart never stands alone).

use crate::domain::geo;
use leptos::prelude::*;
use std::collections::HashMap;

/// One bar: its label, its length, and the value written beside it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

const WIDTH: f64 = 400.0;
const ROW: f64 = 36.0;
/// The longest bar leaves room for its value on its right.
const BAR_MAX: f64 = 290.0;

/// Horizontal bars, one a row, the label above its bar (long trade names stay readable on a
/// phone).
#[component]
pub fn BarChart(id: String, title: String, summary: String, bars: Vec<Bar>) -> impl IntoView {
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let height = (bars.len() as f64 * ROW).max(ROW);
    let (title_id, desc_id) = (format!("{id}-t"), format!("{id}-d"));
    let labelled_by = format!("{title_id} {desc_id}");
    let rows = bars
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let y = i as f64 * ROW;
            let w = if max > 0.0 { b.value / max * BAR_MAX } else { 0.0 };
            view! {
                <g>
                    <text class="chart__label" x="0" y=format!("{:.1}", y + 13.0)>{b.label}</text>
                    <rect class="chart__bar" x="0" y=format!("{:.1}", y + 18.0) width=format!("{:.1}", w.max(1.0)) height="12" rx="2" />
                    <text class="chart__value" x=format!("{:.1}", w.max(1.0) + 6.0) y=format!("{:.1}", y + 29.0)>{b.text}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {height:.0}") role="img" aria-labelledby=labelled_by data-test="chart">
            <title id=title_id>{title}</title>
            <desc id=desc_id>{summary}</desc>
            {rows}
        </svg>
    }
}

/// A choropleth of the Métropole's communes, shaded by `counts` (commune INSEE code → count),
/// with the departments around (their area codes in `counts`) as boxes beside it, shaded among
/// themselves: a department's total would otherwise pale every commune.
#[component]
pub fn CommuneChoropleth(
    id: String,
    title: String,
    summary: String,
    counts: HashMap<String, u64>,
    /// Written after each commune's name in its tooltip ("12 marchés").
    unit: &'static str,
) -> impl IntoView {
    let count = |code: &str| counts.get(code).copied().unwrap_or(0);
    let max = geo::shapes().map(|s| count(s.insee)).max().unwrap_or(0);
    let around_max = geo::AROUND.iter().map(|(c, _)| count(c)).max().unwrap_or(0);
    let (width, height) = geo::map_size();
    let (title_id, desc_id) = (format!("{id}-t"), format!("{id}-d"));
    let labelled_by = format!("{title_id} {desc_id}");
    let shapes = geo::shapes()
        .map(|s| {
            let n = count(s.insee);
            let class = format!("dmap__commune dmap__commune--{}", geo::shade(n, max));
            view! { <path d=s.path class=class><title>{format!("{} : {n} {}", s.name, crate::i18n::t(unit))}</title></path> }
        })
        .collect_view();
    let around = geo::AROUND
        .iter()
        .map(|(code, side)| {
            let n = count(code);
            let name = match *code {
                "69D" => crate::i18n::t("directory.area_69d"),
                "01" => "Ain".to_string(),
                _ => "Isère".to_string(),
            };
            let class = format!(
                "dmap__around dmap__around--{side} dmap__around--shade{}",
                geo::shade(n, around_max)
            );
            view! {
                <p class=class data-test=format!("{id}-{code}")>
                    <span class="dmap__around-name">{name}</span>
                    <span class="dmap__around-count">{format!("{n} {}", crate::i18n::t(unit))}</span>
                </p>
            }
        })
        .collect_view();
    view! {
        <div class="dmap__frame">
            {around}
            <svg class="dmap__svg chart--map" viewBox=format!("0 0 {width} {height}") role="img" aria-labelledby=labelled_by>
                <title id=title_id>{title}</title>
                <desc id=desc_id>{summary}</desc>
                {shapes}
            </svg>
        </div>
    }
}
