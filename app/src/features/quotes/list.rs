//! The public list of quick consultations (`/demandes-de-devis`): what catering buyers ask, where
//! and until when — a supplier outside the matching set finds one here and answers. Newest
//! first, by pages; "open only" keeps the ones still taking answers.

use super::api::list_quotes;
use crate::components::lists::Pagination;
use crate::components::status::LoadError;
use crate::domain::contracts::format_euros;
use crate::domain::quote_views::{QuoteList, QuoteSummary, PAGE_SIZE};
use crate::domain::sourcing::paris_text;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn href(page: u64, open_only: bool) -> String {
    let mut q = Vec::new();
    if open_only {
        q.push(crate::domain::quote_views::OPEN_ONLY.to_string());
    }
    if page > 1 {
        q.push(format!("page={page}"));
    }
    if q.is_empty() {
        "/demandes-de-devis".into()
    } else {
        format!("/demandes-de-devis?{}", q.join("&"))
    }
}

/// The stage's words, as a badge reads them.
pub fn stage_text(stage: crate::domain::quotes::Stage) -> String {
    t(&format!("quotes.stage.{}", stage.as_str()))
}

#[component]
pub fn QuotesPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        query.with(|q| {
            (
                q.get("page")
                    .and_then(|p| p.parse::<u64>().ok())
                    .unwrap_or(1),
                q.get("ouvertes").is_some_and(|v| v == "1"),
            )
        })
    };
    let data = Resource::new(args, |(page, open)| {
        list_quotes(page, if open { "1".into() } else { String::new() })
    });
    view! {
        <Title text=format!("{} — Passerelle", t("quotes.title")) />
        <h1>{t("quotes.title")}</h1>
        <p class="lead">{t("quotes.lead")}</p>
        <Transition fallback=|| view! { <p>{t("directory.loading")}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(list) => view! { <List list /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn List(list: QuoteList) -> impl IntoView {
    let open_only = list.open_only;
    let pages = list.total.div_ceil(PAGE_SIZE).max(1);
    view! {
        {(!list.buyers.is_empty()).then(|| view! {
            <p><a class="button button--primary" href="/demandes-de-devis/nouvelle">{t("quotes.new")}</a></p>
        })}
        <p>
            {if open_only {
                view! { <a href=href(1, false)>{t("quotes.show_all")}</a> }.into_any()
            } else {
                view! { <a href=href(1, true)>{t("quotes.show_open")}</a> }.into_any()
            }}
            " · " <a href="/demandes-de-devis/export.ocds.json">{t("opendata.format_ocds")}</a>
        </p>
        <p data-test="quotes-count">{t("quotes.count").replace("%{n}", &list.total.to_string())}</p>
        {if list.items.is_empty() {
            view! { <p class="empty-state">{t(if open_only { "quotes.none_open" } else { "quotes.none" })}</p> }.into_any()
        } else {
            view! {
                <ul class="result-list" data-test="quotes">
                    {list.items.into_iter().map(|q| view! { <Item q /> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <Pagination page=list.page pages href=Callback::new(move |p| href(p, open_only)) />
    }
}

#[component]
fn Item(q: QuoteSummary) -> impl IntoView {
    let window = format!(
        "{} {} {} {}",
        t("quotes.delivery_from"),
        q.from.format("%d/%m/%Y"),
        t("quotes.delivery_to"),
        q.to.format("%d/%m/%Y")
    );
    view! {
        <li class="result">
            <h2 class="result__title"><a href=format!("/demandes-de-devis/{}", q.id)>{q.title.clone()}</a></h2>
            <p class="result__meta">
                <span class="badge">{stage_text(q.stage)}</span>
                " · " <a href=format!("/annuaire/{}", q.buyer_id)>{q.buyer_name.clone()}</a>
                " · " {format!("{} {}", t("quotes.delivered_at"), q.commune)}
            </p>
            <p>{q.products.join(", ")}</p>
            <p class="result__meta">
                {window}
                " · " {format!("{} {}", t("quotes.answers_until"), paris_text(q.deadline))}
                {q.awarded_cents.map(|c| format!(" · {} {}", t("quotes.awarded_for"), format_euros(c)))}
            </p>
        </li>
    }
}
