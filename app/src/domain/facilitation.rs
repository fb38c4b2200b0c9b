//! Facilitators of insertion: the accounts an administrator gives a territory (an area of
//! `geo::area_code`), the plans with an insertion lever they follow there, and the notes they
//! and the buyer write on a plan's lever.

use super::programming::PlanSummary;
use super::validate::Checker;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// The longest note, in characters.
pub const MAX_NOTE: usize = 2000;
/// Plans a page of a facilitator's list.
pub const PER_PAGE: u64 = 20;

/// An account that facilitates insertion in an area, as the administration lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facilitator {
    pub email: String,
    pub name: String,
    /// "Métropole de Lyon", "Ain (01)".
    pub area: String,
}

/// The administration's panel: the facilitators, and the areas one may be given (code, words).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facilitators {
    pub people: Vec<Facilitator>,
    pub areas: Vec<(String, String)>,
}

/// What a facilitator follows: the plans of their territory with an insertion lever.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowedPlans {
    pub area: String,
    /// Each plan with how many notes it has and how many entries of hours wait for validation.
    pub rows: Vec<(PlanSummary, u64, u64)>,
    pub total: u64,
    pub page: u64,
}

impl FollowedPlans {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(PER_PAGE).max(1)
    }
}

/// A note on a plan's insertion lever.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteView {
    /// The author's name; none once their account is gone.
    pub author: Option<String>,
    /// The author facilitates the territory (else: a buyer's member).
    pub by_facilitator: bool,
    /// "16/03/2027 14:30", Paris time.
    pub at: String,
    pub body: String,
}

/// A plan's insertion follow-up, for its buyer's members and its territory's facilitators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Follow {
    /// The plan's territory in words; none when the buyer's commune is not known.
    pub area: Option<String>,
    /// The names of the territory's facilitators (none yet: the buyer is told).
    pub facilitators: Vec<String>,
    pub notes: Vec<NoteView>,
}

/// An inclusive structure a firm may team up with for a plan's insertion lever.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusivePartner {
    pub id: i32,
    pub name: String,
    pub siret: String,
    /// One of `org::INCLUSIVE`.
    pub kind: String,
    pub commune: Option<String>,
}

/// The inclusive structures of a plan's territory that work in its trade (their published
/// offers share a CPV division with the plan or its lots).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusivePartners {
    /// The plan has an insertion lever or is reserved (else nothing is listed).
    pub lever: bool,
    pub rows: Vec<InclusivePartner>,
    pub total: u64,
    /// The directory with the same filters, to see them all.
    pub directory: String,
}

/// Structures shown on a plan's page; the directory has the rest.
pub const PARTNERS_SHOWN: u64 = 8;

/// A note as typed: trimmed, not blank, at most `MAX_NOTE` characters.
pub fn check_note(body: &str) -> Result<String, AppError> {
    let mut c = Checker::new();
    let body = c.required("body", body, MAX_NOTE);
    c.finish()?;
    Ok(body)
}

/// The area codes a facilitator may be given: the Métropole, the rest of the Rhône, then the
/// departments (code, name), the two halves of the Rhône first.
pub fn area_choices(departments: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = vec![
        ("69M".to_string(), "Métropole de Lyon".to_string()),
        ("69D".to_string(), "Rhône (hors Métropole)".to_string()),
    ];
    let mut rest: Vec<(String, String)> = departments
        .iter()
        .filter(|(c, _)| c != "69")
        .map(|(c, n)| (c.clone(), format!("{n} ({c})")))
        .collect();
    rest.sort_by(|a, b| a.1.cmp(&b.1));
    out.extend(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_trimmed_and_neither_blank_nor_too_long() {
        assert_eq!(check_note("  Taux à revoir  ").unwrap(), "Taux à revoir");
        assert!(check_note("   ").is_err());
        assert!(check_note(&"é".repeat(MAX_NOTE)).is_ok());
        assert!(check_note(&"é".repeat(MAX_NOTE + 1)).is_err());
    }

    #[test]
    fn the_areas_start_with_the_two_halves_of_the_rhone_and_leave_the_whole_rhone_out() {
        let deps = vec![
            ("69".to_string(), "Rhône".to_string()),
            ("38".to_string(), "Isère".to_string()),
            ("01".to_string(), "Ain".to_string()),
        ];
        let codes: Vec<String> = area_choices(&deps).into_iter().map(|(c, _)| c).collect();
        assert_eq!(codes, ["69M", "69D", "01", "38"]);
        assert_eq!(area_choices(&deps)[2].1, "Ain (01)");
    }

    #[test]
    fn a_list_has_at_least_one_page() {
        let mut l = FollowedPlans {
            area: String::new(),
            rows: vec![],
            total: 0,
            page: 1,
        };
        assert_eq!(l.pages(), 1);
        l.total = PER_PAGE + 1;
        assert_eq!(l.pages(), 2);
    }
}
