//! Organisations of the directory in the index: one document per organisation that chose to be
//! public (the others have none), and the directory's word search.

use super::contracts::{ids_of, words_clauses};
use super::{Fields, SearchError, SearchIndex};
use crate::server::entities::{communes, naf_codes, organisations};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use tantivy::collector::TopDocs;
use tantivy::query::BooleanQuery;
use tantivy::TantivyDocument;

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
        let mut found: HashMap<i32, organisations::Model> =
            orgs.into_iter().map(|o| (o.id, o)).collect();
        for &id in chunk {
            let doc = found.remove(&id).map(|o| {
                let naf = o.naf_code.as_ref().and_then(|c| nafs.get(c));
                let place = o.commune_insee.as_ref().and_then(|c| places.get(c));
                document(f, &o, naf, place)
            });
            out.push((key(id), doc));
        }
    }
    Ok(out)
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
    }
    d
}

impl SearchIndex {
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
