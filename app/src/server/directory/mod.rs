//! The directory's search: filters and words through the index, rows and labels from the
//! database.

use crate::domain::directory::{
    excerpt, DirectoryFacets, DirectoryFilters, DirectoryPage, DirectoryRow, PER_PAGE,
};
use crate::domain::geo;
use crate::domain::org::OrgKind;
use crate::server::infra::entities::{communes, naf_codes, organisations};
use crate::server::infra::places::{area_label, placed_communes, places, within};
use crate::server::infra::search::contracts::Counts;
use crate::server::infra::search::SearchIndex;
use crate::server::infra::search::{facet, ones, QueryError};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};

/// Characters of a presentation shown in the results.
const EXCERPT_CHARS: usize = 220;

/// The directory's page: words, filters, order and facets from the index; rows from the
/// database.
pub async fn search(
    db: &DatabaseConnection,
    index: &SearchIndex,
    filters: &DirectoryFilters,
) -> Result<DirectoryPage, QueryError> {
    let placed = placed_communes(db).await?;
    let near = match (&filters.near, filters.km) {
        (Some(origin), Some(km)) => Some(within(&placed, origin, km)),
        _ => None,
    };
    let mut hits = index.search_directory(filters, near.as_deref())?;
    let rows = rows_in_order(db, &hits.ids).await?;
    let mut take = |name: &str| hits.facets.remove(name).unwrap_or_default();
    let (cpv_divisions, labels, tlabels) = (take("cpv_divisions"), take("labels"), take("tlabels"));
    let with_offers = ones(&take("has_offers"));
    let (kinds, nafs, sizes, inclusive, areas, by_commune) = (
        take("kinds"),
        take("naf_divisions"),
        take("sizes"),
        take("inclusive"),
        take("areas"),
        take("communes"),
    );
    let divisions: HashMap<String, String> = naf_codes::Entity::find()
        .filter(naf_codes::Column::DivisionCode.is_in(nafs.iter().map(|(d, _)| d.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.division_code, n.division_label))
        .collect();
    // Arrondissements count with their city: the map has one outline for Lyon.
    let mut communes: BTreeMap<String, u64> = BTreeMap::new();
    for (insee, count) in by_commune {
        *communes
            .entry(geo::whole_commune(&insee).to_string())
            .or_default() += count;
    }
    let mut communes: Counts = communes.into_iter().collect();
    communes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let names: HashMap<String, String> = communes::Entity::find()
        .filter(
            communes::Column::Insee.is_in(
                communes
                    .iter()
                    .map(|(c, _)| c.clone())
                    .chain(filters.commune.clone()),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.insee, c.name))
        .collect();
    let cpv_names = crate::server::infra::reference::cpv_labels(
        db,
        cpv_divisions
            .iter()
            .map(|(d, _)| format!("{d}000000"))
            .collect(),
    )
    .await?;
    let schemes = crate::server::labels::scheme_names(db).await?;
    let facets = DirectoryFacets {
        kinds: facet(kinds, |_| None),
        naf_divisions: facet(nafs, |d| divisions.get(d).cloned()),
        cpv_divisions: facet(cpv_divisions, |d| {
            cpv_names.get(&format!("{d}000000")).cloned()
        }),
        labels: facet(labels, |l| {
            crate::domain::offer::label_name(l).map(String::from)
        }),
        tlabels: facet(tlabels, |t| schemes.get(t).cloned()),
        with_offers,
        sizes: facet(sizes, |_| None),
        inclusive: facet(inclusive, |_| None),
        areas: facet(areas, area_label),
        communes: facet(communes, |c| names.get(c).cloned()),
    };
    Ok(DirectoryPage {
        rows,
        total: hits.total,
        page: hits.page,
        pages: hits.total.div_ceil(PER_PAGE).max(1),
        facets,
        places: places(placed),
        commune_name: filters.commune.as_ref().and_then(|c| names.get(c).cloned()),
    })
}

/// The rows of these organisations, in the order of `ids`; one that is gone or no longer public
/// since the index was written is left out.
async fn rows_in_order(db: &DatabaseConnection, ids: &[i32]) -> Result<Vec<DirectoryRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let orgs = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(ids.to_vec()))
        .filter(organisations::Column::IsPublic.eq(true))
        .all(db)
        .await?;
    let nafs: HashMap<String, String> = naf_codes::Entity::find()
        .filter(naf_codes::Column::Code.is_in(orgs.iter().filter_map(|o| o.naf_code.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.code, n.label))
        .collect();
    let places: HashMap<String, (String, String)> = communes::Entity::find()
        .filter(communes::Column::Insee.is_in(orgs.iter().filter_map(|o| o.commune_insee.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.insee, (c.name, c.department)))
        .collect();
    let mut badges = crate::server::labels::firm_badges(db, ids).await?;
    let mut by_id: HashMap<i32, organisations::Model> =
        orgs.into_iter().map(|o| (o.id, o)).collect();
    Ok(ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .filter_map(|o| {
            let kind = OrgKind::parse(&o.kind)?;
            Some(DirectoryRow {
                id: o.id,
                verified: !kind.needs_verification() || o.verified_at.is_some(),
                kind,
                naf: o
                    .naf_code
                    .as_ref()
                    .and_then(|c| nafs.get(c).map(|l| (c.clone(), l.clone()))),
                commune: o
                    .commune_insee
                    .as_ref()
                    .and_then(|c| places.get(c).cloned()),
                size: o.size,
                inclusive: o.inclusive,
                excerpt: o
                    .description
                    .as_deref()
                    .map(|d| excerpt(d, EXCERPT_CHARS))
                    .filter(|d| !d.is_empty()),
                tlabels: badges.remove(&o.id).unwrap_or_default(),
                name: o.name,
            })
        })
        .collect())
}
