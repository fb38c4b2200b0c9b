//! `/api/v1/programmation`: planned procurements (the programming's list and a procurement's
//! record), drafts never.

use super::{check_query, page, path_id, ApiError, Page, Served};
use crate::domain::programming::{PlanFilters, PlanSummary, PER_PAGE};
use crate::error::AppError;
use crate::server::infra::entities::plans;
use crate::server::infra::http::Refusal;
use crate::server::{auth::Caller, programming, state::AppState};
use axum::{
    extract::{Path, RawQuery, State},
    response::Response,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

const PATH: &str = "/api/v1/programmation";

/// The programming's filters (`/programmation`). Read by utoipa only: the values are read by
/// `PlanFilters::from_query`, as the site does.
#[allow(dead_code)]
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanParams {
    /// Identifiant de l'organisation acheteuse sur Passerelle.
    #[param(schema_with = super::schemas::id)]
    acheteur: Option<i32>,
    /// Division CPV (2 chiffres).
    #[param(schema_with = super::schemas::cpv_2_8)]
    cpv: Option<String>,
    /// Trimestre de publication prévu (`2027-T2`).
    #[param(schema_with = super::schemas::quarter)]
    trimestre: Option<String>,
    /// Tranche d'estimation : `lt40k`, `40k-221k`, `221k-5m`, `gt5m`.
    #[param(schema_with = super::schemas::plan_amount)]
    montant: Option<String>,
    /// Levier prévu : `allotment`, `short_chain`, `life_cycle`, `co2`, `insertion`,
    /// `reserved`, `labels`.
    #[param(schema_with = super::schemas::plan_lever)]
    levier: Option<String>,
    /// État : `planned`, `sourcing`, `published` (par défaut ces trois), `awarded`,
    /// `cancelled`.
    #[param(schema_with = super::schemas::plan_status)]
    etat: Option<String>,
    /// `ouvert` : seulement les groupements de commandes que d'autres acheteurs peuvent encore
    /// rejoindre.
    #[param(schema_with = super::schemas::open_joint)]
    groupement: Option<String>,
    /// Page, à partir de 1 (20 achats par page).
    #[param(schema_with = super::schemas::page)]
    page: Option<u64>,
}

/// A planned procurement in a list.
#[derive(Serialize, ToSchema)]
pub struct PlanItem {
    pub id: i32,
    pub url: String,
    pub title: String,
    pub buyer_id: i32,
    pub buyer_name: String,
    /// `planned`, `sourcing`, `published`, `awarded`, `cancelled`.
    pub status: String,
    /// First day of the expected publication's period (`YYYY-MM-DD`).
    pub publication_date: Option<String>,
    /// How precisely it is known: `quarter`, `month` or `day`.
    pub publication_precision: Option<String>,
    /// Euros excluding VAT.
    pub estimate_min_eur: Option<i64>,
    pub estimate_max_eur: Option<i64>,
    /// CPV codes (the first few).
    pub cpv: Vec<String>,
    /// The levers it plans (see the `levier` filter).
    pub levers: Vec<String>,
    pub lots: usize,
}

/// A lot of a planned procurement.
#[derive(Serialize, ToSchema)]
pub struct PlanLot {
    pub number: i32,
    pub title: String,
    pub cpv: Vec<String>,
    pub estimate_min_eur: Option<i64>,
    pub estimate_max_eur: Option<i64>,
    /// The lot's own insertion lever.
    pub insertion: Option<PlanInsertion>,
}

/// An insertion lever (docs/analytics.md, "Sizing an insertion clause").
#[derive(Serialize, ToSchema)]
pub struct PlanInsertion {
    /// `clause` (execution clause), `criterion` (award criterion, R2152-7) or `both`.
    pub kind: String,
    /// Hours of work reserved for people far from employment.
    pub hours: Option<i32>,
    /// `buyer` when the buyer set the hours; `proposed` when they are Passerelle's proposal
    /// (amount × labour share × rate ÷ hourly cost).
    pub hours_source: Option<String>,
    /// Percent of the award criteria, for a criterion.
    pub weight_pct: Option<i32>,
}

impl PlanInsertion {
    fn of(v: crate::domain::insertion::InsertionView) -> Self {
        PlanInsertion {
            kind: v.kind.as_str().into(),
            hours_source: v
                .hours
                .map(|_| if v.own { "buyer" } else { "proposed" }.to_string()),
            hours: v.hours,
            weight_pct: v.weight,
        }
    }
}

/// Insertion hours after award (docs/analytics.md, "Hours worked").
#[derive(Serialize, ToSchema)]
pub struct PlanInsertionHours {
    /// Hours the clauses plan: the procurement's and its lots'.
    pub planned: i64,
    /// Hours the territory's facilitator validated.
    pub validated: i64,
    /// Hours the awardee recorded, waiting for validation.
    pub pending: i64,
    /// Under half of the hours expected by now, pro rata of the contract's months.
    pub late: bool,
    /// Validated hours by type: `direct` (direct hire), `etti` (temporary work through an
    /// ETTI), `siae` (subcontracting to an SIAE), `training`.
    pub by_type: std::collections::BTreeMap<String, i64>,
}

/// A member of a groupement de commandes.
#[derive(Serialize, ToSchema)]
pub struct PlanCoBuyer {
    pub buyer_id: i32,
    pub buyer_name: String,
    /// Its parts: the lot's number (none: the whole procurement) and its estimate (€ HT).
    pub parts: Vec<PlanCoBuyerPart>,
    /// The communes it is delivered or carried out in.
    pub communes: Vec<String>,
    /// Its own contract (`/api/v1/marches/{id}`), once awarded and linked.
    pub contract_id: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanCoBuyerPart {
    pub lot: Option<i32>,
    pub estimate_eur: i64,
}

/// A groupement de commandes: the plan's buyer coordinates it, other buyers join it.
#[derive(Serialize, ToSchema)]
pub struct PlanJoint {
    pub coordinator_id: i32,
    /// The last day to join (`JJ/MM/AAAA`).
    pub deadline: Option<String>,
    /// Other buyers may still join.
    pub open: bool,
    /// The buyers taking part, the coordinator included.
    pub buyers: usize,
    /// The coordinator's estimate and the members' parts added (€ HT).
    pub total_estimate_eur: Option<i64>,
    pub members: Vec<PlanCoBuyer>,
}

/// A planned procurement's record.
#[derive(Serialize, ToSchema)]
pub struct PlanRecord {
    #[serde(flatten)]
    pub item: PlanItem,
    /// Plain text.
    pub description: String,
    /// `adapted`, `open`, `restricted`, `negotiated`, `dialogue`, `undecided`.
    pub procedure: String,
    pub duration_months: Option<i32>,
    /// The whole procurement's insertion hours (kept for earlier clients: `insertion.hours`).
    pub insertion_hours: Option<i32>,
    /// The whole procurement's insertion lever; its lots may have their own.
    pub insertion: Option<PlanInsertion>,
    /// `esat_ea` or `siae` when reserved.
    pub reserved: Option<String>,
    /// Official labels asked for (codes).
    pub labels: Vec<String>,
    pub lot_details: Vec<PlanLot>,
    /// The tender on the buyer's profile, once published.
    pub tender_url: Option<String>,
    /// The contract it became (`/api/v1/marches/{id}`), once imported.
    pub contract_id: Option<i32>,
    /// Opened to other buyers as a groupement de commandes.
    pub joint: Option<PlanJoint>,
    /// Once awarded with an insertion lever: the hours planned and worked.
    pub insertion_progress: Option<PlanInsertionHours>,
}

fn item(public_url: &str, s: PlanSummary, dates: &HashMap<i32, (String, String)>) -> PlanItem {
    let (date, precision) = dates.get(&s.id).cloned().unzip();
    PlanItem {
        url: format!(
            "{}/programmation/{}",
            public_url.trim_end_matches('/'),
            s.id
        ),
        id: s.id,
        title: s.title,
        buyer_id: s.buyer_id,
        buyer_name: s.buyer_name,
        status: s.status.as_str().to_string(),
        publication_date: date,
        publication_precision: precision,
        estimate_min_eur: s.estimate_min,
        estimate_max_eur: s.estimate_max,
        cpv: s.cpv.into_iter().map(|(code, _)| code).collect(),
        levers: s.levers,
        lots: s.lots,
    }
}

/// The expected publication (first day, precision) of these procurements.
async fn publication_dates(
    state: &AppState,
    ids: Vec<i32>,
) -> Result<HashMap<i32, (String, String)>, sea_orm::DbErr> {
    Ok(plans::Entity::find()
        .filter(plans::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.id,
                (p.publication_date.to_string(), p.publication_precision),
            )
        })
        .collect())
}

/// Achats prévus, par date de publication attendue, comme la programmation les liste
/// (`/programmation`).
#[utoipa::path(
    get,
    path = "/api/v1/programmation",
    operation_id = "programmation_liste",
    tag = "programmation",
    params(PlanParams),
    responses(
        (status = 200, description = "Une page d'achats prévus", body = Page<PlanItem>,
            links(("fiche" = (operation_id = "programmation_fiche", parameters(("id" = "$response.body#/data/0/id")), description = "La fiche d'un élément de la page (`data[i].id`)")))
        ),
        (status = 400, description = "Paramètre inconnu ou valeur invalide", body = ApiError),
        (status = 404, description = "Page au-delà de la dernière", body = ApiError),
        (status = 429, description = "Trop de requêtes", body = ApiError),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Refusal> {
    let raw = raw.unwrap_or_default();
    let filters = PlanFilters::from_query(&raw);
    let asked = check_query(PATH, &raw, &filters.to_query(1), |_, _| false)?;
    let found = match programming::list_remembered(&state.db, &state.answers, &filters).await {
        Ok(f) => f,
        Err(e) => return Err(super::internal("programming", e)),
    };
    let dates = match publication_dates(&state, found.rows.iter().map(|r| r.id).collect()).await {
        Ok(d) => d,
        Err(e) => return Err(super::internal("programming", e)),
    };
    let data = found
        .rows
        .into_iter()
        .map(|s| item(&state.public_url, s, &dates))
        .collect();
    let served = Served {
        page: found.page,
        pages: found.pages,
        total: found.total,
        per_page: PER_PAGE,
    };
    page(&state.public_url, PATH, &raw, asked, served, data)
}

/// Un achat prévu, avec ses lots.
#[utoipa::path(
    get,
    path = "/api/v1/programmation/{id}",
    operation_id = "programmation_fiche",
    tag = "programmation",
    params(("id" = i32, Path, minimum = 1, description = "Identifiant de l'achat prévu")),
    responses(
        (status = 200, description = "L'achat prévu", body = PlanRecord),
        (status = 404, description = "Aucun achat publié de cet identifiant", body = ApiError),
        (status = 429, description = "Trop de requêtes", body = ApiError),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let id = path_id(&id)?;
    // As anyone sees it: a draft is not found.
    let v = match programming::view(&state.db, &Caller::anonymous(), id).await {
        Ok(v) => v,
        Err(AppError::NotFound) => return Err(super::not_found()),
        Err(e) => return Err(super::internal("plan", e)),
    };
    let dates = match publication_dates(&state, vec![id]).await {
        Ok(d) => d,
        Err(e) => return Err(super::internal("plan", e)),
    };
    let joint =
        match crate::server::programming::joint::view(&state.db, &Caller::anonymous(), id).await {
            Ok(j) => j.open.then(|| PlanJoint {
                coordinator_id: j.coordinator_id,
                deadline: j.deadline,
                open: j.joinable,
                buyers: j.totals.buyers,
                total_estimate_eur: j.totals.amount,
                members: j
                    .members
                    .into_iter()
                    .map(|m| PlanCoBuyer {
                        buyer_id: m.buyer_id,
                        buyer_name: m.buyer_name,
                        parts: m
                            .parts
                            .into_iter()
                            .map(|(lot, amount, _)| PlanCoBuyerPart {
                                lot,
                                estimate_eur: amount,
                            })
                            .collect(),
                        communes: m.communes,
                        contract_id: m.contract.map(|(id, _)| id),
                    })
                    .collect(),
            }),
            Err(e) => return Err(super::internal("plan", e)),
        };
    let progress = match crate::server::programming::hours::view(
        &state.db,
        &Caller::anonymous(),
        id,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(h) => h.map(|h| PlanInsertionHours {
            planned: h.planned,
            validated: h.done,
            pending: h.pending,
            late: h.late,
            by_type: h
                .by_kind
                .into_iter()
                .map(|(k, n)| (k.as_str().to_string(), n))
                .collect(),
        }),
        Err(e) => return Err(super::internal("plan", e)),
    };
    Ok(super::json(&PlanRecord {
        insertion_progress: progress,
        item: item(&state.public_url, v.summary, &dates),
        description: v.description,
        procedure: v.procedure.as_str().to_string(),
        duration_months: v.duration_months,
        insertion_hours: v.insertion.as_ref().and_then(|i| i.hours),
        insertion: v.insertion.map(PlanInsertion::of),
        reserved: v.reserved.map(|r| r.as_str().to_string()),
        labels: v.labels.into_iter().map(|(code, _)| code).collect(),
        lot_details: v
            .lots
            .into_iter()
            .map(|l| PlanLot {
                number: l.number,
                title: l.title,
                cpv: l.cpv,
                estimate_min_eur: l.estimate_min,
                estimate_max_eur: l.estimate_max,
                insertion: l.insertion.map(PlanInsertion::of),
            })
            .collect(),
        tender_url: v.tender_url,
        contract_id: v.contract_id,
        joint,
    }))
}
