//! What the pages of quick consultations show (issue 23), as the server sends it: the public
//! list, and one consultation as its reader may see it — the buyer's members every answer and
//! who was told, a supplier's members their own answers, everyone the award once decided.

use super::food::{Egalim, Unit};
use super::quotes::{Quality, Stage};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Consultations on a page of the public list.
pub const PAGE_SIZE: u64 = 20;

/// The query that keeps the consultations still taking answers (the list, its OCDS package and
/// the API read the same one).
pub const OPEN_ONLY: &str = "ouvertes=1";

/// Whether `query` (a URL's, without `?`) keeps only the open consultations.
pub fn open_only_in(query: &str) -> bool {
    query.split('&').any(|p| p == OPEN_ONLY)
}

/// A consultation in the public list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteSummary {
    pub id: i32,
    pub title: String,
    pub buyer_id: i32,
    pub buyer_name: String,
    pub commune: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub deadline: DateTime<Utc>,
    /// As seen now: an open consultation past its deadline is closed.
    pub stage: Stage,
    /// Its products, by their labels.
    pub products: Vec<String>,
    /// The amount awarded, once decided.
    pub awarded_cents: Option<i64>,
}

/// A page of the public list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteList {
    pub items: Vec<QuoteSummary>,
    pub total: u64,
    /// From 1.
    pub page: u64,
    /// Only the ones still taking answers.
    pub open_only: bool,
    /// The caller's verified buyers, in whose name it may ask (empty: no button).
    pub buyers: Vec<(i32, String)>,
}

/// A product asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineView {
    pub id: i32,
    pub cpv: String,
    pub label: String,
    pub quantity_milli: i64,
    pub unit: Unit,
}

/// A supplier's answer on one product, for the buyer or its author.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerView {
    pub id: i32,
    pub line_id: i32,
    pub org_id: i32,
    pub org_name: String,
    /// None: the supplier declined.
    pub unit_price_cents: Option<i64>,
    pub quantity_milli: i64,
    pub signs: Vec<String>,
    /// What its signs count for under EGalim on the day of the delivery.
    pub egalim: Egalim,
    pub comment: Option<String>,
    /// Kilometres from the supplier to the delivery commune, when both are placed.
    pub distance_km: Option<u32>,
    /// The quantity awarded to it, once decided.
    pub awarded_milli: Option<i64>,
    /// Given in the name of a producers' grouping: its producers who accepted, the lead first,
    /// with their shares (empty when the supplier answered alone).
    #[serde(default)]
    pub grouping: Vec<GroupMember>,
}

/// A part awarded, public once decided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AwardView {
    pub line_id: i32,
    pub org_id: i32,
    pub org_name: String,
    pub quantity_milli: i64,
    pub amount_cents: i64,
    pub egalim: Egalim,
    /// Awarded to a producers' grouping: its producers (empty for one supplier).
    #[serde(default)]
    pub grouping: Vec<GroupMember>,
}

/// A producer of a grouping: its name, its share in words, whether it accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    pub org_id: i32,
    pub name: String,
    pub share: String,
    pub lead: bool,
    pub accepted: bool,
}

/// A producers' grouping the reader's business is in (or invited to) for this consultation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupingView {
    pub id: i32,
    pub name: String,
    pub lead_id: i32,
    /// The reader is a member of its lead (answers in its name).
    pub led: bool,
    pub members: Vec<GroupMember>,
}

/// A grouping answers once two producers at least (the lead included) accepted.
pub const GROUPING_MIN: usize = 2;

impl GroupingView {
    pub fn ready(&self) -> bool {
        self.members.iter().filter(|m| m.accepted).count() >= GROUPING_MIN
    }
}

/// A supplier the consultation was sent to (the buyer's members see them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invited {
    pub org_id: i32,
    pub name: String,
    /// By email too (its alerts on), or in the application only.
    pub emailed: bool,
}

/// One consultation as its reader may see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteView {
    pub id: i32,
    pub title: String,
    pub details: Option<String>,
    pub buyer_id: i32,
    pub buyer_name: String,
    pub commune: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub deadline: DateTime<Utc>,
    pub quality: Quality,
    pub stage: Stage,
    pub lines: Vec<LineView>,
    /// The reader is a member of the buyer: it sees who was told and every answer, closes and
    /// awards.
    pub mine: bool,
    pub invited: Vec<Invited>,
    /// Every answer for the buyer; the reader's own businesses' answers for a supplier.
    pub answers: Vec<AnswerView>,
    /// The reader's businesses that may answer now (empty once answers are no longer taken).
    pub answer_as: Vec<(i32, String)>,
    /// The parts awarded, once decided.
    pub awards: Vec<AwardView>,
    /// The reader is signed in (else the page offers to sign in to answer).
    pub signed_in: bool,
    /// The reader's producers' groupings for this consultation.
    #[serde(default)]
    pub groupings: Vec<GroupingView>,
    /// Other public suppliers told of it, whom the reader may ask to answer together (only
    /// while it may answer).
    #[serde(default)]
    pub partners: Vec<(i32, String)>,
}

impl QuoteView {
    /// The product of line `id`.
    pub fn line(&self, id: i32) -> Option<&LineView> {
        self.lines.iter().find(|l| l.id == id)
    }

    /// The answers on line `id`, offers first by price, then the ones declined.
    pub fn answers_on(&self, id: i32) -> Vec<&AnswerView> {
        let mut out: Vec<&AnswerView> = self.answers.iter().filter(|a| a.line_id == id).collect();
        out.sort_by_key(|a| (a.unit_price_cents.is_none(), a.unit_price_cents, a.org_id));
        out
    }

    /// The lowest price offered on line `id`, to mark in the comparison.
    pub fn best_price(&self, id: i32) -> Option<i64> {
        self.answers
            .iter()
            .filter(|a| a.line_id == id)
            .filter_map(|a| a.unit_price_cents)
            .min()
    }

    /// The total awarded, in cents.
    pub fn awarded_cents(&self) -> i64 {
        self.awards.iter().map(|a| a.amount_cents).sum()
    }
}

/// "200 kg", "12,5 pièces" style: a quantity in thousandths with its unit's short word.
pub fn quantity_text(milli: i64, unit_word: &str) -> String {
    format!(
        "{} {unit_word}",
        super::offer::french_decimal(milli as f64 / 1000.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(id: i32, line: i32, price: Option<i64>) -> AnswerView {
        AnswerView {
            id,
            line_id: line,
            org_id: id,
            org_name: format!("Ferme {id}"),
            unit_price_cents: price,
            quantity_milli: 1000,
            signs: vec![],
            egalim: Egalim::None,
            comment: None,
            distance_km: None,
            awarded_milli: None,
            grouping: vec![],
        }
    }

    #[test]
    fn a_grouping_answers_once_two_producers_accepted() {
        let member = |org_id: i32, lead: bool, accepted: bool| GroupMember {
            org_id,
            name: format!("Ferme {org_id}"),
            share: String::new(),
            lead,
            accepted,
        };
        let mut g = GroupingView {
            id: 1,
            name: "Producteurs associés".into(),
            lead_id: 1,
            led: true,
            members: vec![member(1, true, true), member(2, false, false)],
        };
        assert!(!g.ready(), "the invited producer has not accepted yet");
        g.members[1].accepted = true;
        assert!(g.ready());
    }

    #[test]
    fn answers_compare_cheapest_first_and_declines_last() {
        let v = QuoteView {
            id: 1,
            title: "Carottes".into(),
            details: None,
            buyer_id: 1,
            buyer_name: "Collège".into(),
            commune: "Vaulx-en-Velin".into(),
            from: NaiveDate::from_ymd_opt(2027, 3, 22).unwrap(),
            to: NaiveDate::from_ymd_opt(2027, 3, 26).unwrap(),
            deadline: Utc::now(),
            quality: Quality::Any,
            stage: Stage::Closed,
            lines: vec![],
            mine: true,
            invited: vec![],
            answers: vec![
                answer(1, 10, Some(130)),
                answer(2, 10, None),
                answer(3, 10, Some(120)),
                answer(4, 11, Some(90)),
            ],
            answer_as: vec![],
            awards: vec![],
            signed_in: true,
            groupings: vec![],
            partners: vec![],
        };
        let order: Vec<i32> = v.answers_on(10).iter().map(|a| a.id).collect();
        assert_eq!(order, [3, 1, 2]);
        assert_eq!(v.best_price(10), Some(120));
        assert_eq!(v.best_price(12), None);
        assert_eq!(quantity_text(12_500, "kg"), "12,5 kg");
        assert!(open_only_in("page=2&ouvertes=1") && !open_only_in("ouvertes=10"));
    }
}
