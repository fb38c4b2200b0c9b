//! Accounts on the server: the caller of a request and its rights, the permission helpers of
//! organisations, user queries, password reset.

mod permissions;
pub use permissions::member_business;

use crate::domain::org::MemberRole;
use crate::domain::org::MembershipStatus;
use crate::domain::org::OrgKind;
use crate::error::AppError;
use crate::server::infra::entities::{memberships, organisations, password_resets, users};
use crate::server::{infra::db::begin_write, state::AppState};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};
use tower_sessions::Session;

/// Session key holding the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";

/// Who is calling: the user, if signed in, with their active memberships.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: Option<users::Model>,
    pub orgs: Vec<(memberships::Model, organisations::Model)>,
}

impl Caller {
    /// Someone not signed in.
    pub fn anonymous() -> Caller {
        Caller {
            user: None,
            orgs: vec![],
        }
    }

    /// Loads the caller of the current request from its session.
    pub async fn current() -> Result<Caller, AppError> {
        let state = AppState::get()?;
        let session = session().await?;
        let user_id: Option<i32> = session.get(USER_ID_KEY).await.unwrap_or(None);
        let Some(user_id) = user_id else {
            return Ok(Caller::anonymous());
        };
        Self::for_user(&state.db, user_id).await
    }

    pub async fn for_user(db: &DatabaseConnection, user_id: i32) -> Result<Caller, AppError> {
        let user = users::Entity::find_by_id(user_id).one(db).await?;
        let orgs = match &user {
            Some(u) => memberships::Entity::find()
                .filter(memberships::Column::UserId.eq(u.id))
                .filter(memberships::Column::Status.eq(MembershipStatus::Active.as_str()))
                .find_also_related(organisations::Entity)
                .all(db)
                .await?
                .into_iter()
                .filter_map(|(m, o)| o.map(|o| (m, o)))
                .collect(),
            None => vec![],
        };
        Ok(Caller { user, orgs })
    }

    pub fn user(&self) -> Result<&users::Model, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }

    pub fn require_admin(&self) -> Result<&users::Model, AppError> {
        let u = self.user()?;
        if u.is_admin {
            Ok(u)
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn require_analyst(&self) -> Result<&users::Model, AppError> {
        let u = self.user()?;
        if u.is_analyst || u.is_admin {
            Ok(u)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The caller's membership in `org_id`, if active.
    pub fn membership(&self, org_id: i32) -> Option<&(memberships::Model, organisations::Model)> {
        self.orgs.iter().find(|(m, _)| m.organisation_id == org_id)
    }

    /// The caller must be an owner of `org_id`.
    pub fn require_owner(&self, org_id: i32) -> Result<&organisations::Model, AppError> {
        self.user()?;
        match self.membership(org_id) {
            Some((m, o)) if m.role == MemberRole::Owner.as_str() => Ok(o),
            _ => Err(AppError::Forbidden),
        }
    }

    /// The caller must be a member of `org_id`, a public buyer that an admin verified.
    pub fn require_verified_buyer(&self, org_id: i32) -> Result<&organisations::Model, AppError> {
        self.user()?;
        match self.membership(org_id) {
            Some((_, o)) if o.kind == OrgKind::Buyer.as_str() && o.verified_at.is_some() => Ok(o),
            _ => Err(AppError::Forbidden),
        }
    }
}

/// The caller of a plain route (uploads, downloads, feeds), read from its session the way
/// server functions read theirs: anonymous when no one is signed in; refused only when the
/// session or the database cannot be read.
impl axum::extract::FromRequestParts<AppState> for Caller {
    type Rejection = crate::server::infra::http::Refusal;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Caller, Self::Rejection> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, e)| {
                tracing::error!("session layer missing: {e}");
                AppError::Internal
            })?;
        let user_id: Option<i32> = session.get(USER_ID_KEY).await.unwrap_or(None);
        match user_id {
            Some(id) => Ok(Caller::for_user(&state.db, id).await?),
            None => Ok(Caller::anonymous()),
        }
    }
}

/// The session of the current request.
pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!("session layer missing: {e}");
        AppError::Internal
    })
}

pub async fn find_by_email(
    db: &DatabaseConnection,
    email: &str,
) -> Result<Option<users::Model>, AppError> {
    users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(db)
        .await
        .map_err(AppError::from)
}

/// Creates a user; `email_taken` when the address is already registered.
pub async fn create_user(
    db: &DatabaseConnection,
    email: &str,
    display_name: &str,
    password_hash: String,
) -> Result<users::Model, AppError> {
    let txn = begin_write(db).await?;
    if users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::field("email", "validation.email_taken"));
    }
    let user = users::ActiveModel {
        email: Set(email.to_string()),
        display_name: Set(display_name.to_string()),
        password_hash: Set(password_hash),
        is_admin: Set(false),
        is_analyst: Set(false),
        lang: Set("fr".into()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// The chamber analysts (not the administrators, who have every right anyway), by name.
pub async fn analysts(db: &DatabaseConnection) -> Result<Vec<users::Model>, AppError> {
    use sea_orm::QueryOrder;
    users::Entity::find()
        .filter(users::Column::IsAnalyst.eq(true))
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await
        .map_err(AppError::from)
}

/// Gives or takes the analyst's right to the account of `email` (an administrator's act).
pub async fn set_analyst(db: &DatabaseConnection, email: &str, on: bool) -> Result<(), AppError> {
    let email = email.trim().to_lowercase();
    let user = find_by_email(db, &email)
        .await?
        .ok_or_else(|| AppError::field("email", "admin.no_such_account"))?;
    let mut u: users::ActiveModel = user.into();
    u.is_analyst = Set(on);
    u.update(db).await?;
    Ok(())
}

pub async fn set_password(
    db: &DatabaseConnection,
    user_id: i32,
    password_hash: String,
) -> Result<(), AppError> {
    users::ActiveModel {
        id: Set(user_id),
        password_hash: Set(password_hash),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// SHA-256 of a reset token, hex: what the database keeps.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a single-use reset token valid for an hour and returns it (to be emailed).
pub async fn create_reset_token(db: &DatabaseConnection, user_id: i32) -> Result<String, AppError> {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let now = chrono::Utc::now();
    password_resets::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(token_hash(&token)),
        expires_at: Set(now + chrono::Duration::hours(1)),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Uses a reset token: sets the new password hash if the token is known, unused and not expired.
pub async fn consume_reset_token(
    db: &DatabaseConnection,
    token: &str,
    password_hash: String,
) -> Result<i32, AppError> {
    let txn = begin_write(db).await?;
    let now = chrono::Utc::now();
    let row = password_resets::Entity::find()
        .filter(password_resets::Column::TokenHash.eq(token_hash(token)))
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(now))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::field("token", "auth.reset_invalid"))?;
    let user_id = row.user_id;
    let mut used: password_resets::ActiveModel = row.into();
    used.used_at = Set(Some(now));
    used.update(&txn).await?;
    users::ActiveModel {
        id: Set(user_id),
        password_hash: Set(password_hash),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    txn.commit().await?;
    Ok(user_id)
}
