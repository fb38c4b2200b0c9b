//! Contracts in the index: their documents, and the explorer's queries (words, filters, sort,
//! page, facets).

use super::{Fields, SearchError, SearchIndex};
use crate::domain::contracts::{ContractFilters, Sort, PER_PAGE};
use crate::server::infra::entities::{contract_awardees as awardees, contracts};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use std::ops::Bound;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::agg_result::{AggregationResult, BucketResult};
use tantivy::aggregation::{AggContextParams, AggregationCollector, Key};
use tantivy::collector::{Collector, Count, DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

pub const KIND: &str = "contract";

pub(crate) fn key(id: i32) -> String {
    format!("{KIND}:{id}")
}

/// Contract ids above `after`, in order, and the last of them.
pub async fn ids_after(
    db: &DatabaseConnection,
    after: i32,
    limit: u64,
) -> Result<(Vec<i32>, Option<i32>), DbErr> {
    let ids: Vec<i32> = contracts::Entity::find()
        .select_only()
        .column(contracts::Column::Id)
        .filter(contracts::Column::Id.gt(after))
        .order_by_asc(contracts::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let last = ids.last().copied();
    Ok((ids, last))
}

/// The documents of these contracts; a contract no longer in the database gives `None` (its
/// document is removed).
pub async fn documents(
    db: &DatabaseConnection,
    f: &Fields,
    ids: &[i32],
) -> Result<Vec<(String, Option<TantivyDocument>)>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        let models = contracts::Entity::find()
            .filter(contracts::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?;
        let people = awardees::awardees_of(db, chunk.to_vec(), false).await?;
        let labels = crate::server::infra::reference::cpv_labels(
            db,
            models.iter().filter_map(|m| m.cpv.clone()).collect(),
        )
        .await?;
        let mut found: HashMap<i32, contracts::Model> =
            models.into_iter().map(|m| (m.id, m)).collect();
        for &id in chunk {
            let doc = found.remove(&id).map(|m| {
                let label = m.cpv.as_ref().and_then(|c| labels.get(c));
                document(
                    f,
                    &m,
                    people.get(&id).map(Vec::as_slice).unwrap_or(&[]),
                    label,
                )
            });
            out.push((key(id), doc));
        }
    }
    Ok(out)
}

fn considered(value: &Option<String>) -> i64 {
    i64::from(
        value
            .as_deref()
            .is_some_and(|v| !v.is_empty() && v != "aucune"),
    )
}

pub(crate) fn document(
    f: &Fields,
    m: &contracts::Model,
    people: &[awardees::Model],
    cpv_label: Option<&String>,
) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.kind, KIND);
    d.add_text(f.key, key(m.id));
    d.add_i64(f.id, i64::from(m.id));
    d.add_text(f.title, m.object.as_deref().unwrap_or_default());
    let mut body: Vec<&str> = vec![&m.buyer_siret];
    body.extend(m.buyer_name.as_deref());
    for a in people {
        body.extend(a.name.as_deref());
        body.push(&a.awardee_id);
        d.add_text(f.awardee, &a.awardee_id);
    }
    body.extend(cpv_label.map(String::as_str));
    body.extend(m.cpv.as_deref());
    body.extend(m.place_name.as_deref());
    d.add_text(f.body, body.join(" \n "));
    if let Some(y) = m.year {
        d.add_i64(f.year, i64::from(y));
    }
    if let Some(c) = &m.cpv_division {
        d.add_text(f.cpv_division, c);
    }
    if let Some(c) = m.cpv.as_deref().filter(|c| c.len() >= 3) {
        d.add_text(f.cpv_group, &c[..3]);
    }
    if let Some(p) = &m.procedure {
        d.add_text(f.procedure, p);
    }
    if let Some(n) = &m.nature {
        d.add_text(f.nature, n);
    }
    if let Some(a) = m.final_amount_cents {
        d.add_i64(f.amount, a);
    }
    if let Some(date) = m.notified_on {
        use chrono::Datelike;
        d.add_i64(
            f.date,
            i64::from(date.year()) * 10_000 + i64::from(date.month()) * 100 + i64::from(date.day()),
        );
    }
    d.add_text(f.buyer, &m.buyer_siret);
    if let Some(dep) = &m.place_departement {
        d.add_text(f.departement, dep);
    }
    if let Some(c) = &m.place_commune {
        d.add_text(f.commune, c);
    }
    if let Some(o) = m.offers_received {
        d.add_i64(f.offers, i64::from(o));
    }
    d.add_i64(f.social, considered(&m.social));
    d.add_i64(f.environmental, considered(&m.environmental));
    d
}

pub(super) fn term(field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// Documents with any of `values` in `field` (none when `values` is empty).
pub(super) fn any_of(field: tantivy::schema::Field, values: &[String]) -> Box<dyn Query> {
    if values.is_empty() {
        // Nothing can match: a term no document has.
        return term(field, "\u{0}");
    }
    Box::new(BooleanQuery::new(
        values
            .iter()
            .map(|v| (Occur::Should, term(field, v)))
            .collect(),
    ))
}

pub(super) fn number(field: tantivy::schema::Field, value: i64) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_i64(field, value),
        IndexRecordOption::Basic,
    ))
}

fn range(field: tantivy::schema::Field, min: Option<i64>, max: Option<i64>) -> Box<dyn Query> {
    let bound = |v: Option<i64>| match v {
        Some(v) => Bound::Included(Term::from_field_i64(field, v)),
        None => Bound::Unbounded,
    };
    Box::new(RangeQuery::new(bound(min), bound(max)))
}

/// The words of a search, as the index stores them (stems without accents or stop words).
fn stems(mut analyzer: tantivy::tokenizer::TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split_whitespace().take(12) {
        let mut stream = analyzer.token_stream(word);
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
    }
    out.dedup();
    out
}

/// The clauses of documents of `kind` holding every word of `words`, in the title (which
/// weighs more) or in the other text: the words part of every kind's search.
pub(super) fn words_clauses(
    index: &SearchIndex,
    kind: &str,
    words: &str,
) -> Vec<(Occur, Box<dyn Query>)> {
    let f = &index.fields;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, term(f.kind, kind))];
    for stem in stems(index.analyzer.clone(), words) {
        let either: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.title, &stem),
                        IndexRecordOption::WithFreqs,
                    )),
                    2.0,
                )),
            ),
            (
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.body, &stem),
                    IndexRecordOption::WithFreqs,
                )),
            ),
        ];
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(either))));
    }
    clauses
}

/// Every word must be found, in the object (which weighs more) or in the other text.
fn query(index: &SearchIndex, filters: &ContractFilters) -> Box<dyn Query> {
    let f = &index.fields;
    let words = filters.q.as_deref().unwrap_or_default();
    let mut clauses = words_clauses(index, KIND, words);
    let mut filter = |q: Box<dyn Query>| clauses.push((Occur::Must, q));
    if let Some(y) = filters.year {
        filter(number(f.year, i64::from(y)));
    }
    if let Some(cpv) = &filters.cpv {
        filter(term(
            if cpv.len() == 2 {
                f.cpv_division
            } else {
                f.cpv_group
            },
            cpv,
        ));
    }
    if let Some(p) = &filters.procedure {
        filter(term(f.procedure, p));
    }
    if let Some(n) = &filters.nature {
        filter(term(f.nature, n));
    }
    if filters.min.is_some() || filters.max.is_some() {
        filter(range(
            f.amount,
            filters.min.map(|v| v.saturating_mul(100)),
            filters.max.map(|v| v.saturating_mul(100)),
        ));
    }
    if let Some(b) = &filters.buyer {
        filter(term(f.buyer, b));
    }
    if let Some(a) = &filters.awardee {
        filter(term(f.awardee, a));
    }
    if let Some(d) = &filters.dep {
        filter(term(f.departement, d));
    }
    if let Some(c) = &filters.commune {
        filter(term(f.commune, c));
    }
    if let Some(n) = filters.max_offers {
        filter(range(f.offers, None, Some(i64::from(n))));
    }
    if filters.social {
        filter(number(f.social, 1));
    }
    if filters.env {
        filter(number(f.environmental, 1));
    }
    if clauses.len() == 1 {
        // Contracts only: the index holds other kinds of documents too.
        return term(f.kind, KIND);
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Raw counts of a facet: (value, count), most frequent first.
pub type Counts = Vec<(String, u64)>;

/// One page of the explorer from the index: contract ids in order, the total, the facets.
#[derive(Clone, Debug, Default)]
pub struct Hits {
    pub ids: Vec<i32>,
    pub total: u64,
    pub page: u64,
    pub years: Counts,
    pub cpv_divisions: Counts,
    pub procedures: Counts,
    pub departements: Counts,
}

pub(super) fn ids_of(
    searcher: &Searcher,
    addrs: impl Iterator<Item = DocAddress>,
) -> Result<Vec<i32>, SearchError> {
    let mut columns = HashMap::new();
    let mut out = Vec::new();
    for a in addrs {
        let column = match columns.entry(a.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                searcher
                    .segment_reader(a.segment_ord)
                    .fast_fields()
                    .i64("id")?,
            ),
        };
        if let Some(id) = column.first(a.doc_id) {
            out.push(id as i32);
        }
    }
    Ok(out)
}

/// One page of a ranked query: its hits' addresses, the number of matches, each facet's counts
/// by name.
pub(super) struct Ranked {
    pub docs: Vec<DocAddress>,
    pub total: u64,
    pub facets: HashMap<String, Counts>,
}

/// Runs `q` with `collector`, counting the matches and the terms aggregations `aggs` (name,
/// field, number of values).
pub(super) fn top<C>(
    searcher: &Searcher,
    q: &dyn Query,
    collector: C,
    aggs: &[(&str, &str, u32)],
) -> Result<Ranked, SearchError>
where
    C: Collector,
    C::Fruit: IntoIterator,
    <C::Fruit as IntoIterator>::Item: HasAddress,
{
    let request: serde_json::Map<String, serde_json::Value> = aggs
        .iter()
        .map(|(name, field, size)| {
            (
                name.to_string(),
                serde_json::json!({ "terms": { "field": field, "size": size } }),
            )
        })
        .collect();
    let request: Aggregations = serde_json::from_value(serde_json::Value::Object(request))
        .map_err(|e| SearchError::Dir(format!("facets request: {e}")))?;
    let facets = AggregationCollector::from_aggs(request, AggContextParams::default());
    let (docs, total, results) = searcher.search(q, &(collector, Count, facets))?;
    let mut counts = HashMap::new();
    for (name, result) in results.0 {
        let AggregationResult::BucketResult(BucketResult::Terms { buckets, .. }) = result else {
            continue;
        };
        let values: Counts = buckets
            .into_iter()
            .map(|b| {
                let value = match b.key {
                    Key::Str(s) => s,
                    Key::I64(v) => v.to_string(),
                    Key::U64(v) => v.to_string(),
                    Key::F64(v) => (v as i64).to_string(),
                };
                (value, b.doc_count)
            })
            .collect();
        counts.insert(name, values);
    }
    Ok(Ranked {
        docs: docs.into_iter().map(|d| d.address()).collect(),
        total: total as u64,
        facets: counts,
    })
}

/// The explorer's facets: name, field, number of values.
const FACETS: [(&str, &str, u32); 4] = [
    ("years", "year", 40),
    ("cpv_divisions", "cpv_division", 60),
    ("procedures", "procedure", 20),
    ("departements", "departement", 120),
];

/// Runs the query of page `page` (from 1) with `run`; a page past the end gives the last one.
/// Returns the page's results and its number.
pub(super) fn paged(
    page: u64,
    per_page: u64,
    run: impl Fn(u64) -> Result<Ranked, SearchError>,
) -> Result<(Ranked, u64), SearchError> {
    let mut page = page.max(1);
    let mut ranked = run(page)?;
    let pages = ranked.total.div_ceil(per_page).max(1);
    if page > pages {
        page = pages;
        ranked.docs = run(page)?.docs;
    }
    Ok((ranked, page))
}

/// A ranked hit: whatever its sort key, it has an address.
pub trait HasAddress {
    fn address(&self) -> DocAddress;
}
impl<K> HasAddress for (K, DocAddress) {
    fn address(&self) -> DocAddress {
        self.1
    }
}

impl SearchIndex {
    /// The explorer's page `filters.page` (clamped to the last page), from the cache of pages
    /// answered since the last commit when it is there.
    pub fn search_contracts(&self, filters: &ContractFilters) -> Result<Hits, SearchError> {
        self.remembered("marches", &filters.to_query(filters.page), |searcher| {
            self.search_contracts_with(searcher, filters)
        })
    }

    /// The same without the cache (benchmarks).
    pub fn search_contracts_uncached(
        &self,
        filters: &ContractFilters,
    ) -> Result<Hits, SearchError> {
        self.search_contracts_with(&self.searcher(), filters)
    }

    fn search_contracts_with(
        &self,
        searcher: &Searcher,
        filters: &ContractFilters,
    ) -> Result<Hits, SearchError> {
        let q = query(self, filters);
        let run = |page: u64| {
            let limit = || {
                TopDocs::with_limit(PER_PAGE as usize).and_offset(((page - 1) * PER_PAGE) as usize)
            };
            let by = |field: &str, order: Order| {
                limit().order_by_fast_field::<i64>(field.to_string(), order)
            };
            match filters.sort {
                Sort::Relevance if filters.q.is_some() => {
                    top(searcher, &*q, limit().order_by_score(), &FACETS)
                }
                Sort::Relevance | Sort::DateDesc => {
                    top(searcher, &*q, by("date", Order::Desc), &FACETS)
                }
                Sort::DateAsc => top(searcher, &*q, by("date", Order::Asc), &FACETS),
                Sort::AmountDesc => top(searcher, &*q, by("amount", Order::Desc), &FACETS),
                Sort::AmountAsc => top(searcher, &*q, by("amount", Order::Asc), &FACETS),
            }
        };
        let (mut ranked, page) = paged(filters.page, PER_PAGE, run)?;
        let mut take = |name: &str| ranked.facets.remove(name).unwrap_or_default();
        Ok(Hits {
            ids: ids_of(searcher, ranked.docs.into_iter())?,
            total: ranked.total,
            page,
            years: take("years"),
            cpv_divisions: take("cpv_divisions"),
            procedures: take("procedures"),
            departements: take("departements"),
        })
    }

    /// The years of the contracts, newest first: read from the year column's bounds in each
    /// segment, without touching the documents (the explorer's year choices, on every page).
    pub fn contract_years(&self) -> Vec<i32> {
        let mut bounds: Option<(i64, i64)> = None;
        for segment in self.searcher().segment_readers() {
            let Ok(column) = segment.fast_fields().i64("year") else {
                continue;
            };
            if column.values.num_vals() == 0 {
                continue;
            }
            let (lo, hi) = (column.min_value(), column.max_value());
            bounds = Some(match bounds {
                Some((a, b)) => (a.min(lo), b.max(hi)),
                None => (lo, hi),
            });
        }
        match bounds {
            Some((lo, hi)) => (lo.max(1990)..=hi.min(2100))
                .rev()
                .map(|y| y as i32)
                .collect(),
            None => Vec::new(),
        }
    }

    /// The `n` best-ranked contracts for the words of `filters` (no count, no facets).
    pub fn top_contracts(
        &self,
        filters: &ContractFilters,
        n: usize,
    ) -> Result<Vec<i32>, SearchError> {
        let searcher = self.searcher();
        let q = query(self, filters);
        let top = searcher.search(&*q, &TopDocs::with_limit(n).order_by_score())?;
        ids_of(&searcher, top.into_iter().map(|(_, a)| a))
    }

    /// Every contract matching `filters`, in id order (exports).
    pub fn all_contract_ids(&self, filters: &ContractFilters) -> Result<Vec<i32>, SearchError> {
        let searcher = self.searcher();
        let q = query(self, filters);
        let docs = searcher.search(&*q, &DocSetCollector)?;
        let mut ids = ids_of(&searcher, docs.into_iter())?;
        ids.sort_unstable();
        Ok(ids)
    }
}
