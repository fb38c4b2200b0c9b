//! Firms' interest in planned procurements: a member of a business signals it (for the whole
//! procurement or a lot, with a message and its offers that fit) while the procurement is still
//! to come; the buyer's verified members see every interested firm with its profile and past
//! contracts, and download them as CSV.

use crate::domain::contracts::Party;
use crate::domain::ids::{InterestId, OrgId, PlanId, UserId};
use crate::domain::offer::OfferStatus;
use crate::domain::org::OrgKind;
use crate::domain::programming::{InterestOptions, InterestView, PlanStatus, MAX_MESSAGE};
use crate::domain::validate::Checker;
use crate::error::AppError;
use crate::server::auth::member_business;
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{communes, offers, organisations, plan_interests, plan_lots};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Whether a procurement in this stage still takes interest.
fn open(status: &str) -> bool {
    matches!(
        PlanStatus::parse(status),
        Some(PlanStatus::Planned | PlanStatus::Sourcing | PlanStatus::Published)
    )
}

use super::plan_of;

/// The views of these interests, oldest first.
async fn views(
    db: &DatabaseConnection,
    rows: Vec<plan_interests::Model>,
    with_contracts: bool,
) -> Result<Vec<InterestView>, AppError> {
    let orgs: HashMap<i32, organisations::Model> = organisations::Entity::find()
        .filter(
            organisations::Column::Id.is_in(
                rows.iter()
                    .map(|r| r.organisation_id)
                    .collect::<HashSet<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let lots: HashMap<i32, (i32, String)> = plan_lots::Entity::find()
        .filter(plan_lots::Column::Id.is_in(rows.iter().filter_map(|r| r.lot_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, (l.number, l.title)))
        .collect();
    let offer_ids: HashSet<i32> = rows
        .iter()
        .flat_map(|r| r.offers.split(',').filter_map(|s| s.parse::<i32>().ok()))
        .collect();
    let titles: HashMap<i32, String> = offers::Entity::find()
        .filter(offers::Column::Id.is_in(offer_ids))
        .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.title))
        .collect();
    let places: HashMap<String, String> = communes::Entity::find()
        .filter(
            communes::Column::Insee.is_in(orgs.values().filter_map(|o| o.commune_insee.clone())),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.insee, format!("{} ({})", c.name, c.department)))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(o) = orgs.get(&r.organisation_id) else {
            continue;
        };
        let (won_contracts, won_cents) = if with_contracts {
            crate::server::contracts::party_stats(db, &Party::Awardee(o.siret.clone()))
                .await?
                .map(|s| (s.contracts, s.cents))
                .unwrap_or((0, 0))
        } else {
            (0, 0)
        };
        out.push(InterestView {
            id: r.id,
            org_id: o.id,
            org_name: o.name.clone(),
            siret: o.siret.clone(),
            place: o
                .commune_insee
                .as_ref()
                .and_then(|c| places.get(c).cloned()),
            inclusive: o.inclusive.clone(),
            lot: r.lot_id.and_then(|l| lots.get(&l).cloned()),
            message: r.message,
            offers: r
                .offers
                .split(',')
                .filter_map(|s| s.parse::<i32>().ok())
                .filter_map(|id| titles.get(&id).map(|t| (id, t.clone())))
                .collect(),
            won_contracts,
            won_cents,
            on: r.created_at.format("%d/%m/%Y").to_string(),
        });
    }
    Ok(out)
}

/// What the caller may do on the plan's page.
pub async fn options(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
) -> Result<InterestOptions, AppError> {
    let plan = plan_of(db, plan_id).await?;
    let Some(_) = caller.user.as_ref() else {
        return Ok(InterestOptions {
            open: open(&plan.status),
            ..Default::default()
        });
    };
    let businesses: Vec<&organisations::Model> = caller
        .orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Business.as_str())
        .map(|(_, o)| o)
        .collect();
    let ids: Vec<i32> = businesses.iter().map(|o| o.id).collect();
    let mut by_org: BTreeMap<i32, Vec<(i32, String)>> = BTreeMap::new();
    for o in offers::Entity::find()
        .filter(offers::Column::OrganisationId.is_in(ids.clone()))
        .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
        .order_by_asc(offers::Column::Title)
        .all(db)
        .await?
    {
        by_org
            .entry(o.organisation_id)
            .or_default()
            .push((o.id, o.title));
    }
    let mine = plan_interests::Entity::find()
        .filter(plan_interests::Column::PlanId.eq(plan_id))
        .filter(plan_interests::Column::OrganisationId.is_in(ids))
        .order_by_asc(plan_interests::Column::Id)
        .all(db)
        .await?;
    Ok(InterestOptions {
        signed_in: true,
        orgs: businesses
            .iter()
            .map(|o| {
                (
                    o.id,
                    o.name.clone(),
                    by_org.remove(&o.id).unwrap_or_default(),
                )
            })
            .collect(),
        mine: views(db, mine, false).await?,
        open: open(&plan.status),
    })
}

/// A member of the business `org_id` signals its interest; `lot` is "" (the whole procurement)
/// or a lot's id; `chosen` the offers that fit (`offers[<id>]=on`).
pub async fn signal(
    db: &DatabaseConnection,
    user_id: UserId,
    plan_id: PlanId,
    org_id: OrgId,
    lot: &str,
    message: &str,
    chosen: &BTreeMap<String, String>,
) -> Result<(), AppError> {
    let (user_id, plan_id, org_id) = (user_id.get(), plan_id.get(), org_id.get());
    let txn = begin_write(db).await?;
    member_business(&txn, UserId(user_id), OrgId(org_id)).await?;
    let plan = plan_of(&txn, plan_id).await?;
    if !open(&plan.status) {
        return Err(AppError::field("lot", "plan.interest_closed"));
    }
    let mut c = Checker::new();
    let message = c
        .optional("message", message, MAX_MESSAGE)
        .unwrap_or_default();
    c.finish()?;
    let lot_id = match lot.trim() {
        "" => None,
        l => {
            let id = l
                .parse::<i32>()
                .map_err(|_| AppError::field("lot", "validation.unknown_choice"))?;
            plan_lots::Entity::find_by_id(id)
                .filter(plan_lots::Column::PlanId.eq(plan_id))
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::field("lot", "validation.unknown_choice"))?;
            Some(id)
        }
    };
    let wanted: Vec<i32> = chosen.keys().filter_map(|k| k.parse().ok()).collect();
    if wanted.len() != chosen.len() {
        return Err(AppError::BadRequest);
    }
    let valid: HashSet<i32> = offers::Entity::find()
        .filter(offers::Column::Id.is_in(wanted.clone()))
        .filter(offers::Column::OrganisationId.eq(org_id))
        .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    if wanted.iter().any(|w| !valid.contains(w)) {
        return Err(AppError::field("offers", "validation.unknown_choice"));
    }
    let already = plan_interests::Entity::find()
        .filter(plan_interests::Column::PlanId.eq(plan_id))
        .filter(plan_interests::Column::OrganisationId.eq(org_id))
        .all(&txn)
        .await?
        .into_iter()
        .any(|i| i.lot_id == lot_id);
    if already {
        return Err(AppError::field("lot", "plan.interest_exists"));
    }
    plan_interests::ActiveModel {
        plan_id: Set(plan_id),
        lot_id: Set(lot_id),
        organisation_id: Set(org_id),
        message: Set(message),
        offers: Set(wanted
            .iter()
            .take(20)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",")),
        created_by: Set(Some(user_id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A member of the business withdraws its interest; returns the plan's id.
pub async fn withdraw(
    db: &DatabaseConnection,
    user_id: UserId,
    id: InterestId,
) -> Result<i32, AppError> {
    let (user_id, id) = (user_id.get(), id.get());
    let txn = begin_write(db).await?;
    let i = plan_interests::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    member_business(&txn, UserId(user_id), OrgId(i.organisation_id)).await?;
    plan_interests::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(i.plan_id)
}

/// Every interested firm, for the buyer's verified members and its groupement's members.
pub async fn for_buyer(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
) -> Result<Vec<InterestView>, AppError> {
    caller.user()?;
    let plan = plan_of(db, plan_id).await?;
    // The members of its groupement de commandes read them too.
    if !super::joint::reads(db, caller, &plan).await? {
        return Err(AppError::Forbidden);
    }
    let rows = plan_interests::Entity::find()
        .filter(plan_interests::Column::PlanId.eq(plan_id))
        .order_by_asc(plan_interests::Column::Id)
        .all(db)
        .await?;
    views(db, rows, true).await
}

/// The CSV header of the interested firms' export.
pub const CSV_HEADER: [&str; 10] = [
    "siret",
    "entreprise",
    "commune",
    "structure_inclusive",
    "lot",
    "message",
    "offres",
    "marches_publics_gagnes",
    "montant_gagne_euros",
    "date",
];

/// The interested firms as CSV (with a BOM, for spreadsheets).
pub fn csv(rows: &[InterestView]) -> Result<String, AppError> {
    let mut w = crate::server::infra::csv::CsvOut::new();
    w.row(CSV_HEADER);
    for r in rows {
        let lot = r
            .lot
            .as_ref()
            .map(|(n, t)| format!("{n} — {t}"))
            .unwrap_or_default();
        let offers = r
            .offers
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ; ");
        w.row([
            r.siret.as_str(),
            &r.org_name,
            r.place.as_deref().unwrap_or_default(),
            r.inclusive.as_deref().unwrap_or_default(),
            &lot,
            &r.message,
            &offers,
            &r.won_contracts.to_string(),
            &(r.won_cents / 100).to_string(),
            &r.on,
        ]);
    }
    w.text_with_bom()
}
