//! tower-sessions store on sea-orm, so sessions live in the application's own database (SQLite or
//! PostgreSQL) — the sqlx-based stores pin another sqlx version than sea-orm 2's.
//!
//! Each row knows its user (read from the session's data), so that a password change or
//! "sign out everywhere" can end every session of an account; a session whose data sets an
//! idle limit (administrators') expires that long after its last save.

use crate::server::infra::entities::sessions;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Ends every session of `user_id` but `keep` (the caller's own, when it stays signed in).
    pub async fn end_sessions_of(
        db: &impl sea_orm::ConnectionTrait,
        user_id: i32,
        keep: Option<Id>,
    ) -> Result<u64, sea_orm::DbErr> {
        let mut q = sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(user_id));
        if let Some(keep) = keep {
            q = q.filter(sessions::Column::Id.ne(keep.to_string()));
        }
        Ok(q.exec(db).await?.rows_affected)
    }

    /// How many live sessions `user_id` has.
    pub async fn count_of(db: &DatabaseConnection, user_id: i32) -> Result<u64, sea_orm::DbErr> {
        use sea_orm::PaginatorTrait;
        sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(user_id))
            .filter(sessions::Column::ExpiresAt.gt(chrono::Utc::now()))
            .count(db)
            .await
    }

    /// Removes expired sessions; run periodically by the server.
    pub async fn delete_expired(&self) -> Result<u64, sea_orm::DbErr> {
        let res = sessions::Entity::delete_many()
            .filter(sessions::Column::ExpiresAt.lt(chrono::Utc::now()))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// Session data key: the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";
/// Session data key: seconds of idleness after which this session ends (administrators').
pub const IDLE_KEY: &str = "idle_secs";
/// Session data key: when the session was last seen in use (Unix seconds), refreshed every few
/// minutes so that an idle limit slides with use without a write at every request.
pub const SEEN_KEY: &str = "seen";

/// The row of a record: its data, its user, and when it expires (its idle limit from now
/// when it has one, else the layer's expiry).
fn row_values(
    record: &Record,
) -> session_store::Result<(String, Option<i32>, chrono::DateTime<chrono::Utc>)> {
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let user_id = record
        .data
        .get(USER_ID_KEY)
        .and_then(|v| v.as_i64())
        .and_then(|v| i32::try_from(v).ok());
    let mut expires_at = to_chrono(record.expiry_date);
    if let Some(idle) = record.data.get(IDLE_KEY).and_then(|v| v.as_i64()) {
        expires_at = expires_at.min(chrono::Utc::now() + chrono::Duration::seconds(idle));
    }
    Ok((data, user_id, expires_at))
}

fn to_chrono(t: time::OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Ids are 128 random bits; on the astronomically unlikely collision, draw again.
        while sessions::Entity::find_by_id(record.id.to_string())
            .one(&self.db)
            .await
            .map_err(backend)?
            .is_some()
        {
            record.id = Id::default();
        }
        let (data, user_id, expires_at) = row_values(record)?;
        let row = sessions::ActiveModel {
            id: Set(record.id.to_string()),
            data: Set(data),
            expires_at: Set(expires_at),
            user_id: Set(user_id),
        };
        sessions::Entity::insert(row)
            .on_conflict(
                OnConflict::column(sessions::Column::Id)
                    .update_columns([
                        sessions::Column::Data,
                        sessions::Column::ExpiresAt,
                        sessions::Column::UserId,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        // Only a session that still exists is saved: one ended elsewhere (a password change,
        // "sign out everywhere") while a request of it was in flight stays ended.
        let (data, user_id, expires_at) = row_values(record)?;
        sessions::Entity::update_many()
            .col_expr(sessions::Column::Data, data.into())
            .col_expr(sessions::Column::UserId, user_id.into())
            .col_expr(sessions::Column::ExpiresAt, expires_at.into())
            .filter(sessions::Column::Id.eq(record.id.to_string()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let Some(row) = sessions::Entity::find_by_id(session_id.to_string())
            .filter(sessions::Column::ExpiresAt.gt(chrono::Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp())
            .map_err(backend)?;
        Ok(Some(Record {
            id: *session_id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        sessions::Entity::delete_by_id(session_id.to_string())
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
