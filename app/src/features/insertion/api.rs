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
