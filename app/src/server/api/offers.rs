//! `/api/v1/catalogue`: the published offers of the directory's businesses (the catalogue's
//! list and an offer's page).

use super::{check_query, orgs::TerritorialLabel, page, path_id, site_url, ApiError, Page, Served};
use crate::domain::api::euros;
use crate::domain::catalogue::{CatalogueFilters, CatalogueSort, PER_PAGE};
use crate::server::infra::http::Refusal;
use crate::server::{offers, offers::catalogue, state::AppState};
use axum::{
    extract::{Path, RawQuery, State},
    response::Response,
};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

const PATH: &str = "/api/v1/catalogue";

/// The catalogue's filters (`/catalogue`). Read by utoipa only: the values are read by
/// `CatalogueFilters::from_query`, as the site does.
#[allow(dead_code)]
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfferParams {
    /// Mots cherchés dans le titre, la description, l'entreprise.
    q: Option<String>,
    /// Type : `supply` (fournitures), `service`, `works` (travaux).
    #[param(rename = "type", schema_with = super::schemas::offer_kind)]
    kind: Option<String>,
    /// Code CPV tronqué : 2 à 5 chiffres.
    #[param(schema_with = super::schemas::cpv_2_5)]
    cpv: Option<String>,
    /// Label officiel (`ab`, `label_rouge`, `aop`, `hve`, `ecolabel_eu`, `rge`, `qualibat`…).
    #[param(schema_with = super::schemas::official_label)]
    label: Option<String>,
    /// Identifiant d'un label territorial.
    #[param(schema_with = super::schemas::id)]
    label_territorial: Option<i32>,
    /// `1` : circuit court (au plus un intermédiaire).
    #[param(schema_with = super::schemas::flag)]
    circuit_court: Option<String>,
    /// `1` : avec des données de cycle de vie.
    #[param(schema_with = super::schemas::flag)]
    cycle_de_vie: Option<String>,
    /// `1` : avec une empreinte carbone.
    #[param(schema_with = super::schemas::flag)]
    carbone: Option<String>,
    /// `1` : production inclusive.
    #[param(schema_with = super::schemas::flag)]
    inclusif: Option<String>,
    /// Zone servie : département, `69M` ou `69D`.
    #[param(schema_with = super::schemas::area)]
    dep: Option<String>,
    /// À moins de `km` de cette commune (code INSEE), 10 km quand `km` manque.
    #[param(schema_with = super::schemas::commune)]
    pres_de: Option<String>,
    /// Rayon en km autour de `pres_de` : 2, 5, 10, 15, 20 ou 30.
    #[param(schema_with = super::schemas::radius)]
    km: Option<u32>,
    /// Produits alimentaires disponibles ce mois-là (1 à 12).
    #[param(schema_with = super::schemas::month)]
    mois: Option<u32>,
    /// Objectifs EGalim : `qualite` (tout signe qui compte, bio compris) ou `bio`.
    #[param(schema_with = super::schemas::egalim)]
    egalim: Option<String>,
    /// Livré dans cette commune (code INSEE) : nommée par l'offre, dans un de ses départements
    /// ou dans son rayon de livraison.
    #[param(schema_with = super::schemas::commune)]
    livre_a: Option<String>,
    /// Ordre : `pertinence` (avec des mots), `recent` (par défaut sans mots), `distance`
    /// (avec `pres_de`).
    #[param(schema_with = super::schemas::catalogue_sort)]
    tri: Option<String>,
    /// Page, à partir de 1 (20 offres par page).
    #[param(schema_with = super::schemas::page)]
    page: Option<u64>,
}

/// An offer in a list.
#[derive(Serialize, ToSchema)]
pub struct OfferItem {
    pub id: i32,
    pub url: String,
    pub title: String,
    /// `supply`, `service`, `works`.
    pub kind: String,
    pub organisation_id: i32,
    pub organisation_name: String,
    /// "Villeurbanne (69)".
    pub place: Option<String>,
    /// Kilometres from `pres_de`, when asked.
    pub distance_km: Option<f64>,
    /// CPV codes (the first few).
    pub cpv: Vec<String>,
    /// Official labels (names).
    pub labels: Vec<String>,
    pub territorial_labels: Vec<TerritorialLabel>,
    pub short_chain: bool,
    pub inclusive: bool,
    /// Euros excluding VAT, per `price_unit`.
    pub price_eur: Option<f64>,
    pub price_unit: Option<String>,
    pub excerpt: Option<String>,
}

/// A photo of an offer.
#[derive(Serialize, ToSchema)]
pub struct OfferPhoto {
    pub url: String,
    /// What it shows.
    pub alt: String,
    pub width: i32,
    pub height: i32,
}

/// An offer's page.
#[derive(Serialize, ToSchema)]
pub struct OfferRecord {
    pub id: i32,
    pub url: String,
    pub title: String,
    /// Cleaned HTML (an allow-list of tags).
    pub description_html: String,
    pub kind: String,
    pub organisation_id: i32,
    pub organisation_name: String,
    pub cpv: Vec<String>,
    /// The communes it delivers, by name.
    pub delivery_communes: Vec<String>,
    pub delivery_departments: Vec<String>,
    pub delivery_radius_km: Option<i32>,
    pub production_place: Option<String>,
    pub price_eur: Option<f64>,
    pub price_unit: Option<String>,
    pub min_order: Option<String>,
    /// Between producer and buyer.
    pub intermediaries: Option<i16>,
    pub life_years: Option<i16>,
    /// Repairability index, out of 10.
    pub repairability: Option<f64>,
    pub spare_parts_years: Option<i16>,
    pub recycled_percent: Option<i16>,
    pub end_of_life: Option<String>,
    pub carbon_kg: Option<f64>,
    pub carbon_method: Option<String>,
    pub inclusive_production: bool,
    pub labels: Vec<String>,
    pub territorial_labels: Vec<TerritorialLabel>,
    pub published_on: Option<String>,
    pub photos: Vec<OfferPhoto>,
    /// For an offer of a food product (CPV 03, 15, 55): season, unit, delivery days, EGalim.
    pub food: Option<FoodFacts>,
}

/// What a food offer says besides the facts of every offer.
#[derive(Serialize, ToSchema)]
pub struct FoodFacts {
    /// Months of availability, 1 (January) to 12; every month when never said.
    pub months: Vec<u32>,
    /// Whether the months were said (false: read as all year).
    pub season_said: bool,
    /// `kg`, `piece`, `litre`, `portion`.
    pub unit: Option<String>,
    /// Delivery days, 1 (Monday) to 7.
    pub delivery_days: Vec<u32>,
    /// What a purchase of it counts for under EGalim today, by its signs: `none`, `quality`,
    /// `organic`.
    pub egalim: String,
}

/// Offres du catalogue (`/catalogue`).
#[utoipa::path(
    get,
    path = "/api/v1/catalogue",
    operation_id = "catalogue_liste",
    tag = "catalogue",
    params(OfferParams),
    responses(
        (status = 200, description = "Une page d'offres", body = Page<OfferItem>,
            links(("fiche" = (operation_id = "catalogue_fiche", parameters(("id" = "$response.body#/data/0/id")), description = "La fiche d'un élément de la page (`data[i].id`)")))
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
    let filters = CatalogueFilters::from_query(&raw);
    let asked = check_query(PATH, &raw, &filters.to_query(1), |k, v| {
        (k == "tri" && CatalogueSort::from_code(v).is_some())
            || (k == "km" && crate::domain::geo::is_radius(v))
    })?;
    let found = match catalogue::search(&state.db, &state.search, &filters).await {
        Ok(f) => f,
        Err(e) => return Err(super::internal("catalogue", e)),
    };
    let data = found
        .rows
        .into_iter()
        .map(|r| OfferItem {
            url: site_url(&state, &format!("/catalogue/{}", r.id)),
            id: r.id,
            title: r.title,
            kind: r.kind.as_str().to_string(),
            organisation_id: r.organisation_id,
            organisation_name: r.organisation_name,
            place: r.place,
            distance_km: r.distance_km,
            cpv: r.cpv.into_iter().map(|(code, _)| code).collect(),
            labels: r.labels,
            territorial_labels: r.tlabels.into_iter().map(Into::into).collect(),
            short_chain: r.short_chain,
            inclusive: r.inclusive,
            price_eur: r.price_cents.map(euros),
            price_unit: r.price_unit,
            excerpt: r.excerpt,
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

/// Une offre publiée.
#[utoipa::path(
    get,
    path = "/api/v1/catalogue/{id}",
    operation_id = "catalogue_fiche",
    tag = "catalogue",
    params(("id" = i32, Path, minimum = 1, description = "Identifiant de l'offre")),
    responses(
        (status = 200, description = "L'offre", body = OfferRecord),
        (status = 404, description = "Aucune offre publiée de cet identifiant", body = ApiError),
        (status = 429, description = "Trop de requêtes", body = ApiError),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let id = path_id(&id)?;
    let o = match offers::public(&state.db, id).await {
        Ok(Some(o)) => o,
        Ok(None) => return Err(super::not_found()),
        Err(e) => return Err(super::internal("offer", e)),
    };
    let mut tlabels = o.tlabels;
    tlabels.extend(o.organisation_tlabels);
    Ok(super::json(&OfferRecord {
        url: site_url(&state, &format!("/catalogue/{}", o.id)),
        id: o.id,
        title: o.title,
        description_html: o.description_html,
        kind: o.kind.as_str().to_string(),
        organisation_id: o.organisation_id,
        organisation_name: o.organisation_name,
        cpv: o.cpv.into_iter().map(|(code, _)| code).collect(),
        delivery_communes: o.delivery_communes,
        delivery_departments: o.delivery_departments,
        delivery_radius_km: o.delivery_radius_km,
        production_place: o.production_place,
        price_eur: o.price_cents.map(euros),
        price_unit: o.price_unit,
        min_order: o.min_order,
        intermediaries: o.intermediaries,
        life_years: o.life_years,
        repairability: o.repairability_tenths.map(|t| f64::from(t) / 10.0),
        spare_parts_years: o.spare_parts_years,
        recycled_percent: o.recycled_percent,
        end_of_life: o.end_of_life,
        carbon_kg: o.carbon_kg,
        carbon_method: o.carbon_method,
        inclusive_production: o.inclusive_production,
        labels: o.labels,
        territorial_labels: tlabels.into_iter().map(Into::into).collect(),
        published_on: o.published_on,
        photos: o
            .photos
            .into_iter()
            .map(|p| OfferPhoto {
                url: if p.url.starts_with('/') {
                    site_url(&state, &p.url)
                } else {
                    p.url
                },
                alt: p.alt,
                width: p.width,
                height: p.height,
            })
            .collect(),
        food: o.food.map(|f| FoodFacts {
            months: f.season.unwrap_or(crate::domain::food::Months::ALL).list(),
            season_said: f.season.is_some(),
            unit: f.unit.map(|u| u.as_str().to_string()),
            delivery_days: f.days.list(),
            egalim: match f.egalim {
                crate::domain::food::Egalim::None => "none",
                crate::domain::food::Egalim::Quality => "quality",
                crate::domain::food::Egalim::Organic => "organic",
            }
            .to_string(),
        }),
    }))
}
