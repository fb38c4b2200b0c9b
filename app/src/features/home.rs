//! The home page: the territory at work (key figures, the next sourcing meetings, the latest
//! planned procurements, new offers, each a link into its list) and, signed in, the person's
//! own waiting work first.

use crate::components::status::LoadError;
use crate::domain::home::{percent_label, Home, Item};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;

#[server(prefix = "/api", endpoint = "home", input = GetUrl)]
pub async fn home_data() -> Result<Home, AppError> {
    use crate::server::{auth::Caller, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    crate::server::home::home(
        &state.db,
        &state.home,
        &state.analytics,
        &caller,
        crate::i18n::request_lang(),
    )
    .await
}

/// The signed-in person's waiting work (also at the top of their account page).
#[server(prefix = "/api", endpoint = "home/work", input = GetUrl)]
pub async fn my_work() -> Result<Vec<Item>, AppError> {
    use crate::server::{auth::Caller, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    caller.user()?;
    crate::server::home::waiting_work(&state.db, &caller, crate::i18n::request_lang()).await
}

/// What waits for the person: each line a link to where it is done.
#[component]
pub fn WaitingWork(items: Vec<Item>) -> impl IntoView {
    view! {
        <section aria-labelledby="todo-h" class="home-todos">
            <h2 id="todo-h">{t("home.todos")}</h2>
            {if items.is_empty() {
                view! { <p class="empty-state">{t("home.todos_none")}</p> }.into_any()
            } else {
                view! { <ItemList items test="todos" /> }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| home_data());
    view! {
        <Title text=format!("{} — Passerelle", t("nav.home")) />
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(h) => view! { <HomeView h /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn HomeView(h: Home) -> impl IntoView {
    let f = h.public.figures.clone();
    let signed_in = h.name.is_some();
    let figures = [
        (f.businesses.to_string(), "home.fig_businesses", "/annuaire"),
        (f.offers.to_string(), "home.fig_offers", "/catalogue"),
        (f.plans.to_string(), "home.fig_plans", "/programmation"),
        (f.contracts.to_string(), "home.fig_contracts", "/marches"),
        (percent_label(f.local_share), "home.fig_local", "/analyses"),
    ];
    view! {
        <section class="hero">
            <h1>{t("home.title")}</h1>
            <p class="lead">{t("home.lead")}</p>
            {match h.name.clone() {
                Some(name) => view! { <p>{t("home.hello").replace("%{name}", &name)}</p> }.into_any(),
                None => view! {
                    <a class="button button--primary" href="/inscription">{t("home.start")}</a>
                }.into_any(),
            }}
        </section>
        {signed_in.then(|| view! { <WaitingWork items=h.todos.clone() /> })}
        <section aria-labelledby="figures-h">
            <h2 id="figures-h">{t("home.figures")}</h2>
            <ul class="figures" data-test="figures">
                {figures.into_iter().map(|(n, key, href)| view! {
                    <li class="card figure">
                        <a href=href>
                            <span class="figure__n">{n}</span>
                            " "
                            <span class="figure__label">{t(key)}</span>
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <div class="home-columns">
            <HomeList heading="home.meetings" empty="home.meetings_none" all="/sourcage" items=h.public.meetings.clone() test="home-meetings" />
            <HomeList heading="home.plans" empty="home.plans_none" all="/programmation" items=h.public.plans.clone() test="home-plans" />
            <HomeList heading="home.offers" empty="home.offers_none" all="/catalogue" items=h.public.offers.clone() test="home-offers" />
        </div>
        <section class="cards" aria-label=t("home.for_whom")>
            <article class="card">
                <h2>{t("home.for_firms")}</h2>
                <p>{t("home.for_firms_text")}</p>
            </article>
            <article class="card">
                <h2>{t("home.for_buyers")}</h2>
                <p>{t("home.for_buyers_text")}</p>
            </article>
            <article class="card">
                <h2>{t("home.for_chambers")}</h2>
                <p>{t("home.for_chambers_text")}</p>
            </article>
        </section>
    }
}

#[component]
fn HomeList(
    heading: &'static str,
    empty: &'static str,
    all: &'static str,
    items: Vec<Item>,
    test: &'static str,
) -> impl IntoView {
    let id = format!("{test}-h");
    let labelled = id.clone();
    view! {
        <section aria-labelledby=labelled class="home-list">
            <h2 id=id>{t(heading)}</h2>
            {if items.is_empty() {
                view! { <p class="empty-state">{t(empty)}</p> }.into_any()
            } else {
                view! { <ItemList items test /> }.into_any()
            }}
            <p><a href=all>{t("home.see_all")} " — " {t(heading)}</a></p>
        </section>
    }
}

#[component]
fn ItemList(items: Vec<Item>, test: &'static str) -> impl IntoView {
    view! {
        <ul class="result-list" data-test=test>
            {items.into_iter().map(|i| view! {
                <li class="card result">
                    <a href=i.url.clone()>{i.title.clone()}</a>
                    {(!i.detail.is_empty()).then(|| view! { <p class="result__meta">{i.detail.clone()}</p> })}
                </li>
            }).collect_view()}
        </ul>
    }
}
