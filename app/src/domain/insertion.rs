//! Insertion in public procurement: the levers a buyer uses to reserve work for people far from
//! employment — an execution clause (hours of work), an award criterion (R2152-7, with its
//! weight), a reserved contract (`programming::Reserved`) — and the sizing of a clause's hours
//! the way facilitators do it: amount excl. VAT × share of labour of the trade × insertion rate
//! ÷ loaded hourly cost (docs/analytics.md, "Sizing an insertion clause").

use super::validate::Checker;
use serde::{Deserialize, Serialize};

/// The insertion rate proposed when an administrator has not set another: 5 % of the labour.
pub const DEFAULT_RATE: i32 = 5;
/// The loaded hourly cost proposed by default, in euros.
pub const DEFAULT_HOURLY_COST: i32 = 30;
pub const MAX_HOURS: i64 = 1_000_000;

/// How a planned procurement (or one of its lots) uses insertion.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, strum::AsRefStr, strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum InsertionKind {
    /// A condition of execution: the awardee works the hours (L2112-2).
    Clause,
    /// An award criterion on the offers' insertion commitment, weighted (R2152-7).
    Criterion,
    /// Both: the clause sets the floor, the criterion rewards doing more.
    Both,
}

impl InsertionKind {
    pub const ALL: [InsertionKind; 3] = [Self::Clause, Self::Criterion, Self::Both];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clause => "clause",
            Self::Criterion => "criterion",
            Self::Both => "both",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    pub fn label_key(self) -> String {
        format!("insertion.kind.{}", self.as_str())
    }

    pub fn weighted(self) -> bool {
        matches!(self, Self::Criterion | Self::Both)
    }
}

/// A trade whose share of labour is known (`insertion_trades`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trade {
    pub key: String,
    pub label: String,
    /// Leading digits of the CPV codes the trade covers.
    pub cpv_prefixes: Vec<String>,
    /// Percent of the amount that is labour.
    pub labour_share: i32,
    /// Printed by a published source (not the team's estimate).
    pub published: bool,
}

/// The territory's sizing figures, editable by administrators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rates {
    pub trades: Vec<Trade>,
    /// Percent of the labour reserved for insertion.
    pub rate: i32,
    /// Euros per hour, loaded.
    pub hourly_cost: i32,
}

impl Rates {
    /// The trade of these CPV codes: the one with the longest prefix matching any of them
    /// (a lot of painting in a building contract is painting, not the building average).
    pub fn trade_for(&self, cpv: &[String]) -> Option<&Trade> {
        self.trades
            .iter()
            .filter_map(|t| {
                let best = t
                    .cpv_prefixes
                    .iter()
                    .filter(|p| cpv.iter().any(|c| c.starts_with(p.as_str())))
                    .map(|p| p.len())
                    .max()?;
                Some((best, t))
            })
            // The first of equally long matches, in the list's order.
            .fold(None, |acc: Option<(usize, &Trade)>, (len, t)| match acc {
                Some((l, _)) if l >= len => acc,
                _ => Some((len, t)),
            })
            .map(|(_, t)| t)
    }

    /// The proposed hours for this estimate and these CPV codes, when both say enough.
    pub fn propose(&self, cpv: &[String], min: Option<i64>, max: Option<i64>) -> Option<Sizing> {
        let amount = amount_of(min, max)?;
        let trade = self.trade_for(cpv)?;
        Some(Sizing {
            amount,
            trade: trade.label.clone(),
            labour_share: trade.labour_share,
            rate: self.rate,
            hourly_cost: self.hourly_cost,
            hours: hours(amount, trade.labour_share, self.rate, self.hourly_cost),
        })
    }
}

/// The sizing figures for administrators, with their last change ("05/12/2026 — Name").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatesAdmin {
    pub rates: Rates,
    /// Each trade's CPV scope in words, in `rates.trades`' order.
    pub scopes: Vec<String>,
    pub updated: Option<String>,
}

/// The administrators' form of the sizing figures: `shares[<trade key>]` for each trade.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RatesForm {
    pub rate: String,
    pub hourly_cost: String,
    pub shares: std::collections::BTreeMap<String, String>,
}

/// The sizing figures, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatesInput {
    pub rate: i32,
    pub hourly_cost: i32,
    pub shares: std::collections::BTreeMap<String, i32>,
}

impl RatesForm {
    /// Every figure within what makes sense; a trade's share left empty keeps its value, a
    /// trade nobody knows is refused (its field is `share_<key>`).
    pub fn check(&self, known: &[String]) -> Result<RatesInput, crate::error::AppError> {
        let mut c = Checker::new();
        let rate = c.decimal("rate", &self.rate, 0, 1, 100);
        if self.rate.trim().is_empty() {
            c.push("rate", "validation.required");
        }
        let cost = c.decimal("hourly_cost", &self.hourly_cost, 0, 1, 500);
        if self.hourly_cost.trim().is_empty() {
            c.push("hourly_cost", "validation.required");
        }
        let mut shares = std::collections::BTreeMap::new();
        for (key, v) in &self.shares {
            if !known.contains(key) {
                c.push("shares", "validation.unknown_choice");
                break;
            }
            if let Some(n) = c.decimal(&format!("share_{key}"), v, 0, 0, 100) {
                shares.insert(key.clone(), n as i32);
            }
        }
        c.finish()?;
        Ok(RatesInput {
            rate: rate.unwrap_or(DEFAULT_RATE as i64) as i32,
            hourly_cost: cost.unwrap_or(DEFAULT_HOURLY_COST as i64) as i32,
            shares,
        })
    }
}

/// The amount a clause is sized on: the middle of the estimate, or its only bound.
pub fn amount_of(min: Option<i64>, max: Option<i64>) -> Option<i64> {
    match (min, max) {
        (Some(a), Some(b)) => Some(a + (b - a) / 2),
        (Some(a), None) | (None, Some(a)) => Some(a),
        (None, None) => None,
    }
    .filter(|a| *a > 0)
}

/// amount × share % × rate % ÷ hourly cost, rounded to the nearest hour (halves up).
pub fn hours(amount: i64, labour_share: i32, rate: i32, hourly_cost: i32) -> i64 {
    if hourly_cost <= 0 {
        return 0;
    }
    let num = amount as i128 * labour_share as i128 * rate as i128;
    let den = 10_000i128 * hourly_cost as i128;
    ((2 * num + den) / (2 * den)).clamp(0, MAX_HOURS as i128) as i64
}

/// A proposal of hours, with every figure it came from, to be shown as a formula.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sizing {
    pub amount: i64,
    pub trade: String,
    pub labour_share: i32,
    pub rate: i32,
    pub hourly_cost: i32,
    pub hours: i64,
}

impl Sizing {
    /// "1 200 000 € HT × 50 % de main-d'œuvre (Gros œuvre, maçonnerie) × 5 % ÷ 30 €/h ≈ 1 000 h".
    pub fn formula(&self) -> String {
        format!(
            "{} HT × {} % de main-d'œuvre ({}) × {} % d'insertion ÷ {}\u{a0}€/h ≈ {}\u{a0}h",
            super::programming::euros(self.amount),
            self.labour_share,
            self.trade,
            self.rate,
            self.hourly_cost,
            thousands(self.hours),
        )
    }
}

/// "1 000" with a narrow no-break space, as amounts are written.
pub fn thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// The insertion fields of a plan's or a lot's form, as typed. Their fields are
/// `{prefix}insertion_kind`, `{prefix}insertion_hours`, `{prefix}insertion_weight`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InsertionForm {
    /// "", "clause", "criterion" or "both".
    pub kind: String,
    /// Empty: Passerelle proposes them.
    pub hours: String,
    /// Percent of the award criteria.
    pub weight: String,
}

/// The insertion fields, checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InsertionInput {
    pub kind: Option<InsertionKind>,
    /// The buyer's own number.
    pub hours: Option<i32>,
    pub weight: Option<i32>,
}

impl InsertionForm {
    /// Hours typed with no lever chosen are a clause (what a number of hours means); a weight
    /// without a criterion, or a criterion without its weight, is refused.
    pub fn check_into(&self, c: &mut Checker, prefix: &str) -> InsertionInput {
        let field = |f: &str| format!("{prefix}insertion_{f}");
        let hours = c.decimal(&field("hours"), &self.hours, 0, 1, MAX_HOURS);
        let weight = c.decimal(&field("weight"), &self.weight, 0, 1, 100);
        let kind = match self.kind.trim() {
            "" => hours.map(|_| InsertionKind::Clause),
            k => {
                let v = InsertionKind::parse(k);
                if v.is_none() {
                    c.push(&field("kind"), "validation.unknown_choice");
                }
                v
            }
        };
        match kind {
            Some(k) if k.weighted() => {
                if weight.is_none() && self.weight.trim().is_empty() {
                    c.push(&field("weight"), "insertion.weight_required");
                }
            }
            _ => {
                if weight.is_some() {
                    c.push(&field("weight"), "insertion.weight_without_criterion");
                }
            }
        }
        InsertionInput {
            kind,
            hours: hours.map(|h| h as i32),
            weight: kind.filter(|k| k.weighted()).and(weight).map(|w| w as i32),
        }
    }
}

impl InsertionInput {
    /// The hours to store and whether they are the buyer's own: the buyer's number is kept;
    /// otherwise the proposal, if there is one.
    pub fn planned(&self, proposal: Option<&Sizing>) -> (Option<i32>, bool) {
        match (self.kind, self.hours) {
            (None, _) => (None, false),
            (Some(_), Some(h)) => (Some(h), true),
            (Some(_), None) => (proposal.map(|s| s.hours as i32), false),
        }
    }
}

/// A plan's or a lot's insertion, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsertionView {
    pub kind: InsertionKind,
    pub hours: Option<i32>,
    pub weight: Option<i32>,
    /// The hours are the buyer's number, not Passerelle's proposal.
    pub own: bool,
}

impl InsertionView {
    /// "Clause d'exécution · 1 000 h" / "Critère d'attribution (10 %)" — without the formula.
    pub fn text(&self, t: impl Fn(&str) -> String) -> String {
        let mut s = t(&self.kind.label_key());
        if let Some(w) = self.weight {
            s.push_str(&format!(" ({w}\u{a0}%)"));
        }
        if let Some(h) = self.hours {
            s.push_str(&format!(" · {}\u{a0}h", thousands(h as i64)));
        }
        s
    }

    /// The stored columns (kind, hours, weight, own), read back.
    pub fn of(
        kind: Option<&str>,
        hours: Option<i32>,
        weight: Option<i32>,
        own: bool,
    ) -> Option<Self> {
        Some(InsertionView {
            kind: InsertionKind::parse(kind?)?,
            hours,
            weight,
            own,
        })
    }

    /// The form's fields as stored: the hours only when they are the buyer's own, so that a
    /// proposal follows the estimate until the buyer sets a number.
    pub fn form(v: Option<&InsertionView>) -> InsertionForm {
        match v {
            None => InsertionForm::default(),
            Some(v) => InsertionForm {
                kind: v.kind.as_str().into(),
                hours: if v.own {
                    v.hours.map(|h| h.to_string()).unwrap_or_default()
                } else {
                    String::new()
                },
                weight: v.weight.map(|w| w.to_string()).unwrap_or_default(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trade(key: &str, prefixes: &[&str], share: i32) -> Trade {
        Trade {
            key: key.into(),
            label: key.into(),
            cpv_prefixes: prefixes.iter().map(|p| p.to_string()).collect(),
            labour_share: share,
            published: true,
        }
    }

    fn rates() -> Rates {
        Rates {
            trades: vec![
                trade("peinture", &["4544"], 70),
                trade("gros_oeuvre", &["4521", "45262"], 50),
                trade("batiment", &["45"], 50),
                trade("nettoyage", &["909"], 80),
            ],
            rate: DEFAULT_RATE,
            hourly_cost: DEFAULT_HOURLY_COST,
        }
    }

    #[test]
    fn the_facilitators_example_gives_833_hours() {
        // 1 M€ × 50 % × 5 % = 25 000 € ÷ 30 €/h = 833.3 h.
        assert_eq!(hours(1_000_000, 50, 5, 30), 833);
        // A 1.2 M€ works lot: 30 000 € ÷ 30 = 1 000 h exactly.
        assert_eq!(hours(1_200_000, 50, 5, 30), 1_000);
        // Halves round up: 9 € ÷ 6 €/h... 1 500 × 100 % × 1 % = 15 € ÷ 30 = 0.5 h → 1 h.
        assert_eq!(hours(1_500, 100, 1, 30), 1);
        assert_eq!(hours(1_499, 100, 1, 30), 0);
        assert_eq!(hours(1_000, 50, 5, 0), 0);
        assert_eq!(hours(10_000_000_000, 100, 100, 1), MAX_HOURS);
    }

    #[test]
    fn the_longest_matching_prefix_chooses_the_trade() {
        let r = rates();
        let codes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(r.trade_for(&codes(&["45442100"])).unwrap().key, "peinture");
        assert_eq!(
            r.trade_for(&codes(&["45210000"])).unwrap().key,
            "gros_oeuvre"
        );
        assert_eq!(
            r.trade_for(&codes(&["45262500"])).unwrap().key,
            "gros_oeuvre"
        );
        // Roofing has no trade of its own here: the building average.
        assert_eq!(r.trade_for(&codes(&["45261000"])).unwrap().key, "batiment");
        // Of a lot's codes, the most precise trade wins, whatever their order.
        assert_eq!(
            r.trade_for(&codes(&["45000000", "45442100"])).unwrap().key,
            "peinture"
        );
        assert_eq!(r.trade_for(&codes(&["03221000"])), None);
        assert_eq!(r.trade_for(&[]), None);
    }

    #[test]
    fn a_proposal_needs_an_estimate_and_a_trade_and_shows_its_formula() {
        let r = rates();
        let works = vec!["45210000".to_string()];
        let s = r.propose(&works, Some(1_200_000), Some(1_200_000)).unwrap();
        assert_eq!(s.hours, 1_000);
        assert_eq!(
            s.formula(),
            "1\u{202f}200\u{202f}000\u{a0}€ HT × 50 % de main-d'œuvre (gros_oeuvre) × 5 % d'insertion ÷ 30\u{a0}€/h ≈ 1\u{202f}000\u{a0}h"
        );
        // The middle of a range.
        let s = r.propose(&works, Some(800_000), Some(1_200_000)).unwrap();
        assert_eq!((s.amount, s.hours), (1_000_000, 833));
        assert_eq!(r.propose(&works, None, None), None);
        assert_eq!(r.propose(&works, Some(0), None), None);
        assert_eq!(r.propose(&["03221000".into()], Some(1_000_000), None), None);
        // Cleaning is labour-heavy: 80 %.
        let s = r
            .propose(&["90919200".into()], None, Some(2_600_000))
            .unwrap();
        assert_eq!(s.hours, 3_467);
    }

    fn form(kind: &str, hours: &str, weight: &str) -> Result<InsertionInput, Vec<String>> {
        let mut c = Checker::new();
        let v = InsertionForm {
            kind: kind.into(),
            hours: hours.into(),
            weight: weight.into(),
        }
        .check_into(&mut c, "lot_");
        match c.finish() {
            Ok(()) => Ok(v),
            Err(crate::error::AppError::Invalid(e)) => Err(e
                .into_iter()
                .map(|e| format!("{}:{}", e.field, e.key))
                .collect()),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn the_form_keeps_the_buyers_number_and_refuses_what_makes_no_sense() {
        let proposal = rates().propose(&["45210000".into()], Some(1_200_000), None);
        // Blank hours: the proposal, not the buyer's own.
        let v = form("clause", "", "").unwrap();
        assert_eq!(v.planned(proposal.as_ref()), (Some(1_000), false));
        // The buyer's number is kept, however far from the proposal.
        let v = form("clause", "1 500", "").unwrap();
        assert_eq!(v.planned(proposal.as_ref()), (Some(1_500), true));
        // Hours alone are a clause.
        assert_eq!(
            form("", "600", "").unwrap().kind,
            Some(InsertionKind::Clause)
        );
        // No lever: nothing stored.
        assert_eq!(
            form("", "", "").unwrap().planned(proposal.as_ref()),
            (None, false)
        );
        let v = form("both", "", "10").unwrap();
        assert_eq!((v.kind, v.weight), (Some(InsertionKind::Both), Some(10)));
        assert_eq!(
            form("criterion", "", "").unwrap_err(),
            ["lot_insertion_weight:insertion.weight_required"]
        );
        assert_eq!(
            form("clause", "", "10").unwrap_err(),
            ["lot_insertion_weight:insertion.weight_without_criterion"]
        );
        assert_eq!(
            form("clause", "-5", "").unwrap_err(),
            ["lot_insertion_hours:validation.range"]
        );
        assert_eq!(
            form("criterion", "", "120").unwrap_err(),
            ["lot_insertion_weight:validation.range"]
        );
        assert_eq!(
            form("quota", "", "").unwrap_err(),
            ["lot_insertion_kind:validation.unknown_choice"]
        );
    }

    #[test]
    fn administrators_figures_are_bounded() {
        let known = vec!["peinture".to_string()];
        let form = |rate: &str, cost: &str, key: &str, share: &str| RatesForm {
            rate: rate.into(),
            hourly_cost: cost.into(),
            shares: [(key.to_string(), share.to_string())].into(),
        };
        let ok = form("7", "32", "peinture", "65").check(&known).unwrap();
        assert_eq!(
            (ok.rate, ok.hourly_cost, ok.shares["peinture"]),
            (7, 32, 65)
        );
        let keys = |f: RatesForm| match f.check(&known) {
            Err(crate::error::AppError::Invalid(e)) => {
                e.into_iter().map(|e| e.field).collect::<Vec<_>>()
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(
            keys(form("", "0", "peinture", "101")),
            ["rate", "hourly_cost", "share_peinture"]
        );
        assert_eq!(keys(form("5", "30", "inconnu", "50")), ["shares"]);
    }

    #[test]
    fn the_stored_form_leaves_a_proposal_blank() {
        let v = InsertionView {
            kind: InsertionKind::Clause,
            hours: Some(1_000),
            weight: None,
            own: false,
        };
        assert_eq!(InsertionView::form(Some(&v)).hours, "");
        let own = InsertionView {
            own: true,
            ..v.clone()
        };
        assert_eq!(InsertionView::form(Some(&own)).hours, "1000");
        assert_eq!(
            v.text(|k| k.to_string()),
            "insertion.kind.clause · 1\u{202f}000\u{a0}h"
        );
    }
}
