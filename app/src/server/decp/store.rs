//! Writing normalised contracts: one transaction per batch, upserts keyed by uid, so that
//! re-importing the same or an overlapping file updates and never duplicates, and a crash
//! loses at most the batch in flight.

use crate::domain::decp::{Awardee, Contract, Issue};
use crate::server::entities::{
    communes, contract_awardees as awardees, contract_modifications as modifications,
    contract_sources as sources, contracts, cpv_codes, import_rejects, imports, search_outbox,
};
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect, Set,
};
use std::collections::{HashMap, HashSet};

/// The reference lists, loaded once per import.
pub struct Refs {
    cpv: HashSet<String>,
    communes: HashMap<String, String>,
    postal: HashMap<String, String>,
}

const POSTAL_CSV: &str =
    include_str!("../reference/data/laposte_codes_postaux_metropole_lyon_2020.csv");

impl Refs {
    pub async fn load(db: &DatabaseConnection) -> Result<Refs, DbErr> {
        let cpv = cpv_codes::Entity::find()
            .select_only()
            .column(cpv_codes::Column::Code)
            .into_tuple::<String>()
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
        self.cpv.contains(code)
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
        raw: serde_json::Value,
        source: String,
    },
    Rejected {
        index: usize,
        reasons: Vec<Issue>,
        raw: serde_json::Value,
    },
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

const RAW_MAX: usize = 10_000;

fn raw_text(v: &serde_json::Value) -> String {
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

fn join<T: Copy>(list: &[T], code: impl Fn(T) -> &'static str) -> Option<String> {
    (!list.is_empty()).then(|| list.iter().map(|x| code(*x)).collect::<Vec<_>>().join(","))
}

/// Writes one batch in one transaction: contracts, awardees, modifications, sources, rejects,
/// the outbox, and the import's progress. Either all of it lands or none.
pub async fn write_batch(
    db: &DatabaseConnection,
    import_id: i32,
    format: &str,
    items: Vec<Item>,
    bytes_read: i64,
) -> Result<Tally, DbErr> {
    let txn = crate::server::db::begin_write(db).await?;
    let now = Utc::now();
    let mut tally = Tally::default();
    // uid → contract id, for the records of this batch that share a contract (CSV rows).
    let uids: Vec<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Accepted { contract, .. } => Some(contract.uid.clone()),
            _ => None,
        })
        .collect();
    let mut existing: HashMap<String, contracts::Model> = HashMap::new();
    for chunk in uids.chunks(500) {
        for m in contracts::Entity::find()
            .filter(contracts::Column::Uid.is_in(chunk.to_vec()))
            .all(&txn)
            .await?
        {
            existing.insert(m.uid.clone(), m);
        }
    }
    let mut touched: Vec<i32> = Vec::new();
    for item in items {
        tally.records += 1;
        match item {
            Item::Rejected {
                index,
                reasons,
                raw,
            } => {
                tally.rejected += 1;
                for r in &reasons {
                    *tally
                        .reasons
                        .entry(format!("rejected:{}", r.key))
                        .or_default() += 1;
                }
                import_rejects::Entity::insert(import_rejects::ActiveModel {
                    import_id: Set(import_id),
                    record_index: Set(index as i32),
                    reasons: Set(serde_json::to_string(&reasons).unwrap_or_default()),
                    raw: Set(raw_text(&raw)),
                    ..Default::default()
                })
                .on_conflict(
                    OnConflict::columns([
                        import_rejects::Column::ImportId,
                        import_rejects::Column::RecordIndex,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
            }
            Item::Accepted {
                contract: c,
                warnings,
                raw,
                source,
                ..
            } => {
                tally.accepted += 1;
                if !warnings.is_empty() {
                    tally.warned += 1;
                }
                for w in &warnings {
                    *tally
                        .reasons
                        .entry(format!("warning:{}", w.key))
                        .or_default() += 1;
                }
                let saved = upsert_contract(&txn, &c, existing.get(&c.uid), now).await?;
                let id = saved.id;
                // Later records of the batch see this one.
                existing.insert(c.uid.clone(), saved);
                write_awardees(&txn, id, &c.awardees, &c.final_awardees).await?;
                if !c.modifications.is_empty() {
                    modifications::Entity::delete_many()
                        .filter(modifications::Column::ContractId.eq(id))
                        .exec(&txn)
                        .await?;
                    for m in &c.modifications {
                        modifications::ActiveModel {
                            contract_id: Set(id),
                            position: Set(m.index),
                            object: Set(m.object.clone()),
                            signed_on: Set(m.signed_on),
                            published_on: Set(m.published_on),
                            duration_months: Set(m.duration_months),
                            amount_cents: Set(m.amount_cents),
                            awardees: Set(
                                serde_json::to_string(&m.awardees).unwrap_or_else(|_| "[]".into())
                            ),
                            ..Default::default()
                        }
                        .insert(&txn)
                        .await?;
                    }
                }
                write_source(
                    &txn, id, &source, format, import_id, &c, &warnings, &raw, now,
                )
                .await?;
                touched.push(id);
            }
        }
    }
    touched.sort_unstable();
    touched.dedup();
    for chunk in touched.chunks(500) {
        search_outbox::Entity::insert_many(chunk.iter().map(|&id| search_outbox::ActiveModel {
            doc_kind: Set("contract".into()),
            doc_id: Set(id),
            created_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    // Progress and totals move with the batch: what the import page shows is what is committed.
    let run = imports::Entity::find_by_id(import_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("import {import_id}")))?;
    let mut report: HashMap<String, i32> = serde_json::from_str(&run.report).unwrap_or_default();
    for (k, v) in &tally.reasons {
        *report.entry(k.clone()).or_default() += v;
    }
    let mut run: imports::ActiveModel = run.into();
    run.records = Set(run.records.as_ref() + tally.records);
    run.accepted = Set(run.accepted.as_ref() + tally.accepted);
    run.warned = Set(run.warned.as_ref() + tally.warned);
    run.rejected = Set(run.rejected.as_ref() + tally.rejected);
    run.bytes_read = Set(bytes_read);
    run.report = Set(serde_json::to_string(&report).unwrap_or_else(|_| "{}".into()));
    run.heartbeat_at = Set(Some(now));
    run.update(&txn).await?;
    txn.commit().await?;
    Ok(tally)
}

/// Inserts the contract, or merges this source's values into it: a value given replaces the
/// stored one, a value missing never erases it.
async fn upsert_contract(
    txn: &impl ConnectionTrait,
    c: &Contract,
    existing: Option<&contracts::Model>,
    now: chrono::DateTime<Utc>,
) -> Result<contracts::Model, DbErr> {
    macro_rules! merge {
        ($new:expr, $old:expr) => {
            match ($new, existing) {
                (Some(v), _) => Some(v),
                (None, Some(e)) => $old(e),
                (None, None) => None,
            }
        };
    }
    let social = join(&c.social, |x| x.code());
    let environmental = join(&c.environmental, |x| x.code());
    let model = contracts::ActiveModel {
        uid: Set(c.uid.clone()),
        kind: Set(c.kind.code().to_string()),
        source_id: Set(c.source_id.clone()),
        buyer_siret: Set(c.buyer_siret.clone()),
        buyer_name: Set(merge!(c.buyer_name.clone(), |e: &contracts::Model| e
            .buyer_name
            .clone())),
        object: Set(merge!(c.object.clone(), |e: &contracts::Model| e
            .object
            .clone())),
        cpv: Set(merge!(c.cpv.clone(), |e: &contracts::Model| e.cpv.clone())),
        cpv_division: Set(merge!(
            c.cpv.as_ref().map(|x| x[..2].to_string()),
            |e: &contracts::Model| e.cpv_division.clone()
        )),
        procedure: Set(merge!(
            c.procedure.map(|x| x.code().to_string()),
            |e: &contracts::Model| e.procedure.clone()
        )),
        nature: Set(merge!(
            c.nature.map(|x| x.code().to_string()),
            |e: &contracts::Model| e.nature.clone()
        )),
        place_kind: Set(merge!(
            c.place.kind.map(|x| x.code().to_string()),
            |e: &contracts::Model| e.place_kind.clone()
        )),
        place_code: Set(merge!(c.place.code.clone(), |e: &contracts::Model| e
            .place_code
            .clone())),
        place_name: Set(merge!(c.place.name.clone(), |e: &contracts::Model| e
            .place_name
            .clone())),
        place_commune: Set(merge!(c.place.commune.clone(), |e: &contracts::Model| e
            .place_commune
            .clone())),
        place_departement: Set(merge!(
            c.place.departement.clone(),
            |e: &contracts::Model| e.place_departement.clone()
        )),
        duration_months: Set(merge!(c.duration_months, |e: &contracts::Model| e.duration_months)),
        amount_cents: Set(merge!(c.amount_cents, |e: &contracts::Model| e.amount_cents)),
        final_duration_months: Set(merge!(c.final_duration_months, |e: &contracts::Model| e
            .final_duration_months)),
        final_amount_cents: Set(merge!(c.final_amount_cents, |e: &contracts::Model| e
            .final_amount_cents)),
        notified_on: Set(merge!(c.notified_on, |e: &contracts::Model| e.notified_on)),
        published_on: Set(merge!(c.published_on, |e: &contracts::Model| e.published_on)),
        year: Set(merge!(c.year, |e: &contracts::Model| e.year)),
        price_form: Set(merge!(c.price_form.clone(), |e: &contracts::Model| e
            .price_form
            .clone())),
        offers_received: Set(merge!(c.offers_received, |e: &contracts::Model| e.offers_received)),
        social: Set(merge!(social, |e: &contracts::Model| e.social.clone())),
        environmental: Set(merge!(environmental, |e: &contracts::Model| e
            .environmental
            .clone())),
        consortium: Set(merge!(
            c.consortium.map(|x| x.code().to_string()),
            |e: &contracts::Model| e.consortium.clone()
        )),
        subcontracting_declared: Set(merge!(c.subcontracting_declared, |e: &contracts::Model| e
            .subcontracting_declared)),
        updated_at: Set(now),
        ..Default::default()
    };
    match existing {
        Some(e) => {
            let mut m = model;
            m.id = Set(e.id);
            m.update(txn).await
        }
        None => model.insert(txn).await,
    }
}

/// Adds the awardees not yet known (rows of the tabular CSV bring one each); marks as not
/// current those a modification replaced.
async fn write_awardees(
    txn: &impl ConnectionTrait,
    contract_id: i32,
    initial: &[Awardee],
    current: &[Awardee],
) -> Result<(), DbErr> {
    let known = awardees::Entity::find()
        .filter(awardees::Column::ContractId.eq(contract_id))
        .all(txn)
        .await?;
    let mut position = known.len() as i32;
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    for a in initial.iter().chain(current.iter()) {
        // The same awardee in the initial list and in a modification, maybe spelt differently.
        if !seen.insert((a.id_type.as_str(), a.id.as_str())) {
            continue;
        }
        let is_current = current
            .iter()
            .any(|c| c.id == a.id && c.id_type == a.id_type);
        match known
            .iter()
            .find(|k| k.awardee_id == a.id && k.id_type == a.id_type)
        {
            Some(k) => {
                if k.is_current != is_current || (k.name.is_none() && a.name.is_some()) {
                    let mut m: awardees::ActiveModel = k.clone().into();
                    m.is_current = Set(is_current);
                    if k.name.is_none() {
                        m.name = Set(a.name.clone());
                    }
                    m.update(txn).await?;
                }
            }
            None => {
                awardees::ActiveModel {
                    contract_id: Set(contract_id),
                    position: Set(position),
                    id_type: Set(a.id_type.clone()),
                    awardee_id: Set(a.id.clone()),
                    name: Set(a.name.clone()),
                    is_current: Set(is_current),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                position += 1;
            }
        }
    }
    Ok(())
}

/// Keeps what this source said. Rows of a tabular CSV that describe one contract are kept
/// together (a JSON list of rows) when they come from the same import.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the values all describe one source record"
)]
async fn write_source(
    txn: &impl ConnectionTrait,
    contract_id: i32,
    source: &str,
    format: &str,
    import_id: i32,
    c: &Contract,
    warnings: &[Issue],
    raw: &serde_json::Value,
    now: chrono::DateTime<Utc>,
) -> Result<(), DbErr> {
    let existing = sources::Entity::find()
        .filter(sources::Column::ContractId.eq(contract_id))
        .filter(sources::Column::Source.eq(source))
        .one(txn)
        .await?;
    let raw_text_value = match (&existing, format) {
        (Some(e), "csv") if e.import_id == Some(import_id) => {
            let mut rows = match serde_json::from_str::<serde_json::Value>(&e.raw) {
                Ok(serde_json::Value::Array(rows)) => rows,
                Ok(other) => vec![other],
                Err(_) => Vec::new(),
            };
            rows.push(raw.clone());
            raw_text(&serde_json::Value::Array(rows))
        }
        (_, "csv") => raw_text(&serde_json::Value::Array(vec![raw.clone()])),
        _ => raw_text(raw),
    };
    let model = sources::ActiveModel {
        contract_id: Set(contract_id),
        source: Set(source.to_string()),
        format: Set(format.to_string()),
        import_id: Set(Some(import_id)),
        raw: Set(raw_text_value),
        normalised: Set(serde_json::to_string(c).unwrap_or_default()),
        warnings: Set(serde_json::to_string(warnings).unwrap_or_else(|_| "[]".into())),
        imported_at: Set(now),
        ..Default::default()
    };
    match existing {
        Some(e) => {
            let mut m = model;
            m.id = Set(e.id);
            m.update(txn).await?;
        }
        None => {
            model.insert(txn).await?;
        }
    }
    Ok(())
}
