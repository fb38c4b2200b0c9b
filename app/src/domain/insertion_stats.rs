//! The territory's insertion in figures (`/analyses/insertion`): the public plans with an
//! insertion lever or reserved, the hours their clauses plan and the hours validated, by trade
//! and by buyer, with the tables the page shows and the CSV gives.

use super::analytics::tables::{Cell, Table};
use super::insertion_hours::HourKind;
use serde::{Deserialize, Serialize};

/// One trade's or one buyer's line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatRow {
    /// The trade's name or the buyer's; "" for plans whose trade is not known.
    pub label: String,
    /// The buyer's directory id (by buyer only).
    pub buyer_id: Option<i32>,
    /// Plans with a clause or a criterion.
    pub with_lever: u64,
    /// Plans reserved to inclusive structures (SIAE, ESAT/EA).
    pub reserved: u64,
    /// Awarded plans among them.
    pub awarded: u64,
    /// Hours the clauses plan.
    pub planned: i64,
    /// Hours validated by the facilitators.
    pub done: i64,
}

impl StatRow {
    /// Adds one plan.
    pub fn add(&mut self, lever: bool, reserved: bool, awarded: bool, planned: i64, done: i64) {
        self.with_lever += lever as u64;
        self.reserved += reserved as u64;
        self.awarded += awarded as u64;
        self.planned += planned;
        self.done += done;
    }

    /// Done as a share of planned (0–100), none when nothing is planned.
    pub fn done_percent(&self) -> Option<f64> {
        (self.planned > 0).then(|| self.done as f64 * 100.0 / self.planned as f64)
    }
}

/// The territory's insertion.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsertionStats {
    pub total: StatRow,
    /// Hours recorded and waiting for validation.
    pub pending: i64,
    /// Validated hours by type, the four types in order.
    pub by_kind: Vec<(HourKind, i64)>,
    /// The most planned hours first.
    pub by_trade: Vec<StatRow>,
    pub by_buyer: Vec<StatRow>,
}

/// The tables of the page and of its CSV.
pub const TABLES: [&str; 2] = ["metiers", "acheteurs"];

impl InsertionStats {
    /// Sorts the lines: the most planned hours first, then the most plans, then by name.
    pub fn sort(&mut self) {
        for rows in [&mut self.by_trade, &mut self.by_buyer] {
            rows.sort_by(|a, b| {
                b.planned
                    .cmp(&a.planned)
                    .then((b.with_lever + b.reserved).cmp(&(a.with_lever + a.reserved)))
                    .then(a.label.cmp(&b.label))
            });
        }
    }

    /// The table `name` of `TABLES`, the unknown trade written with `unknown`.
    pub fn table(&self, name: &str, unknown: &str) -> Option<Table> {
        let (name, first, rows): (&'static str, &'static str, &[StatRow]) = match name {
            "metiers" => ("metiers", "insertion.stats.trade", &self.by_trade),
            "acheteurs" => ("acheteurs", "insertion.stats.buyer", &self.by_buyer),
            _ => return None,
        };
        Some(Table {
            name,
            columns: vec![
                first,
                "insertion.stats.with_lever",
                "insertion.stats.reserved",
                "insertion.stats.awarded",
                "insertion.stats.planned",
                "insertion.stats.done",
                "insertion.stats.done_share",
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        Cell::Text(if r.label.is_empty() {
                            unknown.to_string()
                        } else {
                            r.label.clone()
                        }),
                        Cell::Count(r.with_lever),
                        Cell::Count(r.reserved),
                        Cell::Count(r.awarded),
                        Cell::Count(r.planned.max(0) as u64),
                        Cell::Count(r.done.max(0) as u64),
                        Cell::Percent(r.done_percent()),
                    ]
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, planned: i64, done: i64) -> StatRow {
        let mut r = StatRow {
            label: label.into(),
            ..Default::default()
        };
        r.add(true, false, done > 0, planned, done);
        r
    }

    #[test]
    fn lines_add_up_and_say_their_share() {
        let mut r = row("Nettoyage", 1000, 600);
        r.add(false, true, true, 0, 0);
        assert_eq!((r.with_lever, r.reserved, r.awarded), (1, 1, 2));
        assert_eq!(r.done_percent(), Some(60.0));
        assert_eq!(row("Voirie", 0, 0).done_percent(), None);
    }

    #[test]
    fn the_tables_put_the_most_planned_first_and_name_the_unknown_trade() {
        let mut s = InsertionStats {
            by_trade: vec![
                row("", 10, 0),
                row("Voirie", 2000, 0),
                row("Nettoyage", 1000, 600),
            ],
            ..Default::default()
        };
        s.sort();
        let t = s.table("metiers", "Non classé").unwrap();
        let names: Vec<&Cell> = t.rows.iter().map(|r| &r[0]).collect();
        assert_eq!(
            names,
            [
                &Cell::Text("Voirie".into()),
                &Cell::Text("Nettoyage".into()),
                &Cell::Text("Non classé".into())
            ]
        );
        assert_eq!(t.rows[1][6], Cell::Percent(Some(60.0)));
        assert!(s.table("communes", "").is_none());
    }
}
