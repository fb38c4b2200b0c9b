//! Notices of the tender portals as facts of the platform (issue 26): stored once each (by
//! portal and id, updated when read again); linked to the buyer on Passerelle by SIRET; a call
//! for tenders matched to the planned procurement it publishes (at once when it names it, else
//! proposed to the buyer, who confirms), which then moves to "published" with the notice's
//! link; an award moving it to "awarded" with its awardee; the calls of buyers without a plan
//! listed for firms in "Consultations en cours", where a firm signals its interest.

pub mod calls;

use crate::domain::notice_match::{self, NoticeFacts, PlanFacts};
use crate::domain::notices::{Notice, NoticeKind};
use crate::domain::org::OrgKind;
use crate::domain::programming::PlanStatus;
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::entities::{notices, organisations, plan_cpv, plan_events, plans};
use crate::server::infra::search::schema::stems;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set,
};

/// What storing a notice did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    Created,
    Updated,
}

/// Stores a notice read from `origin` by source `source_id` (created, or updated in place when
/// read again), then applies it to the programming. Returns what it did, and the notice as it
/// stands after.
pub async fn store(
    db: &impl ConnectionTrait,
    source_id: Option<i32>,
    origin: &str,
    n: &Notice,
) -> Result<(Stored, notices::Model), DbErr> {
    let now = Utc::now();
    let buyer_org = match &n.buyer_siret {
        Some(siret) => organisations::Entity::find()
            .filter(organisations::Column::Siret.eq(siret.as_str()))
            .filter(organisations::Column::Kind.eq(OrgKind::Buyer.as_str()))
            .one(db)
            .await?
            .map(|o| o.id),
        None => None,
    };
    let existing = notices::Entity::find()
        .filter(notices::Column::Origin.eq(origin))
        .filter(notices::Column::NoticeId.eq(n.notice_id.as_str()))
        .one(db)
        .await?;
    let (mut row, outcome) = match existing {
        Some(m) => (m.into(), Stored::Updated),
        None => (
            notices::ActiveModel {
                origin: Set(origin.into()),
                notice_id: Set(n.notice_id.clone()),
                created_at: Set(now),
                ..Default::default()
            },
            Stored::Created,
        ),
    };
    row.source_id = Set(source_id);
    row.kind = Set(n.kind.map(|k| k.as_str().to_string()));
    row.buyer_name = Set(n.buyer_name.chars().take(300).collect());
    row.buyer_siret = Set(n.buyer_siret.clone());
    row.buyer_org_id = Set(buyer_org);
    row.title = Set(n.title.chars().take(500).collect());
    row.cpv = Set(n.cpv.join(",").chars().take(1000).collect());
    row.departments = Set(n.departments.join(",").chars().take(200).collect());
    row.published_on = Set(n.published_on);
    row.deadline = Set(n.deadline);
    row.url = Set(n.url.clone());
    row.lots = Set(serde_json::to_string(&n.lots).unwrap_or_else(|_| "[]".into()));
    row.awardees = Set(serde_json::to_string(&n.awardees).unwrap_or_else(|_| "[]".into()));
    row.follows = Set(n.follows.clone());
    row.updated_at = Set(now);
    let (outcome, saved) = match outcome {
        Stored::Created => insert_or_update(db, row, origin, &n.notice_id).await?,
        Stored::Updated => (outcome, row.update(db).await?),
    };
    apply(db, &saved).await?;
    let now_stands = notices::Entity::find_by_id(saved.id)
        .one(db)
        .await?
        .unwrap_or(saved);
    Ok((outcome, now_stands))
}

/// Inserts a notice not found a moment ago; when another run (another source reading the same
/// notice, on this instance or another) stored it in between, updates that one instead of
/// failing on the unique (origin, id): one statement that cannot conflict, then the row read.
async fn insert_or_update(
    db: &impl ConnectionTrait,
    mut row: notices::ActiveModel,
    origin: &str,
    notice_id: &str,
) -> Result<(Stored, notices::Model), DbErr> {
    use sea_orm::sea_query::OnConflict;
    use sea_orm::ActiveValue::Unchanged;
    let inserted = notices::Entity::insert(row.clone())
        .on_conflict(
            OnConflict::columns([notices::Column::Origin, notices::Column::NoticeId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let stored = notices::Entity::find()
        .filter(notices::Column::Origin.eq(origin))
        .filter(notices::Column::NoticeId.eq(notice_id))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("notice {origin}/{notice_id}")))?;
    if inserted == 1 {
        return Ok((Stored::Created, stored));
    }
    row.id = Unchanged(stored.id);
    row.created_at = Unchanged(stored.created_at);
    Ok((Stored::Updated, row.update(db).await?))
}

/// The plans of `buyer` a call for tenders may publish: planned or in sourcing.
async fn open_plans(db: &impl ConnectionTrait, buyer: i32) -> Result<Vec<plans::Model>, DbErr> {
    plans::Entity::find()
        .filter(plans::Column::BuyerId.eq(buyer))
        .filter(
            plans::Column::Status
                .is_in([PlanStatus::Planned.as_str(), PlanStatus::Sourcing.as_str()]),
        )
        .all(db)
        .await
}

/// What a stored notice changes in the programming.
async fn apply(db: &impl ConnectionTrait, n: &notices::Model) -> Result<(), DbErr> {
    let kind = n.kind.as_deref().and_then(NoticeKind::parse);
    match kind {
        Some(NoticeKind::Contract) if n.plan_id.is_none() && !n.dismissed => {
            let Some(buyer) = n.buyer_org_id else {
                return Ok(());
            };
            let candidates = open_plans(db, buyer).await?;
            // The plan the notice names: imported from the prior information notice this one
            // follows, or carrying the notice's own id.
            let named = candidates.iter().find(|p| {
                p.eforms_notice_id.as_deref().is_some_and(|id| {
                    Some(id) == n.follows.as_deref() || id == n.notice_id.as_str()
                })
            });
            if let Some(plan) = named {
                publish(db, plan.clone(), n, None).await?;
                return Ok(());
            }
            let facts = NoticeFacts {
                cpv: split(&n.cpv),
                published_on: n.published_on,
                words: stems(&n.title),
            };
            // The candidates' codes in one statement.
            let codes = if candidates.is_empty() {
                Vec::new()
            } else {
                plan_cpv::Entity::find()
                    .filter(plan_cpv::Column::PlanId.is_in(candidates.iter().map(|p| p.id)))
                    .all(db)
                    .await?
            };
            let mut plan_facts = Vec::new();
            for p in &candidates {
                plan_facts.push(PlanFacts {
                    id: p.id,
                    cpv: codes
                        .iter()
                        .filter(|c| c.plan_id == p.id)
                        .map(|c| c.cpv_code.clone())
                        .collect(),
                    publication: p.publication_date,
                    period_months: if p.publication_precision == "quarter" {
                        3
                    } else {
                        1
                    },
                    words: stems(&format!("{} {}", p.title, p.description)),
                });
            }
            let proposed = notice_match::best(&facts, &plan_facts).map(|(id, _)| id);
            if proposed != n.proposed_plan_id {
                let mut a: notices::ActiveModel = n.clone().into();
                a.proposed_plan_id = Set(proposed);
                a.update(db).await?;
            }
        }
        Some(NoticeKind::Modification | NoticeKind::Cancellation) => {
            // Recorded with the plan its call published, shown on the plan's page; the plan's
            // stage is the buyer's to change.
            let Some(plan_id) = followed_plan(db, n).await? else {
                return Ok(());
            };
            if n.plan_id != Some(plan_id) {
                let mut link: notices::ActiveModel = n.clone().into();
                link.plan_id = Set(Some(plan_id));
                link.update(db).await?;
            }
        }
        Some(NoticeKind::Award) => {
            let Some(plan_id) = followed_plan(db, n).await? else {
                return Ok(());
            };
            let Some(plan) = plans::Entity::find_by_id(plan_id).one(db).await? else {
                return Ok(());
            };
            if plan.status != PlanStatus::Published.as_str() {
                return Ok(());
            }
            let awardee = awardee_org(db, n).await?;
            let mut a: plans::ActiveModel = plan.into();
            a.status = Set(PlanStatus::Awarded.as_str().into());
            if awardee.is_some() {
                a.awardee_org_id = Set(awardee);
            }
            a.updated_at = Set(Utc::now());
            a.update(db).await?;
            event(db, plan_id, PlanStatus::Awarded, n.url.clone()).await?;
            let mut link: notices::ActiveModel = n.clone().into();
            link.plan_id = Set(Some(plan_id));
            link.update(db).await?;
        }
        _ => {}
    }
    Ok(())
}

/// The plan published by the call notice `n` follows: by the call's id (BOAMP's annonce_lie),
/// or sharing its procedure's folder (eForms' ContractFolderID, `folder:…`).
async fn followed_plan(
    db: &impl ConnectionTrait,
    n: &notices::Model,
) -> Result<Option<i32>, DbErr> {
    let Some(follows) = &n.follows else {
        return Ok(None);
    };
    let by = if follows.starts_with("folder:") {
        notices::Column::Follows
    } else {
        notices::Column::NoticeId
    };
    let call = notices::Entity::find()
        .filter(notices::Column::Origin.eq(n.origin.as_str()))
        .filter(notices::Column::Kind.eq(NoticeKind::Contract.as_str()))
        .filter(by.eq(follows.as_str()))
        .one(db)
        .await?;
    Ok(call.and_then(|c| c.plan_id))
}

/// The directory's firm an award names: by SIRET, else by its exact name.
async fn awardee_org(db: &impl ConnectionTrait, n: &notices::Model) -> Result<Option<i32>, DbErr> {
    let awardees: Vec<crate::domain::notices::NoticeAwardee> =
        serde_json::from_str(&n.awardees).unwrap_or_default();
    for a in awardees {
        let by_siret = match &a.siret {
            Some(s) => {
                organisations::Entity::find()
                    .filter(organisations::Column::Siret.eq(s.as_str()))
                    .one(db)
                    .await?
            }
            None => None,
        };
        let found = match by_siret {
            Some(o) => Some(o),
            None => {
                organisations::Entity::find()
                    .filter(organisations::Column::Kind.eq(OrgKind::Business.as_str()))
                    .filter(
                        Expr::expr(Func::lower(Expr::col(organisations::Column::Name)))
                            .eq(a.name.trim().to_lowercase()),
                    )
                    .one(db)
                    .await?
            }
        };
        if let Some(o) = found {
            return Ok(Some(o.id));
        }
    }
    Ok(None)
}

/// A system's (or `actor`'s) event on a plan's history.
async fn event(
    db: &impl ConnectionTrait,
    plan_id: i32,
    status: PlanStatus,
    note: Option<String>,
) -> Result<(), DbErr> {
    plan_events::ActiveModel {
        plan_id: Set(plan_id),
        actor_id: Set(None),
        status: Set(status.as_str().into()),
        note: Set(note),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Moves `plan` to "published" with the notice's address, and links the notice to it.
async fn publish(
    db: &impl ConnectionTrait,
    plan: plans::Model,
    n: &notices::Model,
    actor: Option<i32>,
) -> Result<(), DbErr> {
    let id = plan.id;
    let mut a: plans::ActiveModel = plan.into();
    a.status = Set(PlanStatus::Published.as_str().into());
    a.tender_url = Set(n.url.clone());
    a.updated_at = Set(Utc::now());
    a.update(db).await?;
    plan_events::ActiveModel {
        plan_id: Set(id),
        actor_id: Set(actor),
        status: Set(PlanStatus::Published.as_str().into()),
        note: Set(n.url.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut link: notices::ActiveModel = n.clone().into();
    link.plan_id = Set(Some(id));
    link.proposed_plan_id = Set(None);
    link.update(db).await?;
    Ok(())
}

/// The buyer confirms that notice `id` publishes the plan proposed for it: the plan moves to
/// "published" with the notice's link. Only an active member of the plan's buyer may.
pub async fn confirm(db: &DatabaseConnection, caller: &Caller, id: i32) -> Result<i32, AppError> {
    let user = caller.user()?;
    let n = notices::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let plan_id = n.proposed_plan_id.ok_or(AppError::NotFound)?;
    let plan = plans::Entity::find_by_id(plan_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    caller
        .membership(plan.buyer_id)
        .ok_or(AppError::Forbidden)?;
    let status = PlanStatus::parse(&plan.status).ok_or(AppError::Internal)?;
    if !status.may_become(PlanStatus::Published) {
        return Err(AppError::field("notice", "notices.not_publishable"));
    }
    publish(db, plan, &n, Some(user.id)).await?;
    Ok(plan_id)
}

/// The buyer says notice `id` publishes none of its plans: no longer proposed.
pub async fn dismiss(db: &DatabaseConnection, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.user()?;
    let n = notices::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let plan_id = n.proposed_plan_id.ok_or(AppError::NotFound)?;
    let plan = plans::Entity::find_by_id(plan_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    caller
        .membership(plan.buyer_id)
        .ok_or(AppError::Forbidden)?;
    let mut a: notices::ActiveModel = n.into();
    a.proposed_plan_id = Set(None);
    a.dismissed = Set(true);
    a.update(db).await?;
    Ok(())
}

/// A stored list.
pub fn split(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
