//! Interrupting a real `passerelle import decp` process mid-file, on SQLite and PostgreSQL:
//! killed (SIGKILL), it loses no committed batch and leaves no partial one, and a re-run
//! completes the file without duplicates; stopped (SIGTERM), it commits the batch it is writing
//! and closes its run as interrupted.

use app::server::infra::entities::{contract_sources, contracts, import_rejects, imports};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A consolidated DECP CSV of `rows` contracts, each its own (uid `T<i>`).
fn decp_csv(dir: &Path, rows: usize) -> PathBuf {
    use std::io::Write;
    let path = dir.join("decp-long.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(
        f,
        "uid,id,type,codeCPV,acheteur_id,acheteur_nom,titulaire_id,titulaire_nom,montant,dateNotification,procedure,dureeMois,offresRecues"
    )
    .unwrap();
    for i in 0..rows {
        writeln!(
            f,
            "T{i},{i},Services,90911200,21690123100011,Ville de Lyon,42199758600035,Nettoyage test (fictif),{},2025-03-01,Procédure adaptée,12,2",
            10_000 + i
        )
        .unwrap();
    }
    f.flush().unwrap();
    path
}

/// The rows of a given size per backend: several of the writer's batches (30,000 records on
/// SQLite, 20,000 through COPY on PostgreSQL), so that the process is caught mid-file.
fn rows_for(backend: &str) -> (usize, u64) {
    match backend {
        "sqlite" => (70_000, 30_000),
        _ => (50_000, 20_000),
    }
}

/// Starts `passerelle import decp file` on `url`.
fn spawn_import(url: &str, file: &Path, dir: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(["import", "decp"])
        .arg(file)
        .env("DATABASE_URL", url)
        .env("PASSERELLE_ENV", "development")
        .env("PASSERELLE_SEARCH_DIR", dir.join("index"))
        .env("PASSERELLE_MEDIA_DIR", dir.join("media"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the passerelle binary runs")
}

/// The newest import run.
async fn last_run(db: &DatabaseConnection) -> Option<imports::Model> {
    imports::Entity::find()
        .order_by_desc(imports::Column::Id)
        .one(db)
        .await
        .unwrap()
}

/// Waits until the newest run committed its first batch.
async fn first_batch(db: &DatabaseConnection, child: &mut Child) -> imports::Model {
    let until = Instant::now() + Duration::from_secs(180);
    loop {
        if let Some(run) = last_run(db).await.filter(|r| r.records > 0) {
            return run;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before its first batch"
        );
        assert!(Instant::now() < until, "no batch committed in 180 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What the run wrote: its sources and its rejects (one per record read).
async fn written(db: &DatabaseConnection, run: i32) -> u64 {
    contract_sources::Entity::find()
        .filter(contract_sources::Column::ImportId.eq(run))
        .count(db)
        .await
        .unwrap()
        + import_rejects::Entity::find()
            .filter(import_rejects::Column::ImportId.eq(run))
            .count(db)
            .await
            .unwrap()
}

fn wait_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let until = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < until,
            "the import did not exit in {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn temp_dir(key: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("passerelle-{key}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

both_dbs! {
    "kill_import",
    #[tokio::test]
    async fn an_import_killed_mid_file_keeps_whole_batches_and_a_rerun_completes_it(backend, url) {
        let dir = temp_dir("kill");
        let (rows, batch) = rows_for(backend);
        let file = decp_csv(&dir, rows);
        let db = app::server::infra::db::connect_and_migrate(&url).await.unwrap();

        let mut child = spawn_import(&url, &file, &dir);
        first_batch(&db, &mut child).await;
        child.kill().unwrap(); // SIGKILL: no handler, no last word
        child.wait().unwrap();

        let run = last_run(&db).await.unwrap();
        assert_eq!(run.status, "running", "{backend}: nobody closed it");
        assert!(run.records > 0 && (run.records as usize) < rows, "{backend}: killed mid-file ({} records)", run.records);
        assert_eq!(run.records as u64 % batch, 0, "{backend}: whole batches only ({} records)", run.records);
        assert_eq!(written(&db, run.id).await, run.records as u64, "{backend}: what the run says it wrote is all there, and nothing more");
        assert_eq!(contracts::Entity::find().count(&db).await.unwrap(), run.records as u64, "{backend}");

        let mut again = spawn_import(&url, &file, &dir);
        assert!(wait_exit(&mut again, Duration::from_secs(600)).success(), "{backend}: the re-run completes");
        let done = last_run(&db).await.unwrap();
        assert_eq!((done.status.as_str(), done.records as usize), ("done", rows), "{backend}");
        assert_eq!(contracts::Entity::find().count(&db).await.unwrap(), rows as u64, "{backend}: no duplicates");
        std::fs::remove_dir_all(&dir).ok();
    }
}

both_dbs! {
    "term_import",
    #[tokio::test]
    async fn an_import_stopped_by_sigterm_commits_its_batch_and_says_it_was_interrupted(backend, url) {
        let dir = temp_dir("term");
        let (rows, batch) = rows_for(backend);
        let file = decp_csv(&dir, rows);
        let db = app::server::infra::db::connect_and_migrate(&url).await.unwrap();

        let mut child = spawn_import(&url, &file, &dir);
        first_batch(&db, &mut child).await;
        let term = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(term.success());
        let status = wait_exit(&mut child, Duration::from_secs(120));
        assert!(!status.success(), "{backend}: an interrupted import is not a success");

        let run = last_run(&db).await.unwrap();
        assert_eq!(run.status, "failed", "{backend}");
        assert_eq!(run.error.as_deref(), Some(app::domain::decp::run::RunFailure::INTERRUPTED), "{backend}");
        assert!(run.finished_at.is_some(), "{backend}: closed by the process itself");
        assert!((run.records as usize) < rows, "{backend}: stopped before the end");
        assert_eq!(run.records as u64 % batch, 0, "{backend}: whole batches only");
        assert_eq!(written(&db, run.id).await, run.records as u64, "{backend}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
