//! Quick consultations as open data: the facts of each (never its answers), for the OCDS
//! package and the API. Awards appear once decided.

use super::stage_of;
use crate::domain::consortia::MemberStatus;
use crate::domain::food::Unit;
use crate::domain::ocds_quotes::{AwardFacts, LineFacts, QuoteFacts};
use crate::domain::quotes::{Quality, Stage};
use crate::error::AppError;
use crate::server::infra::entities::{
    consortium_members, quote_answers, quote_awards, quote_lines, quote_requests,
};
use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Which consultations: all, the ones still taking answers, one; a page of them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Selection {
    pub open_only: bool,
    pub only: Option<i32>,
    /// (offset, limit)
    pub window: Option<(u64, u64)>,
}

fn selected(s: Selection) -> sea_orm::Select<quote_requests::Entity> {
    let mut q = quote_requests::Entity::find();
    if let Some(id) = s.only {
        q = q.filter(quote_requests::Column::Id.eq(id));
    }
    if s.open_only {
        q = q
            .filter(quote_requests::Column::Stage.eq(Stage::Open.as_str()))
            .filter(quote_requests::Column::Deadline.gt(Utc::now()));
    }
    q
}

/// How many consultations `s` selects (its window aside).
pub async fn count(db: &impl ConnectionTrait, s: Selection) -> Result<u64, AppError> {
    Ok(selected(s).count(db).await?)
}

/// The consultations `s` selects, newest first.
pub async fn facts(
    db: &impl ConnectionTrait,
    public_url: &str,
    s: Selection,
) -> Result<Vec<QuoteFacts>, AppError> {
    let now = Utc::now();
    let mut q = selected(s)
        .order_by_desc(quote_requests::Column::CreatedAt)
        .order_by_desc(quote_requests::Column::Id);
    if let Some((offset, limit)) = s.window {
        q = q.offset(offset).limit(limit);
    }
    let requests = q.all(db).await?;
    let ids: Vec<i32> = requests.iter().map(|r| r.id).collect();
    let mut lines: HashMap<i32, Vec<quote_lines::Model>> = HashMap::new();
    let mut line_of: HashMap<i32, i32> = HashMap::new();
    for chunk in ids.chunks(1_000) {
        for l in quote_lines::Entity::find()
            .filter(quote_lines::Column::RequestId.is_in(chunk.to_vec()))
            .order_by_asc(quote_lines::Column::Position)
            .all(db)
            .await?
        {
            line_of.insert(l.id, l.request_id);
            lines.entry(l.request_id).or_default().push(l);
        }
    }
    // The awards and the answers they were given to.
    let mut awards: HashMap<i32, Vec<(quote_answers::Model, quote_awards::Model)>> = HashMap::new();
    let line_ids: Vec<i32> = line_of.keys().copied().collect();
    for chunk in line_ids.chunks(1_000) {
        let answers: HashMap<i32, quote_answers::Model> = quote_answers::Entity::find()
            .filter(quote_answers::Column::LineId.is_in(chunk.to_vec()))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        for w in quote_awards::Entity::find()
            .filter(quote_awards::Column::AnswerId.is_in(answers.keys().copied()))
            .all(db)
            .await?
        {
            if let Some(a) = answers.get(&w.answer_id) {
                if let Some(r) = line_of.get(&a.line_id) {
                    awards.entry(*r).or_default().push((a.clone(), w));
                }
            }
        }
    }
    // The other producers of a grouping that won a part (those who accepted).
    let mut partners_of: HashMap<i32, Vec<i32>> = HashMap::new();
    let groupings: Vec<i32> = awards
        .values()
        .flatten()
        .filter_map(|(a, _)| a.consortium_id)
        .collect();
    if !groupings.is_empty() {
        for m in consortium_members::Entity::find()
            .filter(consortium_members::Column::ConsortiumId.is_in(groupings))
            .filter(consortium_members::Column::Status.eq(MemberStatus::Accepted.as_str()))
            .order_by_asc(consortium_members::Column::Id)
            .all(db)
            .await?
        {
            partners_of
                .entry(m.consortium_id)
                .or_default()
                .push(m.organisation_id);
        }
    }
    let partner_ids: Vec<i32> = partners_of.values().flatten().copied().collect();
    let orgs = super::view::names(
        db,
        requests
            .iter()
            .map(|r| r.buyer_id)
            .chain(awards.values().flatten().map(|(a, _)| a.organisation_id))
            .chain(partner_ids),
    )
    .await?;
    let places =
        super::view::communes_of(db, requests.iter().map(|r| r.commune_insee.clone())).await?;
    let org = |id: i32| {
        orgs.get(&id)
            .map(|o| (o.siret.clone(), o.name.clone()))
            .unwrap_or_default()
    };
    let base = public_url.trim_end_matches('/');
    Ok(requests
        .into_iter()
        .map(|r| {
            let stage = stage_of(&r).at(r.deadline, now);
            let (buyer_siret, buyer_name) = org(r.buyer_id);
            let decided = matches!(stage, Stage::Awarded);
            QuoteFacts {
                id: r.id,
                buyer_siret,
                buyer_name,
                commune: places
                    .get(&r.commune_insee)
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| r.commune_insee.clone()),
                quality: Quality::parse(&r.quality).unwrap_or_default(),
                stage,
                created_at: r.created_at,
                deadline: r.deadline,
                from: r.delivery_from,
                to: r.delivery_to,
                decided_at: r.decided_at,
                lines: lines
                    .remove(&r.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|l| LineFacts {
                        id: l.id,
                        label: crate::server::infra::cpv::label_of(&l.cpv_code)
                            .unwrap_or(&l.cpv_code)
                            .to_string(),
                        cpv: l.cpv_code,
                        quantity_milli: l.quantity_milli,
                        unit: Unit::parse(&l.unit).unwrap_or(Unit::Kg),
                    })
                    .collect(),
                awards: if decided {
                    awards
                        .remove(&r.id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(a, w)| {
                            let (supplier_siret, supplier_name) = org(a.organisation_id);
                            AwardFacts {
                                line_id: a.line_id,
                                supplier_siret,
                                supplier_name,
                                partners: a
                                    .consortium_id
                                    .and_then(|c| partners_of.get(&c))
                                    .into_iter()
                                    .flatten()
                                    .filter(|o| **o != a.organisation_id)
                                    .map(|o| org(*o))
                                    .collect(),
                                quantity_milli: w.quantity_milli,
                                unit_price_cents: a.unit_price_cents.unwrap_or(0),
                                amount_cents: w.amount_cents,
                            }
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                url: format!("{base}/demandes-de-devis/{}", r.id),
                title: r.title,
                details: r.details,
            }
        })
        .collect())
}
