//! Consortia: created by a firm (its lead), which invites others; invitees accept or decline; the
//! lead sets shares and stages; accepted members talk in its conversation. Everything here is
//! the participants' only: to anyone else a consortium does not exist (404).

use crate::domain::consortia::{
    may_become, ConsortiumSummary, ConsortiumView, MemberRole, MemberStatus, MemberView,
    MessageView, Stage, MAX_MEMBERS, MAX_MESSAGE, MAX_NAME, MAX_SHARE,
};
use crate::domain::ids::{OrgId, UserId};
use crate::domain::org::OrgKind;
use crate::domain::partners::ConsortiumKind;
use crate::domain::validate::Checker;
use crate::error::AppError;
use crate::server::auth::acting_business;
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    consortia, consortium_members, consortium_messages, organisations, partner_requests, plans,
    quote_requests, users,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

async fn consortium_of(db: &impl ConnectionTrait, id: i32) -> Result<consortia::Model, AppError> {
    consortia::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn members_of(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Vec<consortium_members::Model>, AppError> {
    consortium_members::Entity::find()
        .filter(consortium_members::Column::ConsortiumId.eq(id))
        .order_by_asc(consortium_members::Column::Id)
        .all(db)
        .await
        .map_err(AppError::from)
}

/// The caller's membership in the consortium (its firm's row), or a 404: a consortium is
/// invisible to those not invited to it.
fn my_row<'a>(
    caller: &Caller,
    rows: &'a [consortium_members::Model],
) -> Result<&'a consortium_members::Model, AppError> {
    rows.iter()
        .filter(|m| m.status != MemberStatus::Declined.as_str())
        .find(|m| caller.membership(m.organisation_id).is_some())
        .ok_or(AppError::NotFound)
}

/// The consortium, if the caller is a member of its lead; 404 to non-participants, 403 to
/// other members.
async fn led(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> Result<(consortia::Model, Vec<consortium_members::Model>), AppError> {
    caller.user()?;
    let c = consortium_of(db, id).await?;
    let rows = members_of(db, id).await?;
    my_row(caller, &rows)?;
    if caller.membership(c.lead_id).is_none() {
        return Err(AppError::Forbidden);
    }
    Ok((c, rows))
}

async fn business(
    db: &impl ConnectionTrait,
    org_id: i32,
) -> Result<organisations::Model, AppError> {
    organisations::Entity::find_by_id(org_id)
        .one(db)
        .await?
        .filter(|o| OrgKind::parse(&o.kind) == Some(OrgKind::Business))
        .ok_or_else(|| AppError::field("invite", "consortium.unknown_firm"))
}

async fn add_invitation(
    db: &impl ConnectionTrait,
    consortium: i32,
    org_id: i32,
    role: MemberRole,
    share: &str,
    by: i32,
) -> Result<(), AppError> {
    let existing = consortium_members::Entity::find()
        .filter(consortium_members::Column::ConsortiumId.eq(consortium))
        .filter(consortium_members::Column::OrganisationId.eq(org_id))
        .one(db)
        .await?;
    match existing {
        // A firm that declined may be asked again; one already in is not asked twice.
        Some(m) if m.status == MemberStatus::Declined.as_str() => {
            let mut am: consortium_members::ActiveModel = m.into();
            am.status = Set(MemberStatus::Invited.as_str().into());
            am.role = Set(role.as_str().into());
            am.share = Set(share.into());
            am.invited_by = Set(Some(by));
            am.invited_at = Set(Utc::now());
            am.answered_at = Set(None);
            am.update(db).await?;
        }
        Some(_) => return Err(AppError::field("invite", "consortium.already_member")),
        None => {
            consortium_members::ActiveModel {
                consortium_id: Set(consortium),
                organisation_id: Set(org_id),
                role: Set(role.as_str().into()),
                status: Set(MemberStatus::Invited.as_str().into()),
                share: Set(share.into()),
                invited_by: Set(Some(by)),
                invited_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// A firm's member creates a consortium led by that firm, for a planned procurement, from a
/// partner request, or for a quick consultation (a producers' grouping, checked by
/// `quotes::groupings`) — all optional — inviting `invite` (firm ids) as co-contractors.
/// Returns its id and the firms invited.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    lead: i32,
    (name, kind): (&str, &str),
    (plan_id, request_id, quote_id): (Option<i32>, Option<i32>, Option<i32>),
    invite: &[i32],
) -> Result<(i32, Vec<i32>), AppError> {
    let user = caller.user()?;
    let txn = begin_write(db).await?;
    acting_business(&txn, UserId(user.id), OrgId(lead)).await?;
    let mut c = Checker::new();
    let name = c.required("name", name, MAX_NAME);
    let kind = ConsortiumKind::parse(kind);
    if kind.is_none() {
        c.push("kind", "validation.unknown_choice");
    }
    if invite.len() + 1 > MAX_MEMBERS {
        c.push("invite", "consortium.too_many");
    }
    c.finish()?;
    if let Some(p) = plan_id {
        plans::Entity::find_by_id(p)
            .one(&txn)
            .await?
            .filter(|p| p.status != crate::domain::programming::PlanStatus::Draft.as_str())
            .ok_or_else(|| AppError::field("plan_id", "validation.unknown_choice"))?;
    }
    if let Some(r) = request_id {
        // A consortium comes from one's own request only.
        let r = partner_requests::Entity::find_by_id(r).one(&txn).await?;
        if r.is_none_or(|r| r.organisation_id != lead) {
            return Err(AppError::field("request_id", "validation.unknown_choice"));
        }
    }
    let now = Utc::now();
    let cons = consortia::ActiveModel {
        name: Set(name),
        kind: Set(kind.ok_or(AppError::Internal)?.as_str().into()),
        status: Set(Stage::Forming.as_str().into()),
        plan_id: Set(plan_id),
        request_id: Set(request_id),
        quote_id: Set(quote_id),
        lead_id: Set(lead),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    consortium_members::ActiveModel {
        consortium_id: Set(cons.id),
        organisation_id: Set(lead),
        role: Set(MemberRole::Lead.as_str().into()),
        status: Set(MemberStatus::Accepted.as_str().into()),
        share: Set(String::new()),
        invited_by: Set(Some(user.id)),
        invited_at: Set(now),
        answered_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut invited = Vec::new();
    for &org in invite {
        if org == lead || invited.contains(&org) {
            continue;
        }
        business(&txn, org).await?;
        add_invitation(&txn, cons.id, org, MemberRole::CoContractor, "", user.id).await?;
        invited.push(org);
    }
    txn.commit().await?;
    Ok((cons.id, invited))
}

/// The lead invites a firm, named by its SIRET (as the directory shows it).
pub async fn invite(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    siret: &str,
    role: &str,
    share: &str,
) -> Result<i32, AppError> {
    let user = caller.user()?;
    let mut c = Checker::new();
    let share = c.optional("share", share, MAX_SHARE).unwrap_or_default();
    let role = match MemberRole::parse(role) {
        Some(r @ (MemberRole::CoContractor | MemberRole::Subcontractor)) => Some(r),
        _ => {
            c.push("role", "validation.unknown_choice");
            None
        }
    };
    let digits: String = siret.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() != 14 {
        c.push("invite", "consortium.siret_shape");
    }
    c.finish()?;
    let txn = begin_write(db).await?;
    let (cons, rows) = led(&txn, caller, id).await?;
    if Stage::parse(&cons.status).is_some_and(|s| matches!(s, Stage::Won | Stage::Lost)) {
        return Err(AppError::field("invite", "consortium.final"));
    }
    if rows
        .iter()
        .filter(|m| m.status != MemberStatus::Declined.as_str())
        .count()
        >= MAX_MEMBERS
    {
        return Err(AppError::field("invite", "consortium.too_many"));
    }
    let org = organisations::Entity::find()
        .filter(organisations::Column::Siret.eq(digits))
        .filter(organisations::Column::Kind.eq(OrgKind::Business.as_str()))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::field("invite", "consortium.unknown_firm"))?;
    add_invitation(
        &txn,
        id,
        org.id,
        role.ok_or(AppError::Internal)?,
        &share,
        user.id,
    )
    .await?;
    txn.commit().await?;
    Ok(org.id)
}

/// An invited firm's member accepts or declines. Returns the consortium and its lead.
pub async fn respond(
    db: &DatabaseConnection,
    caller: &Caller,
    member_id: i32,
    accept: bool,
) -> Result<(i32, i32, String), AppError> {
    caller.user()?;
    let txn = begin_write(db).await?;
    let m = consortium_members::Entity::find_by_id(member_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if caller.membership(m.organisation_id).is_none() || m.status == MemberStatus::Declined.as_str()
    {
        return Err(AppError::NotFound);
    }
    if m.status != MemberStatus::Invited.as_str() {
        return Err(AppError::field("decision", "consortium.already_answered"));
    }
    if accept {
        caller.require_acting_for(m.organisation_id)?;
    }
    let cons = consortium_of(&txn, m.consortium_id).await?;
    let mut am: consortium_members::ActiveModel = m.into();
    am.status = Set(if accept {
        MemberStatus::Accepted
    } else {
        MemberStatus::Declined
    }
    .as_str()
    .into());
    am.answered_at = Set(Some(Utc::now()));
    am.update(&txn).await?;
    txn.commit().await?;
    Ok((cons.id, cons.lead_id, cons.name))
}

/// The lead moves the consortium to a stage.
pub async fn set_stage(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    stage: &str,
) -> Result<(), AppError> {
    let to =
        Stage::parse(stage).ok_or_else(|| AppError::field("stage", "validation.unknown_choice"))?;
    let txn = begin_write(db).await?;
    let (cons, rows) = led(&txn, caller, id).await?;
    let from = Stage::parse(&cons.status).ok_or(AppError::Internal)?;
    let accepted = rows
        .iter()
        .filter(|m| m.status == MemberStatus::Accepted.as_str())
        .count();
    let pending = rows
        .iter()
        .filter(|m| m.status == MemberStatus::Invited.as_str())
        .count();
    may_become(from, to, accepted, pending).map_err(|e| AppError::field("stage", e.key()))?;
    let mut am: consortia::ActiveModel = cons.into();
    am.status = Set(to.as_str().into());
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    txn.commit().await.map_err(AppError::from)
}

/// The lead sets what a member takes (a lot, a requirement) and its role.
pub async fn set_share(
    db: &DatabaseConnection,
    caller: &Caller,
    member_id: i32,
    role: &str,
    share: &str,
) -> Result<i32, AppError> {
    caller.user()?;
    let mut c = Checker::new();
    let share = c.optional("share", share, MAX_SHARE).unwrap_or_default();
    let role = MemberRole::parse(role);
    if role.is_none() {
        c.push("role", "validation.unknown_choice");
    }
    c.finish()?;
    let txn = begin_write(db).await?;
    let m = consortium_members::Entity::find_by_id(member_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let (cons, _) = led(&txn, caller, m.consortium_id).await?;
    let role = role.ok_or(AppError::Internal)?;
    // The lead is the mandataire, and only it.
    if (m.organisation_id == cons.lead_id) != (role == MemberRole::Lead) {
        return Err(AppError::field("role", "consortium.one_lead"));
    }
    let mut am: consortium_members::ActiveModel = m.into();
    am.role = Set(role.as_str().into());
    am.share = Set(share);
    am.update(&txn).await?;
    txn.commit().await?;
    Ok(cons.id)
}

/// An accepted member writes in the conversation. Returns the other accepted firms, to tell.
pub async fn post(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    body: &str,
) -> Result<(String, String, Vec<i32>), AppError> {
    let user = caller.user()?;
    let mut c = Checker::new();
    let body = c.required("body", body, MAX_MESSAGE);
    c.finish()?;
    let txn = begin_write(db).await?;
    let cons = consortium_of(&txn, id).await?;
    let rows = members_of(&txn, id).await?;
    let me = my_row(caller, &rows)?;
    if me.status != MemberStatus::Accepted.as_str() {
        return Err(AppError::Forbidden);
    }
    caller.require_acting_for(me.organisation_id)?;
    consortium_messages::ActiveModel {
        consortium_id: Set(id),
        organisation_id: Set(me.organisation_id),
        user_id: Set(Some(user.id)),
        body: Set(body),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    let from = caller
        .membership(me.organisation_id)
        .map(|(_, o)| o.name.clone())
        .unwrap_or_default();
    let others = rows
        .iter()
        .filter(|m| {
            m.status == MemberStatus::Accepted.as_str() && m.organisation_id != me.organisation_id
        })
        .map(|m| m.organisation_id)
        .collect();
    Ok((cons.name, from, others))
}

use crate::server::orgs::names;

fn member_view(m: &consortium_members::Model, names: &HashMap<i32, String>) -> MemberView {
    MemberView {
        id: m.id,
        org_id: m.organisation_id,
        org_name: names.get(&m.organisation_id).cloned().unwrap_or_default(),
        role: MemberRole::parse(&m.role).unwrap_or(MemberRole::CoContractor),
        status: MemberStatus::parse(&m.status).unwrap_or(MemberStatus::Invited),
        share: m.share.clone(),
    }
}

/// The workspace of a consortium, for its participants (invited firms read who is in and what
/// they are asked; the conversation is for accepted members).
pub async fn view(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<ConsortiumView, AppError> {
    caller.user()?;
    let cons = consortium_of(db, id).await?;
    let rows = members_of(db, id).await?;
    let me = my_row(caller, &rows)?.clone();
    let names = names(db, rows.iter().map(|m| m.organisation_id)).await?;
    let accepted = me.status == MemberStatus::Accepted.as_str();
    let messages = if accepted {
        let msgs = consortium_messages::Entity::find()
            .filter(consortium_messages::Column::ConsortiumId.eq(id))
            .order_by_asc(consortium_messages::Column::Id)
            .all(db)
            .await?;
        let authors: HashMap<i32, String> = users::Entity::find()
            .filter(users::Column::Id.is_in(msgs.iter().filter_map(|m| m.user_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
        let org_names = self::names(db, msgs.iter().map(|m| m.organisation_id)).await?;
        msgs.into_iter()
            .map(|m| MessageView {
                org_name: org_names
                    .get(&m.organisation_id)
                    .cloned()
                    .unwrap_or_default(),
                author: m
                    .user_id
                    .and_then(|u| authors.get(&u).cloned())
                    .unwrap_or_default(),
                body: m.body,
                at: crate::domain::sourcing::paris_text(m.created_at),
            })
            .collect()
    } else {
        Vec::new()
    };
    let plan = match cons.plan_id {
        Some(p) => plans::Entity::find_by_id(p)
            .one(db)
            .await?
            .map(|p| (p.id, p.title)),
        None => None,
    };
    let request = match cons.request_id {
        Some(r) => partner_requests::Entity::find_by_id(r)
            .one(db)
            .await?
            .map(|r| (r.id, r.title)),
        None => None,
    };
    let quote = match cons.quote_id {
        Some(q) => quote_requests::Entity::find_by_id(q)
            .one(db)
            .await?
            .map(|q| (q.id, q.title)),
        None => None,
    };
    let stage = Stage::parse(&cons.status).unwrap_or(Stage::Forming);
    let is_lead = caller.membership(cons.lead_id).is_some();
    Ok(ConsortiumView {
        id: cons.id,
        name: cons.name,
        kind: ConsortiumKind::parse(&cons.kind).unwrap_or(ConsortiumKind::Joint),
        stage,
        plan,
        request,
        quote,
        lead_id: cons.lead_id,
        members: rows
            .iter()
            .filter(|m| m.status != MemberStatus::Declined.as_str() || is_lead)
            .map(|m| member_view(m, &names))
            .collect(),
        messages,
        me: Some(member_view(&me, &names)),
        is_lead,
        next: if is_lead {
            stage.next().to_vec()
        } else {
            Vec::new()
        },
    })
}

/// The consortia the caller's firms are in or invited to, newest first.
pub async fn mine(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<ConsortiumSummary>, AppError> {
    caller.user()?;
    let my_orgs: Vec<i32> = caller.orgs.iter().map(|(m, _)| m.organisation_id).collect();
    let mine = consortium_members::Entity::find()
        .filter(consortium_members::Column::OrganisationId.is_in(my_orgs))
        .filter(consortium_members::Column::Status.ne(MemberStatus::Declined.as_str()))
        .all(db)
        .await?;
    let ids: Vec<i32> = mine.iter().map(|m| m.consortium_id).collect();
    let mut list = consortia::Entity::find()
        .filter(consortia::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    list.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let all = consortium_members::Entity::find()
        .filter(consortium_members::Column::ConsortiumId.is_in(ids))
        .filter(consortium_members::Column::Status.eq(MemberStatus::Accepted.as_str()))
        .all(db)
        .await?;
    let names = names(db, all.iter().chain(mine.iter()).map(|m| m.organisation_id)).await?;
    let plans: HashMap<i32, String> = plans::Entity::find()
        .filter(plans::Column::Id.is_in(list.iter().filter_map(|c| c.plan_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    Ok(list
        .into_iter()
        .filter_map(|c| {
            let my = mine.iter().find(|m| m.consortium_id == c.id)?;
            Some(ConsortiumSummary {
                id: c.id,
                name: c.name.clone(),
                stage: Stage::parse(&c.status).unwrap_or(Stage::Forming),
                plan: c
                    .plan_id
                    .and_then(|p| plans.get(&p).map(|t| (p, t.clone()))),
                members: all
                    .iter()
                    .filter(|m| m.consortium_id == c.id)
                    .filter_map(|m| names.get(&m.organisation_id).cloned())
                    .collect(),
                my_org: names.get(&my.organisation_id).cloned().unwrap_or_default(),
                my_status: MemberStatus::parse(&my.status).unwrap_or(MemberStatus::Invited),
            })
        })
        .collect())
}
