//! The portals fetched on a schedule (issue 26), against a local HTTP server started by each
//! test that serves real DECP rows (`fixtures/decp/tabular_2024H2_first12.csv`) the way a
//! publisher does — with an ETag, a redirect, a 500 before the answer, a body cut short, an
//! answer too slow, one too large, a 404 — on SQLite and PostgreSQL: each run reports what it
//! fetched and what went wrong, tries again what may pass, never imports twice, never crashes;
//! and two instances on one database run a source once.

use crate::common;

use app::domain::sources::{RunStatus, SourceForm, Trigger};
use app::server::infra::entities::{contracts, source_runs, sources as source_rows};
use app::server::sources::{self, fetch::Limits, Runner};
use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Router,
};
use common::TestApp;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DECP: &[u8] = include_bytes!("fixtures/decp/tabular_2024H2_first12.csv");
/// The fixture's distinct contracts (12 rows, two of them a second awardee).
const CONTRACTS: u64 = 10;
const ETAG: &str = "\"decp-2024h2-v1\"";

/// What the publisher has been asked, per address.
#[derive(Default)]
struct Asked {
    decp: AtomicU32,
    flaky: AtomicU32,
    slow: AtomicU32,
    missing: AtomicU32,
    not_modified: AtomicU32,
}

async fn decp(State(asked): State<Arc<Asked>>, headers: HeaderMap) -> Response {
    asked.decp.fetch_add(1, Ordering::SeqCst);
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == ETAG.as_bytes())
    {
        asked.not_modified.fetch_add(1, Ordering::SeqCst);
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [(header::ETAG, ETAG), (header::CONTENT_TYPE, "text/csv")],
        DECP,
    )
        .into_response()
}

/// A 500 the first time, then the file.
async fn flaky(State(asked): State<Arc<Asked>>, headers: HeaderMap) -> Response {
    if asked.flaky.fetch_add(1, Ordering::SeqCst) == 0 {
        return (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response();
    }
    decp(State(asked), headers).await
}

async fn slow(State(asked): State<Arc<Asked>>) -> Response {
    asked.slow.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(5)).await;
    DECP.into_response()
}

async fn missing(State(asked): State<Arc<Asked>>) -> Response {
    asked.missing.fetch_add(1, Ordering::SeqCst);
    StatusCode::NOT_FOUND.into_response()
}

/// A publisher on 127.0.0.1: its address and its counters.
async fn publisher() -> (String, Arc<Asked>) {
    let asked = Arc::new(Asked::default());
    let router = Router::new()
        .route("/decp.csv", get(decp))
        .route("/flaky.csv", get(flaky))
        .route("/slow.csv", get(slow))
        .route("/missing.csv", get(missing))
        .route("/moved", get(|| async { Redirect::to("/decp.csv") }))
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route("/huge.csv", get(|| async { vec![b'x'; 300_000] }))
        .route("/not-decp.csv", get(|| async { "bonjour\n" }))
        .with_state(asked.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), asked)
}

/// A publisher whose first answer stops in the middle of the body (the connection closed
/// before the announced length), then answers whole: its address and how often it was asked.
async fn cutting_publisher() -> (String, Arc<AtomicU32>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let asked = Arc::new(AtomicU32::new(0));
    let counter = asked.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    DECP.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let body = if n == 0 {
                    &DECP[..DECP.len() / 2]
                } else {
                    DECP
                };
                let _ = socket.write_all(body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{addr}/decp.csv"), asked)
}

/// Short limits, so that a timeout and the retries take a second, not minutes.
fn runner() -> Runner {
    Runner::new(
        Limits {
            connect: Duration::from_secs(2),
            read: Duration::from_millis(700),
            total: Duration::from_secs(3),
            max_bytes: 200_000,
            backoff_ms: 20,
            attempts: 3,
        },
        "http://127.0.0.1",
        std::env::temp_dir().join(format!("passerelle-test-sources-{}", std::process::id())),
    )
}

async fn add_source(app: &TestApp, name: &str, url: &str) -> i32 {
    let spec = SourceForm {
        name: name.into(),
        kind: "decp".into(),
        url: url.into(),
        every_hours: "24".into(),
        ..Default::default()
    }
    .check()
    .unwrap();
    sources::create(&app.db, &spec).await.unwrap().unwrap().id
}

async fn contracts_count(app: &TestApp) -> u64 {
    contracts::Entity::find().count(&app.db).await.unwrap()
}

async fn run(app: &TestApp, runner: &Runner, id: i32) -> source_runs::Model {
    sources::run(&app.db, None, runner, id, Trigger::Admin, None)
        .await
        .unwrap()
        .expect("the lease was free")
}

both_dbs! {
    "sources_decp",
    /// A DECP file fetched by address, imported once: asked again, the publisher says nothing
    /// changed (304) and nothing is read; through a redirect, the same contracts are updated,
    /// not duplicated.
    #[tokio::test]
    async fn a_decp_source_is_fetched_imported_and_not_imported_twice(backend, url) {
        let app = TestApp::new(&url).await;
        let (base, asked) = publisher().await;
        let runner = runner();
        let id = add_source(&app, "decp-etat", &format!("{base}/decp.csv")).await;
        let first = run(&app, &runner, id).await;
        assert_eq!(first.status, "done", "{backend}: {first:?}");
        assert_eq!((first.fetched, first.created, first.updated), (12, CONTRACTS as i32, 0));
        assert_eq!(first.rejected, 0);
        assert_eq!(first.attempts, 1);
        assert_eq!(first.bytes, DECP.len() as i64);
        assert!(first.import_id.is_some());
        assert_eq!(contracts_count(&app).await, CONTRACTS);
        let stored = source_rows::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(stored.etag.as_deref(), Some(ETAG));
        assert!(stored.lease_until.is_none(), "the lease is freed");
        assert!(stored.next_run_at > chrono::Utc::now() + chrono::Duration::hours(23));

        // Again: the ETag is sent back, the publisher answers 304, nothing is imported.
        let second = run(&app, &runner, id).await;
        assert_eq!(second.status, "unchanged", "{second:?}");
        assert_eq!((second.fetched, second.created), (0, 0));
        assert_eq!(asked.not_modified.load(Ordering::SeqCst), 1);
        assert_eq!(contracts_count(&app).await, CONTRACTS);

        // Through a redirect to the same file, without the ETag: read again, updated in place.
        let moved = add_source(&app, "decp-miroir", &format!("{base}/moved")).await;
        let third = run(&app, &runner, moved).await;
        assert_eq!(third.status, "done", "{third:?}");
        assert_eq!((third.created, third.updated), (0, CONTRACTS as i32));
        assert_eq!(contracts_count(&app).await, CONTRACTS);

        // The runs are listed newest first, with their counts.
        let (view, runs) = sources::detail(&app.db, id).await.unwrap().unwrap();
        assert_eq!(view.last.as_ref().unwrap().status, RunStatus::Unchanged);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[1].created, CONTRACTS as i32);
    }
}

both_dbs! {
    "sources_faults",
    /// What a publisher does wrong is reported, tried again when it may pass, and never
    /// crashes a run nor imports half a file.
    #[tokio::test]
    async fn a_publishers_faults_are_reported_and_retried_when_they_may_pass(backend, url) {
        let app = TestApp::new(&url).await;
        let (base, asked) = publisher().await;
        let runner = runner();

        // A 500, then the file: done on the second try.
        let flaky = add_source(&app, "flaky", &format!("{base}/flaky.csv")).await;
        let r = run(&app, &runner, flaky).await;
        assert_eq!((r.status.as_str(), r.attempts), ("done", 2), "{backend}: {r:?}");
        assert_eq!(contracts_count(&app).await, CONTRACTS);

        // Cut short, then whole: done on the second try, imported once.
        let (cut_url, cut_asked) = cutting_publisher().await;
        let cut = add_source(&app, "cut", &cut_url).await;
        let r = run(&app, &runner, cut).await;
        assert_eq!((r.status.as_str(), r.attempts), ("done", 2), "{r:?}");
        assert_eq!(cut_asked.load(Ordering::SeqCst), 2);
        assert_eq!((r.created, r.updated), (0, CONTRACTS as i32));

        // Too slow every time: three tries, then failed with the reason.
        let slow = add_source(&app, "slow", &format!("{base}/slow.csv")).await;
        let r = run(&app, &runner, slow).await;
        assert_eq!(r.status, "failed");
        assert_eq!(r.attempts, 3);
        assert_eq!(asked.slow.load(Ordering::SeqCst), 3);
        assert_eq!(r.error.as_deref(), Some("sources.error.timeout"), "{r:?}");

        // A 404 is not tried again.
        let missing = add_source(&app, "missing", &format!("{base}/missing.csv")).await;
        let r = run(&app, &runner, missing).await;
        assert_eq!((r.status.as_str(), r.attempts), ("failed", 1));
        assert_eq!(r.error.as_deref(), Some("sources.error.status"));
        assert_eq!(r.error_detail.as_deref(), Some("HTTP 404"));
        assert_eq!(asked.missing.load(Ordering::SeqCst), 1);

        // Larger than the limit: refused as it arrives, not tried again.
        let huge = add_source(&app, "huge", &format!("{base}/huge.csv")).await;
        let r = run(&app, &runner, huge).await;
        assert_eq!((r.status.as_str(), r.attempts), ("failed", 1));
        assert_eq!(r.error.as_deref(), Some("sources.error.too_large"));

        // Redirected forever: stopped after five.
        let looping = add_source(&app, "loop", &format!("{base}/loop")).await;
        let r = run(&app, &runner, looping).await;
        assert_eq!(r.status, "failed");
        assert_eq!(r.error.as_deref(), Some("sources.error.redirects"), "{r:?}");

        // Nobody listening: a network error, tried again, then failed.
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let gone = add_source(&app, "gone", &format!("http://{closed}/decp.csv")).await;
        let r = run(&app, &runner, gone).await;
        assert_eq!((r.status.as_str(), r.attempts), ("failed", 3));
        assert_eq!(r.error.as_deref(), Some("sources.error.network"));

        // Not a DECP file: fetched, then the importer's refusal is the run's.
        let odd = add_source(&app, "odd", &format!("{base}/not-decp.csv")).await;
        let r = run(&app, &runner, odd).await;
        assert_eq!(r.status, "failed", "{r:?}");
        assert!(r.error.as_deref().unwrap().starts_with("import."), "{r:?}");
        let stored = source_rows::Entity::find_by_id(odd).one(&app.db).await.unwrap().unwrap();
        assert!(stored.etag.is_none(), "a copy that failed is fetched again next time");

        // Nothing was imported twice, and every lease is free.
        assert_eq!(contracts_count(&app).await, CONTRACTS);
        for s in source_rows::Entity::find().all(&app.db).await.unwrap() {
            assert!(s.lease_until.is_none(), "{}", s.name);
        }
    }
}

both_dbs! {
    "sources_lease",
    /// Two instances on one database: a due source runs once, whichever asks first; a
    /// disabled source never runs; a source not due waits for its time.
    #[tokio::test]
    async fn two_instances_run_a_due_source_once(backend, url) {
        let app = TestApp::new(&url).await;
        let (base, asked) = publisher().await;
        let (one, two) = (runner(), runner());
        assert_ne!(one.owner, two.owner);
        let id = add_source(&app, "decp-etat", &format!("{base}/decp.csv")).await;
        let (a, b) = tokio::join!(
            sources::run_due(&app.db, None, &one),
            sources::run_due(&app.db, None, &two)
        );
        assert_eq!(a.unwrap() + b.unwrap(), 1, "{backend}");
        assert_eq!(asked.decp.load(Ordering::SeqCst), 1);
        let runs = source_runs::Entity::find().count(&app.db).await.unwrap();
        assert_eq!(runs, 1);
        // Not due again for a day.
        assert_eq!(sources::run_due(&app.db, None, &one).await.unwrap(), 0);
        // A lease held by another instance keeps even a forced run out.
        let held = source_rows::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
        let mut a: source_rows::ActiveModel = held.into();
        a.lease_until = Set(Some(chrono::Utc::now() + chrono::Duration::minutes(5)));
        a.lease_owner = Set(Some("another".into()));
        a.update(&app.db).await.unwrap();
        let refused = sources::run(&app.db, None, &one, id, Trigger::Admin, None)
            .await
            .unwrap();
        assert!(refused.is_none());
        // A lease past its time (its instance died) is taken over.
        let held = source_rows::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
        let mut a: source_rows::ActiveModel = held.into();
        a.lease_until = Set(Some(chrono::Utc::now() - chrono::Duration::minutes(1)));
        a.update(&app.db).await.unwrap();
        assert!(sources::run(&app.db, None, &one, id, Trigger::Admin, None)
            .await
            .unwrap()
            .is_some());
        // Disabled: neither the schedule nor a hand runs it.
        assert!(sources::set_enabled(&app.db, id, false).await.unwrap());
        assert!(sources::run(&app.db, None, &one, id, Trigger::Admin, None)
            .await
            .unwrap()
            .is_none());
    }
}

both_dbs! {
    "sources_config",
    /// The configuration file's sources are added, updated in place (history kept, the last
    /// copy's ETag forgotten when the address changes) and disabled once removed from it; the
    /// admin page's are left alone.
    #[tokio::test]
    async fn the_configuration_files_sources_are_kept_in_step(backend, url) {
        let app = TestApp::new(&url).await;
        let spec = |name: &str, url: &str| {
            SourceForm {
                name: name.into(),
                kind: "decp".into(),
                url: url.into(),
                every_hours: "12".into(),
                departments: "69".into(),
                ..Default::default()
            }
            .check()
            .unwrap()
        };
        let by_hand = add_source(&app, "a-la-main", "https://example.org/a.csv").await;
        sources::sync_config(&app.db, &[spec("decp", "https://example.org/decp.csv")])
            .await
            .unwrap();
        let listed = sources::list(&app.db).await.unwrap();
        let names: Vec<&str> = listed.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a-la-main", "decp"], "{backend}");
        let decp = listed.iter().find(|s| s.name == "decp").unwrap();
        assert!(decp.from_config && decp.enabled);
        assert_eq!(decp.every_minutes, 720);
        let mut a: source_rows::ActiveModel = source_rows::Entity::find_by_id(decp.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
        a.etag = Set(Some("\"x\"".into()));
        a.update(&app.db).await.unwrap();
        // Another address: same source, its ETag forgotten.
        sources::sync_config(&app.db, &[spec("decp", "https://example.org/decp-v2.csv")])
            .await
            .unwrap();
        let row = source_rows::Entity::find_by_id(decp.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(row.url, "https://example.org/decp-v2.csv");
        assert!(row.etag.is_none());
        // Removed from the file: disabled, kept; the hand-made one untouched.
        sources::sync_config(&app.db, &[]).await.unwrap();
        let row = source_rows::Entity::find_by_id(decp.id).one(&app.db).await.unwrap().unwrap();
        assert!(!row.enabled);
        let hand = source_rows::Entity::find_by_id(by_hand).one(&app.db).await.unwrap().unwrap();
        assert!(hand.enabled);
        // A name is taken once.
        let again = sources::create(&app.db, &spec("decp", "https://example.org/b.csv"))
            .await
            .unwrap();
        assert!(again.is_none());
    }
}

both_dbs! {
    "sources_admin",
    /// An administrator adds a source (every wrong field named, nothing stored), reads it now,
    /// and reads its run's counts on its page; nobody else may.
    #[tokio::test]
    async fn an_administrator_adds_a_source_and_reads_it_now(backend, url) {
        let app = TestApp::new(&url).await;
        let (base, _) = publisher().await;
        let admin = app.admin("admin@passerelle.example").await;
        let firm = app.signup("menuisier@exemple.fr").await;
        let form = |name: &str, url: &str, every: &str| {
            vec![
                ("form[name]".to_string(), name.to_string()),
                ("form[kind]".to_string(), "decp".to_string()),
                ("form[url]".to_string(), url.to_string()),
                ("form[every_hours]".to_string(), every.to_string()),
                ("form[departments]".to_string(), "69, 01".to_string()),
                ("form[sirets]".to_string(), String::new()),
            ]
        };
        // Wrong: each field named, nothing stored.
        let bad = form("Mon flux!", "file:///etc/passwd", "0");
        let (status, _, body) = app.post("/api/admin/sources/add", &refs(&bad), Some(&admin)).await;
        assert_eq!(status.as_u16(), 422, "{backend}: {body}");
        for field in ["name", "url", "every_hours"] {
            assert!(body.contains(&format!("\"{field}\"")), "{field}: {body}");
        }
        assert_eq!(source_rows::Entity::find().count(&app.db).await.unwrap(), 0);
        // Not an administrator: refused.
        let good = form("decp-etat", &format!("{base}/decp.csv"), "24");
        let (status, _, _) = app.post("/api/admin/sources/add", &refs(&good), Some(&firm)).await;
        assert_eq!(status.as_u16(), 403);
        let (status, _, _) = app.post("/api/admin/sources/add", &refs(&good), None).await;
        assert_eq!(status.as_u16(), 401);
        assert_eq!(source_rows::Entity::find().count(&app.db).await.unwrap(), 0);
        // Added; the same name again is refused.
        let (status, _, body) = app.post("/api/admin/sources/add", &refs(&good), Some(&admin)).await;
        assert!(status.is_success() || status.is_redirection(), "{status} {body}");
        let (status, _, body) = app.post("/api/admin/sources/add", &refs(&good), Some(&admin)).await;
        assert_eq!(status.as_u16(), 422);
        assert!(body.contains("sources.error.name_taken"), "{body}");
        let source = source_rows::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_eq!(source.departments, "69,01");
        // The list shows it, never read yet.
        let (status, _, page) = app.get("/admin/sources", Some(&admin)).await;
        assert_eq!(status.as_u16(), 200);
        assert!(page.contains("decp-etat") && page.contains("Jamais lue"), "{page}");
        let (_, _, page) = app.get("/admin/sources", Some(&firm)).await;
        assert!(!page.contains("decp-etat"));
        // Read now: in the background; the page then shows its counts.
        let id = source.id.to_string();
        let (status, _, body) = app
            .post("/api/admin/sources/run", &[("id", id.as_str())], Some(&admin))
            .await;
        assert!(status.is_success() || status.is_redirection(), "{status} {body}");
        let mut finished = None;
        for _ in 0..200 {
            let run = source_runs::Entity::find().one(&app.db).await.unwrap();
            if let Some(run) = run.filter(|r| r.status != "running") {
                finished = Some(run);
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let run = finished.expect("the run ended");
        assert_eq!((run.status.as_str(), run.created), ("done", CONTRACTS as i32));
        assert_eq!(run.trigger, "admin");
        assert!(run.started_by.is_some());
        let (status, _, page) = app.get(&format!("/admin/sources/{id}"), Some(&admin)).await;
        assert_eq!(status.as_u16(), 200);
        assert!(page.contains("terminée") && page.contains("à la main"), "{page}");
        assert!(page.contains("Rhône (69), Ain (01)"), "departments named: {page}");
        assert!(page.contains(&format!("/admin/imports/{}", run.import_id.unwrap())));
        // Disabled: a hand can no longer read it.
        let (status, _, _) = app
            .post("/api/admin/sources/enabled", &[("id", id.as_str()), ("on", "0")], Some(&admin))
            .await;
        assert!(status.is_success() || status.is_redirection());
        let (status, _, body) = app
            .post("/api/admin/sources/run", &[("id", id.as_str())], Some(&admin))
            .await;
        assert_eq!(status.as_u16(), 422, "{body}");
        assert!(body.contains("sources.already_running"), "{body}");
    }
}

/// A form's fields as the test client takes them.
fn refs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
