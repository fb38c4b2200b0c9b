//! What the territory's canteens ask for and what they get: the food products of quick
//! consultations, how often each was asked and how often nobody answered, and the territory's
//! EGalim totals (every buyer's purchases of a year together). Read by the chamber's food view
//! and fed into the shortage indicator of the food trades.

use super::egalim::{Family, FamilyLine};
use super::quotes::Purchases;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One product line of a consultation, as the demand reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AskedLine {
    pub cpv: String,
    pub request_id: i32,
    pub buyer_id: i32,
    /// The consultation no longer takes answers (deadline passed, closed or decided).
    pub finished: bool,
    /// Answers with a price (declines left out).
    pub priced: u32,
}

impl AskedLine {
    /// Asked, over, and nobody offered it.
    pub fn unanswered(&self) -> bool {
        self.finished && self.priced == 0
    }
}

/// One product's demand over a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDemand {
    pub cpv: String,
    /// Its label (filled by the server, from the CPV list).
    pub label: String,
    /// Consultations that asked for it.
    pub consultations: u32,
    /// Distinct buyers that asked for it.
    pub buyers: u32,
    /// Priced answers it got.
    pub priced: u32,
    /// Finished consultations where nobody offered it.
    pub unanswered: u32,
}

impl ProductDemand {
    /// The share of its consultations left without an offer, in percent (rounded).
    pub fn unanswered_percent(&self) -> u32 {
        (self.unanswered * 100 + self.consultations / 2)
            .checked_div(self.consultations)
            .unwrap_or(0)
    }
}

/// Each product's demand, the most asked first (then the least answered, then by code).
pub fn demand(lines: &[AskedLine]) -> Vec<ProductDemand> {
    /// A product's consultations, buyers, priced answers, consultations left unanswered.
    #[derive(Default)]
    struct Seen {
        requests: HashSet<i32>,
        buyers: HashSet<i32>,
        priced: u32,
        unanswered: HashSet<i32>,
    }
    let mut by_cpv: HashMap<&str, Seen> = HashMap::new();
    for l in lines {
        let e = by_cpv.entry(l.cpv.as_str()).or_default();
        e.requests.insert(l.request_id);
        e.buyers.insert(l.buyer_id);
        e.priced += l.priced;
        if l.unanswered() {
            e.unanswered.insert(l.request_id);
        }
    }
    let mut out: Vec<ProductDemand> = by_cpv
        .into_iter()
        .map(|(cpv, s)| ProductDemand {
            cpv: cpv.to_string(),
            label: String::new(),
            consultations: s.requests.len() as u32,
            buyers: s.buyers.len() as u32,
            priced: s.priced,
            unanswered: s.unanswered.len() as u32,
        })
        .collect();
    out.sort_by(|a, b| {
        b.consultations
            .cmp(&a.consultations)
            .then(b.unanswered.cmp(&a.unanswered))
            .then(a.cpv.cmp(&b.cpv))
    });
    out
}

/// The products left without an offer at least once, the worst first: by the share of their
/// consultations nobody answered, then by how many.
pub fn least_answered(products: &[ProductDemand]) -> Vec<ProductDemand> {
    let mut out: Vec<ProductDemand> = products
        .iter()
        .filter(|p| p.unanswered > 0)
        .cloned()
        .collect();
    out.sort_by(|a, b| {
        b.unanswered_percent()
            .cmp(&a.unanswered_percent())
            .then(b.unanswered.cmp(&a.unanswered))
            .then(a.cpv.cmp(&b.cpv))
    });
    out
}

/// One buyer's year in the territory's totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerYear {
    pub buyer_id: i32,
    pub name: String,
    pub purchases: Purchases,
}

/// The territory's food purchases of a year: every buyer's quick-consultation awards and
/// declared amounts together, by family and by buyer; and the products asked that year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Territory {
    pub year: i32,
    /// Years with purchases, declarations or consultations, newest first.
    pub years: Vec<i32>,
    pub families: BTreeMap<Family, FamilyLine>,
    /// Buyers with purchases that year, by name.
    pub buyers: Vec<BuyerYear>,
    /// The products asked that year (the most asked first).
    pub products: Vec<ProductDemand>,
}

impl Territory {
    /// Every family together.
    pub fn total(&self) -> Purchases {
        super::egalim::total_of(&self.families)
    }

    /// How many buyers meet both targets.
    pub fn buyers_meeting(&self) -> usize {
        self.buyers
            .iter()
            .filter(|b| b.purchases.meets_targets())
            .count()
    }

    /// The products left without an offer, the worst first.
    pub fn least_answered(&self) -> Vec<ProductDemand> {
        least_answered(&self.products)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::food::Egalim;

    fn line(cpv: &str, request_id: i32, buyer_id: i32, finished: bool, priced: u32) -> AskedLine {
        AskedLine {
            cpv: cpv.into(),
            request_id,
            buyer_id,
            finished,
            priced,
        }
    }

    #[test]
    fn a_product_counts_consultations_buyers_answers_and_the_unanswered() {
        let lines = [
            line("03221112", 1, 10, true, 2),
            line("03221112", 2, 11, true, 0),
            line("03221112", 3, 11, false, 0),
            line("15551310", 2, 11, true, 0),
        ];
        let d = demand(&lines);
        assert_eq!(d[0].cpv, "03221112");
        assert_eq!(
            (
                d[0].consultations,
                d[0].buyers,
                d[0].priced,
                d[0].unanswered
            ),
            (3, 2, 2, 1),
            "an open consultation is not yet unanswered"
        );
        assert_eq!(d[0].unanswered_percent(), 33);
        assert_eq!(d[1].cpv, "15551310");
        assert_eq!(d[1].unanswered_percent(), 100);
        let least = least_answered(&d);
        assert_eq!(
            least.iter().map(|p| p.cpv.as_str()).collect::<Vec<_>>(),
            vec!["15551310", "03221112"],
            "the worst share first"
        );
    }

    #[test]
    fn a_product_always_answered_is_not_among_the_least_answered() {
        let d = demand(&[line("03221112", 1, 10, true, 1)]);
        assert!(least_answered(&d).is_empty());
        assert_eq!(demand(&[]), vec![]);
    }

    #[test]
    fn the_territory_adds_every_family_and_counts_the_buyers_meeting_both_targets() {
        let mut fruit = FamilyLine::default();
        fruit.awarded.add(60_000, Egalim::Organic);
        fruit.declared.add(40_000, Egalim::None);
        let mut met = Purchases::default();
        met.add(60, Egalim::Organic);
        met.add(40, Egalim::None);
        let mut missed = Purchases::default();
        missed.add(100, Egalim::Quality);
        let t = Territory {
            year: 2026,
            years: vec![2026],
            families: BTreeMap::from([(Family::Fruileg, fruit)]),
            buyers: vec![
                BuyerYear {
                    buyer_id: 1,
                    name: "A".into(),
                    purchases: met,
                },
                BuyerYear {
                    buyer_id: 2,
                    name: "B".into(),
                    purchases: missed,
                },
            ],
            products: vec![],
        };
        assert_eq!(t.total().total_cents, 100_000);
        assert_eq!(t.total().organic_permille(), Some(600));
        assert_eq!(t.buyers_meeting(), 1, "B has no organic");
    }
}
