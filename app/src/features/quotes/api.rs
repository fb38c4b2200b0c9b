//! Server functions of quick consultations. Sending and awarding are for the buyer's verified
//! members; answering for a business's members acting in its name.

use crate::domain::quote_views::{QuoteList, QuoteView};
use crate::domain::quotes::{AnswerSheet, QuoteForm};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use std::collections::BTreeMap;

/// A page of the public list; `open` "1" keeps the ones still taking answers.
#[server(prefix = "/api", endpoint = "quotes/list", input = GetUrl)]
pub async fn list_quotes(
    #[server(default)] page: u64,
    #[server(default)] open: String,
) -> Result<QuoteList, AppError> {
    use crate::server::{auth::Caller, quotes, state::AppState};
    let caller = Caller::current().await?;
    quotes::view::list(&AppState::get()?.db, &caller, page, open == "1").await
}

/// One consultation as the caller may see it.
#[server(prefix = "/api", endpoint = "quotes/get", input = GetUrl)]
pub async fn get_quote(id: i32) -> Result<QuoteView, AppError> {
    use crate::server::{auth::Caller, quotes, state::AppState};
    let caller = Caller::current().await?;
    quotes::view::detail(&AppState::get()?.db, &caller, id).await
}

/// The buyers the caller may ask in the name of (signed in; none: the form explains).
#[server(prefix = "/api", endpoint = "quotes/buyers", input = GetUrl)]
pub async fn quote_buyers() -> Result<Vec<(i32, String)>, AppError> {
    use crate::server::{auth::Caller, quotes};
    let caller = Caller::current().await?;
    caller.user()?;
    Ok(quotes::view::buyers_of(&caller))
}

#[server(prefix = "/api", endpoint = "quotes/create")]
pub async fn create_quote(org_id: i32, form: QuoteForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, quotes, state::AppState};
    let caller = Caller::current().await?;
    let state = AppState::get()?;
    let id = quotes::create(
        &state.db,
        &state.mailer,
        &state.public_url,
        &caller,
        org_id,
        &form,
    )
    .await?;
    leptos_axum::redirect(&format!("{}?ok=sent", quotes::url_of(id)));
    Ok(())
}

#[server(prefix = "/api", endpoint = "quotes/answer")]
pub async fn answer_quote(id: i32, org_id: i32, form: AnswerSheet) -> Result<(), AppError> {
    use crate::server::{auth::Caller, quotes, state::AppState};
    let caller = Caller::current().await?;
    quotes::answers::answer(&AppState::get()?.db, &caller, id, org_id, &form).await?;
    crate::server::infra::redirect::redirect_fresh(&format!("{}?ok=answered", quotes::url_of(id)));
    Ok(())
}

/// Business `org_id` forms a producers' grouping for consultation `id`, inviting the producers
/// ticked (`invite[ID]=on`); each is told, and the lead lands on the grouping's page.
#[server(prefix = "/api", endpoint = "quotes/group")]
pub async fn group_for_quote(
    id: i32,
    org_id: i32,
    #[server(default)] invite: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, quotes, state::AppState};
    let caller = Caller::current().await?;
    let state = AppState::get()?;
    let ids = invite
        .keys()
        .map(|k| k.parse::<i32>())
        .collect::<Result<Vec<i32>, _>>()
        .map_err(|_| AppError::field("invite", "validation.unknown_choice"))?;
    let (grouping, invited) =
        quotes::groupings::create(&state.db, &caller, id, org_id, &ids).await?;
    let lead = caller
        .membership(org_id)
        .map(|(_, o)| o.name.clone())
        .unwrap_or_default();
    let title = quotes::request_of(&state.db, id).await?.title;
    for org in invited {
        crate::server::partners::answers::tell_members(
            &state.db,
            &state.mailer,
            &state.public_url,
            org,
            &format!("Répondre ensemble : {title}"),
            &format!("/compte/groupements/{grouping}"),
            &format!("{lead} vous propose de répondre ensemble à la demande de devis « {title} » : chacun livre sa part. Acceptez ou déclinez, et indiquez votre part :"),
        )
        .await;
    }
    leptos_axum::redirect(&format!("/compte/groupements/{grouping}?ok=created"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "quotes/close")]
pub async fn close_quote(id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, quotes, state::AppState};
    let caller = Caller::current().await?;
    quotes::answers::close(&AppState::get()?.db, &caller, id).await?;
    crate::server::infra::redirect::redirect_fresh(&format!("{}?ok=closed", quotes::url_of(id)));
    Ok(())
}

/// `award[ANSWER_ID]=quantity` for each part awarded.
#[server(prefix = "/api", endpoint = "quotes/award")]
pub async fn award_quote(
    id: i32,
    #[server(default)] award: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, quotes, state::AppState};
    let caller = Caller::current().await?;
    let state = AppState::get()?;
    quotes::answers::award(
        &state.db,
        &state.mailer,
        &state.public_url,
        &caller,
        id,
        &award,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!("{}?ok=awarded", quotes::url_of(id)));
    Ok(())
}

/// Buyer `org_id`'s EGalim panel for `year` (this year when none), for its members.
#[server(prefix = "/api", endpoint = "egalim/panel", input = GetUrl)]
pub async fn egalim_panel(
    org_id: i32,
    #[server(default)] year: Option<i32>,
) -> Result<crate::domain::egalim::Panel, AppError> {
    use crate::server::{auth::Caller, quotes, state::AppState};
    let caller = Caller::current().await?;
    quotes::egalim::panel(&AppState::get()?.db, &caller, org_id, year).await
}

/// A verified member declares the amounts of a year and family bought through other channels.
#[server(prefix = "/api", endpoint = "egalim/declare")]
pub async fn declare_egalim(
    org_id: i32,
    form: crate::domain::egalim::DeclaredForm,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, quotes, state::AppState};
    let caller = Caller::current().await?;
    let year = quotes::egalim::declare(&AppState::get()?.db, &caller, org_id, &form).await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/compte/organisations/{org_id}/egalim?annee={year}&ok=declared"
    ));
    Ok(())
}
