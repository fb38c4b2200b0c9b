//! Server functions of partner requests. Writes are for the members of a business; a request
//! is public while the board lists it, its answers are the poster's and their authors'.

use crate::domain::partners::{
    AnswerForm, BoardPage, FormContext, ProposalsView, RequestForm, RequestSummary, RequestView,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "partners/board", input = GetUrl)]
pub async fn partners_board(query: String) -> Result<BoardPage, AppError> {
    use crate::domain::partners::BoardFilters;
    use crate::server::{partners, state::AppState};
    partners::board_page(&AppState::get()?.db, &BoardFilters::from_query(&query)).await
}

#[server(prefix = "/api", endpoint = "partners/get", input = GetUrl)]
pub async fn partner_request(id: i32) -> Result<RequestView, AppError> {
    use crate::server::{auth::Caller, partners::answers, state::AppState};
    let caller = Caller::current().await?;
    let db = &AppState::get()?.db;
    let mut v = answers::view(db, &caller, id).await?;
    // The poster's proposals come with the page: one request, no resource nested in another.
    if v.mine {
        v.proposals = Some(crate::server::partners::matching::for_request(db, &caller, id).await?);
    }
    Ok(v)
}

#[server(prefix = "/api", endpoint = "partners/context", input = GetUrl)]
pub async fn partner_form_context(
    #[server(default)] plan_id: Option<i32>,
    #[server(default)] lot_id: Option<i32>,
    #[server(default)] request_id: Option<i32>,
) -> Result<FormContext, AppError> {
    use crate::server::{auth::Caller, partners, state::AppState};
    let caller = Caller::current().await?;
    partners::form_context(&AppState::get()?.db, &caller, plan_id, lot_id, request_id).await
}

#[server(prefix = "/api", endpoint = "partners/create")]
pub async fn create_partner_request(org_id: i32, form: RequestForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, partners, state::AppState};
    let caller = Caller::current().await?;
    let id = partners::create(&AppState::get()?.db, &caller, org_id, &form).await?;
    leptos_axum::redirect(&format!("/groupements/{id}?ok=created"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "partners/update")]
pub async fn update_partner_request(id: i32, form: RequestForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, partners, state::AppState};
    let caller = Caller::current().await?;
    partners::update(&AppState::get()?.db, &caller, id, &form).await?;
    crate::server::infra::redirect::redirect_fresh(&format!("/groupements/{id}?ok=saved"));
    Ok(())
}

/// `open` is "oui" to open again, anything else to close.
#[server(prefix = "/api", endpoint = "partners/open")]
pub async fn set_partner_request_open(id: i32, open: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, partners, state::AppState};
    let caller = Caller::current().await?;
    let open = open == "oui";
    partners::set_open(&AppState::get()?.db, &caller, id, open).await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/groupements/{id}?ok={}",
        if open { "opened" } else { "closed" }
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "partners/answer")]
pub async fn answer_partner_request(
    id: i32,
    org_id: i32,
    form: AnswerForm,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, partners, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let is_new = partners::answers::answer(
        &state.db,
        &caller,
        crate::domain::ids::RequestId(id),
        crate::domain::ids::OrgId(org_id),
        &form,
    )
    .await?;
    let r = partners::request_of(&state.db, id).await?;
    let from = caller
        .membership(org_id)
        .map(|(_, o)| o.name.clone())
        .unwrap_or_default();
    let title = if is_new {
        format!("Nouvelle réponse de {from} à « {} »", r.title)
    } else {
        format!("{from} a modifié sa réponse à « {} »", r.title)
    };
    let body = format!("{from} a répondu à votre recherche de partenaires « {} ». Lisez sa réponse et acceptez-la ou déclinez-la :", r.title);
    partners::answers::tell_members(
        &state.db,
        &state.mailer,
        &state.public_url,
        r.organisation_id,
        &title,
        &format!("/groupements/{id}#reponses"),
        &body,
    )
    .await;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/groupements/{id}?ok=answered#reponses"
    ));
    Ok(())
}

/// `decision` is "accept" or "decline".
#[server(prefix = "/api", endpoint = "partners/decide")]
pub async fn decide_partner_answer(answer_id: i32, decision: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, partners, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let accept = match decision.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::field("decision", "validation.unknown_choice")),
    };
    let (org, id, title) = partners::answers::decide(&state.db, &caller, answer_id, accept).await?;
    let (subject, body) = if accept {
        (format!("Réponse acceptée : « {title} »"), format!("Votre réponse à la recherche de partenaires « {title} » a été acceptée. Prenez contact pour former le groupement :"))
    } else {
        (format!("Réponse déclinée : « {title} »"), format!("Votre réponse à la recherche de partenaires « {title} » n'a pas été retenue cette fois. D'autres recherches vous attendent :"))
    };
    partners::answers::tell_members(
        &state.db,
        &state.mailer,
        &state.public_url,
        org,
        &subject,
        &format!("/groupements/{id}"),
        &body,
    )
    .await;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/groupements/{id}?ok={decision}#reponses"
    ));
    Ok(())
}

/// Proposed partners for a request, for its poster.
#[server(prefix = "/api", endpoint = "partners/proposals", input = GetUrl)]
pub async fn request_proposals(id: i32) -> Result<ProposalsView, AppError> {
    use crate::server::{auth::Caller, partners::matching, state::AppState};
    let caller = Caller::current().await?;
    caller.user()?;
    matching::for_request(&AppState::get()?.db, &caller, id).await
}

/// Proposed consortia for a planned procurement; with `firm`, around one of the caller's firms.
#[server(prefix = "/api", endpoint = "partners/plan", input = GetUrl)]
pub async fn plan_proposals(
    plan_id: i32,
    #[server(default)] firm: Option<i32>,
) -> Result<ProposalsView, AppError> {
    use crate::server::{auth::Caller, partners::matching, state::AppState};
    let caller = Caller::current().await?;
    if firm.is_some() {
        caller.user()?;
    }
    matching::for_plan(&AppState::get()?.db, &caller, plan_id, firm).await
}

/// The requests of the caller's firms.
#[server(prefix = "/api", endpoint = "partners/mine", input = GetUrl)]
pub async fn my_partner_requests() -> Result<Vec<RequestSummary>, AppError> {
    use crate::server::{auth::Caller, partners, state::AppState};
    let caller = Caller::current().await?;
    partners::of_caller(&AppState::get()?.db, &caller).await
}
