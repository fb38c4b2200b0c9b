//! Server-only code: state, database, sessions, queries. Never compiled into the WASM client.
pub mod alerts;
pub mod analytics;
pub mod api;
pub mod auth;
pub mod catalogue;
pub mod consortia;
pub mod contacts;
pub mod contracts;
pub mod cpv;
pub mod db;
pub mod decp;
pub mod demo;
pub mod directory;
pub mod eforms;
pub mod entities;
pub mod interests;
pub mod labels;
pub mod limits;
pub mod mail;
pub mod migrations;
pub mod offers;
pub mod orgs;
pub mod partners;
pub mod passwords;
pub mod photos;
pub mod plan_exports;
pub mod programming;
pub mod reference;
pub mod rich_text;
pub mod search;
pub mod security;
pub mod sessions;
pub mod sirene;
pub mod sourcing;
pub mod state;

/// Logs a database error and turns it into the user-safe `Internal`.
pub fn db_err(e: sea_orm::DbErr) -> crate::error::AppError {
    tracing::error!("database error: {e}");
    crate::error::AppError::Internal
}

/// Redirects (after a server function) to `url` — a page with its query — made unique: with
/// JavaScript, the router does not reload a page whose URL did not change, so a second change of
/// the same kind (another lot, another CPV code) would leave the first one's page on screen.
pub fn redirect_fresh(url: &str) {
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (url, String::new()),
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    let stamp = chrono::Utc::now().timestamp_micros() % 1_000_000_000;
    leptos_axum::redirect(&format!("{path}{sep}v={stamp}{fragment}"));
}
