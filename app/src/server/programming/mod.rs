//! The programming on the server: verified members of a public buyer write its planned
//! procurements (fields, CPV codes, levers, lots, stages); everyone reads them, filtered. Every
//! write checks the caller's right first, then the input, and dates each stage reached.

pub mod feeds;
pub mod http;

pub mod eforms;
pub mod exports;
pub mod interests;

use crate::domain::offer::label_name;
use crate::domain::programming::{
    cpv_list, estimate, levers_of, quarter_bounds, AwardLink, LotView, PlanEdit, PlanEventView,
    PlanFilters, PlanForm, PlanInput, PlanPage, PlanStatus, PlanSummary, PlanView, Planned,
    Precision, Procedure, Reserved, AMOUNTS, BUYERS_SHOWN, MAX_LOTS, MAX_TITLE, PER_PAGE,
};
use crate::domain::validate::Checker;
use crate::error::{AppError, FieldError};
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    cpv_codes, organisations, plan_cpv, plan_events, plan_labels, plan_lots, plans,
};
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

async fn plan_of(db: &impl ConnectionTrait, id: i32) -> Result<plans::Model, AppError> {
    plans::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
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

/// Codes that are not in the CPV reference are refused.
async fn known_cpv(
    db: &impl ConnectionTrait,
    field: &str,
    codes: &[String],
) -> Result<(), AppError> {
    if codes.is_empty() {
        return Ok(());
    }
    let found = cpv_codes::Entity::find()
        .filter(cpv_codes::Column::Code.is_in(codes.to_vec()))
        .count(db)
        .await?;
    if found as usize != codes.len() {
        return Err(AppError::field(field, "validation.unknown_cpv"));
    }
    Ok(())
}

fn fill(m: &mut plans::ActiveModel, input: &PlanInput) {
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
    m.insertion_hours = Set(input.insertion_hours);
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

/// A new planned procurement of the buyer `org_id`, at the stage "planned".
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    org_id: i32,
    form: &PlanForm,
) -> Result<i32, AppError> {
    let user = caller.user()?;
    verified(caller, org_id)?;
    let input = form.check()?;
    let txn = begin_write(db).await?;
    known_cpv(&txn, "cpv", &input.cpv).await?;
    let now = Utc::now();
    let mut m = plans::ActiveModel {
        buyer_id: Set(org_id),
        status: Set(PlanStatus::Planned.as_str().into()),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    fill(&mut m, &input);
    let p = m.insert(&txn).await?;
    write_children(&txn, p.id, &input).await?;
    record(&txn, p.id, user.id, PlanStatus::Planned, None).await?;
    txn.commit().await?;
    Ok(p.id)
}

/// Changes what is planned, while it is still planned or in sourcing.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    form: &PlanForm,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let p = writable(&txn, caller, id).await?;
    let status = PlanStatus::parse(&p.status).ok_or(AppError::Internal)?;
    if !status.editable() {
        return Err(AppError::field("status", "plan.not_editable"));
    }
    let input = form.check()?;
    known_cpv(&txn, "cpv", &input.cpv).await?;
    let mut m: plans::ActiveModel = p.into();
    fill(&mut m, &input);
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    write_children(&txn, id, &input).await?;
    txn.commit().await?;
    Ok(())
}

/// Moves the procurement to another stage (`PlanStatus::may_become`); returns the stage it
/// left. Publishing needs the
/// tender's address on the buyer's profile (http or https); cancelling, a reason.
pub async fn set_status(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    status: &str,
    tender_url: &str,
    note: &str,
) -> Result<PlanStatus, AppError> {
    let user = caller.user()?;
    let txn = begin_write(db).await?;
    let p = writable(&txn, caller, id).await?;
    let to = PlanStatus::parse(status)
        .ok_or_else(|| AppError::field("status", "validation.unknown_choice"))?;
    let from = PlanStatus::parse(&p.status).ok_or(AppError::Internal)?;
    if !from.may_become(to) {
        return Err(AppError::field("status", "plan.status_not_allowed"));
    }
    let mut c = Checker::new();
    let url = c.optional("tender_url", tender_url, 500);
    let note = c.optional("note", note, 2000);
    if to == PlanStatus::Published {
        match &url {
            None => c.push("tender_url", "validation.required"),
            Some(u) if !(u.starts_with("https://") || u.starts_with("http://")) => {
                c.push("tender_url", "validation.url")
            }
            _ => {}
        }
    }
    if to == PlanStatus::Cancelled && note.is_none() {
        c.push("note", "validation.required");
    }
    c.finish()?;
    let mut m: plans::ActiveModel = p.into();
    m.status = Set(to.as_str().into());
    if to == PlanStatus::Published {
        m.tender_url = Set(url.clone());
    }
    if from == PlanStatus::Draft {
        // A reviewed draft reaches the public now: weekly digests count it from today.
        m.created_at = Set(Utc::now());
    }
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    let note = if to == PlanStatus::Published {
        url
    } else {
        note
    };
    record(&txn, id, user.id, to, note).await?;
    txn.commit().await?;
    Ok(from)
}

/// Imports an eForms prior information notice as a draft of the buyer `org_id` (with its
/// parts as lots): only the buyer's members see it until one of them publishes it. CPV codes
/// the reference does not know are left out; returns the draft's id and how many were.
pub async fn import_notice(
    db: &DatabaseConnection,
    caller: &Caller,
    org_id: i32,
    notice: &crate::domain::eforms::PinNotice,
) -> Result<(i32, usize), AppError> {
    let user = caller.user()?;
    verified(caller, org_id)?;
    let mut draft = notice.draft(Utc::now().date_naive());
    let all: Vec<String> = notice
        .cpv
        .iter()
        .chain(draft.lots.iter().flat_map(|l| l.cpv.iter()))
        .cloned()
        .collect();
    let known: HashSet<String> = cpv_codes::Entity::find()
        .filter(cpv_codes::Column::Code.is_in(all.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let dropped = all.iter().filter(|c| !known.contains(*c)).count();
    draft.form.cpv = notice
        .cpv
        .iter()
        .filter(|c| known.contains(*c))
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    for l in &mut draft.lots {
        l.cpv.retain(|c| known.contains(c));
    }
    let input = draft.form.check()?;
    let notice_id: Option<String> =
        (!notice.notice_id.is_empty()).then(|| notice.notice_id.chars().take(100).collect());
    let txn = begin_write(db).await?;
    if let Some(n) = &notice_id {
        let twice = plans::Entity::find()
            .filter(plans::Column::BuyerId.eq(org_id))
            .filter(plans::Column::EformsNoticeId.eq(n.as_str()))
            .one(&txn)
            .await?;
        if twice.is_some() {
            return Err(AppError::field("file", "plan.import_twice"));
        }
    }
    let now = Utc::now();
    let mut m = plans::ActiveModel {
        buyer_id: Set(org_id),
        status: Set(PlanStatus::Draft.as_str().into()),
        eforms_notice_id: Set(notice_id.clone()),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    fill(&mut m, &input);
    let p = m.insert(&txn).await?;
    write_children(&txn, p.id, &input).await?;
    for (i, l) in draft.lots.iter().enumerate() {
        plan_lots::ActiveModel {
            plan_id: Set(p.id),
            number: Set(i as i32 + 1),
            title: Set(l.title.clone()),
            cpv: Set(l.cpv.join(",")),
            estimate_min: Set(l.estimate),
            estimate_max: Set(l.estimate),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    record(
        &txn,
        p.id,
        user.id,
        PlanStatus::Draft,
        notice_id.map(|n| format!("eForms {n}")),
    )
    .await?;
    txn.commit().await?;
    Ok((p.id, dropped))
}

/// Deletes a draft (an imported notice the buyer does not keep). Published stages are never
/// deleted: they are cancelled, with a reason.
pub async fn delete_draft(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<i32, AppError> {
    let txn = begin_write(db).await?;
    let p = writable(&txn, caller, id).await?;
    if p.status != PlanStatus::Draft.as_str() {
        return Err(AppError::field("status", "plan.not_draft"));
    }
    let buyer = p.buyer_id;
    plans::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(buyer)
}

/// A contract as the award panel lists it.
fn contract_text(c: &crate::server::infra::entities::contracts::Model) -> String {
    let mut parts = vec![c.object.clone().unwrap_or_else(|| c.uid.clone())];
    if let Some(d) = c.notified_on {
        parts.push(format!("notifié le {}", d.format("%d/%m/%Y")));
    }
    if let Some(a) = c.amount_cents {
        parts.push(crate::domain::contracts::format_euros(a));
    }
    parts.join(" — ")
}

/// How many contracts the award panel offers at most.
const AWARD_CANDIDATES: u64 = 30;

/// The contract an awarded procurement is linked to, and the imported contracts of its buyer
/// (same SIRET) notified since a year before its expected publication: those sharing its CPV
/// divisions first, then the latest.
pub async fn award_link(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<AwardLink, AppError> {
    use crate::server::infra::entities::contracts;
    let p = writable(db, caller, id).await?;
    let buyer = verified(caller, p.buyer_id)?.siret.clone();
    let current = match p.contract_id {
        Some(c) => contracts::Entity::find_by_id(c)
            .one(db)
            .await?
            .map(|c| (c.id, contract_text(&c))),
        None => None,
    };
    let divisions: HashSet<String> = plan_cpv::Entity::find()
        .filter(plan_cpv::Column::PlanId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.cpv_code.chars().take(2).collect())
        .collect();
    let since = p
        .publication_date
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(p.publication_date);
    let mut rows = contracts::Entity::find()
        .filter(contracts::Column::BuyerSiret.eq(buyer))
        .filter(contracts::Column::NotifiedOn.gte(since))
        .order_by_desc(contracts::Column::NotifiedOn)
        .limit(500)
        .all(db)
        .await?;
    // Stable: within each group, the latest first.
    rows.sort_by_key(|c| {
        !c.cpv_division
            .as_ref()
            .is_some_and(|d| divisions.contains(d))
    });
    Ok(AwardLink {
        current,
        candidates: rows
            .iter()
            .take(AWARD_CANDIDATES as usize)
            .map(|c| (c.id, contract_text(c)))
            .collect(),
    })
}

/// Links an awarded procurement to one of its buyer's contracts (`None` unlinks it).
pub async fn link_contract(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    contract: Option<i32>,
) -> Result<(), AppError> {
    use crate::server::infra::entities::contracts;
    let txn = begin_write(db).await?;
    let p = writable(&txn, caller, id).await?;
    if p.status != PlanStatus::Awarded.as_str() {
        return Err(AppError::field("contract", "plan.not_awarded"));
    }
    if let Some(c) = contract {
        let buyer = verified(caller, p.buyer_id)?.siret.clone();
        contracts::Entity::find_by_id(c)
            .filter(contracts::Column::BuyerSiret.eq(buyer))
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::field("contract", "validation.unknown_choice"))?;
    }
    let mut m: plans::ActiveModel = p.into();
    m.contract_id = Set(contract);
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Adds a lot (numbered after the last).
pub async fn add_lot(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    title: &str,
    cpv: &str,
    estimate_min: &str,
    estimate_max: &str,
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
    c.finish()?;
    known_cpv(&txn, "lot_cpv", &codes).await?;
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
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn remove_lot(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    lot_id: i32,
) -> Result<(), AppError> {
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

pub(crate) fn planned(date: chrono::NaiveDate, precision: &str) -> Planned {
    Planned {
        date,
        precision: Precision::parse(precision).unwrap_or(Precision::Day),
    }
}

async fn lots_of(db: &impl ConnectionTrait, id: i32) -> Result<Vec<LotView>, AppError> {
    Ok(plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.eq(id))
        .order_by_asc(plan_lots::Column::Number)
        .all(db)
        .await?
        .into_iter()
        .map(|l| LotView {
            id: l.id,
            number: l.number,
            title: l.title,
            cpv: l
                .cpv
                .split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            estimate_min: l.estimate_min,
            estimate_max: l.estimate_max,
        })
        .collect())
}

/// The plan in its editor, for the buyer's verified members.
pub async fn for_edit(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<PlanEdit, AppError> {
    let p = writable(db, caller, id).await?;
    let buyer = verified(caller, p.buyer_id)?.name.clone();
    let cpv: Vec<String> = plan_cpv::Entity::find()
        .filter(plan_cpv::Column::PlanId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.cpv_code)
        .collect();
    let labels: Vec<String> = plan_labels::Entity::find()
        .filter(plan_labels::Column::PlanId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.label)
        .collect();
    let on = |b: bool| b.then(|| "on".to_string());
    let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let form = PlanForm {
        title: p.title.clone(),
        description: p.description.clone(),
        cpv: cpv.join(", "),
        estimate_min: num(p.estimate_min),
        estimate_max: num(p.estimate_max),
        procedure: p.procedure.clone(),
        publication: planned(p.publication_date, &p.publication_precision).text(),
        start: p
            .start_date
            .map(|d| planned(d, p.start_precision.as_deref().unwrap_or("day")).text())
            .unwrap_or_default(),
        duration_months: p.duration_months.map(|d| d.to_string()).unwrap_or_default(),
        contact: p.contact.clone().unwrap_or_default(),
        allotment: on(p.allotment),
        short_chain: on(p.short_chain),
        life_cycle: on(p.life_cycle),
        co2: on(p.co2),
        insertion_hours: p.insertion_hours.map(|h| h.to_string()).unwrap_or_default(),
        reserved: p.reserved.clone().unwrap_or_default(),
        labels: labels.into_iter().map(|l| (l, "on".to_string())).collect(),
    };
    Ok(PlanEdit {
        id,
        buyer_id: p.buyer_id,
        buyer_name: buyer,
        status: PlanStatus::parse(&p.status).ok_or(AppError::Internal)?,
        form,
        lots: lots_of(db, id).await?,
        tender_url: p.tender_url,
    })
}

/// Rows of these plans, in their order, with their buyer, CPV codes and levers.
async fn summaries(
    db: &impl ConnectionTrait,
    rows: Vec<plans::Model>,
) -> Result<Vec<PlanSummary>, AppError> {
    let ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
    let buyers: HashMap<i32, String> = organisations::Entity::find()
        .filter(
            organisations::Column::Id
                .is_in(rows.iter().map(|p| p.buyer_id).collect::<HashSet<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut cpv: HashMap<i32, Vec<String>> = HashMap::new();
    for c in plan_cpv::Entity::find()
        .filter(plan_cpv::Column::PlanId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        cpv.entry(c.plan_id).or_default().push(c.cpv_code);
    }
    let labels: HashSet<i32> = plan_labels::Entity::find()
        .filter(plan_labels::Column::PlanId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.plan_id)
        .collect();
    let mut lots: HashMap<i32, usize> = HashMap::new();
    for l in plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.is_in(ids))
        .all(db)
        .await?
    {
        *lots.entry(l.plan_id).or_default() += 1;
    }
    let names: HashMap<String, String> = cpv_codes::Entity::find()
        .filter(
            cpv_codes::Column::Code.is_in(cpv.values().flatten().cloned().collect::<HashSet<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.label_fr))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            let when = planned(p.publication_date, &p.publication_precision);
            Some(PlanSummary {
                id: p.id,
                buyer_name: buyers.get(&p.buyer_id)?.clone(),
                buyer_id: p.buyer_id,
                status: PlanStatus::parse(&p.status)?,
                publication: when.text(),
                quarter: when.quarter_key(),
                estimate_min: p.estimate_min,
                estimate_max: p.estimate_max,
                cpv: cpv
                    .remove(&p.id)
                    .unwrap_or_default()
                    .into_iter()
                    .take(3)
                    .map(|c| {
                        let label = names.get(&c).cloned().unwrap_or_default();
                        (c, label)
                    })
                    .collect(),
                levers: levers_of(
                    p.allotment,
                    p.short_chain,
                    p.life_cycle,
                    p.co2,
                    p.insertion_hours.is_some(),
                    p.reserved.is_some(),
                    labels.contains(&p.id),
                ),
                lots: lots.get(&p.id).copied().unwrap_or(0),
                title: p.title,
            })
        })
        .collect())
}

/// A planned procurement for everyone.
pub async fn view(db: &DatabaseConnection, caller: &Caller, id: i32) -> Result<PlanView, AppError> {
    let p = plan_of(db, id).await?;
    let can_edit = verified(caller, p.buyer_id).is_ok();
    if p.status == PlanStatus::Draft.as_str() && !can_edit {
        return Err(AppError::NotFound);
    }
    let labels = plan_labels::Entity::find()
        .filter(plan_labels::Column::PlanId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|l| Some((l.label.clone(), label_name(&l.label)?.to_string())))
        .collect();
    let events = plan_events::Entity::find()
        .filter(plan_events::Column::PlanId.eq(id))
        .order_by_asc(plan_events::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|e| {
            Some(PlanEventView {
                status: PlanStatus::parse(&e.status)?,
                note: e.note,
                on: e.created_at.format("%d/%m/%Y").to_string(),
            })
        })
        .collect();
    let lots = lots_of(db, id).await?;
    let start = p
        .start_date
        .map(|d| planned(d, p.start_precision.as_deref().unwrap_or("day")).text());
    let (description, procedure, duration, contact, hours, reserved, url, contract) = (
        p.description.clone(),
        Procedure::parse(&p.procedure).unwrap_or(Procedure::Undecided),
        p.duration_months,
        p.contact.clone(),
        p.insertion_hours,
        p.reserved.as_deref().and_then(Reserved::parse),
        p.tender_url.clone(),
        p.contract_id,
    );
    let summary = summaries(db, vec![p])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(PlanView {
        summary,
        description,
        procedure,
        start,
        duration_months: duration,
        contact,
        insertion_hours: hours,
        reserved,
        labels,
        lots,
        tender_url: url,
        contract_id: contract,
        events,
        can_edit,
    })
}

/// The condition of the filters (on `plans`).
pub(crate) fn condition(f: &PlanFilters) -> Condition {
    // Drafts are their buyer's alone, whatever the filters say.
    let mut c = Condition::all().add(plans::Column::Status.ne(PlanStatus::Draft.as_str()));
    match f.status.as_deref() {
        Some(s) => c = c.add(plans::Column::Status.eq(s)),
        // By default, what is still to come.
        None => {
            c = c.add(plans::Column::Status.is_in([
                PlanStatus::Planned.as_str(),
                PlanStatus::Sourcing.as_str(),
                PlanStatus::Published.as_str(),
            ]))
        }
    }
    if let Some(b) = f.buyer.as_ref().and_then(|b| b.parse::<i32>().ok()) {
        c = c.add(plans::Column::BuyerId.eq(b));
    }
    if let Some(div) = &f.cpv {
        c = c.add(
            plans::Column::Id.in_subquery(
                Query::select()
                    .column(plan_cpv::Column::PlanId)
                    .from(plan_cpv::Entity)
                    .and_where(plan_cpv::Column::CpvCode.starts_with(div.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some((start, end)) = f.quarter.as_deref().and_then(quarter_bounds) {
        c = c.add(plans::Column::PublicationDate.between(start, end));
    }
    if let Some((_, lo, hi)) = f
        .amount
        .as_deref()
        .and_then(|a| AMOUNTS.iter().find(|(k, _, _)| *k == a))
    {
        // The upper estimate when given, else the lower one.
        let within = |col: plans::Column| {
            let mut w = Condition::all().add(col.gte(*lo));
            if let Some(hi) = hi {
                w = w.add(col.lte(*hi));
            }
            w
        };
        c = c.add(
            Condition::any()
                .add(within(plans::Column::EstimateMax))
                .add(
                    Condition::all()
                        .add(plans::Column::EstimateMax.is_null())
                        .add(within(plans::Column::EstimateMin)),
                ),
        );
    }
    match f.lever.as_deref() {
        Some("allotment") => c = c.add(plans::Column::Allotment.eq(true)),
        Some("short_chain") => c = c.add(plans::Column::ShortChain.eq(true)),
        Some("life_cycle") => c = c.add(plans::Column::LifeCycle.eq(true)),
        Some("co2") => c = c.add(plans::Column::Co2.eq(true)),
        Some("insertion") => c = c.add(plans::Column::InsertionHours.is_not_null()),
        Some("reserved") => c = c.add(plans::Column::Reserved.is_not_null()),
        Some("labels") => {
            c = c.add(
                plans::Column::Id.in_subquery(
                    Query::select()
                        .column(plan_labels::Column::PlanId)
                        .from(plan_labels::Entity)
                        .to_owned(),
                ),
            )
        }
        _ => {}
    }
    c
}

/// The buyer filter's choices (see `PlanPage::buyers`) and how many buyers there are in all.
async fn buyer_choices(
    db: &DatabaseConnection,
    f: &PlanFilters,
) -> Result<(Vec<(i32, String, u64)>, usize), AppError> {
    let others = PlanFilters {
        buyer: None,
        ..f.clone()
    };
    let mut counts: Vec<(i32, i64)> = plans::Entity::find()
        .select_only()
        .column(plans::Column::BuyerId)
        .column_as(plans::Column::Id.count(), "n")
        .filter(condition(&others))
        .group_by(plans::Column::BuyerId)
        .into_tuple()
        .all(db)
        .await?;
    let total = counts.len();
    // The most active first, ties by id: the same choices for the same data.
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let chosen = f.buyer.as_ref().and_then(|b| b.parse::<i32>().ok());
    let mut shown: Vec<(i32, i64)> = counts.iter().take(BUYERS_SHOWN).copied().collect();
    if let Some(c) = chosen {
        if !shown.iter().any(|(id, _)| *id == c) {
            shown.push((
                c,
                counts
                    .iter()
                    .find(|(id, _)| *id == c)
                    .map(|x| x.1)
                    .unwrap_or(0),
            ));
        }
    }
    let names: HashMap<i32, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(shown.iter().map(|(id, _)| *id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut buyers: Vec<(i32, String, u64)> = shown
        .into_iter()
        .filter_map(|(id, n)| Some((id, names.get(&id)?.clone(), n.max(0) as u64)))
        .collect();
    buyers.sort_by_key(|a| (a.1.to_lowercase(), a.0));
    Ok((buyers, total))
}

/// Planned procurements in the timeline's pages.
pub const TIMELINE_PER_PAGE: u64 = 100;

/// A page of the programming, by expected publication date.
pub async fn list(db: &DatabaseConnection, f: &PlanFilters) -> Result<PlanPage, AppError> {
    let per_page = if f.timeline {
        TIMELINE_PER_PAGE
    } else {
        PER_PAGE
    };
    let q = plans::Entity::find().filter(condition(f));
    let total = q.clone().count(db).await?;
    let pages = total.div_ceil(per_page).max(1);
    let page = f.page.clamp(1, pages);
    let rows = q
        .order_by_asc(plans::Column::PublicationDate)
        .order_by_asc(plans::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let (buyers, buyers_total) = buyer_choices(db, f).await?;
    Ok(PlanPage {
        rows: summaries(db, rows).await?,
        total,
        page,
        pages,
        buyers,
        buyers_total,
    })
}

/// The buyer's planned procurements (every stage), for its verified members.
pub async fn of_buyer(
    db: &DatabaseConnection,
    caller: &Caller,
    org_id: i32,
) -> Result<(String, Vec<PlanSummary>), AppError> {
    let org = verified(caller, org_id)?.name.clone();
    let rows = plans::Entity::find()
        .filter(plans::Column::BuyerId.eq(org_id))
        .order_by_desc(plans::Column::UpdatedAt)
        .all(db)
        .await?;
    Ok((org, summaries(db, rows).await?))
}

/// A planned procurement in a feed: its row, when it last changed, when it is expected.
pub struct FeedItem {
    pub summary: PlanSummary,
    pub updated: chrono::DateTime<Utc>,
    pub publication: Planned,
}

/// The procurements of the filters for the feeds: the `limit` most recently changed (Atom), or
/// by expected publication (iCal, `by_date`).
pub async fn feed(
    db: &DatabaseConnection,
    f: &PlanFilters,
    limit: u64,
    by_date: bool,
) -> Result<Vec<FeedItem>, AppError> {
    let q = plans::Entity::find().filter(condition(f));
    let q = if by_date {
        q.order_by_asc(plans::Column::PublicationDate)
    } else {
        q.order_by_desc(plans::Column::UpdatedAt)
    };
    let rows = q
        .order_by_asc(plans::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let extra: HashMap<i32, (chrono::DateTime<Utc>, Planned)> = rows
        .iter()
        .map(|p| {
            (
                p.id,
                (
                    p.updated_at,
                    planned(p.publication_date, &p.publication_precision),
                ),
            )
        })
        .collect();
    Ok(summaries(db, rows)
        .await?
        .into_iter()
        .filter_map(|s| {
            let (updated, publication) = *extra.get(&s.id)?;
            Some(FeedItem {
                summary: s,
                updated,
                publication,
            })
        })
        .collect())
}
