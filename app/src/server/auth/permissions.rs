//! Rights that depend on an organisation: the permission helpers every capability calls before
//! it writes (the caller's own rights are `Caller`'s methods).

use crate::domain::ids::{OrgId, UserId};
use crate::domain::org::{MembershipStatus, OrgKind};
use crate::error::AppError;
use crate::server::infra::entities::{memberships, organisations};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The business `org_id` if `user_id` is one of its active members (owner or not); refused
/// otherwise, and for organisations that are not businesses (they have no catalogue).
pub async fn member_business(
    db: &impl ConnectionTrait,
    user_id: UserId,
    org_id: OrgId,
) -> Result<organisations::Model, AppError> {
    let member = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id.get()))
        .filter(memberships::Column::OrganisationId.eq(org_id.get()))
        .filter(memberships::Column::Status.eq(MembershipStatus::Active.as_str()))
        .one(db)
        .await?;
    if member.is_none() {
        return Err(AppError::Forbidden);
    }
    let org = organisations::Entity::find_by_id(org_id.get())
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    if OrgKind::parse(&org.kind) != Some(OrgKind::Business) {
        return Err(AppError::Forbidden);
    }
    Ok(org)
}
