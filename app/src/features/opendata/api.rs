//! Server function of the open data page.

use crate::domain::api::Operation;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The API's operations and its budget per minute, as the OpenAPI document describes them.
#[server(prefix = "/api", endpoint = "opendata/reference", input = GetUrl)]
pub async fn api_reference() -> Result<(Vec<Operation>, u32), AppError> {
    Ok((
        crate::server::api::operations(),
        crate::server::infra::limits::API_PER_MINUTE,
    ))
}
