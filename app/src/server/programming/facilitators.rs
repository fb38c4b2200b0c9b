//! Facilitators of insertion on the server: the territory an administrator gives an account,
//! the plans with an insertion lever it follows there, the notes facilitators and buyers write
//! on a plan's lever, and the notice facilitators get when such a plan moves stage.

use crate::domain::audit::Action;
use crate::domain::facilitation::{
    area_choices, check_note, Facilitator, Facilitators, Follow, FollowedPlans, InclusivePartner,
    InclusivePartners, NoteView, PARTNERS_SHOWN, PER_PAGE,
};
use crate::domain::geo::area_code;
use crate::domain::org::OrgKind;
use crate::domain::programming::PlanStatus;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::audit::{self, Target};
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    communes, insertion_hours, organisations, plan_insertion_notes, plan_lots, plans, users,
};
use crate::server::infra::mail::Mailer;
use crate::server::infra::notifications::tell_all;
use crate::server::infra::places::area_label;
use chrono::Utc;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// The areas a facilitator may be given, in words.
fn areas() -> Vec<(String, String)> {
    let deps: Vec<(String, String)> = crate::server::infra::reference::department_names()
        .iter()
        .map(|(c, n)| (c.clone(), n.clone()))
        .collect();
    area_choices(&deps)
}

/// The facilitators, for the administration (with their second factor).
pub async fn list(db: &DatabaseConnection, caller: &Caller) -> Result<Facilitators, AppError> {
    caller.require_admin()?;
    let people = users::Entity::find()
        .filter(users::Column::FacilitatorArea.is_not_null())
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await?
        .into_iter()
        .map(|u| Facilitator {
            area: u
                .facilitator_area
                .as_deref()
                .map(words_of)
                .unwrap_or_default(),
            email: u.email,
            name: u.display_name,
        })
        .collect();
    Ok(Facilitators {
        people,
        areas: areas(),
    })
}

/// "Métropole de Lyon", "Ain (01)", or the code when it has no name.
pub(super) fn words_of(area: &str) -> String {
    match (area, area_label(area)) {
        ("69M" | "69D", Some(l)) => l,
        (_, Some(l)) => format!("{l} ({area})"),
        (a, None) => a.to_string(),
    }
}

/// Gives the account of `email` the territory `area` to facilitate, or takes the role back
/// (`area` blank); recorded in the audit journal.
pub async fn set(
    db: &DatabaseConnection,
    caller: &Caller,
    email: &str,
    area: &str,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let area = area.trim();
    let area = if area.is_empty() {
        None
    } else if areas().iter().any(|(c, _)| c == area) {
        Some(area.to_string())
    } else {
        return Err(AppError::field("area", "validation.unknown_choice"));
    };
    let email = email.trim().to_lowercase();
    let txn = begin_write(db).await?;
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::field("facilitator_email", "admin.no_such_account"))?;
    if user.facilitator_area != area {
        let id = user.id;
        let mut u: users::ActiveModel = user.into();
        u.facilitator_area = Set(area.clone());
        u.update(&txn).await?;
        let (action, detail) = match &area {
            Some(a) => (Action::FacilitatorGiven, a.clone()),
            None => (Action::FacilitatorTaken, String::new()),
        };
        audit::record(&txn, Some(admin.id), action, Target::User(id), detail).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The communes of an area, as a condition on `communes`.
fn communes_of(area: &str) -> Condition {
    match area {
        "69M" | "69D" => Condition::all()
            .add(communes::Column::Department.eq("69"))
            .add(communes::Column::InMetropole.eq(area == "69M")),
        d => Condition::all().add(communes::Column::Department.eq(d)),
    }
}

/// The area of a buyer, from its commune; none when it has none.
pub(super) async fn area_of_buyer(
    db: &impl ConnectionTrait,
    buyer_id: i32,
) -> Result<Option<String>, AppError> {
    let Some(org) = organisations::Entity::find_by_id(buyer_id).one(db).await? else {
        return Ok(None);
    };
    let Some(insee) = org.commune_insee else {
        return Ok(None);
    };
    Ok(communes::Entity::find_by_id(insee)
        .one(db)
        .await?
        .map(|c| area_code(&c.department, c.in_metropole)))
}

/// The plan has an insertion lever: its own, one of a lot, or a reserved contract.
pub(super) async fn has_lever(
    db: &impl ConnectionTrait,
    p: &plans::Model,
) -> Result<bool, AppError> {
    if p.insertion_kind.is_some() || p.reserved.is_some() {
        return Ok(true);
    }
    Ok(plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.eq(p.id))
        .filter(plan_lots::Column::InsertionKind.is_not_null())
        .count(db)
        .await?
        > 0)
}

/// Who the caller is to a plan's insertion follow-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// Facilitates the plan's territory.
    Facilitator,
    /// A member of its buyer.
    Buyer,
}

/// The caller's side on the plan's follow-up: none (refused) for anyone else, and for a
/// facilitator on a draft (not public yet).
fn side(caller: &Caller, p: &plans::Model, area: Option<&str>) -> Option<Side> {
    let user = caller.user.as_ref()?;
    if caller.membership(p.buyer_id).is_some() {
        return Some(Side::Buyer);
    }
    let public = p.status != PlanStatus::Draft.as_str();
    (public && area.is_some() && user.facilitator_area.as_deref() == area)
        .then_some(Side::Facilitator)
}

pub(super) use super::plan_of;

/// The facilitators of an area.
pub(super) async fn facilitators_of(
    db: &impl ConnectionTrait,
    area: &str,
) -> Result<Vec<users::Model>, AppError> {
    Ok(users::Entity::find()
        .filter(users::Column::FacilitatorArea.eq(area))
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await?)
}

/// A plan's follow-up, for whom it is (none for anyone else: the page shows nothing).
pub async fn follow(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
) -> Result<Option<Follow>, AppError> {
    let p = plan_of(db, plan_id).await?;
    let area = area_of_buyer(db, p.buyer_id).await?;
    if side(caller, &p, area.as_deref()).is_none() || !has_lever(db, &p).await? {
        return Ok(None);
    }
    let facilitators = match &area {
        Some(a) => facilitators_of(db, a).await?,
        None => vec![],
    };
    let rows = plan_insertion_notes::Entity::find()
        .filter(plan_insertion_notes::Column::PlanId.eq(plan_id))
        .order_by_asc(plan_insertion_notes::Column::Id)
        .all(db)
        .await?;
    let authors: HashMap<i32, users::Model> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().filter_map(|n| n.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let notes = rows
        .into_iter()
        .map(|n| {
            let author = n.user_id.and_then(|id| authors.get(&id));
            NoteView {
                author: author.map(|u| u.display_name.clone()),
                // Said of the author today: who facilitates the territory now.
                by_facilitator: author
                    .is_some_and(|u| u.facilitator_area.is_some() && u.facilitator_area == area),
                at: crate::domain::sourcing::paris_text(n.created_at),
                body: n.body,
            }
        })
        .collect();
    Ok(Some(Follow {
        area: area.as_deref().map(words_of),
        facilitators: facilitators.into_iter().map(|u| u.display_name).collect(),
        notes,
    }))
}

/// Adds a note to a plan's follow-up, by its buyer or its territory's facilitator, and tells
/// the other side under the bell.
pub async fn note(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
    body: &str,
) -> Result<(), AppError> {
    let user = caller.user()?;
    let p = plan_of(db, plan_id).await?;
    let area = area_of_buyer(db, p.buyer_id).await?;
    let Some(side) = side(caller, &p, area.as_deref()) else {
        return Err(AppError::Forbidden);
    };
    let body = check_note(body)?;
    if !has_lever(db, &p).await? {
        return Err(AppError::field("body", "insertion.follow.no_lever"));
    }
    plan_insertion_notes::ActiveModel {
        plan_id: Set(plan_id),
        user_id: Set(Some(user.id)),
        body: Set(body),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let told = match (side, &area) {
        (Side::Facilitator, _) => crate::server::partners::answers::members(db, p.buyer_id).await?,
        (Side::Buyer, Some(a)) => facilitators_of(db, a).await?,
        (Side::Buyer, None) => vec![],
    };
    let told: Vec<users::Model> = told.into_iter().filter(|u| u.id != user.id).collect();
    let url = format!("/programmation/{plan_id}#suivi-insertion");
    tell_all(db, None, &told, &url, |lang| {
        tr(lang, "insertion.follow.notify_note").replace("%{title}", &p.title)
    })
    .await;
    Ok(())
}

/// Tells the territory's facilitators that a plan with an insertion lever moved to `to`: a
/// notification and an email each (an email that cannot leave is logged). Returns how many.
pub async fn on_stage(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    plan_id: i32,
    to: PlanStatus,
) -> Result<usize, AppError> {
    let p = plan_of(db, plan_id).await?;
    if !has_lever(db, &p).await? {
        return Ok(0);
    }
    let Some(area) = area_of_buyer(db, p.buyer_id).await? else {
        return Ok(0);
    };
    let people = facilitators_of(db, &area).await?;
    let url = format!("/programmation/{plan_id}#suivi-insertion");
    let buyer = organisations::Entity::find_by_id(p.buyer_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    tell_all(db, Some((mailer, public_url)), &people, &url, |lang| {
        let stage = tr(lang, "insertion.follow.notify_stage")
            .replace("%{title}", &p.title)
            .replace("%{stage}", &tr(lang, &to.label_key()));
        format!("{stage} — {buyer}")
    })
    .await;
    Ok(people.len())
}

/// The public plans with an insertion lever (or reserved) of the buyers of `area`.
fn followed_in(area: &str) -> sea_orm::Select<plans::Entity> {
    let buyers = Query::select()
        .column(organisations::Column::Id)
        .from(organisations::Entity)
        .and_where(organisations::Column::Kind.eq(OrgKind::Buyer.as_str()))
        .and_where(
            organisations::Column::CommuneInsee.in_subquery(
                Query::select()
                    .column(communes::Column::Insee)
                    .from(communes::Entity)
                    .cond_where(communes_of(area))
                    .to_owned(),
            ),
        )
        .to_owned();
    plans::Entity::find()
        .filter(plans::Column::BuyerId.in_subquery(buyers))
        // Followed until after the award; a cancelled one is not.
        .filter(
            plans::Column::Status
                .is_not_in([PlanStatus::Draft.as_str(), PlanStatus::Cancelled.as_str()]),
        )
        .filter(
            Condition::any()
                .add(super::insertion_lever())
                .add(plans::Column::Reserved.is_not_null()),
        )
}

/// How many plans the facilitator of `area` follows (the home page's to-do).
pub async fn followed_count(db: &impl ConnectionTrait, area: &str) -> Result<u64, AppError> {
    Ok(followed_in(area).count(db).await?)
}

/// How many entries of hours wait for the validation of the facilitator of `area`.
pub async fn to_validate_count(db: &impl ConnectionTrait, area: &str) -> Result<u64, AppError> {
    use sea_orm::QueryTrait;
    let plans = followed_in(area)
        .select_only()
        .column(plans::Column::Id)
        .into_query();
    Ok(insertion_hours::Entity::find()
        .filter(insertion_hours::Column::PlanId.in_subquery(plans))
        .filter(insertion_hours::Column::ValidatedAt.is_null())
        .count(db)
        .await?)
}

/// The plans with an insertion lever (or reserved) of the caller's territory, public ones
/// only, the nearest publication first: refused to anyone who facilitates no territory.
pub async fn followed(
    db: &DatabaseConnection,
    caller: &Caller,
    page: u64,
) -> Result<FollowedPlans, AppError> {
    let user = caller.user()?;
    let area = user.facilitator_area.clone().ok_or(AppError::Forbidden)?;
    let query = followed_in(&area);
    let total = query.clone().count(db).await?;
    let page = page.clamp(1, total.div_ceil(PER_PAGE).max(1));
    let rows = query
        .order_by_asc(plans::Column::PublicationDate)
        .order_by_asc(plans::Column::Id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
    let counts = count_by_plan(
        db,
        plan_insertion_notes::Entity::find()
            .filter(plan_insertion_notes::Column::PlanId.is_in(ids.clone())),
        plan_insertion_notes::Column::PlanId,
    )
    .await?;
    let waiting = count_by_plan(
        db,
        insertion_hours::Entity::find()
            .filter(insertion_hours::Column::PlanId.is_in(ids))
            .filter(insertion_hours::Column::ValidatedAt.is_null()),
        insertion_hours::Column::PlanId,
    )
    .await?;
    let rows = super::summaries(db, rows)
        .await?
        .into_iter()
        .map(|s| {
            let n = counts.get(&s.id).copied().unwrap_or(0);
            let w = waiting.get(&s.id).copied().unwrap_or(0);
            (s, n, w)
        })
        .collect();
    Ok(FollowedPlans {
        area: words_of(&area),
        rows,
        total,
        page,
    })
}

/// How many rows of `query` each plan has (`plan` its plan column).
async fn count_by_plan<E: EntityTrait>(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<E>,
    plan: E::Column,
) -> Result<HashMap<i32, u64>, AppError> {
    Ok(query
        .select_only()
        .column(plan)
        .column_as(plan.count(), "n")
        .group_by(plan)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, n)| (id, n.max(0) as u64))
        .collect())
}

/// The inclusive structures of a plan's territory working in its trade: public firms with an
/// inclusive kind, in the buyer's area, with a published offer in one of the CPV divisions of
/// the plan or its lots (any trade when it has none). Nothing for a plan without a lever; a
/// draft only for its buyer.
pub async fn inclusive_partners(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
) -> Result<InclusivePartners, AppError> {
    use crate::server::infra::entities::{offer_cpv, offers, plan_cpv};
    let p = plan_of(db, plan_id).await?;
    if p.status == PlanStatus::Draft.as_str() && caller.membership(p.buyer_id).is_none() {
        return Err(AppError::NotFound);
    }
    let area = area_of_buyer(db, p.buyer_id).await?;
    let mut codes: Vec<String> = plan_cpv::Entity::find()
        .filter(plan_cpv::Column::PlanId.eq(plan_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.cpv_code)
        .collect();
    codes.extend(
        plan_lots::Entity::find()
            .filter(plan_lots::Column::PlanId.eq(plan_id))
            .all(db)
            .await?
            .into_iter()
            .flat_map(|l| {
                l.cpv
                    .split_whitespace()
                    .map(String::from)
                    .collect::<Vec<_>>()
            }),
    );
    let mut divisions: Vec<String> = codes
        .iter()
        .filter_map(|c| c.get(..2).map(String::from))
        .collect();
    divisions.sort();
    divisions.dedup();
    let mut directory = crate::domain::query::Writer::default();
    directory.push("inclusif", Some("any".to_string()));
    directory.push("dep", area.clone());
    directory.push("cpv", divisions.first().cloned());
    let directory = format!("/annuaire?{}", directory.finish());
    if !has_lever(db, &p).await? {
        return Ok(InclusivePartners {
            lever: false,
            rows: vec![],
            total: 0,
            directory,
        });
    }
    let mut query = organisations::Entity::find()
        .filter(organisations::Column::Inclusive.is_not_null())
        .filter(organisations::Column::IsPublic.eq(true))
        .filter(organisations::Column::Kind.eq(OrgKind::Business.as_str()));
    if let Some(a) = &area {
        query = query.filter(
            organisations::Column::CommuneInsee.in_subquery(
                Query::select()
                    .column(communes::Column::Insee)
                    .from(communes::Entity)
                    .cond_where(communes_of(a))
                    .to_owned(),
            ),
        );
    }
    if !divisions.is_empty() {
        let mut trade = Condition::any();
        for d in &divisions {
            trade = trade.add(offer_cpv::Column::CpvCode.starts_with(d.as_str()));
        }
        query = query.filter(
            organisations::Column::Id.in_subquery(
                Query::select()
                    .column(offers::Column::OrganisationId)
                    .from(offers::Entity)
                    .and_where(
                        offers::Column::Status
                            .eq(crate::domain::offer::OfferStatus::Published.as_str()),
                    )
                    .and_where(
                        offers::Column::Id.in_subquery(
                            Query::select()
                                .column(offer_cpv::Column::OfferId)
                                .from(offer_cpv::Entity)
                                .cond_where(trade)
                                .to_owned(),
                        ),
                    )
                    .to_owned(),
            ),
        );
    }
    let total = query.clone().count(db).await?;
    let orgs = query
        .order_by_asc(organisations::Column::Name)
        .limit(PARTNERS_SHOWN)
        .all(db)
        .await?;
    let names: HashMap<String, String> = communes::Entity::find()
        .filter(communes::Column::Insee.is_in(orgs.iter().filter_map(|o| o.commune_insee.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.insee, c.name))
        .collect();
    let rows = orgs
        .into_iter()
        .map(|o| InclusivePartner {
            commune: o.commune_insee.as_ref().and_then(|c| names.get(c).cloned()),
            kind: o.inclusive.unwrap_or_default(),
            id: o.id,
            name: o.name,
            siret: o.siret,
        })
        .collect();
    Ok(InclusivePartners {
        lever: true,
        rows,
        total,
        directory,
    })
}
