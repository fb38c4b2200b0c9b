//! `/analyses/alimentation?annee=YYYY`: the chamber's view of the territory's food purchases —
//! every buyer's EGalim shares together and one by one, by product family — and the products
//! quick consultations asked for, the least supplied first (they also feed the shortage view).

use super::api::get_food;
use super::pages::{fill, AnalyticsNav};
use crate::components::status::LoadError;
use crate::domain::contracts::format_euros;
use crate::domain::food_demand::Territory;
use crate::features::quotes::egalim::{share, FamilyTable, Shares};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FoodPage() -> impl IntoView {
    let query = use_query_map();
    let year = move || query.with(|q| q.get("annee").and_then(|y| y.parse::<i32>().ok()));
    let data = Resource::new(year, get_food);
    view! {
        <Title text=format!("{} — Passerelle", t("analytics.food.title")) />
        <h1>{t("analytics.food.title")}</h1>
        <AnalyticsNav current="food" />
        <p class="lead">{t("analytics.food.lead")}</p>
        <Transition fallback=|| view! { <p>{t("analytics.loading")}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e login=true /> }.into_any(),
                Ok(v) => view! { <Food v /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Food(v: Territory) -> impl IntoView {
    let total = v.total();
    let year = v.year;
    let least = v.least_answered();
    view! {
        <nav aria-label=t("analytics.food.years")>
            <p>{t("analytics.food.years")} " : "
                {v.years.iter().map(|y| view! {
                    <a href=format!("/analyses/alimentation?annee={y}") aria-current=(*y == year).then_some("page")>{y.to_string()}</a>
                    " "
                }).collect_view()}
            </p>
        </nav>
        <h2>{format!("EGalim {year}")}</h2>
        <Shares total how=t("analytics.food.how_text") />
        <p data-test="food-meeting">{fill("analytics.food.buyers_meeting", &[
            ("n", v.buyers_meeting().to_string()),
            ("of", v.buyers.len().to_string()),
        ])}</p>
        {if v.families.is_empty() {
            view! { <p class="empty-state">{t("analytics.food.none")}</p> }.into_any()
        } else {
            view! {
                <h3>{t("egalim.by_family")}</h3>
                <FamilyTable families=v.families.clone() />
                <h3>{t("analytics.food.by_buyer")}</h3>
                <BuyerTable v=v.clone() />
            }.into_any()
        }}
        <h2>{t("analytics.food.least")}</h2>
        <p>{t("analytics.food.least_lead")}</p>
        {if least.is_empty() {
            view! { <p class="empty-state">{t("analytics.food.none_least")}</p> }.into_any()
        } else {
            view! {
                <ol data-test="food-least">
                    {least.iter().map(|p| view! {
                        <li>{fill("analytics.food.least_item", &[
                            ("product", p.label.clone()),
                            ("unanswered", p.unanswered.to_string()),
                            ("n", p.consultations.to_string()),
                            ("pct", p.unanswered_percent().to_string()),
                        ])}</li>
                    }).collect_view()}
                </ol>
                <p><a href="/analyses/tensions">{t("analytics.food.to_shortage")}</a></p>
            }.into_any()
        }}
        <h2>{t("analytics.food.products")}</h2>
        {if v.products.is_empty() {
            view! { <p class="empty-state">{t("analytics.food.no_products")}</p> }.into_any()
        } else {
            view! { <ProductTable v=v.clone() /> }.into_any()
        }}
    }
}

#[component]
fn BuyerTable(v: Territory) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=t("analytics.food.by_buyer")>
            <table class="data" data-test="food-buyers">
                <thead><tr>
                    <th scope="col">{t("analytics.food.buyer_col")}</th>
                    <th scope="col">{t("egalim.total")}</th>
                    <th scope="col">{t("egalim.quality_short")}</th>
                    <th scope="col">{t("egalim.organic_short")}</th>
                    <th scope="col">{t("analytics.food.meets_col")}</th>
                </tr></thead>
                <tbody>
                    {v.buyers.iter().map(|b| view! {
                        <tr>
                            <th scope="row"><a href=format!("/annuaire/{}", b.buyer_id)>{b.name.clone()}</a></th>
                            <td class="num">{format_euros(b.purchases.total_cents)}</td>
                            <td class="num">{share(b.purchases.quality_permille())}</td>
                            <td class="num">{share(b.purchases.organic_permille())}</td>
                            <td>{t(if b.purchases.meets_targets() { "egalim.met" } else { "egalim.not_met" })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ProductTable(v: Territory) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=t("analytics.food.products")>
            <table class="data" data-test="food-products">
                <thead><tr>
                    <th scope="col">{t("analytics.food.product_col")}</th>
                    <th scope="col">{t("analytics.food.consultations")}</th>
                    <th scope="col">{t("analytics.food.buyers_col")}</th>
                    <th scope="col">{t("analytics.food.priced")}</th>
                    <th scope="col">{t("analytics.food.unanswered")}</th>
                </tr></thead>
                <tbody>
                    {v.products.iter().map(|p| view! {
                        <tr>
                            <th scope="row">{p.label.clone()}</th>
                            <td class="num">{p.consultations}</td>
                            <td class="num">{p.buyers}</td>
                            <td class="num">{p.priced}</td>
                            <td class="num">{p.unanswered}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
