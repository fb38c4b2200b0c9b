//! The catalogue's search: words, filters, order and facets from the index; rows from the
//! database.

use super::contracts::QueryError;
use super::directory::{area_label, placed_communes, places, within};
use super::entities::{communes, offer_labels, offers, organisations};
use super::search::contracts::Counts;
use super::search::SearchIndex;
use crate::domain::catalogue::{
    CatalogueFacets, CatalogueFilters, CataloguePage, OfferRow, PER_PAGE,
};
use crate::domain::contracts::FacetValue;
use crate::domain::directory::excerpt;
use crate::domain::geo;
use crate::domain::offer::{is_short_chain, label_name, OfferKind};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// CPV codes shown per offer in the list.
const CPV_SHOWN: usize = 3;

fn facet(counts: Counts, label: impl Fn(&str) -> Option<String>) -> Vec<FacetValue> {
    counts
        .into_iter()
        .map(|(value, count)| FacetValue {
            label: label(&value),
            value,
            count,
        })
        .collect()
}

/// The count of documents whose flag is 1.
fn ones(counts: &Counts) -> u64 {
    counts
        .iter()
        .find(|(v, _)| v == "1")
        .map(|(_, n)| *n)
        .unwrap_or(0)
}

pub async fn search(
    db: &DatabaseConnection,
    index: &SearchIndex,
    filters: &CatalogueFilters,
) -> Result<CataloguePage, QueryError> {
    let placed = placed_communes(db).await?;
    let origin = filters.near.as_ref().and_then(|n| {
        placed
            .iter()
            .find(|c| &c.insee == n)
            .and_then(|c| c.lat.zip(c.lon))
    });
    let near = match (&filters.near, filters.km) {
        (Some(from), Some(km)) => Some(within(&placed, from, km)),
        _ => None,
    };
    let mut hits = index.search_catalogue(filters, near.as_deref(), origin)?;
    let rows = rows_in_order(db, &hits.ids, origin).await?;
    let mut take = |name: &str| hits.facets.remove(name).unwrap_or_default();
    let kinds = take("kinds");
    let divisions = take("cpv_divisions");
    let labels = take("labels");
    let facts = [
        ("short_chain", ones(&take("short_chain"))),
        ("life", ones(&take("life"))),
        ("carbon", ones(&take("carbon"))),
        (
            "inclusive",
            // An offer counts once even when its producer and its business are both inclusive.
            take("inclusive").iter().map(|(_, n)| *n).max().unwrap_or(0),
        ),
    ];
    let areas = take("areas");
    let division_labels = super::contracts::cpv_labels(
        db,
        divisions
            .iter()
            .map(|(d, _)| format!("{d}000000"))
            .collect(),
    )
    .await?;
    let facets = CatalogueFacets {
        kinds: facet(kinds, |_| None),
        cpv_divisions: facet(divisions, |d| {
            division_labels.get(&format!("{d}000000")).cloned()
        }),
        labels: facet(labels, |l| label_name(l).map(String::from)),
        facts: facts
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(v, n)| FacetValue {
                value: v.into(),
                label: None,
                count: n,
            })
            .collect(),
        areas: facet(areas, area_label),
    };
    Ok(CataloguePage {
        rows,
        total: hits.total,
        page: hits.page,
        pages: hits.total.div_ceil(PER_PAGE).max(1),
        facets,
        places: places(placed),
    })
}

/// The rows of these offers, in the order of `ids` (one no longer in the catalogue since the
/// index was written is left out).
async fn rows_in_order(
    db: &DatabaseConnection,
    ids: &[i32],
    origin: Option<(f64, f64)>,
) -> Result<Vec<OfferRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found = offers::Entity::find()
        .filter(offers::Column::Id.is_in(ids.to_vec()))
        .filter(offers::Column::Status.eq("published"))
        .all(db)
        .await?;
    let orgs: HashMap<i32, organisations::Model> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(found.iter().map(|o| o.organisation_id)))
        .filter(organisations::Column::IsPublic.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let places: HashMap<String, communes::Model> = communes::Entity::find()
        .filter(
            communes::Column::Insee.is_in(
                found
                    .iter()
                    .filter_map(|o| o.production_commune.clone())
                    .chain(orgs.values().filter_map(|o| o.commune_insee.clone())),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.insee.clone(), c))
        .collect();
    let mut labels: HashMap<i32, Vec<String>> = HashMap::new();
    for l in offer_labels::Entity::find()
        .filter(offer_labels::Column::OfferId.is_in(ids.to_vec()))
        .all(db)
        .await?
    {
        if let Some(name) = label_name(&l.label) {
            labels.entry(l.offer_id).or_default().push(name.into());
        }
    }
    let mut cpv = super::offers::cpv_of(db, ids.to_vec()).await?;
    let mut by_id: HashMap<i32, offers::Model> = found.into_iter().map(|o| (o.id, o)).collect();
    Ok(ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .filter_map(|o| {
            let org = orgs.get(&o.organisation_id)?;
            let place = o
                .production_commune
                .as_ref()
                .or(org.commune_insee.as_ref())
                .and_then(|c| places.get(c));
            let text = super::rich_text::plain(&o.description_source);
            Some(OfferRow {
                id: o.id,
                kind: OfferKind::parse(&o.kind)?,
                organisation_id: org.id,
                organisation_name: org.name.clone(),
                place: place.map(|p| format!("{} ({})", p.name, p.department)),
                distance_km: origin
                    .zip(place.and_then(|p| p.lat.zip(p.lon)))
                    .map(|(a, b)| geo::distance_km(a, b)),
                cpv: cpv
                    .remove(&o.id)
                    .unwrap_or_default()
                    .into_iter()
                    .take(CPV_SHOWN)
                    .collect(),
                labels: labels.remove(&o.id).unwrap_or_default(),
                short_chain: is_short_chain(o.intermediaries),
                inclusive: o.inclusive_production || org.inclusive.is_some(),
                price_cents: o.price_cents,
                price_unit: o.price_unit,
                excerpt: (!text.is_empty()).then(|| excerpt(&text, 220)),
                title: o.title,
            })
        })
        .collect())
}
