//! The audit trail: who changed a right, a verification, an organisation's identity, a label
//! decision, an import or a deletion, when, and from which address. What an administrator reads
//! and filters; the rows themselves cannot be changed by the application.

use serde::{Deserialize, Serialize};

/// What was done.
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
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    /// An administrator gave the analyst's right.
    AnalystGiven,
    /// An administrator took it back.
    AnalystTaken,
    /// An administrator gave an account a territory to facilitate insertion in.
    FacilitatorGiven,
    /// An administrator took the facilitator's role back.
    FacilitatorTaken,
    /// An organisation was created (its SIRET claimed).
    OrgCreated,
    /// An administrator verified an organisation.
    OrgVerified,
    /// An owner changed the organisation's identity (name, place, activity…).
    OrgEdited,
    /// An owner accepted a person into the organisation.
    MemberAccepted,
    /// An owner refused a request to join.
    MemberRefused,
    /// A person left an organisation.
    MemberLeft,
    /// An analyst decided on a label application (granted, refused, changes asked).
    LabelDecided,
    /// An administrator imported a file of past contracts.
    ImportStarted,
    /// A password was changed (other sessions ended).
    PasswordChanged,
    /// A password was reset by email (every session ended).
    PasswordReset,
    /// An administrator signed an account out everywhere.
    SignedOutEverywhere,
    /// A person deleted their account.
    AccountDeleted,
    /// A person turned a second factor on (or renewed it).
    SecondFactorOn,
    /// A person turned their second factor off.
    SecondFactorOff,
    /// A person signed in with a recovery code (their authenticator lost, perhaps).
    RecoveryCodeUsed,
    /// A person asked for new recovery codes (the old ones stop working).
    RecoveryCodesRenewed,
    /// Someone claimed an organisation already registered under its SIRET.
    OrgClaimed,
    /// A reviewer gave the organisation to its claimant.
    ClaimGranted,
    /// A reviewer refused a claim.
    ClaimRefused,
    /// A member deleted an offer of the catalogue (with its photos and label applications).
    OfferDeleted,
    /// A buyer deleted a draft of a planned procurement.
    PlanDeleted,
}

crate::domain::stored_form!(Action);

impl Action {
    pub fn label_key(self) -> String {
        format!("audit.action.{}", self.as_str())
    }

    pub fn all() -> Vec<Action> {
        use strum::IntoEnumIterator;
        Action::iter().collect()
    }
}

/// One event as the journal shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: i32,
    /// "16/03/2027 14:30", Paris time.
    pub at: String,
    /// "Name (email)" of who did it; none for the system (a command-line import) or a
    /// deleted account (then `actor_id` still says which).
    pub actor: Option<String>,
    pub actor_id: Option<i32>,
    pub ip: Option<String>,
    pub action: Action,
    /// What it was done to, in words ("Organisation Menuiserie X (SIRET …)").
    pub target: String,
    /// What changed, as recorded.
    pub detail: String,
}

/// The journal's filters, read from its address.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    pub action: Option<Action>,
    /// Part of the email of who did it.
    pub actor: Option<String>,
    /// From this day (YYYY-MM-DD), included.
    pub from: Option<chrono::NaiveDate>,
    /// Up to this day, included.
    pub to: Option<chrono::NaiveDate>,
    pub page: u64,
}

/// Events of the journal a page.
pub const PER_PAGE: u64 = 50;

impl Filter {
    /// Reads the query string leniently: a value that cannot be right is dropped.
    pub fn from_query(query: &str) -> Filter {
        let pairs = crate::domain::query::pairs(query);
        let get = |k: &str| crate::domain::query::first(&pairs, k).filter(|v| !v.trim().is_empty());
        Filter {
            action: get("action").and_then(|a| Action::parse(&a)),
            actor: get("qui").map(|a| a.trim().chars().take(254).collect()),
            from: get("du").and_then(|d| d.parse().ok()),
            to: get("au").and_then(|d| d.parse().ok()),
            page: get("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        }
    }

    /// The query string of these filters at `page` (defaults left out).
    pub fn query(&self, page: u64) -> String {
        let mut w = crate::domain::query::Writer::default();
        w.push("action", self.action.map(|a| a.as_str().to_string()));
        w.push("qui", self.actor.clone());
        w.push("du", self.from.map(|d| d.to_string()));
        w.push("au", self.to.map(|d| d.to_string()));
        w.push("page", (page > 1).then(|| page.to_string()));
        w.finish()
    }
}

/// A page of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Journal {
    pub events: Vec<Event>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_round_trip_through_the_address() {
        let f = Filter::from_query(
            "action=org_verified&qui=admin%40x.fr&du=2026-12-01&au=pas-une-date&page=3",
        );
        assert_eq!(f.action, Some(Action::OrgVerified));
        assert_eq!(f.actor.as_deref(), Some("admin@x.fr"));
        assert_eq!(f.from, chrono::NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(f.to, None, "a date that is none is dropped");
        assert_eq!(f.page, 3);
        assert_eq!(
            Filter::from_query(&f.query(2)),
            Filter {
                page: 2,
                ..f.clone()
            }
        );
        assert_eq!(
            Filter::from_query("action=drop_table&page=-1"),
            Filter {
                page: 1,
                ..Default::default()
            }
        );
    }

    #[test]
    fn every_action_has_a_stored_form() {
        for a in Action::all() {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
    }
}
