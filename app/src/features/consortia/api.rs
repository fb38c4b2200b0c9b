//! Server functions of consortia: all for the participants only (a consortium does not exist for
//! anyone else), most for the lead's members.

use crate::domain::consortia::{ConsortiumSummary, ConsortiumView};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
async fn tell(org: i32, title: &str, url: &str, body: &str) {
    if let Ok(state) = crate::server::state::AppState::get() {
        crate::server::partners::answers::tell_members(
            &state.db,
            &state.mailer,
            &state.public_url,
            org,
            title,
            url,
            body,
        )
        .await;
    }
}

/// Creates a consortium led by `org_id`, inviting the firms ticked (`invite[ID]=on`).
#[server(prefix = "/api", endpoint = "consortia/create")]
pub async fn create_consortium(
    org_id: i32,
    name: String,
    kind: String,
    #[server(default)] plan_id: Option<i32>,
    #[server(default)] request_id: Option<i32>,
    #[server(default)] invite: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, consortia, state::AppState};
    let caller = Caller::current().await?;
    let mut ids = Vec::new();
    for k in invite.keys() {
        ids.push(
            k.parse::<i32>()
                .map_err(|_| AppError::field("invite", "validation.unknown_choice"))?,
        );
    }
    let (id, invited) = consortia::create(
        &AppState::get()?.db,
        &caller,
        org_id,
        (&name, &kind),
        (plan_id, request_id, None),
        &ids,
    )
    .await?;
    let lead = caller
        .membership(org_id)
        .map(|(_, o)| o.name.clone())
        .unwrap_or_default();
    for org in invited {
        tell(
            org,
            &format!("Invitation au groupement « {name} »"),
            &format!("/compte/groupements/{id}"),
            &format!("{lead} vous invite à former le groupement « {name} ». Acceptez ou déclinez l'invitation :"),
        )
        .await;
    }
    leptos_axum::redirect(&format!("/compte/groupements/{id}?ok=created"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "consortia/get", input = GetUrl)]
pub async fn consortium_get(id: i32) -> Result<ConsortiumView, AppError> {
    use crate::server::{auth::Caller, consortia, state::AppState};
    let caller = Caller::current().await?;
    consortia::view(&AppState::get()?.db, &caller, id).await
}

#[server(prefix = "/api", endpoint = "consortia/mine", input = GetUrl)]
pub async fn my_consortia() -> Result<Vec<ConsortiumSummary>, AppError> {
    use crate::server::{auth::Caller, consortia, state::AppState};
    let caller = Caller::current().await?;
    consortia::mine(&AppState::get()?.db, &caller).await
}

#[server(prefix = "/api", endpoint = "consortia/invite")]
pub async fn invite_to_consortium(
    id: i32,
    siret: String,
    role: String,
    #[server(default)] share: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, consortia, state::AppState};
    let caller = Caller::current().await?;
    let db = &AppState::get()?.db;
    let org = consortia::invite(db, &caller, id, &siret, &role, &share).await?;
    let v = consortia::view(db, &caller, id).await?;
    tell(
        org,
        &format!("Invitation au groupement « {} »", v.name),
        &format!("/compte/groupements/{id}"),
        &format!("Vous êtes invité à rejoindre le groupement « {} ». Acceptez ou déclinez l'invitation :", v.name),
    )
    .await;
    crate::server::infra::redirect::redirect_fresh(&format!("/compte/groupements/{id}?ok=invited"));
    Ok(())
}

/// `decision` is "accept" or "decline".
#[server(prefix = "/api", endpoint = "consortia/respond")]
pub async fn respond_to_consortium(member_id: i32, decision: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, consortia, state::AppState};
    let caller = Caller::current().await?;
    let accept = match decision.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::field("decision", "validation.unknown_choice")),
    };
    let (id, lead, name) =
        consortia::respond(&AppState::get()?.db, &caller, member_id, accept).await?;
    let what = if accept { "acceptée" } else { "déclinée" };
    tell(
        lead,
        &format!("Invitation {what} : « {name} »"),
        &format!("/compte/groupements/{id}"),
        &format!("Une entreprise a {what} votre invitation au groupement « {name} » :"),
    )
    .await;
    if accept {
        crate::server::infra::redirect::redirect_fresh(&format!(
            "/compte/groupements/{id}?ok=accepted"
        ));
    } else {
        crate::server::infra::redirect::redirect_fresh("/compte/groupements?ok=declined");
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "consortia/stage")]
pub async fn set_consortium_stage(id: i32, stage: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, consortia, state::AppState};
    let caller = Caller::current().await?;
    consortia::set_stage(&AppState::get()?.db, &caller, id, &stage).await?;
    crate::server::infra::redirect::redirect_fresh(&format!("/compte/groupements/{id}?ok=stage"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "consortia/share")]
pub async fn set_member_share(
    member_id: i32,
    role: String,
    #[server(default)] share: String,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, consortia, state::AppState};
    let caller = Caller::current().await?;
    let id = consortia::set_share(&AppState::get()?.db, &caller, member_id, &role, &share).await?;
    crate::server::infra::redirect::redirect_fresh(&format!("/compte/groupements/{id}?ok=share"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "consortia/post")]
pub async fn post_consortium_message(id: i32, body: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, consortia, state::AppState};
    let caller = Caller::current().await?;
    let (name, from, others) = consortia::post(&AppState::get()?.db, &caller, id, &body).await?;
    for org in others {
        tell(
            org,
            &format!("Nouveau message de {from} — « {name} »"),
            &format!("/compte/groupements/{id}#conversation"),
            &format!("{from} a écrit dans la conversation du groupement « {name} » :"),
        )
        .await;
    }
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/compte/groupements/{id}?ok=posted#conversation"
    ));
    Ok(())
}
