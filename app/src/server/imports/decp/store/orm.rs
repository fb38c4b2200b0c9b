//! The batch writer through sea-orm: an in-memory SQLite database (no file for [`super::sqlite`]),
//! and the reference the bulk writers are tested against (`server/tests/decp.rs`: the same files
//! leave the same rows). A batch is written with a few multi-row statements per table (inserts
//! that update on conflict), whatever the number of records.

use super::merge::{self, Stored};
use super::{Item, Written};
use crate::server::infra::entities::{
    contract_awardees as awardees, contract_modifications as modifications,
    contract_sources as sources, contracts, import_rejects, imports, search_outbox,
};
use crate::server::infra::search::contracts as search_docs;
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QuerySelect, Set,
};
use std::collections::HashMap;

/// Rows written per statement: under SQLite's and PostgreSQL's limits on bound values (a
/// contract has 30 columns).
const ROWS: usize = 500;

/// Writes one batch in one transaction: contracts, awardees, modifications, sources, rejects,
/// the outbox, and the import's progress. Either all of it lands or none, and the items are
/// left to the caller, who may run it again after a serialization failure.
pub async fn write_batch(
    db: &DatabaseConnection,
    import_id: i32,
    format: &str,
    items: &[Item],
    bytes_read: i64,
    for_index: bool,
) -> Result<Written, DbErr> {
    let txn = crate::server::infra::db::begin_write(db).await?;
    let now = Utc::now();
    let stored = read_stored(&txn, merge::uids(items)).await?;
    let stored_ids: HashMap<String, i32> = stored
        .contracts
        .iter()
        .map(|(u, m)| (u.clone(), m.id))
        .collect();
    let plan = merge::plan(items, stored, import_id, format, now);

    // Contracts: insert or update by uid, then read back the ids of the new ones.
    for chunk in plan.contracts.chunks(ROWS) {
        let rows = chunk.iter().map(|p| {
            let mut m: contracts::ActiveModel = p.model.clone().into();
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
    let new_uids: Vec<String> = plan
        .contracts
        .iter()
        .filter(|p| !stored_ids.contains_key(&p.model.uid))
        .map(|p| p.model.uid.clone())
        .collect();
    let mut ids = stored_ids;
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

    // Awardees (insert or update by contract and identifier), modifications (replaced),
    // sources (insert or update by contract and source).
    let mut awardee_rows = Vec::new();
    let mut modification_rows = Vec::new();
    let mut replaced: Vec<i32> = Vec::new();
    let mut source_rows = Vec::new();
    let mut touched: Vec<i32> = Vec::with_capacity(plan.contracts.len());
    let mut written = Vec::new();
    for mut p in plan.contracts {
        let id = *ids
            .get(&p.model.uid)
            .ok_or_else(|| DbErr::RecordNotFound(format!("contract {}", p.model.uid)))?;
        touched.push(id);
        if for_index {
            p.model.id = id;
            written.push((p.model, p.awardees.clone()));
        }
        if p.awardees_changed {
            awardee_rows.extend(p.awardees.into_iter().map(|a| awardees::ActiveModel {
                contract_id: Set(id),
                position: Set(a.position),
                id_type: Set(a.id_type),
                awardee_id: Set(a.awardee_id),
                name: Set(a.name),
                is_current: Set(a.is_current),
                department: Set(a.department),
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
        source_rows.extend(p.sources.into_iter().map(|s| sources::ActiveModel {
            contract_id: Set(id),
            source: Set(s.source),
            format: Set(s.format),
            import_id: Set(Some(import_id)),
            raw: Set(s.raw),
            warnings: Set(s.warnings),
            imported_at: Set(now),
            ..Default::default()
        }));
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
                    awardees::Column::Department,
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
    let rejects = plan
        .rejects
        .into_iter()
        .map(|r| import_rejects::ActiveModel {
            import_id: Set(import_id),
            record_index: Set(r.index),
            reasons: Set(r.reasons),
            raw: Set(r.raw),
            ..Default::default()
        });
    for chunk in chunks(rejects.collect()) {
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
    let tally = plan.tally;
    let run = imports::Entity::find_by_id(import_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("import {import_id}")))?;
    let report = merge::add_to_report(&run.report, &tally);
    let mut run: imports::ActiveModel = run.into();
    run.records = Set(run.records.as_ref() + tally.records);
    run.accepted = Set(run.accepted.as_ref() + tally.accepted);
    run.warned = Set(run.warned.as_ref() + tally.warned);
    run.rejected = Set(run.rejected.as_ref() + tally.rejected);
    run.bytes_read = Set(bytes_read);
    run.report = Set(report);
    run.heartbeat_at = Set(Some(now));
    run.update(&txn).await?;
    txn.commit().await?;
    Ok(Written {
        tally,
        contracts: written,
        outbox_ids,
    })
}

/// What is stored of these contracts, their awardees and their sources.
async fn read_stored(txn: &DatabaseTransaction, uids: Vec<String>) -> Result<Stored, DbErr> {
    let mut stored = Stored::default();
    for chunk in uids.chunks(ROWS) {
        for m in contracts::Entity::find()
            .filter(contracts::Column::Uid.is_in(chunk.to_vec()))
            .all(txn)
            .await?
        {
            stored.contracts.insert(m.uid.clone(), m);
        }
    }
    let ids: Vec<i32> = stored.contracts.values().map(|m| m.id).collect();
    for chunk in ids.chunks(ROWS) {
        stored.awardees.extend(
            crate::server::infra::entities::contract_awardees::awardees_of(
                txn,
                chunk.to_vec(),
                false,
            )
            .await?,
        );
        for s in sources::Entity::find()
            .filter(sources::Column::ContractId.is_in(chunk.to_vec()))
            .all(txn)
            .await?
        {
            stored
                .sources
                .insert((s.contract_id, s.source.clone()), s.into());
        }
    }
    Ok(stored)
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
