//! The batch writer for a SQLite file: its own connection (rusqlite) on a blocking thread,
//! with prepared statements reused row after row.
//!
//! Why not sea-orm here: through sea-orm and sqlx, each bound value of a multi-row statement is
//! built, copied and freed several times, and the SQL text of every statement rebuilt; the
//! profile of a 1M import showed that work, not SQLite's, on the critical path (about 60 % of
//! the writer's time). A prepared statement binds borrowed values straight into SQLite.
//!
//! The values are written as sqlx writes them (dates `YYYY-MM-DD`, timestamps RFC 3339 with
//! `+00:00`, booleans 0/1), so that the rest of the application reads them back through
//! sea-orm unchanged; the tests read every imported contract back that way.

use super::merge::{self, Stored, StoredSource};
use super::{Item, Written};
use crate::server::infra::entities::{contract_awardees as awardees, contracts};
use crate::server::infra::search::contracts as search_docs;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use sea_orm::DbErr;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A writing connection to one SQLite file, shared by the batches of an import (one at a time).
#[derive(Clone)]
pub struct Bulk {
    conn: Arc<Mutex<Connection>>,
}

fn db_err(e: rusqlite::Error) -> DbErr {
    DbErr::Custom(format!("sqlite: {e}"))
}

impl Bulk {
    /// Opens the file with the pool's settings (WAL is the file's already), except:
    /// - a page cache of 256 MB rather than 64: an import touches the pages of every index;
    /// - a checkpoint every 400 MB of WAL rather than 40 (the pages that every batch changes
    ///   are copied back to the file once per checkpoint: 54 s → 51 s for 1M records), and the
    ///   WAL file cut back to 64 MB after it.
    pub fn open(path: &Path) -> Result<Bulk, DbErr> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(db_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db_err)?;
        for (name, value) in [
            ("foreign_keys", "ON"),
            ("synchronous", "NORMAL"),
            ("cache_size", "-262144"),
            ("temp_store", "MEMORY"),
            ("wal_autocheckpoint", "100000"),
            ("journal_size_limit", "67108864"),
        ] {
            conn.pragma_update(None, name, value).map_err(db_err)?;
        }
        conn.set_prepared_statement_cache_capacity(32);
        Ok(Bulk {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Writes one batch in one transaction (see [`super::orm::write_batch`] for what a batch
    /// writes); the work runs on a blocking thread.
    pub async fn write_batch(
        &self,
        import_id: i32,
        format: &str,
        items: Arc<Vec<Item>>,
        bytes_read: i64,
        for_index: bool,
    ) -> Result<Written, DbErr> {
        let conn = self.conn.clone();
        let format = format.to_string();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn
                .lock()
                .map_err(|_| DbErr::Custom("sqlite writer poisoned".into()))?;
            write(&mut conn, import_id, &format, &items, bytes_read, for_index).map_err(db_err)
        })
        .await
        .map_err(|e| DbErr::Custom(format!("sqlite writer interrupted: {e}")))?
    }
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn parse_date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

const CONTRACT_COLUMNS: &str = "uid, kind, source_id, buyer_siret, buyer_name, object, cpv, \
    cpv_division, procedure, nature, place_kind, place_code, place_name, place_commune, \
    place_departement, duration_months, amount_cents, final_duration_months, final_amount_cents, \
    notified_on, published_on, year, price_form, offers_received, social, environmental, \
    consortium, subcontracting_declared, updated_at";

fn upsert_contract_sql() -> String {
    let updates = CONTRACT_COLUMNS
        .split(',')
        .map(str::trim)
        .filter(|c| *c != "uid")
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let values = (1..=CONTRACT_COLUMNS.split(',').count())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO contracts ({CONTRACT_COLUMNS}) VALUES ({values}) \
         ON CONFLICT (uid) DO UPDATE SET {updates} RETURNING id"
    )
}

fn write(
    conn: &mut Connection,
    import_id: i32,
    format: &str,
    items: &[Item],
    bytes_read: i64,
    for_index: bool,
) -> rusqlite::Result<Written> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = Utc::now();
    let now_text = timestamp(now);
    let stored = read_stored(&tx, merge::uids(items))?;
    let plan = merge::plan(items, stored, import_id, format, now);

    let upsert_contract = upsert_contract_sql();
    let mut touched: Vec<i32> = Vec::with_capacity(plan.contracts.len());
    let mut written = Vec::new();
    {
        let mut contract = tx.prepare_cached(&upsert_contract)?;
        let mut awardee = tx.prepare_cached(
            "INSERT INTO contract_awardees (contract_id, position, id_type, awardee_id, name, \
             is_current, department) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT (contract_id, id_type, awardee_id) DO UPDATE SET \
             position = excluded.position, name = excluded.name, is_current = excluded.is_current, \
             department = excluded.department",
        )?;
        let mut clear_modifications =
            tx.prepare_cached("DELETE FROM contract_modifications WHERE contract_id = ?1")?;
        let mut modification = tx.prepare_cached(
            "INSERT INTO contract_modifications (contract_id, position, object, signed_on, \
             published_on, duration_months, amount_cents, awardees) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut source = tx.prepare_cached(
            "INSERT INTO contract_sources (contract_id, source, format, import_id, raw, \
             warnings, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT (contract_id, source) DO UPDATE SET format = excluded.format, \
             import_id = excluded.import_id, raw = excluded.raw, warnings = excluded.warnings, \
             imported_at = excluded.imported_at",
        )?;
        for mut p in plan.contracts {
            let m = &p.model;
            let id: i32 = contract.query_row(
                params![
                    m.uid,
                    m.kind,
                    m.source_id,
                    m.buyer_siret,
                    m.buyer_name,
                    m.object,
                    m.cpv,
                    m.cpv_division,
                    m.procedure,
                    m.nature,
                    m.place_kind,
                    m.place_code,
                    m.place_name,
                    m.place_commune,
                    m.place_departement,
                    m.duration_months,
                    m.amount_cents,
                    m.final_duration_months,
                    m.final_amount_cents,
                    date(m.notified_on),
                    date(m.published_on),
                    m.year,
                    m.price_form,
                    m.offers_received,
                    m.social,
                    m.environmental,
                    m.consortium,
                    m.subcontracting_declared,
                    now_text,
                ],
                |row| row.get(0),
            )?;
            touched.push(id);
            if p.awardees_changed {
                for a in &p.awardees {
                    awardee.execute(params![
                        id,
                        a.position,
                        a.id_type,
                        a.awardee_id,
                        a.name,
                        a.is_current,
                        a.department
                    ])?;
                }
            }
            if let Some(list) = &p.modifications {
                clear_modifications.execute([id])?;
                for x in list {
                    modification.execute(params![
                        id,
                        x.index,
                        x.object,
                        date(x.signed_on),
                        date(x.published_on),
                        x.duration_months,
                        x.amount_cents,
                        serde_json::to_string(&x.awardees).unwrap_or_else(|_| "[]".into()),
                    ])?;
                }
            }
            for s in &p.sources {
                source.execute(params![
                    id, s.source, s.format, import_id, s.raw, s.warnings, now_text
                ])?;
            }
            if for_index {
                p.model.id = id;
                written.push((p.model, p.awardees));
            }
        }
        let mut reject = tx.prepare_cached(
            "INSERT INTO import_rejects (import_id, record_index, reasons, raw) \
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (import_id, record_index) DO NOTHING",
        )?;
        for r in &plan.rejects {
            reject.execute(params![import_id, r.index, r.reasons, r.raw])?;
        }
    }
    touched.sort_unstable();
    touched.dedup();
    let mut outbox_ids = Vec::new();
    {
        let mut outbox = tx.prepare_cached(
            "INSERT INTO search_outbox (doc_kind, doc_id, created_at) VALUES (?1, ?2, ?3)",
        )?;
        for id in touched {
            outbox.execute(params![search_docs::KIND, id, now_text])?;
            if for_index {
                outbox_ids.push(tx.last_insert_rowid());
            }
        }
    }
    // Progress and totals move with the batch: what the import page shows is what is committed.
    let tally = plan.tally;
    let report: String = tx
        .prepare_cached("SELECT report FROM imports WHERE id = ?1")?
        .query_row([import_id], |row| row.get(0))
        .optional()?
        .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    tx.prepare_cached(
        "UPDATE imports SET records = records + ?1, accepted = accepted + ?2, \
         warned = warned + ?3, rejected = rejected + ?4, bytes_read = ?5, report = ?6, \
         heartbeat_at = ?7 WHERE id = ?8",
    )?
    .execute(params![
        tally.records,
        tally.accepted,
        tally.warned,
        tally.rejected,
        bytes_read,
        merge::add_to_report(&report, &tally),
        now_text,
        import_id
    ])?;
    tx.commit()?;
    Ok(Written {
        tally,
        contracts: written,
        outbox_ids,
    })
}

/// What is stored of these contracts (one lookup per uid: a miss costs one probe of the uid
/// index, which is all a first import pays).
fn read_stored(tx: &rusqlite::Transaction, uids: Vec<String>) -> rusqlite::Result<Stored> {
    let mut stored = Stored::default();
    let mut contract = tx.prepare_cached(&format!(
        "SELECT id, {CONTRACT_COLUMNS} FROM contracts WHERE uid = ?1"
    ))?;
    let mut people = tx.prepare_cached(
        "SELECT id, contract_id, position, id_type, awardee_id, name, is_current, department \
         FROM contract_awardees WHERE contract_id = ?1 ORDER BY position",
    )?;
    let mut sources = tx.prepare_cached(
        "SELECT source, import_id, raw FROM contract_sources WHERE contract_id = ?1",
    )?;
    for uid in uids {
        let Some(m) = contract
            .query_row([&uid], |r| {
                Ok(contracts::Model {
                    id: r.get(0)?,
                    uid: r.get(1)?,
                    kind: r.get(2)?,
                    source_id: r.get(3)?,
                    buyer_siret: r.get(4)?,
                    buyer_name: r.get(5)?,
                    object: r.get(6)?,
                    cpv: r.get(7)?,
                    cpv_division: r.get(8)?,
                    procedure: r.get(9)?,
                    nature: r.get(10)?,
                    place_kind: r.get(11)?,
                    place_code: r.get(12)?,
                    place_name: r.get(13)?,
                    place_commune: r.get(14)?,
                    place_departement: r.get(15)?,
                    duration_months: r.get(16)?,
                    amount_cents: r.get(17)?,
                    final_duration_months: r.get(18)?,
                    final_amount_cents: r.get(19)?,
                    notified_on: parse_date(r.get(20)?),
                    published_on: parse_date(r.get(21)?),
                    year: r.get(22)?,
                    price_form: r.get(23)?,
                    offers_received: r.get(24)?,
                    social: r.get(25)?,
                    environmental: r.get(26)?,
                    consortium: r.get(27)?,
                    subcontracting_declared: r.get(28)?,
                    // Rewritten by the merge in any case.
                    updated_at: Utc::now(),
                })
            })
            .optional()?
        else {
            continue;
        };
        let list = people
            .query_map([m.id], |r| {
                Ok(awardees::Model {
                    id: r.get(0)?,
                    contract_id: r.get(1)?,
                    position: r.get(2)?,
                    id_type: r.get(3)?,
                    awardee_id: r.get(4)?,
                    name: r.get(5)?,
                    is_current: r.get(6)?,
                    department: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if !list.is_empty() {
            stored.awardees.insert(m.id, list);
        }
        for s in sources.query_map([m.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                StoredSource {
                    import_id: r.get(1)?,
                    raw: r.get(2)?,
                },
            ))
        })? {
            let (source, s) = s?;
            stored.sources.insert((m.id, source), s);
        }
        stored.contracts.insert(uid, m);
    }
    Ok(stored)
}
