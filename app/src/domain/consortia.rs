//! Consortia being formed on the platform: a firm (the mandataire) invites others, who accept or
//! decline; each member has a role and a share (the lot or requirement it takes); the
//! consortium goes from forming to formed, bid submitted, then won or lost. Its conversation is
//! its accepted members' only.

use serde::{Deserialize, Serialize};

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
pub enum Stage {
    Forming,
    Formed,
    Submitted,
    Won,
    Lost,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Forming,
        Stage::Formed,
        Stage::Submitted,
        Stage::Won,
        Stage::Lost,
    ];
    pub fn label_key(self) -> String {
        format!("consortium.stages.{}", self.as_str())
    }
    /// The stages one may move to from this one. A formed consortium may go back to forming (a
    /// member left); won and lost are final.
    pub fn next(self) -> &'static [Stage] {
        match self {
            Stage::Forming => &[Stage::Formed],
            Stage::Formed => &[Stage::Submitted, Stage::Forming],
            Stage::Submitted => &[Stage::Won, Stage::Lost],
            Stage::Won | Stage::Lost => &[],
        }
    }
}

/// Why a consortium cannot move to a stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageError {
    /// Not a next stage of the current one.
    NotNext,
    /// A consortium is formed by two firms at least that accepted.
    TooFew,
    /// Invitations still wait for an answer.
    Pending,
}

impl StageError {
    pub fn key(self) -> &'static str {
        match self {
            StageError::NotNext => "consortium.stage_not_next",
            StageError::TooFew => "consortium.stage_too_few",
            StageError::Pending => "consortium.stage_pending",
        }
    }
}

/// Whether a consortium with `accepted` members and `pending` invitations may go to `to`.
pub fn may_become(
    from: Stage,
    to: Stage,
    accepted: usize,
    pending: usize,
) -> Result<(), StageError> {
    if !from.next().contains(&to) {
        return Err(StageError::NotNext);
    }
    if to == Stage::Formed {
        if accepted < 2 {
            return Err(StageError::TooFew);
        }
        if pending > 0 {
            return Err(StageError::Pending);
        }
    }
    Ok(())
}

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
pub enum MemberRole {
    /// Represents the consortium to the buyer (one per consortium: its lead).
    #[strum(serialize = "mandataire")]
    Lead,
    #[strum(serialize = "cotraitant")]
    CoContractor,
    #[strum(serialize = "sous_traitant")]
    Subcontractor,
}

impl MemberRole {
    pub const ALL: [MemberRole; 3] = [
        MemberRole::Lead,
        MemberRole::CoContractor,
        MemberRole::Subcontractor,
    ];
    pub fn label_key(self) -> String {
        format!("consortium.roles.{}", self.as_str())
    }
}

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
pub enum MemberStatus {
    Invited,
    Accepted,
    Declined,
}

impl MemberStatus {
    pub fn label_key(self) -> String {
        format!("consortium.member_status.{}", self.as_str())
    }
}

pub const MAX_NAME: usize = 200;
pub const MAX_SHARE: usize = 300;
pub const MAX_MESSAGE: usize = 4000;
/// Members at most (invited or accepted): beyond, the consortium is not one a small firm runs.
pub const MAX_MEMBERS: usize = 12;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub id: i32,
    pub org_id: i32,
    pub org_name: String,
    pub role: MemberRole,
    pub status: MemberStatus,
    pub share: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub org_name: String,
    pub author: String,
    pub body: String,
    pub at: String,
}

/// A consortium as its participants see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsortiumView {
    pub id: i32,
    pub name: String,
    pub kind: super::partners::ConsortiumKind,
    pub stage: Stage,
    pub plan: Option<(i32, String)>,
    pub request: Option<(i32, String)>,
    /// The quick consultation a producers' grouping answers.
    #[serde(default)]
    pub quote: Option<(i32, String)>,
    pub lead_id: i32,
    pub members: Vec<MemberView>,
    /// Only for accepted members.
    pub messages: Vec<MessageView>,
    /// The caller's firm in it, and where it stands.
    pub me: Option<MemberView>,
    /// The caller is a member of the lead (invites, sets stages and shares).
    pub is_lead: bool,
    pub next: Vec<Stage>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsortiumSummary {
    pub id: i32,
    pub name: String,
    pub stage: Stage,
    pub plan: Option<(i32, String)>,
    pub members: Vec<String>,
    /// The caller's firm's place in it.
    pub my_org: String,
    pub my_status: MemberStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consortium_is_formed_by_two_firms_that_accepted_and_no_pending_invitation() {
        assert_eq!(
            may_become(Stage::Forming, Stage::Formed, 1, 0),
            Err(StageError::TooFew)
        );
        assert_eq!(
            may_become(Stage::Forming, Stage::Formed, 2, 1),
            Err(StageError::Pending)
        );
        assert_eq!(may_become(Stage::Forming, Stage::Formed, 2, 0), Ok(()));
        assert_eq!(
            may_become(Stage::Forming, Stage::Won, 3, 0),
            Err(StageError::NotNext)
        );
        assert_eq!(may_become(Stage::Formed, Stage::Submitted, 2, 0), Ok(()));
        assert_eq!(may_become(Stage::Formed, Stage::Forming, 2, 0), Ok(()));
        assert_eq!(may_become(Stage::Submitted, Stage::Lost, 2, 0), Ok(()));
        assert!(Stage::Won.next().is_empty() && Stage::Lost.next().is_empty());
    }

    #[test]
    fn stages_and_roles_are_read_back_from_their_codes() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
        for r in MemberRole::ALL {
            assert_eq!(MemberRole::parse(r.as_str()), Some(r));
        }
        assert_eq!(Stage::parse("gagné"), None);
    }
}

crate::domain::stored_form!(Stage, MemberRole, MemberStatus);
