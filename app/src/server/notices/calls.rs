//! Reading the notices: "Consultations en cours" (the calls for tenders still open that publish
//! no plan of the platform), a plan's notices, and the firms' interest in a call.

use super::split;
use crate::domain::notices::{
    CallPage, CallView, NoticeKind, NoticeLink, NoticeLot, PlanNotices, PER_PAGE,
};
use crate::domain::org::OrgKind;
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::entities::{notice_interests, notices, plans};
use chrono::{NaiveDateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Order};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

/// Now on a clock in Paris, as deadlines are stored.
fn paris_now() -> NaiveDateTime {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .naive_local()
}

/// How long a call without a deadline stays listed after its publication.
const WITHOUT_DEADLINE_DAYS: i64 = 45;

fn open_calls() -> Condition {
    let now = paris_now();
    let recent = now.date() - chrono::Duration::days(WITHOUT_DEADLINE_DAYS);
    Condition::all()
        .add(notices::Column::Kind.eq(NoticeKind::Contract.as_str()))
        .add(notices::Column::PlanId.is_null())
        .add(
            Condition::any()
                .add(notices::Column::Deadline.gte(now))
                .add(
                    Condition::all()
                        .add(notices::Column::Deadline.is_null())
                        .add(notices::Column::PublishedOn.gte(recent)),
                ),
        )
}

/// The caller's businesses: (id, name).
fn firms(caller: &Caller) -> Vec<(i32, String)> {
    caller
        .orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Business.as_str())
        .map(|(_, o)| (o.id, o.name.clone()))
        .collect()
}

/// The calls as shown, with the firms' interest in each: one statement for all of them.
async fn views(
    db: &DatabaseConnection,
    rows: Vec<notices::Model>,
    my_firms: &[(i32, String)],
) -> Result<Vec<CallView>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let interests = notice_interests::Entity::find()
        .filter(notice_interests::Column::NoticeId.is_in(rows.iter().map(|n| n.id)))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|n| {
            let of_this: Vec<i32> = interests
                .iter()
                .filter(|i| i.notice_id == n.id)
                .map(|i| i.org_id)
                .collect();
            view(n, &of_this, my_firms)
        })
        .collect())
}

/// A call as shown, `interested` the firms that signalled their interest in it.
fn view(n: notices::Model, interested: &[i32], my_firms: &[(i32, String)]) -> CallView {
    let mine = my_firms
        .iter()
        .filter(|(id, _)| interested.contains(id))
        .cloned()
        .collect();
    let lots: Vec<NoticeLot> = serde_json::from_str(&n.lots).unwrap_or_default();
    CallView {
        id: n.id,
        kind: n.kind.as_deref().and_then(NoticeKind::parse),
        deadline: n.deadline.map(|d| d.format("%d/%m/%Y %H:%M").to_string()),
        published_on: n.published_on.map(|d| d.format("%d/%m/%Y").to_string()),
        cpv: split(&n.cpv)
            .into_iter()
            .map(|c| {
                let label = crate::server::infra::cpv::label_of(&c)
                    .unwrap_or_default()
                    .to_string();
                (c, label)
            })
            .collect(),
        departments: split(&n.departments),
        interested: interested.len() as u64,
        mine,
        lots,
        origin: n.origin,
        notice_id: n.notice_id,
        title: n.title,
        buyer_name: n.buyer_name,
        buyer_org_id: n.buyer_org_id,
        url: n.url,
    }
}

/// A page of the calls for tenders still open that publish no plan, soonest deadline first.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    page: u64,
) -> Result<CallPage, AppError> {
    let query = notices::Entity::find().filter(open_calls());
    let total = query.clone().count(db).await?;
    let pages = Ord::max(total.div_ceil(PER_PAGE), 1);
    let page = page.clamp(1, pages);
    let rows = query
        // Calls without a deadline after those with one.
        .order_by(Expr::col(notices::Column::Deadline).is_null(), Order::Asc)
        .order_by_asc(notices::Column::Deadline)
        .order_by_desc(notices::Column::PublishedOn)
        .order_by_asc(notices::Column::Id)
        .paginate(db, PER_PAGE)
        .fetch_page(page - 1)
        .await?;
    let my_firms = firms(caller);
    Ok(CallPage {
        rows: views(db, rows, &my_firms).await?,
        total,
        page,
        pages,
        signed_in: caller.user.is_some(),
        my_firms,
    })
}

/// The notice that published plan `plan_id`, and (for its buyer's members) the one proposed.
pub async fn of_plan(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
) -> Result<PlanNotices, AppError> {
    let plan = plans::Entity::find_by_id(plan_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let my_firms = firms(caller);
    let published_by = match notices::Entity::find()
        .filter(notices::Column::PlanId.eq(plan_id))
        .filter(notices::Column::Kind.eq(NoticeKind::Contract.as_str()))
        .one(db)
        .await?
    {
        Some(n) => views(db, vec![n], &my_firms).await?.pop(),
        None => None,
    };
    let proposed = if caller.membership(plan.buyer_id).is_some() {
        match notices::Entity::find()
            .filter(notices::Column::ProposedPlanId.eq(plan_id))
            .order_by_desc(notices::Column::PublishedOn)
            .one(db)
            .await?
        {
            Some(n) => views(db, vec![n], &my_firms).await?.pop(),
            None => None,
        }
    } else {
        None
    };
    let later = notices::Entity::find()
        .filter(notices::Column::PlanId.eq(plan_id))
        .filter(notices::Column::Kind.ne(NoticeKind::Contract.as_str()))
        .order_by_asc(notices::Column::PublishedOn)
        .order_by_asc(notices::Column::Id)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(|n| NoticeLink {
            kind: n.kind.as_deref().and_then(NoticeKind::parse),
            published_on: n.published_on.map(|d| d.format("%d/%m/%Y").to_string()),
            notice_id: n.notice_id,
            url: n.url,
        })
        .collect();
    Ok(PlanNotices {
        published_by,
        proposed,
        later,
    })
}

/// A member of the business `org_id` signals (`on`) or withdraws its interest in call `id`.
pub async fn interest(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    org_id: i32,
    on: bool,
) -> Result<(), AppError> {
    let user = caller.user()?;
    let (_, org) = caller.membership(org_id).ok_or(AppError::Forbidden)?;
    if org.kind != OrgKind::Business.as_str() {
        return Err(AppError::Forbidden);
    }
    let n = notices::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let existing = notice_interests::Entity::find()
        .filter(notice_interests::Column::NoticeId.eq(n.id))
        .filter(notice_interests::Column::OrgId.eq(org_id))
        .one(db)
        .await?;
    match (on, existing) {
        (true, None) => {
            notice_interests::ActiveModel {
                notice_id: Set(n.id),
                org_id: Set(org_id),
                user_id: Set(Some(user.id)),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        (false, Some(i)) => {
            notice_interests::Entity::delete_by_id(i.id)
                .exec(db)
                .await?;
        }
        // Twice the same: once.
        _ => {}
    }
    Ok(())
}
