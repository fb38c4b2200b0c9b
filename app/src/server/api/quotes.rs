//! `/api/v1/demandes-de-devis`: quick consultations of catering buyers (their products, place,
//! dates and, once decided, the parts awarded with their amounts) — never an answer.

use super::{check_query, page, path_id, ApiError, Page, Served};
use crate::domain::ocds_quotes::QuoteFacts;
use crate::domain::quote_views::PAGE_SIZE;
use crate::server::infra::http::Refusal;
use crate::server::quotes::exports::{self, Selection};
use crate::server::state::AppState;
use axum::{
    extract::{Path, RawQuery, State},
    response::Response,
};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

const PATH: &str = "/api/v1/demandes-de-devis";

/// The list's filters (`/demandes-de-devis`). Read by utoipa only.
#[allow(dead_code)]
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuoteParams {
    /// `1` : seulement les demandes qui attendent encore des réponses.
    #[param(schema_with = super::schemas::flag)]
    ouvertes: Option<String>,
    /// Page, à partir de 1 (20 demandes par page).
    #[param(schema_with = super::schemas::page)]
    page: Option<u64>,
}

/// A product asked for.
#[derive(Serialize, ToSchema)]
pub struct QuoteProduct {
    /// CPV code (8 digits) and its label.
    pub cpv: String,
    pub label: String,
    pub quantity: f64,
    /// `kg`, `piece`, `litre` or `portion`.
    pub unit: String,
}

/// A part awarded.
#[derive(Serialize, ToSchema)]
pub struct QuoteAward {
    /// The product's CPV code.
    pub cpv: String,
    pub supplier_siret: String,
    pub supplier_name: String,
    pub quantity: f64,
    /// Euros excluding VAT.
    pub unit_price_eur: f64,
    pub amount_eur: f64,
}

/// A quick consultation.
#[derive(Serialize, ToSchema)]
pub struct QuoteItem {
    pub id: i32,
    pub url: String,
    pub title: String,
    pub buyer_siret: String,
    pub buyer_name: String,
    /// The delivery commune's name.
    pub commune: String,
    /// `open`, `closed` (answers no longer taken), `awarded`, `unsuccessful`.
    pub status: String,
    /// `any`, `prefer_organic`, `organic`, `egalim`.
    pub quality: String,
    /// RFC 3339.
    pub deadline: String,
    /// `YYYY-MM-DD`.
    pub delivery_from: String,
    pub delivery_to: String,
    pub products: Vec<QuoteProduct>,
    /// Once decided.
    pub awards: Vec<QuoteAward>,
}

fn item(q: QuoteFacts) -> QuoteItem {
    let cpv_of = |line: i32| {
        q.lines
            .iter()
            .find(|l| l.id == line)
            .map(|l| l.cpv.clone())
            .unwrap_or_default()
    };
    QuoteItem {
        awards: q
            .awards
            .iter()
            .map(|a| QuoteAward {
                cpv: cpv_of(a.line_id),
                supplier_siret: a.supplier_siret.clone(),
                supplier_name: a.supplier_name.clone(),
                quantity: a.quantity_milli as f64 / 1000.0,
                unit_price_eur: a.unit_price_cents as f64 / 100.0,
                amount_eur: a.amount_cents as f64 / 100.0,
            })
            .collect(),
        products: q
            .lines
            .iter()
            .map(|l| QuoteProduct {
                cpv: l.cpv.clone(),
                label: l.label.clone(),
                quantity: l.quantity_milli as f64 / 1000.0,
                unit: l.unit.as_str().to_string(),
            })
            .collect(),
        id: q.id,
        url: q.url,
        title: q.title,
        buyer_siret: q.buyer_siret,
        buyer_name: q.buyer_name,
        commune: q.commune,
        status: q.stage.as_str().to_string(),
        quality: q.quality.as_str().to_string(),
        deadline: q
            .deadline
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        delivery_from: q.from.to_string(),
        delivery_to: q.to.to_string(),
    }
}

/// Demandes de devis, les plus récentes d'abord (`/demandes-de-devis`).
#[utoipa::path(
    get,
    path = "/api/v1/demandes-de-devis",
    operation_id = "demandes_de_devis_liste",
    tag = "demandes-de-devis",
    params(QuoteParams),
    responses(
        (status = 200, description = "Une page de demandes de devis", body = Page<QuoteItem>,
            links(("fiche" = (operation_id = "demandes_de_devis_fiche", parameters(("id" = "$response.body#/data/0/id")), description = "La fiche d'un élément de la page (`data[i].id`)")))
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
    let open_only = crate::domain::quote_views::open_only_in(&raw);
    let kept = if open_only {
        crate::domain::quote_views::OPEN_ONLY
    } else {
        ""
    };
    let asked = check_query(PATH, &raw, kept, |_, _| false)?;
    let mut selection = Selection {
        open_only,
        ..Default::default()
    };
    let total = match exports::count(&state.db, selection).await {
        Ok(n) => n,
        Err(e) => return Err(super::internal("quotes", e)),
    };
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let served_page = asked.min(pages);
    selection.window = Some(((served_page - 1) * PAGE_SIZE, PAGE_SIZE));
    let data = match exports::facts(&state.db, &state.public_url, selection).await {
        Ok(f) => f.into_iter().map(item).collect(),
        Err(e) => return Err(super::internal("quotes", e)),
    };
    let served = Served {
        page: served_page,
        pages,
        total,
        per_page: PAGE_SIZE,
    };
    page(&state.public_url, PATH, &raw, asked, served, data)
}

/// Une demande de devis, ses produits et, une fois décidée, ses attributions.
#[utoipa::path(
    get,
    path = "/api/v1/demandes-de-devis/{id}",
    operation_id = "demandes_de_devis_fiche",
    tag = "demandes-de-devis",
    params(("id" = i32, Path, minimum = 1, description = "Identifiant de la demande")),
    responses(
        (status = 200, description = "La demande", body = QuoteItem),
        (status = 404, description = "Aucune demande de cet identifiant", body = ApiError),
        (status = 429, description = "Trop de requêtes", body = ApiError),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let id = path_id(&id)?;
    let selection = Selection {
        only: Some(id),
        ..Default::default()
    };
    match exports::facts(&state.db, &state.public_url, selection).await {
        Ok(mut f) if !f.is_empty() => Ok(super::json(&item(f.remove(0)))),
        Ok(_) => Err(super::not_found()),
        Err(e) => Err(super::internal("quote", e)),
    }
}
