//! `/api/v1/annuaire`: the organisations that chose to be in the directory (the directory's
//! list and a public profile), with the fields their public profile shows.

use super::{check_query, page, path_id, site_url, ApiError, Page, Served};
use crate::domain::directory::{DirectoryFilters, DirectorySort, PER_PAGE};
use crate::server::infra::http::Refusal;
use crate::server::{directory, orgs, state::AppState};
use axum::{
    extract::{Path, RawQuery, State},
    response::Response,
};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

const PATH: &str = "/api/v1/annuaire";

/// The directory's filters (`/annuaire`). Read by utoipa only: the values are read by
/// `DirectoryFilters::from_query`, as the site does.
#[allow(dead_code)]
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgParams {
    /// Mots cherchés dans le nom, la présentation, l'activité, la commune.
    q: Option<String>,
    /// Type : `business`, `buyer`, `chamber`, `other`.
    #[param(rename = "type", schema_with = super::schemas::org_kind)]
    kind: Option<String>,
    /// Division NAF (2 chiffres).
    #[param(schema_with = super::schemas::naf_division)]
    naf: Option<String>,
    /// Division CPV (2 chiffres) d'une de ses offres publiées.
    #[param(schema_with = super::schemas::cpv_2)]
    cpv: Option<String>,
    /// Label officiel d'une de ses offres (`ab`, `label_rouge`, `hve`, `rge`, `qualibat`…).
    #[param(schema_with = super::schemas::official_label)]
    label: Option<String>,
    /// Identifiant d'un label territorial qu'elle détient.
    #[param(schema_with = super::schemas::id)]
    label_territorial: Option<i32>,
    /// `1` : avec des offres publiées.
    #[param(schema_with = super::schemas::flag)]
    avec_offres: Option<String>,
    /// Taille : `micro`, `small`, `medium`, `large`.
    #[param(schema_with = super::schemas::org_size)]
    taille: Option<String>,
    /// Structure inclusive : `aci`, `ai`, `ei`, `etti`, `eiti` (les SIAE), `geiq`, `esat`, `ea`,
    /// `siae` (SIAE de type non précisé) ; `iae` pour toutes les SIAE, `any` pour toutes.
    #[param(schema_with = super::schemas::inclusive)]
    inclusif: Option<String>,
    /// Département (`69`, `01`…), `69M` (Métropole de Lyon) ou `69D` (Rhône hors Métropole).
    #[param(schema_with = super::schemas::area)]
    dep: Option<String>,
    /// Code INSEE de sa commune.
    #[param(schema_with = super::schemas::commune)]
    commune: Option<String>,
    /// À moins de `km` de cette commune (code INSEE), 10 km quand `km` manque.
    #[param(schema_with = super::schemas::commune)]
    pres_de: Option<String>,
    /// Rayon en km autour de `pres_de` : 2, 5, 10, 15, 20 ou 30.
    #[param(schema_with = super::schemas::radius)]
    km: Option<u32>,
    /// Ordre : `pertinence` (avec des mots), `nom` (par défaut sans mots), `recent`.
    #[param(schema_with = super::schemas::directory_sort)]
    tri: Option<String>,
    /// Page, à partir de 1 (20 organisations par page).
    #[param(schema_with = super::schemas::page)]
    page: Option<u64>,
}

/// A territorial label in force.
#[derive(Serialize, ToSchema)]
pub struct TerritorialLabel {
    /// The referential (`/labels/{id}` on the site).
    pub scheme_id: i32,
    pub name: String,
    /// `JJ/MM/AAAA`.
    pub until: String,
}

impl From<crate::domain::label::LabelBadge> for TerritorialLabel {
    fn from(b: crate::domain::label::LabelBadge) -> Self {
        TerritorialLabel {
            scheme_id: b.scheme_id,
            name: b.name,
            until: b.until,
        }
    }
}

/// An organisation in a list.
#[derive(Serialize, ToSchema)]
pub struct OrgItem {
    pub id: i32,
    pub url: String,
    pub name: String,
    /// `business`, `buyer`, `chamber`, `other`.
    pub kind: String,
    /// A buyer or chamber verified by the platform's administrators.
    pub verified: bool,
    pub naf_code: Option<String>,
    pub naf_label: Option<String>,
    pub commune: Option<String>,
    pub department: Option<String>,
    /// `micro`, `small`, `medium`, `large`.
    pub size: Option<String>,
    /// `aci`, `ai`, `ei`, `etti`, `eiti`, `geiq`, `esat`, `ea`, ou `siae` (SIAE de type non
    /// précisé).
    pub inclusive: Option<String>,
    /// The presentation's first words.
    pub excerpt: Option<String>,
    pub territorial_labels: Vec<TerritorialLabel>,
}

/// A published offer of an organisation, by its title.
#[derive(Serialize, ToSchema)]
pub struct OfferRef {
    pub id: i32,
    pub title: String,
    /// `/api/v1/catalogue/{id}`.
    pub api_url: String,
}

/// An organisation's public profile.
#[derive(Serialize, ToSchema)]
pub struct OrgRecord {
    pub id: i32,
    pub url: String,
    pub name: String,
    pub siret: String,
    pub kind: String,
    pub verified: bool,
    pub naf_code: Option<String>,
    pub naf_label: Option<String>,
    /// INSEE code of its commune.
    pub commune_insee: Option<String>,
    pub commune: Option<String>,
    pub department: Option<String>,
    pub size: Option<String>,
    pub inclusive: Option<String>,
    /// The largest contract it says it can take on, euros excluding VAT.
    pub capacity_eur: Option<i64>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub territorial_labels: Vec<TerritorialLabel>,
    pub offers: Vec<OfferRef>,
}

/// Organisations de l'annuaire (`/annuaire`).
#[utoipa::path(
    get,
    path = "/api/v1/annuaire",
    operation_id = "annuaire_liste",
    tag = "annuaire",
    params(OrgParams),
    responses(
        (status = 200, description = "Une page d'organisations", body = Page<OrgItem>,
            links(("fiche" = (operation_id = "annuaire_fiche", parameters(("id" = "$response.body#/data/0/id")), description = "La fiche d'un élément de la page (`data[i].id`)")))
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
    let filters = DirectoryFilters::from_query(&raw);
    let asked = check_query(PATH, &raw, &filters.to_query(1), |k, v| {
        // A radius without its commune filters nothing, but is a radius.
        (k == "tri" && DirectorySort::from_code(v).is_some())
            || (k == "km" && crate::domain::geo::is_radius(v))
    })?;
    let found = match directory::search(&state.db, &state.search, &filters).await {
        Ok(f) => f,
        Err(e) => return Err(super::internal("directory", e)),
    };
    let data = found
        .rows
        .into_iter()
        .map(|r| {
            let (naf_code, naf_label) = r.naf.unzip();
            let (commune, department) = r.commune.unzip();
            OrgItem {
                url: site_url(&state, &format!("/annuaire/{}", r.id)),
                id: r.id,
                name: r.name,
                kind: r.kind.as_str().to_string(),
                verified: r.verified,
                naf_code,
                naf_label,
                commune,
                department,
                size: r.size,
                inclusive: r.inclusive,
                excerpt: r.excerpt,
                territorial_labels: r.tlabels.into_iter().map(Into::into).collect(),
            }
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

/// Le profil public d'une organisation.
#[utoipa::path(
    get,
    path = "/api/v1/annuaire/{id}",
    operation_id = "annuaire_fiche",
    tag = "annuaire",
    params(("id" = i32, Path, minimum = 1, description = "Identifiant de l'organisation")),
    responses(
        (status = 200, description = "Le profil public", body = OrgRecord),
        (status = 404, description = "Aucune organisation de l'annuaire de cet identifiant", body = ApiError),
        (status = 429, description = "Trop de requêtes", body = ApiError),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let id = path_id(&id)?;
    let p = match orgs::public_profile(&state.db, id).await {
        Ok(Some(p)) => p,
        Ok(None) => return Err(super::not_found()),
        Err(e) => return Err(super::internal("profile", e)),
    };
    let (naf_code, naf_label) = p.naf.unzip();
    let (commune_insee, commune, department) = match p.commune {
        Some((insee, name, dep)) => (Some(insee), Some(name), Some(dep)),
        None => (None, None, None),
    };
    Ok(super::json(&OrgRecord {
        url: site_url(&state, &format!("/annuaire/{}", p.id)),
        id: p.id,
        name: p.name,
        siret: p.siret,
        kind: p.kind.as_str().to_string(),
        verified: p.verified,
        naf_code,
        naf_label,
        commune_insee,
        commune,
        department,
        size: p.size,
        inclusive: p.inclusive,
        capacity_eur: p.capacity_eur,
        website: p.website,
        description: p.description,
        territorial_labels: p.tlabels.into_iter().map(Into::into).collect(),
        offers: p
            .offers
            .into_iter()
            .map(|(id, title, _)| OfferRef {
                api_url: site_url(&state, &format!("{}/catalogue/{id}", super::PREFIX)),
                id,
                title,
            })
            .collect(),
    }))
}
