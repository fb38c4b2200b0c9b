//! Answers kept while the data they were computed from has not changed.
//!
//! A list page's counts, facets and page of ids cost a scan of the data; the same page is
//! asked again and again between two writes. Each answer is kept under a key that names the
//! data's generation (the search index's, or the database's `data_generations` row for data
//! the index does not hold): a write moves the generation, so an answer computed before it is
//! never served after it, by this instance or another. Least recently used answers go first,
//! so a flood of distinct queries cannot push the memory past `capacity` answers nor keep the
//! popular pages out for long.

use lru::LruCache;
use std::any::Any;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

type Answer = Arc<dyn Any + Send + Sync>;

/// A bounded cache of answers of any type. Cheap to clone (shared).
#[derive(Clone)]
pub struct Answers {
    inner: Arc<Mutex<LruCache<String, Answer>>>,
}

impl Answers {
    pub fn new(capacity: usize) -> Answers {
        Answers {
            inner: Arc::new(Mutex::new(LruCache::new(
                NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
            ))),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, Answer>> {
        // A panic while holding the lock left a consistent map (every operation is one call).
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The answer kept under `key`, if it is there and of type `V`.
    pub fn get<V: Clone + Send + Sync + 'static>(&self, key: &str) -> Option<V> {
        let answer = self.lock().get(key).cloned()?;
        answer.downcast_ref::<V>().cloned()
    }

    /// Keeps `value` under `key`.
    pub fn put<V: Send + Sync + 'static>(&self, key: String, value: V) {
        self.lock().put(key, Arc::new(value));
    }

    /// Forgets everything (the index was replaced).
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Answers kept now.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The generation of a kind of data in the database (see the `data_generations` migration):
/// read at each request, one statement on two small tables, so that a write committed by any
/// instance is seen.
pub async fn generation(
    db: &impl sea_orm::ConnectionTrait,
    kind: &str,
) -> Result<i64, sea_orm::DbErr> {
    use sea_orm::{DbBackend, Statement};
    let backend = db.get_database_backend();
    // One statement: one snapshot of both tables, whatever a fold commits meanwhile.
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT n + (SELECT COUNT(*) FROM data_changes WHERE kind = $1) AS n \
             FROM data_generations WHERE kind = $1"
        }
        _ => {
            "SELECT n + (SELECT COUNT(*) FROM data_changes WHERE kind = ?1) AS n \
             FROM data_generations WHERE kind = ?1"
        }
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [kind.into()]))
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<i64>("", "n")?,
        None => 0,
    })
}

/// Folds the rows of `data_changes` into their generations, in one statement (its snapshot
/// sees the same rows in the delete and the sum: a generation never goes back). Run by the
/// hourly job; the rows of transactions still running are left for the next fold.
pub async fn fold_changes(db: &impl sea_orm::ConnectionTrait) -> Result<(), sea_orm::DbErr> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        // SQLite's triggers write the generations themselves.
        return Ok(());
    }
    db.execute_unprepared(
        "WITH folded AS (DELETE FROM data_changes RETURNING kind), \
         counted AS (SELECT kind, COUNT(*) AS c FROM folded GROUP BY kind) \
         UPDATE data_generations g SET n = g.n + counted.c FROM counted \
         WHERE g.kind = counted.kind",
    )
    .await?;
    Ok(())
}
