//! Server functions of the notices.

use crate::domain::notices::{CallPage, PlanNotices};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// A page of "Consultations en cours" (anyone).
#[server(prefix = "/api", endpoint = "notices/calls", input = GetUrl)]
pub async fn open_calls(page: u64) -> Result<CallPage, AppError> {
    use crate::server::{auth::Caller, notices::calls, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    calls::list(&state.db, &caller, page).await
}

/// The notices of a plan's page.
#[server(prefix = "/api", endpoint = "notices/of-plan", input = GetUrl)]
pub async fn notices_of_plan(plan_id: i32) -> Result<PlanNotices, AppError> {
    use crate::server::{auth::Caller, notices::calls, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    calls::of_plan(&state.db, &caller, plan_id).await
}

/// The buyer confirms that the proposed notice publishes its plan.
#[server(prefix = "/api", endpoint = "notices/confirm")]
pub async fn confirm_notice(id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, notices, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let plan = notices::confirm(&state.db, &caller, id).await?;
    leptos_axum::redirect(&format!("/programmation/{plan}?ok=notice_confirmed"));
    Ok(())
}

/// The buyer says the proposed notice publishes none of its plans.
#[server(prefix = "/api", endpoint = "notices/dismiss")]
pub async fn dismiss_notice(id: i32, plan_id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, notices, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    notices::dismiss(&state.db, &caller, id).await?;
    leptos_axum::redirect(&format!("/programmation/{plan_id}?ok=notice_dismissed"));
    Ok(())
}

/// A firm signals (`on` = "1") or withdraws its interest in a call for tenders.
#[server(prefix = "/api", endpoint = "notices/interest")]
pub async fn notice_interest(id: i32, org_id: i32, on: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, notices::calls, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    calls::interest(&state.db, &caller, id, org_id, on == "1").await?;
    leptos_axum::redirect(&format!(
        "/consultations?ok={}#avis-{id}",
        if on == "1" { "interest" } else { "withdrawn" }
    ));
    Ok(())
}
