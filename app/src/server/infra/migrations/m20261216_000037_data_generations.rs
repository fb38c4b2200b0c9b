//! Generations of the data that list pages count and sort without the search index: a number
//! per kind, moved by the database itself (a trigger on each table the kind's lists read), in
//! the same transaction as the write. An answer kept under generation n (`infra::answers`) is
//! therefore never served once a write has committed — on this instance or another one sharing
//! the database — and whatever path writes (a form, an import, a notice, a script), it moves.
//!
//! The generation is `data_generations.n` plus the kind's rows in `data_changes`:
//! - SQLite serialises writers: its triggers add one to `n`.
//! - PostgreSQL runs writers side by side in SERIALIZABLE transactions, where two updates of one
//!   row fail the second one: its triggers insert a row into `data_changes` instead (inserts
//!   never conflict), once a statement; a job folds those rows into `n` in one statement
//!   (`infra::answers::fold_changes`), so the sum only grows.
//!
//! `job_leases`: a periodic job that several instances run (the hourly sweeps and digests) is
//! claimed by one conditional update a turn (`infra::jobs::claim`): one instance runs it.
//!
//! "plans": the programming's lists (their count, buyers' counts and page of ids read plans and
//! their CPV codes, lots and labels; the buyers' names come from organisations).

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;

/// (kind, table, the columns whose update matters — None: every update).
const WATCHED: [(&str, &str, Option<&str>); 5] = [
    ("plans", "plans", None),
    ("plans", "plan_cpv", None),
    ("plans", "plan_lots", None),
    ("plans", "plan_labels", None),
    ("plans", "organisations", Some("name")),
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE data_generations (kind VARCHAR(32) NOT NULL PRIMARY KEY, \
             n BIGINT NOT NULL DEFAULT 0)",
        )
        .await?;
        db.execute_unprepared("INSERT INTO data_generations (kind, n) VALUES ('plans', 0)")
            .await?;
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        db.execute_unprepared(if postgres {
            "CREATE TABLE data_changes (id BIGSERIAL PRIMARY KEY, kind VARCHAR(32) NOT NULL)"
        } else {
            "CREATE TABLE data_changes (id INTEGER PRIMARY KEY AUTOINCREMENT, \
             kind VARCHAR(32) NOT NULL)"
        })
        .await?;
        db.execute_unprepared("CREATE INDEX idx_data_changes_kind ON data_changes (kind)")
            .await?;
        db.execute_unprepared(
            "CREATE TABLE job_leases (name VARCHAR(64) NOT NULL PRIMARY KEY, \
             holder VARCHAR(64) NOT NULL DEFAULT '', until_epoch BIGINT NOT NULL DEFAULT 0)",
        )
        .await?;
        db.execute_unprepared("INSERT INTO job_leases (name) VALUES ('hourly')")
            .await?;
        if postgres {
            // Once a statement: an import of 20,000 rows moves the generation once.
            db.execute_unprepared(
                "CREATE FUNCTION data_generation_next() RETURNS trigger AS $$ BEGIN \
                 INSERT INTO data_changes (kind) VALUES (TG_ARGV[0]); RETURN NULL; \
                 END $$ LANGUAGE plpgsql",
            )
            .await?;
        }
        for (kind, table, columns) in WATCHED {
            for event in ["INSERT", "UPDATE", "DELETE"] {
                let on = match (event, columns) {
                    ("UPDATE", Some(c)) => format!("UPDATE OF {c}"),
                    _ => event.to_string(),
                };
                let name = format!("{table}_{}_generation", event.to_lowercase());
                let sql = if postgres {
                    format!(
                        "CREATE TRIGGER {name} AFTER {on} ON {table} FOR EACH STATEMENT \
                         EXECUTE FUNCTION data_generation_next('{kind}')"
                    )
                } else {
                    format!(
                        "CREATE TRIGGER {name} AFTER {on} ON {table} BEGIN \
                         UPDATE data_generations SET n = n + 1 WHERE kind = '{kind}'; END"
                    )
                };
                db.execute_unprepared(&sql).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        for (_, table, _) in WATCHED {
            for event in ["insert", "update", "delete"] {
                let name = format!("{table}_{event}_generation");
                db.execute_unprepared(&if postgres {
                    format!("DROP TRIGGER IF EXISTS {name} ON {table}")
                } else {
                    format!("DROP TRIGGER IF EXISTS {name}")
                })
                .await?;
            }
        }
        if postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS data_generation_next()")
                .await?;
        }
        db.execute_unprepared("DROP TABLE job_leases").await?;
        db.execute_unprepared("DROP TABLE data_changes").await?;
        db.execute_unprepared("DROP TABLE data_generations").await?;
        Ok(())
    }
}
