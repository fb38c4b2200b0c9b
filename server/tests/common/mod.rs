//! Test harness: the real router on a real database — a fresh SQLite file, and a fresh
//! PostgreSQL database when TEST_DATABASE_URL is set (required when PASSERELLE_REQUIRE_PG=1).
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use server::config::Config;
use tower::ServiceExt;

/// The database backends to run a test on: ("sqlite", url) and, if configured, ("postgres", url).
pub async fn backends(test: &str) -> Vec<(&'static str, String)> {
    let mut out = vec![("sqlite", sqlite_ready_url(test).await)];
    out.extend(postgres_url(test).await.map(|url| ("postgres", url)));
    out
}

/// A fresh, empty SQLite file for the test (this process's own folder).
fn sqlite_url(test: &str) -> String {
    format!("sqlite://{}?mode=rwc", sqlite_path(test).display())
}

fn sqlite_path(test: &str) -> std::path::PathBuf {
    let tmp = std::env::temp_dir();
    let dir = tmp.join(format!("passerelle-tests-{}", std::process::id()));
    if !dir.exists() {
        remove_finished_dirs(&tmp);
    }
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{test}.db"));
    let _ = std::fs::remove_file(&path);
    path
}

/// Removes the folders of test processes that have ended (each holds a few databases of
/// 20 MB): without this, every run would leave gigabytes in the temporary directory.
fn remove_finished_dirs(tmp: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("passerelle-tests-") else {
            continue;
        };
        if pid
            .parse::<u32>()
            .is_ok_and(|p| !std::path::Path::new(&format!("/proc/{p}")).exists())
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A fresh SQLite file already migrated and holding the reference data: a copy of a template
/// made once per schema (as for PostgreSQL, [`pg_template`]), by the first process that needs
/// it — migrating and loading 45,000 reference rows took each test a few seconds.
async fn sqlite_ready_url(test: &str) -> String {
    let tmp = std::env::temp_dir();
    let template = tmp.join(format!("passerelle-template-{}.db", schema_digest()));
    let path = sqlite_path(test);
    if std::fs::copy(&template, &path).is_err() {
        // Built under this process's own name, then renamed: processes racing to build it each
        // write a whole one, and a reader never sees half of one.
        let building = tmp.join(format!(
            "passerelle-template-{}.{}",
            schema_digest(),
            std::process::id()
        ));
        let _ = std::fs::remove_file(&building);
        let db = app::server::infra::db::connect_and_migrate(&format!(
            "sqlite://{}?mode=rwc",
            path.display()
        ))
        .await
        .expect("template migrated");
        app::server::infra::reference::load(&db)
            .await
            .expect("template's reference data");
        db.execute_unprepared(&format!("VACUUM INTO '{}'", building.display()))
            .await
            .expect("template written");
        db.close().await.unwrap();
        std::fs::rename(&building, &template).unwrap();
        // The templates of other schemas are of no more use.
        if let Ok(entries) = std::fs::read_dir(&tmp) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with("passerelle-template-")
                    && name.ends_with(".db")
                    && e.path() != template
                {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
    format!("sqlite://{}?mode=rwc", path.display())
}

/// A fresh PostgreSQL database for the test when TEST_DATABASE_URL is set, already migrated
/// and holding the reference data (a copy of a template, see [`pg_template`]); none otherwise,
/// and a failure then if PASSERELLE_REQUIRE_PG says PostgreSQL must be there.
async fn postgres_url(test: &str) -> Option<String> {
    postgres_database(test, true).await
}

/// A fresh PostgreSQL database, empty (for the tests of migrations and of the reference data's
/// loading) or a copy of the template.
async fn postgres_database(test: &str, from_template: bool) -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("passerelle_test_{}_{}", test, std::process::id());
            // One connection: the advisory lock below belongs to a connection.
            let admin = sea_orm::Database::connect(
                sea_orm::ConnectOptions::new(admin_url.clone())
                    .max_connections(1)
                    .sqlx_logging(false)
                    .to_owned(),
            )
            .await
            .expect("TEST_DATABASE_URL reachable");
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin_url);
            admin
                .execute_unprepared(&format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})"))
                .await
                .unwrap();
            drop_finished(&admin).await;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .unwrap();
            let template = if from_template {
                format!(" TEMPLATE {}", pg_template(&admin, &base).await)
            } else {
                String::new()
            };
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}{template}"))
                .await
                .unwrap();
            admin
                .execute_unprepared(&format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})"))
                .await
                .unwrap();
            admin.close().await.unwrap();
            Some(format!("{base}/{name}"))
        }
        _ => {
            assert!(
                std::env::var("PASSERELLE_REQUIRE_PG").is_err(),
                "PASSERELLE_REQUIRE_PG is set but TEST_DATABASE_URL is not"
            );
            None
        }
    }
}

/// The advisory lock under which test processes make, copy and drop databases (PostgreSQL
/// copies a template only while no one else is connected to it).
const TEMPLATE_LOCK: i64 = 0x5041_5353_4552;

/// The name of the template database of this schema — migrated, reference data loaded —,
/// made by the first test process that needs it. Every test used to migrate and load its own
/// database (≈ 5 s each, the largest part of the suite's time on PostgreSQL); a copy takes a
/// fraction of a second. The name carries a digest of the migrations and the reference data,
/// so a changed schema gets a new template (and the others are dropped). Called under the lock.
async fn pg_template(admin: &DatabaseConnection, base: &str) -> String {
    let name = format!("passerelle_template_{}", schema_digest());
    let exists = admin
        .query_one_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .unwrap()
        .is_some();
    if !exists {
        // Built under another name and renamed, so that a process killed half-way leaves no
        // half-made template behind.
        let building = format!("{name}_building");
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {building}"))
            .await
            .unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE {building}"))
            .await
            .unwrap();
        let db = app::server::infra::db::connect_and_migrate(&format!("{base}/{building}"))
            .await
            .expect("template migrated");
        app::server::infra::reference::load(&db)
            .await
            .expect("template's reference data");
        db.close().await.unwrap();
        admin
            .execute_unprepared(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .await
            .unwrap();
        for old in database_names(admin, "passerelle_template_%").await {
            if old != name && !old.ends_with("_building") {
                // In use by no one: templates are only connected to under the lock.
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {old}"))
                    .await;
            }
        }
    }
    name
}

/// The databases whose name is LIKE `pattern`.
async fn database_names(admin: &DatabaseConnection, pattern: &str) -> Vec<String> {
    admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{pattern}'"),
        ))
        .await
        .unwrap()
        .into_iter()
        .filter_map(|row| row.try_get::<String>("", "datname").ok())
        .collect()
}

/// Drops the databases of test processes that have ended (their name ends with the process's
/// id): without this, each run would leave gigabytes behind on the machine.
async fn drop_finished(admin: &DatabaseConnection) {
    for db in database_names(admin, "passerelle_test_%").await {
        let pid = db.rsplit('_').next().and_then(|p| p.parse::<u32>().ok());
        let running = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
        if !running {
            // Refused while someone is still connected: then it stays for a later run.
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {db}"))
                .await;
        }
    }
}

/// A digest of what makes a new database's content: the migrations and the reference data
/// (their sources, read from the repository).
fn schema_digest() -> String {
    use sha2::{Digest, Sha256};
    let infra = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/server/infra");
    let mut files = vec![infra.join("reference.rs")];
    for dir in ["migrations", "reference/data"] {
        let mut listed: Vec<_> = std::fs::read_dir(infra.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        listed.sort();
        files.extend(listed);
    }
    let mut hash = Sha256::new();
    for f in files {
        hash.update(f.file_name().unwrap().as_encoded_bytes());
        hash.update(std::fs::read(&f).unwrap());
    }
    hex::encode(&hash.finalize()[..6])
}

/// An empty database of `backend` (no table at all), for the tests of migrations themselves.
pub async fn empty_database(backend: &str, test: &str) -> Option<String> {
    match backend {
        "sqlite" => Some(sqlite_url(test)),
        _ => postgres_database(test, false).await,
    }
}

pub fn test_config(database_url: &str) -> Config {
    Config {
        site_root: "target/site".into(),
        site_pkg_dir: "pkg".into(),
        output_name: "passerelle".into(),
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: database_url.into(),
        env: "development".into(),
        client_ip_header: None,
        session_idle_hours: 14 * 24,
        admin_idle_minutes: 120,
        smtp_url: None,
        mail_from: "Passerelle <test@passerelle.example>".into(),
        public_url: "http://127.0.0.1".into(),
        api_per_minute: app::server::infra::limits::API_PER_MINUTE,
        sources: Vec::new(),
        search_dir: None,
        // Each test application its own folder, under the system's temporary directory.
        media_dir: Some(
            std::env::temp_dir()
                .join(format!(
                    "passerelle-test-media-{}-{}",
                    std::process::id(),
                    MEDIA_DIRS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                ))
                .to_string_lossy()
                .into_owned(),
        ),
    }
}

static MEDIA_DIRS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub struct TestApp {
    pub router: Router,
    pub db: DatabaseConnection,
    /// The app's index: tests call `sync` after writing, as the follower would within a second.
    pub search: app::server::infra::search::SearchIndex,
    /// Where this application stores uploaded media.
    pub media_dir: std::path::PathBuf,
    /// The dashboards' snapshot: tests invalidate it after writing, as the follower would
    /// rebuild it within a minute.
    pub analytics: app::server::analytics::Analytics,
    /// The configuration it runs under.
    pub config: Config,
    /// Statements sent to the database since the application started (every connection of the
    /// pool): a page's count tells a query per row (N+1) from a query per page.
    pub queries: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// The statements themselves, while a test asks for them (`statements_of`).
    pub statements: std::sync::Arc<std::sync::Mutex<Option<Vec<String>>>>,
}

impl TestApp {
    pub async fn new(database_url: &str) -> TestApp {
        Self::configured(database_url, |_| {}).await
    }

    /// The application under a configuration `change` made to the tests' own (production
    /// settings, a proxy header, other idle limits).
    pub async fn configured(database_url: &str, change: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = test_config(database_url);
        change(&mut config);
        let mut db = app::server::infra::db::connect_and_migrate(database_url)
            .await
            .expect("database");
        let queries = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = queries.clone();
        let statements = std::sync::Arc::new(std::sync::Mutex::new(None::<Vec<String>>));
        let kept = statements.clone();
        // Set before the connection is shared: its clones (the app's state) count too.
        db.set_metric_callback(move |info| {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if let Some(list) = kept.lock().unwrap().as_mut() {
                list.push(info.statement.sql.chars().take(160).collect());
            }
        });
        app::server::infra::reference::load(&db)
            .await
            .expect("reference data");
        let search = app::server::infra::search::SearchIndex::in_memory().expect("search index");
        let state = server::web::state(&config, db.clone(), search.clone()).unwrap();
        let store = app::server::infra::sessions::DbSessionStore::new(db.clone());
        let analytics = state.analytics.clone();
        TestApp {
            router: server::web::router(state, store, &config),
            db,
            search,
            media_dir: config.media_dir(),
            analytics,
            config,
            queries,
            statements,
        }
    }

    /// The statements `path` costs when read by `cookie` (after one read, so that caches and
    /// sessions are warm as they are for a visitor's second page).
    pub async fn queries_of(&self, path: &str, cookie: Option<&str>) -> usize {
        use std::sync::atomic::Ordering;
        let (status, _, body) = self.get(path, cookie).await;
        assert_eq!(status.as_u16(), 200, "{path}: {body}");
        let before = self.queries.load(Ordering::SeqCst);
        let (status, _, _) = self.get(path, cookie).await;
        assert_eq!(status.as_u16(), 200, "{path}");
        self.queries.load(Ordering::SeqCst) - before
    }

    /// The statements of [`queries_of`](Self::queries_of), each cut to 160 characters.
    pub async fn statements_of(&self, path: &str, cookie: Option<&str>) -> Vec<String> {
        self.get(path, cookie).await;
        *self.statements.lock().unwrap() = Some(Vec::new());
        self.get(path, cookie).await;
        self.statements.lock().unwrap().take().unwrap_or_default()
    }

    /// The same application with other login throttling budgets.
    pub fn with_login_limits(self, per_ip: u32, per_account: u32) -> TestApp {
        self.rebuilt(|state| {
            state.login_limits = app::server::infra::limits::LoginLimits::new(per_ip, per_account)
        })
    }

    /// The same application with another budget of API requests a minute per address.
    pub fn with_api_limit(self, per_minute: u32) -> TestApp {
        self.rebuilt(|state| {
            state.api_limits = app::server::infra::limits::ApiLimits::new(per_minute)
        })
    }

    /// The same application with another budget of the pickers' lookups a minute per address.
    pub fn with_lookup_limit(self, per_minute: u32) -> TestApp {
        self.rebuilt(|state| {
            state.lookup_limits = app::server::infra::limits::ApiLimits::new(per_minute)
        })
    }

    /// The same application and database, its state changed by `change`.
    fn rebuilt(self, change: impl FnOnce(&mut app::server::state::AppState)) -> TestApp {
        let config = self.config.clone();
        let mut state = server::web::state(&config, self.db.clone(), self.search.clone()).unwrap();
        change(&mut state);
        let store = app::server::infra::sessions::DbSessionStore::new(self.db.clone());
        let analytics = state.analytics.clone();
        TestApp {
            router: server::web::router(state, store, &config),
            db: self.db,
            search: self.search,
            media_dir: self.media_dir,
            analytics,
            config,
            queries: self.queries,
            statements: self.statements,
        }
    }

    /// GETs `path` as a program would, from the client address `ip`, with these headers;
    /// returns status, the response's headers and body.
    pub async fn get_from(
        &self,
        path: &str,
        ip: [u8; 4],
        headers: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let mut req = Request::get(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut req = req.body(Body::empty()).unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                ip, 40_000,
            ))));
        let res = self.router.clone().oneshot(req).await.unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    /// POSTs a form as a browser on the same site would, from the client address `ip`, with
    /// these headers (cookies among them); returns status, headers and body.
    pub async fn post_from(
        &self,
        path: &str,
        form: &[(&str, &str)],
        ip: std::net::IpAddr,
        headers: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut req = req
            .body(Body::from(serde_urlencoded::to_string(form).unwrap()))
            .unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(
                ip, 40_000,
            )));
        let res = self.router.clone().oneshot(req).await.unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    /// Sends a request; returns status, Set-Cookie session (if any) and body.
    pub async fn send(&self, req: Request<Body>) -> (StatusCode, Option<String>, String) {
        // A request that never answers fails its test with its address instead of holding the
        // whole run (seen once: a directory page that hung; the next session investigates).
        let what = format!("{} {}", req.method(), req.uri());
        let res = tokio::time::timeout(
            std::time::Duration::from_secs(120),
            self.router.clone().oneshot(req),
        )
        .await
        .unwrap_or_else(|_| panic!("{what} did not answer in 120 s"))
        .unwrap();
        let status = res.status();
        let cookie = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| {
                c.starts_with("passerelle_session=") || c.starts_with("__Host-passerelle_session=")
            })
            .map(|c| c.split(';').next().unwrap().to_string());
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, cookie, String::from_utf8_lossy(&body).into_owned())
    }

    /// POSTs a urlencoded form to a server function as a script would (no text/html Accept).
    pub async fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> (StatusCode, Option<String>, String) {
        let body = serde_urlencoded::to_string(form).unwrap();
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    pub async fn get(
        &self,
        path: &str,
        cookie: Option<&str>,
    ) -> (StatusCode, Option<String>, String) {
        let mut req = Request::get(path);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Signs up a user and returns its session cookie.
    pub async fn signup(&self, email: &str) -> String {
        let (status, cookie, body) = self
            .post(
                "/api/auth/signup",
                &[
                    ("email", email),
                    ("display_name", "Personne de test (fictive)"),
                    ("password", "une phrase de passe"),
                    ("password_confirm", "une phrase de passe"),
                ],
                None,
            )
            .await;
        assert!(
            status.is_success() || status.is_redirection(),
            "signup {email}: {status} {body}"
        );
        cookie.expect("session cookie after signup")
    }

    /// Makes an existing account administrator.
    pub async fn make_admin(&self, email: &str) {
        use app::server::infra::entities::users;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
        let u = users::Entity::find()
            .filter(users::Column::Email.eq(email))
            .one(&self.db)
            .await
            .unwrap()
            .expect("account exists");
        let mut am: users::ActiveModel = u.into();
        am.is_admin = Set(true);
        am.update(&self.db).await.unwrap();
    }

    /// Turns the second factor on for the signed-in user of `cookie` through the security
    /// page's server functions, as a person with an authenticator app would; the base32 secret.
    /// The session of `cookie` then has the factor.
    pub async fn enrol_second_factor(&self, cookie: &str) -> String {
        let (status, _, body) = self.get("/api/auth/second-factor", Some(cookie)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let state: serde_json::Value = serde_json::from_str(&body).unwrap();
        let secret = state["setup"]["grouped"]
            .as_str()
            .expect("a secret offered")
            .replace(' ', "");
        let code = app::server::auth::second_factor::current_code(&secret).unwrap();
        let (status, _, body) = self
            .post(
                "/api/auth/second-factor/enable",
                &[("code", &code), ("password", "une phrase de passe")],
                Some(cookie),
            )
            .await;
        ok(status, &body);
        secret
    }

    /// An administrator's session with its second factor: signs `email` up, makes it
    /// administrator, turns the factor on. Returns the session cookie.
    pub async fn admin(&self, email: &str) -> String {
        let cookie = self.signup(email).await;
        self.make_admin(email).await;
        self.enrol_second_factor(&cookie).await;
        cookie
    }

    /// Signs `email` in with `password`, and with the authenticator's current code when the
    /// account has a second factor (the next step's, as a person would wait for it); the cookie.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        use app::server::infra::entities::users;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let (status, cookie, body) = self
            .post(
                "/api/auth/login",
                &[("email", email), ("password", password)],
                None,
            )
            .await;
        ok(status, &body);
        let cookie = cookie.expect("a session");
        let user = users::Entity::find()
            .filter(users::Column::Email.eq(email))
            .one(&self.db)
            .await
            .unwrap()
            .expect("account exists");
        let Some(secret) = user.totp_secret else {
            return cookie;
        };
        self.next_code_step(email).await;
        let code = app::server::auth::second_factor::current_code(&secret).unwrap();
        let (status, next, body) = self
            .post("/api/auth/login-code", &[("code", &code)], Some(&cookie))
            .await;
        ok(status, &body);
        next.expect("a signed-in session")
    }

    /// As if the authenticator's clock moved on to the next 30-second step: the last code
    /// accepted for `email` is forgotten, so that the current one is good again.
    pub async fn next_code_step(&self, email: &str) {
        use app::server::infra::entities::users;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        users::Entity::update_many()
            .col_expr(users::Column::TotpLastStep, Option::<i64>::None.into())
            .filter(users::Column::Email.eq(email))
            .exec(&self.db)
            .await
            .unwrap();
    }

    /// Makes an existing account a chamber analyst.
    pub async fn make_analyst(&self, email: &str) {
        use app::server::infra::entities::users;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
        let u = users::Entity::find()
            .filter(users::Column::Email.eq(email))
            .one(&self.db)
            .await
            .unwrap()
            .expect("account exists");
        let mut am: users::ActiveModel = u.into();
        am.is_analyst = Set(true);
        am.update(&self.db).await.unwrap();
    }
}

/// The `name=value` part of the cookie `name` that these response headers set.
pub fn set_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
}

/// A success or a redirection (a server function answers a form with a redirect).
pub fn ok(status: StatusCode, body: &str) {
    assert!(
        status.is_success() || status.is_redirection(),
        "{status} {body}"
    );
}

/// The offers' titles of a catalogue page, in their order.
pub fn titles(page: &str) -> Vec<String> {
    page.split("data-test=\"offer-row\"")
        .skip(1)
        .filter_map(|row| {
            let link = row.split("<a href=\"/catalogue/").nth(1)?;
            let name = link.split_once('>')?.1.split("</a>").next()?;
            Some(name.replace("<!>", "").replace("&#x27;", "'"))
        })
        .collect()
}

/// Creates a public organisation of `kind` in Villeurbanne as the user of `cookie`; its id.
///
/// A business comes out verified, as a chamber analyst would have left it: the capabilities'
/// tests act in its name (the verification itself is tested in `accounts.rs`); see
/// [`unverified_org`] for one fresh from the form.
pub async fn org(app: &TestApp, cookie: &str, kind: &str, siret: &str, name: &str) -> i32 {
    let id = unverified_org(app, cookie, kind, siret, name).await;
    if kind == "business" {
        verify(app, id).await;
    }
    id
}

/// Creates an organisation as [`org`] does, left as the form leaves it (a firm unverified).
pub async fn unverified_org(
    app: &TestApp,
    cookie: &str,
    kind: &str,
    siret: &str,
    name: &str,
) -> i32 {
    use app::server::infra::entities::organisations;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let (status, _, body) = app
        .post(
            "/api/orgs/create",
            &[
                ("form[kind]", kind),
                ("form[siret]", siret),
                ("form[name]", name),
                ("form[commune]", "Villeurbanne"),
                ("form[is_public]", "on"),
            ],
            Some(cookie),
        )
        .await;
    ok(status, &body);
    organisations::Entity::find()
        .filter(organisations::Column::Siret.eq(siret.replace(' ', "")))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Marks an organisation verified, as an administrator would.
pub async fn verify(app: &TestApp, id: i32) {
    use app::server::infra::entities::organisations;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let o = organisations::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut am: organisations::ActiveModel = o.into();
    am.verified_at = Set(Some(chrono::Utc::now()));
    am.update(&app.db).await.unwrap();
}

/// The first `n` codes of the CPV nomenclature in the test database, in code order.
pub async fn cpv_codes(app: &TestApp, n: u64) -> Vec<String> {
    use app::server::infra::entities::cpv_codes;
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    cpv_codes::Entity::find()
        .order_by_asc(cpv_codes::Column::Code)
        .limit(n)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.code)
        .collect()
}

/// The id of the account of `email`.
pub async fn user_id(app: &TestApp, email: &str) -> i32 {
    use app::server::infra::entities::users;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The titles of the notifications the account of `email` received.
pub async fn notified(app: &TestApp, email: &str) -> Vec<String> {
    use app::server::infra::entities::notifications;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let id = user_id(app, email).await;
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.title)
        .collect()
}

/// A published works offer of `org` under `cpv`; its id.
pub async fn offer(app: &TestApp, cookie: &str, org: i32, title: &str, cpv: &str) -> i32 {
    offer_of_kind(app, cookie, org, title, "works", cpv).await
}

/// A published offer of `kind` (`supply`, `service`, `works`) of `org` under `cpv`; its id.
pub async fn offer_of_kind(
    app: &TestApp,
    cookie: &str,
    org: i32,
    title: &str,
    kind: &str,
    cpv: &str,
) -> i32 {
    use app::server::infra::entities::offers;
    use sea_orm::{EntityTrait, QueryOrder};
    let org_s = org.to_string();
    let (status, _, body) = app
        .post(
            "/api/offers/create",
            &[("org_id", &org_s), ("title", title), ("kind", kind)],
            Some(cookie),
        )
        .await;
    ok(status, &body);
    let id = offers::Entity::find()
        .order_by_desc(offers::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let id_s = id.to_string();
    let (status, _, body) = app
        .post(
            "/api/offers/cpv/set",
            &[("id", &id_s), ("cpv[]", cpv)],
            Some(cookie),
        )
        .await;
    ok(status, &body);
    let (status, _, body) = app
        .post(
            "/api/offers/status",
            &[("id", &id_s), ("status", "published")],
            Some(cookie),
        )
        .await;
    ok(status, &body);
    id
}

/// The database of one backend for a test, migrated and holding the reference data: `Some(url)`
/// for "sqlite" always, and for "postgres" when TEST_DATABASE_URL is set (a fresh copy of the
/// template each time); `None` otherwise
/// (a failure when PASSERELLE_REQUIRE_PG says PostgreSQL must be there).
pub async fn database(backend: &str, test: &str) -> Option<String> {
    match backend {
        "sqlite" => Some(sqlite_ready_url(test).await),
        _ => postgres_url(test).await,
    }
}

/// Writes a test that runs on each database as two tests, `<name>::sqlite` and
/// `<name>::postgres` (zed's collab does the same): each is reported, timed and retried on its
/// own, and a failure says its backend in its name. The attributes (the test's doc, its
/// `#[tokio::test]`) go on both. The body sees `backend` ("sqlite" or
/// "postgres") and `url`. `key` names the test's databases (short: PostgreSQL names are at
/// most 63 bytes). Without TEST_DATABASE_URL the PostgreSQL test passes having done nothing
/// (and says so), unless PASSERELLE_REQUIRE_PG is set, when `backends` fails it.
#[macro_export]
macro_rules! both_dbs {
    (
        $key:literal,
        $(#[$meta:meta])*
        async fn $name:ident($backend:ident, $url:ident) $body:block
    ) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($backend: &'static str, $url: String) $body

            $(#[$meta])*
            async fn sqlite() {
                let url = $crate::common::database("sqlite", $key).await.unwrap();
                body("sqlite", url).await
            }

            $(#[$meta])*
            async fn postgres() {
                match $crate::common::database("postgres", $key).await {
                    Some(url) => body("postgres", url).await,
                    None => eprintln!("PostgreSQL not configured (TEST_DATABASE_URL): not run"),
                }
            }
        }
    };
}

/// A planned procurement of `buyer` ready to insert (planned, in 2099, no lever): the row tests
/// write straight into the database, as an import or another instance would.
pub fn plan_row(buyer: i32, title: &str) -> app::server::infra::entities::plans::ActiveModel {
    use sea_orm::ActiveValue::Set;
    let now = chrono::Utc::now();
    app::server::infra::entities::plans::ActiveModel {
        buyer_id: Set(buyer),
        title: Set(title.into()),
        description: Set(String::new()),
        procedure: Set("open".into()),
        publication_date: Set(chrono::NaiveDate::from_ymd_opt(2099, 4, 1).unwrap()),
        publication_precision: Set("quarter".into()),
        allotment: Set(false),
        short_chain: Set(false),
        life_cycle: Set(false),
        co2: Set(false),
        status: Set("planned".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// A verified public buyer written straight into the database (Ville de Lyon's SIRET).
pub async fn buyer_row(
    db: &impl sea_orm::ConnectionTrait,
    name: &str,
) -> app::server::infra::entities::organisations::Model {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let now = chrono::Utc::now();
    app::server::infra::entities::organisations::ActiveModel {
        kind: Set("buyer".into()),
        siret: Set("21690123100011".into()),
        name: Set(name.into()),
        is_public: Set(true),
        verified_at: Set(Some(now)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}
