//! Buyers buying together: a groupement de commandes (Code de la commande publique, L2113-6 to
//! L2113-8). The buyer of a planned procurement opens it to other public buyers and becomes its
//! coordinator: it writes what the convention will say and the last day to join. Other verified
//! buyers ask to join, each with its part of each lot (an amount, its quantities), the communes
//! it is delivered or carried out in, and a contact; the coordinator accepts or refuses with a
//! reason; a member withdraws. Until the last day (Paris) members may ask, change and withdraw;
//! after it nothing of theirs changes. The coordinator decides on what was asked until the
//! tender is published — a request of the last day is not lost.
//!
//! The totals firms read (buyers, estimate per lot and in all, communes served) count the
//! coordinator's own estimate and the accepted members' parts, nothing else.

use super::programming::euros;
use super::validate::Checker;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MAX_CONVENTION: usize = 8000;
pub const MAX_QUANTITY: usize = 200;
pub const MAX_NOTE: usize = 2000;
pub const MAX_REASON: usize = 2000;
pub const MAX_CONTACT: usize = 300;
/// Communes one member names at most.
pub const MAX_COMMUNES: usize = 60;

/// Where a buyer's request to join stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoBuyerStatus {
    Asked,
    Accepted,
    Refused,
    Withdrawn,
}

impl CoBuyerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CoBuyerStatus::Asked => "asked",
            CoBuyerStatus::Accepted => "accepted",
            CoBuyerStatus::Refused => "refused",
            CoBuyerStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<CoBuyerStatus> {
        [
            CoBuyerStatus::Asked,
            CoBuyerStatus::Accepted,
            CoBuyerStatus::Refused,
            CoBuyerStatus::Withdrawn,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    pub fn label_key(self) -> String {
        format!("joint.status.{}", self.as_str())
    }
}

/// Members may ask, change and withdraw until the last day to join, included.
pub fn may_change(today: NaiveDate, deadline: NaiveDate) -> bool {
    today <= deadline
}

/// Whether other buyers may join a procurement today: opened to them, its last day not past,
/// before the tender (planned or in sourcing). The list's query says the same in SQL
/// (`server::programming::condition`).
pub fn joinable(
    opened: bool,
    deadline: Option<NaiveDate>,
    status: Option<super::programming::PlanStatus>,
    today: NaiveDate,
) -> bool {
    use super::programming::PlanStatus;
    opened
        && deadline.is_some_and(|d| may_change(today, d))
        && matches!(status, Some(PlanStatus::Planned | PlanStatus::Sourcing))
}

/// What the coordinator types to open the procurement to other buyers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenForm {
    pub convention: String,
    /// "2027-03-15" (a date input) or "15/03/2027".
    pub deadline: String,
}

impl OpenForm {
    /// The convention and the last day to join: from today to the end of the period the tender
    /// is expected in (the needs are counted before the coordinator publishes).
    pub fn check(
        &self,
        today: NaiveDate,
        publication_end: NaiveDate,
    ) -> Result<(String, NaiveDate), crate::error::AppError> {
        let mut c = Checker::new();
        let convention = c.required("convention", &self.convention, MAX_CONVENTION);
        let deadline = match super::sourcing::parse_day(&self.deadline) {
            None if self.deadline.trim().is_empty() => {
                c.push("deadline", "validation.required");
                None
            }
            None => {
                c.push("deadline", "validation.date");
                None
            }
            Some(d) if d < today => {
                c.push("deadline", "joint.deadline_past");
                None
            }
            Some(d) if d > publication_end => {
                c.push("deadline", "joint.deadline_after_publication");
                None
            }
            Some(d) => Some(d),
        };
        c.finish()?;
        deadline
            .map(|d| (convention, d))
            .ok_or(crate::error::AppError::Internal)
    }
}

/// A buyer's request to join: `amount[<lot id>]` and `quantity[<lot id>]` for each lot it
/// takes part in (`amount[all]` when the procurement has no lots).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    pub amount: BTreeMap<String, String>,
    #[serde(default)]
    pub quantity: BTreeMap<String, String>,
    /// Communes by name, comma-separated (a commune field with suggestions).
    #[serde(default)]
    pub communes: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub note: String,
}

/// A part asked: the lot (None: the whole procurement), euros excluding VAT, quantities.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartInput {
    pub lot_id: Option<i32>,
    pub amount: i64,
    pub quantity: String,
}

/// A request to join, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinInput {
    pub parts: Vec<PartInput>,
    /// As typed, one a commune: resolved by the server.
    pub communes: Vec<String>,
    pub contact: String,
    pub note: Option<String>,
}

impl JoinForm {
    /// `lots`: the procurement's lots' ids (empty: it has none, the part is `amount[all]`).
    pub fn check(&self, lots: &[i32]) -> Result<JoinInput, crate::error::AppError> {
        let mut c = Checker::new();
        let keys: Vec<(String, Option<i32>)> = if lots.is_empty() {
            vec![("all".to_string(), None)]
        } else {
            lots.iter().map(|l| (l.to_string(), Some(*l))).collect()
        };
        // A key that is no lot of this procurement is a forged form.
        if self
            .amount
            .keys()
            .chain(self.quantity.keys())
            .any(|k| !keys.iter().any(|(x, _)| x == k))
        {
            c.push("amount", "validation.unknown_choice");
        }
        let mut parts = Vec::new();
        for (key, lot_id) in &keys {
            let amount = self.amount.get(key).map(|s| s.trim()).unwrap_or("");
            let quantity = self.quantity.get(key).map(|s| s.trim()).unwrap_or("");
            if amount.is_empty() {
                if !quantity.is_empty() {
                    c.push(&format!("amount_{key}"), "joint.amount_needed");
                }
                continue;
            }
            // As people type it ("12 000", "12 000 €", "12 000,50"), kept in whole euros.
            let typed = amount.trim_end_matches('€');
            let max = super::programming::MAX_ESTIMATE * 100;
            if let Some(cents) = c.decimal(&format!("amount_{key}"), typed, 2, 100, max) {
                if quantity.chars().count() > MAX_QUANTITY {
                    c.push(&format!("quantity_{key}"), "validation.too_long");
                }
                parts.push(PartInput {
                    lot_id: *lot_id,
                    amount: (cents + 50) / 100,
                    quantity: quantity.to_string(),
                });
            }
        }
        if parts.is_empty() && c.errors.is_empty() {
            c.push("amount", "joint.no_part");
        }
        let communes = super::offer::split_list(&self.communes);
        if communes.is_empty() {
            c.push("communes", "validation.required");
        } else if communes.len() > MAX_COMMUNES || self.communes.len() > 4000 {
            c.push("communes", "validation.too_long_list");
        }
        let contact = c.required("contact", &self.contact, MAX_CONTACT);
        let note = c.optional("note", &self.note, MAX_NOTE);
        c.finish()?;
        Ok(JoinInput {
            parts,
            communes,
            contact,
            note,
        })
    }
}

/// One buyer's part of one lot (None: of the whole procurement), as counted in the totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    pub buyer_id: i32,
    pub lot_id: Option<i32>,
    pub amount: i64,
}

/// A lot's totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotTotal {
    /// None: the whole procurement.
    pub lot_id: Option<i32>,
    pub buyers: usize,
    /// Euros excluding VAT; None when nobody gave an amount.
    pub amount: Option<i64>,
}

/// What the groupement weighs: the buyers taking part, each lot's and the whole estimate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub buyers: usize,
    pub amount: Option<i64>,
    pub lots: Vec<LotTotal>,
}

impl Totals {
    /// "3 acheteurs, estimation totale 54 000 €" is written from this (see `text`).
    /// `coordinator` is the coordinator's id; `lots` the procurement's lots in order (empty:
    /// none); `shares` the coordinator's estimates and the accepted members' parts.
    pub fn of(coordinator: i32, lots: &[i32], shares: &[Share]) -> Totals {
        let mut buyers: Vec<i32> = vec![coordinator];
        for s in shares {
            if !buyers.contains(&s.buyer_id) {
                buyers.push(s.buyer_id);
            }
        }
        let keys: Vec<Option<i32>> = if lots.is_empty() {
            vec![None]
        } else {
            lots.iter().map(|l| Some(*l)).collect()
        };
        let lots: Vec<LotTotal> = keys
            .into_iter()
            .map(|k| {
                let of: Vec<&Share> = shares.iter().filter(|s| s.lot_id == k).collect();
                let mut who: Vec<i32> = of.iter().map(|s| s.buyer_id).collect();
                who.sort_unstable();
                who.dedup();
                LotTotal {
                    lot_id: k,
                    buyers: who.len(),
                    amount: (!of.is_empty()).then(|| of.iter().map(|s| s.amount).sum()),
                }
            })
            .collect();
        let given: Vec<i64> = lots.iter().filter_map(|l| l.amount).collect();
        Totals {
            buyers: buyers.len(),
            amount: (!given.is_empty()).then(|| given.iter().sum()),
            lots,
        }
    }

    /// "2 acheteurs, estimation totale 54 000 € HT" (the estimate only when known).
    pub fn text(&self) -> String {
        let who = if self.buyers > 1 {
            format!("{} acheteurs", self.buyers)
        } else {
            "1 acheteur".to_string()
        };
        match self.amount {
            Some(a) => format!("{who}, estimation totale {} HT", euros(a)),
            None => who,
        }
    }
}

/// The coordinator's own part of a lot: its upper estimate when given, else the lower one.
pub fn own_estimate(min: Option<i64>, max: Option<i64>) -> Option<i64> {
    max.or(min)
}

/// A member of a groupement as everyone reads it: its name, its lots and communes — never its
/// note to the coordinator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub buyer_id: i32,
    pub buyer_name: String,
    /// (lot number or None, amount, quantity).
    pub parts: Vec<(Option<i32>, i64, String)>,
    /// Commune names.
    pub communes: Vec<String>,
    /// Its own contract with the awardee, once linked: (contract id, text).
    pub contract: Option<(i32, String)>,
}

/// An accepted member's own contract, which its verified staff link once the procurement is
/// awarded (each member signs its part).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberContract {
    /// The member's request.
    pub request_id: i32,
    pub buyer_name: String,
    pub link: super::programming::AwardLink,
}

/// A request to join as the coordinator and the asking buyer read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub id: i32,
    pub member: MemberView,
    pub status: CoBuyerStatus,
    pub contact: String,
    pub note: Option<String>,
    pub reason: Option<String>,
    /// dd/mm/yyyy.
    pub asked_on: String,
}

/// The groupement de commandes of a planned procurement, for its page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JointView {
    pub plan_id: i32,
    /// Opened to other buyers.
    pub open: bool,
    pub coordinator_id: i32,
    pub coordinator_name: String,
    pub convention: String,
    /// dd/mm/yyyy.
    pub deadline: Option<String>,
    /// Members may still ask, change and withdraw.
    pub joinable: bool,
    pub totals: Totals,
    /// (lot id, number, title), in order.
    pub lots: Vec<(i32, i32, String)>,
    /// Accepted members, by name.
    pub members: Vec<MemberView>,
    /// The communes served (names), the coordinator's members' together.
    pub communes: Vec<String>,
    /// The caller is a verified member of the coordinator.
    pub coordinates: bool,
    /// Every request, for the coordinator.
    pub requests: Vec<RequestView>,
    /// The caller's verified buyers that may ask: (id, name).
    pub may_ask: Vec<(i32, String)>,
    /// The caller's buyers' own requests.
    pub mine: Vec<RequestView>,
    /// The caller speaks for an accepted member: it reads the sourcing's answers.
    pub member: bool,
    /// The procurement can still be opened (planned or in sourcing).
    pub may_open: bool,
    /// For the coordinator: buyers that bought the same things in the past contracts.
    pub hints: Vec<CoBuyerHint>,
    /// For a member: the firms interested in the procurement, as the coordinator reads them.
    pub interests: Vec<super::programming::InterestView>,
    /// Once awarded: the caller's accepted members, each with the contract it may link.
    pub contracts: Vec<MemberContract>,
}

/// A lot's "Lot 2" label, or the whole procurement's.
pub fn lot_text(lots: &[(i32, i32, String)], lot_id: Option<i32>) -> String {
    match lot_id.and_then(|id| lots.iter().find(|l| l.0 == id)) {
        Some((_, n, title)) => format!("Lot {n} — {title}"),
        None => "Ensemble de l'achat".to_string(),
    }
}

/// A buyer that bought the same things in the past contracts and may want to join.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoBuyerHint {
    pub siret: String,
    pub name: String,
    /// Its contracts in the procurement's CPV divisions.
    pub contracts: usize,
    /// Of which in the same CPV class (4 digits): the closest purchases.
    pub same_class: usize,
    /// Its latest, dd/mm/yyyy.
    pub last: Option<String>,
    /// The object of its latest such contract.
    pub example: String,
    /// Its organisation on Passerelle, if registered.
    pub org_id: Option<i32>,
    /// Where its request stands, if it asked.
    pub status: Option<CoBuyerStatus>,
}

/// How many buyers the suggestion names at most.
pub const HINTS: usize = 10;

/// Where the likely co-buyers are looked for: the CPV divisions (2 digits) of the procurement's
/// codes and its lots', and their classes (4 digits), which rank closer purchases first.
/// A buyer that bought it often is likely to need it again, and a groupement de commandes is
/// how it buys it with the coordinator (the ranking itself is the database's: most contracts in
/// the divisions, then most in the classes, then the latest — `server::programming::joint`).
pub fn cpv_scope(wanted: &[String]) -> (Vec<String>, Vec<String>) {
    let part = |n: usize| {
        let mut v: Vec<String> = wanted
            .iter()
            .filter(|c| c.len() >= n && c.bytes().all(|b| b.is_ascii_digit()))
            .map(|c| c[..n].to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    (part(2), part(4))
}

/// An open groupement de commandes in the list of those a buyer may join.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenJointRow {
    pub summary: super::programming::PlanSummary,
    /// The communes it serves (the coordinator's and the members'), by name.
    pub served: Vec<String>,
    /// It serves the caller's commune, or its department.
    pub near: bool,
}

/// A page of the open groupements de commandes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenJointPage {
    pub rows: Vec<OpenJointRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// The caller's buyer's commune, whose area comes first.
    pub near_of: Option<String>,
}

/// Groupements per page.
pub const OPEN_PER_PAGE: usize = 20;

/// How close a groupement is to a buyer: 0 it serves the buyer's commune, 1 its department, 2
/// neither. Served communes and the buyer's are INSEE codes; a department is their first two
/// characters (three overseas), as the INSEE code says it.
pub fn closeness(served: &[String], commune: Option<&str>) -> u8 {
    let Some(commune) = commune else {
        return 2;
    };
    let department = |c: &str| -> String {
        let n = if c.starts_with("97") { 3 } else { 2 };
        c.chars().take(n).collect()
    };
    if served.iter().any(|c| c == commune) {
        0
    } else if served.iter().any(|c| department(c) == department(commune)) {
        1
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_last_day_is_included_the_next_is_not() {
        use crate::domain::programming::PlanStatus;
        assert!(may_change(d("2027-03-15"), d("2027-03-15")));
        assert!(!may_change(d("2027-03-16"), d("2027-03-15")));
        let day = Some(d("2027-03-15"));
        let planned = Some(PlanStatus::Planned);
        assert!(joinable(true, day, planned, d("2027-03-15")));
        assert!(!joinable(false, day, planned, d("2027-03-15")));
        assert!(!joinable(true, day, planned, d("2027-03-16")));
        assert!(!joinable(
            true,
            day,
            Some(PlanStatus::Published),
            d("2027-03-01")
        ));
    }

    #[test]
    fn opening_needs_a_convention_and_a_day_between_today_and_the_publication() {
        let today = d("2027-01-10");
        let end = d("2027-06-30");
        let f = |c: &str, dl: &str| OpenForm {
            convention: c.into(),
            deadline: dl.into(),
        };
        assert_eq!(
            f("Chacun paie sa part.", "2027-02-01").check(today, end),
            Ok(("Chacun paie sa part.".into(), d("2027-02-01")))
        );
        assert_eq!(
            f("x", "01/02/2027").check(today, end).unwrap().1,
            d("2027-02-01")
        );
        let fields = |f: OpenForm| match f.check(today, end) {
            Err(crate::error::AppError::Invalid(e)) => {
                e.into_iter().map(|e| (e.field, e.key)).collect::<Vec<_>>()
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fields(f("", "")),
            [
                ("convention".into(), "validation.required".into()),
                ("deadline".into(), "validation.required".into())
            ]
        );
        assert_eq!(
            fields(f("x", "2027-01-09"))[0].1,
            "joint.deadline_past".to_string()
        );
        assert_eq!(
            fields(f("x", "2027-07-01"))[0].1,
            "joint.deadline_after_publication".to_string()
        );
        assert_eq!(
            fields(f("x", "bientôt"))[0].1,
            "validation.date".to_string()
        );
    }

    #[test]
    fn euros_are_read_as_people_type_them() {
        let amount = |typed: &str| {
            join(&[("all", typed)])
                .check(&[])
                .map(|i| i.parts[0].amount)
                .map_err(|e| match e {
                    crate::error::AppError::Invalid(errors) => errors[0].key.clone(),
                    other => format!("{other:?}"),
                })
        };
        assert_eq!(amount("12 000"), Ok(12_000));
        assert_eq!(amount("12\u{202f}000 €"), Ok(12_000));
        assert_eq!(amount("12000,00"), Ok(12_000));
        assert_eq!(amount("12 000,50"), Ok(12_001));
        assert_eq!(amount("douze"), Err("validation.number".into()));
        assert_eq!(amount("0"), Err("validation.range".into()));
        assert_eq!(amount("-5"), Err("validation.range".into()));
        assert_eq!(amount("12,505"), Err("validation.decimals".into()));
        assert_eq!(amount("999999999999"), Err("validation.range".into()));
    }

    fn join(amounts: &[(&str, &str)]) -> JoinForm {
        JoinForm {
            amount: amounts
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            quantity: BTreeMap::new(),
            communes: "Irigny, Vernaison".into(),
            contact: "achats@irigny.fr".into(),
            note: String::new(),
        }
    }

    #[test]
    fn a_request_names_its_lots_with_an_amount() {
        let ok = join(&[("7", "12 000"), ("8", "")]).check(&[7, 8]).unwrap();
        assert_eq!(
            ok.parts,
            [PartInput {
                lot_id: Some(7),
                amount: 12_000,
                quantity: String::new()
            }]
        );
        assert_eq!(ok.communes, ["Irigny", "Vernaison"]);
        // Without lots, the whole procurement.
        let whole = join(&[("all", "5000")]).check(&[]).unwrap();
        assert_eq!(whole.parts[0].lot_id, None);
        // No part, a bad amount, a lot of another procurement: refused.
        for (bad, lots) in [
            (join(&[("7", "")]), vec![7]),
            (join(&[("7", "-3")]), vec![7]),
            (join(&[("7", "beaucoup")]), vec![7]),
            (join(&[("99", "1000")]), vec![7]),
            (join(&[("all", "1000")]), vec![7]),
        ] {
            assert!(bad.check(&lots).is_err(), "{bad:?}");
        }
        let no_commune = JoinForm {
            communes: " , ".into(),
            ..join(&[("7", "100")])
        };
        assert!(no_commune.check(&[7]).is_err());
    }

    #[test]
    fn totals_count_the_coordinator_and_the_accepted_parts_per_lot() {
        let shares = [
            Share {
                buyer_id: 1,
                lot_id: Some(10),
                amount: 30_000,
            },
            Share {
                buyer_id: 1,
                lot_id: Some(11),
                amount: 12_000,
            },
            Share {
                buyer_id: 2,
                lot_id: Some(11),
                amount: 12_000,
            },
        ];
        let t = Totals::of(1, &[10, 11], &shares);
        assert_eq!(t.buyers, 2);
        assert_eq!(t.amount, Some(54_000));
        assert_eq!(t.lots[0].buyers, 1);
        assert_eq!(t.lots[1].buyers, 2);
        assert_eq!(t.lots[1].amount, Some(24_000));
        assert_eq!(
            t.text(),
            "2 acheteurs, estimation totale 54\u{202f}000\u{a0}€ HT"
        );
        // Nobody gave an amount: the buyers only.
        let bare = Totals::of(1, &[], &[]);
        assert_eq!(bare.buyers, 1);
        assert_eq!(bare.amount, None);
        assert_eq!(bare.text(), "1 acheteur");
    }

    #[test]
    fn co_buyers_are_looked_for_in_the_divisions_and_classes_of_every_code() {
        let wanted: Vec<String> = ["45261000", "45261310", "45421000", "90911200", "x1", ""]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (divisions, classes) = cpv_scope(&wanted);
        assert_eq!(divisions, ["45", "90"]);
        assert_eq!(classes, ["4526", "4542", "9091"]);
        assert_eq!(cpv_scope(&[]), (vec![], vec![]));
    }

    #[test]
    fn a_groupement_serving_the_commune_comes_before_its_department_and_the_rest() {
        let served = vec!["69123".to_string(), "69228".to_string()];
        assert_eq!(closeness(&served, Some("69228")), 0);
        assert_eq!(closeness(&served, Some("69208")), 1);
        assert_eq!(closeness(&served, Some("01053")), 2);
        assert_eq!(closeness(&served, None), 2);
        assert_eq!(closeness(&["97411".to_string()], Some("97101")), 2);
    }
}
