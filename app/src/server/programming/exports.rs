//! The programming as open data: every planned procurement of the programming's filters (drafts
//! never), as OCDS planning releases and as CSV lines, read in one pass.

use crate::domain::insertion::InsertionView;
use crate::domain::ocds_planning::{LotFacts, PlanFacts};
use crate::domain::programming::{PlanFilters, PlanStatus, Procedure};
use crate::error::AppError;
use crate::server::infra::entities::{organisations, plan_cpv, plan_lots, plans};
use crate::server::programming::{condition, planned};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// The most procurements one export holds (a metropolis plans a few thousand a year).
pub const MAX_PLANS: u64 = 20_000;

/// The procurements of the filters, by expected publication, as release facts.
pub async fn facts(
    db: &DatabaseConnection,
    f: &PlanFilters,
    public_url: &str,
) -> Result<Vec<PlanFacts>, AppError> {
    use sea_orm::QuerySelect;
    let rows = plans::Entity::find()
        .filter(condition(f))
        .order_by_asc(plans::Column::PublicationDate)
        .order_by_asc(plans::Column::Id)
        .limit(MAX_PLANS)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
    let buyers: HashMap<i32, (String, String)> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(rows.iter().map(|p| p.buyer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, (o.siret, o.name)))
        .collect();
    let mut cpv: HashMap<i32, Vec<String>> = HashMap::new();
    let mut lots: HashMap<i32, Vec<LotFacts>> = HashMap::new();
    // In chunks: a database bounds the values of one `IN`.
    for chunk in ids.chunks(1_000) {
        for c in plan_cpv::Entity::find()
            .filter(plan_cpv::Column::PlanId.is_in(chunk.to_vec()))
            .order_by_asc(plan_cpv::Column::CpvCode)
            .all(db)
            .await?
        {
            cpv.entry(c.plan_id).or_default().push(c.cpv_code);
        }
        for l in plan_lots::Entity::find()
            .filter(plan_lots::Column::PlanId.is_in(chunk.to_vec()))
            .order_by_asc(plan_lots::Column::Number)
            .all(db)
            .await?
        {
            lots.entry(l.plan_id).or_default().push(LotFacts {
                number: l.number,
                title: l.title,
                cpv: l
                    .cpv
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                insertion: InsertionView::of(
                    l.insertion_kind.as_deref(),
                    l.insertion_hours,
                    l.insertion_weight,
                    l.insertion_own,
                ),
            });
        }
    }
    let mut co_buyers = HashMap::new();
    for chunk in ids.chunks(1_000) {
        co_buyers.extend(super::joint::co_buyer_facts(db, chunk).await?);
    }
    let base = public_url.trim_end_matches('/');
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            let (siret, name) = buyers.get(&p.buyer_id).cloned()?;
            Some(PlanFacts {
                buyer_siret: siret,
                buyer_name: name,
                procedure: Procedure::parse(&p.procedure).unwrap_or(Procedure::Undecided),
                status: PlanStatus::parse(&p.status)?,
                estimate_min: p.estimate_min,
                estimate_max: p.estimate_max,
                publication: planned(p.publication_date, &p.publication_precision),
                start: p
                    .start_date
                    .map(|d| planned(d, p.start_precision.as_deref().unwrap_or("day"))),
                duration_months: p.duration_months,
                cpv: cpv.remove(&p.id).unwrap_or_default(),
                lots: lots.remove(&p.id).unwrap_or_default(),
                tender_url: p.tender_url,
                url: format!("{base}/programmation/{}", p.id),
                updated_at: p.updated_at,
                co_buyers: co_buyers.remove(&p.id).unwrap_or_default(),
                insertion: InsertionView::of(
                    p.insertion_kind.as_deref(),
                    p.insertion_hours,
                    p.insertion_weight,
                    p.insertion_own,
                ),
                reserved: p.reserved.is_some(),
                title: p.title,
                description: p.description,
                id: p.id,
            })
        })
        .collect())
}

/// The CSV's columns (i18n keys of their headings).
pub const CSV_COLUMNS: [&str; 14] = [
    "plan.csv.id",
    "plan.csv.title",
    "plan.csv.buyer",
    "plan.csv.buyer_siret",
    "plan.csv.status",
    "plan.csv.publication",
    "plan.csv.procedure",
    "plan.csv.estimate_min",
    "plan.csv.estimate_max",
    "plan.csv.cpv",
    "plan.csv.lots",
    "plan.csv.duration",
    "plan.csv.url",
    "plan.csv.co_buyers",
];

/// The CSV of these procurements, with headings in `lang` and a BOM (spreadsheets then read
/// it as UTF-8); text that a spreadsheet would run as a formula gets a leading quote.
pub fn csv(rows: &[PlanFacts], lang: crate::i18n::Lang) -> Result<Vec<u8>, AppError> {
    use crate::i18n::tr;
    let mut w = crate::server::infra::csv::CsvOut::new();
    w.row(CSV_COLUMNS.iter().map(|k| tr(lang, k)));
    for p in rows {
        let number = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        w.row([
            p.id.to_string(),
            p.title.clone(),
            p.buyer_name.clone(),
            p.buyer_siret.clone(),
            tr(lang, &p.status.label_key()),
            p.publication.text(),
            tr(lang, &p.procedure.label_key()),
            number(p.estimate_min),
            number(p.estimate_max),
            p.cpv.join(" "),
            p.lots.len().to_string(),
            p.duration_months.map(|m| m.to_string()).unwrap_or_default(),
            p.url.clone(),
            // "Irigny (21690100000002) 12000", each member so.
            p.co_buyers
                .iter()
                .map(|m| format!("{} ({}) {}", m.name, m.siret, m.amount))
                .collect::<Vec<_>>()
                .join(" ; "),
        ]);
    }
    Ok(w.text_with_bom()?.into_bytes())
}
