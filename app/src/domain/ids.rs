//! Typed ids: a user's id and an organisation's are both whole numbers in the database, but a
//! function that takes both cannot be handed them the wrong way round. Each is the row's id, as
//! stored (`i32`), and reads and writes as that number (serde transparent).

use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i32);

        impl $name {
            /// The row's id, for a query.
            pub fn get(self) -> i32 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

ids! {
    /// A person's account.
    UserId,
    /// An organisation: a business, a buyer, a chamber.
    OrgId,
    /// An offer of the catalogue.
    OfferId,
    /// A planned procurement.
    PlanId,
    /// A sourcing meeting.
    MeetingId,
    /// A referential of the territorial label.
    SchemeId,
    /// An application for a territorial label.
    ApplicationId,
    /// A criterion of a label's referential.
    CriterionId,
    /// A past contract.
    ContractId,
    /// A person's membership of an organisation.
    MembershipId,
    /// A question of a sourcing call.
    QuestionId,
    /// A firm's registration to a sourcing meeting.
    RegistrationId,
    /// A lot of a planned procurement.
    LotId,
    /// A saved search with its alert.
    SavedSearchId,
    /// A partner request of the board.
    RequestId,
    /// A sourcing call of a planned procurement.
    CallId,
    /// A firm's interest in a planned procurement.
    InterestId,
    /// A photo of an offer.
    PhotoId,
    /// A file of evidence of a label application.
    EvidenceId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_writes_as_its_number() {
        assert_eq!(serde_json::to_string(&UserId(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<OrgId>("12").unwrap(), OrgId(12));
        assert_eq!(MeetingId(3).to_string(), "3");
        assert_eq!(PlanId(4).get(), 4);
    }
}
