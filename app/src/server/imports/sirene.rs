//! Import of a SIRENE establishments extract (`passerelle import sirene FILE`): the awardees of
//! past contracts that are not on the platform get their commune from the register, so that
//! the local share counts them rather than leaving them unknown. Only the establishments that
//! won a contract are kept (a national stock has about 40 million lines; a territory's
//! awardees are a few hundred thousand at most). Importing again replaces their communes.

use crate::domain::sirene::{commune, layout, siret};
use crate::server::infra::entities::{contract_awardees, sirene_establishments};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SireneReport {
    /// Establishments read (lines after the header).
    pub lines: u64,
    /// Establishments that won a contract, kept.
    pub kept: u64,
    /// Kept without a commune (abroad, or address not disseminated).
    pub without_commune: u64,
    /// Lines without a readable SIRET.
    pub invalid: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SireneError {
    #[error("not a SIRENE establishments file: its header has no `siret` and `codeCommuneEtablissement` columns")]
    NotAnExtract,
    #[error("reading the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("reading the file: {0}")]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// The establishments of `reader` among `wanted`: (SIRET, commune), and the counts.
pub fn read_extract(
    reader: impl Read,
    wanted: &HashSet<String>,
) -> Result<(HashMap<String, Option<String>>, SireneReport), SireneError> {
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut header = String::new();
    reader.read_line(&mut header)?;
    let l = layout(&header).ok_or(SireneError::NotAnExtract)?;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(l.delimiter)
        .flexible(true)
        .from_reader(reader);
    let mut found = HashMap::new();
    let mut report = SireneReport::default();
    let mut record = csv::ByteRecord::new();
    while csv.read_byte_record(&mut record)? {
        report.lines += 1;
        let field = |i: usize| {
            record
                .get(i)
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default()
        };
        let Some(s) = siret(&field(l.siret)) else {
            report.invalid += 1;
            continue;
        };
        if !wanted.contains(&s) {
            continue;
        }
        let c = commune(&field(l.commune));
        found.insert(s, c);
    }
    report.kept = found.len() as u64;
    report.without_commune = found.values().filter(|c| c.is_none()).count() as u64;
    Ok((found, report))
}

/// The SIRETs of every awardee of a stored contract.
async fn awardee_sirets(db: &DatabaseConnection) -> Result<HashSet<String>, sea_orm::DbErr> {
    let ids: Vec<String> = contract_awardees::Entity::find()
        .select_only()
        .column(contract_awardees::Column::AwardeeId)
        .distinct()
        .filter(contract_awardees::Column::IdType.eq("SIRET"))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Imports the extract at `path` (read on a blocking thread: a national stock is gigabytes).
pub async fn import(
    db: &DatabaseConnection,
    path: &std::path::Path,
) -> Result<SireneReport, SireneError> {
    let wanted = awardee_sirets(db).await?;
    let path = path.to_path_buf();
    let (found, report) = tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&path)?;
        read_extract(file, &wanted)
    })
    .await
    .map_err(|e| std::io::Error::other(e.to_string()))??;
    store(db, found).await?;
    Ok(report)
}

async fn store(
    db: &DatabaseConnection,
    found: HashMap<String, Option<String>>,
) -> Result<(), sea_orm::DbErr> {
    let now = chrono::Utc::now();
    let rows: Vec<sirene_establishments::ActiveModel> = found
        .into_iter()
        .map(|(siret, commune)| sirene_establishments::ActiveModel {
            siret: Set(siret),
            commune_insee: Set(commune),
            imported_at: Set(now),
        })
        .collect();
    // 3 values a row: well under SQLite's and PostgreSQL's bound on bound values.
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(5_000).collect();
        sirene_establishments::Entity::insert_many(chunk)
            .on_conflict(
                OnConflict::column(sirene_establishments::Column::Siret)
                    .update_columns([
                        sirene_establishments::Column::CommuneInsee,
                        sirene_establishments::Column::ImportedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
