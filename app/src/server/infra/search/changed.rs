//! How a capability tells the index that a document changed: an outbox row written in the
//! caller's transaction, read by every instance's follower. Capabilities call these rather than
//! each other's "reindex" (the index reads the documents back from the database itself).

use crate::error::AppError;
use crate::server::infra::entities::{offers, search_outbox};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

async fn changed(db: &impl ConnectionTrait, kind: &str, id: i32) -> Result<(), AppError> {
    search_outbox::ActiveModel {
        doc_kind: Set(kind.into()),
        doc_id: Set(id),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The offer's catalogue document changed.
pub async fn offer(db: &impl ConnectionTrait, offer_id: i32) -> Result<(), AppError> {
    changed(db, super::offers::KIND, offer_id).await
}

/// The organisation's own directory document changed (an offer published, withdrawn or
/// relabelled changes the directory's facets; its offers' documents are the same).
pub async fn organisation(db: &impl ConnectionTrait, org_id: i32) -> Result<(), AppError> {
    changed(db, super::orgs::KIND, org_id).await
}

/// The organisation's document and every one of its offers' changed (its name, place, labels or
/// visibility are part of them).
pub async fn organisation_and_offers(
    db: &impl ConnectionTrait,
    org_id: i32,
) -> Result<(), AppError> {
    organisation(db, org_id).await?;
    let ids: Vec<i32> = offers::Entity::find()
        .select_only()
        .column(offers::Column::Id)
        .filter(offers::Column::OrganisationId.eq(org_id))
        .into_tuple()
        .all(db)
        .await?;
    for id in ids {
        offer(db, id).await?;
    }
    Ok(())
}
