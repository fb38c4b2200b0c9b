//! Server functions of insertion sizing.

use crate::domain::insertion::{RatesAdmin, RatesForm};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The figures insertion hours are proposed with, and their last change, for administrators.
#[server(prefix = "/api", endpoint = "admin/insertion", input = GetUrl)]
pub async fn insertion_rates() -> Result<RatesAdmin, AppError> {
    use crate::server::{auth::Caller, insertion, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    insertion::admin_view(&state.db, &caller).await
}

/// Saves the insertion rate, the hourly cost and the trades' shares of labour.
#[server(prefix = "/api", endpoint = "admin/insertion/save")]
pub async fn save_insertion_rates(form: RatesForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, insertion, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    insertion::save(&state.db, &caller, &form).await?;
    crate::server::infra::redirect::redirect_fresh("/admin/insertion?ok=saved");
    Ok(())
}

/// The facilitators of insertion and the areas one may be given, for administrators.
#[server(prefix = "/api", endpoint = "admin/facilitators", input = GetUrl)]
pub async fn list_facilitators() -> Result<crate::domain::facilitation::Facilitators, AppError> {
    use crate::server::{auth::Caller, programming::facilitators, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    facilitators::list(&state.db, &caller).await
}

/// Gives the account of `email` a territory to facilitate insertion in; `area` "" takes the
/// role back.
#[server(prefix = "/api", endpoint = "admin/facilitator")]
pub async fn set_facilitator(email: String, area: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming::facilitators, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    facilitators::set(&state.db, &caller, &email, &area).await?;
    let ok = if area.trim().is_empty() {
        "facilitator_removed"
    } else {
        "facilitator_added"
    };
    leptos_axum::redirect(&format!("/admin?ok={ok}#facilitators"));
    Ok(())
}

/// The plans with an insertion lever of the caller's territory (facilitators only).
#[server(prefix = "/api", endpoint = "insertion/followed", input = GetUrl)]
pub async fn followed_plans(
    #[server(default)] page: u64,
) -> Result<crate::domain::facilitation::FollowedPlans, AppError> {
    use crate::server::{auth::Caller, programming::facilitators, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    facilitators::followed(&state.db, &caller, page).await
}

/// A plan's insertion follow-up (notes), for its buyer and its territory's facilitators;
/// nothing for anyone else.
#[server(prefix = "/api", endpoint = "insertion/follow", input = GetUrl)]
pub async fn plan_follow(
    plan_id: i32,
) -> Result<Option<crate::domain::facilitation::Follow>, AppError> {
    use crate::server::{auth::Caller, programming::facilitators, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    facilitators::follow(&state.db, &caller, plan_id).await
}

/// Adds a note to a plan's insertion follow-up.
#[server(prefix = "/api", endpoint = "insertion/note")]
pub async fn add_insertion_note(plan_id: i32, body: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming::facilitators, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    facilitators::note(&state.db, &caller, plan_id, &body).await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/programmation/{plan_id}?ok=note#suivi-insertion"
    ));
    Ok(())
}

/// The inclusive structures of a plan's territory working in its trade.
#[server(prefix = "/api", endpoint = "insertion/partners", input = GetUrl)]
pub async fn inclusive_partners(
    plan_id: i32,
) -> Result<crate::domain::facilitation::InclusivePartners, AppError> {
    use crate::server::{auth::Caller, programming::facilitators, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    facilitators::inclusive_partners(&state.db, &caller, plan_id).await
}
