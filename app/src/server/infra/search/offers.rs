//! Offers of the catalogue in the index: one document per published offer of a public business
//! (drafts, archived offers and private businesses' offers have none).

use super::contracts::{any_of, ids_of, number, paged, term, top, words_clauses, Counts};
use super::{Fields, SearchError, SearchIndex};
use crate::domain::catalogue::{CatalogueFilters, CatalogueSort, PER_PAGE};
use crate::domain::food;
use crate::domain::geo;
use crate::domain::offer::{is_short_chain, AreaKind, OfferStatus};
use crate::domain::org::INCLUSIVE;
use crate::server::infra::entities::{
    communes, cpv_codes, offer_areas, offer_cpv, offer_labels, offers, organisations,
};
use crate::server::infra::places;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{DocId, Order, Score, SegmentReader, TantivyDocument};

pub const KIND: &str = "offer";

pub(crate) fn key(id: i32) -> String {
    format!("{KIND}:{id}")
}

/// Offer ids above `after`, in order, and the last of them.
pub async fn ids_after(
    db: &DatabaseConnection,
    after: i32,
    limit: u64,
) -> Result<(Vec<i32>, Option<i32>), DbErr> {
    let ids: Vec<i32> = offers::Entity::find()
        .select_only()
        .column(offers::Column::Id)
        .filter(offers::Column::Id.gt(after))
        .order_by_asc(offers::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let last = ids.last().copied();
    Ok((ids, last))
}

/// What a document is made of besides the offer itself.
struct Around<'a> {
    org: &'a organisations::Model,
    /// (code, label)
    cpv: &'a [(String, String)],
    labels: &'a [String],
    /// Territorial labels in force (referential ids).
    tlabels: &'a [i32],
    /// The offer's place: where it is produced, or its business's commune.
    place: Option<&'a communes::Model>,
    /// Whether one of its codes is a food product's.
    food: bool,
    /// Where it is delivered: communes (with the parts of a city named) and "dep:NN".
    serves: Vec<String>,
}

/// The documents of these offers; one not in the catalogue (draft, archived, private business,
/// gone) gives `None` (its document is removed).
pub async fn documents(
    db: &DatabaseConnection,
    f: &Fields,
    ids: &[i32],
) -> Result<Vec<(String, Option<TantivyDocument>)>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        let found = offers::Entity::find()
            .filter(offers::Column::Id.is_in(chunk.to_vec()))
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
        let codes = offer_cpv::Entity::find()
            .filter(offer_cpv::Column::OfferId.is_in(chunk.to_vec()))
            .all(db)
            .await?;
        let cpv_labels: HashMap<String, String> = cpv_codes::Entity::find()
            .filter(cpv_codes::Column::Code.is_in(codes.iter().map(|c| c.cpv_code.clone())))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.code, c.label_fr))
            .collect();
        let mut cpv: HashMap<i32, Vec<(String, String)>> = HashMap::new();
        for c in codes {
            let label = cpv_labels.get(&c.cpv_code).cloned().unwrap_or_default();
            cpv.entry(c.offer_id).or_default().push((c.cpv_code, label));
        }
        let mut labels: HashMap<i32, Vec<String>> = HashMap::new();
        for l in offer_labels::Entity::find()
            .filter(offer_labels::Column::OfferId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            labels.entry(l.offer_id).or_default().push(l.label);
        }
        let tlabels = super::labels::in_force_of_offers(db, chunk).await?;
        let mut areas: HashMap<i32, Vec<offer_areas::Model>> = HashMap::new();
        for a in offer_areas::Entity::find()
            .filter(offer_areas::Column::OfferId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            areas.entry(a.offer_id).or_default().push(a);
        }
        let placed = crate::server::infra::places::placed_communes(db).await?;
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
        let mut by_id: HashMap<i32, offers::Model> = found.into_iter().map(|o| (o.id, o)).collect();
        for &id in chunk {
            let doc = by_id.remove(&id).and_then(|o| {
                let org = orgs.get(&o.organisation_id)?;
                let place = o
                    .production_commune
                    .as_ref()
                    .or(org.commune_insee.as_ref())
                    .and_then(|c| places.get(c));
                let codes = cpv.get(&id).map(Vec::as_slice).unwrap_or(&[]);
                let around = Around {
                    org,
                    cpv: codes,
                    labels: labels.get(&id).map(Vec::as_slice).unwrap_or(&[]),
                    tlabels: tlabels.get(&id).map(Vec::as_slice).unwrap_or(&[]),
                    place,
                    food: codes.iter().any(|(c, _)| food::is_food(c)),
                    serves: served(
                        areas.get(&id).map(Vec::as_slice).unwrap_or(&[]),
                        place.zip(o.delivery_radius_km),
                        &placed,
                    ),
                };
                Some(document(f, &o, &around))
            });
            out.push((key(id), doc));
        }
    }
    Ok(out)
}

/// Where an offer is delivered, as the index's `serves` terms: the communes it names (a city
/// with its arrondissements), its departments, and the communes within its radius of its place
/// (when that place's position is known).
fn served(
    areas: &[offer_areas::Model],
    radius: Option<(&communes::Model, i32)>,
    placed: &[communes::Model],
) -> Vec<String> {
    let mut out: Vec<String> = areas
        .iter()
        .flat_map(|a| {
            if a.kind == AreaKind::Department.as_str() {
                vec![format!("dep:{}", a.code)]
            } else {
                geo::commune_and_parts(&a.code)
            }
        })
        .collect();
    if let Some((place, km)) = radius {
        out.extend(places::within(placed, &place.insee, km.max(0) as u32));
    }
    out.sort();
    out.dedup();
    out
}

/// The `serves` terms an offer delivered to `insee` holds one of.
pub(crate) fn serving_terms(insee: &str) -> Vec<String> {
    let mut out = vec![
        insee.to_string(),
        geo::whole_commune(insee).to_string(),
        format!("dep:{}", geo::department_of_commune(insee)),
    ];
    out.dedup();
    out
}

fn document(f: &Fields, o: &offers::Model, a: &Around) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.kind, KIND);
    d.add_text(f.key, key(o.id));
    d.add_i64(f.id, i64::from(o.id));
    d.add_text(f.title, &o.title);
    let mut body = vec![o.description_source.as_str(), a.org.name.as_str()];
    for (code, label) in a.cpv {
        body.push(code);
        body.push(label);
    }
    if let Some(p) = a.place {
        body.push(&p.name);
    }
    d.add_text(f.body, body.join(" \n "));
    d.add_text(f.offer_kind, &o.kind);
    for (code, _) in a.cpv {
        d.add_text(f.cpv_division, code.get(..2).unwrap_or(code));
        d.add_text(f.cpv_group, code.get(..3).unwrap_or(code));
        d.add_text(f.cpv_class, code.get(..4).unwrap_or(code));
        d.add_text(f.cpv_category, code.get(..5).unwrap_or(code));
    }
    for l in a.labels {
        d.add_text(f.labels, l);
    }
    for t in a.tlabels {
        d.add_text(f.tlabels, t.to_string());
    }
    d.add_i64(f.short_chain, i64::from(is_short_chain(o.intermediaries)));
    let life = o.life_years.is_some()
        || o.repairability_tenths.is_some()
        || o.spare_parts_years.is_some()
        || o.recycled_percent.is_some()
        || o.end_of_life.is_some();
    d.add_i64(f.life_facts, i64::from(life));
    d.add_i64(f.carbon, i64::from(o.carbon_kg.is_some()));
    if o.inclusive_production {
        d.add_text(f.inclusive, "production");
    }
    if let Some(i) = &a.org.inclusive {
        d.add_text(f.inclusive, i);
    }
    if let Some(p) = a.place {
        d.add_text(f.commune, &p.insee);
        d.add_text(f.departement, &p.department);
        d.add_text(f.area, geo::area_code(&p.department, p.in_metropole));
        if let (Some(lat), Some(lon)) = (p.lat, p.lon) {
            d.add_f64(f.lat, lat);
            d.add_f64(f.lon, lon);
        }
    }
    if let Some(at) = o.published_at.or(Some(o.updated_at)) {
        use chrono::Datelike;
        d.add_i64(
            f.date,
            i64::from(at.year()) * 10_000 + i64::from(at.month()) * 100 + i64::from(at.day()),
        );
    }
    d.add_i64(f.org_id, i64::from(a.org.id));
    for s in &a.serves {
        d.add_text(f.serves, s);
    }
    if a.food {
        // A season never said is read as all year.
        let months = o
            .season
            .map_or(food::Months::ALL, |b| food::Months(b as u16));
        for m in months.list() {
            d.add_text(f.months, m.to_string());
        }
        let today = chrono::Utc::now().date_naive();
        match food::egalim_of(a.labels.iter().map(String::as_str), today) {
            food::Egalim::Organic => {
                d.add_text(f.egalim, "qualite");
                d.add_text(f.egalim, "bio");
            }
            food::Egalim::Quality => d.add_text(f.egalim, "qualite"),
            food::Egalim::None => {}
        }
    }
    d
}

/// The catalogue's facets: name, field, number of values.
const FACETS: [(&str, &str, u32); 11] = [
    ("kinds", "offer_kind", 5),
    ("tlabels", "tlabels", 50),
    ("cpv_divisions", "cpv_division", 60),
    ("labels", "labels", 20),
    ("short_chain", "short_chain", 2),
    ("life", "life_facts", 2),
    ("carbon", "carbon", 2),
    ("inclusive", "inclusive", 5),
    ("areas", "area", 120),
    ("months", "months", 12),
    ("egalim", "egalim", 2),
];

/// One page of the catalogue from the index.
#[derive(Clone, Debug, Default)]
pub struct CatalogueHits {
    pub ids: Vec<i32>,
    pub total: u64,
    pub page: u64,
    pub facets: HashMap<String, Counts>,
}

/// `near`: the communes within the distance asked for, when one is.
fn query(index: &SearchIndex, f: &CatalogueFilters, near: Option<&[String]>) -> BooleanQuery {
    let fields = &index.fields;
    let mut clauses = words_clauses(index, KIND, f.q.as_deref().unwrap_or_default());
    let mut filter = |q: Box<dyn Query>| clauses.push((Occur::Must, q));
    if let Some(k) = &f.kind {
        filter(term(fields.offer_kind, k));
    }
    if let Some(c) = &f.cpv {
        let field = match c.len() {
            2 => fields.cpv_division,
            3 => fields.cpv_group,
            4 => fields.cpv_class,
            _ => fields.cpv_category,
        };
        filter(term(field, c));
    }
    if let Some(l) = &f.label {
        filter(term(fields.labels, l));
    }
    if let Some(t) = &f.tlabel {
        filter(term(fields.tlabels, t));
    }
    if f.short_chain {
        filter(number(fields.short_chain, 1));
    }
    if f.life {
        filter(number(fields.life_facts, 1));
    }
    if f.carbon {
        filter(number(fields.carbon, 1));
    }
    if f.inclusive {
        let values: Vec<String> = std::iter::once("production")
            .chain(INCLUSIVE)
            .map(String::from)
            .collect();
        filter(any_of(fields.inclusive, &values));
    }
    match f.area.as_deref() {
        Some(a @ ("69M" | "69D")) => filter(term(fields.area, a)),
        Some(d) => filter(term(fields.departement, d)),
        None => {}
    }
    if let Some(communes) = near {
        filter(any_of(fields.commune, communes));
    }
    if let Some(m) = f.month {
        filter(term(fields.months, &m.to_string()));
    }
    if let Some(e) = &f.egalim {
        filter(term(fields.egalim, e));
    }
    if let Some(c) = &f.delivers {
        filter(any_of(fields.serves, &serving_terms(c)));
    }
    BooleanQuery::new(clauses)
}

impl SearchIndex {
    /// Every catalogue offer with a CPV code starting with `scope` (2 to 5 digits), at most
    /// `limit`.
    pub fn offers_in_cpv(&self, scope: &str, limit: usize) -> Result<Vec<i32>, SearchError> {
        let f = &self.fields;
        let field = match scope.len() {
            2 => f.cpv_division,
            3 => f.cpv_group,
            4 => f.cpv_class,
            _ => f.cpv_category,
        };
        let q = BooleanQuery::new(vec![
            (Occur::Must, term(f.kind, KIND)),
            (Occur::Must, term(field, scope)),
        ]);
        let searcher = self.searcher();
        let top = searcher.search(
            &q,
            &TopDocs::with_limit(limit).order_by_fast_field::<i64>("date", Order::Desc),
        )?;
        ids_of(&searcher, top.into_iter().map(|(_, a)| a))
    }

    /// The catalogue's page `filters.page` (clamped to the last page). `near`: the communes
    /// within the distance of the filters; `origin`: the position to sort by distance from.
    pub fn search_catalogue(
        &self,
        filters: &CatalogueFilters,
        near: Option<&[String]>,
        origin: Option<(f64, f64)>,
    ) -> Result<CatalogueHits, SearchError> {
        self.remembered("catalogue", &filters.to_query(filters.page), |searcher| {
            self.search_catalogue_with(searcher, filters, near, origin)
        })
    }

    fn search_catalogue_with(
        &self,
        searcher: &tantivy::Searcher,
        filters: &CatalogueFilters,
        near: Option<&[String]>,
        origin: Option<(f64, f64)>,
    ) -> Result<CatalogueHits, SearchError> {
        let q = query(self, filters, near);
        let run = |page: u64| {
            let limit = || {
                TopDocs::with_limit(PER_PAGE as usize).and_offset(((page - 1) * PER_PAGE) as usize)
            };
            match (filters.sort, origin) {
                (CatalogueSort::Relevance, _) if filters.q.is_some() => {
                    top(searcher, &q, limit().order_by_score(), &FACETS)
                }
                (CatalogueSort::Distance, Some(from)) => {
                    // Nearest first: the key is minus the distance (offers without a position
                    // last).
                    let nearest = limit().tweak_score(move |segment: &SegmentReader| {
                        let lat = segment.fast_fields().f64("lat").ok();
                        let lon = segment.fast_fields().f64("lon").ok();
                        move |doc: DocId, _score: Score| {
                            let at = lat
                                .as_ref()
                                .and_then(|c| c.first(doc))
                                .zip(lon.as_ref().and_then(|c| c.first(doc)));
                            at.map(|p| -geo::distance_km(from, p))
                                .unwrap_or(f64::NEG_INFINITY)
                        }
                    });
                    top(searcher, &q, nearest, &FACETS)
                }
                _ => top(
                    searcher,
                    &q,
                    limit().order_by_fast_field::<i64>("date", Order::Desc),
                    &FACETS,
                ),
            }
        };
        let (ranked, page) = paged(filters.page, PER_PAGE, run)?;
        Ok(CatalogueHits {
            ids: ids_of(searcher, ranked.docs.into_iter())?,
            total: ranked.total,
            page,
            facets: ranked.facets,
        })
    }
}
