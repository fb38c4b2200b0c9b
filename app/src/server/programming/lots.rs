//! A planned procurement's lots, added and removed by its buyer's members.

use super::*;
use crate::domain::ids::{LotId, PlanId};
use crate::domain::insertion::InsertionForm;

/// Adds a lot (numbered after the last), with its insertion lever if it has one.
#[allow(clippy::too_many_arguments)]
pub async fn add_lot(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    title: &str,
    cpv: &str,
    estimate_min: &str,
    estimate_max: &str,
    lever: &InsertionForm,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let p = writable(&txn, caller, id).await?;
    if !PlanStatus::parse(&p.status).is_some_and(|s| s.editable()) {
        return Err(AppError::field("status", "plan.not_editable"));
    }
    let mut c = Checker::new();
    let title = c.required("lot_title", title, MAX_TITLE);
    let codes = cpv_list(&mut c, "lot_cpv", cpv);
    let (lo, hi) = estimate(&mut c, "lot_", estimate_min, estimate_max);
    let lever = lever.check_into(&mut c, "lot_");
    c.finish()?;
    known_cpv(&txn, "lot_cpv", &codes).await?;
    let (hours, own) = insertion::planned(&txn, &lever, &codes, lo, hi).await?;
    let lots = plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.eq(id))
        .all(&txn)
        .await?;
    if lots.len() >= MAX_LOTS {
        return Err(AppError::Invalid(vec![FieldError::with_arg(
            "lot_title",
            "plan.too_many_lots",
            MAX_LOTS,
        )]));
    }
    plan_lots::ActiveModel {
        plan_id: Set(id),
        number: Set(lots.iter().map(|l| l.number).max().unwrap_or(0) + 1),
        title: Set(title),
        cpv: Set(codes.join(",")),
        estimate_min: Set(lo),
        estimate_max: Set(hi),
        insertion_kind: Set(lever.kind.map(|k| k.as_str().to_string())),
        insertion_hours: Set(hours),
        insertion_weight: Set(lever.weight),
        insertion_own: Set(own),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Changes a lot's insertion lever while the plan is editable: blank hours take the proposal
/// for the lot's trade and estimate, a number is the buyer's own.
pub async fn set_lot_insertion(
    db: &DatabaseConnection,
    caller: &Caller,
    id: PlanId,
    lot_id: LotId,
    lever: &InsertionForm,
) -> Result<(), AppError> {
    let (id, lot_id) = (id.get(), lot_id.get());
    let txn = begin_write(db).await?;
    let p = writable(&txn, caller, id).await?;
    if !PlanStatus::parse(&p.status).is_some_and(|s| s.editable()) {
        return Err(AppError::field("status", "plan.not_editable"));
    }
    let lot = plan_lots::Entity::find_by_id(lot_id)
        .filter(plan_lots::Column::PlanId.eq(id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut c = Checker::new();
    let prefix = format!("lot{lot_id}_");
    let lever = lever.check_into(&mut c, &prefix);
    c.finish()?;
    let codes: Vec<String> = lot
        .cpv
        .split(',')
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect();
    let (hours, own) =
        insertion::planned(&txn, &lever, &codes, lot.estimate_min, lot.estimate_max).await?;
    let mut m: plan_lots::ActiveModel = lot.into();
    m.insertion_kind = Set(lever.kind.map(|k| k.as_str().to_string()));
    m.insertion_hours = Set(hours);
    m.insertion_weight = Set(lever.weight);
    m.insertion_own = Set(own);
    m.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn remove_lot(
    db: &DatabaseConnection,
    caller: &Caller,
    id: PlanId,
    lot_id: LotId,
) -> Result<(), AppError> {
    let (id, lot_id) = (id.get(), lot_id.get());
    let txn = begin_write(db).await?;
    let p = writable(&txn, caller, id).await?;
    if !PlanStatus::parse(&p.status).is_some_and(|s| s.editable()) {
        return Err(AppError::field("status", "plan.not_editable"));
    }
    let gone = plan_lots::Entity::delete_many()
        .filter(plan_lots::Column::Id.eq(lot_id))
        .filter(plan_lots::Column::PlanId.eq(id))
        .exec(&txn)
        .await?;
    if gone.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    txn.commit().await?;
    Ok(())
}
