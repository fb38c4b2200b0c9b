//! The groupements de commandes a buyer may join (`/programmation/groupements-de-commandes`):
//! every planned procurement still open to other buyers, by CPV words, those serving the
//! visitor's commune (then its department) first, each with its last day, buyers and estimate.

use super::joint_api::open_joints;
use super::list::Row;
use crate::components::lists::{in_place, Pagination};
use crate::components::status::LoadError;
use crate::domain::joint::OpenJointPage;
use crate::features::reference::cpv_picker::{filter_words, CpvFilter};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn OpenJointsPage() -> impl IntoView {
    let location = use_location();
    let search = move || location.search.get();
    let data = Resource::new(search, open_joints);
    view! {
        <Title text=format!("{} — Passerelle", t("joint.list_title")) />
        <p><a href="/programmation">{t("plan.title")}</a></p>
        <h1>{t("joint.list_title")}</h1>
        <p class="lead">{t("joint.list_lead")}</p>
        <Transition fallback=|| view! { <p>{t("directory.loading")}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(page) => view! { <Open page /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Open(page: OpenJointPage) -> impl IntoView {
    let query = use_query_map();
    let cpv = query.with_untracked(|q| q.get("cpv"));
    let href = {
        let cpv = cpv.clone();
        move |n: u64| {
            let mut parts = vec![];
            if let Some(c) = &cpv {
                parts.push(format!("cpv={c}"));
            }
            if n > 1 {
                parts.push(format!("page={n}"));
            }
            if parts.is_empty() {
                "/programmation/groupements-de-commandes".to_string()
            } else {
                format!(
                    "/programmation/groupements-de-commandes?{}",
                    parts.join("&")
                )
            }
        }
    };
    view! {
        <form class="filters card" method="get" action="/programmation/groupements-de-commandes" role="search" on:submit=in_place()>
            <CpvFilter id="j-cpv" label=t("cpv_picker.filter_label") hint=t("cpv_picker.filter_hint") words=filter_words() chosen=cpv.clone() depth=8 />
            <p><button type="submit" class="button button--primary">{t("directory.search")}</button></p>
        </form>
        {page.near_of.clone().map(|c| view! { <p>{t("joint.near_first").replace("%{commune}", &c)}</p> })}
        <p role="status" data-test="result-count">{t("joint.list_count").replace("%{n}", &page.total.to_string())}</p>
        {if page.rows.is_empty() {
            view! { <p class="empty-state">{t("joint.list_empty")}</p> }.into_any()
        } else {
            view! {
                <ul class="result-list" data-test="open-joints">
                    {page.rows.clone().into_iter().map(|r| view! {
                        <Row row=r.summary.clone()>
                            <p class="result__meta" data-test="joint-served">
                                {r.near.then(|| view! { <span class="badge badge--ok">{t("joint.near")}</span> " " })}
                                {(!r.served.is_empty()).then(|| format!("{} : {}", t("joint.communes_served"), r.served.join(", ")))}
                            </p>
                        </Row>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <Pagination page=page.page pages=page.pages href=Callback::new(href) />
    }
}
