//! A batch merged in memory before it is written, whatever the database: each record's values
//! merged with what is stored and with the batch's earlier records of the same uid (rows of a
//! tabular CSV), the rejects, and the batch's counts. The writers (`orm`, `sqlite`) read what is
//! stored, call [`plan`], and write the plan in one transaction.

use super::{raw_text, Item, Tally};
use crate::domain::decp::{Awardee, Contract, Modification};
use crate::server::infra::entities::{
    contract_awardees as awardees, contract_sources as sources, contracts,
};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// What is stored of a batch's contracts, read in the batch's transaction.
#[derive(Default)]
pub struct Stored {
    pub contracts: HashMap<String, contracts::Model>,
    /// Every awardee (current or not) of those contracts, by contract id, in position order.
    pub awardees: HashMap<i32, Vec<awardees::Model>>,
    /// What each source said of those contracts: (contract id, source) → raw record and import.
    pub sources: HashMap<(i32, String), StoredSource>,
}

/// The part of a stored source row the merge needs.
pub struct StoredSource {
    pub import_id: Option<i32>,
    pub raw: String,
}

impl From<sources::Model> for StoredSource {
    fn from(s: sources::Model) -> StoredSource {
        StoredSource {
            import_id: s.import_id,
            raw: s.raw,
        }
    }
}

/// What one source said of a contract, before it is written.
pub struct SourceRow {
    pub source: String,
    pub format: String,
    pub raw: String,
    pub warnings: String,
}

/// A contract of the batch as it will be written.
pub struct Pending {
    /// The merged values; `id` is the stored contract's, or 0 for a new one.
    pub model: contracts::Model,
    pub awardees: Vec<awardees::Model>,
    pub awardees_changed: bool,
    /// The modifications, when this batch brings them (they replace the stored ones).
    pub modifications: Option<Vec<Modification>>,
    pub sources: Vec<SourceRow>,
}

/// A rejected record as it will be written.
pub struct Reject {
    pub index: i32,
    pub reasons: String,
    pub raw: String,
}

/// A batch ready to be written: its contracts in the order of the file, one per uid.
pub struct Plan {
    pub tally: Tally,
    pub contracts: Vec<Pending>,
    pub rejects: Vec<Reject>,
}

/// The distinct uids of a batch's accepted records, sorted.
pub fn uids(items: &[Item]) -> Vec<String> {
    let mut uids: Vec<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Accepted { contract, .. } => Some(contract.uid.clone()),
            _ => None,
        })
        .collect();
    uids.sort_unstable();
    uids.dedup();
    uids
}

/// Merges a batch with what is stored, in the order of the file.
pub fn plan(
    items: &[Item],
    mut stored: Stored,
    import_id: i32,
    format: &str,
    now: DateTime<Utc>,
) -> Plan {
    let mut tally = Tally::default();
    let mut pending: HashMap<String, Pending> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut rejects = Vec::new();
    for item in items {
        tally.records += 1;
        match item {
            Item::Rejected {
                index,
                reasons,
                raw,
            } => {
                tally.rejected += 1;
                for r in reasons {
                    *tally
                        .reasons
                        .entry(format!("rejected:{}", r.key))
                        .or_default() += 1;
                }
                rejects.push(Reject {
                    index: *index as i32,
                    reasons: serde_json::to_string(reasons).unwrap_or_default(),
                    raw: raw.clone(),
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
                        let base = stored.contracts.get(&c.uid);
                        e.insert(Pending {
                            model: merge_contract(c, base, now),
                            awardees: base
                                .and_then(|b| stored.awardees.remove(&b.id))
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
                    match p.sources.iter().position(|s| &s.source == source) {
                        Some(i) => Some(p.sources.remove(i).raw),
                        None => stored
                            .contracts
                            .get(&c.uid)
                            .and_then(|b| stored.sources.get(&(b.id, source.clone())))
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
                        rows.extend(serde_json::from_str::<serde_json::Value>(raw).ok());
                        raw_text(&serde_json::Value::Array(rows))
                    }
                    (None, "csv") => format!("[{raw}]"),
                    (None, _) => raw.clone(),
                };
                p.sources.retain(|s| &s.source != source);
                p.sources.push(SourceRow {
                    source: source.clone(),
                    format: format.to_string(),
                    raw,
                    warnings: serde_json::to_string(warnings).unwrap_or_else(|_| "[]".into()),
                });
            }
        }
    }
    let contracts = order.iter().filter_map(|uid| pending.remove(uid)).collect();
    Plan {
        tally,
        contracts,
        rejects,
    }
}

/// The import's report (counts per reason, JSON, keys in order) with a batch's counts added.
pub fn add_to_report(report: &str, tally: &Tally) -> String {
    let mut report: std::collections::BTreeMap<String, i32> =
        serde_json::from_str(report).unwrap_or_default();
    for (k, v) in &tally.reasons {
        *report.entry(k.clone()).or_default() += v;
    }
    serde_json::to_string(&report).unwrap_or_else(|_| "{}".into())
}

fn join<T: Copy>(list: &[T], code: impl Fn(T) -> &'static str) -> Option<String> {
    (!list.is_empty()).then(|| list.iter().map(|x| code(*x)).collect::<Vec<_>>().join(","))
}

/// The contract with this source's values merged in: a value given replaces the stored one, a
/// value missing never erases it.
fn merge_contract(
    c: &Contract,
    existing: Option<&contracts::Model>,
    now: DateTime<Utc>,
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
                if k.is_current != is_current
                    || (k.name.is_none() && a.name.is_some())
                    || (k.department.is_none() && a.department.is_some())
                {
                    k.is_current = is_current;
                    if k.name.is_none() {
                        k.name = a.name.clone();
                    }
                    if k.department.is_none() {
                        k.department = a.department.clone();
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
                    department: a.department.clone(),
                    is_current,
                });
                changed = true;
            }
        }
    }
    changed
}
