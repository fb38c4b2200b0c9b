//! The public profile of an organisation of the directory (`/annuaire/{id}`): identity, commune,
//! presentation, website, and the public contracts it won.

use super::api::org_profile;
use crate::components::lists::TerritorialBadges;
use crate::components::status::LoadError;
use crate::domain::contracts::format_euros;
use crate::domain::org::PublicProfile;
use crate::features::directory::map::CommuneMiniMap;
use crate::features::offers::food::SeasonCalendar;
use crate::features::programming::list::Row;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrgProfilePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let profile = Resource::new(id, |id| async move {
        match id {
            Some(id) => org_profile(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    // Created here, not inside the profile's Suspense: a resource created while another
    // resolves is fetched again by the browser during hydration.
    let mine = Resource::new(|| (), |_| crate::features::orgs::api::my_organisations());
    view! {
        <p><a href="/annuaire">{t("directory.back")}</a></p>
        <Suspense fallback=|| ()>
            {move || profile.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("nav.directory") /> }.into_any(),
                Ok(p) => view! { <Profile p mine /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Profile(
    p: PublicProfile,
    mine: Resource<Result<Vec<crate::domain::org::MyOrg>, crate::error::AppError>>,
) -> impl IntoView {
    let unspecified = || t("org.unspecified");
    let row = |label: String, value: Option<String>| {
        view! { <div><dt>{label}</dt><dd>{value.unwrap_or_else(unspecified)}</dd></div> }
    };
    let naf = p
        .naf
        .clone()
        .map(|(code, label)| format!("{code} — {label}"));
    let commune = p
        .commune
        .clone()
        .map(|(insee, name, dep)| format!("{name} ({dep}) — INSEE {insee}"));
    let size = p.size.as_deref().map(|s| t(&format!("org.size.{s}")));
    let inclusive = p
        .inclusive
        .as_deref()
        .map(|s| t(&format!("org.inclusive.{s}")));
    let status = if p.verified {
        t("org.status_verified")
    } else {
        t("org.status_unverified")
    };
    view! {
        <Title text=format!("{} — Passerelle", p.name) />
        <h1>{p.name.clone()}</h1>
        <p class="lead">{t(p.kind.label_key())} " · " {status}</p>
        {(!p.tlabels.is_empty()).then(|| view! {
            <p class="badges" data-test="org-tlabels"><TerritorialBadges badges=p.tlabels.clone() /></p>
        })}
        <div class="profile__identity">
            <dl class="facts" data-test="org-identity">
                {row(t("org.siret"), Some(p.siret.clone()))}
                {row(t("org.naf"), naf)}
                {row(t("org.commune"), commune)}
                {row(t("org.size_label"), size)}
                {row(t("org.inclusive_label"), inclusive)}
                {p.capacity_eur.map(|n| row(t("org.capacity"), Some(t("org.capacity_value").replace("%{amount}", &crate::domain::programming::euros(n)))))}
            </dl>
            {p.commune.clone().map(|(insee, name, _)| view! { <CommuneMiniMap insee name /> })}
        </div>
        {p.website.clone().map(|w| view! {
            // Only http(s) addresses are accepted when saved; the link leaves the platform.
            <p><a href=w.clone() rel="nofollow noopener noreferrer external">{t("org.website")} " : " {w.clone()}</a></p>
        })}
        <crate::features::contacts::pages::ContactForm org_id=p.id org_name=p.name.clone() mine />
        {p.description.clone().map(|d| view! {
            <section aria-labelledby="presentation">
                <h2 id="presentation">{t("org.description")}</h2>
                <p class="prose">{d}</p>
            </section>
        })}
        {(p.kind == crate::domain::org::OrgKind::Buyer).then(|| view! {
            <section aria-labelledby="org-plans">
                <h2 id="org-plans">{t("plan.title")}</h2>
                {if p.plans.is_empty() {
                    view! { <p data-test="org-plans">{t("plan.none_public")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="result-list" data-test="org-plans">
                            {p.plans.clone().into_iter().map(|row| view! { <Row row /> }).collect_view()}
                        </ul>
                        <p><a href=format!("/programmation?acheteur={}", p.id)>{t("plan.see_all").replace("%{n}", &p.plans_total.to_string())}</a></p>
                    }.into_any()
                }}
                // A buyer's past contracts, by its SIRET in the open data.
                <p><a data-test="org-bought" href=format!("/acheteurs/{}", p.siret)>{t("directory.bought_all")}</a></p>
            </section>
        })}
        <section aria-labelledby="org-offers">
            <h2 id="org-offers">{t("directory.offers_title")}</h2>
            {if p.offers.is_empty() {
                view! { <p data-test="org-offers">{t("directory.offers_none")}</p> }.into_any()
            } else {
                view! {
                    <ul data-test="org-offers">
                        {p.offers.iter().map(|(id, title, badges)| view! {
                            <li>
                                <a href=format!("/catalogue/{id}")>{title.clone()}</a>
                                " " <TerritorialBadges badges=badges.clone() />
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {(!p.seasons.is_empty()).then(|| view! {
            <section aria-labelledby="org-seasons">
                <h2 id="org-seasons">{t("food.season_title")}</h2>
                <ul class="seasons" data-test="org-seasons">
                    {p.seasons.iter().map(|(id, title, months)| view! {
                        <li>
                            <a href=format!("/catalogue/{id}")>{title.clone()}</a>
                            <SeasonCalendar months=*months />
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section aria-labelledby="won">
            <h2 id="won">{t("directory.won_title")}</h2>
            {match p.won.clone() {
                None => view! { <p data-test="org-won">{t("directory.won_none")}</p> }.into_any(),
                Some(s) => view! {
                    <dl class="stats" data-test="org-won">
                        <div><dt>{t("party.contracts")}</dt><dd>{s.contracts}</dd></div>
                        <div><dt>{t("party.amount")}</dt><dd>{format_euros(s.cents)}</dd></div>
                    </dl>
                    {(!s.top.is_empty()).then(|| view! {
                        <h3>{t("party.top_buyers")}</h3>
                        <ul>
                            {s.top.iter().map(|b| {
                                let label = b.label.clone().unwrap_or_else(|| b.key.clone());
                                view! { <li><a href=format!("/acheteurs/{}", b.key)>{label}</a> " — " {b.contracts}</li> }
                            }).collect_view()}
                        </ul>
                    })}
                    <p><a class="button" href=format!("/titulaires/{}", p.siret)>{t("directory.won_all")}</a></p>
                }.into_any(),
            }}
        </section>
    }
}
