//! Server functions of the sources' pages (administrators only).

use crate::domain::sources::{RunView, SourceForm, SourceView};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "admin/sources", input = GetUrl)]
pub async fn source_list() -> Result<Vec<SourceView>, AppError> {
    use crate::server::{auth::Caller, sources, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_admin()?;
    Ok(sources::list(&state.db).await?)
}

#[server(prefix = "/api", endpoint = "admin/source", input = GetUrl)]
pub async fn source_detail(id: i32) -> Result<(SourceView, Vec<RunView>), AppError> {
    use crate::server::{auth::Caller, sources, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_admin()?;
    sources::detail(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Adds a source; its first run comes at the scheduler's next turn (within a minute).
#[server(prefix = "/api", endpoint = "admin/sources/add")]
pub async fn add_source(form: SourceForm) -> Result<(), AppError> {
    use crate::error::FieldError;
    use crate::server::{auth::Caller, sources, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_admin()?;
    let spec = form.check().map_err(|errors| {
        AppError::Invalid(
            errors
                .into_iter()
                .map(|(field, key)| FieldError::new(field, key))
                .collect(),
        )
    })?;
    let created = sources::create(&state.db, &spec)
        .await?
        .ok_or_else(|| AppError::field("name", "sources.error.name_taken"))?;
    leptos_axum::redirect(&format!("/admin/sources/{}?ok=added", created.id));
    Ok(())
}

/// Runs a source now, in the background: refused when it is running (here or on another
/// instance) or disabled.
#[server(prefix = "/api", endpoint = "admin/sources/run")]
pub async fn run_source(id: i32) -> Result<(), AppError> {
    use crate::domain::sources::Trigger;
    use crate::server::{auth::Caller, sources, state::AppState};
    let state = AppState::get()?;
    let admin = Caller::current().await?.require_admin()?.id;
    if sources::detail(&state.db, id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    if !sources::claim(&state.db, id, &state.sources.owner, true).await? {
        return Err(AppError::field("run", "sources.already_running"));
    }
    tokio::spawn(async move {
        let result = sources::run_held(
            &state.db,
            Some(&state.search),
            &state.sources,
            id,
            Trigger::Admin,
            Some(admin),
            &|_| {},
        )
        .await;
        if let Err(e) = result {
            tracing::error!("source {id}, run by admin {admin}: {e}");
        }
    });
    leptos_axum::redirect(&format!("/admin/sources/{id}?ok=started"));
    Ok(())
}

/// Turns a source on (`on` = "1") or off.
#[server(prefix = "/api", endpoint = "admin/sources/enabled")]
pub async fn set_source_enabled(id: i32, on: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, sources, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_admin()?;
    if !sources::set_enabled(&state.db, id, on == "1").await? {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect(&format!(
        "/admin/sources/{id}?ok={}",
        if on == "1" { "enabled" } else { "disabled" }
    ));
    Ok(())
}
