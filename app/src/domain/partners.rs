//! Partner requests ("recherches de partenaires"): a firm says what it needs to answer a
//! procurement with others — capabilities (CPV codes, labels, capacity, area), the role offered,
//! the kind of consortium — and until when; other firms answer; the board lists the open ones.

use super::query::{clean, first, pairs, Writer};
use super::validate::Checker;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The part offered to the partner.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum PartnerRole {
    /// Co-contractor: a member of the consortium, signing the contract.
    #[strum(serialize = "cotraitant")]
    CoContractor,
    /// Subcontractor of a member, paid by it (or directly, above 600 € in public contracts).
    #[strum(serialize = "sous_traitant")]
    Subcontractor,
}

impl PartnerRole {
    pub const ALL: [PartnerRole; 2] = [PartnerRole::CoContractor, PartnerRole::Subcontractor];
    pub fn label_key(self) -> String {
        format!("partners.roles.{}", self.as_str())
    }
}

/// A groupement momentané d'entreprises is joint (each answers for its own part) or several
/// (each answers for the whole).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum ConsortiumKind {
    #[strum(serialize = "conjoint")]
    Joint,
    #[strum(serialize = "solidaire")]
    Several,
}

impl ConsortiumKind {
    pub const ALL: [ConsortiumKind; 2] = [ConsortiumKind::Joint, ConsortiumKind::Several];
    pub fn label_key(self) -> String {
        format!("partners.kinds.{}", self.as_str())
    }
}

/// An answer's standing with the poster.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum AnswerStatus {
    Pending,
    Accepted,
    Declined,
}

impl AnswerStatus {
    pub fn label_key(self) -> String {
        format!("partners.answer_status.{}", self.as_str())
    }
}

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 4000;
pub const MAX_CAPACITY: usize = 300;
pub const MAX_MESSAGE: usize = 2000;
pub const MAX_CPV: usize = 20;
/// A request stays open a year at most: beyond, the need has changed.
pub const MAX_DAYS_OPEN: i64 = 366;

/// A partner request as typed in its form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    pub title: String,
    pub description: String,
    /// CPV codes: the picker's ticked boxes, or a text separated by commas or spaces.
    pub cpv: super::cpv::CpvCodes,
    /// `labels[rge]=on`, one checkbox a label.
    pub labels: std::collections::BTreeMap<String, String>,
    pub capacity: String,
    pub role: String,
    pub kind: String,
    /// A commune (INSEE code or name, resolved by the server).
    pub commune: String,
    pub radius_km: String,
    /// "2027-03-15" (a date input) or "15/03/2027".
    pub deadline: String,
    /// The planned procurement, and one of its lots, when tied to them.
    pub plan_id: String,
    pub lot_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestInput {
    pub title: String,
    pub description: String,
    pub cpv: Vec<String>,
    pub labels: Vec<String>,
    pub capacity: Option<String>,
    pub role: PartnerRole,
    pub kind: ConsortiumKind,
    pub commune: Option<String>,
    pub radius_km: Option<i32>,
    pub deadline: NaiveDate,
    pub plan_id: Option<i32>,
    pub lot_id: Option<i32>,
}

/// A day typed as "2027-03-15" or "15/03/2027".
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

fn optional_id(c: &mut Checker, field: &str, s: &str) -> Option<i32> {
    match s.trim() {
        "" => None,
        v => match v.parse::<i32>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                c.push(field, "validation.unknown_choice");
                None
            }
        },
    }
}

impl crate::domain::validate::LiveChecked for RequestForm {
    fn field_errors(
        &self,
        clock: &crate::domain::validate::Clock,
    ) -> Vec<crate::error::FieldError> {
        crate::domain::validate::field_errors_of(self.check(clock.today))
    }
}

impl RequestForm {
    /// Checks the form as of `today` (the deadline is today or later, within a year).
    pub fn check(&self, today: NaiveDate) -> Result<RequestInput, crate::error::AppError> {
        let mut c = Checker::new();
        let title = c.required("title", &self.title, MAX_TITLE);
        let description = c
            .optional("description", &self.description, MAX_DESCRIPTION)
            .unwrap_or_default();
        let cpv = super::programming::cpv_list(&mut c, "cpv", &self.cpv.joined());
        if cpv.len() > MAX_CPV {
            c.errors.push(crate::error::FieldError::with_arg(
                "cpv",
                "validation.too_many_cpv",
                MAX_CPV,
            ));
        }
        let mut labels = Vec::new();
        for code in self.labels.keys() {
            if super::offer::label_name(code).is_some() {
                labels.push(code.clone());
            } else {
                c.push("labels", "validation.unknown_choice");
            }
        }
        if cpv.is_empty() && labels.is_empty() {
            c.push("cpv", "partners.need_something");
        }
        let capacity = c.optional("capacity", &self.capacity, MAX_CAPACITY);
        let role = PartnerRole::parse(&self.role);
        if role.is_none() {
            c.push("role", "validation.unknown_choice");
        }
        let kind = ConsortiumKind::parse(&self.kind);
        if kind.is_none() {
            c.push("kind", "validation.unknown_choice");
        }
        let commune = c.optional("commune", &self.commune, 80);
        let radius_km = c
            .decimal("radius_km", &self.radius_km, 0, 1, 500)
            .map(|n| n as i32);
        let deadline = match self.deadline.trim() {
            "" => {
                c.push("deadline", "validation.required");
                None
            }
            s => match parse_day(s) {
                None => {
                    c.push("deadline", "partners.deadline_format");
                    None
                }
                Some(d) if d < today => {
                    c.push("deadline", "partners.deadline_past");
                    None
                }
                Some(d) if (d - today).num_days() > MAX_DAYS_OPEN => {
                    c.push("deadline", "partners.deadline_far");
                    None
                }
                Some(d) => Some(d),
            },
        };
        let plan_id = optional_id(&mut c, "plan_id", &self.plan_id);
        let lot_id = optional_id(&mut c, "lot_id", &self.lot_id);
        if lot_id.is_some() && plan_id.is_none() {
            c.push("lot_id", "partners.lot_without_plan");
        }
        c.finish()?;
        Ok(RequestInput {
            title,
            description,
            cpv,
            labels,
            capacity,
            role: role.ok_or(crate::error::AppError::Internal)?,
            kind: kind.ok_or(crate::error::AppError::Internal)?,
            commune,
            radius_km,
            deadline: deadline.ok_or(crate::error::AppError::Internal)?,
            plan_id,
            lot_id,
        })
    }

    /// The form of an existing request, as it was typed.
    pub fn of(v: &RequestView) -> RequestForm {
        RequestForm {
            title: v.title.clone(),
            description: v.description.clone(),
            cpv: super::cpv::CpvCodes(v.cpv.iter().map(|(c, _)| c.clone()).collect()),
            labels: v
                .labels
                .iter()
                .map(|l| (l.clone(), "on".to_string()))
                .collect(),
            capacity: v.capacity.clone().unwrap_or_default(),
            role: v.role.as_str().into(),
            kind: v.kind.as_str().into(),
            commune: v
                .commune
                .as_ref()
                .map(|(code, _)| code.clone())
                .unwrap_or_default(),
            radius_km: v.radius_km.map(|n| n.to_string()).unwrap_or_default(),
            deadline: v.deadline.format("%Y-%m-%d").to_string(),
            plan_id: v
                .plan
                .as_ref()
                .map(|(id, _)| id.to_string())
                .unwrap_or_default(),
            lot_id: v
                .lot
                .as_ref()
                .map(|(id, _)| id.to_string())
                .unwrap_or_default(),
        }
    }
}

/// An answer as typed: a message and the offers that fit (`offers[12]=on`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub message: String,
    pub offers: std::collections::BTreeMap<String, String>,
}

impl AnswerForm {
    pub fn check(&self) -> Result<(String, Vec<i32>), crate::error::AppError> {
        let mut c = Checker::new();
        let message = c.required("message", &self.message, MAX_MESSAGE);
        let mut offers = Vec::new();
        for k in self.offers.keys() {
            match k.parse::<i32>() {
                Ok(n) if n > 0 => offers.push(n),
                _ => c.push("offers", "validation.unknown_choice"),
            }
        }
        c.finish()?;
        Ok((message, offers))
    }
}

/// Whether a request still takes answers on `today`.
pub fn is_open(status: &str, deadline: NaiveDate, today: NaiveDate) -> bool {
    status == "open" && deadline >= today
}

// ---------------------------------------------------------------------------------------------
// The board

/// The board's filters, as in its URL (`/groupements?q=menuiserie&role=cotraitant`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardFilters {
    pub q: Option<String>,
    /// CPV division (2 digits).
    pub cpv: Option<String>,
    pub label: Option<String>,
    pub role: Option<PartnerRole>,
    pub kind: Option<ConsortiumKind>,
    /// Department of the commune of intervention ("69", "01").
    pub dep: Option<String>,
    /// Only requests tied to a planned procurement.
    pub with_plan: bool,
    pub page: u64,
}

pub const PAGE_SIZE: usize = 20;

impl BoardFilters {
    pub fn from_query(query: &str) -> BoardFilters {
        let p = pairs(query);
        let get = |k: &str| first(&p, k);
        BoardFilters {
            q: clean(get("q"), 200),
            cpv: super::query::digits(get("cpv"), &[2, 3, 4, 5, 6, 7, 8]),
            label: clean(get("label"), 32).filter(|l| super::offer::label_name(l).is_some()),
            role: get("role").and_then(|r| PartnerRole::parse(&r)),
            kind: get("type").and_then(|r| ConsortiumKind::parse(&r)),
            dep: clean(get("dep"), 3)
                .filter(|d| d.len() >= 2 && d.chars().all(|c| c.is_ascii_alphanumeric())),
            with_plan: get("avec_achat").as_deref() == Some("oui"),
            page: super::query::page(get("page")),
        }
    }

    pub fn to_query(&self, page: u64) -> String {
        let mut w = Writer::default();
        w.push("q", self.q.clone());
        w.push("cpv", self.cpv.clone());
        w.push("label", self.label.clone());
        w.push("role", self.role.map(|r| r.as_str().to_string()));
        w.push("type", self.kind.map(|r| r.as_str().to_string()));
        w.push("dep", self.dep.clone());
        w.push("avec_achat", self.with_plan.then(|| "oui".to_string()));
        w.push("page", (page > 1).then(|| page.to_string()));
        w.finish()
    }
}

/// What the board knows of an open request to filter and count it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardRow {
    pub id: i32,
    /// Stems of its title, description and codes' names.
    pub words: Vec<String>,
    pub cpv: Vec<String>,
    pub labels: Vec<String>,
    pub role: PartnerRole,
    pub kind: ConsortiumKind,
    pub dep: Option<String>,
    pub with_plan: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Counts of a facet's values among what the other filters show.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardFacets {
    pub cpv: Vec<(String, u64)>,
    pub labels: Vec<(String, u64)>,
    pub roles: Vec<(PartnerRole, u64)>,
    pub kinds: Vec<(ConsortiumKind, u64)>,
    pub deps: Vec<(String, u64)>,
}

/// The ids of a board page (newest first), the total, and the facets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BoardResult {
    pub ids: Vec<i32>,
    pub total: u64,
    pub facets: BoardFacets,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Facet {
    Cpv,
    Label,
    Role,
    Kind,
    Dep,
}

fn matches(row: &BoardRow, f: &BoardFilters, q_stems: &[String], except: Option<Facet>) -> bool {
    let skip = |x: Facet| except == Some(x);
    q_stems.iter().all(|s| row.words.iter().any(|w| w == s))
        && (skip(Facet::Cpv)
            || f.cpv
                .as_ref()
                .is_none_or(|d| row.cpv.iter().any(|c| c.starts_with(d.as_str()))))
        && (skip(Facet::Label) || f.label.as_ref().is_none_or(|l| row.labels.contains(l)))
        && (skip(Facet::Role) || f.role.is_none_or(|r| row.role == r))
        && (skip(Facet::Kind) || f.kind.is_none_or(|k| row.kind == k))
        && (skip(Facet::Dep) || f.dep.as_ref().is_none_or(|d| row.dep.as_ref() == Some(d)))
        && (!f.with_plan || row.with_plan)
}

fn counted<K: Ord + Clone>(values: impl Iterator<Item = K>) -> Vec<(K, u64)> {
    let mut m = std::collections::BTreeMap::new();
    for v in values {
        *m.entry(v).or_insert(0u64) += 1;
    }
    let mut out: Vec<(K, u64)> = m.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// Filters the open requests, newest first, and counts each facet's values among the requests
/// the other filters keep (so a facet shows what choosing a value would give).
pub fn board(rows: &[BoardRow], f: &BoardFilters, q_stems: &[String]) -> BoardResult {
    let mut kept: Vec<&BoardRow> = rows
        .iter()
        .filter(|r| matches(r, f, q_stems, None))
        .collect();
    kept.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let facet = |x: Facet| rows.iter().filter(move |r| matches(r, f, q_stems, Some(x)));
    let dedup = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v
    };
    let facets = BoardFacets {
        cpv: counted(facet(Facet::Cpv).flat_map(|r| {
            dedup(
                r.cpv
                    .iter()
                    .map(|c| c.get(..2).unwrap_or("").to_string())
                    .collect(),
            )
        })),
        labels: counted(facet(Facet::Label).flat_map(|r| dedup(r.labels.clone()))),
        roles: counted(facet(Facet::Role).map(|r| r.role)),
        kinds: counted(facet(Facet::Kind).map(|r| r.kind)),
        deps: counted(facet(Facet::Dep).filter_map(|r| r.dep.clone())),
    };
    let page = f.page.max(1) as usize;
    let ids = kept
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|r| r.id)
        .collect();
    BoardResult {
        ids,
        total: kept.len() as u64,
        facets,
    }
}

// ---------------------------------------------------------------------------------------------
// Views

/// A request as the board lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub id: i32,
    pub title: String,
    pub org_id: i32,
    pub org_name: String,
    pub role: PartnerRole,
    pub kind: ConsortiumKind,
    /// (code, name).
    pub cpv: Vec<(String, String)>,
    pub labels: Vec<String>,
    pub commune: Option<String>,
    pub deadline: NaiveDate,
    pub plan: Option<(i32, String)>,
    pub open: bool,
    pub answers: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardPage {
    pub rows: Vec<RequestSummary>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub facets: BoardFacets,
    /// Names of the CPV divisions in the facets.
    pub division_names: Vec<(String, String)>,
    /// Names of the departments in the facets.
    pub dep_names: Vec<(String, String)>,
}

/// An answer as the poster (or its author) reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerView {
    pub id: i32,
    pub org_id: i32,
    pub org_name: String,
    pub message: String,
    pub status: AnswerStatus,
    /// (offer id, title) of the offers it points to.
    pub offers: Vec<(i32, String)>,
    pub created_at: String,
}

/// One of the caller's firms that may answer: (id, name), and its published offers (id, title).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answerer {
    pub org_id: i32,
    pub org_name: String,
    pub offers: Vec<(i32, String)>,
}

/// A request's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestView {
    pub id: i32,
    pub title: String,
    pub description: String,
    pub org_id: i32,
    pub org_name: String,
    pub role: PartnerRole,
    pub kind: ConsortiumKind,
    pub cpv: Vec<(String, String)>,
    pub labels: Vec<String>,
    pub capacity: Option<String>,
    /// (INSEE code, name).
    pub commune: Option<(String, String)>,
    pub radius_km: Option<i32>,
    pub deadline: NaiveDate,
    pub plan: Option<(i32, String)>,
    pub lot: Option<(i32, String)>,
    pub open: bool,
    pub closed: bool,
    /// The caller is a member of the poster.
    pub mine: bool,
    /// Every answer, for the poster; the caller's own firms' answers otherwise.
    pub answers: Vec<AnswerView>,
    /// The caller's firms that may answer, with their published offers.
    pub can_answer: Vec<Answerer>,
    /// For the poster: the partners and consortia the engine proposes.
    pub proposals: Option<ProposalsView>,
}

/// What the request form starts from: the caller's businesses, and the planned procurement
/// (with its lots) the request is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormContext {
    pub orgs: Vec<(i32, String)>,
    pub plan: Option<(i32, String)>,
    /// (id, number, title, CPV).
    pub lots: Vec<(i32, i32, String, String)>,
    /// The form filled from the procurement (its or the lot's codes, its labels).
    pub form: RequestForm,
    /// When editing: the request's id and its firm.
    pub editing: Option<(i32, String)>,
}

// ---------------------------------------------------------------------------------------------
// Proposals (the matchmaking engine's output, named)

/// A requirement as shown: its lot, and the code or label with its name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NeedLine {
    pub lot: Option<i32>,
    pub cpv: Option<String>,
    pub label: Option<String>,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberLine {
    pub id: i32,
    pub name: String,
    pub commune: Option<String>,
    pub sme: bool,
    pub inclusive: bool,
}

/// Which firm covers which requirement, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoverLine {
    /// Index in `ProposalsView::needs`.
    pub need: usize,
    pub firm_id: i32,
    pub firm_name: String,
    pub basis: super::matchmaking::Basis,
    pub won: u32,
    pub km: Option<u32>,
    pub capacity_short: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsortiumLine {
    pub members: Vec<MemberLine>,
    /// The engine's score, as a percentage.
    pub score_pct: u32,
    pub covers: Vec<CoverLine>,
    /// Needs it leaves (when no consortium covers all).
    pub missing: Vec<usize>,
    pub farthest_km: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartnerLine {
    pub member: MemberLine,
    pub completes: Vec<CoverLine>,
    pub improves: Vec<CoverLine>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProposalsView {
    pub needs: Vec<NeedLine>,
    pub consortia: Vec<ConsortiumLine>,
    pub partners: Vec<PartnerLine>,
    /// Needs no local firm covers: a shortage.
    pub uncovered: Vec<usize>,
    /// The place of execution's name, when known.
    pub place: Option<String>,
    /// The firm the partners complement.
    pub firm: Option<MemberLine>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn form() -> RequestForm {
        RequestForm {
            title: "Menuisier pour la rénovation de l'école Jean-Macé".into(),
            cpv: "45421000-4, 45421100".into(),
            labels: [("rge".to_string(), "on".to_string())].into(),
            role: "cotraitant".into(),
            kind: "conjoint".into(),
            deadline: "15/01/2027".into(),
            ..RequestForm::default()
        }
    }

    #[test]
    fn a_request_is_read_with_its_codes_labels_and_deadline() {
        let r = form().check(today()).unwrap();
        assert_eq!(r.cpv, vec!["45421000", "45421100"]);
        assert_eq!(r.labels, vec!["rge"]);
        assert_eq!(r.role, PartnerRole::CoContractor);
        assert_eq!(r.deadline, NaiveDate::from_ymd_opt(2027, 1, 15).unwrap());
        let mut iso = form();
        iso.deadline = "2027-01-15".into();
        assert_eq!(iso.check(today()).unwrap().deadline, r.deadline);
    }

    fn keys(f: RequestForm) -> Vec<(String, String)> {
        match f.check(today()) {
            Err(crate::error::AppError::Invalid(fields)) => {
                fields.into_iter().map(|e| (e.field, e.key)).collect()
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn bad_requests_get_one_message_a_field() {
        let mut f = form();
        f.deadline = "30/11/2026".into();
        assert!(keys(f).contains(&("deadline".into(), "partners.deadline_past".into())));
        let mut f = form();
        f.deadline = "2028-06-01".into();
        assert!(keys(f).contains(&("deadline".into(), "partners.deadline_far".into())));
        let mut f = form();
        f.deadline = "demain".into();
        assert!(keys(f).contains(&("deadline".into(), "partners.deadline_format".into())));
        let mut f = form();
        f.cpv = Default::default();
        f.labels.clear();
        assert!(keys(f).contains(&("cpv".into(), "partners.need_something".into())));
        let mut f = form();
        f.role = "patron".into();
        f.labels = [("faux".to_string(), "on".to_string())].into();
        f.lot_id = "3".into();
        let k = keys(f);
        assert!(k.contains(&("role".into(), "validation.unknown_choice".into())));
        assert!(k.contains(&("labels".into(), "validation.unknown_choice".into())));
        assert!(k.contains(&("lot_id".into(), "partners.lot_without_plan".into())));
    }

    #[test]
    fn the_board_filters_round_trip_and_drop_what_cannot_be_right() {
        let f = BoardFilters::from_query("q=menuiserie&cpv=45&label=rge&role=cotraitant&type=solidaire&dep=69&avec_achat=oui&page=2");
        assert_eq!(f.role, Some(PartnerRole::CoContractor));
        assert_eq!(f.kind, Some(ConsortiumKind::Several));
        assert_eq!(BoardFilters::from_query(&f.to_query(2)), f);
        let bad = BoardFilters::from_query("cpv=4&label=faux&role=x&type=y&dep=%3Cb%3E&page=-1");
        assert_eq!(
            bad,
            BoardFilters {
                page: 1,
                ..BoardFilters::default()
            }
        );
    }

    fn row(id: i32, cpv: &str, role: PartnerRole, dep: &str, words: &[&str]) -> BoardRow {
        BoardRow {
            id,
            words: words.iter().map(|s| s.to_string()).collect(),
            cpv: vec![cpv.into()],
            labels: if id % 2 == 0 {
                vec!["rge".into()]
            } else {
                vec![]
            },
            role,
            kind: ConsortiumKind::Joint,
            dep: Some(dep.into()),
            with_plan: id > 2,
            created_at: chrono::DateTime::from_timestamp(1_700_000_000 + i64::from(id), 0).unwrap(),
        }
    }

    #[test]
    fn the_board_keeps_what_matches_newest_first_and_counts_facets_without_their_own_filter() {
        use PartnerRole::*;
        let rows = vec![
            row(1, "45421000", CoContractor, "69", &["menuis", "ecol"]),
            row(2, "45330000", Subcontractor, "69", &["plomber"]),
            row(3, "45421100", Subcontractor, "01", &["menuis"]),
            row(4, "90910000", CoContractor, "69", &["nettoyag"]),
        ];
        let all = board(&rows, &BoardFilters::default(), &[]);
        assert_eq!(all.ids, vec![4, 3, 2, 1]);
        let f = BoardFilters {
            cpv: Some("45".into()),
            role: Some(Subcontractor),
            ..Default::default()
        };
        let r = board(&rows, &f, &[]);
        assert_eq!(r.ids, vec![3, 2]);
        // The role facet counts among CPV 45 whatever the role; the CPV facet among subcontractors.
        assert_eq!(r.facets.roles, vec![(Subcontractor, 2), (CoContractor, 1)]);
        assert_eq!(r.facets.cpv, vec![("45".to_string(), 2)]);
        let words = board(&rows, &BoardFilters::default(), &["menuis".to_string()]);
        assert_eq!(words.ids, vec![3, 1]);
        let labelled = BoardFilters {
            label: Some("rge".into()),
            with_plan: true,
            ..Default::default()
        };
        assert_eq!(board(&rows, &labelled, &[]).ids, vec![4]);
    }

    #[test]
    fn a_board_page_holds_twenty_and_the_last_the_rest() {
        let rows: Vec<BoardRow> = (1..=45)
            .map(|i| row(i, "45421000", PartnerRole::CoContractor, "69", &[]))
            .collect();
        let third = board(
            &rows,
            &BoardFilters {
                page: 3,
                ..Default::default()
            },
            &[],
        );
        assert_eq!(third.total, 45);
        assert_eq!(third.ids, vec![5, 4, 3, 2, 1]);
    }
}

crate::domain::stored_form!(PartnerRole, ConsortiumKind, AnswerStatus);
