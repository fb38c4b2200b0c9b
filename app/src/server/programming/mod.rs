//! The programming on the server: verified members of a public buyer write its planned
//! procurements (fields, CPV codes, levers, lots, stages); everyone reads them, filtered. Every
//! write checks the caller's right first, then the input, and dates each stage reached.

mod write;
pub use write::*;
mod lots;
pub use lots::*;
mod read;
pub use read::*;

pub mod feeds;
pub mod http;

pub mod eforms;
pub mod exports;
pub mod facilitators;
pub mod hours;
pub mod interests;
pub mod joint;

use crate::domain::offer::label_name;
use crate::domain::programming::{
    cpv_list, estimate, levers_of, quarter_bounds, AwardLink, LotView, PlanEdit, PlanEventView,
    PlanFilters, PlanForm, PlanInput, PlanPage, PlanStatus, PlanSummary, PlanView, Planned,
    Precision, Procedure, Reserved, AMOUNTS, BUYERS_SHOWN, MAX_LOTS, MAX_TITLE, PER_PAGE,
};
use crate::domain::validate::Checker;
use crate::error::{AppError, FieldError};
use crate::server::auth::Caller;
use crate::server::infra::cpv::known as known_cpv;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    cpv_codes, organisations, plan_cpv, plan_events, plan_labels, plan_lots, plans,
};
use crate::server::insertion;
use chrono::Utc;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};

/// The buyer `org_id`, if the caller is one of its members and an admin verified it.
fn verified(caller: &Caller, org_id: i32) -> Result<&organisations::Model, AppError> {
    caller.require_verified_buyer(org_id)
}

/// The plan `id` (read once per rendered page: its panels each ask for it).
pub(crate) async fn plan_of(db: &impl ConnectionTrait, id: i32) -> Result<plans::Model, AppError> {
    crate::server::infra::page_reads::once(format!("plan:{id}"), || async {
        plans::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

/// The plan, if the caller may write it (a verified member of its buyer).
async fn writable(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> Result<plans::Model, AppError> {
    let p = plan_of(db, id).await?;
    verified(caller, p.buyer_id)?;
    Ok(p)
}

/// The insertion hours of the plan's own lever, and whether they are the buyer's own.
async fn planned_hours(
    db: &impl ConnectionTrait,
    input: &PlanInput,
) -> Result<(Option<i32>, bool), AppError> {
    insertion::planned(
        db,
        &input.insertion,
        &input.cpv,
        input.estimate_min,
        input.estimate_max,
    )
    .await
}

/// `hours`: the insertion hours to store and whether they are the buyer's own
/// (`insertion::planned`).
fn fill(m: &mut plans::ActiveModel, input: &PlanInput, hours: (Option<i32>, bool)) {
    m.title = Set(input.title.clone());
    m.description = Set(input.description.clone());
    m.estimate_min = Set(input.estimate_min);
    m.estimate_max = Set(input.estimate_max);
    m.procedure = Set(input.procedure.as_str().into());
    m.publication_date = Set(input.publication.date);
    m.publication_precision = Set(input.publication.precision.as_str().into());
    m.start_date = Set(input.start.map(|s| s.date));
    m.start_precision = Set(input.start.map(|s| s.precision.as_str().to_string()));
    m.duration_months = Set(input.duration_months);
    m.contact = Set(input.contact.clone());
    m.allotment = Set(input.allotment);
    m.short_chain = Set(input.short_chain);
    m.life_cycle = Set(input.life_cycle);
    m.co2 = Set(input.co2);
    m.insertion_kind = Set(input.insertion.kind.map(|k| k.as_str().to_string()));
    m.insertion_hours = Set(hours.0);
    m.insertion_own = Set(hours.1);
    m.insertion_weight = Set(input.insertion.weight);
    m.reserved = Set(input.reserved.map(|r| r.as_str().to_string()));
}

async fn write_children(
    db: &impl ConnectionTrait,
    id: i32,
    input: &PlanInput,
) -> Result<(), AppError> {
    plan_cpv::Entity::delete_many()
        .filter(plan_cpv::Column::PlanId.eq(id))
        .exec(db)
        .await?;
    plan_labels::Entity::delete_many()
        .filter(plan_labels::Column::PlanId.eq(id))
        .exec(db)
        .await?;
    for code in &input.cpv {
        plan_cpv::ActiveModel {
            plan_id: Set(id),
            cpv_code: Set(code.clone()),
        }
        .insert(db)
        .await?;
    }
    for l in &input.labels {
        plan_labels::ActiveModel {
            plan_id: Set(id),
            label: Set(l.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub(crate) async fn record(
    db: &impl ConnectionTrait,
    id: i32,
    actor: i32,
    status: PlanStatus,
    note: Option<String>,
) -> Result<(), AppError> {
    plan_events::ActiveModel {
        plan_id: Set(id),
        actor_id: Set(Some(actor)),
        status: Set(status.as_str().into()),
        note: Set(note),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
