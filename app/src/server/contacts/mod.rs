//! Direct contact between two organisations. A member of one asks another (a public one, as
//! the directory shows it) with a first message; the other's members accept or refuse; once
//! accepted both sides write. To anyone else a contact does not exist (404).

use crate::domain::contacts::{
    blocked_by, ContactMessageView, ContactStatus, ContactSummary, ContactView, MAX_MESSAGE,
};
use crate::domain::validate::Checker;
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{contact_messages, contacts, organisations, users};
use chrono::Utc;
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

fn org_name(caller: &Caller, org: i32) -> String {
    caller
        .membership(org)
        .map(|(_, o)| o.name.clone())
        .unwrap_or_default()
}

/// The contact, if the caller is a member of either side; 404 otherwise.
async fn visible(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> Result<contacts::Model, AppError> {
    caller.user()?;
    let c = contacts::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if caller.membership(c.from_org).is_none() && caller.membership(c.to_org).is_none() {
        return Err(AppError::NotFound);
    }
    Ok(c)
}

/// A member of `from` asks `to` for contact. Returns the contact's id and the two names.
pub async fn request(
    db: &DatabaseConnection,
    caller: &Caller,
    from: i32,
    to: i32,
    message: &str,
) -> Result<(i32, String), AppError> {
    let user = caller.user()?;
    caller.require_acting_for(from)?;
    let mut c = Checker::new();
    let message = c.required("message", message, MAX_MESSAGE);
    c.finish()?;
    if from == to {
        return Err(AppError::field("org_id", "contact.self"));
    }
    let txn = begin_write(db).await?;
    // Only an organisation the directory shows may be asked.
    organisations::Entity::find_by_id(to)
        .one(&txn)
        .await?
        .filter(|o| o.is_public)
        .ok_or(AppError::NotFound)?;
    let existing = contacts::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(contacts::Column::FromOrg.eq(from))
                        .add(contacts::Column::ToOrg.eq(to)),
                )
                .add(
                    Condition::all()
                        .add(contacts::Column::FromOrg.eq(to))
                        .add(contacts::Column::ToOrg.eq(from)),
                ),
        )
        .one(&txn)
        .await?;
    if let Some(key) = blocked_by(
        existing
            .as_ref()
            .and_then(|e| ContactStatus::parse(&e.status)),
    ) {
        return Err(AppError::field("message", key));
    }
    let c = contacts::ActiveModel {
        from_org: Set(from),
        to_org: Set(to),
        message: Set(message),
        status: Set(ContactStatus::Pending.as_str().into()),
        created_by: Set(Some(user.id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok((c.id, org_name(caller, from)))
}

/// The asked side accepts or refuses. Returns the asking organisation and the deciding one's name.
pub async fn decide(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    accept: bool,
) -> Result<(i32, String), AppError> {
    let txn = begin_write(db).await?;
    let c = visible(&txn, caller, id).await?;
    if caller.membership(c.to_org).is_none() {
        return Err(AppError::Forbidden);
    }
    if c.status != ContactStatus::Pending.as_str() {
        return Err(AppError::field("decision", "contact.already_decided"));
    }
    let (from, to) = (c.from_org, c.to_org);
    let mut am: contacts::ActiveModel = c.into();
    am.status = Set(if accept {
        ContactStatus::Accepted
    } else {
        ContactStatus::Refused
    }
    .as_str()
    .into());
    am.decided_at = Set(Some(Utc::now()));
    am.update(&txn).await?;
    txn.commit().await?;
    Ok((from, org_name(caller, to)))
}

/// A member of either side writes, once accepted. Returns the other side and the writer's name.
pub async fn post(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    body: &str,
) -> Result<(i32, String), AppError> {
    let user = caller.user()?;
    let mut c = Checker::new();
    let body = c.required("body", body, MAX_MESSAGE);
    c.finish()?;
    let txn = begin_write(db).await?;
    let contact = visible(&txn, caller, id).await?;
    if contact.status != ContactStatus::Accepted.as_str() {
        return Err(AppError::field("body", "contact.not_accepted"));
    }
    let (mine, other) = if caller.membership(contact.from_org).is_some() {
        (contact.from_org, contact.to_org)
    } else {
        (contact.to_org, contact.from_org)
    };
    caller.require_acting_for(mine)?;
    contact_messages::ActiveModel {
        contact_id: Set(id),
        organisation_id: Set(mine),
        user_id: Set(Some(user.id)),
        body: Set(body),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok((other, org_name(caller, mine)))
}

use crate::server::orgs::names;

pub async fn view(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<ContactView, AppError> {
    let c = visible(db, caller, id).await?;
    let names = names(db, [c.from_org, c.to_org]).await?;
    let status = ContactStatus::parse(&c.status).unwrap_or(ContactStatus::Pending);
    let rows = if status == ContactStatus::Accepted {
        contact_messages::Entity::find()
            .filter(contact_messages::Column::ContactId.eq(id))
            .order_by_asc(contact_messages::Column::Id)
            .all(db)
            .await?
    } else {
        Vec::new()
    };
    let authors: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().filter_map(|m| m.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let name = |o: i32| names.get(&o).cloned().unwrap_or_default();
    Ok(ContactView {
        id: c.id,
        from: (c.from_org, name(c.from_org)),
        to: (c.to_org, name(c.to_org)),
        status,
        message: c.message.clone(),
        messages: rows
            .into_iter()
            .map(|m| ContactMessageView {
                org_name: name(m.organisation_id),
                author: m
                    .user_id
                    .and_then(|u| authors.get(&u).cloned())
                    .unwrap_or_default(),
                body: m.body,
                at: crate::domain::sourcing::paris_text(m.created_at),
            })
            .collect(),
        receiving: caller.membership(c.to_org).is_some(),
    })
}

/// The contacts of the caller's organisations, newest first.
pub async fn mine(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<ContactSummary>, AppError> {
    caller.user()?;
    let orgs: Vec<i32> = caller.orgs.iter().map(|(m, _)| m.organisation_id).collect();
    let rows = contacts::Entity::find()
        .filter(
            Condition::any()
                .add(contacts::Column::FromOrg.is_in(orgs.clone()))
                .add(contacts::Column::ToOrg.is_in(orgs.clone())),
        )
        .order_by_desc(contacts::Column::Id)
        .all(db)
        .await?;
    let names = names(db, rows.iter().flat_map(|c| [c.from_org, c.to_org])).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let outgoing = orgs.contains(&c.from_org);
            let (mine, other) = if outgoing {
                (c.from_org, c.to_org)
            } else {
                (c.to_org, c.from_org)
            };
            ContactSummary {
                id: c.id,
                other: (other, names.get(&other).cloned().unwrap_or_default()),
                mine: names.get(&mine).cloned().unwrap_or_default(),
                status: ContactStatus::parse(&c.status).unwrap_or(ContactStatus::Pending),
                outgoing,
                at: crate::domain::sourcing::paris_text(c.created_at),
            }
        })
        .collect())
}
