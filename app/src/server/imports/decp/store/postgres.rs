//! The batch writer for PostgreSQL: each table's rows sent with `COPY … FROM STDIN` into a
//! staging table of the transaction, then moved with one set-based statement per table
//! (`INSERT … SELECT … ON CONFLICT`), so a batch of 20,000 records is a dozen round trips.
//!
//! Why not sea-orm here: its multi-row inserts bind every value (30 per contract) and stop at
//! PostgreSQL's 65,535 parameters per statement; 1M contracts took 487 s that way against 51 s
//! on SQLite. COPY streams the rows as text and PostgreSQL parses them into the staging table's
//! own column types.
//!
//! The merge rules are the other writers' ([`merge::plan`], on what the transaction reads), and
//! so is the crash safety: the batch, its rejects, its outbox rows and the import's progress
//! commit together or not at all.

use super::merge::{self, Stored, StoredSource};
use super::{Item, Written};
use crate::server::infra::entities::{contract_awardees as awardees, contracts};
use crate::server::infra::pg_copy::CopyText;
use crate::server::infra::search::contracts as search_docs;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{DbErr, RuntimeErr};
use sqlx::postgres::{PgConnection, PgPool};
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// The pool of the application's database, borrowed for the import's batches.
#[derive(Clone)]
pub struct Bulk {
    pool: PgPool,
}

/// A database error as sea-orm reports it, so that [`crate::server::infra::db::is_transient`]
/// recognises a serialization failure and the batch is written again.
fn db_err(e: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(e.into()))
}

const CONTRACT_COLUMNS: &str = "uid, kind, source_id, buyer_siret, buyer_name, object, cpv, \
    cpv_division, procedure, nature, place_kind, place_code, place_name, place_commune, \
    place_departement, duration_months, amount_cents, final_duration_months, final_amount_cents, \
    notified_on, published_on, year, price_form, offers_received, social, environmental, \
    consortium, subcontracting_declared, updated_at";
const AWARDEE_COLUMNS: &str =
    "contract_id, position, id_type, awardee_id, name, is_current, department";
const MODIFICATION_COLUMNS: &str = "contract_id, position, object, signed_on, published_on, \
    duration_months, amount_cents, awardees";
const SOURCE_COLUMNS: &str = "contract_id, source, format, import_id, raw, warnings, imported_at";
const REJECT_COLUMNS: &str = "import_id, record_index, reasons, raw";

/// `a = excluded.a, …` for every column but the key ones.
fn updates(columns: &str, keys: &[&str]) -> String {
    columns
        .split(',')
        .map(str::trim)
        .filter(|c| !keys.contains(c))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The staging table of `table` in an import's transaction.
fn stage_of(table: &str) -> String {
    format!("stage_{table}")
}

/// The staging tables of one transaction: the target's column types, none of its constraints,
/// indexes or triggers, dropped at commit or rollback. Temporary tables write no WAL.
fn staging_sql() -> String {
    [
        ("contracts", CONTRACT_COLUMNS),
        ("contract_awardees", AWARDEE_COLUMNS),
        ("contract_sources", SOURCE_COLUMNS),
        ("import_rejects", REJECT_COLUMNS),
    ]
    .iter()
    .map(|(table, columns)| {
        format!(
            "CREATE TEMP TABLE {} ON COMMIT DROP AS \
             SELECT {columns} FROM {table} WITH NO DATA;",
            stage_of(table)
        )
    })
    .collect()
}

/// Sends rows with `COPY table (columns) FROM STDIN`, in messages of at most 1 MB.
async fn copy(
    conn: &mut PgConnection,
    table: &str,
    columns: &str,
    rows: &CopyText,
) -> Result<(), DbErr> {
    if rows.rows() == 0 {
        return Ok(());
    }
    let mut copy = conn
        .copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN"))
        .await
        .map_err(db_err)?;
    for part in rows.bytes().chunks(1 << 20) {
        if let Err(e) = copy.send(part).await {
            let _ = copy.abort("the import stopped sending").await;
            return Err(db_err(e));
        }
    }
    copy.finish().await.map_err(db_err)?;
    Ok(())
}

impl Bulk {
    pub fn new(pool: PgPool) -> Bulk {
        Bulk { pool }
    }

    /// Writes one batch in one SERIALIZABLE transaction (see [`super::orm::write_batch`] for
    /// what a batch writes).
    pub async fn write_batch(
        &self,
        import_id: i32,
        format: &str,
        items: &[Item],
        bytes_read: i64,
        for_index: bool,
    ) -> Result<Written, DbErr> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        // SERIALIZABLE as every writer here (infra::db::begin_write): two imports of one file
        // conflict, and the loser writes its batch again.
        // synchronous_commit off: the commit returns before its WAL reaches the disk. A crash
        // may lose the last batches committed (a fraction of a second), never half of one, and
        // the import's progress is lost with them — SQLite's `synchronous = NORMAL` promises
        // the same. The rest of the application keeps its durable commits.
        sqlx::raw_sql(
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; SET LOCAL synchronous_commit = off;",
        )
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let written = write(&mut tx, import_id, format, items, bytes_read, for_index).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(written)
    }
}

async fn write(
    conn: &mut PgConnection,
    import_id: i32,
    format: &str,
    items: &[Item],
    bytes_read: i64,
    for_index: bool,
) -> Result<Written, DbErr> {
    let now = Utc::now();
    let stored = read_stored(conn, merge::uids(items)).await?;
    let plan = merge::plan(items, stored, import_id, format, now);
    sqlx::raw_sql(AssertSqlSafe(staging_sql()))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;

    // Contracts: staged, then inserted or updated by uid, their ids returned.
    let mut rows = CopyText::new();
    for p in &plan.contracts {
        let m = &p.model;
        rows.text(&m.uid)
            .text(&m.kind)
            .text(&m.source_id)
            .text(&m.buyer_siret)
            .opt_text(m.buyer_name.as_deref())
            .opt_text(m.object.as_deref())
            .opt_text(m.cpv.as_deref())
            .opt_text(m.cpv_division.as_deref())
            .opt_text(m.procedure.as_deref())
            .opt_text(m.nature.as_deref())
            .opt_text(m.place_kind.as_deref())
            .opt_text(m.place_code.as_deref())
            .opt_text(m.place_name.as_deref())
            .opt_text(m.place_commune.as_deref())
            .opt_text(m.place_departement.as_deref())
            .opt_number(m.duration_months)
            .opt_number(m.amount_cents)
            .opt_number(m.final_duration_months)
            .opt_number(m.final_amount_cents)
            .opt_date(m.notified_on)
            .opt_date(m.published_on)
            .opt_number(m.year)
            .opt_text(m.price_form.as_deref())
            .opt_number(m.offers_received)
            .opt_text(m.social.as_deref())
            .opt_text(m.environmental.as_deref())
            .opt_text(m.consortium.as_deref())
            .opt_boolean(m.subcontracting_declared)
            .timestamp(now);
        rows.end_row();
    }
    copy(conn, "stage_contracts", CONTRACT_COLUMNS, &rows).await?;
    drop(rows);
    let ids: HashMap<String, i32> = if plan.contracts.is_empty() {
        HashMap::new()
    } else {
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO contracts ({CONTRACT_COLUMNS}) SELECT {CONTRACT_COLUMNS} FROM stage_contracts \
             ON CONFLICT (uid) DO UPDATE SET {} RETURNING id, uid",
            updates(CONTRACT_COLUMNS, &["uid"])
        )))
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?
        .into_iter()
        .map(|r| Ok((r.try_get::<String, _>(1)?, r.try_get::<i32, _>(0)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(db_err)?
    };

    // Awardees (insert or update by contract and identifier), modifications (replaced),
    // sources (insert or update by contract and source).
    let mut awardee_rows = CopyText::new();
    let mut modification_rows = CopyText::new();
    let mut replaced: Vec<i32> = Vec::new();
    let mut source_rows = CopyText::new();
    let mut touched: Vec<i32> = Vec::with_capacity(plan.contracts.len());
    let mut written = Vec::new();
    for mut p in plan.contracts {
        let id = *ids
            .get(&p.model.uid)
            .ok_or_else(|| DbErr::RecordNotFound(format!("contract {}", p.model.uid)))?;
        touched.push(id);
        if p.awardees_changed {
            for a in &p.awardees {
                awardee_rows
                    .number(id)
                    .number(a.position)
                    .text(&a.id_type)
                    .text(&a.awardee_id)
                    .opt_text(a.name.as_deref())
                    .boolean(a.is_current)
                    .opt_text(a.department.as_deref());
                awardee_rows.end_row();
            }
        }
        if let Some(list) = &p.modifications {
            replaced.push(id);
            for m in list {
                modification_rows
                    .number(id)
                    .number(m.index)
                    .opt_text(m.object.as_deref())
                    .opt_date(m.signed_on)
                    .opt_date(m.published_on)
                    .opt_number(m.duration_months)
                    .opt_number(m.amount_cents)
                    .text(&serde_json::to_string(&m.awardees).unwrap_or_else(|_| "[]".into()));
                modification_rows.end_row();
            }
        }
        for s in &p.sources {
            source_rows
                .number(id)
                .text(&s.source)
                .text(&s.format)
                .number(import_id)
                .text(&s.raw)
                .text(&s.warnings)
                .timestamp(now);
            source_rows.end_row();
        }
        if for_index {
            p.model.id = id;
            written.push((p.model, p.awardees));
        }
    }
    merge(
        conn,
        "contract_awardees",
        AWARDEE_COLUMNS,
        &awardee_rows,
        &format!(
            "(contract_id, id_type, awardee_id) DO UPDATE SET {}",
            updates(AWARDEE_COLUMNS, &["contract_id", "id_type", "awardee_id"])
        ),
    )
    .await?;
    if !replaced.is_empty() {
        sqlx::query("DELETE FROM contract_modifications WHERE contract_id = ANY($1)")
            .bind(&replaced)
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
    }
    // Nothing to merge: the modifications go straight into their table.
    copy(
        conn,
        "contract_modifications",
        MODIFICATION_COLUMNS,
        &modification_rows,
    )
    .await?;
    merge(
        conn,
        "contract_sources",
        SOURCE_COLUMNS,
        &source_rows,
        &format!(
            "(contract_id, source) DO UPDATE SET {}",
            updates(SOURCE_COLUMNS, &["contract_id", "source"])
        ),
    )
    .await?;
    let mut reject_rows = CopyText::new();
    for r in &plan.rejects {
        reject_rows
            .number(import_id)
            .number(r.index)
            .text(&r.reasons)
            .text(&r.raw);
        reject_rows.end_row();
    }
    merge(
        conn,
        "import_rejects",
        REJECT_COLUMNS,
        &reject_rows,
        "(import_id, record_index) DO NOTHING",
    )
    .await?;

    touched.sort_unstable();
    touched.dedup();
    let mut outbox_ids = Vec::new();
    if !touched.is_empty() {
        let insert = sqlx::query(
            "INSERT INTO search_outbox (doc_kind, doc_id, created_at) \
             SELECT $1, doc, $2 FROM unnest($3::int4[]) AS doc ORDER BY doc RETURNING id",
        )
        .bind(search_docs::KIND)
        .bind(now)
        .bind(&touched);
        if for_index {
            outbox_ids = insert
                .fetch_all(&mut *conn)
                .await
                .map_err(db_err)?
                .into_iter()
                .map(|r| r.try_get::<i64, _>(0))
                .collect::<Result<_, _>>()
                .map_err(db_err)?;
        } else {
            insert.execute(&mut *conn).await.map_err(db_err)?;
        }
    }

    // Progress and totals move with the batch: what the import page shows is what is committed.
    let tally = plan.tally;
    let report: String = sqlx::query_scalar("SELECT report FROM imports WHERE id = $1")
        .bind(import_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?
        .ok_or_else(|| DbErr::RecordNotFound(format!("import {import_id}")))?;
    sqlx::query(
        "UPDATE imports SET records = records + $1, accepted = accepted + $2, \
         warned = warned + $3, rejected = rejected + $4, bytes_read = $5, report = $6, \
         heartbeat_at = $7 WHERE id = $8",
    )
    .bind(tally.records)
    .bind(tally.accepted)
    .bind(tally.warned)
    .bind(tally.rejected)
    .bind(bytes_read)
    .bind(merge::add_to_report(&report, &tally))
    .bind(now)
    .bind(import_id)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(Written {
        tally,
        contracts: written,
        outbox_ids,
    })
}

/// Copies `rows` into `table`'s staging table, then merges them into `table` in one statement,
/// `on_conflict` saying what a row whose key is already there does.
async fn merge(
    conn: &mut PgConnection,
    table: &str,
    columns: &str,
    rows: &CopyText,
    on_conflict: &str,
) -> Result<(), DbErr> {
    if rows.rows() == 0 {
        return Ok(());
    }
    let stage = stage_of(table);
    copy(conn, &stage, columns, rows).await?;
    execute(
        conn,
        &format!(
            "INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage} ON CONFLICT {on_conflict}"
        ),
    )
    .await
}

/// Runs one statement built from this module's constants.
async fn execute(conn: &mut PgConnection, sql: &str) -> Result<(), DbErr> {
    sqlx::query(AssertSqlSafe(sql))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// What is stored of these contracts, their awardees and their sources: three statements,
/// whatever the batch's size.
async fn read_stored(conn: &mut PgConnection, uids: Vec<String>) -> Result<Stored, DbErr> {
    let mut stored = Stored::default();
    if uids.is_empty() {
        return Ok(stored);
    }
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT id, {CONTRACT_COLUMNS} FROM contracts WHERE uid = ANY($1)"
    )))
    .bind(&uids)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    if rows.is_empty() {
        // A first import: nothing stored, nothing more to read.
        return Ok(stored);
    }
    for r in rows {
        let m = contract(&r).map_err(db_err)?;
        stored.contracts.insert(m.uid.clone(), m);
    }
    let ids: Vec<i32> = stored.contracts.values().map(|m| m.id).collect();
    for r in sqlx::query(AssertSqlSafe(format!(
        "SELECT id, {AWARDEE_COLUMNS} FROM contract_awardees WHERE contract_id = ANY($1) \
         ORDER BY contract_id, position"
    )))
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?
    {
        let a = awardee(&r).map_err(db_err)?;
        stored.awardees.entry(a.contract_id).or_default().push(a);
    }
    for r in sqlx::query(
        "SELECT contract_id, source, import_id, raw FROM contract_sources \
         WHERE contract_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?
    {
        let key: (i32, String) = (r.try_get(0).map_err(db_err)?, r.try_get(1).map_err(db_err)?);
        let source = StoredSource {
            import_id: r.try_get(2).map_err(db_err)?,
            raw: r.try_get(3).map_err(db_err)?,
        };
        stored.sources.insert(key, source);
    }
    Ok(stored)
}

fn contract(r: &sqlx::postgres::PgRow) -> Result<contracts::Model, sqlx::Error> {
    Ok(contracts::Model {
        id: r.try_get(0)?,
        uid: r.try_get(1)?,
        kind: r.try_get(2)?,
        source_id: r.try_get(3)?,
        buyer_siret: r.try_get(4)?,
        buyer_name: r.try_get(5)?,
        object: r.try_get(6)?,
        cpv: r.try_get(7)?,
        cpv_division: r.try_get(8)?,
        procedure: r.try_get(9)?,
        nature: r.try_get(10)?,
        place_kind: r.try_get(11)?,
        place_code: r.try_get(12)?,
        place_name: r.try_get(13)?,
        place_commune: r.try_get(14)?,
        place_departement: r.try_get(15)?,
        duration_months: r.try_get(16)?,
        amount_cents: r.try_get(17)?,
        final_duration_months: r.try_get(18)?,
        final_amount_cents: r.try_get(19)?,
        notified_on: r.try_get::<Option<NaiveDate>, _>(20)?,
        published_on: r.try_get::<Option<NaiveDate>, _>(21)?,
        year: r.try_get(22)?,
        price_form: r.try_get(23)?,
        offers_received: r.try_get(24)?,
        social: r.try_get(25)?,
        environmental: r.try_get(26)?,
        consortium: r.try_get(27)?,
        subcontracting_declared: r.try_get(28)?,
        updated_at: r.try_get::<DateTime<Utc>, _>(29)?,
    })
}

fn awardee(r: &sqlx::postgres::PgRow) -> Result<awardees::Model, sqlx::Error> {
    Ok(awardees::Model {
        id: r.try_get(0)?,
        contract_id: r.try_get(1)?,
        position: r.try_get(2)?,
        id_type: r.try_get(3)?,
        awardee_id: r.try_get(4)?,
        name: r.try_get(5)?,
        is_current: r.try_get(6)?,
        department: r.try_get(7)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_every_column_but_the_keys() {
        assert_eq!(updates("a, b, c", &["a", "c"]), "b = excluded.b");
        let all = updates(CONTRACT_COLUMNS, &["uid"]);
        assert_eq!(all.matches("excluded.").count(), 28);
        assert!(!all.contains("uid ="));
    }

    #[test]
    fn stages_each_merged_table_once() {
        let sql = staging_sql();
        assert_eq!(sql.matches("CREATE TEMP TABLE").count(), 4);
        assert_eq!(sql.matches("ON COMMIT DROP").count(), 4);
    }
}
