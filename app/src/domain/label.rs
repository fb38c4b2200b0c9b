//! The territorial label: referentials that chamber analysts manage, and the life of an
//! application (a business asks for the label for itself or one of its offers, answers the
//! criteria with evidence, an analyst decides; a granted label expires or is withdrawn).
//! The rules of who may do what, when, are here; the server applies them.

use super::validate::Checker;
use serde::{Deserialize, Serialize};

/// What a referential labels.
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
pub enum LabelTarget {
    /// A business as a whole.
    Org,
    /// One offer of the catalogue.
    Offer,
    /// Either.
    Any,
}

impl LabelTarget {
    pub const ALL: [LabelTarget; 3] = [LabelTarget::Offer, LabelTarget::Org, LabelTarget::Any];

    pub fn label_key(self) -> String {
        format!("label.target.{}", self.as_str())
    }

    /// Whether an application for an offer (`for_offer`) or for the business fits.
    pub fn allows(self, for_offer: bool) -> bool {
        match self {
            LabelTarget::Org => !for_offer,
            LabelTarget::Offer => for_offer,
            LabelTarget::Any => true,
        }
    }
}

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
pub enum SchemeStatus {
    /// Being written: criteria can change; nobody can apply yet.
    Draft,
    /// Businesses can apply; the criteria are frozen (answers refer to them).
    Open,
    /// No new application; labels granted stay until they expire.
    Closed,
}

impl SchemeStatus {
    pub const ALL: [SchemeStatus; 3] = [
        SchemeStatus::Draft,
        SchemeStatus::Open,
        SchemeStatus::Closed,
    ];

    pub fn label_key(self) -> String {
        format!("label.scheme_status.{}", self.as_str())
    }

    /// Whether the analysts may move a referential from `self` to `to`: a draft opens; an open
    /// referential closes; a closed one opens again. A referential never goes back to draft,
    /// since applications refer to its criteria.
    pub fn may_become(self, to: SchemeStatus) -> bool {
        matches!(
            (self, to),
            (SchemeStatus::Draft, SchemeStatus::Open)
                | (SchemeStatus::Open, SchemeStatus::Closed)
                | (SchemeStatus::Closed, SchemeStatus::Open)
        )
    }
}

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
pub enum ApplicationStatus {
    /// Being filled in by the business.
    Draft,
    /// Waiting for an analyst.
    Submitted,
    /// Sent back by an analyst, with what to change.
    ChangesRequested,
    Granted,
    Refused,
    /// Withdrawn by the business, or a granted label withdrawn by an analyst.
    Withdrawn,
    /// Granted, and past its validity.
    Expired,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 7] = [
        ApplicationStatus::Draft,
        ApplicationStatus::Submitted,
        ApplicationStatus::ChangesRequested,
        ApplicationStatus::Granted,
        ApplicationStatus::Refused,
        ApplicationStatus::Withdrawn,
        ApplicationStatus::Expired,
    ];

    pub fn label_key(self) -> String {
        format!("label.status.{}", self.as_str())
    }

    /// The business may change its answers and evidence.
    pub fn editable(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Draft | ApplicationStatus::ChangesRequested
        )
    }

    /// Still going or in force: a second application for the same label and holder waits until
    /// this one ends.
    pub fn live(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Draft
                | ApplicationStatus::Submitted
                | ApplicationStatus::ChangesRequested
                | ApplicationStatus::Granted
        )
    }
}

/// Who acts on an application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// An active member of the applying business.
    Member,
    /// A chamber analyst or an administrator.
    Analyst,
    /// The server (expiry).
    System,
}

/// A step of an application, as recorded in its history.
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
pub enum LabelAction {
    Created,
    Answered,
    EvidenceAdded,
    EvidenceRemoved,
    Submitted,
    ChangesRequested,
    Granted,
    Refused,
    Withdrawn,
    Expired,
}

impl LabelAction {
    pub const ALL: [LabelAction; 10] = [
        LabelAction::Created,
        LabelAction::Answered,
        LabelAction::EvidenceAdded,
        LabelAction::EvidenceRemoved,
        LabelAction::Submitted,
        LabelAction::ChangesRequested,
        LabelAction::Granted,
        LabelAction::Refused,
        LabelAction::Withdrawn,
        LabelAction::Expired,
    ];

    pub fn label_key(self) -> String {
        format!("label.action.{}", self.as_str())
    }

    /// An analyst's decision against the business says why; so does an analyst's withdrawal.
    pub fn needs_reason(self, actor: Actor) -> bool {
        match self {
            LabelAction::ChangesRequested | LabelAction::Refused => true,
            LabelAction::Withdrawn => actor == Actor::Analyst,
            _ => false,
        }
    }
}

/// The status an application takes when `actor` does `action` in `status`; `None` when that
/// step is not allowed (the server refuses it and changes nothing).
pub fn next(
    status: ApplicationStatus,
    action: LabelAction,
    actor: Actor,
) -> Option<ApplicationStatus> {
    use ApplicationStatus as S;
    use LabelAction as A;
    match (actor, action, status) {
        (Actor::Member, A::Answered | A::EvidenceAdded | A::EvidenceRemoved, s) if s.editable() => {
            Some(s)
        }
        (Actor::Member, A::Submitted, S::Draft | S::ChangesRequested) => Some(S::Submitted),
        // The business may give up at any time before the end, and renounce a label it holds.
        (Actor::Member, A::Withdrawn, s) if s.live() => Some(S::Withdrawn),
        (Actor::Analyst, A::ChangesRequested, S::Submitted) => Some(S::ChangesRequested),
        (Actor::Analyst, A::Granted, S::Submitted) => Some(S::Granted),
        (Actor::Analyst, A::Refused, S::Submitted) => Some(S::Refused),
        (Actor::Analyst, A::Withdrawn, S::Granted) => Some(S::Withdrawn),
        (Actor::System, A::Expired, S::Granted) => Some(S::Expired),
        _ => None,
    }
}

pub const MAX_NAME: usize = 120;
pub const MAX_DESCRIPTION: usize = 4000;
pub const MAX_QUESTION: usize = 500;
pub const MAX_EVIDENCE: usize = 300;
pub const MAX_ANSWER: usize = 4000;
pub const MAX_REASON: usize = 2000;
pub const MAX_CRITERIA: usize = 30;
/// Files an application can hold, all criteria together.
pub const MAX_FILES: u64 = 20;
/// Validity of a granted label, in months.
pub const VALIDITY_MONTHS: std::ops::RangeInclusive<i64> = 1..=60;

/// A referential as typed in its form (a field left out reads as empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SchemeForm {
    pub name: String,
    pub description: String,
    pub target: String,
    pub validity_months: String,
}

/// A referential, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemeInput {
    pub name: String,
    pub description: String,
    pub target: LabelTarget,
    pub validity_months: i32,
}

/// The same checks in the browser, as the person types.
impl crate::domain::validate::LiveChecked for SchemeForm {
    fn field_errors(&self, _: &crate::domain::validate::Clock) -> Vec<crate::error::FieldError> {
        crate::domain::validate::field_errors_of(self.check())
    }
}

impl SchemeForm {
    pub fn check(&self) -> Result<SchemeInput, crate::error::AppError> {
        let mut c = Checker::new();
        let name = c.required("name", &self.name, MAX_NAME);
        let description = c
            .optional("description", &self.description, MAX_DESCRIPTION)
            .unwrap_or_default();
        let target = LabelTarget::parse(&self.target);
        if target.is_none() {
            c.push("target", "validation.unknown_choice");
        }
        let months = c.decimal(
            "validity_months",
            &self.validity_months,
            0,
            *VALIDITY_MONTHS.start(),
            *VALIDITY_MONTHS.end(),
        );
        if months.is_none() && self.validity_months.trim().is_empty() {
            c.push("validity_months", "validation.required");
        }
        c.finish()?;
        Ok(SchemeInput {
            name,
            description,
            target: target.unwrap_or(LabelTarget::Any),
            validity_months: months.unwrap_or(12) as i32,
        })
    }
}

/// A criterion: its question, and what evidence to attach (none: an answer is enough).
pub fn check_criterion(
    question: &str,
    evidence: &str,
) -> Result<(String, Option<String>), crate::error::AppError> {
    let mut c = Checker::new();
    let q = c.required("question", question, MAX_QUESTION);
    let e = c.optional("evidence", evidence, MAX_EVIDENCE);
    c.finish()?;
    Ok((q, e))
}

/// The reason of a decision, when the step needs one.
pub fn check_reason(
    action: LabelAction,
    actor: Actor,
    reason: &str,
) -> Result<Option<String>, crate::error::AppError> {
    let mut c = Checker::new();
    let r = if action.needs_reason(actor) {
        Some(c.required("reason", reason, MAX_REASON))
    } else {
        c.optional("reason", reason, MAX_REASON)
    };
    c.finish()?;
    Ok(r)
}

/// What is missing before an application can be sent: for each criterion (id, asks evidence),
/// its answer and number of files. Returns the criteria without an answer, and those whose
/// evidence is missing.
pub fn missing(criteria: &[(i32, bool, bool, usize)]) -> (Vec<i32>, Vec<i32>) {
    let unanswered = criteria
        .iter()
        .filter(|(_, _, answered, _)| !answered)
        .map(|c| c.0)
        .collect();
    let no_evidence = criteria
        .iter()
        .filter(|(_, asks, _, files)| *asks && *files == 0)
        .map(|c| c.0)
        .collect();
    (unanswered, no_evidence)
}

/// The end of validity of a label granted at `granted` for `months` (the same day, months later;
/// the 31st becomes the month's last day).
pub fn expiry(
    granted: chrono::DateTime<chrono::Utc>,
    months: i32,
) -> chrono::DateTime<chrono::Utc> {
    granted
        .checked_add_months(chrono::Months::new(months.max(1) as u32))
        .unwrap_or(granted)
}

/// A label shown beside an offer or a business.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelBadge {
    pub scheme_id: i32,
    pub name: String,
    /// dd/mm/yyyy.
    pub until: String,
}

/// A referential in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeSummary {
    pub id: i32,
    pub name: String,
    pub target: LabelTarget,
    pub validity_months: i32,
    pub status: SchemeStatus,
    pub criteria: usize,
    pub holders: u64,
    /// Applications waiting for an analyst.
    pub waiting: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionView {
    pub id: i32,
    pub question: String,
    pub evidence: Option<String>,
}

/// Who holds a label: a business, or one of its offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub org_id: i32,
    pub org_name: String,
    pub offer: Option<(i32, String)>,
    pub until: String,
}

/// A referential, whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeView {
    pub id: i32,
    pub name: String,
    pub description: String,
    pub target: LabelTarget,
    pub validity_months: i32,
    pub status: SchemeStatus,
    pub criteria: Vec<CriterionView>,
    pub holders: Vec<Holder>,
}

/// An application in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationSummary {
    pub id: i32,
    pub scheme: String,
    pub org_name: String,
    pub offer: Option<String>,
    pub status: ApplicationStatus,
    /// dd/mm/yyyy of the last change.
    pub updated: String,
    pub until: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceView {
    pub id: i32,
    pub name: String,
    /// "240 Ko".
    pub size: String,
    pub url: String,
}

/// A criterion of an application, with what the business gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierCriterion {
    pub criterion: CriterionView,
    pub answer: String,
    pub files: Vec<EvidenceView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub action: LabelAction,
    pub actor: Option<String>,
    pub note: Option<String>,
    /// dd/mm/yyyy hh:mm (UTC).
    pub at: String,
}

/// An application as its business and the analysts see it, with what the viewer may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    pub id: i32,
    pub scheme_id: i32,
    pub scheme: String,
    pub org_id: i32,
    pub org_name: String,
    pub offer: Option<(i32, String)>,
    pub status: ApplicationStatus,
    pub reason: Option<String>,
    pub until: Option<String>,
    pub criteria: Vec<DossierCriterion>,
    pub events: Vec<EventView>,
    /// The viewer is a member of the business.
    pub member: bool,
    /// The viewer is an analyst who may decide (never one of the business's members).
    pub reviewer: bool,
}

/// A business's applications and what it may apply for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgLabels {
    pub org_id: i32,
    pub org_name: String,
    pub applications: Vec<ApplicationSummary>,
    /// Open referentials: id, name, target.
    pub open: Vec<(i32, String, LabelTarget)>,
    /// The business's offers (id, title), for an application for one of them.
    pub offers: Vec<(i32, String)>,
}

/// "240 Ko", "1,2 Mo".
pub fn file_size(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} Ko", (bytes + 1023) / 1024)
    } else {
        format!("{:.1} Mo", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationStatus as S;
    use LabelAction as A;

    #[test]
    fn a_business_fills_in_sends_and_an_analyst_decides() {
        assert_eq!(next(S::Draft, A::Answered, Actor::Member), Some(S::Draft));
        assert_eq!(
            next(S::Draft, A::Submitted, Actor::Member),
            Some(S::Submitted)
        );
        // Once sent, the answers are frozen until an analyst sends them back.
        assert_eq!(next(S::Submitted, A::Answered, Actor::Member), None);
        assert_eq!(next(S::Submitted, A::EvidenceAdded, Actor::Member), None);
        assert_eq!(
            next(S::Submitted, A::ChangesRequested, Actor::Analyst),
            Some(S::ChangesRequested)
        );
        assert_eq!(
            next(S::ChangesRequested, A::EvidenceRemoved, Actor::Member),
            Some(S::ChangesRequested)
        );
        assert_eq!(
            next(S::ChangesRequested, A::Submitted, Actor::Member),
            Some(S::Submitted)
        );
        assert_eq!(
            next(S::Submitted, A::Granted, Actor::Analyst),
            Some(S::Granted)
        );
        assert_eq!(
            next(S::Granted, A::Expired, Actor::System),
            Some(S::Expired)
        );
        assert_eq!(
            next(S::Submitted, A::Refused, Actor::Analyst),
            Some(S::Refused)
        );
    }

    #[test]
    fn nobody_takes_a_step_that_is_not_theirs() {
        // A business never decides; an analyst never fills in nor sends.
        for a in [A::Granted, A::Refused, A::ChangesRequested, A::Expired] {
            for s in ApplicationStatus::ALL {
                assert_eq!(next(s, a, Actor::Member), None, "{a:?} in {s:?}");
            }
        }
        for a in [A::Answered, A::EvidenceAdded, A::Submitted, A::Created] {
            for s in ApplicationStatus::ALL {
                assert_eq!(next(s, a, Actor::Analyst), None, "{a:?} in {s:?}");
            }
        }
        // Decisions are on sent applications only; a draft is not granted.
        assert_eq!(next(S::Draft, A::Granted, Actor::Analyst), None);
        assert_eq!(next(S::ChangesRequested, A::Granted, Actor::Analyst), None);
        // Only a granted label expires, and an analyst withdraws only a granted one.
        assert_eq!(next(S::Submitted, A::Expired, Actor::System), None);
        assert_eq!(next(S::Submitted, A::Withdrawn, Actor::Analyst), None);
        assert_eq!(
            next(S::Granted, A::Withdrawn, Actor::Analyst),
            Some(S::Withdrawn)
        );
        // Ended applications stay ended.
        for s in [S::Refused, S::Withdrawn, S::Expired] {
            for a in LabelAction::ALL {
                for actor in [Actor::Member, Actor::Analyst, Actor::System] {
                    assert_eq!(next(s, a, actor), None, "{a:?} by {actor:?} in {s:?}");
                }
            }
        }
    }

    #[test]
    fn the_business_may_give_up_until_the_end() {
        for s in [S::Draft, S::Submitted, S::ChangesRequested, S::Granted] {
            assert_eq!(next(s, A::Withdrawn, Actor::Member), Some(S::Withdrawn));
        }
    }

    #[test]
    fn decisions_against_the_business_say_why() {
        assert!(check_reason(A::Refused, Actor::Analyst, "  ").is_err());
        assert!(check_reason(A::ChangesRequested, Actor::Analyst, "").is_err());
        assert!(check_reason(A::Withdrawn, Actor::Analyst, "").is_err());
        assert_eq!(check_reason(A::Withdrawn, Actor::Member, ""), Ok(None));
        assert_eq!(check_reason(A::Granted, Actor::Analyst, ""), Ok(None));
        assert_eq!(
            check_reason(A::Refused, Actor::Analyst, " Pas de preuve d'origine "),
            Ok(Some("Pas de preuve d'origine".into()))
        );
        assert!(check_reason(A::Refused, Actor::Analyst, &"x".repeat(MAX_REASON + 1)).is_err());
    }

    #[test]
    fn a_referential_is_checked_field_by_field() {
        let ok = SchemeForm {
            name: " Produit en Lyonnais ".into(),
            description: "".into(),
            target: "offer".into(),
            validity_months: "24".into(),
        }
        .check()
        .unwrap();
        assert_eq!(ok.name, "Produit en Lyonnais");
        assert_eq!(ok.target, LabelTarget::Offer);
        assert_eq!(ok.validity_months, 24);
        let Err(crate::error::AppError::Invalid(errors)) = SchemeForm {
            name: "".into(),
            description: "".into(),
            target: "planet".into(),
            validity_months: "0".into(),
        }
        .check() else {
            panic!("a bad referential is refused")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "target", "validity_months"]);
        assert!(SchemeForm {
            name: "x".into(),
            description: "".into(),
            target: "any".into(),
            validity_months: "".into(),
        }
        .check()
        .is_err());
    }

    #[test]
    fn referentials_never_go_back_to_draft() {
        use SchemeStatus::*;
        assert!(Draft.may_become(Open));
        assert!(Open.may_become(Closed));
        assert!(Closed.may_become(Open));
        assert!(!Open.may_become(Draft));
        assert!(!Closed.may_become(Draft));
        assert!(!Draft.may_become(Closed));
    }

    #[test]
    fn a_label_lasts_its_months_to_the_day() {
        use chrono::TimeZone;
        let granted = chrono::Utc.with_ymd_and_hms(2026, 1, 31, 10, 0, 0).unwrap();
        assert_eq!(
            expiry(granted, 1),
            chrono::Utc.with_ymd_and_hms(2026, 2, 28, 10, 0, 0).unwrap()
        );
        assert_eq!(
            expiry(granted, 24),
            chrono::Utc.with_ymd_and_hms(2028, 1, 31, 10, 0, 0).unwrap()
        );
    }

    #[test]
    fn what_is_missing_before_sending() {
        // (criterion, asks evidence, answered, files)
        let (unanswered, no_evidence) =
            missing(&[(1, false, true, 0), (2, true, true, 0), (3, true, false, 1)]);
        assert_eq!(unanswered, [3]);
        assert_eq!(no_evidence, [2]);
    }

    #[test]
    fn targets_fit_applications() {
        assert!(LabelTarget::Offer.allows(true));
        assert!(!LabelTarget::Offer.allows(false));
        assert!(LabelTarget::Org.allows(false));
        assert!(!LabelTarget::Org.allows(true));
        assert!(LabelTarget::Any.allows(true) && LabelTarget::Any.allows(false));
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(file_size(1), "1 Ko");
        assert_eq!(file_size(240 * 1024), "240 Ko");
        assert_eq!(file_size(1_300_000), "1,2 Mo");
    }
}

crate::domain::stored_form!(LabelTarget, SchemeStatus, ApplicationStatus, LabelAction);
