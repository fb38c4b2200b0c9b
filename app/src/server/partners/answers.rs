//! Answers to partner requests, and a request's page. An answer is private to the firm that
//! wrote it and to the poster: another firm never reads it, nor learns who answered.

use super::{cpv_names, needs_of_one, own_request, request_of, today};
use crate::domain::ids::{OrgId, RequestId, UserId};
use crate::domain::offer::OfferStatus;
use crate::domain::org::MembershipStatus;
use crate::domain::partners::{
    is_open, AnswerForm, AnswerStatus, AnswerView, Answerer, ConsortiumKind, PartnerRole,
    RequestView,
};
use crate::error::AppError;
use crate::server::auth::acting_business;
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    memberships, offers, organisations, partner_answer_offers, partner_answers, plan_lots, plans,
    users,
};
use crate::server::infra::mail::Mailer;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// The active members of an organisation (to tell them something).
pub async fn members(
    db: &impl ConnectionTrait,
    org_id: i32,
) -> Result<Vec<users::Model>, AppError> {
    Ok(memberships::Entity::find()
        .filter(memberships::Column::OrganisationId.eq(org_id))
        .filter(memberships::Column::Status.eq(MembershipStatus::Active.as_str()))
        .find_also_related(users::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(_, u)| u)
        .collect())
}

/// Tells every member of `org_id`: a notification and an email each (an email that cannot
/// leave is logged; the notification stays).
pub async fn tell_members(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    org_id: i32,
    title: &str,
    url: &str,
    body: &str,
) {
    let people = match members(db, org_id).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!("members of {org_id} not found: {e}");
            return;
        }
    };
    let link = format!("{}{url}", public_url.trim_end_matches('/'));
    for u in people {
        if let Err(e) = crate::server::infra::notifications::notify(db, u.id, title, url).await {
            tracing::warn!("notification to user {} failed: {e}", u.id);
        }
        let text = format!("Bonjour,\n\n{body}\n\n{link}\n");
        if let Err(e) = mailer
            .send(&u.email, &format!("Passerelle — {title}"), text)
            .await
        {
            tracing::warn!("email to user {} not sent: {e}", u.id);
        }
    }
}

async fn offer_titles(
    db: &impl ConnectionTrait,
    answer_ids: &[i32],
) -> Result<HashMap<i32, Vec<(i32, String)>>, AppError> {
    let links = partner_answer_offers::Entity::find()
        .filter(partner_answer_offers::Column::AnswerId.is_in(answer_ids.to_vec()))
        .all(db)
        .await?;
    let titles: HashMap<i32, String> = offers::Entity::find()
        .filter(offers::Column::Id.is_in(links.iter().map(|l| l.offer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.title))
        .collect();
    let mut out: HashMap<i32, Vec<(i32, String)>> = HashMap::new();
    for l in links {
        if let Some(t) = titles.get(&l.offer_id) {
            out.entry(l.answer_id)
                .or_default()
                .push((l.offer_id, t.clone()));
        }
    }
    Ok(out)
}

/// A request's page for the caller: the poster's members read every answer; another firm's
/// members read their own firm's answer and may answer while the request is open.
pub async fn view(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<RequestView, AppError> {
    let r = request_of(db, id).await?;
    let poster = organisations::Entity::find_by_id(r.organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mine = caller.membership(r.organisation_id).is_some();
    let (cpv, labels) = needs_of_one(db, id).await?;
    let names = cpv_names(db, cpv.clone()).await?;
    let commune = match &r.commune {
        Some(c) => super::commune(db, c).await?.map(|c| (c.insee, c.name)),
        None => None,
    };
    let plan = match r.plan_id {
        Some(p) => plans::Entity::find_by_id(p)
            .one(db)
            .await?
            .filter(|p| p.status != crate::domain::programming::PlanStatus::Draft.as_str())
            .map(|p| (p.id, p.title)),
        None => None,
    };
    let lot = match r.lot_id {
        Some(l) => plan_lots::Entity::find_by_id(l)
            .one(db)
            .await?
            .map(|l| (l.id, format!("{} — {}", l.number, l.title))),
        None => None,
    };
    // Which answers the caller may read.
    let my_orgs: Vec<i32> = caller.orgs.iter().map(|(m, _)| m.organisation_id).collect();
    let mut q = partner_answers::Entity::find().filter(partner_answers::Column::RequestId.eq(id));
    if !mine {
        q = q.filter(partner_answers::Column::OrganisationId.is_in(my_orgs.clone()));
    }
    let rows = q
        .order_by_asc(partner_answers::Column::CreatedAt)
        .all(db)
        .await?;
    let offers_of = offer_titles(db, &rows.iter().map(|a| a.id).collect::<Vec<_>>()).await?;
    let org_names: HashMap<i32, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(rows.iter().map(|a| a.organisation_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let answers = rows
        .into_iter()
        .map(|a| AnswerView {
            id: a.id,
            org_id: a.organisation_id,
            org_name: org_names
                .get(&a.organisation_id)
                .cloned()
                .unwrap_or_default(),
            message: a.message,
            status: AnswerStatus::parse(&a.status).unwrap_or(AnswerStatus::Pending),
            offers: offers_of.get(&a.id).cloned().unwrap_or_default(),
            created_at: crate::domain::sourcing::paris_text(a.created_at),
        })
        .collect();
    let open = is_open(&r.status, r.deadline, today());
    // The caller's other firms may answer, pointing to their published offers.
    let mut can_answer = Vec::new();
    if open {
        for (m, o) in &caller.orgs {
            if m.organisation_id == r.organisation_id
                || crate::domain::org::OrgKind::parse(&o.kind)
                    != Some(crate::domain::org::OrgKind::Business)
            {
                continue;
            }
            let list = offers::Entity::find()
                .filter(offers::Column::OrganisationId.eq(o.id))
                .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
                .order_by_asc(offers::Column::Title)
                .all(db)
                .await?
                .into_iter()
                .map(|x| (x.id, x.title))
                .collect();
            can_answer.push(Answerer {
                org_id: o.id,
                org_name: o.name.clone(),
                offers: list,
            });
        }
    }
    Ok(RequestView {
        id: r.id,
        title: r.title,
        description: r.description,
        org_id: poster.id,
        org_name: poster.name,
        role: PartnerRole::parse(&r.role).unwrap_or(PartnerRole::CoContractor),
        kind: ConsortiumKind::parse(&r.consortium_kind).unwrap_or(ConsortiumKind::Joint),
        cpv: cpv
            .into_iter()
            .map(|c| {
                let n = names.get(&c).cloned().unwrap_or_default();
                (c, n)
            })
            .collect(),
        labels,
        capacity: r.capacity,
        commune,
        radius_km: r.radius_km,
        deadline: r.deadline,
        plan,
        lot,
        open,
        closed: r.status == super::CLOSED,
        mine,
        answers,
        can_answer,
        proposals: None,
    })
}

/// A firm answers (or rewrites its answer): a message and its published offers that fit. The
/// poster's members are told. Returns the poster's id and whether the answer is new.
pub async fn answer(
    db: &DatabaseConnection,
    caller: &Caller,
    id: RequestId,
    org_id: OrgId,
    form: &AnswerForm,
) -> Result<bool, AppError> {
    let (id, org_id) = (id.get(), org_id.get());
    let user = caller.user()?;
    let txn = begin_write(db).await?;
    acting_business(&txn, UserId(user.id), OrgId(org_id)).await?;
    let r = request_of(&txn, id).await?;
    if r.organisation_id == org_id {
        return Err(AppError::field("org_id", "partners.own_request"));
    }
    if !is_open(&r.status, r.deadline, today()) {
        return Err(AppError::field("message", "partners.closed"));
    }
    let (message, offer_ids) = form.check()?;
    let owned = offers::Entity::find()
        .filter(offers::Column::Id.is_in(offer_ids.clone()))
        .filter(offers::Column::OrganisationId.eq(org_id))
        .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
        .all(&txn)
        .await?;
    if owned.len() != offer_ids.len() {
        return Err(AppError::field("offers", "validation.unknown_choice"));
    }
    let existing = partner_answers::Entity::find()
        .filter(partner_answers::Column::RequestId.eq(id))
        .filter(partner_answers::Column::OrganisationId.eq(org_id))
        .one(&txn)
        .await?;
    let is_new = existing.is_none();
    let answer_id = match existing {
        Some(a) => {
            let aid = a.id;
            let mut m: partner_answers::ActiveModel = a.into();
            m.message = Set(message);
            m.created_by = Set(Some(user.id));
            m.update(&txn).await?;
            partner_answer_offers::Entity::delete_many()
                .filter(partner_answer_offers::Column::AnswerId.eq(aid))
                .exec(&txn)
                .await?;
            aid
        }
        None => {
            partner_answers::ActiveModel {
                request_id: Set(id),
                organisation_id: Set(org_id),
                message: Set(message),
                status: Set(AnswerStatus::Pending.as_str().into()),
                created_by: Set(Some(user.id)),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    if !offer_ids.is_empty() {
        partner_answer_offers::Entity::insert_many(offer_ids.iter().map(|o| {
            partner_answer_offers::ActiveModel {
                answer_id: Set(answer_id),
                offer_id: Set(*o),
            }
        }))
        .exec(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(is_new)
}

/// The poster accepts or declines an answer. Returns the answering firm and the request's title.
pub async fn decide(
    db: &DatabaseConnection,
    caller: &Caller,
    answer_id: i32,
    accept: bool,
) -> Result<(i32, i32, String), AppError> {
    caller.user()?;
    let txn = begin_write(db).await?;
    let a = partner_answers::Entity::find_by_id(answer_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    // Only the poster's members may decide; to others the answer does not exist.
    let r = match own_request(&txn, caller, a.request_id).await {
        Ok(r) => r,
        Err(AppError::Forbidden) => return Err(AppError::NotFound),
        Err(e) => return Err(e),
    };
    let org = a.organisation_id;
    let mut m: partner_answers::ActiveModel = a.into();
    m.status = Set(if accept {
        AnswerStatus::Accepted
    } else {
        AnswerStatus::Declined
    }
    .as_str()
    .into());
    m.decided_at = Set(Some(Utc::now()));
    m.update(&txn).await?;
    txn.commit().await?;
    Ok((org, r.id, r.title))
}
