//! An offer of the catalogue (`/catalogue/{id}`): what it is, who offers it, where it goes, and
//! the facts buyers use for the legal levers, each explained.

use super::api::get_offer;
use super::food::FoodFacts;
use crate::components::badge::{Badge, BadgeTone, Badges};
use crate::components::lists::TerritorialBadges;
use crate::components::status::LoadError;
use crate::domain::contracts::format_euros;
use crate::domain::offer::{french_decimal, is_short_chain, tenths, PublicOffer};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OfferPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let offer = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_offer(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <p><a href="/catalogue">{t("offer.back_catalogue")}</a></p>
        <Suspense fallback=|| ()>
            {move || offer.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("nav.catalogue") /> }.into_any(),
                Ok(o) => view! { <Offer o /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Offer(o: PublicOffer) -> impl IntoView {
    let fact = |label: String, value: Option<String>, help: Option<String>| {
        value.map(|v| {
            view! {
                <div>
                    <dt>{label}</dt>
                    <dd>{v}{help.map(|h| view! { <span class="fact__help">{h}</span> })}</dd>
                </div>
            }
        })
    };
    // A food offer's unit says what the price is for when its own words do not.
    let unit = o.price_unit.clone().or_else(|| {
        o.food
            .as_ref()
            .and_then(|f| f.unit)
            .map(|u| format!("/ {}", t(&u.label_key())))
    });
    let price = o.price_cents.map(|c| match &unit {
        Some(u) => format!("{} {u}", format_euros(c)),
        None => format_euros(c),
    });
    let chain = o.intermediaries.map(|n| {
        let short = if is_short_chain(Some(n)) {
            format!(" — {}", t("offer.short_chain"))
        } else {
            String::new()
        };
        format!("{n}{short}")
    });
    let carbon = o.carbon_kg.map(|kg| {
        let mut s = format!("{} kg CO2e", french_decimal(kg));
        if let Some(u) = &o.price_unit {
            s.push_str(&format!(" ({u})"));
        }
        s
    });
    let carbon_how = match (&o.carbon_method, &o.carbon_source) {
        (Some(m), Some(s)) => Some(format!(
            "{} : {m} · {} : {s}",
            t("offer.carbon_method"),
            t("offer.carbon_source")
        )),
        _ => None,
    };
    let delivery: Vec<String> = o
        .delivery_communes
        .iter()
        .chain(o.delivery_departments.iter())
        .cloned()
        .chain(
            o.delivery_radius_km
                .map(|km| format!("{} {km} km", t("offer.radius_around"))),
        )
        .collect();
    let has_life = o.life_years.is_some()
        || o.repairability_tenths.is_some()
        || o.spare_parts_years.is_some()
        || o.recycled_percent.is_some()
        || o.end_of_life.is_some();
    view! {
        <Title text=format!("{} — Passerelle", o.title) />
        <h1>{o.title.clone()}</h1>
        <p class="lead">
            {t(&o.kind.label_key())} " · "
            <a href=format!("/annuaire/{}", o.organisation_id)>{o.organisation_name.clone()}</a>
            {o.organisation_place.clone().map(|(name, dep)| format!(" · {name} ({dep})"))}
        </p>
        {(!o.organisation_tlabels.is_empty()).then(|| view! {
            <Badges test="offer-org-tlabels">
                <span>{t("label.firm_holds")}</span> " "
                <TerritorialBadges badges=o.organisation_tlabels.clone() />
            </Badges>
        })}
        {(!o.tlabels.is_empty() || !o.labels.is_empty() || o.inclusive_production || is_short_chain(o.intermediaries)).then(|| view! {
            <Badges test="offer-badges">
                <TerritorialBadges badges=o.tlabels.clone() />
                {o.labels.iter().map(|l| view! { <Badge tone=BadgeTone::Quality text=l.clone() /> }).collect_view()}
                {is_short_chain(o.intermediaries).then(|| view! { <Badge tone=BadgeTone::Quality text=t("offer.short_chain") /> })}
                {o.inclusive_production.then(|| view! { <Badge tone=BadgeTone::Inclusive text=t("offer.inclusive_badge") /> })}
            </Badges>
        })}
        {(!o.photos.is_empty()).then(|| view! {
            <ul class="photos photos--public" data-test="offer-photos">
                {o.photos.iter().map(|p| view! {
                    <li><img src=p.url.clone() alt=p.alt.clone() width=p.width height=p.height loading="lazy" /></li>
                }).collect_view()}
            </ul>
        })}
        {(!o.description_html.is_empty()).then(|| view! {
            // Rendered from Markdown and cleaned by an allow-list on the server (rich_text).
            <div class="prose" data-test="offer-description" inner_html=o.description_html.clone()></div>
        })}
        <section aria-labelledby="offer-cpv-title">
            <h2 id="offer-cpv-title">{t("offer.cpv_title")}</h2>
            <ul>
                {o.cpv.iter().map(|(code, label)| view! {
                    <li>
                        <a href=format!("/catalogue?cpv={}", &code[..2])>{code.clone()}</a> " — " {label.clone()} " · "
                        <a href=format!("/catalogue/fournisseurs?cpv={code}")>{t("suppliers.link")}</a>
                    </li>
                }).collect_view()}
            </ul>
        </section>
        {o.food.clone().map(|food| view! { <FoodFacts food /> })}
        <section aria-labelledby="offer-terms">
            <h2 id="offer-terms">{t("offer.terms_title")}</h2>
            <dl class="facts">
                {fact(t("offer.price"), price, None)}
                {fact(t("offer.min_order"), o.min_order.clone(), None)}
                {fact(t("offer.delivery_title"), (!delivery.is_empty()).then(|| delivery.join(", ")), None)}
                {fact(t("offer.production"), o.production_place.clone(), None)}
            </dl>
        </section>
        {(chain.is_some() || has_life || carbon.is_some()).then(|| view! {
            <section aria-labelledby="offer-facts" data-test="offer-facts">
                <h2 id="offer-facts">{t("offer.facts_title")}</h2>
                <dl class="facts">
                    {fact(t("offer.intermediaries"), chain.clone(), Some(t("offer.intermediaries_hint")))}
                    {fact(t("offer.life_years"), o.life_years.map(|y| format!("{y} {}", t("offer.years"))), None)}
                    {fact(t("offer.repairability"), o.repairability_tenths.map(|r| format!("{} / 10", tenths(r))), None)}
                    {fact(t("offer.spare_parts"), o.spare_parts_years.map(|y| format!("{y} {}", t("offer.years"))), None)}
                    {fact(t("offer.recycled"), o.recycled_percent.map(|p| format!("{p} %")), None)}
                    {fact(t("offer.end_of_life"), o.end_of_life.clone(), None)}
                    {fact(t("offer.carbon"), carbon.clone(), carbon_how.clone())}
                </dl>
            </section>
        })}
        {o.published_on.clone().map(|d| view! { <p class="result__meta">{t("offer.published_on")} " " {d}</p> })}
    }
}
