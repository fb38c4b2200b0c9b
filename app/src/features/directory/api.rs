//! Server function of the directory (public, read-only).

use crate::domain::directory::DirectoryPage;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// `query` is the directory's query string, as in its URL (a shared link and a form sent
/// without JavaScript give the same list).
#[server(prefix = "/api", endpoint = "directory/search", input = GetUrl)]
pub async fn search_directory(query: String) -> Result<DirectoryPage, AppError> {
    use crate::domain::directory::DirectoryFilters;
    use crate::server::{directory, state::AppState};
    let state = AppState::get()?;
    let filters = DirectoryFilters::from_query(&query);
    Ok(directory::search(&state.db, &state.search, &filters).await?)
}
