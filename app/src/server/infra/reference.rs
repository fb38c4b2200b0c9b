//! Reference data compiled into the binary and loaded idempotently at start: CPV 2008, NAF rév. 2,
//! French communes with the Métropole de Lyon flagged. Independent of migrations: a table whose
//! row count already matches its file is left alone; otherwise missing rows are inserted and
//! existing ones updated, so a re-run never duplicates.

use crate::server::infra::entities::{
    communes, cpv_codes, insertion_settings, insertion_trades, naf_codes,
};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use std::collections::HashMap;

pub const CPV_CSV: &str = include_str!("reference/data/cpv_2008_fr.csv");
pub const NAF_CSV: &str = include_str!("reference/data/naf_rev2_sous_classes.csv");
pub const COMMUNES_CSV: &str = include_str!("reference/data/cog_communes_insee.csv");
pub const METROPOLE_CSV: &str = include_str!("reference/data/metropole_lyon_communes_2024.csv");
/// Labour share by trade, to size insertion clauses (provenance: `insertion_trades.md`).
pub const INSERTION_TRADES_CSV: &str = include_str!("reference/data/insertion_trades.csv");
pub const POSTAL_CSV: &str =
    include_str!("reference/data/laposte_codes_postaux_metropole_lyon_2020.csv");

/// Rows per INSERT: well under the bind-parameter limits of SQLite and PostgreSQL.
const BATCH: usize = 500;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub cpv: usize,
    pub naf: usize,
    pub communes: usize,
    /// Trades added to `insertion_trades` (never those administrators edited).
    pub insertion_trades: usize,
}

fn csv_err(e: csv::Error) -> DbErr {
    DbErr::Custom(format!("reference data is malformed: {e}"))
}

pub fn cpv_rows() -> Result<Vec<cpv_codes::ActiveModel>, DbErr> {
    let mut rdr = csv::Reader::from_reader(CPV_CSV.as_bytes());
    let mut out = Vec::with_capacity(9_454);
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        let (code, check) = rec[0]
            .split_once('-')
            .ok_or_else(|| DbErr::Custom(format!("bad CPV {}", &rec[0])))?;
        let parent = rec
            .get(2)
            .and_then(|p| p.split_once('-'))
            .map(|(p, _)| p.to_string());
        out.push(cpv_codes::ActiveModel {
            code: Set(code.to_string()),
            check_digit: Set(check.to_string()),
            label_fr: Set(rec[1].to_string()),
            parent_code: Set(parent),
            level: Set(crate::domain::cpv::level(code) as i16),
        });
    }
    Ok(out)
}

/// The reference trades of `insertion_trades.csv`, in its order.
pub fn insertion_trade_rows() -> Result<Vec<insertion_trades::Model>, DbErr> {
    let mut rdr = csv::Reader::from_reader(INSERTION_TRADES_CSV.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(csv_err)?;
        let share = rec[3]
            .parse::<i32>()
            .map_err(|_| DbErr::Custom(format!("bad labour share {}", &rec[3])))?;
        out.push(insertion_trades::Model {
            key: rec[0].to_string(),
            label: rec[1].to_string(),
            cpv_prefixes: rec[2].to_string(),
            labour_share: share,
            published: &rec[4] == "published",
            position: i as i32,
            updated_at: None,
            updated_by: None,
        });
    }
    Ok(out)
}

pub fn naf_rows() -> Result<Vec<naf_codes::ActiveModel>, DbErr> {
    let mut rdr = csv::Reader::from_reader(NAF_CSV.as_bytes());
    let mut out = Vec::with_capacity(732);
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        out.push(naf_codes::ActiveModel {
            code: Set(rec[0].to_string()),
            label: Set(rec[1].to_string()),
            division_code: Set(rec[6].to_string()),
            division_label: Set(rec[7].to_string()),
            section_code: Set(rec[8].to_string()),
            section_label: Set(rec[9].to_string()),
        });
    }
    Ok(out)
}

pub fn commune_rows() -> Result<Vec<communes::ActiveModel>, DbErr> {
    let mut metro: HashMap<String, (Option<f64>, Option<f64>)> = HashMap::new();
    let mut rdr = csv::Reader::from_reader(METROPOLE_CSV.as_bytes());
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        metro.insert(
            rec[0].to_string(),
            (rec[6].parse().ok(), rec[7].parse().ok()),
        );
    }
    let mut rdr = csv::Reader::from_reader(COMMUNES_CSV.as_bytes());
    let mut out = Vec::with_capacity(35_015);
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        let insee = rec[0].to_string();
        let (lat, lon) = metro.get(&insee).copied().unwrap_or((None, None));
        out.push(communes::ActiveModel {
            in_metropole: Set(metro.contains_key(&insee)),
            insee: Set(insee),
            name: Set(rec[3].to_string()),
            department: Set(rec[2].to_string()),
            region: Set(rec[1].to_string()),
            lat: Set(lat),
            lon: Set(lon),
        });
    }
    Ok(out)
}

/// Department names by code ("01" → "Ain", "2A" → "Corse-du-Sud"), read once from the COG file.
pub fn department_names() -> &'static HashMap<String, String> {
    static NAMES: std::sync::OnceLock<HashMap<String, String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut out = HashMap::new();
        let mut rdr = csv::Reader::from_reader(COMMUNES_CSV.as_bytes());
        for rec in rdr.records().flatten() {
            if let (Some(code), Some(name)) = (rec.get(2), rec.get(4)) {
                if !out.contains_key(code) {
                    out.insert(code.to_string(), name.to_string());
                }
            }
        }
        out
    })
}

/// Loads every reference table; cheap when they are already complete.
pub async fn load(db: &DatabaseConnection) -> Result<LoadReport, DbErr> {
    let mut report = LoadReport::default();
    let cpv = cpv_rows()?;
    if cpv_codes::Entity::find().count(db).await? as usize != cpv.len() {
        report.cpv = cpv.len();
        upsert(
            db,
            cpv,
            cpv_codes::Column::Code,
            &[cpv_codes::Column::LabelFr, cpv_codes::Column::ParentCode],
        )
        .await?;
    }
    let naf = naf_rows()?;
    if naf_codes::Entity::find().count(db).await? as usize != naf.len() {
        report.naf = naf.len();
        upsert(
            db,
            naf,
            naf_codes::Column::Code,
            &[naf_codes::Column::Label],
        )
        .await?;
    }
    let communes = commune_rows()?;
    if communes::Entity::find().count(db).await? as usize != communes.len() {
        report.communes = communes.len();
        upsert(
            db,
            communes,
            communes::Column::Insee,
            &[
                communes::Column::Name,
                communes::Column::InMetropole,
                communes::Column::Lat,
                communes::Column::Lon,
            ],
        )
        .await?;
    }
    report.insertion_trades = seed_insertion(db).await?;
    Ok(report)
}

/// Adds the reference trades missing from `insertion_trades`, and the default rates if none
/// are set: what administrators changed stays as they left it.
async fn seed_insertion(db: &DatabaseConnection) -> Result<usize, DbErr> {
    use crate::domain::insertion::{DEFAULT_HOURLY_COST, DEFAULT_RATE};
    let known: std::collections::HashSet<String> = insertion_trades::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.key)
        .collect();
    let missing: Vec<insertion_trades::ActiveModel> = insertion_trade_rows()?
        .into_iter()
        .filter(|t| !known.contains(&t.key))
        .map(Into::into)
        .collect();
    let added = missing.len();
    if added > 0 {
        insertion_trades::Entity::insert_many(missing)
            .on_conflict(
                OnConflict::column(insertion_trades::Column::Key)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    if insertion_settings::Entity::find_by_id(1)
        .one(db)
        .await?
        .is_none()
    {
        insertion_settings::Entity::insert(insertion_settings::ActiveModel {
            id: Set(1),
            rate: Set(DEFAULT_RATE),
            hourly_cost: Set(DEFAULT_HOURLY_COST),
            updated_at: Set(None),
            updated_by: Set(None),
        })
        .on_conflict(
            OnConflict::column(insertion_settings::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(added)
}

async fn upsert<A, C>(
    db: &DatabaseConnection,
    rows: Vec<A>,
    key: C,
    update: &[C],
) -> Result<(), DbErr>
where
    A: sea_orm::ActiveModelTrait + Send,
    C: sea_orm::ColumnTrait + Copy,
    <A as sea_orm::ActiveModelTrait>::Entity: EntityTrait<Column = C>,
{
    let txn = crate::server::infra::db::begin_write(db).await?;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(BATCH).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .on_conflict(
                OnConflict::column(key)
                    .update_columns(update.iter().copied())
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await
}

/// The CPV codes listed (label, check digit), by code.
pub async fn cpv_codes_of(
    db: &DatabaseConnection,
    codes: Vec<String>,
) -> Result<HashMap<String, cpv_codes::Model>, DbErr> {
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(cpv_codes::Entity::find()
        .filter(cpv_codes::Column::Code.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code.clone(), c))
        .collect())
}

/// The French labels of the CPV codes listed, by code.
pub async fn cpv_labels(
    db: &DatabaseConnection,
    codes: Vec<String>,
) -> Result<HashMap<String, String>, DbErr> {
    Ok(cpv_codes_of(db, codes)
        .await?
        .into_iter()
        .map(|(code, c)| (code, c.label_fr))
        .collect())
}
