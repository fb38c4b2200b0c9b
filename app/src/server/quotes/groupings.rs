//! Producers answering a consultation together when none alone has the quantity: a producers'
//! grouping is a consortium formed for the consultation (the consortium's model: one lead, the
//! others invited, each with its share in words). Once two producers at least accepted, the
//! lead answers in the grouping's name; its producers read that answer and are told the outcome.

use crate::domain::consortia::MemberStatus;
use crate::domain::partners::ConsortiumKind;
use crate::domain::quote_views::{GroupMember, GroupingView, GROUPING_MIN};
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::entities::{consortia, consortium_members, organisations};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// A grouping and its members (declined ones left out), in the order they joined.
pub struct Grouping {
    pub consortium: consortia::Model,
    pub members: Vec<consortium_members::Model>,
}

impl Grouping {
    /// The producers who accepted (the lead among them).
    pub fn accepted(&self) -> impl Iterator<Item = &consortium_members::Model> {
        self.members
            .iter()
            .filter(|m| m.status == MemberStatus::Accepted.as_str())
    }

    /// Its producers, the lead first, as a consultation's page shows them.
    pub fn view_members(&self, names: &HashMap<i32, organisations::Model>) -> Vec<GroupMember> {
        let mut out: Vec<GroupMember> = self
            .members
            .iter()
            .map(|m| GroupMember {
                org_id: m.organisation_id,
                name: names
                    .get(&m.organisation_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                share: m.share.clone(),
                lead: m.organisation_id == self.consortium.lead_id,
                accepted: m.status == MemberStatus::Accepted.as_str(),
            })
            .collect();
        out.sort_by_key(|m| !m.lead);
        out
    }

    pub fn view(
        &self,
        caller: &Caller,
        names: &HashMap<i32, organisations::Model>,
    ) -> GroupingView {
        GroupingView {
            id: self.consortium.id,
            name: self.consortium.name.clone(),
            lead_id: self.consortium.lead_id,
            led: caller.membership(self.consortium.lead_id).is_some(),
            members: self.view_members(names),
        }
    }
}

/// Every grouping formed for consultation `request_id`.
pub async fn of_request(
    db: &impl ConnectionTrait,
    request_id: i32,
) -> Result<Vec<Grouping>, AppError> {
    let groups = consortia::Entity::find()
        .filter(consortia::Column::QuoteId.eq(request_id))
        .order_by_asc(consortia::Column::Id)
        .all(db)
        .await?;
    let mut members: HashMap<i32, Vec<consortium_members::Model>> = HashMap::new();
    for m in consortium_members::Entity::find()
        .filter(consortium_members::Column::ConsortiumId.is_in(groups.iter().map(|g| g.id)))
        .filter(consortium_members::Column::Status.ne(MemberStatus::Declined.as_str()))
        .order_by_asc(consortium_members::Column::Id)
        .all(db)
        .await?
    {
        members.entry(m.consortium_id).or_default().push(m);
    }
    Ok(groups
        .into_iter()
        .map(|c| Grouping {
            members: members.remove(&c.id).unwrap_or_default(),
            consortium: c,
        })
        .collect())
}

/// Whether `org_id` may answer consultation `request_id` in the name of grouping `id`: formed
/// for it, led by `org_id`, two producers at least accepted.
pub async fn check_answering(
    db: &impl ConnectionTrait,
    id: i32,
    request_id: i32,
    org_id: i32,
) -> Result<(), AppError> {
    let grouping = of_request(db, request_id)
        .await?
        .into_iter()
        .find(|g| g.consortium.id == id && g.consortium.lead_id == org_id)
        .ok_or_else(|| AppError::field("grouping", "validation.unknown_choice"))?;
    if grouping.accepted().count() < GROUPING_MIN {
        return Err(AppError::field("grouping", "quotes.grouping_not_ready"));
    }
    Ok(())
}

/// A member of business `org_id` forms a producers' grouping for consultation `request_id`,
/// inviting `invite` (businesses; none: the lead invites from the grouping's page); its id and
/// the producers invited.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    request_id: i32,
    org_id: i32,
    invite: &[i32],
) -> Result<(i32, Vec<i32>), AppError> {
    let org = caller.require_acting_for(org_id)?;
    if org.kind != crate::domain::org::OrgKind::Business.as_str() {
        return Err(AppError::Forbidden);
    }
    let request = super::request_of(db, request_id).await?;
    if request.buyer_id == org_id {
        return Err(AppError::Forbidden);
    }
    // Formed while the consultation takes answers only.
    let taken = crate::domain::quotes::answers_taken(
        super::stage_of(&request),
        request.deadline,
        chrono::Utc::now(),
    );
    if let Err(key) = taken {
        return Err(AppError::field("quote_id", key));
    }
    let name: String = format!("Producteurs associés — {}", request.title)
        .chars()
        .take(crate::domain::consortia::MAX_NAME)
        .collect();
    crate::server::consortia::create(
        db,
        caller,
        org_id,
        (&name, ConsortiumKind::Joint.as_str()),
        (None, None, Some(request_id)),
        invite,
    )
    .await
}
