//! Every dashboard table as rows of typed cells: the page formats them for reading, the CSV
//! download writes them raw (plain numbers, euros without cents, percentages as numbers).

use super::dashboard::{pct, Dashboard};
use super::facts::Zone;
use crate::domain::geo;

#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// An i18n key, translated where shown.
    Key(String),
    Count(u64),
    /// Cents, shown and written in whole euros.
    Euros(i64),
    /// A percentage (0–100), none when its base is empty.
    Percent(Option<f64>),
    /// A number with one decimal at most (a median), none when unknown.
    Number(Option<f64>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Its name in the download's URL (`tableau=`) and file name.
    pub name: &'static str,
    /// The columns' i18n keys.
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// The table names, in the page's order (the last one is the shortage page's).
pub const NAMES: [&str; 11] = [
    "annees",
    "metiers",
    "divisions",
    "procedures",
    "acheteurs",
    "part_locale",
    "concurrence_metiers",
    "concurrence_annees",
    "leviers",
    "carte",
    "tensions",
];

use Cell::*;

/// The table `name` of `d`; `None` for an unknown name.
pub fn table(d: &Dashboard, name: &str) -> Option<Table> {
    let spend = |key_col: &'static str, rows: &[super::dashboard::Spend], key_is_label: bool| {
        rows.iter()
            .map(|s| {
                let mut r = Vec::new();
                if !key_is_label {
                    r.push(Text(s.key.clone()));
                }
                r.push(match key_col {
                    "procedure" => Key(format!("decp.procedure.{}", s.key)),
                    _ => Text(s.label.clone()),
                });
                r.extend([Count(s.count), Euros(s.amount_cents)]);
                r
            })
            .collect::<Vec<_>>()
    };
    let amount = ["analytics.col_count", "analytics.col_amount"];
    Some(match name {
        "annees" => Table {
            name: "annees",
            columns: [&["analytics.col_year"][..], &amount].concat(),
            rows: spend("year", &d.by_year, true),
        },
        "metiers" => Table {
            name: "metiers",
            columns: [&["analytics.code", "analytics.col_trade"][..], &amount].concat(),
            rows: spend("trade", &d.by_trade, false),
        },
        "divisions" => Table {
            name: "divisions",
            columns: [&["analytics.col_division", "analytics.label"][..], &amount].concat(),
            rows: spend("division", &d.by_division, false),
        },
        "procedures" => Table {
            name: "procedures",
            columns: [&["analytics.col_procedure"][..], &amount].concat(),
            rows: spend("procedure", &d.by_procedure, true),
        },
        "acheteurs" => Table {
            name: "acheteurs",
            columns: [&["analytics.siret", "analytics.col_buyer"][..], &amount].concat(),
            rows: spend("buyer", &d.by_buyer, false),
        },
        "part_locale" => {
            let awards: u64 = d.local.iter().map(|z| z.awards).sum();
            let cents: i64 = d.local.iter().map(|z| z.amount_cents).sum();
            Table {
                name: "part_locale",
                columns: vec![
                    "analytics.col_zone",
                    "analytics.col_awards",
                    "analytics.col_share_count",
                    "analytics.col_amount",
                    "analytics.col_share_amount",
                ],
                rows: d
                    .local
                    .iter()
                    .map(|z| {
                        vec![
                            Key(format!("analytics.zone.{}", z.zone.code())),
                            Count(z.awards),
                            Percent(pct(z.awards, awards)),
                            Euros(z.amount_cents),
                            Percent(pct(z.amount_cents.max(0) as u64, cents.max(0) as u64)),
                        ]
                    })
                    .collect(),
            }
        }
        "concurrence_metiers" | "concurrence_annees" => {
            let (rows, first) = if name == "concurrence_metiers" {
                (&d.competition_by_trade, "analytics.col_trade")
            } else {
                (&d.competition_by_year, "analytics.col_year")
            };
            Table {
                name: if name == "concurrence_metiers" {
                    "concurrence_metiers"
                } else {
                    "concurrence_annees"
                },
                columns: vec![
                    first,
                    "analytics.col_count",
                    "analytics.col_with_offers",
                    "analytics.col_median",
                    "analytics.col_single",
                ],
                rows: rows
                    .iter()
                    .map(|c| {
                        vec![
                            Text(c.label.clone()),
                            Count(c.count),
                            Count(c.with_offers),
                            Number(c.median_offers),
                            Percent(c.single_bid_pct()),
                        ]
                    })
                    .collect(),
            }
        }
        "leviers" => Table {
            name: "leviers",
            columns: vec![
                "analytics.col_year",
                "analytics.col_count",
                "analytics.col_social_stated",
                "analytics.col_social",
                "analytics.col_reserved",
                "analytics.col_env_stated",
                "analytics.col_env",
                "analytics.col_allotted",
            ],
            rows: d
                .levers_by_year
                .iter()
                .chain(std::iter::once(&d.levers_total))
                .map(|l| {
                    vec![
                        if l.key.is_empty() {
                            Key("analytics.all_years".into())
                        } else {
                            Text(l.key.clone())
                        },
                        Count(l.count),
                        Count(l.social_stated),
                        Percent(pct(l.social, l.social_stated)),
                        Percent(pct(l.reserved, l.social_stated)),
                        Count(l.env_stated),
                        Percent(pct(l.env, l.env_stated)),
                        Percent(pct(l.allotted, l.count)),
                    ]
                })
                .collect(),
        },
        "carte" => Table {
            name: "carte",
            columns: vec![
                "analytics.code",
                "analytics.col_area",
                "analytics.col_executed",
                "analytics.col_amount",
                "analytics.col_won",
            ],
            rows: d
                .map
                .iter()
                .filter(|a| a.executed > 0 || a.won > 0)
                .map(|a| {
                    vec![
                        Text(a.code.clone()),
                        area_name(&a.code),
                        Count(a.executed),
                        Euros(a.executed_cents),
                        Count(a.won),
                    ]
                })
                .collect(),
        },
        _ => return None,
    })
}

/// A map area's name: the commune's, or the department's code.
fn area_name(code: &str) -> Cell {
    if let Some(s) = geo::shapes().find(|s| s.insee == code) {
        return Text(s.name.to_string());
    }
    match code {
        "69D" => Key("directory.area_69d".into()),
        c => Text(c.to_string()),
    }
}

/// Shares of the amount awarded (cumulative: Métropole ⊂ Rhône ⊂ region), and the unknown one,
/// in percent of all the amount awarded.
pub fn cumulative_local(d: &Dashboard) -> [Option<f64>; 4] {
    let cents = |zones: &[Zone]| -> u64 {
        d.local
            .iter()
            .filter(|z| zones.contains(&z.zone))
            .map(|z| z.amount_cents.max(0) as u64)
            .sum()
    };
    let all = cents(&Zone::ALL);
    let metropole = cents(&[Zone::Metropole]);
    let dept = metropole + cents(&[Zone::Rhone, Zone::Dept69]);
    let region = dept + cents(&[Zone::Region]);
    [
        pct(metropole, all),
        pct(dept, all),
        pct(region, all),
        pct(cents(&[Zone::Unknown]), all),
    ]
}

/// The shortage page's table: the trades as ranked, their indicator and its inputs.
pub fn shortage_table(tensions: &[super::shortage::Tension], english: bool) -> Table {
    Table {
        name: "tensions",
        columns: vec![
            "analytics.shortage.rank",
            "analytics.code",
            "analytics.col_trade",
            "analytics.shortage.score",
            "analytics.shortage.planned",
            "analytics.shortage.yearly",
            "analytics.shortage.single",
            "analytics.shortage.median",
            "analytics.shortage.suppliers",
            "analytics.shortage.uncovered",
        ],
        rows: tensions
            .iter()
            .enumerate()
            .map(|(rank, t)| {
                let i = &t.inputs;
                vec![
                    Count(rank as u64 + 1),
                    Text(super::trades::all()[i.trade].code.to_string()),
                    Text(super::trades::label(i.trade, english).to_string()),
                    Number(t.score.map(f64::from)),
                    Count(i.planned),
                    Number(Some((i.yearly_contracts * 10.0).round() / 10.0)),
                    Percent(pct(i.single_bid, i.with_offers)),
                    Number(i.median_offers),
                    Count(i.platform_firms + i.local_awardees),
                    Count(i.uncovered),
                ]
            })
            .collect(),
    }
}
