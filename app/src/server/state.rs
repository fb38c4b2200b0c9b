//! The state shared by every request, given to server functions as context.

use crate::server::{infra::limits::ApiLimits, infra::limits::LoginLimits, infra::mail::Mailer};
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sea_orm::DatabaseConnection;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    /// This instance's full-text index, following the database's outbox.
    pub search: crate::server::infra::search::SearchIndex,
    pub mailer: Mailer,
    pub login_limits: LoginLimits,
    /// The open data API's budget per client address.
    pub api_limits: ApiLimits,
    /// Public base URL, for links in emails.
    pub public_url: String,
    /// Where uploaded media (offers' photos) are stored.
    pub media_dir: std::path::PathBuf,
    /// The dashboards' in-memory facts.
    pub analytics: crate::server::analytics::Analytics,
    /// The home page's public part, reused a little while.
    pub home: crate::server::home::Cache,
}

impl AppState {
    /// The state of the current request, inside a server function or a page.
    pub fn get() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the request context");
            crate::error::AppError::Internal
        })
    }
}
