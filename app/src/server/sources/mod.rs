//! The portals Passerelle fetches by itself (issue 26): the sources the operator configured
//! (configuration file or admin page), their schedule, and their runs. A run holds its source's
//! lease — a conditional update of the source's row, so two instances on one database never run
//! a source at once — fetches (`fetch`), reads and stores by kind (`decp`…), then records its
//! report and frees the lease with the next run's time.

pub mod boamp;
pub mod boamp_xml;
pub mod decp;
pub mod eforms_notice;
pub mod fetch;
pub mod ted;

use crate::domain::sources::{
    self as rules, RunReport, RunStatus, RunView, SourceKind, SourceSpec, SourceView, Trigger,
};
use crate::server::infra::entities::{source_runs, sources, users};
use crate::server::infra::search::SearchIndex;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::path::PathBuf;

/// How long a run may hold its source: the longest fetch and a large import after it. A
/// process that dies while running leaves its lease to expire.
pub const LEASE: chrono::Duration = chrono::Duration::hours(3);

/// The runs an admin page shows of a source.
pub const RUNS_SHOWN: u64 = 20;

/// What runs sources in this process: the HTTP client, this instance's name on the leases, and
/// where fetched files are written before they are read.
#[derive(Clone)]
pub struct Runner {
    pub fetcher: fetch::Fetcher,
    pub owner: String,
    pub work_dir: PathBuf,
    /// How alerts reach people, with the site's address for their links (none: no alerts, as
    /// for the command line).
    pub mail: Option<(crate::server::infra::mail::Mailer, String)>,
}

impl Runner {
    /// A runner with `limits`, named after this host and process.
    pub fn new(limits: fetch::Limits, public_url: &str, work_dir: PathBuf) -> Runner {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "passerelle".into());
        let owner = format!(
            "{}-{}-{}",
            host.chars().take(40).collect::<String>(),
            std::process::id(),
            uuid::Uuid::new_v4()
                .simple()
                .to_string()
                .get(..8)
                .unwrap_or("")
        );
        let agent = format!(
            "Passerelle/{} (+{})",
            env!("CARGO_PKG_VERSION"),
            public_url.trim_end_matches('/')
        );
        // rustls with the webpki roots compiled in: building the client has nothing to fail
        // on but the user agent's characters, and a public URL is ASCII; the plain agent then.
        let fetcher = fetch::Fetcher::new(limits.clone(), &agent).unwrap_or_else(|e| {
            tracing::error!("HTTP client: {e}");
            fetch::Fetcher::new(limits, "Passerelle").expect("an HTTP client")
        });
        Runner {
            fetcher,
            owner,
            work_dir,
            mail: None,
        }
    }

    /// The same runner, telling the alerts' owners of new live calls by `mailer`.
    pub fn with_mail(
        mut self,
        mailer: crate::server::infra::mail::Mailer,
        public_url: &str,
    ) -> Runner {
        self.mail = Some((mailer, public_url.to_string()));
        self
    }
}

/// Makes the stored sources match the configuration file's: added or updated by name (their
/// history kept), and those no longer in the file disabled. Sources added on the admin page are
/// left as they are.
pub async fn sync_config(db: &DatabaseConnection, specs: &[SourceSpec]) -> Result<(), DbErr> {
    let now = Utc::now();
    for spec in specs {
        let existing = sources::Entity::find()
            .filter(sources::Column::Name.eq(&spec.name))
            .one(db)
            .await?;
        match existing {
            Some(s) => {
                let changed_url = s.url != spec.url;
                let mut a: sources::ActiveModel = s.into();
                a.kind = Set(spec.kind.as_str().into());
                if changed_url {
                    // Another address: what the last one said of its copy means nothing here.
                    a.url = Set(spec.url.clone());
                    a.etag = Set(None);
                    a.last_modified = Set(None);
                    a.cursor = Set(None);
                }
                a.every_minutes = Set(spec.every_minutes);
                a.departments = Set(rules::join(&spec.departments));
                a.sirets = Set(rules::join(&spec.sirets));
                a.enabled = Set(true);
                a.from_config = Set(true);
                a.update(db).await?;
            }
            None => {
                insert(db, spec, true, now).await?;
            }
        }
    }
    let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
    sources::Entity::update_many()
        .col_expr(sources::Column::Enabled, Expr::value(false))
        .filter(sources::Column::FromConfig.eq(true))
        .filter(sources::Column::Name.is_not_in(names))
        .exec(db)
        .await?;
    Ok(())
}

async fn insert(
    db: &DatabaseConnection,
    spec: &SourceSpec,
    from_config: bool,
    now: DateTime<Utc>,
) -> Result<sources::Model, DbErr> {
    sources::ActiveModel {
        name: Set(spec.name.clone()),
        kind: Set(spec.kind.as_str().into()),
        url: Set(spec.url.clone()),
        every_minutes: Set(spec.every_minutes),
        departments: Set(rules::join(&spec.departments)),
        sirets: Set(rules::join(&spec.sirets)),
        enabled: Set(true),
        from_config: Set(from_config),
        // A new source runs at the scheduler's next turn.
        next_run_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Adds a source from the admin page: `None` when its name is taken.
pub async fn create(
    db: &DatabaseConnection,
    spec: &SourceSpec,
) -> Result<Option<sources::Model>, DbErr> {
    let taken = sources::Entity::find()
        .filter(sources::Column::Name.eq(&spec.name))
        .count(db)
        .await?
        > 0;
    if taken {
        return Ok(None);
    }
    insert(db, spec, false, Utc::now()).await.map(Some)
}

/// Takes `id`'s lease for this runner if it is free (and, unless `force`, if the source is due):
/// true when this runner holds it now. One conditional update: of two instances asking at once,
/// one gets it.
pub async fn claim(
    db: &DatabaseConnection,
    id: i32,
    owner: &str,
    force: bool,
) -> Result<bool, DbErr> {
    let now = Utc::now();
    let mut update = sources::Entity::update_many()
        .col_expr(sources::Column::LeaseUntil, Expr::value(now + LEASE))
        .col_expr(sources::Column::LeaseOwner, Expr::value(owner))
        .filter(sources::Column::Id.eq(id))
        .filter(sources::Column::Enabled.eq(true))
        .filter(
            Condition::any()
                .add(sources::Column::LeaseUntil.is_null())
                .add(sources::Column::LeaseUntil.lt(now)),
        );
    if !force {
        update = update.filter(sources::Column::NextRunAt.lte(now));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// The sources whose time has come and that nobody runs.
pub async fn due(db: &DatabaseConnection) -> Result<Vec<i32>, DbErr> {
    let now = Utc::now();
    sources::Entity::find()
        .select_only()
        .column(sources::Column::Id)
        .filter(sources::Column::Enabled.eq(true))
        .filter(sources::Column::NextRunAt.lte(now))
        .filter(
            Condition::any()
                .add(sources::Column::LeaseUntil.is_null())
                .add(sources::Column::LeaseUntil.lt(now)),
        )
        .order_by_asc(sources::Column::NextRunAt)
        .into_tuple()
        .all(db)
        .await
}

/// What a run of one kind found and did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub status: Option<RunStatus>,
    pub attempts: i32,
    pub bytes: i64,
    pub fetched: i32,
    pub created: i32,
    pub updated: i32,
    pub rejected: i32,
    /// Why it failed: the i18n key and what was found.
    pub error: Option<(String, String)>,
    pub report: RunReport,
    pub import_id: Option<i32>,
    /// Kept for the next run, when the copy was read and stored.
    pub validators: Option<fetch::Validators>,
    pub cursor: Option<String>,
}

impl Outcome {
    /// This run, failed now: what the earlier pages stored stays counted (the next run starts
    /// again from the same cursor).
    pub fn failing(self, attempts: u32, key: &str, detail: impl Into<String>) -> Outcome {
        Outcome {
            fetched: self.fetched,
            created: self.created,
            updated: self.updated,
            rejected: self.rejected,
            bytes: self.bytes,
            report: self.report,
            ..Outcome::failed(attempts, key, detail)
        }
    }

    pub fn failed(attempts: u32, key: &str, detail: impl Into<String>) -> Outcome {
        Outcome {
            status: Some(RunStatus::Failed),
            attempts: attempts as i32,
            error: Some((key.into(), detail.into())),
            ..Default::default()
        }
    }
}

/// The source's file, fetched.
pub struct Copy {
    /// In the runner's work folder; removed when dropped, whatever happens.
    pub file: tempfile::NamedTempFile,
    pub bytes: u64,
    /// The publisher's, to keep once the copy is read.
    pub validators: fetch::Validators,
    pub attempts: u32,
}

/// Fetches the source's address into a temporary file, the publisher's validators of the last
/// read copy sent back: the copy, or the outcome that ends the run (nothing changed, a failure).
pub async fn fetch_copy(
    runner: &Runner,
    source: &sources::Model,
    progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
) -> Result<Copy, Outcome> {
    let io_failed = |e: std::io::Error| Outcome::failed(0, "sources.error.io", e.to_string());
    std::fs::create_dir_all(&runner.work_dir).map_err(io_failed)?;
    let copy = tempfile::Builder::new()
        .prefix("source-")
        .tempfile_in(&runner.work_dir)
        .map_err(io_failed)?;
    let mut file = tokio::fs::File::from_std(copy.reopen().map_err(io_failed)?);
    let validators = fetch::Validators {
        etag: source.etag.clone(),
        last_modified: source.last_modified.clone(),
    };
    let (fetched, attempts) = runner
        .fetcher
        .fetch(
            &source.url,
            &validators,
            &mut fetch::Sink::File(&mut file),
            progress,
        )
        .await;
    drop(file);
    match fetched {
        Ok(fetch::Fetched::NotModified) => Err(Outcome {
            status: Some(RunStatus::Unchanged),
            attempts: attempts as i32,
            ..Default::default()
        }),
        Ok(fetch::Fetched::Body {
            bytes, validators, ..
        }) => Ok(Copy {
            file: copy,
            bytes,
            validators,
            attempts,
        }),
        Err(e) => Err(Outcome::failed(attempts, e.key(), e.to_string())),
    }
}

/// Where a run is, for a progress bar: bytes fetched (of the announced length), then bytes
/// of the copy read by the importer.
#[derive(Clone, Copy, Debug)]
pub enum Stage {
    Fetching { bytes: u64, total: Option<u64> },
    Importing { bytes: u64, total: u64 },
}

/// A progress callback (the command line's bar; nothing elsewhere).
pub type Progress<'a> = &'a (dyn Fn(Stage) + Send + Sync);

/// Runs source `id` if this runner gets its lease (a scheduled run only when it is due):
/// the finished run, or `None` when another instance holds it (or it is not due, or disabled).
pub async fn run(
    db: &DatabaseConnection,
    search: Option<&SearchIndex>,
    runner: &Runner,
    id: i32,
    trigger: Trigger,
    started_by: Option<i32>,
) -> Result<Option<source_runs::Model>, DbErr> {
    run_reporting(db, search, runner, id, trigger, started_by, &|_| {}).await
}

/// [`run`], telling `progress` where it is.
pub async fn run_reporting(
    db: &DatabaseConnection,
    search: Option<&SearchIndex>,
    runner: &Runner,
    id: i32,
    trigger: Trigger,
    started_by: Option<i32>,
    progress: Progress<'_>,
) -> Result<Option<source_runs::Model>, DbErr> {
    if !claim(db, id, &runner.owner, trigger != Trigger::Schedule).await? {
        return Ok(None);
    }
    run_held(db, search, runner, id, trigger, started_by, progress)
        .await
        .map(Some)
}

/// Runs source `id`, whose lease this runner holds (`claim`), then frees the lease with the
/// next run's time, whatever happened.
pub async fn run_held(
    db: &DatabaseConnection,
    search: Option<&SearchIndex>,
    runner: &Runner,
    id: i32,
    trigger: Trigger,
    started_by: Option<i32>,
    progress: Progress<'_>,
) -> Result<source_runs::Model, DbErr> {
    let result = run_claimed(db, search, runner, id, trigger, started_by, progress).await;
    if let Err(e) = &result {
        // The database failed under the run: its row says so rather than "running" forever.
        tracing::error!("source {id}: {e}");
        source_runs::Entity::update_many()
            .col_expr(
                source_runs::Column::Status,
                Expr::value(RunStatus::Failed.as_str()),
            )
            .col_expr(
                source_runs::Column::Error,
                Expr::value("import.error.database"),
            )
            .col_expr(source_runs::Column::FinishedAt, Expr::value(Utc::now()))
            .filter(source_runs::Column::SourceId.eq(id))
            .filter(source_runs::Column::Status.eq(RunStatus::Running.as_str()))
            .exec(db)
            .await?;
    }
    let source = sources::Entity::find_by_id(id).one(db).await?;
    if let Some(source) = source {
        let next = Utc::now() + chrono::Duration::minutes(source.every_minutes.max(1) as i64);
        sources::Entity::update_many()
            .col_expr(
                sources::Column::LeaseUntil,
                Expr::value(None::<DateTime<Utc>>),
            )
            .col_expr(sources::Column::LeaseOwner, Expr::value(None::<String>))
            .col_expr(sources::Column::NextRunAt, Expr::value(next))
            .filter(sources::Column::Id.eq(id))
            .filter(sources::Column::LeaseOwner.eq(&runner.owner))
            .exec(db)
            .await?;
    }
    result
}

async fn run_claimed(
    db: &DatabaseConnection,
    search: Option<&SearchIndex>,
    runner: &Runner,
    id: i32,
    trigger: Trigger,
    started_by: Option<i32>,
    progress: Progress<'_>,
) -> Result<source_runs::Model, DbErr> {
    let source = sources::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("source {id}")))?;
    let started = source_runs::ActiveModel {
        source_id: Set(id),
        trigger: Set(trigger.as_str().into()),
        started_by: Set(started_by),
        started_at: Set(Utc::now()),
        status: Set(RunStatus::Running.as_str().into()),
        report: Set("{}".into()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let outcome = match SourceKind::parse(&source.kind) {
        Some(SourceKind::Decp) => {
            decp::run(db, search, runner, &source, started_by, progress).await
        }
        Some(SourceKind::Boamp) => boamp::run(db, runner, &source).await,
        Some(SourceKind::BoampXml) => boamp_xml::run(db, runner, &source).await,
        Some(SourceKind::Ted) => ted::run(db, runner, &source).await,
        None => Outcome::failed(0, "sources.error.kind", source.kind.clone()),
    };
    let status = outcome.status.unwrap_or(RunStatus::Done);
    if status != RunStatus::Failed {
        let mut s: sources::ActiveModel = source.clone().into();
        if let Some(v) = &outcome.validators {
            s.etag = Set(v.etag.clone());
            s.last_modified = Set(v.last_modified.clone());
        }
        if outcome.cursor.is_some() {
            s.cursor = Set(outcome.cursor.clone());
        }
        s.update(db).await?;
    }
    let mut done: source_runs::ActiveModel = started.into();
    done.finished_at = Set(Some(Utc::now()));
    done.status = Set(status.as_str().into());
    done.attempts = Set(outcome.attempts);
    done.bytes = Set(outcome.bytes);
    done.fetched = Set(outcome.fetched);
    done.created = Set(outcome.created);
    done.updated = Set(outcome.updated);
    done.rejected = Set(outcome.rejected);
    if let Some((key, detail)) = &outcome.error {
        done.error = Set(Some(key.chars().take(80).collect()));
        done.error_detail = Set(Some(detail.chars().take(400).collect()));
    }
    done.report = Set(serde_json::to_string(&outcome.report).unwrap_or_else(|_| "{}".into()));
    done.import_id = Set(outcome.import_id);
    let done = done.update(db).await?;
    tracing::info!(
        "source {} ({}): {} — {} fetched, {} new, {} updated, {} rejected, {} tries",
        source.name,
        source.kind,
        done.status,
        done.fetched,
        done.created,
        done.updated,
        done.rejected,
        done.attempts
    );
    Ok(done)
}

/// Stores a notice a source read, counts it on `outcome`, and tells the programming's instant
/// alerts of a new live call (the runner's mailer; none from the command line).
pub(crate) async fn store_notice(
    db: &DatabaseConnection,
    runner: &Runner,
    source: &sources::Model,
    origin: &str,
    n: &crate::domain::notices::Notice,
    outcome: &mut Outcome,
) -> Result<(), DbErr> {
    use crate::domain::notices::NoticeKind;
    use crate::server::notices::{self, Stored};
    match notices::store(db, Some(source.id), origin, n).await? {
        (Stored::Created, stored) => {
            outcome.created += 1;
            let live = stored.kind.as_deref() == Some(NoticeKind::Contract.as_str())
                && stored.plan_id.is_none();
            if let (true, Some((mailer, public_url))) = (live, &runner.mail) {
                if let Err(e) =
                    crate::server::alerts::on_new_call(db, mailer, public_url, &stored).await
                {
                    tracing::warn!("alerts on notice {}: {e:?}", stored.notice_id);
                }
            }
        }
        (Stored::Updated, _) => outcome.updated += 1,
    }
    Ok(())
}

/// Runs every source that is due, one after the other: the scheduler's turn (each instance
/// takes its turn; the leases keep a source to one of them).
pub async fn run_due(
    db: &DatabaseConnection,
    search: Option<&SearchIndex>,
    runner: &Runner,
) -> Result<usize, DbErr> {
    let mut ran = 0;
    for id in due(db).await? {
        if run(db, search, runner, id, Trigger::Schedule, None)
            .await?
            .is_some()
        {
            ran += 1;
        }
    }
    Ok(ran)
}

fn when(t: DateTime<Utc>) -> String {
    crate::domain::sourcing::paris_text(t)
}

/// A run as the admin page shows it.
pub fn run_view(r: source_runs::Model, started_by: Option<String>) -> RunView {
    RunView {
        id: r.id,
        trigger: r.trigger,
        started_by,
        started_at: when(r.started_at),
        finished_at: r.finished_at.map(when),
        status: RunStatus::parse(&r.status).unwrap_or(RunStatus::Failed),
        attempts: r.attempts,
        bytes: r.bytes,
        fetched: r.fetched,
        created: r.created,
        updated: r.updated,
        rejected: r.rejected,
        error: r.error,
        error_detail: r.error_detail,
        report: serde_json::from_str(&r.report).unwrap_or_default(),
        import_id: r.import_id,
    }
}

/// Every source with its last run, by name.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<SourceView>, DbErr> {
    let now = Utc::now();
    let mut out = Vec::new();
    for s in sources::Entity::find()
        .order_by_asc(sources::Column::Name)
        .all(db)
        .await?
    {
        let last = runs(db, s.id, 1).await?.into_iter().next();
        out.push(view(s, last, now));
    }
    Ok(out)
}

fn view(s: sources::Model, last: Option<RunView>, now: DateTime<Utc>) -> SourceView {
    SourceView {
        id: s.id,
        kind: SourceKind::parse(&s.kind).unwrap_or(SourceKind::Decp),
        running: s.lease_until.is_some_and(|t| t > now),
        next_run_at: when(s.next_run_at),
        departments: rules::split(&s.departments)
            .into_iter()
            .map(
                |d| match crate::server::infra::reference::department_names().get(&d) {
                    Some(name) => format!("{name} ({d})"),
                    None => d,
                },
            )
            .collect(),
        sirets: rules::split(&s.sirets).len(),
        name: s.name,
        url: s.url,
        every_minutes: s.every_minutes,
        enabled: s.enabled,
        from_config: s.from_config,
        last,
    }
}

/// One source and its last runs, newest first.
pub async fn detail(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Option<(SourceView, Vec<RunView>)>, DbErr> {
    let Some(s) = sources::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let runs = runs(db, id, RUNS_SHOWN).await?;
    Ok(Some((view(s, runs.first().cloned(), Utc::now()), runs)))
}

async fn runs(db: &DatabaseConnection, id: i32, limit: u64) -> Result<Vec<RunView>, DbErr> {
    let rows = source_runs::Entity::find()
        .filter(source_runs::Column::SourceId.eq(id))
        .order_by_desc(source_runs::Column::StartedAt)
        .order_by_desc(source_runs::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let people: Vec<i32> = rows.iter().filter_map(|r| r.started_by).collect();
    let names: std::collections::HashMap<i32, String> = if people.is_empty() {
        Default::default()
    } else {
        users::Entity::find()
            .filter(users::Column::Id.is_in(people))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let who = r.started_by.and_then(|u| names.get(&u).cloned());
            run_view(r, who)
        })
        .collect())
}

/// Turns a source on or off (a disabled source is never run, by schedule or by hand).
pub async fn set_enabled(db: &DatabaseConnection, id: i32, enabled: bool) -> Result<bool, DbErr> {
    let r = sources::Entity::update_many()
        .col_expr(sources::Column::Enabled, Expr::value(enabled))
        .filter(sources::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}
