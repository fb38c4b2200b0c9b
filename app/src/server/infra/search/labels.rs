//! The labels in force as the index stores them: which referentials an offer, or a business
//! (for itself or one of its published offers), holds today. Read from the applications table
//! when documents are rebuilt from the outbox.

use crate::domain::label::ApplicationStatus;
use crate::server::infra::entities::label_applications;
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};

/// The referentials of the labels in force of these offers.
pub async fn in_force_of_offers(
    db: &impl ConnectionTrait,
    offer_ids: &[i32],
) -> Result<HashMap<i32, Vec<i32>>, DbErr> {
    let mut out: HashMap<i32, Vec<i32>> = HashMap::new();
    for a in label_applications::Entity::find()
        .filter(label_applications::Column::Status.eq(ApplicationStatus::Granted.as_str()))
        .filter(label_applications::Column::ExpiresAt.gt(Utc::now()))
        .filter(label_applications::Column::OfferId.is_in(offer_ids.iter().copied()))
        .all(db)
        .await?
    {
        if let Some(o) = a.offer_id {
            out.entry(o).or_default().push(a.scheme_id);
        }
    }
    Ok(out)
}

/// The referentials of the labels in force of these businesses, for themselves
/// or for one of their offers in `published` (the directory's facet counts both).
pub async fn in_force_of_orgs(
    db: &impl ConnectionTrait,
    org_ids: &[i32],
    published: &HashSet<i32>,
) -> Result<HashMap<i32, Vec<i32>>, DbErr> {
    let mut out: HashMap<i32, Vec<i32>> = HashMap::new();
    for a in label_applications::Entity::find()
        .filter(label_applications::Column::Status.eq(ApplicationStatus::Granted.as_str()))
        .filter(label_applications::Column::ExpiresAt.gt(Utc::now()))
        .filter(label_applications::Column::OrganisationId.is_in(org_ids.iter().copied()))
        .all(db)
        .await?
    {
        if a.offer_id.is_none_or(|o| published.contains(&o)) {
            let ids = out.entry(a.organisation_id).or_default();
            if !ids.contains(&a.scheme_id) {
                ids.push(a.scheme_id);
            }
        }
    }
    Ok(out)
}
