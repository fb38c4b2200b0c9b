//! The alerts page (`/compte/alertes`): the notification centre, the saved searches; and the
//! form that saves a search of the programming with its alert.

use super::api::{my_alerts, MarkNotificationsRead, RemoveSearch, SaveSearch};
use crate::components::form::{action_error, FormAlert, TextField};
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::programming::AlertsPage;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn AlertsPageView() -> impl IntoView {
    let location = use_location();
    let data = Resource::new(move || location.search.get(), |_| my_alerts());
    let query = use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    view! {
        <Title text=format!("{} — Passerelle", t("alert.title")) />
        <p><a href="/compte">{t("offer.back_account")}</a></p>
        <h1>{t("alert.title")}</h1>
        {move || ok().map(|k| {
            let key = match k.as_str() {
                "saved" => "alert.saved",
                "removed" => "alert.removed",
                _ => "alert.all_read",
            };
            view! { <Notice>{t(key)}</Notice> }
        })}
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(p) => view! { <Alerts p /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Alerts(p: AlertsPage) -> impl IntoView {
    let read = ServerAction::<MarkNotificationsRead>::new();
    let remove = ServerAction::<RemoveSearch>::new();
    view! {
        <section aria-labelledby="notif-h">
            <h2 id="notif-h">{t("alert.notifications")} " " <span class="facet__count">{p.unread}</span></h2>
            {if p.notifications.is_empty() {
                view! { <p class="empty-state">{t("alert.notifications_none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="result-list" data-test="notifications">
                        {p.notifications.into_iter().map(|n| view! {
                            <li class="card result">
                                <a href=n.url.clone()>{n.title.clone()}</a>
                                <p class="result__meta">
                                    {n.at.clone()}
                                    {(!n.read).then(|| view! { <span>" · " <span class="badge badge--warn">{t("alert.unread")}</span></span> })}
                                </p>
                            </li>
                        }).collect_view()}
                    </ul>
                    {(p.unread > 0).then(|| view! {
                        <ActionForm action=read attr:class="inline-form">
                            <button type="submit" class="button">{t("alert.mark_read")}</button>
                        </ActionForm>
                    })}
                }.into_any()
            }}
        </section>
        <section aria-labelledby="searches-h">
            <h2 id="searches-h">{t("alert.searches")}</h2>
            {if p.searches.is_empty() {
                view! { <p class="empty-state">{t("alert.searches_none")} " " <a href="/programmation">{t("plan.title")}</a></p> }.into_any()
            } else {
                view! {
                    <ul class="result-list" data-test="saved-searches">
                        {p.searches.into_iter().map(|s| view! {
                            <li class="card result">
                                <a href=s.url.clone()>{s.name.clone()}</a>
                                <p class="result__meta">{t(if s.kind != "plans" && s.frequency == "instant" {
                                    "alert.frequency.hourly"
                                } else if s.frequency == "weekly" {
                                    "alert.frequency.weekly"
                                } else {
                                    "alert.frequency.instant"
                                })}</p>
                                <ActionForm action=remove attr:class="inline-form">
                                    <input type="hidden" name="id" value=s.id />
                                    <button type="submit" class="button button--small" aria-label=format!("{} {}", t("alert.remove"), s.name)>{t("alert.remove")}</button>
                                </ActionForm>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// "Alert me": saves a list's current search (`query`) with its alert — the programming's, or
/// with `kind` "offers" the catalogue's, "orgs" the directory's. Signed-out visitors are asked
/// to log in.
#[component]
pub fn SaveSearchForm(
    query: String,
    #[prop(optional)] kind: Option<&'static str>,
) -> impl IntoView {
    let me = Resource::new(|| (), |_| crate::features::auth::api::current_user());
    let action = ServerAction::<SaveSearch>::new();
    let error = action_error(action);
    view! {
        <details class="card save-search">
            <summary>{t("alert.create")}</summary>
            <Suspense fallback=|| ()>
                {move || me.get().map(|u| match u {
                    Ok(Some(_)) => {
                        let query = query.clone();
                        view! {
                        <ActionForm action attr:class="form" attr:novalidate="">
                            <FormAlert error />
                            <input type="hidden" name="query" value=query.clone() />
                            <input type="hidden" name="kind" value=kind.unwrap_or("plans") />
                            <TextField name="name" label=t("alert.name") hint=t("alert.name_hint") required=true maxlength=120usize error />
                            <fieldset>
                                <legend>{t("alert.frequency_label")}</legend>
                                <label class="radio"><input type="radio" name="frequency" value="instant" checked=true /> {t(if kind.is_some() { "alert.frequency.hourly" } else { "alert.frequency.instant" })}</label>
                                <label class="radio"><input type="radio" name="frequency" value="weekly" /> {t("alert.frequency.weekly")}</label>
                            </fieldset>
                            <div><button type="submit" class="button button--primary">{t("alert.save")}</button></div>
                        </ActionForm>
                    }.into_any()
                    }
                    _ => view! { <p>{t("alert.login")} " " <a href="/connexion">{t("nav.login")}</a></p> }.into_any(),
                })}
            </Suspense>
        </details>
    }
}
