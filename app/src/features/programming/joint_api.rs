//! Server functions of the groupements de commandes: the coordinator opens its planned
//! procurement to other buyers and decides on their requests; verified buyers ask to join and
//! withdraw. Reading is public (what the caller may see is decided on the server).

use crate::domain::joint::{JointView, OpenForm};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use std::collections::BTreeMap;

#[server(prefix = "/api", endpoint = "plans/joint", input = GetUrl)]
pub async fn joint_get(plan_id: i32) -> Result<JointView, AppError> {
    use crate::server::{auth::Caller, programming::joint, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let mut v = joint::view(&state.db, &caller, plan_id).await?;
    // Read with the view, not by resources of their own: a resource nested this deep in the
    // page's suspenses does not hydrate.
    if v.coordinates && v.open {
        v.hints = joint::suggestions(&state.db, &caller, plan_id).await?;
    }
    if v.member {
        v.interests =
            crate::server::programming::interests::for_buyer(&state.db, &caller, plan_id).await?;
    }
    Ok(v)
}

/// The groupements de commandes other buyers may join today: `query` as in the page's URL
/// (`cpv`, `page`).
#[server(prefix = "/api", endpoint = "plans/joint/open_list", input = GetUrl)]
pub async fn open_joints(query: String) -> Result<crate::domain::joint::OpenJointPage, AppError> {
    use crate::domain::query::{digits, first, page, pairs};
    use crate::server::{auth::Caller, programming::joint, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let p = pairs(&query);
    let cpv = digits(first(&p, "cpv"), &[2, 3, 4, 5, 6, 7, 8]);
    joint::open_list(&state.db, &caller, cpv, page(first(&p, "page"))).await
}

/// Opens the procurement to other buyers (or changes the convention and the last day).
#[server(prefix = "/api", endpoint = "plans/joint/open")]
pub async fn open_joint(plan_id: i32, form: OpenForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming::joint, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    if joint::open(&state.db, &caller, plan_id, &form).await? {
        // Buyers watching for open groupements are told; a failed alert never fails the write.
        match crate::server::alerts::on_joint_open(
            &state.db,
            &state.mailer,
            &state.public_url,
            plan_id,
        )
        .await
        {
            Ok(n) => tracing::info!("plan {plan_id} opened to co-buyers: {n} people alerted"),
            Err(e) => tracing::warn!("plan {plan_id}: alerts failed: {e}"),
        }
    }
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/programmation/{plan_id}?ok=joint_open#groupement"
    ));
    Ok(())
}

/// A verified buyer asks to join: `amount[<lot id>]`, `quantity[<lot id>]` (`all` without lots).
#[server(prefix = "/api", endpoint = "plans/joint/ask")]
pub async fn ask_joint(
    plan_id: i32,
    org_id: i32,
    #[server(default)] amount: BTreeMap<String, String>,
    #[server(default)] quantity: BTreeMap<String, String>,
    #[server(default)] communes: String,
    #[server(default)] contact: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming::joint, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    let form = crate::domain::joint::JoinForm {
        amount,
        quantity,
        communes,
        contact,
        note,
    };
    joint::ask(
        &state.db,
        &state.mailer,
        &state.public_url,
        &caller,
        plan_id,
        org_id,
        &form,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/programmation/{plan_id}?ok=joint_asked#groupement"
    ));
    Ok(())
}

/// The coordinator's decision: `decision` "accept" or "refuse" (a reason required).
#[server(prefix = "/api", endpoint = "plans/joint/decide")]
pub async fn decide_joint(
    id: i32,
    decision: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming::joint, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    let accept = match decision.as_str() {
        "accept" => true,
        "refuse" => false,
        _ => return Err(AppError::field("decision", "validation.unknown_choice")),
    };
    let plan = joint::decide(
        &state.db,
        &state.mailer,
        &state.public_url,
        &caller,
        id,
        accept,
        &reason,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/programmation/{plan}?ok=joint_{decision}#groupement"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "plans/joint/withdraw")]
pub async fn withdraw_joint(id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming::joint, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    let plan = joint::withdraw(&state.db, &caller, id).await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/programmation/{plan}?ok=joint_withdrawn#groupement"
    ));
    Ok(())
}

/// An accepted member links its own contract to the awarded procurement: `contract` "" unlinks.
#[server(prefix = "/api", endpoint = "plans/joint/contract")]
pub async fn link_joint_contract(
    id: i32,
    #[server(default)] contract: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, programming::joint, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    let contract = crate::domain::programming::contract_choice(&contract)?;
    let plan = joint::link_contract(&state.db, &caller, id, contract).await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/programmation/{plan}?ok=joint_contract#groupement"
    ));
    Ok(())
}
