//! Server functions of the administration.

use crate::domain::org::PendingOrg;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "admin/pending-orgs", input = GetUrl)]
pub async fn pending_organisations() -> Result<Vec<PendingOrg>, AppError> {
    use crate::server::{auth::Caller, orgs, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_admin()?;
    orgs::pending_verification(&state.db).await
}

#[server(prefix = "/api", endpoint = "admin/verify-org")]
pub async fn verify_organisation(org_id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, orgs, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let admin = caller.require_admin()?;
    orgs::verify(&state.db, admin.id, org_id).await?;
    leptos_axum::redirect("/admin?ok=verified");
    Ok(())
}
