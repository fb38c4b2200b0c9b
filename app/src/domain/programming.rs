//! The programming of purchases (programmation des achats): what a public buyer plans to buy,
//! when, in which lots, with which levers — and the life of a planned procurement from planned
//! to awarded. Dates of the future are known to a day, a month or a quarter; the rules of what
//! a buyer may change, when, are here.

use super::validate::Checker;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The expected procedure (Code de la commande publique).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Procedure {
    /// Procédure adaptée (MAPA), below the European thresholds.
    Adapted,
    /// Appel d'offres ouvert.
    Open,
    /// Appel d'offres restreint.
    Restricted,
    /// Procédure avec négociation.
    Negotiated,
    /// Dialogue compétitif.
    #[strum(serialize = "dialogue")]
    CompetitiveDialogue,
    /// Not decided yet.
    Undecided,
}

impl Procedure {
    pub const ALL: [Procedure; 6] = [
        Procedure::Adapted,
        Procedure::Open,
        Procedure::Restricted,
        Procedure::Negotiated,
        Procedure::CompetitiveDialogue,
        Procedure::Undecided,
    ];

    pub fn label_key(self) -> String {
        format!("plan.procedure.{}", self.as_str())
    }
}

/// How precisely a date of the future is known.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Precision {
    Day,
    Month,
    Quarter,
}

/// A date of the future as a buyer knows it: stored as the first day of its period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    pub date: NaiveDate,
    pub precision: Precision,
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

impl Planned {
    /// Reads "15/03/2027" (a day), "03/2027" or "mars 2027" (a month), "T2 2027" (a quarter);
    /// also the ISO forms "2027-03-15", "2027-03", "2027-T2". `None` when it is none of them.
    pub fn parse(s: &str) -> Option<Planned> {
        let s = s.trim().to_lowercase();
        let s = s.as_str();
        let year = |y: &str| {
            y.trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
        };
        let month_day = |y: i32, m: u32, d: u32, precision| {
            NaiveDate::from_ymd_opt(y, m, d).map(|date| Planned { date, precision })
        };
        // Quarters: "t2 2027", "2027-t2", "q2 2027".
        let quarter = |q: &str, y: &str| {
            let n = q.strip_prefix(['t', 'q'])?.parse::<u32>().ok()?;
            (1..=4).contains(&n).then_some(())?;
            month_day(year(y)?, (n - 1) * 3 + 1, 1, Precision::Quarter)
        };
        if let Some((a, b)) = s.split_once(' ') {
            if let Some(p) = quarter(a, b) {
                return Some(p);
            }
            // "mars 2027"
            if let Some(m) = MONTHS_FR.iter().position(|m| *m == a) {
                return month_day(year(b)?, m as u32 + 1, 1, Precision::Month);
            }
            return None;
        }
        let parts: Vec<&str> = s.split(['/', '-']).collect();
        match parts.as_slice() {
            [y, q] if q.starts_with('t') || q.starts_with('q') => quarter(q, y),
            // "03/2027"
            [m, y] if m.len() <= 2 => month_day(year(y)?, m.parse().ok()?, 1, Precision::Month),
            // "2027-03"
            [y, m] if y.len() == 4 => month_day(year(y)?, m.parse().ok()?, 1, Precision::Month),
            // "15/03/2027"
            [d, m, y] if y.len() == 4 => {
                month_day(year(y)?, m.parse().ok()?, d.parse().ok()?, Precision::Day)
            }
            // "2027-03-15"
            [y, m, d] if y.len() == 4 => {
                month_day(year(y)?, m.parse().ok()?, d.parse().ok()?, Precision::Day)
            }
            _ => None,
        }
    }

    /// As a buyer typed it, in French: "15/03/2027", "mars 2027", "T2 2027".
    pub fn text(&self) -> String {
        match self.precision {
            Precision::Day => self.date.format("%d/%m/%Y").to_string(),
            Precision::Month => format!(
                "{} {}",
                MONTHS_FR[self.date.month0() as usize],
                self.date.year()
            ),
            Precision::Quarter => format!("T{} {}", quarter_of(self.date), self.date.year()),
        }
    }

    /// The quarter it falls in: "2027-T2".
    pub fn quarter_key(&self) -> String {
        quarter_key(self.date)
    }
}

pub fn quarter_of(d: NaiveDate) -> u32 {
    d.month0() / 3 + 1
}

/// "2027-T2".
pub fn quarter_key(d: NaiveDate) -> String {
    format!("{}-T{}", d.year(), quarter_of(d))
}

/// A quarter key read back: its first and last day.
pub fn quarter_bounds(key: &str) -> Option<(NaiveDate, NaiveDate)> {
    let p = Planned::parse(key).filter(|p| p.precision == Precision::Quarter)?;
    let start = p.date;
    let end = start
        .checked_add_months(chrono::Months::new(3))?
        .pred_opt()?;
    Some((start, end))
}

/// The stage of a planned procurement.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum PlanStatus {
    /// Imported (an eForms prior information notice) and not yet reviewed: the buyer's alone.
    Draft,
    Planned,
    /// The buyer is consulting the market (sourcing).
    Sourcing,
    /// The tender is published on the buyer's profile (linked, never replaced).
    Published,
    /// Awarded; linked to its DECP contract once imported.
    Awarded,
    Cancelled,
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 6] = [
        PlanStatus::Draft,
        PlanStatus::Planned,
        PlanStatus::Sourcing,
        PlanStatus::Published,
        PlanStatus::Awarded,
        PlanStatus::Cancelled,
    ];

    pub fn label_key(self) -> String {
        format!("plan.status.{}", self.as_str())
    }

    /// Whether a procurement in `self` may move to `to`: forward through the stages (sourcing
    /// may be skipped, and a procurement may go back from sourcing to planned), or be cancelled
    /// until it is awarded. Awarded and cancelled are final.
    pub fn may_become(self, to: PlanStatus) -> bool {
        use PlanStatus::*;
        matches!(
            (self, to),
            (Draft, Planned)
                | (Planned, Sourcing | Published | Cancelled)
                | (Sourcing, Planned | Published | Cancelled)
                | (Published, Awarded | Cancelled)
        )
    }

    /// The buyer may still change what it plans.
    pub fn editable(self) -> bool {
        matches!(
            self,
            PlanStatus::Draft | PlanStatus::Planned | PlanStatus::Sourcing
        )
    }
}

/// A reserved market (Code de la commande publique, L2113-12 and L2113-13).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Reserved {
    /// Entreprises adaptées and ESAT (L2113-12).
    EsatEa,
    /// Structures d'insertion par l'activité économique (L2113-13).
    Siae,
}

/// The levers a planned procurement intends to use, each explained in the guide
/// (`/programmation/guide#<lever>`).
pub const LEVERS: [&str; 7] = [
    "allotment",
    "short_chain",
    "life_cycle",
    "co2",
    "insertion",
    "reserved",
    "labels",
];

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 8000;
pub const MAX_CONTACT: usize = 300;
pub const MAX_LOTS: usize = 50;
/// Euros, whole.
pub const MAX_ESTIMATE: i64 = 10_000_000_000;

/// A planned procurement as typed in its form: every field a string, as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    pub title: String,
    pub description: String,
    /// CPV codes: the picker's ticked boxes, or a text separated by commas or spaces.
    pub cpv: super::cpv::CpvCodes,
    /// Euros, excluding VAT.
    pub estimate_min: String,
    pub estimate_max: String,
    pub procedure: String,
    /// "15/03/2027", "mars 2027", "T2 2027".
    pub publication: String,
    pub start: String,
    pub duration_months: String,
    pub contact: String,
    pub allotment: Option<String>,
    pub short_chain: Option<String>,
    pub life_cycle: Option<String>,
    pub co2: Option<String>,
    /// "", "clause", "criterion" or "both" (`insertion::InsertionKind`).
    pub insertion_kind: String,
    /// Empty: Passerelle proposes them from the estimate and the trade.
    pub insertion_hours: String,
    /// Percent, for an award criterion.
    pub insertion_weight: String,
    /// "", "esat_ea" or "siae".
    pub reserved: String,
    /// Official labels asked or accepted: `labels[ab]=on` (one checkbox each).
    pub labels: std::collections::BTreeMap<String, String>,
}

/// A planned procurement, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanInput {
    pub title: String,
    pub description: String,
    pub cpv: Vec<String>,
    pub estimate_min: Option<i64>,
    pub estimate_max: Option<i64>,
    pub procedure: Procedure,
    pub publication: Planned,
    pub start: Option<Planned>,
    pub duration_months: Option<i32>,
    pub contact: Option<String>,
    pub allotment: bool,
    pub short_chain: bool,
    pub life_cycle: bool,
    pub co2: bool,
    pub insertion: super::insertion::InsertionInput,
    pub reserved: Option<Reserved>,
    pub labels: Vec<String>,
}

/// CPV codes typed in a field: each normalised (8 digits); the first bad one is reported.
pub fn cpv_list(c: &mut Checker, field: &str, text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text
        .split([',', ';', ' ', '\n'])
        .filter(|s| !s.trim().is_empty())
    {
        match super::cpv::normalise(raw.trim()) {
            Some(code) => {
                if !out.contains(&code) {
                    out.push(code)
                }
            }
            None => {
                c.push(field, "validation.unknown_cpv");
                break;
            }
        }
    }
    out
}

/// An estimate range in euros: both optional, the lower not above the upper. Its fields are
/// `{prefix}estimate_min` and `{prefix}estimate_max`.
pub fn estimate(c: &mut Checker, prefix: &str, min: &str, max: &str) -> (Option<i64>, Option<i64>) {
    let (min_field, max_field) = (
        format!("{prefix}estimate_min"),
        format!("{prefix}estimate_max"),
    );
    let lo = c.decimal(&min_field, min, 0, 0, MAX_ESTIMATE);
    let hi = c.decimal(&max_field, max, 0, 0, MAX_ESTIMATE);
    if let (Some(l), Some(h)) = (lo, hi) {
        if l > h {
            c.push(&max_field, "plan.estimate_order");
        }
    }
    (lo, hi)
}

/// The same checks in the browser, as the person types.
impl crate::domain::validate::LiveChecked for PlanForm {
    fn field_errors(&self, _: &crate::domain::validate::Clock) -> Vec<crate::error::FieldError> {
        crate::domain::validate::field_errors_of(self.check())
    }
}

impl PlanForm {
    pub fn check(&self) -> Result<PlanInput, crate::error::AppError> {
        let mut c = Checker::new();
        let title = c.required("title", &self.title, MAX_TITLE);
        let description = c
            .optional("description", &self.description, MAX_DESCRIPTION)
            .unwrap_or_default();
        let cpv = cpv_list(&mut c, "cpv", &self.cpv.joined());
        let (estimate_min, estimate_max) =
            estimate(&mut c, "", &self.estimate_min, &self.estimate_max);
        let procedure = Procedure::parse(&self.procedure);
        if procedure.is_none() {
            c.push("procedure", "validation.unknown_choice");
        }
        let publication = Planned::parse(&self.publication);
        if self.publication.trim().is_empty() {
            c.push("publication", "validation.required");
        } else if publication.is_none() {
            c.push("publication", "plan.date_format");
        }
        let start = match self.start.trim() {
            "" => None,
            s => {
                let p = Planned::parse(s);
                if p.is_none() {
                    c.push("start", "plan.date_format");
                }
                p
            }
        };
        if let (Some(p), Some(s)) = (publication, start) {
            if s.date < p.date {
                c.push("start", "plan.start_before_publication");
            }
        }
        let duration = c.decimal("duration_months", &self.duration_months, 0, 1, 600);
        let contact = c.optional("contact", &self.contact, MAX_CONTACT);
        let insertion = super::insertion::InsertionForm {
            kind: self.insertion_kind.clone(),
            hours: self.insertion_hours.clone(),
            weight: self.insertion_weight.clone(),
        }
        .check_into(&mut c, "");
        let reserved = match self.reserved.trim() {
            "" => None,
            r => {
                let v = Reserved::parse(r);
                if v.is_none() {
                    c.push("reserved", "validation.unknown_choice");
                }
                v
            }
        };
        let mut labels = Vec::new();
        for l in self.labels.keys() {
            if super::offer::label_name(l).is_some() {
                labels.push(l.to_string());
            } else {
                c.push("labels", "validation.unknown_choice");
                break;
            }
        }
        c.finish()?;
        let on = |v: &Option<String>| v.is_some();
        Ok(PlanInput {
            title,
            description,
            cpv,
            estimate_min,
            estimate_max,
            procedure: procedure.unwrap_or(Procedure::Undecided),
            publication: publication.ok_or(crate::error::AppError::Internal)?,
            start,
            duration_months: duration.map(|d| d as i32),
            contact,
            allotment: on(&self.allotment),
            short_chain: on(&self.short_chain),
            life_cycle: on(&self.life_cycle),
            co2: on(&self.co2),
            insertion,
            reserved,
            labels,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_linked_contract_stays_among_the_choices() {
        let link = AwardLink {
            current: Some((7, "Ancien".into())),
            candidates: vec![(9, "Récent".into())],
            ..Default::default()
        };
        let (options, selected) = link.options("—".into());
        let ids: Vec<&str> = options.iter().map(|o| o.0.as_str()).collect();
        assert_eq!(ids, ["", "9", "7"]);
        assert_eq!(selected, "7");
        let (options, selected) = AwardLink::default().options("—".into());
        assert_eq!((options.len(), selected.as_str()), (1, ""));
    }

    #[test]
    fn a_contract_choice_is_an_id_or_nothing() {
        assert_eq!(contract_choice(" 42 ").unwrap(), Some(42));
        assert_eq!(contract_choice("").unwrap(), None);
        for bad in ["abc", "1;DROP", "99999999999"] {
            let e = contract_choice(bad).unwrap_err();
            assert!(e.field_error("contract").is_some(), "{bad}");
        }
    }

    #[test]
    fn a_lot_shows_each_code_with_its_label() {
        let lot = LotView {
            id: 1,
            number: 1,
            title: "Menuiseries".into(),
            cpv: vec!["45421000".into(), "99999999".into()],
            cpv_labels: vec!["Travaux de menuiserie".into(), String::new()],
            estimate_min: None,
            estimate_max: None,
            insertion: None,
            proposal: None,
        };
        assert_eq!(lot.cpv_text(), "Travaux de menuiserie (45421000), 99999999");
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn future_dates_are_read_as_buyers_write_them() {
        let p = |s: &str| Planned::parse(s).map(|p| (p.date, p.precision));
        assert_eq!(p("15/03/2027"), Some((d(2027, 3, 15), Precision::Day)));
        assert_eq!(p("2027-03-15"), Some((d(2027, 3, 15), Precision::Day)));
        assert_eq!(p("03/2027"), Some((d(2027, 3, 1), Precision::Month)));
        assert_eq!(p("2027-03"), Some((d(2027, 3, 1), Precision::Month)));
        assert_eq!(p("Mars 2027"), Some((d(2027, 3, 1), Precision::Month)));
        assert_eq!(p("T2 2027"), Some((d(2027, 4, 1), Precision::Quarter)));
        assert_eq!(p("2027-T4"), Some((d(2027, 10, 1), Precision::Quarter)));
        for bad in [
            "",
            "T5 2027",
            "31/02/2027",
            "13/2027",
            "demain",
            "2027",
            "15/03/27",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }

    #[test]
    fn future_dates_are_written_back_at_their_precision() {
        for s in ["15/03/2027", "mars 2027", "T2 2027", "août 2026"] {
            assert_eq!(Planned::parse(s).unwrap().text(), s);
        }
        assert_eq!(
            Planned::parse("15/05/2027").unwrap().quarter_key(),
            "2027-T2"
        );
        assert_eq!(
            quarter_bounds("2027-T4"),
            Some((d(2027, 10, 1), d(2027, 12, 31)))
        );
        assert_eq!(quarter_bounds("mars 2027"), None);
    }

    #[test]
    fn a_procurement_moves_forward_and_ends() {
        use PlanStatus::*;
        assert!(Planned.may_become(Sourcing));
        assert!(Planned.may_become(Published));
        assert!(Sourcing.may_become(Planned));
        assert!(Published.may_become(Awarded));
        assert!(Published.may_become(Cancelled));
        assert!(!Planned.may_become(Awarded));
        assert!(!Published.may_become(Planned));
        assert!(Draft.may_become(Planned));
        assert!(!Draft.may_become(Published) && !Draft.may_become(Cancelled));
        assert!(!Planned.may_become(Draft));
        assert_eq!(PlanFilters::from_query("etat=draft").status, None);
        assert_eq!(
            PlanFilters::from_query("etat=awarded").status.as_deref(),
            Some("awarded")
        );
        for end in [Awarded, Cancelled] {
            for to in PlanStatus::ALL {
                assert!(!end.may_become(to), "{end:?} → {to:?}");
            }
        }
    }

    #[test]
    fn a_plan_is_checked_field_by_field() {
        let form = PlanForm {
            title: " Restauration scolaire ".into(),
            cpv: "55523100, 15800000-6".into(),
            estimate_min: "200 000".into(),
            estimate_max: "350000".into(),
            procedure: "open".into(),
            publication: "T2 2027".into(),
            start: "09/2027".into(),
            duration_months: "48".into(),
            short_chain: Some("on".into()),
            insertion_hours: "1 500".into(),
            reserved: "".into(),
            labels: [
                ("ab".to_string(), "on".to_string()),
                ("label_rouge".into(), "on".into()),
            ]
            .into(),
            ..Default::default()
        };
        let ok = form.check().unwrap();
        assert_eq!(ok.title, "Restauration scolaire");
        assert_eq!(ok.cpv, ["55523100", "15800000"]);
        assert_eq!(
            (ok.estimate_min, ok.estimate_max),
            (Some(200_000), Some(350_000))
        );
        assert_eq!(ok.insertion.hours, Some(1500));
        assert_eq!(
            ok.insertion.kind,
            Some(crate::domain::insertion::InsertionKind::Clause)
        );
        assert!(ok.short_chain && !ok.co2);
        let bad = PlanForm {
            title: "".into(),
            cpv: "pain".into(),
            estimate_min: "9".into(),
            estimate_max: "1".into(),
            procedure: "x".into(),
            publication: "bientôt".into(),
            reserved: "tous".into(),
            ..Default::default()
        };
        let Err(crate::error::AppError::Invalid(errors)) = bad.check() else {
            panic!("refused")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "title",
                "cpv",
                "estimate_max",
                "procedure",
                "publication",
                "reserved"
            ]
        );
        // A start before the publication cannot be.
        let early = PlanForm {
            start: "01/2027".into(),
            ..form
        };
        assert!(early.check().is_err());
    }
}

/// One lot, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotView {
    pub id: i32,
    pub number: i32,
    pub title: String,
    pub cpv: Vec<String>,
    /// The French label of each code of `cpv`, in the same order ("" when unknown).
    pub cpv_labels: Vec<String>,
    pub estimate_min: Option<i64>,
    pub estimate_max: Option<i64>,
    pub insertion: Option<super::insertion::InsertionView>,
    /// The hours Passerelle proposes for its trade and estimate, with or without a lever.
    pub proposal: Option<super::insertion::Sizing>,
}

impl LotView {
    /// "Travaux de menuiserie (45421000), …": every code with its label.
    pub fn cpv_text(&self) -> String {
        self.cpv
            .iter()
            .zip(
                self.cpv_labels
                    .iter()
                    .chain(std::iter::repeat(&String::new())),
            )
            .map(|(code, label)| {
                if label.is_empty() {
                    code.clone()
                } else {
                    format!("{label} ({code})")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A stage reached, as shown in the procurement's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEventView {
    pub status: PlanStatus,
    pub note: Option<String>,
    /// dd/mm/yyyy.
    pub on: String,
}

/// A planned procurement in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub id: i32,
    pub title: String,
    pub buyer_id: i32,
    pub buyer_name: String,
    pub status: PlanStatus,
    /// "T2 2027", "mars 2027", "15/03/2027".
    pub publication: String,
    /// "2027-T2": the timeline's heading.
    pub quarter: String,
    pub estimate_min: Option<i64>,
    pub estimate_max: Option<i64>,
    /// (code, label), the first few.
    pub cpv: Vec<(String, String)>,
    /// The levers it plans (see `LEVERS`).
    pub levers: Vec<String>,
    pub lots: usize,
    /// Opened to other buyers (a groupement de commandes).
    pub joint: Option<JointSummary>,
}

/// A groupement de commandes in a list's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JointSummary {
    /// The last day to join, dd/mm/yyyy.
    pub deadline: String,
    /// Other buyers may still join.
    pub open_now: bool,
    /// "2 acheteurs, estimation totale 54 000 € HT".
    pub totals: String,
}

/// A planned procurement, whole, for everyone; `can_edit` when the viewer is one of the buyer's
/// verified members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    pub summary: PlanSummary,
    pub description: String,
    pub procedure: Procedure,
    pub start: Option<String>,
    pub duration_months: Option<i32>,
    pub contact: Option<String>,
    pub insertion: Option<super::insertion::InsertionView>,
    /// What Passerelle proposes for the whole procurement (shown beside proposed hours).
    pub insertion_proposal: Option<super::insertion::Sizing>,
    pub reserved: Option<Reserved>,
    /// (code, name)
    pub labels: Vec<(String, String)>,
    pub lots: Vec<LotView>,
    pub tender_url: Option<String>,
    pub contract_id: Option<i32>,
    pub events: Vec<PlanEventView>,
    pub can_edit: bool,
}

/// A planned procurement in its editor: its form as stored, its lots and status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEdit {
    pub id: i32,
    pub buyer_id: i32,
    pub buyer_name: String,
    pub status: PlanStatus,
    pub form: PlanForm,
    pub lots: Vec<LotView>,
    pub tender_url: Option<String>,
    pub insertion: Option<super::insertion::InsertionView>,
    /// What Passerelle proposes for the whole procurement, as the form's hint.
    pub insertion_proposal: Option<super::insertion::Sizing>,
}

/// The contract chosen in an award form: "" unlinks, anything but an id is refused.
pub fn contract_choice(s: &str) -> Result<Option<i32>, crate::error::AppError> {
    match s.trim() {
        "" => Ok(None),
        c => c
            .parse::<i32>()
            .map(Some)
            .map_err(|_| crate::error::AppError::field("contract", "validation.unknown_choice")),
    }
}

/// The contract (DECP) an awarded procurement is linked to, and the buyer's contracts it may be:
/// (contract id, "object — notified dd/mm/yyyy — amount").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwardLink {
    pub current: Option<(i32, String)>,
    pub candidates: Vec<(i32, String)>,
    /// The awardee the buyer named among the organisations: (id, name).
    #[serde(default)]
    pub awardee: Option<(i32, String)>,
    /// Names to suggest: the firms that showed interest in the procurement.
    #[serde(default)]
    pub awardee_suggestions: Vec<String>,
}

impl AwardLink {
    /// The award form's choices — `none` first, then the candidates, then the current contract
    /// if it is no longer one of them (an older one) — and the one selected.
    pub fn options(&self, none: String) -> (Vec<(String, String)>, String) {
        let mut options = vec![(String::new(), none)];
        options.extend(
            self.candidates
                .iter()
                .map(|(i, s)| (i.to_string(), s.clone())),
        );
        if let Some((i, s)) = &self.current {
            if !self.candidates.iter().any(|(c, _)| c == i) {
                options.push((i.to_string(), s.clone()));
            }
        }
        let selected = self
            .current
            .as_ref()
            .map(|(i, _)| i.to_string())
            .unwrap_or_default();
        (options, selected)
    }
}

/// The levers of a stored procurement, in `LEVERS` order.
pub fn levers_of(
    allotment: bool,
    short_chain: bool,
    life_cycle: bool,
    co2: bool,
    insertion: bool,
    reserved: bool,
    labels: bool,
) -> Vec<String> {
    [
        allotment,
        short_chain,
        life_cycle,
        co2,
        insertion,
        reserved,
        labels,
    ]
    .into_iter()
    .zip(LEVERS)
    .filter(|(on, _)| *on)
    .map(|(_, l)| l.to_string())
    .collect()
}

/// Ranges of estimated amounts (euros excluding VAT) the list filters on, bounded by the
/// thresholds buyers know: no publicity required below 40,000 €; the European thresholds of
/// local authorities' supplies and services (221,000 €) and of works (5,538,000 €).
pub const AMOUNTS: [(&str, i64, Option<i64>); 4] = [
    ("lt40k", 0, Some(39_999)),
    ("40k-221k", 40_000, Some(220_999)),
    ("221k-5m", 221_000, Some(5_537_999)),
    ("gt5m", 5_538_000, None),
];

/// Planned procurements per page.
pub const PER_PAGE: u64 = 20;

/// The programming's filters, read from and written to the query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFilters {
    /// The buyer organisation's id.
    pub buyer: Option<String>,
    /// CPV division (2 digits).
    pub cpv: Option<String>,
    /// "2027-T2".
    pub quarter: Option<String>,
    /// One of `AMOUNTS`.
    pub amount: Option<String>,
    /// One of `LEVERS`.
    pub lever: Option<String>,
    pub status: Option<String>,
    /// Only the groupements de commandes other buyers may still join.
    pub joint: bool,
    /// The timeline by quarter instead of the list.
    pub timeline: bool,
    pub page: u64,
}

impl PlanFilters {
    pub fn from_query(query: &str) -> PlanFilters {
        use super::query::{clean, digits, first, id, page, pairs};
        let p = pairs(query);
        let get = |k: &str| first(&p, k);
        PlanFilters {
            buyer: id(get("acheteur")),
            cpv: digits(get("cpv"), &[2, 3, 4, 5, 6, 7, 8]),
            quarter: clean(get("trimestre"), 8)
                .filter(|q| quarter_bounds(q).is_some())
                .map(|q| q.to_uppercase()),
            amount: clean(get("montant"), 10).filter(|a| AMOUNTS.iter().any(|(k, _, _)| k == a)),
            lever: clean(get("levier"), 12).filter(|l| LEVERS.contains(&l.as_str())),
            // Drafts are their buyer's alone: never a public filter.
            status: clean(get("etat"), 12)
                .filter(|s| PlanStatus::parse(s).is_some_and(|s| s != PlanStatus::Draft)),
            joint: get("groupement").as_deref() == Some("ouvert"),
            timeline: get("vue").as_deref() == Some("calendrier"),
            page: page(get("page")),
        }
    }

    pub fn to_query(&self, page: u64) -> String {
        let mut w = super::query::Writer::default();
        w.push("acheteur", self.buyer.clone());
        w.push("cpv", self.cpv.clone());
        w.push("trimestre", self.quarter.clone());
        w.push("montant", self.amount.clone());
        w.push("levier", self.lever.clone());
        w.push("etat", self.status.clone());
        w.push("groupement", self.joint.then(|| "ouvert".to_string()));
        w.push("vue", self.timeline.then(|| "calendrier".to_string()));
        w.push("page", (page > 1).then(|| page.to_string()));
        w.finish()
    }
}

/// A page of the programming.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPage {
    pub rows: Vec<PlanSummary>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// The buyer filter's choices: those with the most procurements among what the other
    /// filters show (at most `BUYERS_SHOWN`, and the one chosen), by name: (id, name, count).
    pub buyers: Vec<(i32, String, u64)>,
    /// How many buyers the other filters show in all.
    pub buyers_total: usize,
}

/// Buyers offered by the programming's buyer filter, at most: a page stays light on a phone
/// (a select of a thousand buyers made the list 135 KB); the others are reached from their
/// profile in the directory.
pub const BUYERS_SHOWN: usize = 40;

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn filters_round_trip_and_bad_values_are_dropped() {
        let f = PlanFilters {
            buyer: Some("12".into()),
            cpv: Some("55".into()),
            quarter: Some("2027-T2".into()),
            amount: Some("40k-221k".into()),
            lever: Some("short_chain".into()),
            status: Some("sourcing".into()),
            joint: true,
            timeline: true,
            page: 2,
        };
        assert_eq!(PlanFilters::from_query(&f.to_query(2)), f);
        let bad = PlanFilters::from_query(
            "acheteur=x&cpv=5&trimestre=2027-T9&montant=beaucoup&levier=magie&etat=fini&vue=carte",
        );
        assert_eq!(bad, PlanFilters::from_query(""));
        assert_eq!(PlanFilters::from_query("").to_query(1), "");
    }

    #[test]
    fn levers_keep_their_order() {
        assert_eq!(
            levers_of(true, false, false, true, true, false, false),
            ["allotment", "co2", "insertion"]
        );
    }
}

/// Whole euros: "350 000 €".
pub fn euros(n: i64) -> String {
    super::contracts::format_euros(n.saturating_mul(100))
}

/// An estimate range as read: "200 000 € – 350 000 €", "≥ 40 000 €", "≤ 90 000 €".
pub fn estimate_text(min: Option<i64>, max: Option<i64>) -> Option<String> {
    match (min, max) {
        (Some(a), Some(b)) if a == b => Some(euros(a)),
        (Some(a), Some(b)) => Some(format!("{} – {}", euros(a), euros(b))),
        (Some(a), None) => Some(format!("≥ {}", euros(a))),
        (None, Some(b)) => Some(format!("≤ {}", euros(b))),
        (None, None) => None,
    }
}

/// The next `n` quarters from `today`'s, as keys ("2027-T2"): the quarter filter's choices.
pub fn next_quarters(today: NaiveDate, n: usize) -> Vec<String> {
    let mut d =
        NaiveDate::from_ymd_opt(today.year(), (quarter_of(today) - 1) * 3 + 1, 1).unwrap_or(today);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(quarter_key(d));
        d = d.checked_add_months(chrono::Months::new(3)).unwrap_or(d);
    }
    out
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn estimates_and_quarters_read_well() {
        assert_eq!(
            estimate_text(Some(200_000), Some(350_000)).unwrap(),
            "200\u{202f}000\u{a0}€ – 350\u{202f}000\u{a0}€"
        );
        assert_eq!(estimate_text(None, None), None);
        assert!(estimate_text(Some(40_000), None).unwrap().starts_with('≥'));
        let d = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(next_quarters(d, 3), ["2026-T4", "2027-T1", "2027-T2"]);
    }
}

/// Longest message of a firm's interest.
pub const MAX_MESSAGE: usize = 2000;

/// A firm's interest in a planned procurement, as its buyer (and the firm) sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestView {
    pub id: i32,
    pub org_id: i32,
    pub org_name: String,
    pub siret: String,
    /// "Villeurbanne (69)".
    pub place: Option<String>,
    pub inclusive: Option<String>,
    /// The lot (number, title); none: the whole procurement.
    pub lot: Option<(i32, String)>,
    pub message: String,
    /// The firm's offers that fit: (id, title).
    pub offers: Vec<(i32, String)>,
    /// Public contracts it won (from the imported DECP) and their total, in cents.
    pub won_contracts: i64,
    pub won_cents: i64,
    /// dd/mm/yyyy.
    pub on: String,
}

/// A business a visitor can speak for: id, name, published offers (id, title).
pub type BusinessOffers = (i32, String, Vec<(i32, String)>);

/// What a signed-in visitor may do on a plan's page: the businesses they can speak for and the
/// interests they already signalled.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestOptions {
    pub signed_in: bool,
    pub orgs: Vec<BusinessOffers>,
    pub mine: Vec<InterestView>,
    /// The procurement still takes interest (not awarded nor cancelled).
    pub open: bool,
}

/// What a saved search of the programming looks at in a planned procurement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanFacts {
    pub buyer_id: i32,
    pub cpv: Vec<String>,
    pub publication: NaiveDate,
    pub estimate_min: Option<i64>,
    pub estimate_max: Option<i64>,
    pub status: PlanStatus,
    /// `LEVERS` it plans.
    pub levers: Vec<String>,
    /// Other buyers may join it today (a groupement de commandes).
    pub joint_open: bool,
}

impl PlanFilters {
    /// Whether a procurement matches the filters — the same rules as the list's query (see
    /// `server::programming::condition`), for alerts, which check each new procurement against
    /// every saved search without a query each.
    pub fn matches(&self, p: &PlanFacts) -> bool {
        let status_ok = p.status != PlanStatus::Draft
            && match self.status.as_deref() {
                Some(s) => p.status.as_str() == s,
                None => matches!(
                    p.status,
                    PlanStatus::Planned | PlanStatus::Sourcing | PlanStatus::Published
                ),
            };
        let buyer_ok = self
            .buyer
            .as_ref()
            .is_none_or(|b| b.parse::<i32>().ok() == Some(p.buyer_id));
        let cpv_ok = self
            .cpv
            .as_ref()
            .is_none_or(|d| p.cpv.iter().any(|c| c.starts_with(d.as_str())));
        let quarter_ok = self
            .quarter
            .as_deref()
            .and_then(quarter_bounds)
            .is_none_or(|(a, b)| (a..=b).contains(&p.publication));
        let amount_ok = match self
            .amount
            .as_deref()
            .and_then(|a| AMOUNTS.iter().find(|(k, _, _)| *k == a))
        {
            None => true,
            Some((_, lo, hi)) => p
                .estimate_max
                .or(p.estimate_min)
                .is_some_and(|v| v >= *lo && hi.is_none_or(|h| v <= h)),
        };
        let lever_ok = self
            .lever
            .as_ref()
            .is_none_or(|l| p.levers.iter().any(|x| x == l));
        let joint_ok = !self.joint || p.joint_open;
        status_ok && buyer_ok && cpv_ok && quarter_ok && amount_ok && lever_ok && joint_ok
    }
}

#[cfg(test)]
mod match_tests {
    use super::*;

    #[test]
    fn saved_searches_match_as_the_list_filters() {
        let p = PlanFacts {
            buyer_id: 7,
            cpv: vec!["55523100".into()],
            publication: NaiveDate::from_ymd_opt(2027, 5, 1).unwrap(),
            estimate_min: Some(200_000),
            estimate_max: Some(350_000),
            status: PlanStatus::Planned,
            levers: vec!["short_chain".into(), "insertion".into()],
            joint_open: false,
        };
        let m = |q: &str| PlanFilters::from_query(q).matches(&p);
        for yes in [
            "",
            "acheteur=7",
            "cpv=55",
            "trimestre=2027-T2",
            "montant=221k-5m",
            "levier=insertion",
            "etat=planned",
            "cpv=55&levier=short_chain&trimestre=2027-T2",
        ] {
            assert!(m(yes), "{yes}");
        }
        for no in [
            "acheteur=8",
            "cpv=45",
            "trimestre=2027-T3",
            "montant=lt40k",
            "levier=co2",
            "etat=published",
            "cpv=55&levier=co2",
            "groupement=ouvert",
        ] {
            assert!(!m(no), "{no}");
        }
        // Without an estimate, an amount filter does not match; awarded is not "to come".
        let bare = PlanFacts {
            estimate_min: None,
            estimate_max: None,
            ..p.clone()
        };
        assert!(!PlanFilters::from_query("montant=lt40k").matches(&bare));
        // Buyers alerted of groupements they may join.
        let joint = PlanFacts {
            joint_open: true,
            ..p.clone()
        };
        assert!(PlanFilters::from_query("groupement=ouvert&cpv=55").matches(&joint));
        let done = PlanFacts {
            status: PlanStatus::Awarded,
            ..p
        };
        assert!(!PlanFilters::from_query("").matches(&done));
    }
}

/// How often a saved search's alert is sent.
pub const FREQUENCIES: [&str; 2] = ["instant", "weekly"];

/// A saved search, as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSearchView {
    pub id: i32,
    /// "plans", "offers" (catalogue) or "orgs" (directory).
    pub kind: String,
    pub name: String,
    /// The list's URL with the search.
    pub url: String,
    pub frequency: String,
}

/// A notification of the in-app centre.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i32,
    pub title: String,
    pub url: String,
    /// dd/mm/yyyy hh:mm (UTC).
    pub at: String,
    pub read: bool,
}

/// The alerts page: saved searches and notifications.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertsPage {
    pub searches: Vec<SavedSearchView>,
    pub notifications: Vec<NotificationView>,
    pub unread: u64,
}

crate::domain::stored_form!(Procedure, Precision, PlanStatus, Reserved);
