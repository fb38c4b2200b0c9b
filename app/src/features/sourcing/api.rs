//! Server functions of sourcing. Calls and meetings are run by the verified members of the
//! plan's buyer; firms' members answer and register; reads are public but for drafts, and a
//! firm's answers are its own and the buyer's.

use crate::domain::sourcing::{
    Board, CallEdit, CallView, MeetingAdmin, MeetingForm, MeetingView, MyMeetings, PlanSourcing,
    SourcingHome,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use std::collections::BTreeMap;

#[server(prefix = "/api", endpoint = "sourcing/home", input = GetUrl)]
pub async fn get_sourcing_home() -> Result<SourcingHome, AppError> {
    use crate::server::{sourcing, state::AppState};
    sourcing::home(&AppState::get()?.db).await
}

#[server(prefix = "/api", endpoint = "sourcing/plan", input = GetUrl)]
pub async fn get_plan_sourcing(plan_id: i32) -> Result<PlanSourcing, AppError> {
    use crate::server::{sourcing, state::AppState};
    sourcing::of_plan(&AppState::get()?.db, plan_id).await
}

#[server(prefix = "/api", endpoint = "sourcing/board", input = GetUrl)]
pub async fn sourcing_board(org_id: i32) -> Result<Board, AppError> {
    use crate::server::{auth::Caller, sourcing, state::AppState};
    let caller = Caller::current().await?;
    caller.user()?;
    sourcing::board(&AppState::get()?.db, &caller, org_id).await
}

#[server(prefix = "/api", endpoint = "sourcing/call/create")]
pub async fn create_call(
    plan_id: i32,
    title: String,
    #[server(default)] intro: String,
    deadline_day: String,
    deadline_time: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, sourcing::calls, state::AppState};
    let caller = Caller::current().await?;
    let db = &AppState::get()?.db;
    let id = calls::create(
        db,
        &caller,
        plan_id,
        &title,
        &intro,
        &deadline_day,
        &deadline_time,
    )
    .await?;
    leptos_axum::redirect(&format!("/compte/sourcage/appels/{id}?ok=created"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sourcing/call/update")]
pub async fn update_call(
    id: i32,
    title: String,
    #[server(default)] intro: String,
    deadline_day: String,
    deadline_time: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, sourcing::calls, state::AppState};
    let caller = Caller::current().await?;
    let db = &AppState::get()?.db;
    calls::update(
        db,
        &caller,
        id,
        &title,
        &intro,
        &deadline_day,
        &deadline_time,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/compte/sourcage/appels/{id}?ok=saved"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sourcing/call/get", input = GetUrl)]
pub async fn call_get(id: i32) -> Result<CallView, AppError> {
    use crate::server::{auth::Caller, sourcing::calls, state::AppState};
    let caller = Caller::current().await?;
    calls::view(&AppState::get()?.db, &caller, id).await
}

#[server(prefix = "/api", endpoint = "sourcing/call/edit", input = GetUrl)]
pub async fn call_for_edit(id: i32) -> Result<CallEdit, AppError> {
    use crate::server::{auth::Caller, sourcing::calls, state::AppState};
    let caller = Caller::current().await?;
    calls::for_edit(&AppState::get()?.db, &caller, id).await
}

#[server(prefix = "/api", endpoint = "sourcing/call/question/add")]
pub async fn add_question(
    id: i32,
    kind: String,
    label: String,
    #[server(default)] choices: String,
    #[server(default)] required: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, sourcing::calls, state::AppState};
    let caller = Caller::current().await?;
    let db = &AppState::get()?.db;
    calls::add_question(
        db,
        &caller,
        id,
        &kind,
        &label,
        &choices,
        !required.is_empty(),
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/compte/sourcage/appels/{id}?ok=question#questions"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sourcing/call/question/remove")]
pub async fn remove_question(id: i32, question_id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, sourcing::calls, state::AppState};
    let caller = Caller::current().await?;
    calls::remove_question(
        &AppState::get()?.db,
        &caller,
        crate::domain::ids::CallId(id),
        crate::domain::ids::QuestionId(question_id),
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/compte/sourcage/appels/{id}?ok=question_removed#questions"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sourcing/call/open")]
pub async fn open_call(id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, sourcing::calls, state::AppState};
    let caller = Caller::current().await?;
    calls::open(&AppState::get()?.db, &caller, id).await?;
    leptos_axum::redirect(&format!("/compte/sourcage/appels/{id}?ok=opened"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sourcing/call/publish")]
pub async fn publish_summary(id: i32, summary: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, sourcing::calls, state::AppState};
    let caller = Caller::current().await?;
    calls::publish(&AppState::get()?.db, &caller, id, &summary).await?;
    leptos_axum::redirect(&format!("/compte/sourcage/appels/{id}?ok=published"));
    Ok(())
}

/// A firm answers: `answers[q<question id>]` for each question.
#[server(prefix = "/api", endpoint = "sourcing/call/answer")]
pub async fn answer_call(
    id: i32,
    org_id: i32,
    #[server(default)] answers: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, sourcing::calls, state::AppState};
    let caller = Caller::current().await?;
    let user = caller.user()?;
    calls::answer(
        &AppState::get()?.db,
        crate::domain::ids::UserId(user.id),
        crate::domain::ids::CallId(id),
        crate::domain::ids::OrgId(org_id),
        &answers,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/sourcage/appels/{id}?ok=answered#answer"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sourcing/meeting/create")]
pub async fn create_meeting(plan_id: i32, form: MeetingForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, sourcing::meetings, state::AppState};
    let caller = Caller::current().await?;
    let id = meetings::create(&AppState::get()?.db, &caller, plan_id, &form).await?;
    leptos_axum::redirect(&format!("/compte/sourcage/reunions/{id}?ok=created"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sourcing/meeting/get", input = GetUrl)]
pub async fn meeting_get(id: i32) -> Result<MeetingView, AppError> {
    use crate::server::{auth::Caller, sourcing::meetings, state::AppState};
    let caller = Caller::current().await?;
    meetings::view(&AppState::get()?.db, &caller, id).await
}

#[server(prefix = "/api", endpoint = "sourcing/meeting/admin", input = GetUrl)]
pub async fn meeting_for_buyer(id: i32) -> Result<MeetingAdmin, AppError> {
    use crate::server::{auth::Caller, sourcing::meetings, state::AppState};
    let caller = Caller::current().await?;
    meetings::for_buyer(&AppState::get()?.db, &caller, id).await
}

/// A firm registers: `slot` "" for the first free seat (or slot), or a slot's number.
#[server(prefix = "/api", endpoint = "sourcing/meeting/register")]
pub async fn register_meeting(
    id: i32,
    org_id: i32,
    #[server(default)] slot: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, sourcing::meetings, state::AppState};
    let caller = Caller::current().await?;
    let user = caller.user()?;
    let slot = match slot.trim() {
        "" => None,
        s => Some(
            s.parse::<i32>()
                .map_err(|_| AppError::field("slot", "validation.unknown_choice"))?,
        ),
    };
    let status = meetings::register(
        &AppState::get()?.db,
        crate::domain::ids::UserId(user.id),
        crate::domain::ids::MeetingId(id),
        crate::domain::ids::OrgId(org_id),
        slot,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/sourcage/reunions/{id}?ok={}#registration",
        status.as_str()
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sourcing/meeting/unregister")]
pub async fn cancel_registration(registration_id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, sourcing::meetings, state::AppState};
    let caller = Caller::current().await?;
    let user = caller.user()?;
    let state = AppState::get()?;
    let (meeting, promoted) = meetings::cancel(
        &state.db,
        crate::domain::ids::UserId(user.id),
        crate::domain::ids::RegistrationId(registration_id),
    )
    .await?;
    if let Some(p) = promoted {
        meetings::tell_promoted(&state.db, &state.mailer, &state.public_url, p).await;
    }
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/sourcage/reunions/{meeting}?ok=cancelled#registration"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sourcing/meeting/cancel")]
pub async fn cancel_meeting(id: i32, #[server(default)] note: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, sourcing::meetings, state::AppState};
    let caller = Caller::current().await?;
    let state = AppState::get()?;
    meetings::cancel_meeting(
        &state.db,
        &state.mailer,
        &state.public_url,
        &caller,
        id,
        &note,
    )
    .await?;
    leptos_axum::redirect(&format!(
        "/compte/sourcage/reunions/{id}?ok=meeting_cancelled"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sourcing/mine", input = GetUrl)]
pub async fn list_my_meetings() -> Result<MyMeetings, AppError> {
    use crate::server::{auth::Caller, sourcing::meetings, state::AppState};
    let caller = Caller::current().await?;
    let user = caller.user()?;
    let state = AppState::get()?;
    meetings::mine(&state.db, user.id, &state.public_url).await
}

/// A new address for the person's calendar feed (the previous one stops working).
#[server(prefix = "/api", endpoint = "sourcing/calendar-token")]
pub async fn new_calendar_token() -> Result<(), AppError> {
    use crate::server::{auth::Caller, sourcing::meetings, state::AppState};
    let caller = Caller::current().await?;
    let user = caller.user()?;
    meetings::new_calendar_token(&AppState::get()?.db, user.id).await?;
    crate::server::infra::redirect::redirect_fresh("/compte/reunions?ok=feed#feed");
    Ok(())
}
