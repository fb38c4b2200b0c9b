//! Server functions of alerts: each user reads and changes only their own.

use crate::domain::programming::AlertsPage;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "alerts/mine", input = GetUrl)]
pub async fn my_alerts() -> Result<AlertsPage, AppError> {
    use crate::server::{alerts, auth::Caller, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    alerts::page(&state.db, caller.user()?.id).await
}

/// Saves a search `query` (its list's query string) with an alert: of the programming
/// (`kind` empty or "plans"), the catalogue ("offers") or the directory ("orgs").
#[server(prefix = "/api", endpoint = "alerts/save")]
pub async fn save_search(
    #[server(default)] query: String,
    #[server(default)] kind: String,
    name: String,
    frequency: String,
) -> Result<(), AppError> {
    use crate::server::{alerts, auth::Caller, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let kind = if kind.is_empty() {
        "plans"
    } else {
        kind.as_str()
    };
    alerts::save(
        &state.db,
        caller.user()?.id,
        kind,
        &query,
        &name,
        &frequency,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh("/compte/alertes?ok=saved");
    Ok(())
}

#[server(prefix = "/api", endpoint = "alerts/remove")]
pub async fn remove_search(id: i32) -> Result<(), AppError> {
    use crate::server::{alerts, auth::Caller, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    alerts::remove(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::SavedSearchId(id),
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh("/compte/alertes?ok=removed");
    Ok(())
}

#[server(prefix = "/api", endpoint = "alerts/read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    use crate::server::{alerts, auth::Caller, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    alerts::mark_all_read(&state.db, caller.user()?.id).await?;
    crate::server::infra::redirect::redirect_fresh("/compte/alertes?ok=read");
    Ok(())
}
