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
    let mut out = vec![("sqlite", sqlite_url(test))];
    out.extend(postgres_url(test).await.map(|url| ("postgres", url)));
    out
}

/// A fresh SQLite file for the test (this process's own folder).
fn sqlite_url(test: &str) -> String {
    let dir = std::env::temp_dir().join(format!("passerelle-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite://{}/{test}.db?mode=rwc", dir.display())
}

/// A fresh PostgreSQL database for the test when TEST_DATABASE_URL is set; none otherwise, and
/// a failure then if PASSERELLE_REQUIRE_PG says PostgreSQL must be there.
async fn postgres_url(test: &str) -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("passerelle_test_{}_{}", test, std::process::id());
            let admin = sea_orm::Database::connect(admin_url.clone())
                .await
                .expect("TEST_DATABASE_URL reachable");
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin_url);
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
        let db = app::server::infra::db::connect_and_migrate(database_url)
            .await
            .expect("database");
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
        }
    }

    /// The same application with other login throttling budgets.
    pub fn with_login_limits(self, per_ip: u32, per_account: u32) -> TestApp {
        let config = self.config.clone();
        let mut state = server::web::state(&config, self.db.clone(), self.search.clone()).unwrap();
        state.login_limits = app::server::infra::limits::LoginLimits::new(per_ip, per_account);
        let store = app::server::infra::sessions::DbSessionStore::new(self.db.clone());
        let analytics = state.analytics.clone();
        TestApp {
            router: server::web::router(state, store, &config),
            db: self.db,
            search: self.search,
            media_dir: self.media_dir,
            analytics,
            config,
        }
    }

    /// The same application with another budget of API requests a minute per address.
    pub fn with_api_limit(self, per_minute: u32) -> TestApp {
        let config = self.config.clone();
        let mut state = server::web::state(&config, self.db.clone(), self.search.clone()).unwrap();
        state.api_limits = app::server::infra::limits::ApiLimits::new(per_minute);
        let store = app::server::infra::sessions::DbSessionStore::new(self.db.clone());
        let analytics = state.analytics.clone();
        TestApp {
            router: server::web::router(state, store, &config),
            db: self.db,
            search: self.search,
            media_dir: self.media_dir,
            analytics,
            config,
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

/// Creates a public organisation of `kind` in Villeurbanne as the user of `cookie`; its id.
pub async fn org(app: &TestApp, cookie: &str, kind: &str, siret: &str, name: &str) -> i32 {
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
            "/api/offers/cpv/add",
            &[("id", &id_s), ("code", cpv)],
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

/// The database of one backend for a test: `Some(url)` for "sqlite" always, and for
/// "postgres" when TEST_DATABASE_URL is set (a fresh database each time); `None` otherwise
/// (a failure when PASSERELLE_REQUIRE_PG says PostgreSQL must be there).
pub async fn database(backend: &str, test: &str) -> Option<String> {
    match backend {
        "sqlite" => Some(sqlite_url(test)),
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
