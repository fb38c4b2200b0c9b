//! Partner requests: written by a firm's members, listed on the board while open, answered by
//! other firms (see `answers`), matched with the firms of the territory (see `matching`).

mod write;
pub use write::*;
mod read;
pub use read::*;

pub mod answers;
pub mod matching;

use crate::domain::ids::{OrgId, UserId};
use crate::domain::partners::{
    board, is_open, BoardFilters, BoardPage, BoardRow, ConsortiumKind, PartnerRole, RequestForm,
    RequestInput, RequestSummary, PAGE_SIZE,
};
use crate::domain::programming::PlanStatus;
use crate::error::AppError;
use crate::server::auth::member_business;
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    communes, cpv_codes, organisations, partner_answers, partner_request_cpv,
    partner_request_labels, partner_requests, plan_lots, plans,
};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

pub const OPEN: &str = "open";
pub const CLOSED: &str = "closed";

/// Today on the clock of the territory (a deadline is a day in Paris).
pub fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
}

pub async fn request_of(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<partner_requests::Model, AppError> {
    partner_requests::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The request, if the caller is an active member of the firm that posted it.
pub async fn own_request(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> Result<partner_requests::Model, AppError> {
    let user = caller.user()?;
    let r = request_of(db, id).await?;
    member_business(db, UserId(user.id), OrgId(r.organisation_id)).await?;
    Ok(r)
}

/// CPV names by code.
pub async fn cpv_names(
    db: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, String>, AppError> {
    let codes: Vec<String> = codes.into_iter().collect();
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(cpv_codes::Entity::find()
        .filter(cpv_codes::Column::Code.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.label_fr))
        .collect())
}
