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

/// An awarded plan's insertion hours: planned and done for everyone, the entries for its
/// buyer, awardee and facilitators; nothing before award or without a lever.
#[server(prefix = "/api", endpoint = "insertion/hours", input = GetUrl)]
pub async fn plan_hours(
    plan_id: i32,
) -> Result<Option<crate::domain::insertion_hours::HoursView>, AppError> {
    use crate::server::{auth::Caller, programming::hours, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    hours::view(&state.db, &caller, plan_id, chrono::Utc::now()).await
}

/// Records hours worked on an awarded plan (its awardee or its territory's facilitator).
#[server(prefix = "/api", endpoint = "insertion/hours/record")]
pub async fn record_hours(
    plan_id: i32,
    #[server(default)] lot: String,
    #[server(default)] period: String,
    #[server(default)] kind: String,
    #[server(default)] hours: String,
) -> Result<(), AppError> {
    use crate::domain::insertion_hours::HoursForm;
    use crate::server::{auth::Caller, programming::hours as h, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let form = HoursForm {
        lot,
        period,
        kind,
        hours,
    };
    h::record(&state.db, &caller, plan_id, &form, chrono::Utc::now()).await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/programmation/{plan_id}?ok=hours_recorded#heures-insertion"
    ));
    Ok(())
}

/// Validates recorded hours (the territory's facilitator).
#[server(prefix = "/api", endpoint = "insertion/hours/validate")]
pub async fn validate_hours(id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming::hours, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let plan = hours::validate(&state.db, &caller, id, chrono::Utc::now()).await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/programmation/{plan}?ok=hours_validated#heures-insertion"
    ));
    Ok(())
}

/// Removes recorded hours not validated yet (who recorded them, or the facilitator).
#[server(prefix = "/api", endpoint = "insertion/hours/remove")]
pub async fn remove_hours(id: i32, #[server(default)] confirm: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming::hours, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let plan = hours::remove(&state.db, &caller, id, confirm == "on").await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/programmation/{plan}?ok=hours_removed#heures-insertion"
    ));
    Ok(())
}

/// The territory's insertion in figures: plans with a lever or reserved, hours planned and
/// validated, by trade and by buyer (public).
#[server(prefix = "/api", endpoint = "insertion/stats", input = GetUrl)]
pub async fn insertion_stats() -> Result<crate::domain::insertion_stats::InsertionStats, AppError> {
    use crate::server::{programming::hours, state::AppState};
    let state = AppState::get()?;
    hours::territory(&state.db).await
}
