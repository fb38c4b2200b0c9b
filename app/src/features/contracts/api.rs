//! Server functions of the explorer (public, read-only).

use crate::domain::contracts::{ContractDetail, ContractPage};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// A page of results and the choices of the year filter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explorer {
    pub page: ContractPage,
    pub years: Vec<i32>,
}

/// `query` is the explorer's query string, as in its URL (filters are read on the server, so a
/// shared link and a form posted without JavaScript give the same list).
#[server(prefix = "/api", endpoint = "contracts/search", input = GetUrl)]
pub async fn search_contracts(query: String) -> Result<Explorer, AppError> {
    use crate::domain::contracts::ContractFilters;
    use crate::server::{contracts, state::AppState};
    let state = AppState::get()?;
    let filters = ContractFilters::from_query(&query);
    let page = contracts::search(&state.db, &state.search, &filters).await?;
    let years = state.search.contract_years();
    Ok(Explorer { page, years })
}

#[server(prefix = "/api", endpoint = "contracts/get", input = GetUrl)]
pub async fn get_contract(id: i32) -> Result<ContractDetail, AppError> {
    use crate::server::{contracts, state::AppState};
    let state = AppState::get()?;
    contracts::detail(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The buyer page's figures (`siret`: 14 digits).
#[server(prefix = "/api", endpoint = "contracts/buyer", input = GetUrl)]
pub async fn buyer_stats(siret: String) -> Result<crate::domain::contracts::PartyStats, AppError> {
    party(crate::domain::contracts::Party::Buyer(siret)).await
}

/// The awardee page's figures (`id`: SIRET or other published identifier).
#[server(prefix = "/api", endpoint = "contracts/awardee", input = GetUrl)]
pub async fn awardee_stats(id: String) -> Result<crate::domain::contracts::PartyStats, AppError> {
    party(crate::domain::contracts::Party::Awardee(id)).await
}

#[cfg(feature = "ssr")]
async fn party(
    party: crate::domain::contracts::Party,
) -> Result<crate::domain::contracts::PartyStats, AppError> {
    use crate::domain::contracts::Party;
    use crate::server::{contracts, state::AppState};
    let id = match &party {
        Party::Buyer(s) | Party::Awardee(s) => s,
    };
    if id.is_empty() || id.len() > 64 {
        return Err(AppError::NotFound);
    }
    let state = AppState::get()?;
    contracts::party_stats(&state.db, &party)
        .await?
        .ok_or(AppError::NotFound)
}
