//! The HTTP server: leptos routes, server functions, static files, sessions and security layers.

use crate::config::Config;
use crate::security;
use app::i18n::{Lang, LANG_COOKIE};
use app::server::infra::search::SearchIndex;
use app::server::{
    infra::limits::LoginLimits, infra::mail::Mailer, infra::sessions::DbSessionStore,
    state::AppState,
};
use app::{shell, App};
use axum::{
    extract::{Path, Query},
    http::{header, HeaderValue, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sea_orm::DatabaseConnection;
use std::time::Duration;
use tower_http::{catch_panic::CatchPanicLayer, limit::RequestBodyLimitLayer, services::ServeDir};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

/// Largest request body accepted (forms and server-function calls).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// How long an instance holds the hourly jobs' turn: a little less than the hour, so that the
/// next turn is free whichever instance asks for it.
const HOURLY_HOLD: Duration = Duration::from_secs(55 * 60);
/// List pages' answers kept per data generation (a few KB each: ids, counts, choices).
const LIST_ANSWERS: usize = 2_000;

pub fn state(
    config: &Config,
    db: DatabaseConnection,
    search: SearchIndex,
) -> anyhow::Result<AppState> {
    let leptos_options = LeptosOptions::builder()
        .output_name(config.output_name.clone())
        .site_root(config.site_root.clone())
        .site_pkg_dir(config.site_pkg_dir.clone())
        .site_addr(config.addr)
        .build();
    let mailer = match (&config.smtp_url, config.is_development()) {
        (None, false) => anyhow::bail!("PASSERELLE_SMTP_URL is required outside development"),
        (url, _) => Mailer::new(url.as_deref(), &config.mail_from)?,
    };
    let sources = app::server::sources::Runner::new(
        Default::default(),
        &config.public_url,
        std::env::temp_dir().join("passerelle-sources"),
    )
    .with_mail(mailer.clone(), &config.public_url);
    Ok(AppState {
        leptos_options,
        db,
        search,
        mailer,
        login_limits: LoginLimits::default(),
        api_limits: app::server::infra::limits::ApiLimits::new(config.api_per_minute),
        lookup_limits: app::server::infra::limits::ApiLimits::new(
            app::server::infra::limits::LOOKUPS_PER_MINUTE,
        ),
        public_url: config.public_url.clone(),
        media_dir: config.media_dir(),
        analytics: Default::default(),
        home: Default::default(),
        answers: app::server::infra::answers::Answers::new(LIST_ANSWERS),
        jobs: Default::default(),
        client_ip_header: config
            .client_ip_header
            .as_deref()
            .and_then(|h| axum::http::HeaderName::from_bytes(h.as_bytes()).ok()),
        sessions: config.session_policy(),
        sources,
    })
}

/// Opens this instance's index and brings it up to date: rebuilt when new (or of an older
/// version), else caught up with the outbox.
pub async fn open_search(config: &Config, db: &DatabaseConnection) -> anyhow::Result<SearchIndex> {
    let dir = config.search_dir();
    let (search, fresh) = SearchIndex::open(&dir)?;
    if fresh || search.is_ahead_of(db).await? || search.is_behind_pruning(db).await? {
        let started = std::time::Instant::now();
        let n = search.rebuild(db, |_| ()).await?;
        tracing::info!(
            "search index built in {}: {n} documents in {:.1} s",
            dir.display(),
            started.elapsed().as_secs_f64()
        );
    } else {
        let n = search.sync(db).await?;
        tracing::info!("search index {}: {n} documents refreshed", dir.display());
    }
    Ok(search)
}

pub async fn serve(config: Config, db: DatabaseConnection) -> anyhow::Result<()> {
    let search = open_search(&config, &db).await?;
    search.spawn_follower(db.clone());
    let state = state(&config, db.clone(), search)?;
    state.analytics.spawn_follower(db.clone());
    let specs = config
        .sources
        .iter()
        .map(|s| s.spec())
        .collect::<anyhow::Result<Vec<_>>>()?;
    app::server::sources::sync_config(&db, &specs).await?;
    let store = DbSessionStore::new(db.clone());
    spawn_jobs(&state, store.clone());
    let app = router(state, store, &config);
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    tracing::info!("Passerelle listening on http://{}", config.addr);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        shutdown_signal().await;
        app::server::imports::decp::request_stop();
    })
    .await?;
    // An import uploaded before the signal commits its batch and closes its run.
    if !app::server::imports::decp::wait_idle(std::time::Duration::from_secs(60)).await {
        tracing::warn!("an import was still writing after 60 s; its run closes as interrupted");
    }
    Ok(())
}

/// The server's periodic work, supervised (`infra::jobs`): a run that panics is logged and
/// counted, and the next one runs on time.
fn spawn_jobs(state: &AppState, store: DbSessionStore) {
    use app::server::infra::jobs;
    // The login and API throttles forget the clients whose budgets are whole again.
    jobs::every(
        "throttle pruning",
        Duration::from_secs(60),
        state.jobs.clone(),
        {
            let (login, api, lookups) = (
                state.login_limits.clone(),
                state.api_limits.clone(),
                state.lookup_limits.clone(),
            );
            move || {
                let (login, api, lookups) = (login.clone(), api.clone(), lookups.clone());
                async move {
                    login.prune();
                    api.prune();
                    lookups.prune();
                }
            }
        },
    );
    // Every minute: the portals whose time has come (each run holds its source's lease, so
    // several instances share the work without running a source twice). A turn ends before
    // the next starts (`jobs::every` awaits each run): a long import delays the next turn.
    jobs::every("sources", Duration::from_secs(60), state.jobs.clone(), {
        let state = state.clone();
        move || {
            let state = state.clone();
            async move {
                if let Err(e) =
                    app::server::sources::run_due(&state.db, Some(&state.search), &state.sources)
                        .await
                {
                    tracing::warn!("sources: {e}");
                }
            }
        }
    });
    // Hourly (and at start): expired sessions and forgotten devices, outbox rows past their
    // retention, labels past their validity; weekly alert digests due, the reminders of
    // meetings starting within a day, contracts late on their insertion hours, and the alerts of
    // saved catalogue and directory searches.
    jobs::every("hourly", Duration::from_secs(3600), state.jobs.clone(), {
        let state = state.clone();
        move || hourly(state.clone(), store.clone())
    });
}

async fn hourly(state: AppState, store: DbSessionStore) {
    let (db, mailer, public_url) = (&state.db, &state.mailer, &state.public_url);
    // One instance a turn: two would send each weekly digest and reminder twice.
    match app::server::infra::jobs::claim(db, "hourly", &state.sources.owner, HOURLY_HOLD).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            tracing::warn!("hourly jobs: the turn could not be claimed: {e}");
            return;
        }
    }
    let now = chrono::Utc::now();
    match store.delete_expired().await {
        Ok(0) => {}
        Ok(n) => tracing::info!("sessions: {n} expired sessions deleted"),
        Err(e) => tracing::warn!("session sweep failed: {e}"),
    }
    match app::server::auth::devices::sweep(db).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("devices: {n} unused for a year forgotten"),
        Err(e) => tracing::warn!("device sweep failed: {e}"),
    }
    match app::server::privacy::sweep(db, now).await {
        Ok(s) if s == Default::default() => {}
        Ok(s) => tracing::info!("retention: {s:?} deleted"),
        Err(e) => tracing::warn!("retention sweep failed: {e:?}"),
    }
    let before = now - app::server::infra::search::OUTBOX_RETENTION;
    match app::server::infra::search::prune_outbox(db, before).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("search outbox: {n} rows older than 7 days pruned"),
        Err(e) => tracing::warn!("search outbox pruning failed: {e}"),
    }
    if let Err(e) = app::server::infra::answers::fold_changes(db).await {
        tracing::warn!("data generations: folding the changes failed: {e}");
    }
    match app::server::labels::expire_due(db).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("territorial label: {n} labels expired"),
        Err(e) => tracing::warn!("label expiry failed: {e}"),
    }
    match app::server::alerts::weekly_digests(db, mailer, public_url, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("alerts: {n} weekly digests sent"),
        Err(e) => tracing::warn!("weekly digests failed: {e}"),
    }
    match app::server::sourcing::meetings::send_reminders(db, mailer, public_url, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("sourcing: {n} meeting reminders sent"),
        Err(e) => tracing::warn!("meeting reminders failed: {e}"),
    }
    match app::server::programming::hours::late_alerts(db, mailer, public_url, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("insertion: {n} contracts late on their hours, told once"),
        Err(e) => tracing::warn!("late insertion hours alerts failed: {e}"),
    }
    match app::server::alerts::search_digests(db, &state.search, mailer, public_url, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("alerts: {n} catalogue or directory searches had news"),
        Err(e) => tracing::warn!("catalogue and directory alerts failed: {e}"),
    }
}

pub fn router(state: AppState, store: DbSessionStore, config: &Config) -> Router {
    let routes = generate_route_list(App);
    let page_cache = app::server::infra::page_cache::PageCache::new(
        state.db.clone(),
        state.search.clone(),
        config.session_policy().session_cookie(),
    );
    let pkg_dir = format!("{}/{}", config.site_root, config.site_pkg_dir);
    let sessions = SessionManagerLayer::new(store)
        .with_name(config.session_policy().session_cookie())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(!config.is_development())
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(
            config.session_idle_hours as i64,
        )));
    Router::new()
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .route("/langue/{code}", get(set_language))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .nest_service(
            "/pkg",
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .route_service(
            "/favicon.svg",
            tower_http::services::ServeFile::new(format!("{}/favicon.svg", config.site_root)),
        )
        .route_service(
            "/robots.txt",
            tower_http::services::ServeFile::new(format!("{}/robots.txt", config.site_root)),
        )
        // Each capability's plain HTTP routes: downloads, feeds, files.
        .merge(app::server::plain_routes().router())
        .merge(app::server::api::routes(state.clone()))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            app::server::api::limit_lookups,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // Added after the 1 MiB limit, so only these routes take large bodies (each its own).
        .merge(app::server::upload_routes().router())
        .with_state(state)
        // A plain route's refusal (an AppError, a Refusal) becomes the site's page, in the
        // caller's language; the API's own layer has written its JSON already.
        .layer(middleware::from_fn(
            app::server::infra::http::render_refusals,
        ))
        .layer(middleware::from_fn(security::server_fn_error_status))
        // Outside the status fix-up (it sees the 409) and inside the sessions (a replay keeps
        // the caller's).
        .layer(middleware::from_fn(crate::retry::serialization_conflicts))
        .layer(sessions)
        // Outside the sessions: a visitor without one is served a kept page without a read of
        // the session store.
        .layer(middleware::from_fn_with_state(
            page_cache,
            app::server::infra::page_cache::serve,
        ))
        .layer(middleware::from_fn(security::refuse_cross_site))
        .layer(middleware::from_fn_with_state(
            security::Transport {
                hsts: !config.is_development(),
            },
            security::security_headers,
        ))
        .layer(CatchPanicLayer::custom(security::panic_response))
}

#[derive(serde::Deserialize)]
struct Back {
    retour: Option<String>,
}

/// `/langue/{fr|en}?retour=/path`: remembers the language for a year and goes back.
async fn set_language(Path(code): Path<String>, Query(back): Query<Back>) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        return (StatusCode::NOT_FOUND, "langue inconnue / unknown language").into_response();
    };
    // Only local paths: never an open redirect.
    let target = back
        .retour
        .as_deref()
        .and_then(app::domain::security::local_path)
        .unwrap_or("/");
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let (Ok(loc), Ok(c)) = (
        HeaderValue::from_str(target),
        HeaderValue::from_str(&cookie),
    ) {
        res.headers_mut().insert(header::LOCATION, loc);
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    res
}

/// `/health`: the process is up and answers (for a liveness probe).
async fn health() -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({ "status": "ok" })),
    )
        .into_response()
}

/// `/ready`: the database answers and the search index is open (for a readiness probe or a
/// load balancer): 200, or 503 saying what is not ready. Never the database's own words.
async fn ready(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    let database = match tokio::time::timeout(Duration::from_secs(5), state.db.ping()).await {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::warn!("readiness: database unreachable: {e}");
            false
        }
        Err(_) => {
            tracing::warn!("readiness: database did not answer in 5 s");
            false
        }
    };
    // The index is opened (and built if new) before the server listens: here it answers.
    let documents = state.search.num_docs();
    let ok = database;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({
            "status": if ok { "ready" } else { "not ready" },
            "database": database,
            "search_index_documents": documents,
            "job_runs": state.jobs.runs(),
            "job_failures": state.jobs.panics(),
        })),
    )
        .into_response()
}

/// Resolves on Ctrl-C or SIGTERM (what `systemctl stop`, `docker stop` and Kubernetes send):
/// the server then stops accepting connections and lets the requests in flight finish.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!("SIGTERM handler not installed: {e}");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("Ctrl-C: finishing the requests in flight, then stopping"),
        _ = term => tracing::info!("SIGTERM: finishing the requests in flight, then stopping"),
    }
}
