//! "Who can supply this?" (`/catalogue/fournisseurs?cpv=…`): for a CPV code, the local firms with
//! offers in its trade and those that already won public contracts in it.

use super::api::cpv_suppliers;
use crate::components::lists::TerritorialBadges;
use crate::components::status::LoadError;
use crate::domain::catalogue::Suppliers;
use crate::domain::contracts::format_euros;
use crate::domain::cpv::{prefix_code, prefix_of};
use crate::error::AppError;
use crate::features::reference::cpv_picker::{filter_words, CpvFilter};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SuppliersPage() -> impl IntoView {
    let query = use_query_map();
    let code = move || query.with(|q| q.get("cpv")).unwrap_or_default();
    // A prefix chosen in the filter ("45421") stands for its 8-digit code; anything else is
    // asked as typed (a code from a link, with its check digit; or not a code: said so).
    let asked = move || {
        let c = code().trim().to_string();
        if (2..8).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()) {
            prefix_code(&c)
        } else {
            c
        }
    };
    let data = Resource::new(asked, |code| async move {
        if code.is_empty() {
            Ok(None)
        } else {
            cpv_suppliers(code).await.map(Some)
        }
    });
    // The filter shows the code asked by its label, cut at its last significant digit.
    let chosen = crate::domain::cpv::normalise(&asked()).map(|c| prefix_of(&c, 8));
    view! {
        <Title text=format!("{} — Passerelle", t("suppliers.title")) />
        <p><a href="/catalogue">{t("offer.back_catalogue")}</a></p>
        <h1>{t("suppliers.title")}</h1>
        <p class="lead">{t("suppliers.lead")}</p>
        <form method="get" action="/catalogue/fournisseurs" role="search" class="cpv-search card">
            <CpvFilter id="s-cpv" label=t("suppliers.cpv") hint=t("cpv_picker.filter_hint") words=filter_words() chosen depth=8 />
            <button type="submit" class="button button--primary">{t("suppliers.submit")}</button>
        </form>
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Ok(None) => ().into_any(),
                Ok(Some(s)) => view! { <SupplierList s /> }.into_any(),
                Err(e) => {
                    let key = (e == AppError::NotFound).then_some("suppliers.unknown");
                    view! { <LoadError error=e key /> }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
fn SupplierList(s: Suppliers) -> impl IntoView {
    view! {
        <h2>{format!("{} — {}", s.code, s.label.clone().unwrap_or_default())}</h2>
        <p>{t("suppliers.scope")} " " <strong>{s.scope.clone()}</strong> " · "
            <a href=format!("/catalogue?cpv={}", s.scope)>{t("suppliers.see_offers")}</a> " · "
            <a href=format!("/marches?cpv={}", &s.scope[..s.scope.len().min(3)])>{t("suppliers.see_contracts")}</a>
        </p>
        {if s.suppliers.is_empty() {
            view! { <p class="empty-state">{t("suppliers.none")}</p> }.into_any()
        } else {
            view! {
                <ul class="result-list" data-test="suppliers">
                    {s.suppliers.into_iter().map(|f| view! {
                        <li class="card result" data-test="supplier">
                            <h3 class="result__title"><a href=format!("/annuaire/{}", f.org_id)>{f.name.clone()}</a></h3>
                            <p class="result__meta">
                                {f.place.clone().unwrap_or_default()}
                                {f.inclusive.as_deref().map(|i| format!(" · {}", t(&format!("org.inclusive.{i}"))))}
                            </p>
                            {(!f.tlabels.is_empty()).then(|| view! {
                                <p class="badges"><TerritorialBadges badges=f.tlabels.clone() /></p>
                            })}
                            {(!f.offers.is_empty()).then(|| view! {
                                <p>{t("suppliers.offers")} " : "
                                    {f.offers.iter().enumerate().map(|(i, (id, title))| view! {
                                        <span>{(i > 0).then_some(", ")}<a href=format!("/catalogue/{id}")>{title.clone()}</a></span>
                                    }).collect_view()}
                                </p>
                            })}
                            <p class="result__meta" data-test="supplier-won">
                                {if f.won_contracts == 0 {
                                    t("suppliers.won_none")
                                } else {
                                    format!(
                                        "{} : {} · {}{}",
                                        t("suppliers.won"),
                                        f.won_contracts,
                                        format_euros(f.won_cents),
                                        f.last_won.as_ref().map(|d| format!(" · {} {d}", t("suppliers.last"))).unwrap_or_default()
                                    )
                                }}
                            </p>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
