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

use crate::domain::ids::{OfferId, OrgId, UserId};
use crate::domain::offer::{
    french_decimal, label_name, tenths, OfferEdit, OfferForm, OfferInput, OfferKind, OfferStatus,
    OfferSummary, PublicOffer,
};
use crate::error::{AppError, FieldError};
use crate::server::auth::member_business;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    communes, cpv_codes, offer_areas, offer_cpv, offer_labels, offers, organisations,
};
use crate::server::infra::places::{commune_error, resolve_commune};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use std::collections::BTreeMap;

/// The offer and its organisation, if `user_id` is an active member of it.
async fn offer_of_member(
    db: &impl ConnectionTrait,
    user: UserId,
    offer: OfferId,
) -> Result<(offers::Model, organisations::Model), AppError> {
    let (user_id, offer_id) = (user.get(), offer.get());
    let offer = offers::Entity::find_by_id(offer_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = member_business(db, UserId(user_id), OrgId(offer.organisation_id)).await?;
    Ok((offer, org))
}

/// Refused unless `user_id` is an active member of the offer's business.
pub async fn check_member(
    db: &impl ConnectionTrait,
    user: UserId,
    offer: OfferId,
) -> Result<(), AppError> {
    offer_of_member(db, user, offer).await.map(|_| ())
}
