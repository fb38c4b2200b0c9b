//! The full-text index (tantivy) beside the database.
//!
//! The database is the truth; the index is a copy that any server instance can rebuild. Every
//! change to a searchable row writes a `search_outbox` row in the same transaction; each instance
//! reads the outbox past its own high-water mark, which is stored in the index's own commit
//! (so the index and the mark can never disagree after a crash), and re-indexes those documents.
//! Ids of the outbox are allocated before their transactions commit, so a lower id can appear
//! after a higher one: the gaps seen are re-read for a while before being given up.
//!
//! An import in the same process hands its documents over directly ([`SearchIndex::apply`]) with
//! the outbox ids they answer: the follower then passes over those ids without reading their
//! documents back from the database (a million re-reads was most of an import's index time).

mod facets;
pub use facets::*;
mod outbox;
pub use outbox::*;

pub mod changed;
pub mod contracts;
mod labels;
pub mod offers;
pub mod orgs;
pub mod schema;

use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::server::infra::answers::Answers;
use crate::server::infra::entities::search_outbox;
pub use schema::Fields;

/// Outbox rows read per step of the follower.
const STEP: u64 = 5_000;
/// Documents staged at most before a commit (a commit writes a segment).
const COMMIT_EVERY: usize = 200_000;
/// How long a gap in the outbox ids is waited for (a transaction still running) before it is
/// taken for a rolled-back one.
const GAP_PATIENCE: Duration = Duration::from_secs(600);
/// List pages' answers (explorer, directory, catalogue) kept between two commits.
const CACHED_PAGES: usize = 2_000;
/// Gaps remembered at most.
const MAX_GAPS: usize = 5_000;
/// Memory of the index writer, split between its threads.
const WRITER_HEAP: usize = 128 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Dir(String),
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("the search index is in use by another process (stop the server first)")]
    Busy,
}

/// What the index's commits carry: the schema version and the last outbox id applied.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Payload {
    version: u32,
    mark: i64,
}

/// Outbox ids whose documents an import of this process has staged already, and how far the
/// follower has read the outbox. Staging and recording happen under one lock, and so do the
/// follower's sorting of what it read, a rollback and a rebuild's clearing: an id listed here
/// always has its document staged, and a document read back by the follower is never
/// overwritten by an older one of the import.
struct Applied {
    ids: HashSet<i64>,
    read_up_to: i64,
}

struct Follower {
    mark: i64,
    /// Outbox ids below the mark not seen yet, with when they were first missed.
    gaps: BTreeMap<i64, Instant>,
}

/// The index of one server instance. Cheap to clone.
#[derive(Clone)]
pub struct SearchIndex {
    reader: IndexReader,
    writer: Arc<Mutex<IndexWriter>>,
    follower: Arc<tokio::sync::Mutex<Follower>>,
    /// List pages already answered by the current searcher (the landing pages and popular
    /// searches are asked again and again): keyed by the searcher's generation, emptied by a
    /// commit.
    pages: Answers,
    /// The French analyzer of the text fields, built once (its stop-word set included).
    analyzer: tantivy::tokenizer::TextAnalyzer,
    /// What imports of this process have staged themselves (see [`Applied`]).
    applied: Arc<Mutex<Applied>>,
    pub fields: Fields,
}

impl SearchIndex {
    /// Opens the index in `dir` (created if missing). An index of another schema version, or
    /// one that cannot be read, is replaced by an empty one. The flag returned is true when the
    /// index holds nothing yet: the caller rebuilds it from the database.
    pub fn open(dir: &Path) -> Result<(SearchIndex, bool), SearchError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| SearchError::Dir(format!("{}: {e}", dir.display())))?;
        let (schema, _) = schema::build();
        let opened = MmapDirectory::open(dir)
            .map_err(|e| SearchError::Dir(e.to_string()))
            .and_then(|d| Index::open_or_create(d, schema.clone()).map_err(SearchError::from));
        let index = match opened {
            Ok(index) if payload(&index).version == schema::VERSION => index,
            Ok(index) if index.load_metas()?.payload.is_none() && is_empty(&index) => index,
            other => {
                // Never clear an index another process is writing (an older server running).
                if let Ok(index) = &other {
                    if let Err(tantivy::TantivyError::LockFailure(..)) =
                        index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
                    {
                        return Err(SearchError::Busy);
                    }
                }
                if let Err(e) = other {
                    tracing::warn!("search index unreadable, rebuilt: {e}");
                } else {
                    tracing::info!("search index of another version, rebuilt");
                }
                clear_dir(dir)?;
                let d = MmapDirectory::open(dir).map_err(|e| SearchError::Dir(e.to_string()))?;
                Index::open_or_create(d, schema)?
            }
        };
        let fresh = index.load_metas()?.payload.is_none();
        Ok((SearchIndex::wrap(index, 2, WRITER_HEAP)?, fresh))
    }

    /// An index in memory (tests, tools).
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, _) = schema::build();
        SearchIndex::wrap(Index::create_in_ram(schema), 1, 20_000_000)
    }

    fn wrap(index: Index, threads: usize, heap: usize) -> Result<SearchIndex, SearchError> {
        index
            .tokenizers()
            .register(schema::FRENCH, schema::french_analyzer());
        let writer = match index.writer_with_num_threads(threads, heap) {
            Ok(w) => w,
            Err(tantivy::TantivyError::LockFailure(..)) => return Err(SearchError::Busy),
            Err(e) => return Err(e.into()),
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let mark = payload(&index).mark;
        let (_, fields) = schema::build();
        Ok(SearchIndex {
            reader,
            writer: Arc::new(Mutex::new(writer)),
            follower: Arc::new(tokio::sync::Mutex::new(Follower {
                mark,
                gaps: BTreeMap::new(),
            })),
            pages: Answers::new(CACHED_PAGES),
            analyzer: schema::french_analyzer(),
            applied: Arc::new(Mutex::new(Applied {
                ids: HashSet::new(),
                read_up_to: mark,
            })),
            fields,
        })
    }

    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// The outbox id applied last.
    pub async fn mark(&self) -> i64 {
        self.follower.lock().await.mark
    }

    /// Whether this index has applied outbox rows the database does not have: it was built
    /// from another database (a SQLite file replaced, another PostgreSQL), and must be rebuilt.
    pub async fn is_ahead_of(&self, db: &DatabaseConnection) -> Result<bool, SearchError> {
        Ok(self.mark().await > max_outbox_id(db).await?)
    }

    /// Whether outbox rows this index has not read were pruned (it was stopped for longer than
    /// the retention): following cannot catch up, it must be rebuilt.
    pub async fn is_behind_pruning(&self, db: &DatabaseConnection) -> Result<bool, SearchError> {
        Ok(self.mark().await < pruned_up_to(db).await?)
    }

    /// The answer of `query` (a list page's query string) by the current searcher: kept from an
    /// earlier request of the same page, or computed by `run` and kept. The searcher's
    /// generation is in the key: an answer of a searcher that a commit has since replaced is
    /// never served.
    pub(crate) fn remembered<V: Clone + Send + Sync + 'static>(
        &self,
        page: &str,
        query: &str,
        run: impl FnOnce(&tantivy::Searcher) -> Result<V, SearchError>,
    ) -> Result<V, SearchError> {
        let searcher = self.searcher();
        let key = format!("{page}|{}|{query}", searcher.generation().generation_id());
        if let Some(answer) = self.pages.get::<V>(&key) {
            return Ok(answer);
        }
        let answer = run(&searcher)?;
        self.pages.put(key, answer.clone());
        Ok(answer)
    }

    /// Number of documents searchable now.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Replaces (or removes, when `doc` is None) documents; seen by searches after `commit`.
    fn stage(&self, changes: Vec<(String, Option<TantivyDocument>)>) -> Result<(), SearchError> {
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        for (key, doc) in changes {
            writer.delete_term(Term::from_field_text(self.fields.key, &key));
            if let Some(doc) = doc {
                writer.add_document(doc)?;
            }
        }
        Ok(())
    }

    /// Makes the staged changes searchable, with the mark they bring the index to.
    fn commit(&self, mark: i64) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(
            &serde_json::to_string(&Payload {
                version: schema::VERSION,
                mark,
            })
            .unwrap_or_default(),
        );
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        self.pages.clear();
        Ok(())
    }

    fn rollback(&self) {
        // What was staged is discarded, the documents of an import with it: their ids must be
        // read from the database again.
        let mut applied = self.applied.lock().unwrap_or_else(|p| p.into_inner());
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = writer.rollback() {
            tracing::error!("search index rollback failed: {e}");
        }
        applied.ids.clear();
    }

    /// Stages documents written by this process in a committed transaction, with the outbox ids
    /// that transaction wrote for them: the next `sync` commits them and passes over those ids.
    pub async fn apply(
        &self,
        docs: Vec<(String, Option<TantivyDocument>)>,
        outbox_ids: Vec<i64>,
    ) -> Result<(), SearchError> {
        self.blocking(move |this| {
            let mut applied = this.applied.lock().unwrap_or_else(|p| p.into_inner());
            // The follower has read these rows already and took the documents from the
            // database (as new as this or newer), or will read them as gaps: nothing to do.
            if outbox_ids.iter().any(|id| *id <= applied.read_up_to) {
                return Ok(());
            }
            this.stage(docs)?;
            applied.ids.extend(outbox_ids);
            Ok(())
        })
        .await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(SearchIndex) -> Result<T, SearchError> + Send + 'static,
    ) -> Result<T, SearchError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || f(this))
            .await
            .map_err(|e| SearchError::Dir(e.to_string()))?
    }

    /// Applies the outbox rows written since the last call. Returns how many documents were
    /// refreshed. Safe to call from several tasks: they take turns. A large backlog (a big
    /// import) is committed every `COMMIT_EVERY` documents rather than at every step.
    pub async fn sync(&self, db: &DatabaseConnection) -> Result<usize, SearchError> {
        let mut follower = self.follower.lock().await;
        let saved_gaps = follower.gaps.clone();
        match self.follow(db, &mut follower).await {
            Ok(n) => Ok(n),
            Err(e) => {
                // Nothing staged since the last commit counts: start again from there.
                self.rollback();
                follower.gaps = saved_gaps;
                Err(e)
            }
        }
    }

    async fn follow(
        &self,
        db: &DatabaseConnection,
        follower: &mut Follower,
    ) -> Result<usize, SearchError> {
        let mut refreshed = 0;
        let mut staged = 0;
        // Gaps given up on.
        let now = Instant::now();
        follower
            .gaps
            .retain(|_, seen| now.duration_since(*seen) < GAP_PATIENCE);
        let mut cursor = follower.mark;
        loop {
            let gap_ids: Vec<i64> = follower.gaps.keys().copied().collect();
            let mut cond = sea_orm::Condition::any().add(search_outbox::Column::Id.gt(cursor));
            if !gap_ids.is_empty() {
                cond = cond.add(search_outbox::Column::Id.is_in(gap_ids));
            }
            let rows = search_outbox::Entity::find()
                .filter(cond)
                .order_by_asc(search_outbox::Column::Id)
                .limit(STEP)
                .all(db)
                .await?;
            for r in &rows {
                if follower.gaps.remove(&r.id).is_none() {
                    for missing in cursor + 1..r.id {
                        follower.gaps.insert(missing, now);
                    }
                    cursor = cursor.max(r.id);
                }
            }
            // A flood of rolled-back ids must not grow the query without bound.
            while follower.gaps.len() > MAX_GAPS {
                follower.gaps.pop_first();
            }
            // Rows whose documents an import staged already are not read again.
            let fresh: Vec<&search_outbox::Model> = {
                let mut applied = self.applied.lock().unwrap_or_else(|p| p.into_inner());
                applied.read_up_to = applied.read_up_to.max(cursor);
                rows.iter().filter(|r| !applied.ids.remove(&r.id)).collect()
            };
            let mut changes = Vec::new();
            for kind in KINDS {
                let mut ids: Vec<i32> = fresh
                    .iter()
                    .filter(|r| r.doc_kind == kind)
                    .map(|r| r.doc_id)
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                changes.extend(documents(kind, db, &self.fields, &ids).await?);
            }
            refreshed += changes.len();
            staged += changes.len();
            self.blocking(move |this| this.stage(changes)).await?;
            let last_step = (rows.len() as u64) < STEP;
            if (last_step && (staged > 0 || cursor != follower.mark)) || staged >= COMMIT_EVERY {
                self.blocking(move |this| this.commit(cursor)).await?;
                follower.mark = cursor;
                staged = 0;
                // Ids the follower read from the database before the import recorded them will
                // never come again: forget them (gaps excepted, they may still come).
                self.applied
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .ids
                    .retain(|id| *id > cursor || follower.gaps.contains_key(id));
            }
            if last_step {
                break;
            }
        }
        Ok(refreshed)
    }

    /// Rebuilds every document from the database. The mark is taken before reading, so a change
    /// made during the rebuild is applied again by the next `sync` rather than lost.
    pub async fn rebuild(
        &self,
        db: &DatabaseConnection,
        progress: impl Fn(u64),
    ) -> Result<u64, SearchError> {
        let mut follower = self.follower.lock().await;
        let mark = max_outbox_id(db).await?;
        match self.refill(db, mark, &progress).await {
            Ok(done) => {
                self.blocking(move |this| this.commit(mark)).await?;
                follower.mark = mark;
                follower.gaps.clear();
                Ok(done)
            }
            Err(e) => {
                // The index stays as it was before the rebuild.
                self.rollback();
                Err(e)
            }
        }
    }

    async fn refill(
        &self,
        db: &DatabaseConnection,
        mark: i64,
        progress: &impl Fn(u64),
    ) -> Result<u64, SearchError> {
        {
            // Everything up to the mark is read again from the database, and what an import
            // staged before is deleted with the rest.
            let mut applied = self.applied.lock().unwrap_or_else(|p| p.into_inner());
            let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
            writer.delete_all_documents()?;
            applied.ids.clear();
            applied.read_up_to = applied.read_up_to.max(mark);
        }
        let mut done = 0u64;
        for kind in KINDS {
            let mut after = 0;
            loop {
                let (ids, last) = ids_after(kind, db, after, 5_000).await?;
                let Some(last) = last else { break };
                after = last;
                let changes = documents(kind, db, &self.fields, &ids).await?;
                // Private organisations, drafts… have no document.
                done += changes.iter().filter(|(_, d)| d.is_some()).count() as u64;
                self.blocking(move |this| this.stage(changes)).await?;
                progress(done);
            }
        }
        Ok(done)
    }

    /// Follows the outbox for ever (one step a second): the task of a serving instance.
    pub fn spawn_follower(&self, db: DatabaseConnection) {
        let this = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let step = match this.is_behind_pruning(&db).await {
                    Ok(true) => {
                        tracing::warn!("search index behind the pruned outbox: rebuilt");
                        this.rebuild(&db, |_| ()).await.map(|_| 0)
                    }
                    Ok(false) => this.sync(&db).await,
                    Err(e) => Err(e),
                };
                if let Err(e) = step {
                    tracing::warn!("search index follower: {e}");
                }
            }
        });
    }
}

/// Deletes the outbox rows written before `before`, and records how far it went. Returns the
/// Every kind of document the index holds.
const KINDS: [&str; 3] = [contracts::KIND, orgs::KIND, offers::KIND];

fn is_empty(index: &Index) -> bool {
    index
        .searchable_segment_metas()
        .map(|s| s.is_empty())
        .unwrap_or(false)
}

fn clear_dir(dir: &Path) -> Result<(), SearchError> {
    let err = |e: std::io::Error| SearchError::Dir(format!("{}: {e}", dir.display()));
    for entry in std::fs::read_dir(dir).map_err(err)? {
        let path = entry.map_err(err)?.path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path).map_err(err)?;
        } else {
            std::fs::remove_file(&path).map_err(err)?;
        }
    }
    Ok(())
}

/// Where the index lives when the configuration does not say: beside a SQLite file
/// (`data/passerelle.db` → `data/passerelle.search`), else `data/search`.
pub fn default_dir(database_url: &str) -> PathBuf {
    let sqlite_path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|p| !p.is_empty() && !p.contains(":memory:"));
    match sqlite_path {
        Some(p) => Path::new(p).with_extension("search"),
        None => PathBuf::from("data/search"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_lives_beside_a_sqlite_file() {
        assert_eq!(
            default_dir("sqlite://data/passerelle.db?mode=rwc"),
            PathBuf::from("data/passerelle.search")
        );
        assert_eq!(
            default_dir("sqlite:/var/lib/p.db"),
            PathBuf::from("/var/lib/p.search")
        );
        assert_eq!(
            default_dir("postgres://u@h/db"),
            PathBuf::from("data/search")
        );
        assert_eq!(default_dir("sqlite::memory:"), PathBuf::from("data/search"));
    }
}
