//! Server functions of the catalogue. Writes are for active members of the offer's business;
//! reads of published offers are public.

use crate::domain::offer::{OfferEdit, OfferForm, OfferSummary, PublicOffer};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// A business's offers, for its members.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgCatalogue {
    pub org_id: i32,
    pub org_name: String,
    pub offers: Vec<OfferSummary>,
}

#[server(prefix = "/api", endpoint = "offers/list", input = GetUrl)]
pub async fn org_offers(org_id: i32) -> Result<OrgCatalogue, AppError> {
    use crate::server::{auth::Caller, offers, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let (org, offers) = offers::list(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::OrgId(org_id),
    )
    .await?;
    Ok(OrgCatalogue {
        org_id: org.id,
        org_name: org.name,
        offers,
    })
}

/// Starts a draft offer, then opens its editor.
#[server(prefix = "/api", endpoint = "offers/create")]
pub async fn create_offer(org_id: i32, title: String, kind: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, offers, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let id = offers::create(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::OrgId(org_id),
        &title,
        &kind,
    )
    .await?;
    leptos_axum::redirect(&format!("/compte/offres/{id}?ok=created"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "offers/edit", input = GetUrl)]
pub async fn offer_for_edit(id: i32) -> Result<OfferEdit, AppError> {
    use crate::server::{auth::Caller, offers, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    offers::for_edit(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::OfferId(id),
    )
    .await
}

#[server(prefix = "/api", endpoint = "offers/update")]
pub async fn update_offer(id: i32, form: OfferForm) -> Result<(), AppError> {
    use crate::server::{auth::Caller, offers, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    offers::update(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::OfferId(id),
        form,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!("/compte/offres/{id}?ok=saved"));
    Ok(())
}

/// `status`: draft, published or archived.
#[server(prefix = "/api", endpoint = "offers/status")]
pub async fn set_offer_status(id: i32, status: String) -> Result<(), AppError> {
    use crate::server::{auth::Caller, offers, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    offers::set_status(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::OfferId(id),
        &status,
    )
    .await?;
    leptos_axum::redirect(&format!("/compte/offres/{id}?ok={status}"));
    Ok(())
}

/// Deletes the offer; `confirm` (a ticked checkbox) must say the member means it.
#[server(prefix = "/api", endpoint = "offers/delete")]
pub async fn delete_offer(id: i32, confirm: Option<String>) -> Result<(), AppError> {
    use crate::server::{auth::Caller, offers, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let org = offers::delete(
        &state.db,
        &state.media_dir,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::OfferId(id),
        confirm.is_some(),
    )
    .await?;
    leptos_axum::redirect(&format!("/compte/organisations/{org}/offres?ok=deleted"));
    Ok(())
}

/// Sets the offer's CPV codes to the `cpv` chosen in its picker (every ticked box, one list).
#[server(prefix = "/api", endpoint = "offers/cpv/set")]
pub async fn set_offer_cpv(
    id: i32,
    #[server(default)] cpv: crate::domain::cpv::CpvCodes,
) -> Result<(), AppError> {
    use crate::server::{auth::Caller, offers, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    offers::set_cpv(
        &state.db,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::OfferId(id),
        &cpv,
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!("/compte/offres/{id}?ok=cpv#cpv"));
    Ok(())
}

/// A published offer (anyone).
#[server(prefix = "/api", endpoint = "offers/get", input = GetUrl)]
pub async fn get_offer(id: i32) -> Result<PublicOffer, AppError> {
    use crate::server::{offers, state::AppState};
    let state = AppState::get()?;
    offers::public(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `query` is the catalogue's query string, as in its URL.
#[server(prefix = "/api", endpoint = "catalogue/search", input = GetUrl)]
pub async fn search_catalogue(
    query: String,
) -> Result<crate::domain::catalogue::CataloguePage, AppError> {
    use crate::domain::catalogue::CatalogueFilters;
    use crate::server::{offers::catalogue, state::AppState};
    let state = AppState::get()?;
    let filters = CatalogueFilters::from_query(&query);
    Ok(catalogue::search(&state.db, &state.search, &filters).await?)
}

/// "Who can supply this?" for a CPV code (8 digits, with or without its check digit).
#[server(prefix = "/api", endpoint = "catalogue/suppliers", input = GetUrl)]
pub async fn cpv_suppliers(cpv: String) -> Result<crate::domain::catalogue::Suppliers, AppError> {
    use crate::server::{offers::catalogue, state::AppState};
    let state = AppState::get()?;
    catalogue::suppliers(&state.db, &state.search, &cpv)
        .await?
        .ok_or(AppError::NotFound)
}

/// Removes one of the offer's photos.
#[server(prefix = "/api", endpoint = "offers/photo/delete")]
pub async fn delete_offer_photo(id: i32, photo_id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, offers::photos, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    photos::remove(
        &state.db,
        &state.media_dir,
        crate::domain::ids::UserId(caller.user()?.id),
        crate::domain::ids::OfferId(id),
        crate::domain::ids::PhotoId(photo_id),
    )
    .await?;
    crate::server::infra::redirect::redirect_fresh(&format!(
        "/compte/offres/{id}?ok=photo_removed#photos"
    ));
    Ok(())
}
