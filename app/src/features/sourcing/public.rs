//! Sourcing for everyone: `/sourcage` (calls open, meetings to come, summaries published), a
//! call's page (questions, a firm's answer form and its own answers, the summary once
//! published), a meeting's page (seats or slots, registration, waiting list, its calendar
//! file), and the sourcing panel of a planned procurement's page.

use super::api::{
    call_get, get_plan_sourcing, get_sourcing_home, meeting_get, AnswerCall, CancelRegistration,
    RegisterMeeting,
};
use crate::components::form::{action_error, FormAlert, SelectField, TextAreaField, TextField};
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::sourcing::{
    answer_field, CallStatus, CallSummary, CallView, MeetingSummary, MeetingView, QuestionKind,
    RegStatus, MAX_ANSWER,
};
use crate::error::AppError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

fn id_param() -> impl Fn() -> Option<i32> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()))
}

/// A call in a list.
#[component]
pub fn CallRow(c: CallSummary, #[prop(optional)] manage: bool) -> impl IntoView {
    let href = if manage {
        format!("/compte/sourcage/appels/{}", c.id)
    } else {
        format!("/sourcage/appels/{}", c.id)
    };
    view! {
        <li class="card result">
            <h3 class="result__title"><a href=href>{c.title.clone()}</a></h3>
            <p class="result__meta">
                <span class=format!("badge badge--{}", c.status.as_str())>{t(&c.status.label_key())}</span>
                " · " {c.buyer_name.clone()} " · "
                <a href=format!("/programmation/{}", c.plan_id)>{c.plan_title.clone()}</a>
            </p>
            <p class="result__meta">
                {if c.open_now {
                    t("sourcing.answer_until").replace("%{date}", &c.deadline)
                } else {
                    t("sourcing.deadline_was").replace("%{date}", &c.deadline)
                }}
                {manage.then(|| format!(" · {}", t("sourcing.answers_n").replace("%{n}", &c.answers.to_string())))}
            </p>
        </li>
    }
}

/// A meeting in a list.
#[component]
pub fn MeetingRow(
    m: MeetingSummary,
    #[prop(optional)] manage: bool,
    /// A line about the viewer's registration.
    #[prop(optional, into)]
    note: Option<String>,
) -> impl IntoView {
    let href = if manage {
        format!("/compte/sourcage/reunions/{}", m.id)
    } else {
        format!("/sourcage/reunions/{}", m.id)
    };
    view! {
        <li class="card result">
            <h3 class="result__title"><a href=href>{m.title.clone()}</a></h3>
            <p class="result__meta">
                <time>{format!("{}–{}", m.starts, m.ends)}</time>
                {m.place.clone().map(|p| format!(" · {p}"))}
                {m.online.then(|| format!(" · {}", t("sourcing.online")))}
            </p>
            <p class="result__meta">
                {m.buyer_name.clone()} " · "
                <a href=format!("/programmation/{}", m.plan_id)>{m.plan_title.clone()}</a>
            </p>
            <p class="result__meta">
                {seats_text(&m)}
                {m.cancelled.then(|| view! { " · " <strong>{t("sourcing.cancelled")}</strong> })}
            </p>
            {note.map(|n| view! { <p class="result__meta"><strong>{n}</strong></p> })}
        </li>
    }
}

fn seats_text(m: &MeetingSummary) -> String {
    let free = (m.capacity - m.confirmed).max(0);
    let mut s = match m.slot_minutes {
        Some(min) => t("sourcing.slots_free")
            .replace("%{free}", &free.to_string())
            .replace("%{n}", &m.capacity.to_string())
            .replace("%{min}", &min.to_string()),
        None => t("sourcing.seats_free")
            .replace("%{free}", &free.to_string())
            .replace("%{n}", &m.capacity.to_string()),
    };
    if m.waiting > 0 {
        s.push_str(&format!(
            " · {}",
            t("sourcing.waiting_n").replace("%{n}", &m.waiting.to_string())
        ));
    }
    s
}

#[component]
pub fn SourcingPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_sourcing_home());
    view! {
        <Title text=format!("{} — Passerelle", t("nav.sourcing")) />
        <h1>{t("nav.sourcing")}</h1>
        <p class="lead">{t("sourcing.lead")}</p>
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(h) => view! {
                    <section aria-labelledby="calls-h">
                        <h2 id="calls-h">{t("sourcing.calls_open")}</h2>
                        {if h.calls.is_empty() {
                            view! { <p class="empty-state">{t("sourcing.calls_none")}</p> }.into_any()
                        } else {
                            view! { <ul class="result-list" data-test="open-calls">{h.calls.into_iter().map(|c| view! { <CallRow c /> }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                    <section aria-labelledby="meetings-h">
                        <h2 id="meetings-h">{t("sourcing.meetings_next")}</h2>
                        {if h.meetings.is_empty() {
                            view! { <p class="empty-state">{t("sourcing.meetings_none")}</p> }.into_any()
                        } else {
                            view! { <ul class="result-list" data-test="next-meetings">{h.meetings.into_iter().map(|m| view! { <MeetingRow m /> }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                    <section aria-labelledby="summaries-h">
                        <h2 id="summaries-h">{t("sourcing.summaries")}</h2>
                        <p>{t("sourcing.summaries_help")}</p>
                        {if h.summaries.is_empty() {
                            view! { <p class="empty-state">{t("sourcing.summaries_none")}</p> }.into_any()
                        } else {
                            view! { <ul class="result-list" data-test="summaries">{h.summaries.into_iter().map(|c| view! { <CallRow c /> }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// The sourcing of a planned procurement, on its page.
#[component]
pub fn PlanSourcingPanel(plan_id: i32) -> impl IntoView {
    let data = Resource::new(|| (), move |_| get_plan_sourcing(plan_id));
    view! {
        <Suspense fallback=|| ()>
            {move || data.get().and_then(|r| r.ok()).filter(|s| !s.calls.is_empty() || !s.meetings.is_empty()).map(|s| view! {
                <section aria-labelledby="plan-sourcing" id="sourcing">
                    <h2 id="plan-sourcing">{t("nav.sourcing")}</h2>
                    <ul class="result-list" data-test="plan-sourcing">
                        {s.calls.into_iter().map(|c| view! { <CallRow c /> }).collect_view()}
                        {s.meetings.into_iter().map(|m| view! { <MeetingRow m /> }).collect_view()}
                    </ul>
                </section>
            })}
        </Suspense>
    }
}

#[component]
pub fn CallPage() -> impl IntoView {
    let id = id_param();
    let location = use_location();
    let call = Resource::new(
        move || (id(), location.search.get()),
        |(id, _)| async move {
            match id {
                Some(id) => call_get(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || call.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("nav.sourcing") heading=t("sourcing.call") /> }.into_any(),
                Ok(c) => view! { <Call c /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Call(c: CallView) -> impl IntoView {
    let s = c.summary.clone();
    let query = use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    view! {
        <Title text=format!("{} — Passerelle", s.title) />
        <p><a href="/sourcage">{t("nav.sourcing")}</a></p>
        <h1>{s.title.clone()}</h1>
        <p class="lead">
            <span class=format!("badge badge--{}", s.status.as_str()) data-test="call-status">{t(&s.status.label_key())}</span>
            " · " <a href=format!("/annuaire/{}", s.buyer_id)>{s.buyer_name.clone()}</a>
            " · " <a href=format!("/programmation/{}", s.plan_id)>{s.plan_title.clone()}</a>
        </p>
        {c.can_manage.then(|| view! {
            <p><a class="button" href=format!("/compte/sourcage/appels/{}", s.id)>{t("sourcing.manage_call")}</a></p>
        })}
        <p class="alert alert--info">{t("sourcing.equal_treatment")}</p>
        <p>{if s.open_now { t("sourcing.answer_until").replace("%{date}", &s.deadline) } else { t("sourcing.deadline_was").replace("%{date}", &s.deadline) }}</p>
        {(!c.intro.is_empty()).then(|| view! { <p class="prose">{c.intro.clone()}</p> })}
        {c.summary_html.clone().map(|html| view! {
            <section class="card" aria-labelledby="summary-h" data-test="call-summary">
                <h2 id="summary-h">{t("sourcing.summary_title")}</h2>
                <p class="result__meta">{t("sourcing.published_on").replace("%{date}", &c.published_on.clone().unwrap_or_default())}</p>
                <div class="prose" inner_html=html></div>
                <h3>{t("sourcing.stats_title")}</h3>
                <ul data-test="call-stats">
                    {c.stats.iter().map(|q| view! {
                        <li>
                            <strong>{q.question.label.clone()}</strong> " — "
                            {t("sourcing.answered_n").replace("%{n}", &q.answered.to_string())}
                            {(!q.counts.is_empty()).then(|| view! {
                                <ul>{q.counts.iter().map(|(choice, n)| view! { <li>{format!("{choice} : {n}")}</li> }).collect_view()}</ul>
                            })}
                            {q.spread.clone().map(|(min, med, max)| view! {
                                <p>{t("sourcing.spread").replace("%{min}", &min).replace("%{med}", &med).replace("%{max}", &max)}</p>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {c.shared.clone().map(|responses| view! {
            <section aria-labelledby="shared-h" id="responses">
                <h2 id="shared-h">{t("sourcing.responses")}</h2>
                <p class="alert alert--info">{t("joint.member_reads")}</p>
                <super::buyer::ResponseList id=s.id responses questions=c.questions.clone() />
            </section>
        })}
        <section class="card" aria-labelledby="answer-h" id="answer">
            <h2 id="answer-h">{t("sourcing.your_answer")}</h2>
            {move || (ok().as_deref() == Some("answered")).then(|| view! {
                <Notice>{t("sourcing.answer_saved")}</Notice>
            })}
            <AnswerPanel c=c.clone() />
        </section>
    }
}

#[component]
fn AnswerPanel(c: CallView) -> impl IntoView {
    let action = ServerAction::<AnswerCall>::new();
    let error = action_error(action);
    let open = c.summary.open_now;
    let label_of = {
        let qs = c.questions.clone();
        move |id: i32| {
            qs.iter()
                .find(|q| q.id == id)
                .map(|q| q.label.clone())
                .unwrap_or_default()
        }
    };
    let mine = (!c.mine.is_empty()).then(|| {
        view! {
            <div data-test="my-answers">
                {c.mine.iter().map(|r| view! {
                    <h3>{t("sourcing.answer_of").replace("%{org}", &r.org_name).replace("%{date}", &r.updated)}</h3>
                    <dl class="facts">
                        {r.answers.iter().map(|(q, v)| view! { <div><dt>{label_of(*q)}</dt><dd>{v.clone()}</dd></div> }).collect_view()}
                    </dl>
                }).collect_view()}
            </div>
        }
    });
    let form = if !open {
        view! { <p>{t(if c.summary.status == CallStatus::Published { "sourcing.answers_closed_published" } else { "sourcing.answers_closed" })}</p> }.into_any()
    } else if !c.signed_in {
        view! { <p>{t("sourcing.login_to_answer")} " " <a href="/connexion">{t("nav.login")}</a></p> }.into_any()
    } else if c.orgs.is_empty() {
        view! { <p>{t("plan.interest_no_business")}</p> }.into_any()
    } else {
        let orgs: Vec<(String, String)> = c
            .orgs
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect();
        view! {
            <p>{t("sourcing.answer_help")}</p>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                <input type="hidden" name="id" value=c.summary.id />
                <SelectField name="org_id" field="org_id" label=t("plan.interest_org") options=orgs required=true error />
                {c.questions.iter().map(|q| {
                    let field = answer_field(q.id);
                    let name = format!("answers[{field}]");
                    let previous = c.mine.first().and_then(|r| r.answers.iter().find(|(id, _)| *id == q.id).map(|(_, v)| v.clone()));
                    match q.kind {
                        QuestionKind::Text => view! {
                            <TextAreaField name field label=format!("{}{}", q.label, if q.required { " *" } else { "" }) value=previous.unwrap_or_default() maxlength=MAX_ANSWER error />
                        }.into_any(),
                        QuestionKind::Number => view! {
                            <TextField name field label=q.label.clone() required=q.required hint=t("sourcing.number_hint") value=previous.unwrap_or_default() error />
                        }.into_any(),
                        QuestionKind::Choice => {
                            let mut options = vec![(String::new(), t("sourcing.choose"))];
                            options.extend(q.choices.iter().map(|c| (c.clone(), c.clone())));
                            view! {
                                <SelectField name field label=q.label.clone() options required=q.required selected=previous.unwrap_or_default() error />
                            }.into_any()
                        }
                    }
                }).collect_view()}
                <div><button type="submit" class="button button--primary">{t("sourcing.send_answer")}</button></div>
            </ActionForm>
        }.into_any()
    };
    view! { {mine} {form} }
}

#[component]
pub fn MeetingPage() -> impl IntoView {
    let id = id_param();
    let location = use_location();
    let meeting = Resource::new(
        move || (id(), location.search.get()),
        |(id, _)| async move {
            match id {
                Some(id) => meeting_get(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || meeting.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("nav.sourcing") heading=t("sourcing.meeting") /> }.into_any(),
                Ok(m) => view! { <Meeting m /> }.into_any(),
            })}
        </Suspense>
    }
}

/// The facts of a meeting (when, where, seats), shared with the buyer's page.
#[component]
pub fn MeetingFacts(m: MeetingView) -> impl IntoView {
    let s = m.summary.clone();
    view! {
        <dl class="facts" data-test="meeting-facts">
            <div><dt>{t("sourcing.when")}</dt><dd><time>{format!("{}–{}", s.starts, s.ends)}</time> " " {t("sourcing.paris_time")}</dd></div>
            {s.place.clone().map(|p| view! { <div><dt>{t("sourcing.place")}</dt><dd>{p}</dd></div> })}
            {m.online_url.clone().map(|u| view! { <div><dt>{t("sourcing.online_url")}</dt><dd><a href=u.clone() rel="nofollow noopener noreferrer external">{u.clone()}</a></dd></div> })}
            <div><dt>{t("sourcing.seats")}</dt><dd>{seats_text(&s)}</dd></div>
            <div><dt>{t("sourcing.deadline")}</dt><dd>{s.deadline.clone()}</dd></div>
        </dl>
        <p><a href=format!("/sourcage/reunions/{}/calendrier.ics", s.id) download="">{t("sourcing.ics")}</a></p>
    }
}

#[component]
fn Meeting(m: MeetingView) -> impl IntoView {
    let s = m.summary.clone();
    let query = use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    view! {
        <Title text=format!("{} — Passerelle", s.title) />
        <p><a href="/sourcage">{t("nav.sourcing")}</a></p>
        <h1>{s.title.clone()}</h1>
        <p class="lead">
            <a href=format!("/annuaire/{}", s.buyer_id)>{s.buyer_name.clone()}</a>
            " · " <a href=format!("/programmation/{}", s.plan_id)>{s.plan_title.clone()}</a>
        </p>
        {s.cancelled.then(|| view! { <p class="alert alert--error" role="alert">{t("sourcing.meeting_cancelled")}</p> })}
        {m.can_manage.then(|| view! {
            <p><a class="button" href=format!("/compte/sourcage/reunions/{}", s.id)>{t("sourcing.manage_meeting")}</a></p>
        })}
        {(m.can_read && !m.can_manage).then(|| view! {
            <p><a class="button" href=format!("/compte/sourcage/reunions/{}", s.id) data-test="meeting-attendees">{t("sourcing.see_attendees")}</a></p>
        })}
        <MeetingFacts m=m.clone() />
        {(!m.description.is_empty()).then(|| view! { <p class="prose">{m.description.clone()}</p> })}
        <section class="card" aria-labelledby="registration-h" id="registration">
            <h2 id="registration-h">{t("sourcing.registration")}</h2>
            {move || ok().map(|k| {
                let key = match k.as_str() {
                    "confirmed" => "sourcing.registered",
                    "waiting" => "sourcing.registered_waiting",
                    _ => "sourcing.registration_cancelled",
                };
                view! { <Notice>{t(key)}</Notice> }
            })}
            <RegistrationPanel m=m.clone() />
        </section>
    }
}

#[component]
fn RegistrationPanel(m: MeetingView) -> impl IntoView {
    let register = ServerAction::<RegisterMeeting>::new();
    let cancel = ServerAction::<CancelRegistration>::new();
    let error = action_error(register);
    let s = m.summary.clone();
    let my_regs = m.mine.clone();
    let mine = (!my_regs.is_empty()).then(move || view! {
        <ul data-test="my-registrations">
            {my_regs.into_iter().map(|r| {
                let text = match (r.status, &r.slot, r.rank) {
                    (RegStatus::Confirmed, Some((_, slot)), _) => t("sourcing.mine_slot").replace("%{org}", &r.org_name).replace("%{slot}", slot),
                    (RegStatus::Confirmed, None, _) => t("sourcing.mine_seat").replace("%{org}", &r.org_name),
                    (_, _, rank) => t("sourcing.mine_waiting").replace("%{org}", &r.org_name).replace("%{n}", &rank.unwrap_or(1).to_string()),
                };
                view! {
                    <li>
                        {text} " "
                        <ActionForm action=cancel attr:class="inline-form">
                            <input type="hidden" name="registration_id" value=r.id />
                            <button type="submit" class="button button--small">{t("sourcing.unregister")}</button>
                        </ActionForm>
                    </li>
                }
            }).collect_view()}
        </ul>
    });
    let form = if !s.open_now {
        view! { <p>{t("sourcing.registration_closed")}</p> }.into_any()
    } else if !m.signed_in {
        view! { <p>{t("sourcing.login_to_register")} " " <a href="/connexion">{t("nav.login")}</a></p> }.into_any()
    } else if m.orgs.is_empty() {
        view! { <p>{t("plan.interest_no_business")}</p> }.into_any()
    } else {
        let orgs: Vec<(String, String)> = m
            .orgs
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect();
        let full = s.confirmed >= s.capacity;
        let slots = m.slots.clone();
        view! {
            {full.then(|| view! { <p class="alert alert--info">{t("sourcing.full_waiting")}</p> })}
            <ActionForm action=register attr:class="form" attr:novalidate="">
                <FormAlert error />
                <input type="hidden" name="id" value=s.id />
                <SelectField name="org_id" field="org_id" label=t("plan.interest_org") options=orgs required=true error />
                {(!slots.is_empty() && !full).then(|| view! {
                    <fieldset data-test="slots">
                        <legend>{t("sourcing.choose_slot")}</legend>
                        <div class="checks">
                            {slots.iter().filter(|(_, _, free)| *free).enumerate().map(|(i, (n, text, _))| view! {
                                <label class="radio"><input type="radio" name="slot" value=n.to_string() checked=i == 0 /> {text.clone()}</label>
                            }).collect_view()}
                        </div>
                        {move || error.get().and_then(|e| e.field_error("slot").cloned()).map(|_| view! {
                            <p class="field__error">{t("sourcing.slot_taken")}</p>
                        })}
                    </fieldset>
                })}
                <div><button type="submit" class="button button--primary">{t(if full { "sourcing.join_waiting" } else if slots.is_empty() { "sourcing.register" } else { "sourcing.book_slot" })}</button></div>
            </ActionForm>
        }.into_any()
    };
    view! { {mine} {form} }
}
