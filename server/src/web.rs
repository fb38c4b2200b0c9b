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
    Ok(AppState {
        leptos_options,
        db,
        search,
        mailer,
        login_limits: LoginLimits::default(),
        api_limits: Default::default(),
        public_url: config.public_url.clone(),
        media_dir: config.media_dir(),
        analytics: Default::default(),
        home: Default::default(),
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
    let store = DbSessionStore::new(db.clone());
    // Expired sessions, outbox rows past their retention and labels past their validity are
    // swept hourly (and at start); weekly alert digests due are sent then, the reminders of
    // meetings starting within a day, and the alerts of saved catalogue and directory searches.
    tokio::spawn({
        let store = store.clone();
        let (mailer, public_url) = (state.mailer.clone(), state.public_url.clone());
        let index = state.search.clone();
        async move {
            let mut tick = tokio::time::interval(Duration::from_secs(3600));
            loop {
                tick.tick().await;
                if let Err(e) = store.delete_expired().await {
                    tracing::warn!("session sweep failed: {e}");
                }
                let before = chrono::Utc::now() - app::server::infra::search::OUTBOX_RETENTION;
                match app::server::infra::search::prune_outbox(&db, before).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!("search outbox: {n} rows older than 7 days pruned"),
                    Err(e) => tracing::warn!("search outbox pruning failed: {e}"),
                }
                match app::server::labels::expire_due(&db).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!("territorial label: {n} labels expired"),
                    Err(e) => tracing::warn!("label expiry failed: {e}"),
                }
                match app::server::alerts::weekly_digests(
                    &db,
                    &mailer,
                    &public_url,
                    chrono::Utc::now(),
                )
                .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!("alerts: {n} weekly digests sent"),
                    Err(e) => tracing::warn!("weekly digests failed: {e}"),
                }
                match app::server::sourcing::meetings::send_reminders(
                    &db,
                    &mailer,
                    &public_url,
                    chrono::Utc::now(),
                )
                .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!("sourcing: {n} meeting reminders sent"),
                    Err(e) => tracing::warn!("meeting reminders failed: {e}"),
                }
                match app::server::alerts::search_digests(
                    &db,
                    &index,
                    &mailer,
                    &public_url,
                    chrono::Utc::now(),
                )
                .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!("alerts: {n} catalogue or directory searches had news"),
                    Err(e) => tracing::warn!("catalogue and directory alerts failed: {e}"),
                }
            }
        }
    });
    let app = router(state, store, &config);
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    tracing::info!("Passerelle listening on http://{}", config.addr);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(())
}

pub fn router(state: AppState, store: DbSessionStore, config: &Config) -> Router {
    let routes = generate_route_list(App);
    let pkg_dir = format!("{}/{}", config.site_root, config.site_pkg_dir);
    let sessions = SessionManagerLayer::new(store)
        .with_name("passerelle_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(!config.is_development())
        .with_expiry(Expiry::OnInactivity(time::Duration::days(14)));
    Router::new()
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .route("/langue/{code}", get(set_language))
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
        .layer(sessions)
        .layer(middleware::from_fn(security::refuse_cross_site))
        .layer(middleware::from_fn(security::security_headers))
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
        .filter(|r| r.starts_with('/') && !r.starts_with("//") && !r.starts_with("/\\"))
        .unwrap_or_else(|| "/".into());
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let (Ok(loc), Ok(c)) = (
        HeaderValue::from_str(&target),
        HeaderValue::from_str(&cookie),
    ) {
        res.headers_mut().insert(header::LOCATION, loc);
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    res
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
