//! Queries of the contracts explorer: the filtered, sorted, paginated list (found in the search
//! index, read from the database), one contract, a buyer's or awardee's figures, the exports.

mod exports;
pub use exports::*;
mod parties;
pub use parties::*;

pub mod http;

use crate::domain::contracts::*;
use crate::server::infra::entities::contract_awardees::awardees_of;
use crate::server::infra::entities::{
    contract_awardees as awardees, contract_modifications as modifications,
    contract_sources as sources, contracts,
};
use crate::server::infra::reference::{cpv_codes_of, cpv_labels};
use crate::server::infra::search::SearchIndex;
use crate::server::infra::search::{facet, QueryError};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Order, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;

/// Contracts by id, in the order of `ids`.
async fn models_in_order(
    db: &DatabaseConnection,
    ids: &[i32],
) -> Result<Vec<contracts::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_id: HashMap<i32, contracts::Model> = contracts::Entity::find()
        .filter(contracts::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    // A contract indexed but gone from the database (removed since) is left out.
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// The explorer's page: words, filters, sort and facets from the index; rows from the database.
pub async fn search(
    db: &DatabaseConnection,
    index: &SearchIndex,
    f: &ContractFilters,
) -> Result<ContractPage, QueryError> {
    let hits = index.search_contracts(f)?;
    let models = models_in_order(db, &hits.ids).await?;
    let division_codes: Vec<String> = hits
        .cpv_divisions
        .iter()
        .map(|(d, _)| format!("{d}000000"))
        .collect();
    let division_labels = cpv_labels(db, division_codes).await?;
    let mut years = hits.years;
    years.sort_by(|a, b| b.0.cmp(&a.0));
    let facets = Facets {
        years: facet(years, |_| None),
        cpv_divisions: facet(hits.cpv_divisions, |d| {
            division_labels.get(&format!("{d}000000")).cloned()
        }),
        procedures: facet(hits.procedures, |_| None),
        departements: facet(hits.departements, |_| None),
    };
    let total = hits.total;
    let page = hits.page;
    let pages = Ord::max(total.div_ceil(PER_PAGE), 1);
    let ids: Vec<i32> = models.iter().map(|m| m.id).collect();
    let mut names: HashMap<i32, Vec<String>> = awardees_of(db, ids, true)
        .await?
        .into_iter()
        .map(|(id, list)| {
            (
                id,
                list.into_iter()
                    .map(|a| a.name.unwrap_or(a.awardee_id))
                    .collect(),
            )
        })
        .collect();
    let labels = cpv_labels(db, models.iter().filter_map(|m| m.cpv.clone()).collect()).await?;
    let rows = models
        .into_iter()
        .map(|m| ContractRow {
            id: m.id,
            awardees: names.remove(&m.id).unwrap_or_default(),
            cpv_label: m.cpv.as_ref().and_then(|c| labels.get(c).cloned()),
            object: m.object,
            buyer_siret: m.buyer_siret,
            buyer_name: m.buyer_name,
            amount_cents: m.final_amount_cents,
            notified_on: m.notified_on.map(|d| d.to_string()),
            year: m.year,
            procedure: m.procedure,
            cpv: m.cpv,
            place: m.place_name.or(m.place_code),
        })
        .collect();
    Ok(ContractPage {
        rows,
        total,
        page,
        pages,
        facets,
    })
}

pub async fn detail(db: &DatabaseConnection, id: i32) -> Result<Option<ContractDetail>, DbErr> {
    let Some(m) = contracts::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let awardees = awardees::Entity::find()
        .filter(awardees::Column::ContractId.eq(id))
        .order_by_asc(awardees::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AwardeeView {
            id_type: a.id_type,
            id: a.awardee_id,
            name: a.name,
            current: a.is_current,
        })
        .collect();
    let modifications = modifications::Entity::find()
        .filter(modifications::Column::ContractId.eq(id))
        .order_by_asc(modifications::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|x| ModificationView {
            position: x.position,
            object: x.object,
            signed_on: x.signed_on.map(|d| d.to_string()),
            duration_months: x.duration_months,
            amount_cents: x.amount_cents,
        })
        .collect();
    let sources = sources::Entity::find()
        .filter(sources::Column::ContractId.eq(id))
        .order_by_asc(sources::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|s| SourceView {
            raw: serde_json::from_str::<serde_json::Value>(&s.raw)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or(s.raw),
            source: s.source,
            format: s.format,
            imported_at: s.imported_at.format("%Y-%m-%d").to_string(),
        })
        .collect();
    let cpv_label = match &m.cpv {
        Some(c) => cpv_labels(db, vec![c.clone()]).await?.remove(c),
        None => None,
    };
    let split = |s: Option<String>| -> Vec<String> {
        s.map(|s| {
            s.split(',')
                .map(str::to_string)
                .filter(|x| x != "aucune")
                .collect()
        })
        .unwrap_or_default()
    };
    Ok(Some(ContractDetail {
        id: m.id,
        uid: m.uid,
        source_id: m.source_id,
        kind: m.kind,
        object: m.object,
        buyer_siret: m.buyer_siret,
        buyer_name: m.buyer_name,
        cpv: m.cpv,
        cpv_label,
        procedure: m.procedure,
        nature: m.nature,
        place_name: m.place_name,
        place_code: m.place_code,
        place_commune: m.place_commune,
        place_departement: m.place_departement,
        duration_months: m.duration_months,
        amount_cents: m.amount_cents,
        final_duration_months: m.final_duration_months,
        final_amount_cents: m.final_amount_cents,
        notified_on: m.notified_on.map(|d| d.to_string()),
        published_on: m.published_on.map(|d| d.to_string()),
        price_form: m.price_form,
        offers_received: m.offers_received,
        social: split(m.social),
        environmental: split(m.environmental),
        consortium: m.consortium,
        subcontracting_declared: m.subcontracting_declared,
        awardees,
        modifications,
        sources,
    }))
}
