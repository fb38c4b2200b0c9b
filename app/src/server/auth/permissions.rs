//! Rights that depend on an organisation: the permission helpers every capability calls before
//! it writes (the caller's own rights are `Caller`'s methods).

use crate::domain::ids::{OrgId, UserId};
use crate::domain::org::{MembershipStatus, OrgKind};
use crate::error::AppError;
use crate::server::infra::entities::{memberships, organisations};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Refuses (`Unverified`) to act in the name of an organisation whose kind needs a
/// verification it has not had: writing to others, joining or forming a consortium, seeking
/// partners.
pub fn verified_for_acting(org: &organisations::Model) -> Result<(), AppError> {
    let needs = OrgKind::parse(&org.kind).is_some_and(|k| k.needs_verification());
    if needs && org.verified_at.is_none() {
        Err(AppError::Unverified)
    } else {
        Ok(())
    }
}

/// [`member_business`], for an act in the firm's name towards others: it must be verified.
pub async fn acting_business(
    db: &impl ConnectionTrait,
    user_id: UserId,
    org_id: OrgId,
) -> Result<organisations::Model, AppError> {
    let org = member_business(db, user_id, org_id).await?;
    verified_for_acting(&org)?;
    Ok(org)
}

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
