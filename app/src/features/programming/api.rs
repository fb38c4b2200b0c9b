//! Server functions of the programming. Writes are for the verified members of the buyer;
//! reads are public.

use crate::domain::programming::{PlanEdit, PlanForm, PlanPage, PlanSummary, PlanView};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// A buyer's programming, for its members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerProgramme {
    pub org_id: i32,
    pub org_name: String,
    pub plans: Vec<PlanSummary>,
}

/// `query` is the programming's query string, as in its URL.
#[server(prefix = "/api", endpoint = "plans/list", input = GetUrl)]
pub async fn plans_list(query: String) -> Result<PlanPage, AppError> {
    use crate::domain::programming::PlanFilters;
    use crate::server::{programming, state::AppState};
    let state = AppState::get()?;
    programming::list_remembered(&state.db, &state.answers, &PlanFilters::from_query(&query)).await
}

#[server(prefix = "/api", endpoint = "plans/get", input = GetUrl)]
pub async fn plan_get(id: i32) -> Result<PlanView, AppError> {
    use crate::server::{auth::Caller, programming, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    programming::view(&state.db, &caller, id).await
}

#[server(prefix = "/api", endpoint = "plans/mine", input = GetUrl)]
pub async fn my_buyer_plans(org_id: i32) -> Result<BuyerProgramme, AppError> {
    use crate::server::{auth::Caller, programming, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    let (org_name, plans) = programming::of_buyer(&state.db, &caller, org_id).await?;
    Ok(BuyerProgramme {
        org_id,
        org_name,
        plans,
    })
}

#[server(prefix = "/api", endpoint = "plans/create")]
pub async fn create_plan(org_id: i32, form: PlanForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let id = programming::create(&state.db, &caller, org_id, &form).await?;
    // The procurement is published: alerts that fail are logged, never a failure of the write.
    match crate::server::alerts::on_new_plan(&state.db, &state.mailer, &state.public_url, id).await
    {
        Ok(n) => tracing::info!("plan {id}: {n} people alerted"),
        Err(e) => tracing::warn!("plan {id}: alerts failed: {e}"),
    }
    leptos_axum::redirect(&format!("/compte/achats/{id}?ok=created"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "plans/edit", input = GetUrl)]
pub async fn plan_for_edit(id: i32) -> Result<PlanEdit, AppError> {
    use crate::server::{auth::Caller, programming, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    programming::for_edit(&state.db, &caller, id).await
}

#[server(prefix = "/api", endpoint = "plans/update")]
pub async fn update_plan(id: i32, form: PlanForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    programming::update(&state.db, &caller, id, &form).await?;
    crate::server::infra::redirect::redirect_fresh(&format!("/compte/achats/{id}?ok=saved"));
    Ok(())
}

/// Moves a planned procurement to `status`; `tender_url` to publish, `note` to cancel.
#[server(prefix = "/api", endpoint = "plans/status")]
pub async fn set_plan_status(
    id: i32,
    status: String,
    #[server(default)] tender_url: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    let from = programming::set_status(&state.db, &caller, id, &status, &tender_url, &note).await?;
    // A reviewed draft reaches the public now: the alerts it matches leave.
    if from == crate::domain::programming::PlanStatus::Draft {
        match crate::server::alerts::on_new_plan(&state.db, &state.mailer, &state.public_url, id)
            .await
        {
            Ok(n) => tracing::info!("plan {id}: {n} people alerted"),
            Err(e) => tracing::warn!("plan {id}: alerts failed: {e}"),
        }
    }
    // The territory's insertion facilitators follow its stages.
    if let Some(to) = crate::domain::programming::PlanStatus::parse(&status) {
        use crate::server::programming::facilitators;
        match facilitators::on_stage(&state.db, &state.mailer, &state.public_url, id, to).await {
            Ok(n) => tracing::info!("plan {id}: {n} facilitators told"),
            Err(e) => tracing::warn!("plan {id}: facilitators not told: {e}"),
        }
    }
    leptos_axum::redirect(&format!("/compte/achats/{id}?ok={status}"));
    Ok(())
}

/// The contract an awarded procurement is linked to, and those it may be.
#[server(prefix = "/api", endpoint = "plans/award", input = GetUrl)]
pub async fn plan_award(id: i32) -> Result<crate::domain::programming::AwardLink, AppError> {
    use crate::server::{auth::Caller, programming, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    programming::award_link(&state.db, &caller, id).await
}

/// Links an awarded procurement to its contract in the imported DECP: `contract` "" unlinks.
#[server(prefix = "/api", endpoint = "plans/contract")]
pub async fn link_plan_contract(
    id: i32,
    #[server(default)] contract: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    let contract = crate::domain::programming::contract_choice(&contract)?;
    programming::link_contract(&state.db, &caller, id, contract).await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/compte/achats/{id}?ok=contract#award"
    ));
    Ok(())
}

/// Names the awardee of an awarded procurement among the directory's organisations (by name or
/// SIRET; "" forgets it): its members then record the insertion hours.
#[server(prefix = "/api", endpoint = "plans/awardee")]
pub async fn set_plan_awardee(id: i32, #[server(default)] awardee: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming::hours, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    hours::set_awardee(&state.db, &caller, id, &awardee).await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/compte/achats/{id}?ok=awardee#award"
    ));
    Ok(())
}

/// Deletes an imported draft the buyer does not keep.
#[server(prefix = "/api", endpoint = "plans/draft/delete")]
pub async fn delete_draft(id: i32, #[server(default)] confirm: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    if confirm.is_empty() {
        // Checked after the rights: a stranger learns nothing from the message.
        programming::for_edit(&state.db, &caller, id).await?;
        return Err(AppError::field("confirm", "plan.confirm_delete"));
    }
    let buyer = programming::delete_draft(&state.db, &caller, id).await?;
    leptos_axum::redirect(&format!(
        "/compte/organisations/{buyer}/programmation?ok=draft_deleted"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "plans/lot/add")]
pub async fn add_plan_lot(
    id: i32,
    title: String,
    #[server(default)] cpv: crate::domain::cpv::CpvCodes,
    #[server(default)] estimate_min: String,
    #[server(default)] estimate_max: String,
    #[server(default)] insertion: crate::domain::insertion::InsertionForm,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    programming::add_lot(
        &state.db,
        &caller,
        id,
        &title,
        &cpv.joined(),
        &estimate_min,
        &estimate_max,
        &insertion,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!("/compte/achats/{id}?ok=lot#lots"));
    Ok(())
}

/// A lot's insertion lever: blank hours take Passerelle's proposal.
#[server(prefix = "/api", endpoint = "plans/lot/insertion")]
pub async fn set_lot_insertion(
    id: i32,
    lot_id: i32,
    #[server(default)] insertion: crate::domain::insertion::InsertionForm,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    programming::set_lot_insertion(
        &state.db,
        &caller,
        crate::domain::ids::PlanId(id),
        crate::domain::ids::LotId(lot_id),
        &insertion,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/compte/achats/{id}?ok=lot_insertion#lot-{lot_id}"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "plans/lot/remove")]
pub async fn remove_plan_lot(id: i32, lot_id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    programming::remove_lot(
        &state.db,
        &caller,
        crate::domain::ids::PlanId(id),
        crate::domain::ids::LotId(lot_id),
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/compte/achats/{id}?ok=lot_removed#lots"
    ));
    Ok(())
}

/// What the caller may do about interest on the plan's page.
#[server(prefix = "/api", endpoint = "plans/interest/options", input = GetUrl)]
pub async fn interest_options(
    plan_id: i32,
) -> Result<crate::domain::programming::InterestOptions, AppError> {
    use crate::server::{auth::Caller, programming::interests, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    interests::options(&state.db, &caller, plan_id).await
}

/// A business signals its interest: `lot` "" for the whole procurement, or a lot's id;
/// `offers[<id>]=on` for its offers that fit.
#[server(prefix = "/api", endpoint = "plans/interest/add")]
pub async fn signal_interest(
    plan_id: i32,
    org_id: i32,
    #[server(default)] lot: String,
    #[server(default)] message: String,
    #[server(default)] offers: std::collections::BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming::interests, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let user = caller.user()?;
    interests::signal(
        &state.db,
        crate::domain::ids::UserId(user.id),
        crate::domain::ids::PlanId(plan_id),
        crate::domain::ids::OrgId(org_id),
        &lot,
        &message,
        &offers,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/programmation/{plan_id}?ok=interest#interest"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "plans/interest/remove")]
pub async fn withdraw_interest(id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming::interests, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let plan = interests::withdraw(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::InterestId(id),
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/programmation/{plan}?ok=interest_removed#interest"
    ));
    Ok(())
}

/// The firms interested in a plan, for the buyer's verified members.
#[server(prefix = "/api", endpoint = "plans/interests", input = GetUrl)]
pub async fn plan_interests(
    plan_id: i32,
) -> Result<Vec<crate::domain::programming::InterestView>, AppError> {
    use crate::server::{auth::Caller, programming::interests, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    interests::for_buyer(&state.db, &caller, plan_id).await
}
