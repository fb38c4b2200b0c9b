//! A business's offers, for its members (`/compte/organisations/{id}/offres`): every offer with
//! its status, and the form that starts a new one.

use super::api::{org_offers, CreateOffer, OrgCatalogue};
use crate::components::form::{action_error, FormAlert, SelectField, TextField};
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::offer::{OfferKind, OfferStatus, MAX_TITLE};
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn OrgOffersPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => org_offers(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    let query = use_query_map();
    let deleted = move || query.with(|q| q.get("ok")).as_deref() == Some("deleted");
    view! {
        <Title text=format!("{} — Passerelle", t("offer.my_offers")) />
        <p><a href="/compte">{t("offer.back_account")}</a></p>
        <h1>{t("offer.my_offers")}</h1>
        {move || deleted().then(|| view! { <Notice>{t("offer.deleted")}</Notice> })}
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(c) => view! { <Catalogue c /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Catalogue(c: OrgCatalogue) -> impl IntoView {
    let action = ServerAction::<CreateOffer>::new();
    let error = action_error(action);
    let kinds: Vec<(String, String)> = OfferKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), t(&k.label_key())))
        .collect();
    view! {
        <p class="lead">{c.org_name.clone()}</p>
        {if c.offers.is_empty() {
            view! { <p class="empty-state">{t("offer.none_yet")}</p> }.into_any()
        } else {
            view! {
                <ul class="result-list" data-test="org-offers">
                    {c.offers.into_iter().map(|o| {
                        let badge = match o.status {
                            OfferStatus::Published => "badge badge--ok",
                            OfferStatus::Draft => "badge badge--warn",
                            OfferStatus::Archived => "badge",
                        };
                        view! {
                            <li class="card result">
                                <h2 class="result__title"><a href=format!("/compte/offres/{}", o.id)>{o.title.clone()}</a></h2>
                                <p class="result__meta">
                                    <span class=badge>{t(&o.status.label_key())}</span>
                                    " · " {t(&o.kind.label_key())} " · " {t("offer.updated")} " " {o.updated_at.clone()}
                                </p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <section aria-labelledby="new-offer">
            <h2 id="new-offer">{t("offer.new_title")}</h2>
            <p>{t("offer.new_intro")}</p>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                <input type="hidden" name="org_id" value=c.org_id />
                <TextField name="title" label=t("offer.title") required=true maxlength=MAX_TITLE hint=t("offer.title_hint") error />
                <SelectField name="kind" field="kind" label=t("offer.kind_label") options=kinds required=true error />
                <div><button type="submit" class="button button--primary">{t("offer.new_submit")}</button></div>
            </ActionForm>
        </section>
    }
}
