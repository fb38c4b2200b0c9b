//! `/api/v1/marches`: past contracts (the explorer's list and a contract's record).

use super::{check_query, page, path_id, site_url, ApiError, Page, Served};
use crate::domain::api::euros;
use crate::domain::contracts::{ContractFilters, Sort, PER_PAGE};
use crate::server::infra::http::Refusal;
use crate::server::{contracts, state::AppState};
use axum::{
    extract::{Path, RawQuery, State},
    response::Response,
};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

const PATH: &str = "/api/v1/marches";

/// The explorer's filters (`/marches`), by the names of its URL. Read by utoipa only: the
/// values are read by `ContractFilters::from_query`, as the site does.
#[allow(dead_code)]
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContractParams {
    /// Mots cherchés dans l'objet, l'acheteur et les titulaires.
    q: Option<String>,
    /// Année de notification (1990 à 2100).
    #[param(schema_with = super::schemas::year)]
    annee: Option<i32>,
    /// Division (2 chiffres) ou groupe (3 chiffres) de la nomenclature CPV.
    #[param(schema_with = super::schemas::cpv_2_3)]
    cpv: Option<String>,
    /// Procédure, code des filtres de l'explorateur (`adaptee`, `ao_ouvert`, `ao_restreint`, `negociation`, `sans_publicite`, `dialogue`…).
    #[param(schema_with = super::schemas::contract_procedure)]
    procedure: Option<String>,
    /// Nature, code des filtres de l'explorateur (`marche`, `accord_cadre`, `marche_subsequent`, `partenariat`, `dsp`…).
    #[param(schema_with = super::schemas::contract_nature)]
    nature: Option<String>,
    /// Montant minimal en euros HT.
    #[param(schema_with = super::schemas::euros)]
    min: Option<i64>,
    /// Montant maximal en euros HT.
    #[param(schema_with = super::schemas::euros)]
    max: Option<i64>,
    /// SIRET de l'acheteur (14 chiffres).
    #[param(schema_with = super::schemas::siret)]
    acheteur: Option<String>,
    /// Identifiant d'un titulaire (SIRET…).
    titulaire: Option<String>,
    /// Département du lieu d'exécution (`69`, `2A`…).
    #[param(schema_with = super::schemas::department)]
    dep: Option<String>,
    /// Code INSEE de la commune du lieu d'exécution.
    #[param(schema_with = super::schemas::commune)]
    commune: Option<String>,
    /// Au plus ce nombre d'offres reçues (1 : une seule offre).
    #[param(schema_with = super::schemas::offers_received)]
    offres_max: Option<i32>,
    /// `1` : avec une considération sociale.
    #[param(schema_with = super::schemas::flag)]
    social: Option<String>,
    /// `1` : avec une considération environnementale.
    #[param(schema_with = super::schemas::flag)]
    env: Option<String>,
    /// Ordre : `pertinence` (avec des mots), `recent` (par défaut sans mots), `ancien`,
    /// `montant-desc`, `montant-asc`.
    #[param(schema_with = super::schemas::contract_sort)]
    tri: Option<String>,
    /// Page, à partir de 1 (25 marchés par page).
    #[param(schema_with = super::schemas::page)]
    page: Option<u64>,
}

/// A party of a contract.
#[derive(Serialize, ToSchema)]
pub struct Party {
    /// SIRET, or the identifier the data published (with `id_type`).
    pub id: String,
    /// `SIRET`, `TVA`, `HORS-UE`…
    pub id_type: String,
    pub name: Option<String>,
}

/// A contract in a list.
#[derive(Serialize, ToSchema)]
pub struct ContractItem {
    pub id: i32,
    /// Its page on the site.
    pub url: String,
    pub object: Option<String>,
    pub buyer_siret: String,
    pub buyer_name: Option<String>,
    /// The current awardees' names (their identifier when the data gave no name).
    pub awardees: Vec<String>,
    /// Euros excluding VAT, after modifications.
    pub amount_eur: Option<f64>,
    /// `YYYY-MM-DD`.
    pub notified_on: Option<String>,
    pub year: Option<i32>,
    pub procedure: Option<String>,
    /// With its check digit (`45210000-2`).
    pub cpv: Option<String>,
    pub cpv_label: Option<String>,
    /// Place of execution.
    pub place: Option<String>,
}

/// A modification (avenant) of a contract.
#[derive(Serialize, ToSchema)]
pub struct ContractModification {
    pub position: i32,
    pub object: Option<String>,
    pub signed_on: Option<String>,
    pub duration_months: Option<i32>,
    pub amount_eur: Option<f64>,
}

/// A contract's record.
#[derive(Serialize, ToSchema)]
pub struct ContractRecord {
    pub id: i32,
    pub url: String,
    /// Its identifier in the DECP.
    pub uid: String,
    /// `marche` or `concession`.
    pub kind: String,
    pub object: Option<String>,
    pub buyer: Party,
    pub cpv: Option<String>,
    pub cpv_label: Option<String>,
    pub procedure: Option<String>,
    pub nature: Option<String>,
    pub place_name: Option<String>,
    pub place_commune: Option<String>,
    pub place_departement: Option<String>,
    /// As awarded.
    pub duration_months: Option<i32>,
    pub amount_eur: Option<f64>,
    /// After modifications.
    pub final_duration_months: Option<i32>,
    pub final_amount_eur: Option<f64>,
    pub notified_on: Option<String>,
    pub published_on: Option<String>,
    pub price_form: Option<String>,
    pub offers_received: Option<i32>,
    /// Social considerations stated (2022 format).
    pub social: Vec<String>,
    /// Environmental considerations stated (2022 format).
    pub environmental: Vec<String>,
    /// The current awardees.
    pub awardees: Vec<Party>,
    pub modifications: Vec<ContractModification>,
}

/// Marchés passés, comme l'explorateur les liste (`/marches`).
#[utoipa::path(
    get,
    path = "/api/v1/marches",
    operation_id = "marches_liste",
    tag = "marches",
    params(ContractParams),
    responses(
        (status = 200, description = "Une page de marchés", body = Page<ContractItem>,
            links(("fiche" = (operation_id = "marches_fiche", parameters(("id" = "$response.body#/data/0/id")), description = "La fiche d'un élément de la page (`data[i].id`)")))
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
    let filters = ContractFilters::from_query(&raw);
    let asked = check_query(PATH, &raw, &filters.to_query(1), |k, v| {
        k == "tri" && Sort::from_code(v).is_some()
    })?;
    let found = match contracts::search(&state.db, &state.search, &filters).await {
        Ok(f) => f,
        Err(e) => return Err(super::internal("contracts", e)),
    };
    let data = found
        .rows
        .into_iter()
        .map(|r| ContractItem {
            url: site_url(&state, &format!("/marches/{}", r.id)),
            id: r.id,
            object: r.object,
            buyer_siret: r.buyer_siret,
            buyer_name: r.buyer_name,
            awardees: r.awardees,
            amount_eur: r.amount_cents.map(euros),
            notified_on: r.notified_on,
            year: r.year,
            procedure: r.procedure,
            cpv: r.cpv,
            cpv_label: r.cpv_label,
            place: r.place,
        })
        .collect();
    let served = Served {
        page: found.page,
        pages: found.pages,
        total: found.total,
        per_page: PER_PAGE,
    };
    page(&state.public_url, PATH, &raw, asked, served, data)
}

/// Un marché, avec ses titulaires et ses modifications.
#[utoipa::path(
    get,
    path = "/api/v1/marches/{id}",
    operation_id = "marches_fiche",
    tag = "marches",
    params(("id" = i32, Path, minimum = 1, description = "Identifiant du marché sur Passerelle")),
    responses(
        (status = 200, description = "Le marché", body = ContractRecord),
        (status = 404, description = "Aucun marché de cet identifiant", body = ApiError),
        (status = 429, description = "Trop de requêtes", body = ApiError),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let id = path_id(&id)?;
    let d = match contracts::detail(&state.db, id).await {
        Ok(Some(d)) => d,
        Ok(None) => return Err(super::not_found()),
        Err(e) => return Err(super::internal("contract", e)),
    };
    Ok(super::json(&ContractRecord {
        url: site_url(&state, &format!("/marches/{}", d.id)),
        id: d.id,
        uid: d.uid,
        kind: d.kind,
        object: d.object,
        buyer: Party {
            id: d.buyer_siret,
            id_type: "SIRET".into(),
            name: d.buyer_name,
        },
        cpv: d.cpv,
        cpv_label: d.cpv_label,
        procedure: d.procedure,
        nature: d.nature,
        place_name: d.place_name,
        place_commune: d.place_commune,
        place_departement: d.place_departement,
        duration_months: d.duration_months,
        amount_eur: d.amount_cents.map(euros),
        final_duration_months: d.final_duration_months,
        final_amount_eur: d.final_amount_cents.map(euros),
        notified_on: d.notified_on,
        published_on: d.published_on,
        price_form: d.price_form,
        offers_received: d.offers_received,
        social: d.social,
        environmental: d.environmental,
        awardees: d
            .awardees
            .into_iter()
            .filter(|a| a.current)
            .map(|a| Party {
                id: a.id,
                id_type: a.id_type,
                name: a.name,
            })
            .collect(),
        modifications: d
            .modifications
            .into_iter()
            .map(|m| ContractModification {
                position: m.position,
                object: m.object,
                signed_on: m.signed_on,
                duration_months: m.duration_months,
                amount_eur: m.amount_cents.map(euros),
            })
            .collect(),
    }))
}
