//! Server functions of the territorial label. Referentials and decisions are for analysts (and
//! admins); applications for active members of the business; the referentials that are not
//! drafts, and who holds them, are public.

use crate::domain::label::{
    ApplicationSummary, Dossier, OrgLabels, SchemeForm, SchemeSummary, SchemeView,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use std::collections::BTreeMap;

/// Referentials: every one for analysts (`all`), the open and closed ones for anyone.
#[server(prefix = "/api", endpoint = "labels/schemes", input = GetUrl)]
pub async fn label_schemes(all: bool) -> Result<Vec<SchemeSummary>, AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    if all {
        Caller::current().await?.require_analyst()?;
    }
    labels::schemes(&state.db, all).await
}

/// A referential with its criteria and holders (a draft only for analysts); `edit`: for its
/// editor, analysts only.
#[server(prefix = "/api", endpoint = "labels/scheme", input = GetUrl)]
pub async fn label_scheme(id: i32, edit: bool) -> Result<SchemeView, AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    if edit {
        caller.require_analyst()?;
    }
    labels::scheme(&state.db, id, caller.require_analyst().is_ok()).await
}

#[server(prefix = "/api", endpoint = "labels/scheme/create")]
pub async fn create_label_scheme(form: SchemeForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let analyst = caller.require_analyst()?;
    let id = labels::create_scheme(&state.db, analyst.id, &form).await?;
    leptos_axum::redirect(&format!("/labels/gestion/{id}?ok=created"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "labels/scheme/update")]
pub async fn update_label_scheme(id: i32, form: SchemeForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_analyst()?;
    labels::update_scheme(&state.db, id, &form).await?;
    crate::server::infra::redirect::redirect_fresh(&format!("/labels/gestion/{id}?ok=saved"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "labels/criterion/add")]
pub async fn add_label_criterion(
    id: i32,
    question: String,
    evidence: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_analyst()?;
    labels::add_criterion(&state.db, id, &question, &evidence).await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/labels/gestion/{id}?ok=criterion#criteria"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "labels/criterion/remove")]
pub async fn remove_label_criterion(id: i32, criterion_id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_analyst()?;
    labels::remove_criterion(
        &state.db,
        crate::domain::ids::SchemeId(id),
        crate::domain::ids::CriterionId(criterion_id),
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/labels/gestion/{id}?ok=criterion_removed#criteria"
    ));
    Ok(())
}

/// `status`: open or closed.
#[server(prefix = "/api", endpoint = "labels/scheme/status")]
pub async fn set_label_scheme_status(id: i32, status: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_analyst()?;
    labels::set_scheme_status(&state.db, id, &status).await?;
    leptos_axum::redirect(&format!("/labels/gestion/{id}?ok={status}"));
    Ok(())
}

/// The analysts' queue of applications in `status` (default: sent).
#[server(prefix = "/api", endpoint = "labels/queue", input = GetUrl)]
pub async fn label_queue(status: String) -> Result<Vec<ApplicationSummary>, AppError> {
    use crate::domain::label::ApplicationStatus;
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    Caller::current().await?.require_analyst()?;
    let status = ApplicationStatus::parse(&status).unwrap_or(ApplicationStatus::Submitted);
    labels::queue(&state.db, status).await
}

/// A business's applications, for its members.
#[server(prefix = "/api", endpoint = "labels/org", input = GetUrl)]
pub async fn org_label_applications(org_id: i32) -> Result<OrgLabels, AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    labels::org_labels(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::OrgId(org_id),
    )
    .await
}

/// Starts an application; `holder` is `org` (the business itself) or an offer's id.
#[server(prefix = "/api", endpoint = "labels/apply")]
pub async fn apply_for_label(org_id: i32, scheme_id: i32, holder: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let offer_id = match holder.as_str() {
        "org" => None,
        other => Some(
            other
                .parse::<i32>()
                .map_err(|_| AppError::field("holder", "validation.unknown_choice"))?,
        ),
    };
    let id = labels::apply(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::OrgId(org_id),
        crate::domain::ids::SchemeId(scheme_id),
        offer_id,
    )
    .await?;
    leptos_axum::redirect(&format!("/labels/dossiers/{id}?ok=created"));
    Ok(())
}

/// An application, for a member of its business or an analyst.
#[server(prefix = "/api", endpoint = "labels/dossier", input = GetUrl)]
pub async fn label_dossier(id: i32) -> Result<Dossier, AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    labels::dossier(&state.db, caller.user()?, id).await
}

/// Answers by criterion id (`answers[12]=…`).
#[server(prefix = "/api", endpoint = "labels/answers")]
pub async fn save_label_answers(
    id: i32,
    #[server(default)] answers: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    labels::save_answers(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::ApplicationId(id),
        &answers,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!("/labels/dossiers/{id}?ok=answers"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "labels/submit")]
pub async fn submit_label_application(id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    labels::submit(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::ApplicationId(id),
    )
    .await?;
    leptos_axum::redirect(&format!("/labels/dossiers/{id}?ok=submitted"));
    Ok(())
}

/// The business withdraws its application or renounces its label (`confirm` ticked).
#[server(prefix = "/api", endpoint = "labels/withdraw")]
pub async fn withdraw_label_application(
    id: i32,
    #[server(default)] reason: String,
    confirm: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    labels::withdraw(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::ApplicationId(id),
        &reason,
        confirm.is_some(),
    )
    .await?;
    leptos_axum::redirect(&format!("/labels/dossiers/{id}?ok=withdrawn"));
    Ok(())
}

/// An analyst's decision: `action` is changes_requested, granted, refused or withdrawn.
#[server(prefix = "/api", endpoint = "labels/decide")]
pub async fn decide_label_application(
    id: i32,
    action: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let analyst = caller.require_analyst()?;
    labels::decide(
        &state.db,
        crate::domain::ids::UserId(analyst.id),
        crate::domain::ids::ApplicationId(id),
        &action,
        &reason,
    )
    .await?;
    leptos_axum::redirect(&format!("/labels/dossiers/{id}?ok={action}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "labels/evidence/remove")]
pub async fn remove_label_evidence(id: i32, evidence_id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, labels, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    labels::remove_evidence(
        &state.db,
        &state.media_dir,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::ApplicationId(id),
        crate::domain::ids::EvidenceId(evidence_id),
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/labels/dossiers/{id}?ok=file_removed#criteria"
    ));
    Ok(())
}
