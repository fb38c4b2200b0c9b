//! Server functions of the import pages (administrators only).

use crate::domain::decp::run::ImportRun;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "admin/imports", input = GetUrl)]
pub async fn import_runs() -> Result<Vec<ImportRun>, AppError> {
    use crate::server::{auth::Caller, imports::decp, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_admin()?;
    decp::recent_runs(&state.db, 50)
        .await
        .map_err(AppError::from)
}

#[server(prefix = "/api", endpoint = "admin/import", input = GetUrl)]
pub async fn import_run_status(id: i32) -> Result<ImportRun, AppError> {
    use crate::server::{auth::Caller, imports::decp, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_admin()?;
    decp::find_run(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}
