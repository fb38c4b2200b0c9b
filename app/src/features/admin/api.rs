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
    orgs::verify(
        &state.db,
        crate::domain::ids::UserId(admin.id),
        crate::domain::ids::OrgId(org_id),
    )
    .await?;
    leptos_axum::redirect("/admin?ok=verified");
    Ok(())
}

/// An account with the analyst's right: (email, name).
pub type Analyst = (String, String);

#[server(prefix = "/api", endpoint = "admin/analysts", input = GetUrl)]
pub async fn list_analysts() -> Result<Vec<Analyst>, AppError> {
    use crate::server::{auth, auth::Caller, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_admin()?;
    Ok(auth::analysts(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.email, u.display_name))
        .collect())
}

/// Gives (`on` = "1") or takes the analyst's right to the account of `email`.
#[server(prefix = "/api", endpoint = "admin/analyst")]
pub async fn set_analyst(email: String, on: String) -> Result<(), AppError> {
    use crate::server::{auth, auth::Caller, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let admin = caller.require_admin()?;
    auth::set_analyst(&state.db, admin.id, &email, on == "1").await?;
    leptos_axum::redirect(if on == "1" {
        "/admin?ok=analyst_added#analysts"
    } else {
        "/admin?ok=analyst_removed#analysts"
    });
    Ok(())
}

/// Signs the account of `email` out of every session and forgets its devices (a stolen
/// laptop, a compromised account): its owner signs in again with the password.
#[server(prefix = "/api", endpoint = "admin/sign-out-account")]
pub async fn sign_out_account(email: String) -> Result<(), AppError> {
    use crate::server::{auth, auth::Caller, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let admin = caller.require_admin()?;
    let email = email.trim().to_lowercase();
    let user = auth::find_by_email(&state.db, &email)
        .await?
        .ok_or_else(|| AppError::field("email", "admin.no_such_account"))?;
    let n = auth::sign_out_everywhere(&state.db, admin.id, user.id).await?;
    tracing::info!(
        "admin {} signed user {} out of {n} sessions",
        admin.id,
        user.id
    );
    // An administrator signing themself out everywhere is signed out here too.
    let to = if user.id == admin.id {
        "/connexion"
    } else {
        "/admin?ok=signed_out#sessions"
    };
    leptos_axum::redirect(to);
    Ok(())
}

/// A page of the audit trail, filtered by the query string of `/admin/journal`.
#[server(prefix = "/api", endpoint = "admin/journal", input = GetUrl)]
pub async fn audit_journal(query: String) -> Result<crate::domain::audit::Journal, AppError> {
    use crate::server::{audit, auth::Caller, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_admin()?;
    let filter = crate::domain::audit::Filter::from_query(&query);
    audit::journal(&state.db, &filter).await
}
