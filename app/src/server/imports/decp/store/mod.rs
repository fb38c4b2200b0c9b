//! Writing normalised contracts: one transaction per batch, upserts keyed by uid, so that
//! re-importing the same or an overlapping file updates and never duplicates, and a crash
//! loses at most the batch in flight.

pub mod merge;
pub mod orm;
pub mod postgres;
pub mod sqlite;

use crate::domain::decp::{Contract, Issue};
use crate::server::infra::entities::{
    communes, contract_awardees as awardees, contracts, cpv_codes,
};
use crate::server::infra::search::{contracts as search_docs, Fields};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QuerySelect};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The reference lists, loaded once per import.
pub struct Refs {
    /// CPV code → French label (the label goes into the search documents).
    cpv: HashMap<String, String>,
    communes: HashMap<String, String>,
    postal: HashMap<String, String>,
}

use crate::server::infra::reference::POSTAL_CSV;

impl Refs {
    pub async fn load(db: &DatabaseConnection) -> Result<Refs, DbErr> {
        let cpv = cpv_codes::Entity::find()
            .select_only()
            .column(cpv_codes::Column::Code)
            .column(cpv_codes::Column::LabelFr)
            .into_tuple::<(String, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let communes = communes::Entity::find()
            .select_only()
            .column(communes::Column::Insee)
            .column(communes::Column::Department)
            .into_tuple::<(String, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        Ok(Refs {
            cpv,
            communes,
            postal: postal_communes(),
        })
    }
}

/// Postal code → INSEE commune, for the postal codes that designate one commune only.
fn postal_communes() -> HashMap<String, String> {
    let mut seen: HashMap<String, HashSet<String>> = HashMap::new();
    for line in POSTAL_CSV.lines().skip(1) {
        let cols: Vec<&str> = line.split(';').collect();
        if cols.len() > 2 {
            seen.entry(cols[2].to_string())
                .or_default()
                .insert(cols[0].to_string());
        }
    }
    seen.into_iter()
        .filter(|(_, c)| c.len() == 1)
        .filter_map(|(p, c)| c.into_iter().next().map(|c| (p, c)))
        .collect()
}

impl crate::domain::decp::Reference for Refs {
    fn cpv_exists(&self, code: &str) -> bool {
        self.cpv.contains_key(code)
    }
    fn commune_departement(&self, insee: &str) -> Option<String> {
        self.communes.get(insee).cloned()
    }
    fn postal_commune(&self, postal_code: &str) -> Option<String> {
        self.postal.get(postal_code).cloned()
    }
}

/// A record ready to be written.
pub enum Item {
    Accepted {
        index: usize,
        contract: Box<Contract>,
        warnings: Vec<Issue>,
        /// The record as found, as JSON text (see [`raw_text`]).
        raw: String,
        source: String,
    },
    Rejected {
        index: usize,
        reasons: Vec<Issue>,
        raw: String,
    },
}

/// The longest raw record kept, in bytes: a 10 MB single string stays out of the database.
const RAW_MAX: usize = 10_000;

/// A record as JSON text, cut at [`RAW_MAX`] bytes.
pub fn raw_text(v: &serde_json::Value) -> String {
    let s = v.to_string();
    if s.len() <= RAW_MAX {
        s
    } else {
        let mut cut = RAW_MAX;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}…", &s[..cut])
    }
}

/// What a batch wrote: its counts and, for the search index of this process, the contracts it
/// touched (as written, with their awardees) and the outbox ids it wrote for them.
pub struct Written {
    pub tally: Tally,
    pub contracts: Vec<(contracts::Model, Vec<awardees::Model>)>,
    pub outbox_ids: Vec<i64>,
}

impl Written {
    /// The search documents of the contracts written (built outside the transaction: the
    /// database writes the next batch meanwhile).
    pub fn documents(
        self,
        fields: &Fields,
        refs: &Refs,
    ) -> (Vec<(String, Option<tantivy::TantivyDocument>)>, Vec<i64>) {
        let docs = self
            .contracts
            .iter()
            .map(|(m, people)| {
                let label = m.cpv.as_ref().and_then(|c| refs.cpv.get(c));
                (
                    search_docs::key(m.id),
                    Some(search_docs::document(fields, m, people, label)),
                )
            })
            .collect();
        (docs, self.outbox_ids)
    }
}

/// Counts of one batch, added to the import's totals in the same transaction.
#[derive(Default, Debug, Clone)]
pub struct Tally {
    pub records: i32,
    pub accepted: i32,
    pub warned: i32,
    pub rejected: i32,
    pub reasons: HashMap<String, i32>,
}

/// Where an import writes its batches: a SQLite file through its own connection with prepared
/// statements ([`sqlite`]), PostgreSQL through COPY and staging tables ([`postgres`]), an
/// in-memory SQLite through sea-orm ([`orm`]).
#[derive(Clone)]
pub enum Writer {
    Orm(DatabaseConnection),
    Sqlite(sqlite::Bulk),
    Postgres(postgres::Bulk),
}

impl Writer {
    pub fn for_database(db: &DatabaseConnection) -> Result<Writer, DbErr> {
        if db.get_database_backend() == sea_orm::DbBackend::Postgres {
            let pool = db.get_postgres_connection_pool().clone();
            return Ok(Writer::Postgres(postgres::Bulk::new(pool)));
        }
        if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
            let options = db.get_sqlite_connection_pool().connect_options();
            let file = options.get_filename();
            // An in-memory database is only reachable through the pool's own connection.
            if file.is_file() {
                return Ok(Writer::Sqlite(sqlite::Bulk::open(file)?));
            }
        }
        Ok(Writer::Orm(db.clone()))
    }

    /// Records per transaction: large enough to amortise the commit and the reads of what is
    /// stored, small enough that a crash loses little (a second or two of work) and the
    /// progress moves.
    /// - SQLite: 30,000. Each commit writes every page it changed to the WAL, then again to the
    ///   file at the checkpoint; the uid, buyer and awardee indexes take random keys, so a
    ///   batch changes about one index page per record whatever its size. Measured on 1M
    ///   records: 2,000 per batch wrote 18 GB (230 MB/s, the disk's pace) in 79 s; 10,000:
    ///   60 s; 30,000: 54 s (51 s with the larger checkpoint interval of [`sqlite::Bulk`]).
    /// - PostgreSQL: 20,000 through COPY (a dozen round trips a batch whatever its size; a
    ///   serialization failure rewrites the whole batch, a second or two). Not varied yet:
    ///   docs/benchmarks.md, "PostgreSQL import through COPY".
    /// - sea-orm (in-memory SQLite): 2,000 (500 → 2,000 measured 39 s → 30 s for 300,000
    ///   records on SQLite then).
    pub fn batch_size(&self) -> usize {
        match self {
            Writer::Orm(_) => 2_000,
            Writer::Sqlite(_) => 30_000,
            Writer::Postgres(_) => 20_000,
        }
    }

    /// Writes one batch in one transaction: contracts, awardees, modifications, sources,
    /// rejects, the outbox, and the import's progress. Either all of it lands or none; the
    /// items stay with the caller, who may write them again after a serialization failure.
    pub async fn write_batch(
        &self,
        import_id: i32,
        format: &str,
        items: &Arc<Vec<Item>>,
        bytes_read: i64,
        for_index: bool,
    ) -> Result<Written, DbErr> {
        match self {
            Writer::Orm(db) => {
                orm::write_batch(db, import_id, format, items, bytes_read, for_index).await
            }
            Writer::Sqlite(bulk) => {
                bulk.write_batch(import_id, format, items.clone(), bytes_read, for_index)
                    .await
            }
            Writer::Postgres(bulk) => {
                bulk.write_batch(import_id, format, items, bytes_read, for_index)
                    .await
            }
        }
    }
}
