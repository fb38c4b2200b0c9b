//! "Consultations en cours": the territory's live calls for tenders of buyers without a plan on
//! Passerelle, read from the portals, with their deadline, lots and link, and each firm's
//! interest; and the notices panel of a plan's page.

use super::api::{notices_of_plan, open_calls, ConfirmNotice, DismissNotice, NoticeInterest};
use crate::components::form::{action_error, FormAlert};
use crate::components::lists::Pagination;
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::notices::{CallPage, CallView};
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ConsultationsPage() -> impl IntoView {
    let query = use_query_map();
    let interest = ServerAction::<NoticeInterest>::new();
    let page = move || {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<u64>().ok())
                .unwrap_or(1)
        })
    };
    let calls = Resource::new(
        move || (page(), interest.version().get()),
        |(page, _)| open_calls(page),
    );
    let error = action_error(interest);
    view! {
        <Title text=format!("{} — Passerelle", t("notices.title")) />
        <h1>{t("notices.title")}</h1>
        <p>{t("notices.intro")}</p>
        {move || query.with(|q| q.get("ok")).map(|k| {
            let key = if k == "withdrawn" { "notices.interest_withdrawn" } else { "notices.interest_signalled" };
            view! { <Notice>{t(key)}</Notice> }
        })}
        <FormAlert error />
        <Suspense fallback=|| ()>
            {move || calls.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(p) => view! { <CallList page=p interest /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn CallList(page: CallPage, interest: ServerAction<NoticeInterest>) -> impl IntoView {
    if page.rows.is_empty() {
        return view! { <p class="empty-state">{t("notices.none")}</p> }.into_any();
    }
    let (current, pages) = (page.page, page.pages);
    let count = t("notices.count").replace("%{n}", &page.total.to_string());
    let firms = page.my_firms.clone();
    let signed_in = page.signed_in;
    view! {
        <p>{count}</p>
        <ul class="cards cards--calls" data-test="calls">
            {page.rows.into_iter().map(|c| view! {
                <li><CallCard call=c firms=firms.clone() signed_in interest=Some(interest) /></li>
            }).collect_view()}
        </ul>
        <Pagination page=current pages href=Callback::new(|p: u64| format!("/consultations?page={p}")) />
    }
    .into_any()
}

/// A call for tenders: subject, buyer, deadline, lots, codes in words, the notice's link; on
/// "Consultations en cours", the firms' interest and a partner search.
#[component]
fn CallCard(
    call: CallView,
    firms: Vec<(i32, String)>,
    signed_in: bool,
    interest: Option<ServerAction<NoticeInterest>>,
) -> impl IntoView {
    let id = call.id;
    let heading = format!("avis-{id}-titre");
    let labelled_by = heading.clone();
    view! {
        <article class="card" id=format!("avis-{id}") aria-labelledby=labelled_by data-test="call">
            <h2 id=heading class="card__title">{call.title.clone()}</h2>
            <p>
                {match call.buyer_org_id {
                    Some(org) => view! { <a href=format!("/annuaire/{org}")>{call.buyer_name.clone()}</a> }.into_any(),
                    None => view! { <span>{call.buyer_name.clone()}</span> }.into_any(),
                }}
                {call.published_on.clone().map(|d| format!(" · {} {d}", t("notices.published_on")))}
            </p>
            <p>
                <strong>{t("notices.deadline")} " : "</strong>
                {call.deadline.clone().unwrap_or_else(|| t("notices.no_deadline"))}
            </p>
            {(!call.cpv.is_empty()).then(|| view! {
                <p class="hint">{call.cpv.iter().map(|(code, label)| if label.is_empty() { code.clone() } else { format!("{label} ({code})") }).collect::<Vec<_>>().join(" · ")}</p>
            })}
            {(!call.lots.is_empty()).then(|| view! {
                <details>
                    <summary>{t("notices.lots").replace("%{n}", &call.lots.len().to_string())}</summary>
                    <ol>{call.lots.iter().map(|l| view! { <li>{l.title.clone()}</li> }).collect_view()}</ol>
                </details>
            })}
            <p class="card__links">
                {call.url.clone().map(|u| view! {
                    <a href=u rel="external noopener" target="_blank">{t("notices.read_notice")} " " {call.notice_id.clone()}<span class="visually-hidden">{t("notices.new_window")}</span></a>
                })}
                {interest.is_some().then(|| {
                    let title = t("notices.partner_title").replace("%{title}", &call.title);
                    let description = t("notices.partner_description")
                        .replace("%{id}", &call.notice_id)
                        .replace("%{buyer}", &call.buyer_name)
                        .replace("%{deadline}", &call.deadline.clone().unwrap_or_else(|| t("notices.no_deadline")))
                        .replace("%{url}", call.url.as_deref().unwrap_or(""));
                    let href = crate::domain::notices::partner_request_link(&call, &title, description.trim_end_matches([' ', ':']));
                    let aria = format!("{} — {}", t("notices.find_partners"), call.title);
                    view! { " " <a href=href aria-label=aria>{t("notices.find_partners")}</a> }
                })}
            </p>
            {interest.map(|action| {
                let interested = t("notices.interested").replace("%{n}", &call.interested.to_string());
                view! {
                    <p>{interested}</p>
                    {if !signed_in {
                        view! { <p><a href=format!("/connexion?retour=/consultations%23avis-{id}")>{t("notices.sign_in_to_signal")}</a></p> }.into_any()
                    } else {
                        firms.into_iter().map(|(org, name)| {
                            let on = !call.mine.iter().any(|(m, _)| *m == org);
                            let label = if on { t("notices.signal") } else { t("notices.withdraw") };
                            let aria = format!("{label} — {} ({name})", call.title);
                            let text = format!("{label} ({name})");
                            view! {
                                <ActionForm action attr:class="inline-form">
                                    <input type="hidden" name="id" value=id />
                                    <input type="hidden" name="org_id" value=org />
                                    <input type="hidden" name="on" value=if on { "1" } else { "0" } />
                                    <button type="submit" class="button" aria-label=aria>{text}</button>
                                </ActionForm>
                            }
                        }).collect_view().into_any()
                    }}
                }
            })}
        </article>
    }
}

/// A plan's notices: the one that published it, and the one proposed to its buyer.
#[component]
pub fn PlanNoticesPanel(plan_id: i32) -> impl IntoView {
    let confirm = ServerAction::<ConfirmNotice>::new();
    let dismiss = ServerAction::<DismissNotice>::new();
    let notices = Resource::new(
        move || (confirm.version().get(), dismiss.version().get()),
        move |_| notices_of_plan(plan_id),
    );
    let error = action_error(confirm);
    view! {
        <Suspense fallback=|| ()>
            {move || notices.get().and_then(|r| r.ok()).map(|n| view! {
                {n.published_by.map(|c| view! {
                    <section aria-labelledby="plan-notice" data-test="plan-notice">
                        <h2 id="plan-notice">{t("notices.published_by")}</h2>
                        <CallCard call=c firms=vec![] signed_in=false interest=None />
                        {(!n.later.is_empty()).then(|| view! {
                            <h3>{t("notices.later")}</h3>
                            <ul data-test="plan-later-notices">
                                {n.later.iter().map(|l| {
                                    let kind = t(&l.kind.map(|k| k.label_key()).unwrap_or_else(|| "notices.kind.other".into()));
                                    let when = l.published_on.clone().map(|d| format!(" — {} {d}", t("notices.published_on"))).unwrap_or_default();
                                    let text = format!("{kind} {}{when}", l.notice_id);
                                    match l.url.clone() {
                                        Some(u) => view! { <li><a href=u rel="external noopener" target="_blank">{text}<span class="visually-hidden">{t("notices.new_window")}</span></a></li> }.into_any(),
                                        None => view! { <li>{text}</li> }.into_any(),
                                    }
                                }).collect_view()}
                            </ul>
                        })}
                    </section>
                })}
                {n.proposed.map(|c| {
                    let id = c.id;
                    view! {
                        <section aria-labelledby="plan-proposal" class="card card--highlight" data-test="plan-proposal">
                            <h2 id="plan-proposal">{t("notices.proposed")}</h2>
                            <p>{t("notices.proposed_help")}</p>
                            <CallCard call=c firms=vec![] signed_in=false interest=None />
                            <FormAlert error />
                            <div class="card__links">
                                <ActionForm action=confirm attr:class="inline-form">
                                    <input type="hidden" name="id" value=id />
                                    <button type="submit" class="button button--primary">{t("notices.confirm")}</button>
                                </ActionForm>
                                <ActionForm action=dismiss attr:class="inline-form">
                                    <input type="hidden" name="id" value=id />
                                    <input type="hidden" name="plan_id" value=plan_id />
                                    <button type="submit" class="button">{t("notices.dismiss")}</button>
                                </ActionForm>
                            </div>
                        </section>
                    }
                })}
            })}
        </Suspense>
    }
}
