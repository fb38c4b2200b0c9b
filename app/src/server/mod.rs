//! Server-only code: state, database, sessions, queries. Never compiled into the WASM client.
pub mod auth;
pub mod catalogue;
pub mod contracts;
pub mod cpv;
pub mod db;
pub mod decp;
pub mod demo;
pub mod directory;
pub mod entities;
pub mod labels;
pub mod limits;
pub mod mail;
pub mod migrations;
pub mod offers;
pub mod orgs;
pub mod passwords;
pub mod programming;
pub mod photos;
pub mod reference;
pub mod rich_text;
pub mod search;
pub mod security;
pub mod sessions;
pub mod state;

/// Logs a database error and turns it into the user-safe `Internal`.
pub fn db_err(e: sea_orm::DbErr) -> crate::error::AppError {
    tracing::error!("database error: {e}");
    crate::error::AppError::Internal
}
