//! Personal data rights (GDPR arts. 15, 17, 20) and retention: a person's data as one
//! machine-readable archive, the erasure of an account, leaving an organisation, and the
//! hourly deletion of what is kept no longer.
//!
//! Erasure anonymises the account's row rather than deleting it: what the person did for an
//! organisation (its offers, a buyer's plans, messages in a conversation with others) belongs to
//! that organisation and to the other side of the conversation, and stays, signed by "deleted
//! account". Everything that is only the person's (memberships, sessions, devices, reset links,
//! saved searches, notifications, calendar address) is deleted.

pub mod http;

use crate::domain::audit::Action;
use crate::domain::org::{MemberRole, MembershipStatus};
use crate::error::AppError;
use crate::server::audit::{self, Target};
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    audit_events, consortium_messages, contact_messages, devices, meeting_registrations,
    memberships, notifications, org_claims, organisations, partner_answers, partner_requests,
    password_resets, plan_interests, saved_searches, sessions, sourcing_responses, users,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::{json, Value};

/// Rows of `$entity` whose `$col` is the person, as JSON objects.
macro_rules! rows_of {
    ($db:expr, $entity:ident, $col:ident, $id:expr) => {
        $entity::Entity::find()
            .filter($entity::Column::$col.eq($id))
            .order_by_asc($entity::Column::Id)
            .into_json()
            .all($db)
            .await?
    };
}

/// Everything Passerelle holds about `user_id`, as one JSON document: the account, its
/// memberships, what it wrote and answered, its registrations, saved searches, notifications,
/// devices and the audit events it caused. Secrets (password hash, tokens) are left out: they
/// are not data about the person but keys to the account.
pub async fn export(db: &DatabaseConnection, user_id: i32) -> Result<Value, AppError> {
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let memberships: Vec<Value> = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .find_also_related(organisations::Entity)
        .all(db)
        .await?
        .into_iter()
        .map(|(m, o)| {
            json!({
                "organisation": o.as_ref().map(|o| json!({ "id": o.id, "name": o.name, "siret": o.siret })),
                "role": m.role,
                "status": m.status,
                "since": m.created_at,
            })
        })
        .collect();
    let devices: Vec<Value> = devices::Entity::find()
        .filter(devices::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| json!({ "first_signed_in": d.created_at, "last_signed_in": d.last_used_at }))
        .collect();
    let live_sessions = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .count(db)
        .await?;
    Ok(json!({
        "about": "Passerelle — données personnelles du compte (RGPD, art. 15 et 20) / personal data of the account (GDPR arts. 15 and 20)",
        "exported_at": chrono::Utc::now(),
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "language": user.lang,
            "created_at": user.created_at,
            "last_login_at": user.last_login_at,
            "administrator": user.is_admin,
            "chamber_analyst": user.is_analyst,
            "calendar_feed": user.calendar_token.is_some(),
            // Whether it is on, never the secret itself (a file may leak; the app still has it).
            "second_factor_since": user.totp_enabled_at,
        },
        "memberships": memberships,
        "consortium_messages": rows_of!(db, consortium_messages, UserId, user_id),
        "contact_messages": rows_of!(db, contact_messages, UserId, user_id),
        "partner_requests": rows_of!(db, partner_requests, CreatedBy, user_id),
        "partner_answers": rows_of!(db, partner_answers, CreatedBy, user_id),
        "sourcing_answers": rows_of!(db, sourcing_responses, SubmittedBy, user_id),
        "interests_in_planned_procurements": rows_of!(db, plan_interests, CreatedBy, user_id),
        "meeting_registrations": rows_of!(db, meeting_registrations, UserId, user_id),
        "saved_searches": rows_of!(db, saved_searches, UserId, user_id),
        "organisation_claims": rows_of!(db, org_claims, UserId, user_id),
        "notifications": rows_of!(db, notifications, UserId, user_id),
        "devices": devices,
        "live_sessions": live_sessions,
        "audit_events": rows_of!(db, audit_events, ActorId, user_id),
    }))
}

/// The organisations `user_id` is the only active owner of (it cannot leave them, nor delete
/// its account, before naming another owner), with their names.
async fn sole_ownerships(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Vec<(i32, String)>, AppError> {
    let owned = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::Role.eq(MemberRole::Owner.as_str()))
        .filter(memberships::Column::Status.eq(MembershipStatus::Active.as_str()))
        .all(db)
        .await?;
    let mut out = vec![];
    for m in owned {
        let others = memberships::Entity::find()
            .filter(memberships::Column::OrganisationId.eq(m.organisation_id))
            .filter(memberships::Column::UserId.ne(user_id))
            .filter(memberships::Column::Status.eq(MembershipStatus::Active.as_str()))
            .all(db)
            .await?;
        let other_owner = others.iter().any(|o| o.role == MemberRole::Owner.as_str());
        // Alone in it, the organisation stays as it is (its offers, plans, history) without
        // members; with other members, one must be made owner first.
        if !other_owner && !others.is_empty() {
            let name = organisations::Entity::find_by_id(m.organisation_id)
                .one(db)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            out.push((m.organisation_id, name));
        }
    }
    Ok(out)
}

/// The refusal of a step that would leave organisations with members but no owner.
fn would_orphan(orgs: &[(i32, String)]) -> AppError {
    let names = orgs
        .iter()
        .map(|(_, n)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    AppError::Invalid(vec![crate::error::FieldError {
        field: "org".into(),
        key: "privacy.last_owner".into(),
        arg: Some(names),
    }])
}

/// `user_id` leaves `org_id`. Its last owner cannot, while others are members.
pub async fn leave(db: &DatabaseConnection, user_id: i32, org_id: i32) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let m = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::OrganisationId.eq(org_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let blocking: Vec<(i32, String)> = sole_ownerships(&txn, user_id)
        .await?
        .into_iter()
        .filter(|(id, _)| *id == org_id)
        .collect();
    if !blocking.is_empty() {
        return Err(would_orphan(&blocking));
    }
    memberships::Entity::delete_by_id(m.id).exec(&txn).await?;
    audit::record(
        &txn,
        Some(user_id),
        Action::MemberLeft,
        Target::Org(org_id),
        format!("user #{user_id}"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Erases `user_id`'s account (see the module's comment): refused while it is the last owner
/// of an organisation that has other members.
pub async fn delete_account(db: &DatabaseConnection, user_id: i32) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let blocking = sole_ownerships(&txn, user_id).await?;
    if !blocking.is_empty() {
        return Err(would_orphan(&blocking));
    }
    erase(&txn, user_id).await?;
    audit::record(
        &txn,
        Some(user_id),
        Action::AccountDeleted,
        Target::User(user_id),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes what is only the person's and anonymises the account row.
async fn erase(txn: &impl ConnectionTrait, user_id: i32) -> Result<(), AppError> {
    memberships::Entity::delete_many()
        .filter(memberships::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    devices::Entity::delete_many()
        .filter(devices::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    password_resets::Entity::delete_many()
        .filter(password_resets::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    saved_searches::Entity::delete_many()
        .filter(saved_searches::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    // A claim says who the person is and why: theirs only (its decision is in the audit trail).
    org_claims::Entity::delete_many()
        .filter(org_claims::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    notifications::Entity::delete_many()
        .filter(notifications::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    // A registration stays the organisation's; it is no longer this person's.
    meeting_registrations::Entity::update_many()
        .col_expr(
            meeting_registrations::Column::UserId,
            Option::<i32>::None.into(),
        )
        .filter(meeting_registrations::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    let user = users::Entity::find_by_id(user_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut am: users::ActiveModel = user.into();
    am.email = Set(format!("supprime-{user_id}@compte-supprime.invalid"));
    am.display_name = Set(ERASED_NAME.into());
    // No password can match a hash that is no hash.
    am.password_hash = Set("!erased".into());
    am.is_admin = Set(false);
    am.is_analyst = Set(false);
    am.calendar_token = Set(None);
    am.last_login_at = Set(None);
    am.update(txn).await?;
    crate::server::auth::second_factor::forget(txn, user_id).await?;
    Ok(())
}

/// The name an erased account signs with.
pub const ERASED_NAME: &str = "Compte supprimé";

/// How long things are kept (the privacy page says the same; change them together).
pub mod keep {
    /// Notifications already read.
    pub const READ_NOTIFICATION_DAYS: i64 = 180;
    /// Any notification.
    pub const NOTIFICATION_DAYS: i64 = 365;
    /// Reset links, used or not, after they expire.
    pub const RESET_LINK_DAYS: i64 = 1;
    /// An account that never joined an organisation and was not used for this long is erased.
    pub const IDLE_ACCOUNT_DAYS: i64 = 730;
}

/// What the retention job removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub notifications: u64,
    pub reset_links: u64,
    pub idle_accounts: u64,
}

/// Deletes what is kept no longer at `now` (run hourly): old notifications, expired reset
/// links, and accounts that never joined an organisation and stayed unused for two years.
pub async fn sweep(
    db: &DatabaseConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Swept, AppError> {
    use chrono::Duration;
    let read_before = now - Duration::days(keep::READ_NOTIFICATION_DAYS);
    let any_before = now - Duration::days(keep::NOTIFICATION_DAYS);
    let n = notifications::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(notifications::Column::ReadAt.is_not_null())
                        .add(notifications::Column::CreatedAt.lt(read_before)),
                )
                .add(notifications::Column::CreatedAt.lt(any_before)),
        )
        .exec(db)
        .await?
        .rows_affected;
    let r = password_resets::Entity::delete_many()
        .filter(password_resets::Column::ExpiresAt.lt(now - Duration::days(keep::RESET_LINK_DAYS)))
        .exec(db)
        .await?
        .rows_affected;
    let idle_before = now - Duration::days(keep::IDLE_ACCOUNT_DAYS);
    let idle = users::Entity::find()
        .filter(users::Column::IsAdmin.eq(false))
        .filter(users::Column::IsAnalyst.eq(false))
        .filter(users::Column::DisplayName.ne(ERASED_NAME))
        .filter(users::Column::CreatedAt.lt(idle_before))
        .filter(
            sea_orm::Condition::any()
                .add(users::Column::LastLoginAt.is_null())
                .add(users::Column::LastLoginAt.lt(idle_before)),
        )
        .all(db)
        .await?;
    let mut accounts = 0;
    for u in idle {
        let member = memberships::Entity::find()
            .filter(memberships::Column::UserId.eq(u.id))
            .count(db)
            .await?;
        if member > 0 {
            continue;
        }
        let txn = begin_write(db).await?;
        erase(&txn, u.id).await?;
        audit::record_from(
            &txn,
            None,
            None,
            Action::AccountDeleted,
            Target::User(u.id),
            "retention: unused for two years",
        )
        .await?;
        txn.commit().await?;
        accounts += 1;
    }
    Ok(Swept {
        notifications: n,
        reset_links: r,
        idle_accounts: accounts,
    })
}
