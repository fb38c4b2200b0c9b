//! The audit trail's page: who changed rights, verifications, identities, label decisions,
//! imports and accounts, filtered by a plain GET form (each view is an address).

use super::api::audit_journal;
use crate::components::lists::Pagination;
use crate::components::status::LoadError;
use crate::domain::audit::{Action, Filter};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

#[component]
pub fn JournalPage() -> impl IntoView {
    let location = use_location();
    let search = move || location.search.get();
    let journal = Resource::new(search, audit_journal);
    view! {
        <Title text=format!("{} — Passerelle", t("audit.title")) />
        <p><a href="/admin">{t("nav.admin")}</a></p>
        <h1>{t("audit.title")}</h1>
        <p>{t("audit.intro")}</p>
        <Suspense fallback=|| ()>
            {move || journal.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(j) => {
                    let filter = Filter::from_query(&search());
                    view! {
                        <FilterForm filter=filter.clone() />
                        <p role="status" data-test="journal-total">{t("audit.count").replace("%{n}", &j.total.to_string())}</p>
                        {if j.events.is_empty() {
                            view! { <p class="empty-state">{t("audit.none")}</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
                                    <table class="data" data-test="journal">
                                        <caption class="visually-hidden">{t("audit.title")}</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t("audit.when")}</th>
                                                <th scope="col">{t("audit.who")}</th>
                                                <th scope="col">{t("audit.what")}</th>
                                                <th scope="col">{t("audit.target")}</th>
                                                <th scope="col">{t("audit.detail")}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {j.events.into_iter().map(|e| {
                                                let who = match (e.actor, e.actor_id) {
                                                    (Some(a), _) => a,
                                                    (None, Some(id)) => t("audit.deleted_account").replace("%{id}", &id.to_string()),
                                                    (None, None) => t("audit.system"),
                                                };
                                                view! {
                                                    <tr>
                                                        <td>{e.at}</td>
                                                        <td>{who} {e.ip.map(|ip| view! { <br /><small>{ip}</small> })}</td>
                                                        <td>{t(&e.action.label_key())}</td>
                                                        <td>{e.target}</td>
                                                        <td>{e.detail}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <Pagination page=j.page pages=j.pages href=Callback::new(move |p| format!("/admin/journal?{}", filter.query(p))) />
                            }.into_any()
                        }}
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

/// The filters: an action chosen by its name, part of an email, a period.
#[component]
fn FilterForm(filter: Filter) -> impl IntoView {
    view! {
        <form class="form form--inline" method="get" action="/admin/journal">
            <div class="field">
                <label for="j-action">{t("audit.what")}</label>
                <select id="j-action" name="action">
                    <option value="">{t("audit.all_actions")}</option>
                    {Action::all().into_iter().map(|a| view! {
                        <option value=a.as_str() selected=filter.action == Some(a)>{t(&a.label_key())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="j-qui">{t("audit.who_email")}</label>
                <input id="j-qui" name="qui" type="search" value=filter.actor.clone().unwrap_or_default() />
            </div>
            <div class="field">
                <label for="j-du">{t("audit.from")}</label>
                <input id="j-du" name="du" type="date" value=filter.from.map(|d| d.to_string()).unwrap_or_default() />
            </div>
            <div class="field">
                <label for="j-au">{t("audit.to")}</label>
                <input id="j-au" name="au" type="date" value=filter.to.map(|d| d.to_string()).unwrap_or_default() />
            </div>
            <div><button type="submit" class="button">{t("audit.filter")}</button></div>
        </form>
    }
}
