//! eForms prior information notices (PIN, "avis de pré-information"), as read from their UBL
//! XML (`server::programming::eforms`), turned into the draft of a planned procurement: its subject, CPV
//! codes, estimate, expected procedure, publication date (BT-127, the planned date of the
//! contract notice), duration and parts (lots). The buyer reviews the draft before publishing.

use super::programming::{PlanForm, Procedure, MAX_DESCRIPTION, MAX_LOTS, MAX_TITLE};
use chrono::NaiveDate;

/// What a PIN says of one part (lot) it announces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PinPart {
    pub id: String,
    pub title: String,
    pub description: String,
    pub cpv: Vec<String>,
    /// Euros.
    pub estimate: Option<i64>,
}

/// What a PIN says, in the notice's own words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PinNotice {
    pub notice_id: String,
    pub title: String,
    pub description: String,
    pub cpv: Vec<String>,
    /// Euros.
    pub estimate: Option<i64>,
    /// BT-127: when the contract notice is expected.
    pub planned_date: Option<NaiveDate>,
    pub issue_date: Option<NaiveDate>,
    /// eForms procedure code (BT-105): "open", "restricted", "neg-w-call", "comp-dial"…
    pub procedure: Option<String>,
    pub duration_months: Option<i32>,
    pub parts: Vec<PinPart>,
    pub buyer_name: Option<String>,
}

/// A lot of the draft: title, CPV codes, estimate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftLot {
    pub title: String,
    pub cpv: Vec<String>,
    pub estimate: Option<i64>,
}

/// The draft a PIN becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinDraft {
    pub form: PlanForm,
    pub lots: Vec<DraftLot>,
}

/// The eForms procedure code as one of the programming's procedures.
pub fn procedure_of(code: Option<&str>) -> Procedure {
    match code.unwrap_or("") {
        "open" => Procedure::Open,
        "restricted" => Procedure::Restricted,
        "neg-w-call" | "neg-wo-call" | "comp-tend" => Procedure::Negotiated,
        "comp-dial" | "innovation" => Procedure::CompetitiveDialogue,
        _ => Procedure::Undecided,
    }
}

/// A duration in a unit of eForms ("MONTH", "YEAR", "DAY") in whole months, at least one.
pub fn months(value: &str, unit: &str) -> Option<i32> {
    let n: f64 = value.trim().parse().ok()?;
    let m = match unit {
        "MONTH" => n,
        "YEAR" => n * 12.0,
        "DAY" => n / 30.0,
        _ => return None,
    };
    (m > 0.0 && m <= 600.0).then(|| m.ceil().max(1.0) as i32)
}

fn cut(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect()
}

/// An amount in euros as the programming's form reads it.
fn euros(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

impl PinNotice {
    /// The draft: the notice's subject and facts; a part per lot when it announces several
    /// (a single part is the procurement itself). Without a planned date, the expected
    /// publication is the quarter after the notice's issue (the buyer corrects it).
    pub fn draft(&self, today: NaiveDate) -> PinDraft {
        let publication = match self.planned_date {
            Some(d) => d.format("%d/%m/%Y").to_string(),
            None => {
                let base = self.issue_date.unwrap_or(today);
                let next = base
                    .checked_add_months(chrono::Months::new(3))
                    .unwrap_or(base);
                format!(
                    "T{} {}",
                    super::programming::quarter_of(next),
                    chrono::Datelike::year(&next)
                )
            }
        };
        let several = self.parts.len() > 1;
        let title = if self.title.trim().is_empty() {
            self.parts
                .first()
                .map(|p| p.title.clone())
                .unwrap_or_default()
        } else {
            self.title.clone()
        };
        let form = PlanForm {
            title: cut(&title, MAX_TITLE),
            description: cut(&self.description, MAX_DESCRIPTION),
            cpv: super::cpv::CpvCodes(self.cpv.clone()),
            estimate_min: euros(self.estimate),
            estimate_max: euros(self.estimate),
            procedure: procedure_of(self.procedure.as_deref()).as_str().into(),
            publication,
            duration_months: self
                .duration_months
                .map(|d| d.to_string())
                .unwrap_or_default(),
            allotment: several.then(|| "on".to_string()),
            ..Default::default()
        };
        let lots = if several {
            self.parts
                .iter()
                .take(MAX_LOTS)
                .enumerate()
                .map(|(i, p)| DraftLot {
                    title: if p.title.trim().is_empty() {
                        format!("Lot {}", i + 1)
                    } else {
                        cut(&p.title, MAX_TITLE)
                    },
                    cpv: p.cpv.clone(),
                    estimate: p.estimate,
                })
                .collect()
        } else {
            vec![]
        };
        PinDraft { form, lots }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_notice_with_parts_becomes_a_draft_with_lots() {
        let n = PinNotice {
            notice_id: "x".into(),
            title: "Fournitures de matériaux".into(),
            cpv: vec!["44110000".into()],
            estimate: Some(750_000),
            planned_date: Some(d(2027, 6, 30)),
            procedure: Some("comp-dial".into()),
            duration_months: Some(48),
            parts: vec![
                PinPart {
                    id: "PAR-0001".into(),
                    title: "Matériaux".into(),
                    cpv: vec!["44111000".into()],
                    ..Default::default()
                },
                PinPart {
                    id: "PAR-0002".into(),
                    title: String::new(),
                    cpv: vec![],
                    estimate: Some(10),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let draft = n.draft(d(2026, 12, 1));
        assert_eq!(draft.form.publication, "30/06/2027");
        assert_eq!(draft.form.procedure, "dialogue");
        assert_eq!(draft.form.estimate_max, "750000");
        assert_eq!(draft.form.duration_months, "48");
        assert_eq!(draft.form.allotment.as_deref(), Some("on"));
        assert_eq!(draft.lots.len(), 2);
        assert_eq!(draft.lots[1].title, "Lot 2");
        assert!(draft.form.check().is_ok(), "{:?}", draft.form.check());
    }

    #[test]
    fn a_single_part_is_the_procurement_itself() {
        let n = PinNotice {
            title: String::new(),
            issue_date: Some(d(2026, 11, 20)),
            parts: vec![PinPart {
                title: "Entretien".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let draft = n.draft(d(2026, 12, 1));
        assert!(draft.lots.is_empty());
        assert_eq!(draft.form.title, "Entretien");
        // No planned date: the quarter after the issue.
        assert_eq!(draft.form.publication, "T1 2027");
        assert_eq!(draft.form.procedure, "undecided");
    }

    #[test]
    fn durations_are_whole_months() {
        assert_eq!(months("4", "YEAR"), Some(48));
        assert_eq!(months("45", "DAY"), Some(2));
        assert_eq!(months("6", "MONTH"), Some(6));
        assert_eq!(months("0", "MONTH"), None);
        assert_eq!(months("x", "MONTH"), None);
        assert_eq!(months("3", "WEEK"), None);
    }
}
