//! Sourcing on the server: calls to the market (`calls`) and meetings (`meetings`) of a planned
//! procurement. Only the buyer's verified members run them; sourcing happens before the tender
//! (a procurement planned or in sourcing); what firms answer stays with the buyer until the
//! summary every firm reads is published.

pub mod http;

pub mod calls;
pub mod meetings;

use crate::domain::programming::PlanStatus;
use crate::domain::sourcing::{Board, PlanSourcing, SourcingHome};
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::entities::{organisations, plans};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};
use std::collections::HashMap;

pub(crate) use crate::server::programming::plan_of;

/// Whether the caller is a verified member of the plan's buyer.
pub(crate) fn manages(caller: &Caller, plan: &plans::Model) -> bool {
    caller.require_verified_buyer(plan.buyer_id).is_ok()
}

/// The plan, if the caller runs its sourcing.
pub(crate) async fn managed_plan(
    db: &impl ConnectionTrait,
    caller: &Caller,
    plan_id: i32,
) -> Result<plans::Model, AppError> {
    caller.user()?;
    let p = plan_of(db, plan_id).await?;
    caller.require_verified_buyer(p.buyer_id)?;
    Ok(p)
}

/// The plan, if the caller reads what firms answered: its buyer's verified members, and those
/// of the buyers that are members of its groupement de commandes (the coordinator alone runs it).
pub(crate) async fn read_plan(
    db: &impl ConnectionTrait,
    caller: &Caller,
    plan_id: i32,
) -> Result<plans::Model, AppError> {
    caller.user()?;
    let p = plan_of(db, plan_id).await?;
    if crate::server::programming::joint::reads(db, caller, &p).await? {
        Ok(p)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Sourcing comes before the tender: new calls and meetings only while the procurement is
/// planned or in sourcing.
pub(crate) fn before_tender(p: &plans::Model, field: &str) -> Result<(), AppError> {
    match PlanStatus::parse(&p.status) {
        Some(PlanStatus::Planned | PlanStatus::Sourcing) => Ok(()),
        _ => Err(AppError::field(field, "sourcing.plan_closed")),
    }
}

/// The first sourcing step of a planned procurement moves it to "in sourcing", dated.
pub(crate) async fn mark_sourcing(
    db: &impl ConnectionTrait,
    plan: &plans::Model,
    actor: i32,
) -> Result<(), AppError> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    if PlanStatus::parse(&plan.status) != Some(PlanStatus::Planned) {
        return Ok(());
    }
    let mut m: plans::ActiveModel = plan.clone().into();
    m.status = Set(PlanStatus::Sourcing.as_str().into());
    m.updated_at = Set(chrono::Utc::now());
    m.update(db).await?;
    crate::server::programming::record(db, plan.id, actor, PlanStatus::Sourcing, None).await
}

/// (plan title, buyer id, buyer name) of these plans.
pub(crate) async fn plan_names(
    db: &impl ConnectionTrait,
    plan_ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, (String, i32, String)>, AppError> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let plans: Vec<plans::Model> = plans::Entity::find()
        .filter(plans::Column::Id.is_in(plan_ids))
        .all(db)
        .await?;
    let buyers: HashMap<i32, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(plans.iter().map(|p| p.buyer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(plans
        .into_iter()
        .map(|p| {
            let name = buyers.get(&p.buyer_id).cloned().unwrap_or_default();
            (p.id, (p.title, p.buyer_id, name))
        })
        .collect())
}

/// `/sourcage`: calls open now, meetings to come, summaries published last.
pub async fn home(db: &DatabaseConnection) -> Result<SourcingHome, AppError> {
    let now = chrono::Utc::now();
    Ok(SourcingHome {
        calls: calls::open_now(db, now).await?,
        meetings: meetings::upcoming(db, now, None).await?,
        summaries: calls::published(db, None, 20).await?,
    })
}

/// The sourcing of one planned procurement, for its public page (drafts left out).
pub async fn of_plan(db: &DatabaseConnection, plan_id: i32) -> Result<PlanSourcing, AppError> {
    Ok(PlanSourcing {
        calls: calls::of_plans(db, &[plan_id], false).await?,
        meetings: meetings::of_plans(db, &[plan_id]).await?,
    })
}

/// The buyer's sourcing board: every call (drafts too) and meeting of its procurements.
pub async fn board(
    db: &DatabaseConnection,
    caller: &Caller,
    org_id: i32,
) -> Result<Board, AppError> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let org = caller.require_verified_buyer(org_id)?.clone();
    let plan_ids: Vec<i32> = plans::Entity::find()
        .filter(plans::Column::BuyerId.eq(org_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    Ok(Board {
        org_id,
        org_name: org.name,
        calls: calls::of_plans(db, &plan_ids, true).await?,
        meetings: meetings::of_plans(db, &plan_ids).await?,
    })
}

/// Rows as CSV with a BOM, for spreadsheets.
pub(crate) fn csv_of(header: &[&str], rows: &[Vec<String>]) -> Result<String, AppError> {
    let mut w = crate::server::infra::csv::CsvOut::new();
    w.row(header);
    for r in rows {
        w.row(r);
    }
    w.text_with_bom()
}
