//! Server functions of the territory's dashboards (public aggregates; finer views for analysts
//! and buyers).

use crate::domain::analytics::dashboard::Dashboard;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsView {
    pub dashboard: Dashboard,
    /// The caller sees the finer views.
    pub finer: bool,
    /// Years with contracts, for the filters.
    pub years: Vec<u16>,
    /// Contracts in the snapshot (all of them, before the filters).
    pub contracts: u64,
    /// When the snapshot was built (RFC 3339).
    pub built_at: String,
}

/// `query`: the page's query string (`de`, `a`, `metier`, `division`, `acheteur`, `procedure`).
#[server(prefix = "/api", endpoint = "analytics/dashboard", input = GetUrl)]
pub async fn get_dashboard(query: String) -> Result<AnalyticsView, AppError> {
    use crate::server::{analytics, auth::Caller, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let (filters, finer) = analytics::filters_for(&caller, &query);
    let snapshot = state.analytics.get(&state.db).await?;
    let english = crate::i18n::request_lang() == crate::i18n::Lang::En;
    Ok(AnalyticsView {
        dashboard: analytics::dashboard(&snapshot, &filters, english, finer),
        finer,
        years: snapshot.years.clone(),
        contracts: snapshot.facts.contracts.len() as u64,
        built_at: snapshot.built_at.to_rfc3339(),
    })
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShortageView {
    pub tensions: Vec<crate::domain::analytics::shortage::Tension>,
    /// The trade filter (a code), when one is set.
    pub trade: Option<String>,
    /// The past years read.
    pub window: Vec<u16>,
    /// The first day of the 12 months of planned procurements (ISO).
    pub today: String,
    pub built_at: String,
}

/// `query`: the page's query string (`metier`).
#[server(prefix = "/api", endpoint = "analytics/shortage", input = GetUrl)]
pub async fn get_shortage(query: String) -> Result<ShortageView, AppError> {
    use crate::domain::analytics::dashboard::Filters;
    use crate::server::{analytics, state::AppState};
    let state = AppState::get()?;
    let trade = Filters::from_query(&query).trade;
    let snapshot = state.analytics.get(&state.db).await?;
    Ok(ShortageView {
        tensions: analytics::tensions(&snapshot, trade.as_deref()),
        trade,
        window: snapshot.shortage_window.clone(),
        today: snapshot.shortage_today.to_string(),
        built_at: snapshot.built_at.to_rfc3339(),
    })
}

/// The territory's food purchases of `year` against the EGalim targets, and the products the
/// quick consultations asked for (analysts and admins).
#[server(prefix = "/api", endpoint = "analytics/food", input = GetUrl)]
pub async fn get_food(
    year: Option<i32>,
) -> Result<crate::domain::food_demand::Territory, AppError> {
    use crate::server::{auth::Caller, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    crate::server::quotes::territory::territory(&state.db, &caller, year).await
}
