//! The catalogue's search: words, filters, order and facets from the index; rows from the
//! database.

use crate::domain::catalogue::{
    supplier_scope, CatalogueFacets, CatalogueFilters, CataloguePage, OfferRow, Supplier,
    Suppliers, PER_PAGE,
};
use crate::domain::contracts::FacetValue;
use crate::domain::directory::excerpt;
use crate::domain::geo;
use crate::domain::offer::OfferStatus;
use crate::domain::offer::{is_short_chain, label_name, OfferKind};
use crate::domain::org::OrgKind;
use crate::server::infra::entities::{
    communes, contract_awardees as awardees, contracts, cpv_codes, offer_labels, offers,
    organisations,
};
use crate::server::infra::places::{area_label, placed_communes, places, within};
use crate::server::infra::search::SearchIndex;
use crate::server::infra::search::{facet, ones, QueryError};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// CPV codes shown per offer in the list.
const CPV_SHOWN: usize = 3;

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
    let tlabels = take("tlabels");
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
    let mut months = facet(take("months"), |m| {
        m.parse()
            .ok()
            .map(|m| crate::domain::food::month_name(m).to_string())
    });
    // In the year's order, not by count: "available in March" is found where March is.
    months.sort_by_key(|v| v.value.parse::<u32>().unwrap_or(13));
    let mut egalim = facet(take("egalim"), |_| None);
    egalim.sort_by_key(|v| v.value != "qualite");
    let division_labels = crate::server::infra::reference::cpv_labels(
        db,
        divisions
            .iter()
            .map(|(d, _)| format!("{d}000000"))
            .collect(),
    )
    .await?;
    let schemes = crate::server::labels::scheme_names(db).await?;
    let facets = CatalogueFacets {
        kinds: facet(kinds, |_| None),
        cpv_divisions: facet(divisions, |d| {
            division_labels.get(&format!("{d}000000")).cloned()
        }),
        labels: facet(labels, |l| label_name(l).map(String::from)),
        tlabels: facet(tlabels, |t| schemes.get(t).cloned()),
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
        months,
        egalim,
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
        .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
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
    let mut cpv = crate::server::offers::cpv_of(db, ids.to_vec()).await?;
    let mut badges = crate::server::labels::offer_badges(db, ids).await?;
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
            let text = crate::server::infra::rich_text::plain(&o.description_source);
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
                tlabels: badges.remove(&o.id).unwrap_or_default(),
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

/// Offers looked at by "who can supply this?", at most.
const SUPPLIER_OFFERS: usize = 500;

/// "Who can supply this?": the public businesses with catalogue offers in the code's trade, and
/// those that won public contracts in it (from the imported DECP), offers first.
pub async fn suppliers(
    db: &DatabaseConnection,
    index: &SearchIndex,
    code: &str,
) -> Result<Option<Suppliers>, QueryError> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
    use sea_orm::FromQueryResult;
    let Some(scope) = supplier_scope(code) else {
        return Ok(None);
    };
    let Some(code) = crate::domain::cpv::normalise(code) else {
        return Ok(None);
    };
    let label = cpv_codes::Entity::find_by_id(code.clone())
        .one(db)
        .await?
        .map(|c| c.label_fr);
    let ids = index.offers_in_cpv(&scope, SUPPLIER_OFFERS)?;
    let found = offers::Entity::find()
        .filter(offers::Column::Id.is_in(ids.clone()))
        .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
        .all(db)
        .await?;
    let mut by_org: HashMap<i32, Vec<(i32, String)>> = HashMap::new();
    for id in &ids {
        if let Some(o) = found.iter().find(|o| o.id == *id) {
            by_org
                .entry(o.organisation_id)
                .or_default()
                .push((o.id, o.title.clone()));
        }
    }
    // Public contracts won in the trade by public businesses of the directory.
    #[derive(FromQueryResult)]
    struct Won {
        org_id: i32,
        n: i64,
        cents: Option<i64>,
        last: Option<chrono::NaiveDate>,
    }
    let won_query = Query::select()
        .expr_as(
            Expr::col((organisations::Entity, organisations::Column::Id)),
            Alias::new("org_id"),
        )
        .expr_as(
            Func::count(Expr::col((contracts::Entity, contracts::Column::Id))),
            Alias::new("n"),
        )
        .expr_as(
            // SUM of a BIGINT is a NUMERIC on PostgreSQL: cast back to an i64.
            Func::cast_as(
                Func::sum(Expr::col((
                    contracts::Entity,
                    contracts::Column::FinalAmountCents,
                ))),
                Alias::new("BIGINT"),
            ),
            Alias::new("cents"),
        )
        .expr_as(
            Func::max(Expr::col((
                contracts::Entity,
                contracts::Column::NotifiedOn,
            ))),
            Alias::new("last"),
        )
        .from(organisations::Entity)
        .inner_join(
            awardees::Entity,
            Expr::col((awardees::Entity, awardees::Column::AwardeeId))
                .equals((organisations::Entity, organisations::Column::Siret)),
        )
        .inner_join(
            contracts::Entity,
            Expr::col((contracts::Entity, contracts::Column::Id))
                .equals((awardees::Entity, awardees::Column::ContractId)),
        )
        .and_where(organisations::Column::IsPublic.eq(true))
        .and_where(organisations::Column::Kind.eq(OrgKind::Business.as_str()))
        .and_where(awardees::Column::IsCurrent.eq(true))
        .and_where(contracts::Column::CpvDivision.eq(&scope[..2]))
        .and_where(contracts::Column::Cpv.like(format!("{scope}%")))
        .group_by_col((organisations::Entity, organisations::Column::Id))
        .to_owned();
    let backend = db.get_database_backend();
    let won: HashMap<i32, Won> = Won::find_by_statement(backend.build(&won_query))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.org_id, w))
        .collect();
    let org_ids: Vec<i32> = by_org.keys().chain(won.keys()).copied().collect();
    let orgs = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(org_ids))
        .filter(organisations::Column::IsPublic.eq(true))
        .all(db)
        .await?;
    let places: HashMap<String, communes::Model> = communes::Entity::find()
        .filter(communes::Column::Insee.is_in(orgs.iter().filter_map(|o| o.commune_insee.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.insee.clone(), c))
        .collect();
    let ids: Vec<i32> = orgs.iter().map(|o| o.id).collect();
    let mut badges = crate::server::labels::firm_badges(db, &ids).await?;
    let mut suppliers: Vec<Supplier> = orgs
        .into_iter()
        .map(|o| {
            let w = won.get(&o.id);
            Supplier {
                tlabels: badges.remove(&o.id).unwrap_or_default(),
                org_id: o.id,
                place: o
                    .commune_insee
                    .as_ref()
                    .and_then(|c| places.get(c))
                    .map(|p| format!("{} ({})", p.name, p.department)),
                inclusive: o.inclusive.clone(),
                offers: by_org.remove(&o.id).unwrap_or_default(),
                won_contracts: w.map(|w| w.n as u64).unwrap_or(0),
                won_cents: w.and_then(|w| w.cents).unwrap_or(0),
                last_won: w
                    .and_then(|w| w.last)
                    .map(|d| d.format("%d/%m/%Y").to_string()),
                name: o.name,
            }
        })
        .collect();
    // Firms with offers first, then by contracts won.
    suppliers.sort_by(|a, b| {
        a.offers
            .is_empty()
            .cmp(&b.offers.is_empty())
            .then(b.won_contracts.cmp(&a.won_contracts))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(Some(Suppliers {
        code,
        label,
        scope,
        suppliers,
    }))
}
