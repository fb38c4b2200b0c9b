//! Server functions of organisations and memberships.

use crate::domain::org::{MyOrg, OrgForm, PendingMember};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "orgs/mine", input = GetUrl)]
pub async fn my_organisations() -> Result<Vec<MyOrg>, AppError> {
    use crate::server::{auth::Caller, orgs, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    orgs::of_user(&state.db, caller.user()?.id).await
}

/// Creates an organisation owned by the caller. A business is usable at once; a public buyer
/// waits for an admin's verification.
#[server(prefix = "/api", endpoint = "orgs/create")]
pub async fn create_organisation(form: OrgForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, orgs, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let user = caller.user()?;
    let input = form.check()?;
    orgs::create(&state.db, user.id, &input).await?;
    leptos_axum::redirect("/compte?ok=org");
    Ok(())
}

/// Asks to join an existing organisation by its SIRET.
#[server(prefix = "/api", endpoint = "orgs/join")]
pub async fn join_organisation(siret: String) -> Result<(), AppError> {
    use crate::domain::siret::{Siret, SiretError};
    use crate::server::{auth::Caller, orgs, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let user = caller.user()?;
    let siret = Siret::parse(&siret).map_err(|e| {
        AppError::field(
            "siret",
            match e {
                SiretError::Format => "validation.siret_format",
                SiretError::Checksum => "validation.siret_checksum",
            },
        )
    })?;
    orgs::request_join(&state.db, user.id, siret.as_str()).await?;
    leptos_axum::redirect("/compte?ok=join");
    Ok(())
}

#[server(prefix = "/api", endpoint = "orgs/pending-members", input = GetUrl)]
pub async fn pending_members() -> Result<Vec<PendingMember>, AppError> {
    use crate::server::{auth::Caller, orgs, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    orgs::pending_members(&state.db, caller.user()?.id).await
}

/// An owner accepts or refuses a join request.
#[server(prefix = "/api", endpoint = "orgs/decide-member")]
pub async fn decide_member(membership_id: i32, accept: bool) -> Result<(), AppError> {
    use crate::server::{auth::Caller, orgs, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    orgs::decide_member(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::MembershipId(membership_id),
        accept,
    )
    .await?;
    leptos_axum::redirect("/compte");
    Ok(())
}

/// The public profile of an organisation of the directory (anyone, signed in or not).
#[server(prefix = "/api", endpoint = "orgs/profile", input = GetUrl)]
pub async fn org_profile(id: i32) -> Result<crate::domain::org::PublicProfile, AppError> {
    use crate::server::{orgs, state::AppState};
    let state = AppState::get()?;
    orgs::public_profile(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The organisation's current values, for its owner.
#[server(prefix = "/api", endpoint = "orgs/edit", input = GetUrl)]
pub async fn organisation_for_edit(id: i32) -> Result<crate::domain::org::OrgEdit, AppError> {
    use crate::server::{auth::Caller, orgs, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    orgs::for_edit(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::OrgId(id),
    )
    .await
}

/// An owner changes the organisation's profile (its SIRET and kind stay as they are).
#[server(prefix = "/api", endpoint = "orgs/update")]
pub async fn update_organisation(id: i32, form: OrgForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, orgs, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    orgs::update(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::OrgId(id),
        form,
    )
    .await?;
    leptos_axum::redirect("/compte?ok=saved");
    Ok(())
}
