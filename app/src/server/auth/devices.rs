//! Device cookies: a browser that signed in to an account keeps a random token whose hash the
//! server knows, and the login throttle counts its failures apart from its address's (see
//! `infra::limits`). The token proves only that this browser signed in to this account once.

use crate::error::AppError;
use crate::server::infra::client::cookie;
use crate::server::infra::entities::devices;
use crate::server::state::SessionPolicy;
use axum::http::HeaderMap;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

/// A device unused this long is forgotten by the hourly sweep.
pub const DEVICE_DAYS: i64 = 365;

/// The hash of the device token these headers carry, when it is one of `user_id`'s devices.
pub async fn known(
    db: &DatabaseConnection,
    policy: SessionPolicy,
    headers: &HeaderMap,
    user_id: i32,
) -> Result<Option<String>, AppError> {
    let Some(token) = cookie(headers, policy.device_cookie()).filter(|t| t.len() == 64) else {
        return Ok(None);
    };
    let hash = super::token_hash(&token);
    let row = devices::Entity::find_by_id(hash.clone())
        .filter(devices::Column::UserId.eq(user_id))
        .one(db)
        .await?;
    Ok(row.map(|_| hash))
}

/// Remembers this browser for `user_id` after a successful login: the known device's use is
/// dated, or a new token is drawn and returned (for its cookie).
pub async fn remember(
    db: &DatabaseConnection,
    user_id: i32,
    known: Option<String>,
) -> Result<Option<String>, AppError> {
    let now = chrono::Utc::now();
    if let Some(hash) = known {
        devices::Entity::update_many()
            .col_expr(devices::Column::LastUsedAt, now.into())
            .filter(devices::Column::TokenHash.eq(hash))
            .exec(db)
            .await?;
        return Ok(None);
    }
    let token = super::random_token();
    devices::Entity::insert(devices::ActiveModel {
        token_hash: Set(super::token_hash(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        last_used_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(Some(token))
}

/// The `Set-Cookie` value of a device token: a year, HTTP only, HTTPS only outside development.
pub fn set_cookie(token: &str, policy: SessionPolicy) -> String {
    let secure = if policy.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        policy.device_cookie(),
        DEVICE_DAYS * 24 * 3600
    )
}

/// Forgets every device of `user_id` (a password reset, an account signed out everywhere).
pub async fn forget_all(db: &impl ConnectionTrait, user_id: i32) -> Result<u64, AppError> {
    Ok(devices::Entity::delete_many()
        .filter(devices::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Forgets the devices unused for a year.
pub async fn sweep(db: &DatabaseConnection) -> Result<u64, sea_orm::DbErr> {
    let before = chrono::Utc::now() - chrono::Duration::days(DEVICE_DAYS);
    Ok(devices::Entity::delete_many()
        .filter(devices::Column::LastUsedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
