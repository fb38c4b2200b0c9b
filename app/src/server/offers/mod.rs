//! Offers of the catalogue: their members write them; the catalogue shows the published offers
//! of public businesses. Every write checks the caller's membership first and tells the search
//! index through its outbox, in the same transaction.

mod write;
pub use write::*;
mod read;
pub use read::*;

pub mod http;

pub mod catalogue;
pub mod photos;

use crate::domain::offer::{
    french_decimal, label_name, tenths, OfferEdit, OfferForm, OfferInput, OfferKind, OfferStatus,
    OfferSummary, PublicOffer,
};
use crate::error::{AppError, FieldError};
use crate::server::auth::member_business;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    communes, cpv_codes, offer_areas, offer_cpv, offer_labels, offers, organisations, search_outbox,
};
use crate::server::orgs::resolve_commune;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use std::collections::BTreeMap;

/// The offer and its organisation, if `user_id` is an active member of it.
async fn offer_of_member(
    db: &impl ConnectionTrait,
    user_id: i32,
    offer_id: i32,
) -> Result<(offers::Model, organisations::Model), AppError> {
    let offer = offers::Entity::find_by_id(offer_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = member_business(db, user_id, offer.organisation_id).await?;
    Ok((offer, org))
}

/// Refused unless `user_id` is an active member of the offer's business.
pub async fn check_member(
    db: &impl ConnectionTrait,
    user_id: i32,
    offer_id: i32,
) -> Result<(), AppError> {
    offer_of_member(db, user_id, offer_id).await.map(|_| ())
}

/// Tells the index that the offer's catalogue document changed.
pub(crate) async fn reindex(db: &impl ConnectionTrait, offer_id: i32) -> Result<(), AppError> {
    search_outbox::ActiveModel {
        doc_kind: Set(crate::server::infra::search::offers::KIND.into()),
        doc_id: Set(offer_id),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Tells the index that every offer of the organisation changed (its name, place or
/// visibility are part of them).
pub(crate) async fn reindex_all_of(db: &impl ConnectionTrait, org_id: i32) -> Result<(), AppError> {
    let ids: Vec<i32> = offers::Entity::find()
        .filter(offers::Column::OrganisationId.eq(org_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    for id in ids {
        reindex(db, id).await?;
    }
    Ok(())
}
