//! Server functions of direct contact: a contact is its two organisations' only.

use crate::domain::contacts::{ContactSummary, ContactView};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "contacts/request")]
pub async fn request_contact(org_id: i32, to: i32, message: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, contacts, partners::answers::tell_members, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let (id, from) = contacts::request(&state.db, &caller, org_id, to, &message).await?;
    tell_members(
        &state.db,
        &state.mailer,
        &state.public_url,
        to,
        &format!("Demande de contact de {from}"),
        &format!("/compte/contacts/{id}"),
        &format!("{from} souhaite entrer en contact avec vous sur Passerelle. Lisez son message, puis acceptez ou refusez :"),
    )
    .await;
    leptos_axum::redirect(&format!("/compte/contacts/{id}?ok=sent"));
    Ok(())
}

/// `decision` is "accept" or "refuse".
#[server(prefix = "/api", endpoint = "contacts/decide")]
pub async fn decide_contact(id: i32, decision: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, contacts, partners::answers::tell_members, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let accept = match decision.as_str() {
        "accept" => true,
        "refuse" => false,
        _ => return Err(AppError::field("decision", "validation.unknown_choice")),
    };
    let (asking, by) = contacts::decide(&state.db, &caller, id, accept).await?;
    if accept {
        tell_members(
            &state.db,
            &state.mailer,
            &state.public_url,
            asking,
            &format!("{by} a accepté votre demande de contact"),
            &format!("/compte/contacts/{id}"),
            &format!("{by} a accepté votre demande de contact : écrivez-lui sur Passerelle."),
        )
        .await;
    }
    crate::server::infra::redirect::redirect_fresh(&format!("/compte/contacts/{id}?ok={decision}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "contacts/post")]
pub async fn post_contact_message(id: i32, body: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, contacts, partners::answers::tell_members, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let (other, from) = contacts::post(&state.db, &caller, id, &body).await?;
    tell_members(
        &state.db,
        &state.mailer,
        &state.public_url,
        other,
        &format!("Nouveau message de {from}"),
        &format!("/compte/contacts/{id}"),
        &format!("{from} vous a écrit sur Passerelle :"),
    )
    .await;
    crate::server::infra::redirect::redirect_fresh(&format!("/compte/contacts/{id}?ok=posted"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "contacts/get", input = GetUrl)]
pub async fn contact_get(id: i32) -> Result<ContactView, AppError> {
    use crate::server::{auth::Caller, contacts, state::AppState};
    let caller = Caller::current().await?;
    contacts::view(&AppState::get()?.db, &caller, id).await
}

#[server(prefix = "/api", endpoint = "contacts/mine", input = GetUrl)]
pub async fn my_contacts() -> Result<Vec<ContactSummary>, AppError> {
    use crate::server::{auth::Caller, contacts, state::AppState};
    let caller = Caller::current().await?;
    contacts::mine(&AppState::get()?.db, &caller).await
}
