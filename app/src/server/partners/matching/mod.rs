//! Reads what the matchmaking engine needs from the database — the requirements of a request or
//! of a planned procurement, and the capabilities of the firms that could meet them — and names
//! what it proposes. The engine itself is `domain::matchmaking` (pure).
//!
//! Candidates are the public businesses with a published offer, or a won contract, under one of
//! the needed CPV classes, or an offer holding a needed label; firms known only by their main
//! activity (NAF) are added for the needs that have few such candidates.

mod proposals;
pub use proposals::*;

use super::{cpv_names, needs_of_one, own_request};
use crate::domain::matchmaking::{self, Cover, Firm, Need, Procurement, Requirement};
use crate::domain::offer::OfferStatus;
use crate::domain::org::OrgKind;
use crate::domain::partners::{
    ConsortiumLine, CoverLine, MemberLine, NeedLine, PartnerLine, ProposalsView,
};
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::entities::{
    communes, contract_awardees, contracts, offer_cpv, offer_labels, offers, organisations,
    plan_cpv, plan_labels, plan_lots, plans,
};
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Candidate firms read at most for one proposal (a broad need such as a whole CPV division
/// could otherwise read the entire directory); the first by id are kept.
pub const MAX_CANDIDATES: usize = 3000;
/// Firms known by their activity only, at most, for a need.
const ACTIVITY_ONLY: u64 = 200;
const TOP: usize = 10;

/// The prefix of a needed code that candidates must share: its class at most (finer codes of
/// the same class still cover it in part).
fn prefix(code: &str) -> String {
    let significant = code.trim_end_matches('0').len().max(2);
    code[..significant.min(4)].to_string()
}

fn starts_with_any(col: impl sea_orm::ColumnTrait, prefixes: &[String]) -> Condition {
    prefixes
        .iter()
        .fold(Condition::any(), |c, p| c.add(col.starts_with(p.as_str())))
}

/// The organisations (public businesses) that may cover a need, by id.
async fn candidate_ids(
    db: &impl ConnectionTrait,
    reqs: &[Requirement],
) -> Result<BTreeSet<i32>, AppError> {
    let prefixes: Vec<String> = reqs
        .iter()
        .filter_map(|r| match &r.need {
            Need::Cpv(c) => Some(prefix(c)),
            Need::Label(_) => None,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let labels: Vec<String> = reqs
        .iter()
        .filter_map(|r| match &r.need {
            Need::Label(l) => Some(l.clone()),
            Need::Cpv(_) => None,
        })
        .collect();
    let mut ids = BTreeSet::new();
    if !prefixes.is_empty() {
        let sub = Query::select()
            .column(offer_cpv::Column::OfferId)
            .from(offer_cpv::Entity)
            .cond_where(starts_with_any(offer_cpv::Column::CpvCode, &prefixes))
            .to_owned();
        let found: Vec<i32> = offers::Entity::find()
            .select_only()
            .column(offers::Column::OrganisationId)
            .distinct()
            .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
            .filter(offers::Column::Id.in_subquery(sub))
            .into_tuple()
            .all(db)
            .await?;
        ids.extend(found);
        // Past contracts won under the codes: their awardees' SIRET.
        let sub = Query::select()
            .column(contracts::Column::Id)
            .from(contracts::Entity)
            .cond_where(starts_with_any(contracts::Column::Cpv, &prefixes))
            .to_owned();
        let sirets: Vec<String> = contract_awardees::Entity::find()
            .select_only()
            .column(contract_awardees::Column::AwardeeId)
            .distinct()
            .filter(contract_awardees::Column::IdType.eq("SIRET"))
            .filter(contract_awardees::Column::ContractId.in_subquery(sub))
            .into_tuple()
            .all(db)
            .await?;
        for chunk in sirets.chunks(500) {
            let found: Vec<i32> = organisations::Entity::find()
                .select_only()
                .column(organisations::Column::Id)
                .filter(organisations::Column::Siret.is_in(chunk.to_vec()))
                .into_tuple()
                .all(db)
                .await?;
            ids.extend(found);
        }
    }
    if !labels.is_empty() {
        let sub = Query::select()
            .column(offer_labels::Column::OfferId)
            .from(offer_labels::Entity)
            .cond_where(Condition::all().add(offer_labels::Column::Label.is_in(labels)))
            .to_owned();
        let found: Vec<i32> = offers::Entity::find()
            .select_only()
            .column(offers::Column::OrganisationId)
            .distinct()
            .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
            .filter(offers::Column::Id.in_subquery(sub))
            .into_tuple()
            .all(db)
            .await?;
        ids.extend(found);
    }
    Ok(ids)
}

/// Firms whose main activity suggests a needed CPV division, when there are few others.
async fn activity_ids(
    db: &impl ConnectionTrait,
    reqs: &[Requirement],
) -> Result<Vec<i32>, AppError> {
    let divisions: BTreeSet<String> = reqs
        .iter()
        .filter_map(|r| match &r.need {
            Need::Cpv(c) => c.get(..2).map(String::from),
            Need::Label(_) => None,
        })
        .collect();
    let nafs: Vec<String> = matchmaking::naf_divisions_for(&divisions);
    if nafs.is_empty() {
        return Ok(Vec::new());
    }
    organisations::Entity::find()
        .select_only()
        .column(organisations::Column::Id)
        .filter(organisations::Column::Kind.eq(OrgKind::Business.as_str()))
        .filter(organisations::Column::IsPublic.eq(true))
        .filter(starts_with_any(organisations::Column::NafCode, &nafs))
        .limit(ACTIVITY_ONLY)
        .into_tuple()
        .all(db)
        .await
        .map_err(AppError::from)
}

/// The capabilities of `ids` (public businesses only, and `also` whatever its visibility: the
/// caller's own firm), and how to name them.
async fn firms(
    db: &impl ConnectionTrait,
    ids: &[i32],
    also: Option<i32>,
) -> Result<(Vec<Firm>, HashMap<i32, MemberLine>), AppError> {
    let mut out = Vec::new();
    let mut lines = HashMap::new();
    let visible = Condition::any()
        .add(organisations::Column::IsPublic.eq(true))
        .add(organisations::Column::Id.eq(also.unwrap_or(0)));
    for chunk in ids.chunks(500) {
        let orgs = organisations::Entity::find()
            .filter(organisations::Column::Id.is_in(chunk.to_vec()))
            .filter(organisations::Column::Kind.eq(OrgKind::Business.as_str()))
            .filter(visible.clone())
            .all(db)
            .await?;
        let org_ids: Vec<i32> = orgs.iter().map(|o| o.id).collect();
        let offer_rows = offers::Entity::find()
            .filter(offers::Column::OrganisationId.is_in(org_ids.clone()))
            .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
            .all(db)
            .await?;
        let offer_ids: Vec<i32> = offer_rows.iter().map(|o| o.id).collect();
        let owner: HashMap<i32, i32> = offer_rows
            .iter()
            .map(|o| (o.id, o.organisation_id))
            .collect();
        let mut cpv: HashMap<i32, Vec<String>> = HashMap::new();
        let mut labels: HashMap<i32, Vec<String>> = HashMap::new();
        for ids in offer_ids.chunks(500) {
            for c in offer_cpv::Entity::find()
                .filter(offer_cpv::Column::OfferId.is_in(ids.to_vec()))
                .all(db)
                .await?
            {
                if let Some(o) = owner.get(&c.offer_id) {
                    cpv.entry(*o).or_default().push(c.cpv_code);
                }
            }
            for l in offer_labels::Entity::find()
                .filter(offer_labels::Column::OfferId.is_in(ids.to_vec()))
                .all(db)
                .await?
            {
                if let Some(o) = owner.get(&l.offer_id) {
                    labels.entry(*o).or_default().push(l.label);
                }
            }
        }
        let mut reach: HashMap<i32, f64> = HashMap::new();
        for o in &offer_rows {
            if let Some(km) = o.delivery_radius_km {
                let e = reach.entry(o.organisation_id).or_insert(0.0);
                *e = e.max(f64::from(km));
            }
        }
        // Contracts won, by SIRET and CPV code.
        let by_siret: HashMap<String, i32> = orgs.iter().map(|o| (o.siret.clone(), o.id)).collect();
        let awards: Vec<(String, i32)> = contract_awardees::Entity::find()
            .select_only()
            .column(contract_awardees::Column::AwardeeId)
            .column(contract_awardees::Column::ContractId)
            .filter(contract_awardees::Column::IdType.eq("SIRET"))
            .filter(contract_awardees::Column::AwardeeId.is_in(by_siret.keys().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        let contract_cpv: HashMap<i32, String> = contracts::Entity::find()
            .select_only()
            .column(contracts::Column::Id)
            .column(contracts::Column::Cpv)
            .filter(contracts::Column::Id.is_in(awards.iter().map(|a| a.1)))
            .into_tuple::<(i32, Option<String>)>()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(id, c)| c.map(|c| (id, c)))
            .collect();
        let mut won: HashMap<i32, BTreeMap<String, u32>> = HashMap::new();
        for (siret, contract) in awards {
            if let (Some(org), Some(code)) = (by_siret.get(&siret), contract_cpv.get(&contract)) {
                *won.entry(*org)
                    .or_default()
                    .entry(code.clone())
                    .or_insert(0) += 1;
            }
        }
        let places: HashMap<String, communes::Model> = communes::Entity::find()
            .filter(
                communes::Column::Insee.is_in(orgs.iter().filter_map(|o| o.commune_insee.clone())),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.insee.clone(), c))
            .collect();
        for o in orgs {
            let place = o.commune_insee.as_ref().and_then(|c| places.get(c));
            let sme = matches!(o.size.as_deref(), Some("micro" | "small" | "medium"));
            let inclusive = o.inclusive.is_some();
            lines.insert(
                o.id,
                MemberLine {
                    id: o.id,
                    name: o.name.clone(),
                    commune: place.map(|c| c.name.clone()),
                    sme,
                    inclusive,
                },
            );
            out.push(Firm {
                id: o.id,
                offer_cpv: cpv.remove(&o.id).unwrap_or_default(),
                won_cpv: won
                    .remove(&o.id)
                    .map(|m| m.into_iter().collect())
                    .unwrap_or_default(),
                naf: o.naf_code.clone(),
                labels: labels.remove(&o.id).unwrap_or_default(),
                location: place.and_then(|c| Some((c.lat?, c.lon?))),
                reach_km: reach.get(&o.id).copied(),
                sme,
                inclusive,
                capacity: o.capacity_eur,
            });
        }
    }
    Ok((out, lines))
}

/// The candidate firms for `proc`, but those of `exclude`.
async fn candidates(
    db: &impl ConnectionTrait,
    proc: &Procurement,
    exclude: &[i32],
    keep: Option<i32>,
) -> Result<(Vec<Firm>, HashMap<i32, MemberLine>), AppError> {
    let mut ids = candidate_ids(db, &proc.requirements).await?;
    ids.extend(activity_ids(db, &proc.requirements).await?);
    ids.retain(|i| !exclude.contains(i));
    let mut ids: Vec<i32> = ids.into_iter().take(MAX_CANDIDATES).collect();
    if let Some(k) = keep {
        if !ids.contains(&k) {
            ids.push(k);
        }
    }
    firms(db, &ids, keep).await
}

async fn place_of(
    db: &impl ConnectionTrait,
    commune: Option<&str>,
) -> Result<(Option<(f64, f64)>, Option<String>), AppError> {
    let Some(code) = commune else {
        return Ok((None, None));
    };
    Ok(match super::commune(db, code).await? {
        Some(c) => (c.lat.zip(c.lon), Some(c.name)),
        None => (None, None),
    })
}

fn need_lines(proc: &Procurement, names: &HashMap<String, String>) -> Vec<NeedLine> {
    proc.requirements
        .iter()
        .map(|r| match &r.need {
            Need::Cpv(c) => NeedLine {
                lot: r.lot,
                cpv: Some(c.clone()),
                label: None,
                name: names.get(c).cloned().unwrap_or_default(),
            },
            Need::Label(l) => NeedLine {
                lot: r.lot,
                cpv: None,
                label: Some(l.clone()),
                name: crate::domain::offer::label_name(l).unwrap_or(l).to_string(),
            },
        })
        .collect()
}

fn cover_line(
    requirement: usize,
    firm: i32,
    c: &Cover,
    lines: &HashMap<i32, MemberLine>,
) -> CoverLine {
    CoverLine {
        need: requirement,
        firm_id: firm,
        firm_name: lines.get(&firm).map(|m| m.name.clone()).unwrap_or_default(),
        basis: c.basis.clone(),
        won: c.won,
        km: c.km.map(|k| k.round() as u32),
        capacity_short: c.capacity_short,
    }
}

/// Names the engine's output.
fn view_of(
    proc: &Procurement,
    names: &HashMap<String, String>,
    lines: &HashMap<i32, MemberLine>,
    proposals: matchmaking::Proposals,
    partners: Vec<matchmaking::Partner>,
    place: Option<String>,
    firm: Option<MemberLine>,
) -> ProposalsView {
    ProposalsView {
        needs: need_lines(proc, names),
        consortia: proposals
            .consortia
            .iter()
            .map(|c| ConsortiumLine {
                members: c
                    .members
                    .iter()
                    .filter_map(|m| lines.get(m).cloned())
                    .collect(),
                score_pct: (c.score.clamp(0.0, 1.0) * 100.0).round() as u32,
                covers: c
                    .assignments
                    .iter()
                    .map(|a| cover_line(a.requirement, a.firm, &a.cover, lines))
                    .collect(),
                missing: c.missing.clone(),
                farthest_km: c.farthest_km.map(|k| k.round() as u32),
            })
            .collect(),
        partners: partners
            .iter()
            .filter_map(|p| {
                Some(PartnerLine {
                    member: lines.get(&p.firm)?.clone(),
                    completes: p
                        .completes
                        .iter()
                        .map(|a| cover_line(a.requirement, a.firm, &a.cover, lines))
                        .collect(),
                    improves: p
                        .improves
                        .iter()
                        .map(|a| cover_line(a.requirement, a.firm, &a.cover, lines))
                        .collect(),
                })
            })
            .collect(),
        uncovered: proposals.uncovered,
        place,
        firm,
    }
}
