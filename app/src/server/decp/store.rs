//! Writing normalised contracts: one transaction per batch, upserts keyed by uid, so that
//! re-importing the same or an overlapping file updates and never duplicates, and a crash
//! loses at most the batch in flight.

use crate::domain::decp::{Awardee, Contract, Issue};
use crate::server::entities::{
    communes, contract_awardees as awardees, contract_modifications as modifications,
    contract_sources as sources, contracts, cpv_codes, import_rejects, imports, search_outbox,
};
use crate::server::search::{contracts as search_docs, Fields};
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use std::collections::{HashMap, HashSet};

/// The reference lists, loaded once per import.
pub struct Refs {
    /// CPV code → French label (the label goes into the search documents).
    cpv: HashMap<String, String>,
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
        raw: serde_json::Value,
        source: String,
    },
    Rejected {
        index: usize,
        reasons: Vec<Issue>,
        raw: serde_json::Value,
    },
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

/// Rows written per statement: under SQLite's and PostgreSQL's limits on bound values (a
/// contract has 30 columns).
const ROWS: usize = 500;

/// What one source said of a contract, before it is written.
struct SourceRow {
    format: String,
    raw: String,
    warnings: String,
}

/// A contract of the batch as it will be written: merged with what is stored and with the
/// batch's earlier records of the same uid (rows of a tabular CSV).
struct Pending {
    model: contracts::Model,
    awardees: Vec<awardees::Model>,
    awardees_changed: bool,
    modifications: Option<Vec<crate::domain::decp::Modification>>,
    sources: Vec<(String, SourceRow)>,
}

/// Writes one batch in one transaction: contracts, awardees, modifications, sources, rejects,
/// the outbox, and the import's progress. Either all of it lands or none, and the items are
/// left to the caller, who may run it again after a serialization failure.
///
/// The batch is merged in memory first, then written with a few multi-row statements per table
/// (inserts that update on conflict), whatever the number of records: the import's speed is
/// set by the database's bulk writes, not by round trips.
pub async fn write_batch(
    db: &DatabaseConnection,
    import_id: i32,
    format: &str,
    items: &[Item],
    bytes_read: i64,
    for_index: bool,
) -> Result<Written, DbErr> {
    let txn = crate::server::db::begin_write(db).await?;
    let now = Utc::now();
    let mut tally = Tally::default();

    // What is stored of the batch's contracts.
    let mut uids: Vec<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Accepted { contract, .. } => Some(contract.uid.clone()),
            _ => None,
        })
        .collect();
    uids.sort_unstable();
    uids.dedup();
    let mut stored: HashMap<String, contracts::Model> = HashMap::new();
    for chunk in uids.chunks(ROWS) {
        for m in contracts::Entity::find()
            .filter(contracts::Column::Uid.is_in(chunk.to_vec()))
            .all(&txn)
            .await?
        {
            stored.insert(m.uid.clone(), m);
        }
    }
    let stored_ids: Vec<i32> = stored.values().map(|m| m.id).collect();
    let mut known_awardees: HashMap<i32, Vec<awardees::Model>> = HashMap::new();
    let mut known_sources: HashMap<(i32, String), sources::Model> = HashMap::new();
    for chunk in stored_ids.chunks(ROWS) {
        known_awardees
            .extend(crate::server::contracts::awardees_of(&txn, chunk.to_vec(), false).await?);
        for s in sources::Entity::find()
            .filter(sources::Column::ContractId.is_in(chunk.to_vec()))
            .all(&txn)
            .await?
        {
            known_sources.insert((s.contract_id, s.source.clone()), s);
        }
    }

    // Merge in memory, in the order of the file.
    let mut pending: HashMap<String, Pending> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut rejects: Vec<import_rejects::ActiveModel> = Vec::new();
    for item in items {
        tally.records += 1;
        match item {
            Item::Rejected {
                index,
                reasons,
                raw,
            } => {
                let index = *index;
                tally.rejected += 1;
                for r in reasons {
                    *tally
                        .reasons
                        .entry(format!("rejected:{}", r.key))
                        .or_default() += 1;
                }
                rejects.push(import_rejects::ActiveModel {
                    import_id: Set(import_id),
                    record_index: Set(index as i32),
                    reasons: Set(serde_json::to_string(reasons).unwrap_or_default()),
                    raw: Set(raw_text(raw)),
                    ..Default::default()
                });
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
                for w in warnings {
                    *tally
                        .reasons
                        .entry(format!("warning:{}", w.key))
                        .or_default() += 1;
                }
                let p = match pending.entry(c.uid.clone()) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        order.push(c.uid.clone());
                        let base = stored.get(&c.uid);
                        e.insert(Pending {
                            model: merge_contract(c, base, now),
                            awardees: base
                                .and_then(|b| known_awardees.remove(&b.id))
                                .unwrap_or_default(),
                            awardees_changed: false,
                            modifications: None,
                            sources: Vec::new(),
                        })
                    }
                };
                p.model = merge_contract(c, Some(&p.model), now);
                p.awardees_changed |=
                    merge_awardees(&mut p.awardees, &c.awardees, &c.final_awardees);
                if !c.modifications.is_empty() {
                    p.modifications = Some(c.modifications.clone());
                }
                // Rows of a tabular CSV describing one contract are kept together (a JSON list
                // of rows) when they come from the same import.
                let earlier_rows = if format == "csv" {
                    match p.sources.iter().position(|(s, _)| s == source) {
                        Some(i) => Some(p.sources.remove(i).1.raw),
                        None => stored
                            .get(&c.uid)
                            .and_then(|b| known_sources.get(&(b.id, source.clone())))
                            .filter(|e| e.import_id == Some(import_id))
                            .map(|e| e.raw.clone()),
                    }
                } else {
                    None
                };
                let raw = match (earlier_rows, format) {
                    (Some(rows), _) => {
                        let mut rows = match serde_json::from_str::<serde_json::Value>(&rows) {
                            Ok(serde_json::Value::Array(rows)) => rows,
                            Ok(other) => vec![other],
                            Err(_) => Vec::new(),
                        };
                        rows.push(raw.clone());
                        raw_text(&serde_json::Value::Array(rows))
                    }
                    (None, "csv") => raw_text(&serde_json::Value::Array(vec![raw.clone()])),
                    (None, _) => raw_text(raw),
                };
                p.sources.retain(|(s, _)| s != source);
                p.sources.push((
                    source.clone(),
                    SourceRow {
                        format: format.to_string(),
                        raw,
                        warnings: serde_json::to_string(warnings).unwrap_or_else(|_| "[]".into()),
                    },
                ));
            }
        }
    }

    // Contracts: insert or update by uid, then read back the ids of the new ones.
    for chunk in order.chunks(ROWS) {
        let rows = chunk.iter().map(|uid| {
            let mut m: contracts::ActiveModel = pending[uid].model.clone().into();
            m.id = sea_orm::ActiveValue::NotSet;
            m
        });
        let mut update = OnConflict::column(contracts::Column::Uid);
        update.update_columns([
            contracts::Column::Kind,
            contracts::Column::SourceId,
            contracts::Column::BuyerSiret,
            contracts::Column::BuyerName,
            contracts::Column::Object,
            contracts::Column::Cpv,
            contracts::Column::CpvDivision,
            contracts::Column::Procedure,
            contracts::Column::Nature,
            contracts::Column::PlaceKind,
            contracts::Column::PlaceCode,
            contracts::Column::PlaceName,
            contracts::Column::PlaceCommune,
            contracts::Column::PlaceDepartement,
            contracts::Column::DurationMonths,
            contracts::Column::AmountCents,
            contracts::Column::FinalDurationMonths,
            contracts::Column::FinalAmountCents,
            contracts::Column::NotifiedOn,
            contracts::Column::PublishedOn,
            contracts::Column::Year,
            contracts::Column::PriceForm,
            contracts::Column::OffersReceived,
            contracts::Column::Social,
            contracts::Column::Environmental,
            contracts::Column::Consortium,
            contracts::Column::SubcontractingDeclared,
            contracts::Column::UpdatedAt,
        ]);
        contracts::Entity::insert_many(rows)
            .on_conflict(update)
            .exec_without_returning(&txn)
            .await?;
    }
    let new_uids: Vec<String> = order
        .iter()
        .filter(|uid| !stored.contains_key(*uid))
        .cloned()
        .collect();
    let mut ids: HashMap<String, i32> = stored.iter().map(|(u, m)| (u.clone(), m.id)).collect();
    for chunk in new_uids.chunks(ROWS) {
        let found: Vec<(i32, String)> = contracts::Entity::find()
            .select_only()
            .column(contracts::Column::Id)
            .column(contracts::Column::Uid)
            .filter(contracts::Column::Uid.is_in(chunk.to_vec()))
            .into_tuple()
            .all(&txn)
            .await?;
        ids.extend(found.into_iter().map(|(id, uid)| (uid, id)));
    }
    let id_of = |uid: &str| {
        ids.get(uid)
            .copied()
            .ok_or_else(|| DbErr::RecordNotFound(format!("contract {uid}")))
    };

    // Awardees (insert or update by contract and identifier), modifications (replaced),
    // sources (insert or update by contract and source).
    let mut awardee_rows = Vec::new();
    let mut modification_rows = Vec::new();
    let mut replaced: Vec<i32> = Vec::new();
    let mut source_rows = Vec::new();
    let mut touched: Vec<i32> = Vec::with_capacity(order.len());
    let mut written = Vec::new();
    for uid in &order {
        let id = id_of(uid)?;
        touched.push(id);
        let mut p = pending
            .remove(uid)
            .unwrap_or_else(|| unreachable!("order lists pending uids"));
        if for_index {
            p.model.id = id;
            written.push((p.model.clone(), p.awardees.clone()));
        }
        if p.awardees_changed {
            awardee_rows.extend(p.awardees.into_iter().map(|a| awardees::ActiveModel {
                contract_id: Set(id),
                position: Set(a.position),
                id_type: Set(a.id_type),
                awardee_id: Set(a.awardee_id),
                name: Set(a.name),
                is_current: Set(a.is_current),
                ..Default::default()
            }));
        }
        if let Some(list) = p.modifications {
            replaced.push(id);
            modification_rows.extend(list.into_iter().map(|m| modifications::ActiveModel {
                contract_id: Set(id),
                position: Set(m.index),
                object: Set(m.object),
                signed_on: Set(m.signed_on),
                published_on: Set(m.published_on),
                duration_months: Set(m.duration_months),
                amount_cents: Set(m.amount_cents),
                awardees: Set(serde_json::to_string(&m.awardees).unwrap_or_else(|_| "[]".into())),
                ..Default::default()
            }));
        }
        source_rows.extend(
            p.sources
                .into_iter()
                .map(|(source, s)| sources::ActiveModel {
                    contract_id: Set(id),
                    source: Set(source),
                    format: Set(s.format),
                    import_id: Set(Some(import_id)),
                    raw: Set(s.raw),
                    warnings: Set(s.warnings),
                    imported_at: Set(now),
                    ..Default::default()
                }),
        );
    }
    for chunk in chunks(awardee_rows) {
        awardees::Entity::insert_many(chunk)
            .on_conflict(
                OnConflict::columns([
                    awardees::Column::ContractId,
                    awardees::Column::IdType,
                    awardees::Column::AwardeeId,
                ])
                .update_columns([
                    awardees::Column::Position,
                    awardees::Column::Name,
                    awardees::Column::IsCurrent,
                ])
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in replaced.chunks(ROWS) {
        modifications::Entity::delete_many()
            .filter(modifications::Column::ContractId.is_in(chunk.to_vec()))
            .exec(&txn)
            .await?;
    }
    for chunk in chunks(modification_rows) {
        modifications::Entity::insert_many(chunk)
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in chunks(source_rows) {
        sources::Entity::insert_many(chunk)
            .on_conflict(
                OnConflict::columns([sources::Column::ContractId, sources::Column::Source])
                    .update_columns([
                        sources::Column::Format,
                        sources::Column::ImportId,
                        sources::Column::Raw,
                        sources::Column::Warnings,
                        sources::Column::ImportedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in chunks(rejects) {
        import_rejects::Entity::insert_many(chunk)
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
    touched.sort_unstable();
    touched.dedup();
    let mut outbox_ids = Vec::new();
    for chunk in touched.chunks(ROWS) {
        let rows = chunk.iter().map(|&id| search_outbox::ActiveModel {
            doc_kind: Set(search_docs::KIND.into()),
            doc_id: Set(id),
            created_at: Set(now),
            ..Default::default()
        });
        let insert = search_outbox::Entity::insert_many(rows);
        if for_index {
            outbox_ids.extend(insert.exec_with_returning_keys(&txn).await?);
        } else {
            insert.exec_without_returning(&txn).await?;
        }
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
    Ok(Written {
        tally,
        contracts: written,
        outbox_ids,
    })
}

/// Rows in groups of `ROWS`, for multi-row statements.
fn chunks<T>(rows: Vec<T>) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        out.push(rows.by_ref().take(ROWS).collect());
    }
    out
}

/// The contract with this source's values merged in: a value given replaces the stored one, a
/// value missing never erases it.
fn merge_contract(
    c: &Contract,
    existing: Option<&contracts::Model>,
    now: chrono::DateTime<Utc>,
) -> contracts::Model {
    fn keep<T: Clone>(new: Option<T>, old: Option<&Option<T>>) -> Option<T> {
        new.or_else(|| old.and_then(|o| o.clone()))
    }
    let e = existing;
    contracts::Model {
        id: e.map(|e| e.id).unwrap_or_default(),
        uid: c.uid.clone(),
        kind: c.kind.code().to_string(),
        source_id: c.source_id.clone(),
        buyer_siret: c.buyer_siret.clone(),
        buyer_name: keep(c.buyer_name.clone(), e.map(|e| &e.buyer_name)),
        object: keep(c.object.clone(), e.map(|e| &e.object)),
        cpv: keep(c.cpv.clone(), e.map(|e| &e.cpv)),
        cpv_division: keep(
            c.cpv.as_ref().map(|x| x[..2].to_string()),
            e.map(|e| &e.cpv_division),
        ),
        procedure: keep(
            c.procedure.map(|x| x.code().to_string()),
            e.map(|e| &e.procedure),
        ),
        nature: keep(c.nature.map(|x| x.code().to_string()), e.map(|e| &e.nature)),
        place_kind: keep(
            c.place.kind.map(|x| x.code().to_string()),
            e.map(|e| &e.place_kind),
        ),
        place_code: keep(c.place.code.clone(), e.map(|e| &e.place_code)),
        place_name: keep(c.place.name.clone(), e.map(|e| &e.place_name)),
        place_commune: keep(c.place.commune.clone(), e.map(|e| &e.place_commune)),
        place_departement: keep(c.place.departement.clone(), e.map(|e| &e.place_departement)),
        duration_months: keep(c.duration_months, e.map(|e| &e.duration_months)),
        amount_cents: keep(c.amount_cents, e.map(|e| &e.amount_cents)),
        final_duration_months: keep(c.final_duration_months, e.map(|e| &e.final_duration_months)),
        final_amount_cents: keep(c.final_amount_cents, e.map(|e| &e.final_amount_cents)),
        notified_on: keep(c.notified_on, e.map(|e| &e.notified_on)),
        published_on: keep(c.published_on, e.map(|e| &e.published_on)),
        year: keep(c.year, e.map(|e| &e.year)),
        price_form: keep(c.price_form.clone(), e.map(|e| &e.price_form)),
        offers_received: keep(c.offers_received, e.map(|e| &e.offers_received)),
        social: keep(join(&c.social, |x| x.code()), e.map(|e| &e.social)),
        environmental: keep(
            join(&c.environmental, |x| x.code()),
            e.map(|e| &e.environmental),
        ),
        consortium: keep(
            c.consortium.map(|x| x.code().to_string()),
            e.map(|e| &e.consortium),
        ),
        subcontracting_declared: keep(
            c.subcontracting_declared,
            e.map(|e| &e.subcontracting_declared),
        ),
        updated_at: now,
    }
}

/// Adds the awardees not yet known (rows of the tabular CSV bring one each); marks as not
/// current those a modification replaced. Returns whether anything changed.
fn merge_awardees(
    known: &mut Vec<awardees::Model>,
    initial: &[Awardee],
    current: &[Awardee],
) -> bool {
    let mut changed = false;
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
            .iter_mut()
            .find(|k| k.awardee_id == a.id && k.id_type == a.id_type)
        {
            Some(k) => {
                if k.is_current != is_current || (k.name.is_none() && a.name.is_some()) {
                    k.is_current = is_current;
                    if k.name.is_none() {
                        k.name = a.name.clone();
                    }
                    changed = true;
                }
            }
            None => {
                let position = known.len() as i32;
                known.push(awardees::Model {
                    id: 0,
                    contract_id: 0,
                    position,
                    id_type: a.id_type.clone(),
                    awardee_id: a.id.clone(),
                    name: a.name.clone(),
                    is_current,
                });
                changed = true;
            }
        }
    }
    changed
}
