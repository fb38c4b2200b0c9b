//! Shortage by trade: where the territory's demand meets too little local supply. For each
//! trade, demand (planned procurements of the next 12 months, past yearly volume), competition
//! (offers received, single-bid share) and local supply (firms on the platform with offers in
//! the trade, distinct local awardees, requirements no local firm covers) make one indicator
//! from 0 to 100, with the reasons that make it. Method and weights: docs/analytics.md.

use serde::{Deserialize, Serialize};

/// What is known of one trade.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TradeInputs {
    /// Index in `trades::all()`.
    pub trade: usize,
    /// Planned procurements (not drafts, not cancelled) expected within 12 months.
    pub planned: u64,
    /// Their estimated amount, euros (the maximum, else the minimum, of those that give one).
    pub planned_euros: i64,
    /// Past contracts a year, averaged over the window's years.
    pub yearly_contracts: f64,
    pub yearly_cents: i64,
    /// Past contracts of the window that state their offers, and how many of them got one.
    pub with_offers: u64,
    pub single_bid: u64,
    pub median_offers: Option<f64>,
    /// Businesses on the platform (public) with a published offer in the trade.
    pub platform_firms: u64,
    /// Distinct awardees located in the Métropole or department 69 in the window, not counted
    /// among the platform's firms.
    pub local_awardees: u64,
    /// Requirements of upcoming planned procurements that no local firm covers (the matchmaking
    /// engine's shortage signal).
    pub uncovered: u64,
    /// Products asked by quick consultations of the last 12 months (and those still open).
    #[serde(default)]
    pub quick_asked: u64,
    /// Of those, the ones whose consultation ended with nobody offering them.
    #[serde(default)]
    pub quick_unanswered: u64,
}

/// One reason, as an i18n key and its values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub key: String,
    pub values: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tension {
    pub inputs: TradeInputs,
    /// 0–100; `None` when the trade has too little demand to judge.
    pub score: Option<u32>,
    /// The four parts of the score (0–1): demand per local supplier, single bids, low median,
    /// uncovered requirements.
    pub parts: [f64; 4],
    pub reasons: Vec<Reason>,
}

/// Past years the yearly volume and competition are read over.
pub const WINDOW_YEARS: u16 = 3;

/// The window's years: the last three years that have contracts, up to `today`'s year.
pub fn window(years: &[u16], today: chrono::NaiveDate) -> Vec<u16> {
    let this_year = chrono::Datelike::year(&today) as u16;
    let mut w: Vec<u16> = years.iter().copied().filter(|y| *y <= this_year).collect();
    let last = w.last().copied().unwrap_or(this_year);
    w.retain(|y| *y + WINDOW_YEARS > last);
    w
}

/// Weights of the parts, summing to 1.
pub const WEIGHTS: [f64; 4] = [0.35, 0.25, 0.15, 0.25];
/// A trade is judged from this demand on (past contracts a year plus planned ones).
pub const MIN_DEMAND: f64 = 3.0;
/// Contracts a year per local supplier at which the demand part is full.
pub const FULL_PRESSURE: f64 = 5.0;

fn reason(key: &str, values: &[(&str, String)]) -> Reason {
    Reason {
        key: format!("analytics.shortage.why_{key}"),
        values: values
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}

/// The tension of one trade.
pub fn tension(i: &TradeInputs) -> Tension {
    // A product asked by a quick consultation is demand like a contract; one nobody offered is
    // a requirement no local supplier covers.
    let demand = i.yearly_contracts + i.planned as f64 + i.quick_asked as f64;
    let suppliers = i.platform_firms + i.local_awardees;
    let pressure = (demand / suppliers.max(1) as f64 / FULL_PRESSURE).min(1.0);
    let single = if i.with_offers > 0 {
        i.single_bid as f64 / i.with_offers as f64
    } else {
        0.0
    };
    // Median 1 offer: full; 4 or more: none.
    let low_median = i
        .median_offers
        .map(|m| ((4.0 - m) / 3.0).clamp(0.0, 1.0))
        .unwrap_or(0.0);
    let uncovered = ((i.uncovered + i.quick_unanswered) as f64 / 2.0).min(1.0);
    let parts = [pressure, single, low_median, uncovered];
    let judged = demand >= MIN_DEMAND || i.uncovered + i.quick_unanswered > 0;
    let score = judged.then(|| {
        let s: f64 = parts.iter().zip(WEIGHTS).map(|(p, w)| p * w).sum();
        (s * 100.0).round() as u32
    });
    let mut reasons = Vec::new();
    if i.planned > 0 {
        reasons.push(reason(
            "planned",
            &[
                ("n", i.planned.to_string()),
                ("euros", i.planned_euros.to_string()),
            ],
        ));
    }
    if i.yearly_contracts > 0.0 {
        reasons.push(reason(
            "yearly",
            &[
                ("n", format!("{:.1}", i.yearly_contracts)),
                ("euros", (i.yearly_cents / 100).to_string()),
            ],
        ));
    }
    if i.with_offers > 0 {
        reasons.push(reason(
            "single",
            &[
                ("pct", format!("{:.0}", single * 100.0)),
                ("n", i.with_offers.to_string()),
            ],
        ));
    }
    if let Some(m) = i.median_offers {
        reasons.push(reason("median", &[("n", format!("{m:.1}"))]));
    }
    reasons.push(reason(
        "suppliers",
        &[
            ("platform", i.platform_firms.to_string()),
            ("awardees", i.local_awardees.to_string()),
        ],
    ));
    if i.uncovered > 0 {
        reasons.push(reason("uncovered", &[("n", i.uncovered.to_string())]));
    }
    if i.quick_asked > 0 {
        reasons.push(reason(
            "quick",
            &[
                ("n", i.quick_asked.to_string()),
                ("unanswered", i.quick_unanswered.to_string()),
            ],
        ));
    }
    if !judged {
        reasons.push(reason("too_little", &[]));
    }
    Tension {
        inputs: i.clone(),
        score,
        parts,
        reasons,
    }
}

/// Every trade's tension, highest first; trades without a score last (by demand), then by code
/// order: a stable ranking.
pub fn rank(inputs: &[TradeInputs]) -> Vec<Tension> {
    let mut out: Vec<Tension> = inputs.iter().map(tension).collect();
    out.sort_by(|a, b| {
        b.score
            .map(i64::from)
            .unwrap_or(-1)
            .cmp(&a.score.map(i64::from).unwrap_or(-1))
            .then(
                (b.inputs.yearly_contracts + b.inputs.planned as f64)
                    .total_cmp(&(a.inputs.yearly_contracts + a.inputs.planned as f64)),
            )
            .then(a.inputs.trade.cmp(&b.inputs.trade))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(trade: usize) -> TradeInputs {
        TradeInputs {
            trade,
            yearly_contracts: 10.0,
            with_offers: 10,
            single_bid: 2,
            median_offers: Some(3.0),
            platform_firms: 4,
            local_awardees: 6,
            ..Default::default()
        }
    }

    #[test]
    fn the_score_adds_its_weighted_parts() {
        let t = tension(&inputs(0));
        // 10 a year for 10 suppliers: 1 per supplier, 0.2 of full; 20 % single bids; median 3.
        assert!((t.parts[0] - 0.2).abs() < 1e-9);
        assert!((t.parts[1] - 0.2).abs() < 1e-9);
        assert!((t.parts[2] - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(t.parts[3], 0.0);
        // 100 × (0.35×0.2 + 0.25×0.2 + 0.15×⅓) = 17.
        assert_eq!(t.score, Some(17));
        assert_eq!(WEIGHTS.iter().sum::<f64>(), 1.0);
    }

    #[test]
    fn fewer_suppliers_more_single_bids_or_an_uncovered_lot_raise_the_tension() {
        let base = tension(&inputs(0)).score.unwrap();
        let mut fewer = inputs(0);
        fewer.local_awardees = 0;
        assert!(tension(&fewer).score.unwrap() > base);
        let mut single = inputs(0);
        single.single_bid = 8;
        assert!(tension(&single).score.unwrap() > base);
        let mut uncovered = inputs(0);
        uncovered.uncovered = 1;
        let t = tension(&uncovered);
        assert!(t.score.unwrap() > base);
        assert!(t
            .reasons
            .iter()
            .any(|r| r.key == "analytics.shortage.why_uncovered"));
    }

    #[test]
    fn food_products_nobody_offered_in_quick_consultations_raise_the_tension() {
        let base = tension(&inputs(0)).score.unwrap();
        let mut asked = inputs(0);
        asked.quick_asked = 4;
        let answered = tension(&asked);
        assert!(
            answered.score.unwrap() > base,
            "more demand for the same suppliers"
        );
        asked.quick_unanswered = 2;
        let unanswered = tension(&asked);
        assert!(unanswered.score.unwrap() > answered.score.unwrap());
        assert_eq!(unanswered.parts[3], 1.0);
        let why = unanswered
            .reasons
            .iter()
            .find(|r| r.key == "analytics.shortage.why_quick")
            .unwrap();
        assert!(why.values.contains(&("unanswered".into(), "2".into())));
        // A trade with no contract but one product nobody offered is judged.
        let quiet = TradeInputs {
            quick_asked: 1,
            quick_unanswered: 1,
            ..Default::default()
        };
        assert!(tension(&quiet).score.is_some());
    }

    #[test]
    fn too_little_demand_is_not_judged_and_ranks_last() {
        let mut quiet = inputs(1);
        quiet.yearly_contracts = 1.0;
        quiet.with_offers = 1;
        quiet.single_bid = 1;
        let t = tension(&quiet);
        assert_eq!(t.score, None);
        assert!(t.reasons.iter().any(|r| r.key.ends_with("too_little")));
        let mut hot = inputs(2);
        hot.platform_firms = 0;
        hot.local_awardees = 1;
        let ranked = rank(&[quiet, inputs(0), hot]);
        let order: Vec<usize> = ranked.iter().map(|t| t.inputs.trade).collect();
        assert_eq!(order, vec![2, 0, 1]);
    }

    #[test]
    fn the_window_is_the_last_three_years_with_data_up_to_this_year() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            window(&[2019, 2022, 2023, 2024, 2025, 2027], today),
            vec![2023, 2024, 2025]
        );
        assert_eq!(window(&[2019], today), vec![2019]);
        assert!(window(&[], today).is_empty());
    }

    #[test]
    fn no_supplier_at_all_is_full_pressure_not_a_division_by_zero() {
        let mut none = inputs(0);
        none.platform_firms = 0;
        none.local_awardees = 0;
        assert_eq!(tension(&none).parts[0], 1.0);
    }
}
