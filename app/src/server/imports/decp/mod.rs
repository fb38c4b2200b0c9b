//! Importing DECP files: the same code behind `passerelle import decp` and the admin upload page.
//! A reader thread streams records out of the file; this task normalises them and writes them
//! in batches (see [`Writer::batch_size`]), each in its own transaction with the import's
//! progress.

pub mod read;
pub mod report;
pub mod store;

use crate::domain::decp::run::{ImportRun, ImportStatus, RunFailure};
use crate::domain::decp::{normalise, run, values::shorten, Outcome};
use crate::server::infra::entities::imports;
use crate::server::infra::search::SearchIndex;
use read::{read_records, ReadError};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, Set};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use store::{Item, Refs, Writer};

/// Records read ahead of the normalisation (the reader thread runs this far in front).
const READ_AHEAD: usize = 8_000;

/// The process was asked to stop (SIGTERM, Ctrl-C): imports commit the batch being written,
/// read no further, and close as interrupted (a re-import completes them).
static STOPPING: AtomicBool = AtomicBool::new(false);
/// Imports running in this process.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// Asks the imports of this process to stop after the batch they are writing.
pub fn request_stop() {
    STOPPING.store(true, Ordering::SeqCst);
}

/// Whether the process was asked to stop.
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Waits until no import of this process runs, at most `limit`: true if none does.
pub async fn wait_idle(limit: std::time::Duration) -> bool {
    let until = tokio::time::Instant::now() + limit;
    while RUNNING.load(Ordering::SeqCst) > 0 {
        if tokio::time::Instant::now() >= until {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    true
}

/// Counts an import as running while it lives.
struct Running;

impl Running {
    fn start() -> Running {
        RUNNING.fetch_add(1, Ordering::SeqCst);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What the progress bar and the admin page show while an import runs.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub bytes_total: u64,
    pub bytes_read: u64,
    pub records: u64,
}

/// Imports one file. The import run is recorded (`imports`) before the first record, so a
/// failure is visible too; the returned row holds the totals, the report and any error.
/// With the search index of this process, each committed batch hands it its documents
/// (otherwise the index's follower reads them back through the outbox).
pub async fn import_file(
    db: &DatabaseConnection,
    search: Option<&SearchIndex>,
    path: &Path,
    display_name: &str,
    started_by: Option<i32>,
    on_progress: impl Fn(Progress),
) -> Result<imports::Model, DbErr> {
    let bytes_total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let run = start(db, display_name, bytes_total, started_by).await?;
    execute(db, search, run.id, path, display_name, on_progress).await
}

/// Records a new import run, before its first record is read.
pub async fn start(
    db: &DatabaseConnection,
    display_name: &str,
    bytes_total: u64,
    started_by: Option<i32>,
) -> Result<imports::Model, DbErr> {
    start_from(db, display_name, bytes_total, started_by, None).await
}

/// Opens a run started by `started_by` (none: the command line) from the address `ip`, and
/// records it in the audit trail, both or neither.
pub async fn start_from(
    db: &DatabaseConnection,
    display_name: &str,
    bytes_total: u64,
    started_by: Option<i32>,
    ip: Option<std::net::IpAddr>,
) -> Result<imports::Model, DbErr> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    let run = imports::ActiveModel {
        file_name: Set(display_name.chars().take(300).collect()),
        status: Set(ImportStatus::Running.as_str().into()),
        bytes_total: Set(bytes_total as i64),
        report: Set("{}".into()),
        started_by: Set(started_by),
        started_at: Set(chrono::Utc::now()),
        heartbeat_at: Set(Some(chrono::Utc::now())),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    crate::server::audit::record_from(
        &txn,
        started_by,
        ip,
        crate::domain::audit::Action::ImportStarted,
        crate::server::audit::Target::Import(run.id),
        format!("{} ({bytes_total} bytes)", run.file_name),
    )
    .await
    .map_err(|e| DbErr::Custom(format!("audit: {e:?}")))?;
    txn.commit().await?;
    Ok(run)
}

/// A run without a committed batch for this long has lost its process (a batch takes seconds).
pub const STALE_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// Closes the runs still marked running whose heartbeat stopped: their process died (crash,
/// restart); what they committed stays, and re-importing the file completes it.
pub async fn close_stale_runs(db: &DatabaseConnection) -> Result<u64, DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    let now = chrono::Utc::now();
    let res = imports::Entity::update_many()
        .col_expr(
            imports::Column::Status,
            Expr::value(ImportStatus::Failed.as_str()),
        )
        .col_expr(
            imports::Column::Error,
            Expr::value(RunFailure::Interrupted.key()),
        )
        .col_expr(
            imports::Column::ErrorDetail,
            Expr::value(Option::<String>::None),
        )
        .col_expr(imports::Column::FinishedAt, Expr::value(now))
        .filter(imports::Column::Status.eq(ImportStatus::Running.as_str()))
        .filter(imports::Column::HeartbeatAt.lt(now - STALE_AFTER))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Reads the file of a started run to its end (or its first unrecoverable error) and closes
/// the run with its status, format and error.
pub async fn execute(
    db: &DatabaseConnection,
    search: Option<&SearchIndex>,
    run_id: i32,
    path: &Path,
    display_name: &str,
    on_progress: impl Fn(Progress),
) -> Result<imports::Model, DbErr> {
    execute_via(db, None, search, run_id, path, display_name, on_progress).await
}

/// [`execute`] through a given writer rather than the database's own (the tests compare the
/// writers).
pub async fn execute_via(
    db: &DatabaseConnection,
    writer: Option<Writer>,
    search: Option<&SearchIndex>,
    run_id: i32,
    path: &Path,
    display_name: &str,
    on_progress: impl Fn(Progress),
) -> Result<imports::Model, DbErr> {
    let _running = Running::start();
    let outcome = run_import(db, writer, search, run_id, path, display_name, &on_progress).await;
    let mut done: imports::ActiveModel = imports::Entity::find_by_id(run_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("import {run_id}")))?
        .into();
    done.finished_at = Set(Some(chrono::Utc::now()));
    match outcome {
        Ok(format) => {
            done.status = Set(ImportStatus::Done.as_str().into());
            done.format = Set(Some(format.code().into()));
        }
        Err(RunError::Read(format, e)) => {
            done.status = Set(ImportStatus::Failed.as_str().into());
            done.format = Set(format.map(|f| f.code().into()));
            record_failure(
                &mut done,
                RunFailure::Read {
                    key: e.key().to_string(),
                    detail: shorten(&e.to_string(), 300),
                },
            );
        }
        Err(RunError::Db(e)) => {
            done.status = Set(ImportStatus::Failed.as_str().into());
            record_failure(&mut done, RunFailure::Database);
            tracing::error!("import {run_id} failed on the database: {e}");
        }
        Err(RunError::Stopped) => {
            done.status = Set(ImportStatus::Failed.as_str().into());
            record_failure(&mut done, RunFailure::Interrupted);
            tracing::warn!("import {run_id} stopped with the process after its last batch");
        }
    }
    done.update(db).await
}

/// A failure as the run's row stores it: its key, and what the file said.
fn record_failure(run: &mut imports::ActiveModel, failure: RunFailure) {
    run.error = Set(Some(failure.key().to_string()));
    run.error_detail = Set(failure.detail().map(str::to_string));
}

/// The most recent import runs, newest first.
pub async fn recent_runs(db: &DatabaseConnection, limit: u64) -> Result<Vec<ImportRun>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    close_stale_runs(db).await?;
    Ok(imports::Entity::find()
        .order_by_desc(imports::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_dto)
        .collect())
}

pub async fn find_run(db: &DatabaseConnection, id: i32) -> Result<Option<ImportRun>, DbErr> {
    close_stale_runs(db).await?;
    Ok(imports::Entity::find_by_id(id).one(db).await?.map(to_dto))
}

fn to_dto(m: imports::Model) -> ImportRun {
    ImportRun {
        id: m.id,
        reasons: run::reasons_of(&m.report),
        error: m
            .error
            .as_deref()
            .map(|key| RunFailure::stored(key, m.error_detail.as_deref())),
        file_name: m.file_name,
        format: m.format,
        status: m.status,
        bytes_total: m.bytes_total,
        bytes_read: m.bytes_read,
        records: m.records,
        accepted: m.accepted,
        warned: m.warned,
        rejected: m.rejected,
        started_at: m.started_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        finished_at: m
            .finished_at
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
    }
}

/// The rejects of a run as CSV (semicolon-separated, for French spreadsheets): record index,
/// field, reason in French, what was found, and the record as found.
pub async fn rejects_csv(db: &DatabaseConnection, run_id: i32) -> Result<String, DbErr> {
    use crate::domain::decp::Issue;
    use crate::server::infra::entities::import_rejects;
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let rows = import_rejects::Entity::find()
        .filter(import_rejects::Column::ImportId.eq(run_id))
        .order_by_asc(import_rejects::Column::RecordIndex)
        .all(db)
        .await?;
    let mut w = crate::server::infra::csv::CsvOut::with_delimiter(b';');
    let header = [
        "enregistrement",
        "champ",
        "motif",
        "valeur trouvée",
        "enregistrement brut",
    ];
    w.row(header);
    for r in rows {
        let issues: Vec<Issue> = serde_json::from_str(&r.reasons).unwrap_or_default();
        for i in issues {
            let reason = crate::i18n::tr(crate::i18n::Lang::Fr, &i.key);
            w.row([
                r.record_index.to_string().as_str(),
                &i.field,
                &reason,
                &i.detail,
                &r.raw,
            ]);
        }
    }
    // A BOM, so that spreadsheets read the accents right.
    w.text_with_bom()
        .map_err(|_| DbErr::Custom("csv: the rejects could not be written".into()))
}

enum RunError {
    Read(Option<read::Format>, ReadError),
    Db(DbErr),
    /// The process is stopping: the batches committed stay, the rest is for a re-import.
    Stopped,
}

async fn run_import(
    db: &DatabaseConnection,
    writer: Option<Writer>,
    search: Option<&SearchIndex>,
    import_id: i32,
    path: &Path,
    display_name: &str,
    on_progress: &impl Fn(Progress),
) -> Result<read::Format, RunError> {
    let bytes_total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let refs = Arc::new(Refs::load(db).await.map_err(RunError::Db)?);
    let writer = match writer {
        Some(w) => w,
        None => Writer::for_database(db).map_err(RunError::Db)?,
    };
    let (to_index, indexer) = match search {
        Some(search) => {
            let (tx, rx) = tokio::sync::mpsc::channel(2);
            (
                Some(tx),
                Some(tokio::spawn(index(search.clone(), refs.clone(), rx))),
            )
        }
        None => (None, None),
    };
    let outcome = read_and_write(
        &writer,
        to_index,
        import_id,
        path,
        display_name,
        bytes_total,
        on_progress,
        &refs,
    )
    .await;
    // Every batch handed over is in the index (staged) when the import returns.
    if let Some(indexer) = indexer {
        let _ = indexer.await;
    }
    outcome
}

/// The import proper: records read on a thread, normalised here, written in batches.
#[allow(clippy::too_many_arguments)]
async fn read_and_write(
    writer: &Writer,
    to_index: Option<tokio::sync::mpsc::Sender<store::Written>>,
    import_id: i32,
    path: &Path,
    display_name: &str,
    bytes_total: u64,
    on_progress: &impl Fn(Progress),
    refs: &Refs,
) -> Result<read::Format, RunError> {
    let file = std::fs::File::open(path)
        .map_err(|e| RunError::Read(None, ReadError::Io(e.to_string())))?;
    let bytes = Arc::new(AtomicU64::new(0));
    let (tx, mut rx) = tokio::sync::mpsc::channel::<read::RawRecord>(READ_AHEAD);
    let reader = tokio::task::spawn_blocking({
        let bytes = bytes.clone();
        move || read_records(file, bytes, |rec| tx.blocking_send(rec).is_ok())
    });
    // The format is known once the reader ends; until then, a sniff for the source rows' label.
    let format_hint = sniff_format_code(path);
    let batch_size = writer.batch_size();
    let mut batch = Vec::with_capacity(batch_size);
    let mut records = 0u64;
    let mut db_error = None;
    let mut writing: Option<tokio::task::JoinHandle<Result<(), DbErr>>> = None;
    let mut stopped = false;
    while let Some(rec) = rx.recv().await {
        if STOPPING.load(Ordering::Relaxed) {
            stopped = true;
            break;
        }
        records += 1;
        let source = rec
            .value
            .get("source")
            .and_then(|s| s.as_str())
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(display_name)
            .chars()
            .take(200)
            .collect::<String>();
        // The record is kept as text from here on: a parsed record takes several times the
        // memory of its text, and a batch holds thousands.
        let outcome = normalise(&rec.value, rec.hint, refs);
        let raw = store::raw_text(&rec.value);
        drop(rec.value);
        batch.push(match outcome {
            Outcome::Accepted { contract, warnings } => Item::Accepted {
                index: rec.index,
                contract,
                warnings,
                raw,
                source,
            },
            Outcome::Rejected { reasons } => Item::Rejected {
                index: rec.index,
                reasons,
                raw,
            },
        });
        if batch.len() >= batch_size {
            let items = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
            // Batches commit in order: the previous one ends before this one starts, while
            // the next one is normalised (one write in flight: reading and writing overlap).
            if let Err(e) = finish(writing.take()).await {
                db_error = Some(e);
                break;
            }
            on_progress(Progress {
                bytes_total,
                bytes_read: bytes.load(Ordering::Relaxed),
                records,
            });
            let writer = writer.clone();
            let read = bytes.load(Ordering::Relaxed) as i64;
            let to_index = to_index.clone();
            writing = Some(tokio::spawn(async move {
                write(
                    &writer,
                    to_index.as_ref(),
                    import_id,
                    format_hint,
                    items,
                    read,
                )
                .await
            }));
        }
    }
    if db_error.is_none() {
        if let Err(e) = finish(writing.take()).await {
            db_error = Some(e);
        }
    }
    // Dropping the receiver stops the reader if we broke out early.
    drop(rx);
    if let Some(e) = db_error {
        let _ = reader.await;
        return Err(RunError::Db(e));
    }
    if stopped {
        // The batch being written is committed; the one being gathered is not begun.
        let _ = reader.await;
        return Err(RunError::Stopped);
    }
    if !batch.is_empty() {
        let read = bytes.load(Ordering::Relaxed) as i64;
        write(
            writer,
            to_index.as_ref(),
            import_id,
            format_hint,
            batch,
            read,
        )
        .await
        .map_err(RunError::Db)?;
    }
    on_progress(Progress {
        bytes_total,
        bytes_read: bytes.load(Ordering::Relaxed),
        records,
    });
    match reader.await {
        Ok(Ok(format)) => Ok(format),
        Ok(Err(e)) => Err(RunError::Read(None, e)),
        Err(join) => {
            tracing::error!("the DECP reader panicked: {join}");
            Err(RunError::Read(None, ReadError::Io("internal error".into())))
        }
    }
}

/// Writes one batch, then hands what it wrote to the indexing task, if any.
async fn write(
    writer: &Writer,
    to_index: Option<&tokio::sync::mpsc::Sender<store::Written>>,
    import_id: i32,
    format: &str,
    items: Vec<Item>,
    bytes_read: i64,
) -> Result<(), DbErr> {
    let items = Arc::new(items);
    let mut attempt = 0;
    let written = loop {
        match writer
            .write_batch(import_id, format, &items, bytes_read, to_index.is_some())
            .await
        {
            // Two imports racing on PostgreSQL: the loser's batch is written again, after a
            // pause that grows and differs between them.
            Err(e) if crate::server::infra::db::is_transient(&e) && attempt < RETRIES => {
                attempt += 1;
                let pause = 20 * 2u64.pow(attempt) + rand_pause();
                tracing::info!("import {import_id}: batch retried ({e}), attempt {attempt}");
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
            other => break other?,
        }
    };
    if let Some(tx) = to_index {
        // The batch is committed: should the index task be gone, the follower reads it back.
        let _ = tx.send(written).await;
    }
    Ok(())
}

/// Hands the committed batches to the search index of this process, in commit order, while
/// the database writes the next ones.
async fn index(
    search: SearchIndex,
    refs: Arc<Refs>,
    mut batches: tokio::sync::mpsc::Receiver<store::Written>,
) {
    while let Some(written) = batches.recv().await {
        let (fields, refs) = (search.fields, refs.clone());
        let Ok((docs, outbox_ids)) =
            tokio::task::spawn_blocking(move || written.documents(&fields, &refs)).await
        else {
            continue;
        };
        if let Err(e) = search.apply(docs, outbox_ids).await {
            tracing::warn!("search index: an imported batch left to the follower: {e}");
        }
    }
}

/// Times a batch is written again after a serialization failure before the import fails.
const RETRIES: u32 = 8;

/// A few milliseconds that differ between two racing imports.
fn rand_pause() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::Instant::now()) % 50
}

/// Waits for a batch being written.
async fn finish(writing: Option<tokio::task::JoinHandle<Result<(), DbErr>>>) -> Result<(), DbErr> {
    match writing {
        None => Ok(()),
        Some(handle) => handle.await.unwrap_or_else(|join| {
            tracing::error!("a batch write panicked: {join}");
            Err(DbErr::Custom("batch write interrupted".into()))
        }),
    }
}

/// The format family from the first bytes, for labelling sources while the reader runs.
fn sniff_format_code(path: &Path) -> &'static str {
    use std::io::Read;
    let mut head = vec![0u8; 64 * 1024];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    read::format_family(&head[..n])
}
