//! Facilitators of insertion: their list of the territory's plans with a lever
//! (`/compte/insertion`), a plan's follow-up notes (on `/programmation/{id}`), and the
//! administration's panel that gives the role.

use super::api::{
    followed_plans, inclusive_partners, list_facilitators, plan_follow, AddInsertionNote,
    SetFacilitator,
};
use crate::components::form::{action_error, FormAlert, SelectField, TextAreaField, TextField};
use crate::components::lists::Pagination;
use crate::components::notice::Notice;
use crate::components::status::{set_status, LoadError};
use crate::domain::facilitation::{Follow, FollowedPlans, InclusivePartners, MAX_NOTE};
use crate::error::AppError;
use crate::features::programming::list::Row;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A facilitator's plans to follow, a page at a time.
#[component]
pub fn FollowedPlansPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<u64>().ok())
                .unwrap_or(1)
        })
    };
    let list = Resource::new(page, followed_plans);
    view! {
        <Title text=format!("{} — Passerelle", t("insertion.follow.list_title")) />
        <h1>{t("insertion.follow.list_title")}</h1>
        <Suspense fallback=|| ()>
            {move || list.get().map(|r| match r {
                Err(AppError::Forbidden) => {
                    set_status(403);
                    view! { <p class="alert alert--info" role="alert">{t("insertion.follow.not_facilitator")}</p> }.into_any()
                }
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(l) => view! { <Followed l /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Followed(l: FollowedPlans) -> impl IntoView {
    let pages = l.pages();
    view! {
        <p class="lead">{t("insertion.follow.list_lead").replace("%{area}", &l.area)}</p>
        <p role="status" data-test="followed-count">{t("insertion.follow.list_count").replace("%{n}", &l.total.to_string())}</p>
        {if l.rows.is_empty() {
            view! { <p class="empty-state">{t("insertion.follow.list_empty")}</p> }.into_any()
        } else {
            view! {
                <ul class="results" data-test="followed-plans">
                    {l.rows.into_iter().map(|(row, notes, waiting)| {
                        let id = row.id;
                        view! {
                            <Row row>
                                <p class="result__meta">
                                    <a href=format!("/programmation/{id}#suivi-insertion")>{t("insertion.follow.title")}</a>
                                    " · " {t("insertion.follow.notes_n").replace("%{n}", &notes.to_string())}
                                    {(waiting > 0).then(|| view! {
                                        " · " <a href=format!("/programmation/{id}#heures-insertion") data-test="hours-to-validate">
                                            {t("insertion.hours.to_validate_n").replace("%{n}", &waiting.to_string())}
                                        </a>
                                    })}
                                </p>
                            </Row>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <Pagination page=l.page pages href=Callback::new(|p: u64| format!("/compte/insertion?page={p}")) />
    }
}

/// A plan's insertion follow-up: shown only to its buyer's members and its territory's
/// facilitators (the server says nothing to anyone else).
#[component]
pub fn PlanFollow(plan_id: i32) -> impl IntoView {
    let add = ServerAction::<AddInsertionNote>::new();
    let follow = Resource::new(move || add.version().get(), move |_| plan_follow(plan_id));
    view! {
        <Suspense fallback=|| ()>
            {move || follow.get().and_then(Result::ok).flatten().map(|f| view! { <FollowPanel plan_id f add /> })}
        </Suspense>
    }
}

#[component]
fn FollowPanel(plan_id: i32, f: Follow, add: ServerAction<AddInsertionNote>) -> impl IntoView {
    let error = action_error(add);
    let query = use_query_map();
    let added = move || query.with(|q| q.get("ok").as_deref() == Some("note"));
    let who = if f.area.is_none() {
        t("insertion.follow.no_area")
    } else if f.facilitators.is_empty() {
        t("insertion.follow.no_facilitator")
    } else {
        format!(
            "{} {}",
            t("insertion.follow.facilitators"),
            f.facilitators.join(", ")
        )
    };
    view! {
        <section aria-labelledby="suivi-insertion-title" id="suivi-insertion" data-test="insertion-follow">
            <h2 id="suivi-insertion-title">{t("insertion.follow.title")}</h2>
            <p>{t("insertion.follow.lead")}</p>
            {f.area.clone().map(|a| view! { <p>{t("insertion.follow.area")} " " {a}</p> })}
            <p data-test="follow-facilitators">{who}</p>
            {move || added().then(|| view! { <Notice>{t("insertion.follow.added")}</Notice> })}
            {if f.notes.is_empty() {
                view! { <p class="empty-state">{t("insertion.follow.notes_none")}</p> }.into_any()
            } else {
                view! {
                    <ol class="history" data-test="follow-notes">
                        {f.notes.into_iter().map(|n| {
                            let badge = if n.by_facilitator { t("insertion.follow.facilitator_badge") } else { t("insertion.follow.buyer_badge") };
                            view! {
                                <li>
                                    <time>{n.at}</time> " — "
                                    <strong>{n.author.unwrap_or_else(|| t("insertion.follow.deleted_author"))}</strong>
                                    " " <span class="badge">{badge}</span>
                                    <p class="prose">{n.body}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <ActionForm action=add attr:class="form" attr:novalidate="">
                <FormAlert error />
                <input type="hidden" name="plan_id" value=plan_id />
                <TextAreaField name="body" field="body" label=t("insertion.follow.note_label") hint=t("insertion.follow.note_hint") maxlength=MAX_NOTE error />
                <div><button type="submit" class="button">{t("insertion.follow.add")}</button></div>
            </ActionForm>
        </section>
    }
}

/// The administration's facilitators: who they are and where, and the form that gives the role.
#[component]
pub fn FacilitatorsAdmin() -> impl IntoView {
    let set = ServerAction::<SetFacilitator>::new();
    let error = action_error(set);
    let list = Resource::new(move || set.version().get(), |_| list_facilitators());
    view! {
        <section aria-labelledby="facilitators" id="facilitators">
            <h2 id="facilitators">{t("insertion.facilitators_title")}</h2>
            <p>{t("insertion.facilitators_help")}</p>
            <Suspense fallback=|| ()>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <p class="alert alert--error" role="alert">{t(e.message_key())}</p> }.into_any(),
                    Ok(f) => {
                        let areas = f.areas.clone();
                        view! {
                            {if f.people.is_empty() {
                                view! { <p class="empty-state">{t("insertion.facilitators_none")}</p> }.into_any()
                            } else {
                                view! {
                                    <ul data-test="facilitators">
                                        {f.people.into_iter().map(|p| view! {
                                            <li>
                                                {p.name.clone()} " — " {p.email.clone()} " — " {p.area.clone()} " "
                                                <ActionForm action=set attr:class="inline-form">
                                                    <input type="hidden" name="email" value=p.email.clone() />
                                                    <input type="hidden" name="area" value="" />
                                                    <button type="submit" class="button button--small" aria-label=format!("{} {}", t("insertion.facilitator_remove"), p.email)>{t("insertion.facilitator_remove")}</button>
                                                </ActionForm>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <ActionForm action=set attr:class="form" attr:novalidate="">
                                <FormAlert error />
                                <TextField name="email" field="facilitator_email" label=t("auth.email") input_type="email" required=true error />
                                <SelectField name="area" field="area" label=t("insertion.facilitator_area") options=areas required=true error />
                                <div><button type="submit" class="button">{t("insertion.facilitator_add")}</button></div>
                            </ActionForm>
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The inclusive structures a firm may contact or invite into a consortium for this plan's
/// insertion lever: shown to everyone when the plan has one.
#[component]
pub fn InclusivePartnersPanel(plan_id: i32) -> impl IntoView {
    let data = Resource::new(move || plan_id, inclusive_partners);
    view! {
        <Suspense fallback=|| ()>
            {move || data.get().and_then(Result::ok).filter(|p| p.lever).map(|p| view! { <Partners p /> })}
        </Suspense>
    }
}

#[component]
fn Partners(p: InclusivePartners) -> impl IntoView {
    view! {
        <section aria-labelledby="inclusive-partners-h" data-test="inclusive-partners">
            <h2 id="inclusive-partners-h">{t("insertion.partners.title")}</h2>
            <p>{t("insertion.partners.lead")}</p>
            {if p.rows.is_empty() {
                view! { <p class="empty-state">{t("insertion.partners.none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="result-list">
                        {p.rows.into_iter().map(|o| {
                            let kind = t(&format!("org.inclusive.{}", o.kind));
                            view! {
                                <li class="card result">
                                    <h3 class="result__title"><a href=format!("/annuaire/{}", o.id)>{o.name.clone()}</a></h3>
                                    <p class="result__meta"><span class="badge badge--label">{kind}</span>{o.commune.map(|c| format!(" · {c}"))}</p>
                                    <p class="card__links">
                                        <a href=format!("/annuaire/{}#contact-h", o.id) aria-label=format!("{} {}", t("insertion.partners.contact"), o.name)>{t("insertion.partners.contact")}</a>
                                        <a href=format!("/compte/groupements?inviter={}", o.siret) aria-label=format!("{} {}", t("insertion.partners.invite"), o.name)>{t("insertion.partners.invite")}</a>
                                    </p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a href=p.directory>{t("insertion.partners.all").replace("%{n}", &p.total.to_string())}</a></p>
        </section>
    }
}
