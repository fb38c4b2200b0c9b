//! Accounts on the server: the caller of a request and its rights, the permission helpers of
//! organisations, user queries, password reset.

pub mod devices;
mod permissions;
pub mod second_factor;
pub use permissions::{acting_business, member_business, verified_for_acting};

use crate::domain::audit::Action;
use crate::domain::org::MemberRole;
use crate::domain::org::MembershipStatus;
use crate::domain::org::OrgKind;
use crate::error::AppError;
use crate::server::audit::{self, Target};
use crate::server::infra::entities::{memberships, organisations, password_resets, users};
use crate::server::{infra::db::begin_write, state::AppState};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};
use tower_sessions::Session;

pub use crate::server::infra::sessions::USER_ID_KEY;
use crate::server::infra::sessions::{DbSessionStore, IDLE_KEY, SEEN_KEY};

/// How often a session in use records that it is (and so slides its idle limit).
const SEEN_EVERY_SECS: i64 = 300;
/// Session data key: when the person signed in (Unix seconds).
const SINCE_KEY: &str = "since";
/// Session data key: the person gave their second factor when signing in.
const FACTOR_KEY: &str = "second_factor";
/// Session data key: a sign-in waiting for its second factor ([`Pending`]).
const PENDING_KEY: &str = "pending_sign_in";
/// The longest a session lives, in use or not, before its person signs in again: 30 days, 12
/// hours for an administrator (ASVS 7.3.2).
const MAX_LIFE_SECS: i64 = 30 * 24 * 3600;
const ADMIN_MAX_LIFE_SECS: i64 = 12 * 3600;

/// Who is calling: the user, if signed in, with their active memberships.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: Option<users::Model>,
    pub orgs: Vec<(memberships::Model, organisations::Model)>,
    /// The session was opened with the second factor (required for administrators' actions).
    pub second_factor: bool,
}

/// The caller of the page being rendered, loaded once and shared by the page's server
/// functions (a plan's page runs a dozen, each needing who asks: without it, a dozen reads of
/// the user and memberships a page). Provided by the app's root only when the server renders a
/// page, which changes nothing; a server function called on its own (an action, which may sign
/// someone in or out) reads the session afresh.
#[derive(Clone, Default)]
pub struct PageCaller(std::sync::Arc<tokio::sync::OnceCell<Caller>>);

impl Caller {
    /// Someone not signed in.
    pub fn anonymous() -> Caller {
        Caller {
            user: None,
            orgs: vec![],
            second_factor: false,
        }
    }

    /// Loads the caller of the current request from its session — once for a page being
    /// rendered (see [`PageCaller`]).
    pub async fn current() -> Result<Caller, AppError> {
        if let Some(page) = leptos::prelude::use_context::<PageCaller>() {
            return page.0.get_or_try_init(Self::load).await.cloned();
        }
        Self::load().await
    }

    async fn load() -> Result<Caller, AppError> {
        let state = AppState::get()?;
        let session = session().await?;
        Self::of_session(&session, &state).await
    }

    /// The caller signed in on `session`, whose use it records (see [`touch`]).
    pub async fn of_session(session: &Session, state: &AppState) -> Result<Caller, AppError> {
        let user_id: Option<i32> = session.get(USER_ID_KEY).await.unwrap_or(None);
        let Some(user_id) = user_id else {
            return Ok(Caller::anonymous());
        };
        let mut caller = Self::for_user(&state.db, user_id).await?;
        if touch(session, caller.user.as_ref(), state.sessions).await {
            // The factor counts only while the account still has one (turned off: gone).
            caller.second_factor = session.get(FACTOR_KEY).await.unwrap_or(None) == Some(true)
                && caller
                    .user
                    .as_ref()
                    .is_some_and(|u| u.totp_secret.is_some());
            Ok(caller)
        } else {
            Ok(Caller::anonymous())
        }
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
        Ok(Caller {
            user,
            orgs,
            second_factor: false,
        })
    }

    pub fn user(&self) -> Result<&users::Model, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// The caller must be an administrator who signed in with their second factor.
    pub fn require_admin(&self) -> Result<&users::Model, AppError> {
        let u = self.user()?;
        if !u.is_admin {
            Err(AppError::Forbidden)
        } else if !self.second_factor {
            Err(AppError::SecondFactorRequired)
        } else {
            Ok(u)
        }
    }

    /// The caller must be a chamber analyst, or an administrator (with their second factor).
    pub fn require_analyst(&self) -> Result<&users::Model, AppError> {
        let u = self.user()?;
        if u.is_analyst {
            Ok(u)
        } else if u.is_admin {
            self.require_admin()
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The caller's membership in `org_id`, if active.
    pub fn membership(&self, org_id: i32) -> Option<&(memberships::Model, organisations::Model)> {
        self.orgs.iter().find(|(m, _)| m.organisation_id == org_id)
    }

    /// The caller must be an active member of `org_id`, an organisation verified if its kind
    /// needs it: to act in its name towards others (`Unverified` otherwise).
    pub fn require_acting_for(&self, org_id: i32) -> Result<&organisations::Model, AppError> {
        self.user()?;
        let (_, org) = self.membership(org_id).ok_or(AppError::Forbidden)?;
        verified_for_acting(org)?;
        Ok(org)
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
        Ok(Caller::of_session(&session, state).await?)
    }
}

/// Records that a signed-in session is in use, every few minutes (the write slides its idle
/// limit), gives an administrator's session the administrators' idle limit, and ends a
/// session idle past its limit or whose account no longer exists: false when it ended.
async fn touch(
    session: &Session,
    user: Option<&users::Model>,
    policy: crate::server::state::SessionPolicy,
) -> bool {
    let Some(user) = user else {
        let _ = session.flush().await;
        return false;
    };
    let now = chrono::Utc::now().timestamp();
    let idle: Option<i64> = session.get(IDLE_KEY).await.unwrap_or(None);
    let seen: Option<i64> = session.get(SEEN_KEY).await.unwrap_or(None);
    let limit = if user.is_admin {
        policy.admin_idle
    } else {
        policy.idle
    }
    .as_secs() as i64;
    // The store drops a row past its expiry; this also catches a session whose limit became
    // shorter since its last save (an account made administrator).
    let since: Option<i64> = session.get(SINCE_KEY).await.unwrap_or(None);
    let max_life = if user.is_admin {
        ADMIN_MAX_LIFE_SECS
    } else {
        MAX_LIFE_SECS
    };
    let idle_too_long = seen.is_some_and(|seen| now - seen > limit.min(idle.unwrap_or(limit)));
    let too_old = since.is_some_and(|since| now - since > max_life);
    if idle_too_long || too_old {
        let _ = session.flush().await;
        return false;
    }
    if idle != Some(limit) {
        let _ = session.insert(IDLE_KEY, limit).await;
    }
    if seen.is_none_or(|seen| now - seen >= SEEN_EVERY_SECS) {
        let _ = session.insert(SEEN_KEY, now).await;
    }
    true
}

fn session_failed(e: tower_sessions::session::Error) -> AppError {
    tracing::error!("session: {e}");
    AppError::Internal
}

/// Signs `user` in on the current request's session, under a fresh id (no session fixation),
/// with its idle limit from the start; `second_factor` when they gave it.
pub async fn start_session(user: &users::Model, second_factor: bool) -> Result<(), AppError> {
    let state = AppState::get()?;
    let session = session().await?;
    let fail = session_failed;
    session.cycle_id().await.map_err(fail)?;
    session.remove::<Pending>(PENDING_KEY).await.map_err(fail)?;
    session.insert(USER_ID_KEY, user.id).await.map_err(fail)?;
    session
        .insert(FACTOR_KEY, second_factor)
        .await
        .map_err(fail)?;
    users::Entity::update_many()
        .col_expr(users::Column::LastLoginAt, Some(chrono::Utc::now()).into())
        .filter(users::Column::Id.eq(user.id))
        .exec(&state.db)
        .await?;
    session.remove::<i64>(SEEN_KEY).await.map_err(fail)?;
    session
        .insert(SINCE_KEY, chrono::Utc::now().timestamp())
        .await
        .map_err(fail)?;
    touch(&session, Some(user), state.sessions).await;
    Ok(())
}

/// A sign-in past its password, waiting for the second factor: whose, since when, and how
/// many wrong codes were typed.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub struct Pending {
    pub user_id: i32,
    pub since: i64,
    pub tries: u8,
}

/// Holds a sign-in whose password was right until its second factor is given: no one is
/// signed in on this session yet (it gets a fresh id all the same).
pub async fn hold_for_second_factor(user: &users::Model) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(session_failed)?;
    session
        .remove::<i32>(USER_ID_KEY)
        .await
        .map_err(session_failed)?;
    let pending = Pending {
        user_id: user.id,
        since: chrono::Utc::now().timestamp(),
        tries: 0,
    };
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(session_failed)
}

/// The sign-in waiting for its second factor on this session, if still in time.
pub async fn pending_sign_in() -> Result<Option<Pending>, AppError> {
    let session = session().await?;
    let pending: Option<Pending> = session.get(PENDING_KEY).await.unwrap_or(None);
    let now = chrono::Utc::now().timestamp();
    Ok(pending.filter(|p| now - p.since <= crate::domain::second_factor::PENDING_SECS))
}

/// Counts a wrong code on the pending sign-in: false once it had its last try (the password
/// must then be typed again).
pub async fn wrong_code(mut pending: Pending) -> Result<bool, AppError> {
    let session = session().await?;
    pending.tries += 1;
    if pending.tries >= crate::domain::second_factor::MAX_CODE_TRIES {
        session
            .remove::<Pending>(PENDING_KEY)
            .await
            .map_err(session_failed)?;
        Ok(false)
    } else {
        session
            .insert(PENDING_KEY, pending)
            .await
            .map_err(session_failed)?;
        Ok(true)
    }
}

/// Session data key: the secret offered to the authenticator app, until the first code.
const OFFERED_KEY: &str = "offered_totp_secret";

/// The secret this session offers the person to turn the second factor on with: the same on
/// every visit until it is used (a page reloaded after a wrong code keeps what the app has).
pub async fn offered_secret() -> Result<String, AppError> {
    let session = session().await?;
    if let Some(secret) = session.get::<String>(OFFERED_KEY).await.unwrap_or(None) {
        return Ok(secret);
    }
    let secret = second_factor::new_secret();
    session
        .insert(OFFERED_KEY, secret.clone())
        .await
        .map_err(session_failed)?;
    Ok(secret)
}

/// The secret offered on this session, taken off it (turned on).
pub async fn take_offered_secret() -> Result<Option<String>, AppError> {
    session()
        .await?
        .remove::<String>(OFFERED_KEY)
        .await
        .map_err(session_failed)
}

/// Session data key: recovery codes just made, shown once on the next page and forgotten.
const FRESH_CODES_KEY: &str = "fresh_recovery_codes";

/// Keeps fresh recovery codes on the session until the page shows them (once).
pub async fn show_codes_once(codes: Vec<String>) -> Result<(), AppError> {
    session()
        .await?
        .insert(FRESH_CODES_KEY, codes)
        .await
        .map_err(session_failed)
}

/// The recovery codes waiting to be shown, removed from the session.
pub async fn take_shown_codes() -> Result<Vec<String>, AppError> {
    Ok(session()
        .await?
        .remove::<Vec<String>>(FRESH_CODES_KEY)
        .await
        .map_err(session_failed)?
        .unwrap_or_default())
}

/// Marks the current session as having given the second factor (just turned on).
pub async fn mark_second_factor() -> Result<(), AppError> {
    session()
        .await?
        .insert(FACTOR_KEY, true)
        .await
        .map_err(session_failed)
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

/// Gives or takes the analyst's right to the account of `email` (an act of the administrator
/// `admin_id`, recorded).
pub async fn set_analyst(
    db: &DatabaseConnection,
    admin_id: i32,
    email: &str,
    on: bool,
) -> Result<(), AppError> {
    let email = email.trim().to_lowercase();
    let txn = begin_write(db).await?;
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::field("email", "admin.no_such_account"))?;
    let (id, was) = (user.id, user.is_analyst);
    if was != on {
        let mut u: users::ActiveModel = user.into();
        u.is_analyst = Set(on);
        u.update(&txn).await?;
        let action = if on {
            Action::AnalystGiven
        } else {
            Action::AnalystTaken
        };
        audit::record(&txn, Some(admin_id), action, Target::User(id), "").await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Sets `user_id`'s password and ends what the old one opened: every outstanding reset token
/// and every session but `keep` (the caller's, when the change is theirs).
pub async fn set_password(
    db: &DatabaseConnection,
    user_id: i32,
    password_hash: String,
    keep: Option<tower_sessions::session::Id>,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    users::ActiveModel {
        id: Set(user_id),
        password_hash: Set(password_hash),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    end_reset_tokens(&txn, user_id).await?;
    let ended = DbSessionStore::end_sessions_of(&txn, user_id, keep).await?;
    let detail = format!("{ended} other session(s) ended");
    audit::record(
        &txn,
        Some(user_id),
        Action::PasswordChanged,
        Target::User(user_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Signs `user_id` out of every session and forgets its devices (an administrator's act on a
/// compromised account): the number of sessions ended.
pub async fn sign_out_everywhere(
    db: &DatabaseConnection,
    admin_id: i32,
    user_id: i32,
) -> Result<u64, AppError> {
    let txn = begin_write(db).await?;
    let n = DbSessionStore::end_sessions_of(&txn, user_id, None).await?;
    devices::forget_all(&txn, user_id).await?;
    let detail = format!("{n} session(s) ended");
    audit::record(
        &txn,
        Some(admin_id),
        Action::SignedOutEverywhere,
        Target::User(user_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(n)
}

/// Marks every unused reset token of `user_id` used.
async fn end_reset_tokens(
    db: &impl sea_orm::ConnectionTrait,
    user_id: i32,
) -> Result<(), AppError> {
    password_resets::Entity::update_many()
        .col_expr(
            password_resets::Column::UsedAt,
            Some(chrono::Utc::now()).into(),
        )
        .filter(password_resets::Column::UserId.eq(user_id))
        .filter(password_resets::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// 32 random bytes, hex: reset and device tokens.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 of a reset token, hex: what the database keeps.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a single-use reset token valid for an hour and returns it (to be emailed).
pub async fn create_reset_token(db: &DatabaseConnection, user_id: i32) -> Result<String, AppError> {
    let token = random_token();
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

/// The user of a reset token still usable (known, unused, not expired): checked before the
/// new password is hashed, so that a made-up token costs the server nothing.
pub async fn reset_token_user(db: &DatabaseConnection, token: &str) -> Result<i32, AppError> {
    usable_token(db, token)
        .await?
        .map(|row| row.user_id)
        .ok_or_else(|| AppError::field("token", "auth.reset_invalid"))
}

async fn usable_token(
    db: &impl sea_orm::ConnectionTrait,
    token: &str,
) -> Result<Option<password_resets::Model>, AppError> {
    Ok(password_resets::Entity::find()
        .filter(password_resets::Column::TokenHash.eq(token_hash(token)))
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(chrono::Utc::now()))
        .one(db)
        .await?)
}

/// Uses a reset token: sets the new password hash if the token is still usable, and ends every
/// other token, session and device of the account (whoever knew the old password is out).
pub async fn consume_reset_token(
    db: &DatabaseConnection,
    token: &str,
    password_hash: String,
) -> Result<i32, AppError> {
    let txn = begin_write(db).await?;
    let row = usable_token(&txn, token)
        .await?
        .ok_or_else(|| AppError::field("token", "auth.reset_invalid"))?;
    let user_id = row.user_id;
    users::ActiveModel {
        id: Set(user_id),
        password_hash: Set(password_hash),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    end_reset_tokens(&txn, user_id).await?;
    let ended = DbSessionStore::end_sessions_of(&txn, user_id, None).await?;
    devices::forget_all(&txn, user_id).await?;
    let detail = format!("{ended} session(s) ended");
    audit::record(
        &txn,
        Some(user_id),
        Action::PasswordReset,
        Target::User(user_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(user_id)
}
