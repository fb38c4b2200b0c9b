//! Database connection: SQLite (a file, WAL) by default, PostgreSQL when the URL says so.

use crate::server::infra::migrations::Migrator;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

/// Opens a pool on `url` (`sqlite://path?mode=rwc`, `sqlite::memory:` or `postgres://…`).
/// SQLite gets WAL, foreign keys, a busy timeout and NORMAL synchronous (safe with WAL).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        if url.contains(":memory:") {
            // Each in-memory connection would be its own empty database.
            opts.max_connections(1);
        } else {
            if let Some(dir) = sqlite_file(url).and_then(|p| p.parent().map(|d| d.to_path_buf())) {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(&dir).map_err(|e| {
                        DbErr::Custom(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
            }
            opts.max_connections(8);
        }
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .synchronous(SqliteSynchronous::Normal)
                // 64 MB of page cache per connection (the default is 2 MB): a bulk import
                // otherwise rereads the pages of its indexes from the OS for every batch.
                .pragma("cache_size", "-65536")
                .pragma("temp_store", "memory")
                // Checkpoints every 40 MB of WAL rather than 4 MB: the pages of the indexes
                // that every batch of an import rewrites are copied back once instead of ten
                // times (measured: 30 s → 24 s for 300,000 records).
                .pragma("wal_autocheckpoint", "10000")
        });
    } else {
        opts.max_connections(16);
        // Prepared statements would otherwise switch to a generic plan after five runs: planned
        // on an empty table at the start of an import, `uid IN (…)` stays a sequential scan
        // (measured: 180 records/s instead of thousands).
        opts.map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
    }
    Database::connect(opts).await
}

/// The file path inside a `sqlite://…` URL.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty()).then(|| path.into())
}

/// The advisory lock that instances starting together on one PostgreSQL take in turn to
/// migrate (any number, the same for every instance: "passerelle" in ASCII).
const MIGRATION_LOCK: i64 = 0x7061_7373_6572_656c;

/// Connects and applies pending migrations. On PostgreSQL, instances starting at once migrate
/// one after the other: each holds a session advisory lock, on a connection of its own, while
/// it migrates; the next one then finds nothing to do (two `CREATE TABLE` racing would fail
/// one instance's start).
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, DbErr> {
    let db = connect(url).await?;
    if db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        Migrator::up(&db, None).await?;
        return Ok(db);
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .max_connections(1)
        .min_connections(1);
    let lock = Database::connect(opts).await?;
    lock.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        .await?;
    let migrated = Migrator::up(&db, None).await;
    // Closing the lock's connection ends its session, which releases the lock even if the
    // unlock failed.
    let _ = lock
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
        .await;
    let _ = lock.close().await;
    migrated?;
    Ok(db)
}

/// Whether `e` is PostgreSQL refusing a transaction that raced another (SQLSTATE 40001,
/// serialization failure, or 40P01, deadlock): the whole transaction may be tried again.
pub fn is_serialization_failure(e: &DbErr) -> bool {
    let runtime = match e {
        DbErr::Exec(r) | DbErr::Query(r) | DbErr::Conn(r) => r,
        _ => return false,
    };
    match runtime {
        sea_orm::RuntimeErr::SqlxError(sqlx) => sqlx
            .as_database_error()
            .and_then(|d| d.code())
            .is_some_and(|code| code == "40001" || code == "40P01"),
        _ => false,
    }
}

/// Begins a transaction that will write.
/// - SQLite: IMMEDIATE, which takes the write lock at BEGIN, so two read-then-write transactions
///   queue on the busy timeout instead of one failing with "database is locked" when it tries to
///   upgrade its read lock.
/// - PostgreSQL: SERIALIZABLE, so a read-then-write that raced another fails with a
///   serialization error (and the caller's error) instead of silently losing an update, as
///   READ COMMITTED does (measured: 163 of 200 concurrent increments lost).
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let isolation_level = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => Some(sea_orm::IsolationLevel::Serializable),
        _ => None,
    };
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        isolation_level,
        ..Default::default()
    })
    .await
}

/// Begins a transaction that writes after locking one row with `lock_exclusive()` (a meeting
/// whose seats it counts): concurrent writers of that row then queue, and each sees what the one
/// before committed.
/// - SQLite: IMMEDIATE, which serialises every writer anyway (row locks do not exist there).
/// - PostgreSQL: READ COMMITTED, so that the statements after the lock see the rows the previous
///   holder committed (SERIALIZABLE would keep the older snapshot and fail instead of waiting).
pub async fn begin_locking(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let isolation_level = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => Some(sea_orm::IsolationLevel::ReadCommitted),
        _ => None,
    };
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        isolation_level,
        ..Default::default()
    })
    .await
}

/// Whether a failed transaction may succeed if run again as it was: PostgreSQL's serialization
/// failures and deadlocks (SQLSTATE 40001, 40P01), which SERIALIZABLE writes meet when they
/// race each other.
pub fn is_transient(e: &DbErr) -> bool {
    match e {
        DbErr::Exec(sea_orm::RuntimeErr::SqlxError(err))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(err))
        | DbErr::Conn(sea_orm::RuntimeErr::SqlxError(err)) => err
            .as_database_error()
            .and_then(|d| d.code())
            .is_some_and(|code| code == "40001" || code == "40P01"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_file("sqlite://data/p.db?mode=rwc"),
            Some("data/p.db".into())
        );
        assert_eq!(sqlite_file("sqlite:data/p.db"), Some("data/p.db".into()));
        assert_eq!(sqlite_file("sqlite::memory:"), Some(":memory:".into()));
    }
}
