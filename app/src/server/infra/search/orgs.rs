//! Organisations of the directory in the index: one document per organisation that chose to be
//! public (the others have none), and the directory's word search.

use super::contracts::words_clauses;
use super::contracts::{any_of, ids_of, number, paged, term, top, Counts};
use super::{Fields, SearchError, SearchIndex};
use crate::domain::directory::{DirectoryFilters, DirectorySort, PER_PAGE};
use crate::domain::geo;
use crate::domain::offer::OfferStatus;
use crate::domain::org::inclusive_matching;
use crate::server::infra::entities::{
    communes, naf_codes, offer_cpv, offer_labels, offers, organisations,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{Order, TantivyDocument};

pub const KIND: &str = "org";

pub(crate) fn key(id: i32) -> String {
    format!("{KIND}:{id}")
}

/// Organisation ids above `after`, in order, and the last of them.
pub async fn ids_after(
    db: &DatabaseConnection,
    after: i32,
    limit: u64,
) -> Result<(Vec<i32>, Option<i32>), DbErr> {
    let ids: Vec<i32> = organisations::Entity::find()
        .select_only()
        .column(organisations::Column::Id)
        .filter(organisations::Column::Id.gt(after))
        .order_by_asc(organisations::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let last = ids.last().copied();
    Ok((ids, last))
}

/// The documents of these organisations; one that is not public, or no longer exists, gives
/// `None` (its document is removed).
pub async fn documents(
    db: &DatabaseConnection,
    f: &Fields,
    ids: &[i32],
) -> Result<Vec<(String, Option<TantivyDocument>)>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        let orgs = organisations::Entity::find()
            .filter(organisations::Column::Id.is_in(chunk.to_vec()))
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
        let places: HashMap<String, communes::Model> = communes::Entity::find()
            .filter(
                communes::Column::Insee.is_in(orgs.iter().filter_map(|o| o.commune_insee.clone())),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.insee.clone(), c))
            .collect();
        let catalogue = Catalogue::of(db, chunk).await?;
        let mut found: HashMap<i32, organisations::Model> =
            orgs.into_iter().map(|o| (o.id, o)).collect();
        for &id in chunk {
            let doc = found.remove(&id).map(|o| {
                let naf = o.naf_code.as_ref().and_then(|c| nafs.get(c));
                let place = o.commune_insee.as_ref().and_then(|c| places.get(c));
                let mut d = document(f, &o, naf, place);
                catalogue.add_to(f, &mut d, id);
                d
            });
            out.push((key(id), doc));
        }
    }
    Ok(out)
}

/// What the organisations' published offers and labels add to their documents: CPV
/// divisions, official labels, territorial labels (their own and their offers').
#[derive(Default)]
struct Catalogue {
    offers: HashMap<i32, usize>,
    cpv: HashMap<i32, Vec<String>>,
    labels: HashMap<i32, Vec<String>>,
    tlabels: HashMap<i32, Vec<i32>>,
}

impl Catalogue {
    async fn of(db: &DatabaseConnection, org_ids: &[i32]) -> Result<Catalogue, DbErr> {
        let published: Vec<(i32, i32)> = offers::Entity::find()
            .select_only()
            .column(offers::Column::Id)
            .column(offers::Column::OrganisationId)
            .filter(offers::Column::OrganisationId.is_in(org_ids.to_vec()))
            .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
            .into_tuple()
            .all(db)
            .await?;
        let org_of: HashMap<i32, i32> = published.iter().copied().collect();
        let mut c = Catalogue::default();
        for (_, org) in &published {
            *c.offers.entry(*org).or_default() += 1;
        }
        let ids: Vec<i32> = org_of.keys().copied().collect();
        for chunk in ids.chunks(1_000) {
            for row in offer_cpv::Entity::find()
                .filter(offer_cpv::Column::OfferId.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                let div = row.cpv_code.get(..2).unwrap_or_default().to_string();
                let list = c.cpv.entry(org_of[&row.offer_id]).or_default();
                if !list.contains(&div) {
                    list.push(div);
                }
            }
            for row in offer_labels::Entity::find()
                .filter(offer_labels::Column::OfferId.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                let list = c.labels.entry(org_of[&row.offer_id]).or_default();
                if !list.contains(&row.label) {
                    list.push(row.label);
                }
            }
        }
        let published: HashSet<i32> = org_of.keys().copied().collect();
        c.tlabels = super::labels::in_force_of_orgs(db, org_ids, &published).await?;
        Ok(c)
    }

    fn add_to(&self, f: &Fields, d: &mut TantivyDocument, org_id: i32) {
        if self.offers.get(&org_id).is_some_and(|n| *n > 0) {
            d.add_i64(f.has_offers, 1);
        }
        for div in self.cpv.get(&org_id).into_iter().flatten() {
            d.add_text(f.cpv_division, div);
        }
        for l in self.labels.get(&org_id).into_iter().flatten() {
            d.add_text(f.labels, l);
        }
        for t in self.tlabels.get(&org_id).into_iter().flatten() {
            d.add_text(f.tlabels, t.to_string());
        }
    }
}

fn document(
    f: &Fields,
    o: &organisations::Model,
    naf_label: Option<&String>,
    place: Option<&communes::Model>,
) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.kind, KIND);
    d.add_text(f.key, key(o.id));
    d.add_i64(f.id, i64::from(o.id));
    d.add_text(f.title, &o.name);
    d.add_text(f.name_key, super::schema::fold(&o.name));
    let mut body = vec![o.siret.clone()];
    body.extend(o.description.clone());
    body.extend(naf_label.cloned());
    body.extend(place.map(|p| p.name.clone()));
    d.add_text(f.body, body.join(" \n"));
    d.add_text(f.org_kind, &o.kind);
    if let Some(naf) = &o.naf_code {
        d.add_text(f.naf_division, naf.get(..2).unwrap_or(naf));
    }
    if let Some(size) = &o.size {
        d.add_text(f.size, size);
    }
    if let Some(inclusive) = &o.inclusive {
        d.add_text(f.inclusive, inclusive);
    }
    if let Some(p) = place {
        d.add_text(f.commune, &p.insee);
        d.add_text(f.departement, &p.department);
        d.add_text(f.area, geo::area_code(&p.department, p.in_metropole));
    }
    d
}

/// The directory's facets: name, field, number of values (every commune of the Métropole and
/// many around it, for the map).
const FACETS: [(&str, &str, u32); 10] = [
    ("kinds", "org_kind", 10),
    ("cpv_divisions", "cpv_division", 100),
    ("labels", "labels", 20),
    ("tlabels", "tlabels", 50),
    ("has_offers", "has_offers", 2),
    ("naf_divisions", "naf_division", 100),
    ("sizes", "size", 10),
    ("inclusive", "inclusive", 10),
    ("areas", "area", 120),
    ("communes", "commune", 400),
];

/// One page of the directory from the index: organisation ids in order, the total, the facets
/// by name (see `FACETS`).
#[derive(Clone, Debug, Default)]
pub struct DirectoryHits {
    pub ids: Vec<i32>,
    pub total: u64,
    pub page: u64,
    pub facets: HashMap<String, Counts>,
}

/// `near`: the communes within the distance asked for, when one is.
fn query(index: &SearchIndex, filters: &DirectoryFilters, near: Option<&[String]>) -> BooleanQuery {
    let f = &index.fields;
    let mut clauses = words_clauses(index, KIND, filters.q.as_deref().unwrap_or_default());
    let mut filter = |q: Box<dyn Query>| clauses.push((Occur::Must, q));
    if let Some(k) = &filters.kind {
        filter(term(f.org_kind, k));
    }
    if let Some(n) = &filters.naf {
        filter(term(f.naf_division, n));
    }
    if let Some(c) = &filters.cpv {
        filter(term(f.cpv_division, c));
    }
    if let Some(l) = &filters.label {
        filter(term(f.labels, l));
    }
    if let Some(t) = &filters.tlabel {
        filter(term(f.tlabels, t));
    }
    if filters.has_offers {
        filter(number(f.has_offers, 1));
    }
    if let Some(s) = &filters.size {
        filter(term(f.size, s));
    }
    if let Some(i) = filters.inclusive.as_deref() {
        filter(any_of(f.inclusive, &inclusive_matching(i)));
    }
    match filters.area.as_deref() {
        Some(a @ ("69M" | "69D")) => filter(term(f.area, a)),
        Some(d) => filter(term(f.departement, d)),
        None => {}
    }
    if let Some(c) = &filters.commune {
        filter(any_of(f.commune, &geo::commune_and_parts(c)));
    }
    if let Some(communes) = near {
        filter(any_of(f.commune, communes));
    }
    BooleanQuery::new(clauses)
}

impl SearchIndex {
    /// The directory's page `filters.page` (clamped to the last page). `near`: the INSEE codes of
    /// the communes within the distance of the filters, when they ask for one.
    pub fn search_directory(
        &self,
        filters: &DirectoryFilters,
        near: Option<&[String]>,
    ) -> Result<DirectoryHits, SearchError> {
        self.remembered("annuaire", &filters.to_query(filters.page), |searcher| {
            self.search_directory_with(searcher, filters, near)
        })
    }

    fn search_directory_with(
        &self,
        searcher: &tantivy::Searcher,
        filters: &DirectoryFilters,
        near: Option<&[String]>,
    ) -> Result<DirectoryHits, SearchError> {
        let q = query(self, filters, near);
        let run = |page: u64| {
            let limit = || {
                TopDocs::with_limit(PER_PAGE as usize).and_offset(((page - 1) * PER_PAGE) as usize)
            };
            match filters.sort {
                DirectorySort::Relevance if filters.q.is_some() => {
                    top(searcher, &q, limit().order_by_score(), &FACETS)
                }
                DirectorySort::Newest => top(
                    searcher,
                    &q,
                    limit().order_by_fast_field::<i64>("id", Order::Desc),
                    &FACETS,
                ),
                DirectorySort::Relevance | DirectorySort::Name => top(
                    searcher,
                    &q,
                    limit().order_by_string_fast_field("name_key", Order::Asc),
                    &FACETS,
                ),
            }
        };
        let (ranked, page) = paged(filters.page, PER_PAGE, run)?;
        Ok(DirectoryHits {
            ids: ids_of(searcher, ranked.docs.into_iter())?,
            total: ranked.total,
            page,
            facets: ranked.facets,
        })
    }

    /// The `n` organisations of the directory best ranked for these words (every word must be
    /// found, in the name — which weighs more — or in the other text).
    pub fn search_orgs(&self, words: &str, n: usize) -> Result<Vec<i32>, SearchError> {
        let clauses = words_clauses(self, KIND, words);
        let searcher = self.searcher();
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(n).order_by_score(),
        )?;
        ids_of(&searcher, top.into_iter().map(|(_, a)| a))
    }
}
