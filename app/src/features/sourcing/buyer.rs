//! Sourcing for the buyer's verified members: the board of every call and meeting
//! (`/compte/organisations/{id}/sourcage`), the forms that open them from a planned
//! procurement's editor, a call's editor (questions, deadline, answers, CSV, summary), and a
//! meeting's page of attendees and waiting list (CSV, cancellation).

use super::api::{
    call_for_edit, meeting_for_buyer, sourcing_board, AddQuestion, CancelMeeting, CreateCall,
    CreateMeeting, OpenCall, PublishSummary, RemoveQuestion, UpdateCall,
};
use super::public::{CallRow, MeetingFacts, MeetingRow};
use crate::components::form::{
    action_error, reset_on_success, FormAlert, SelectField, TextAreaField, TextField,
};
use crate::components::live_check::LiveCheck;
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::sourcing::{
    CallEdit, CallStatus, MeetingAdmin, MeetingForm, Question, QuestionKind, RegStatus,
    ResponseView, MAX_QUESTION, MAX_TEXT, MAX_TITLE,
};
use crate::domain::validate::errors_in_form;
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

fn error_view(e: AppError) -> AnyView {
    let key = (e == AppError::Forbidden).then_some("plan.verified_only");
    view! { <LoadError error=e key /> }.into_any()
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let id = id_param();
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => sourcing_board(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=format!("{} — Passerelle", t("sourcing.board")) />
        <p><a href="/compte">{t("offer.back_account")}</a></p>
        <h1>{t("sourcing.board")}</h1>
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => error_view(e),
                Ok(b) => view! {
                    <p class="lead">{b.org_name.clone()}</p>
                    <p>{t("sourcing.board_help")} " " <a href=format!("/compte/organisations/{}/programmation", b.org_id)>{t("plan.mine")}</a></p>
                    <section aria-labelledby="board-calls">
                        <h2 id="board-calls">{t("sourcing.calls")}</h2>
                        {if b.calls.is_empty() {
                            view! { <p class="empty-state">{t("sourcing.board_calls_none")}</p> }.into_any()
                        } else {
                            view! { <ul class="result-list" data-test="board-calls">{b.calls.into_iter().map(|c| view! { <CallRow c manage=true /> }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                    <section aria-labelledby="board-meetings">
                        <h2 id="board-meetings">{t("sourcing.meetings")}</h2>
                        {if b.meetings.is_empty() {
                            view! { <p class="empty-state">{t("sourcing.board_meetings_none")}</p> }.into_any()
                        } else {
                            view! { <ul class="result-list" data-test="board-meetings">{b.meetings.into_iter().map(|m| view! { <MeetingRow m manage=true /> }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// In a planned procurement's editor: open a call or a meeting for it.
#[component]
pub fn PlanSourcingTools(plan_id: i32, buyer_id: i32, open: bool) -> impl IntoView {
    let call = ServerAction::<CreateCall>::new();
    let meeting = ServerAction::<CreateMeeting>::new();
    let call_error = action_error(call);
    let meeting_error = action_error(meeting);
    view! {
        <section aria-labelledby="sourcing-tools" id="sourcing">
            <h2 id="sourcing-tools">{t("nav.sourcing")}</h2>
            <p><a href=format!("/compte/organisations/{buyer_id}/sourcage")>{t("sourcing.board")}</a></p>
            {if !open {
                view! { <p>{t("sourcing.plan_closed")}</p> }.into_any()
            } else {
                view! {
                    <details class="card">
                        <summary>{t("sourcing.new_call")}</summary>
                        <p>{t("sourcing.new_call_help")}</p>
                        <ActionForm action=call attr:class="form" attr:novalidate="">
                            <FormAlert error=call_error />
                            <input type="hidden" name="plan_id" value=plan_id />
                            <TextField name="title" field="call_title" label=t("sourcing.call_title") required=true maxlength=MAX_TITLE error=call_error />
                            <TextAreaField name="intro" field="intro" label=t("sourcing.intro") hint=t("sourcing.intro_hint") maxlength=MAX_TEXT error=call_error />
                            <div class="filters__grid">
                                <TextField name="deadline_day" field="call_deadline_day" label=t("sourcing.deadline_day") input_type="date" required=true error=call_error />
                                <TextField name="deadline_time" field="call_deadline_time" label=t("sourcing.deadline_time") input_type="time" value="12:00" required=true error=call_error />
                            </div>
                            <div><button type="submit" class="button button--primary">{t("sourcing.create_call")}</button></div>
                        </ActionForm>
                    </details>
                    <details class="card">
                        <summary>{t("sourcing.new_meeting")}</summary>
                        <p>{t("sourcing.new_meeting_help")}</p>
                        <LiveCheck check={errors_in_form::<MeetingForm>} prefix="m_">
                            <ActionForm action=meeting attr:class="form" attr:novalidate="">
                                <FormAlert error=meeting_error />
                                <input type="hidden" name="plan_id" value=plan_id />
                                <TextField name="form[title]" field="m_title" label=t("sourcing.meeting_title") required=true maxlength=MAX_TITLE error=meeting_error />
                                <TextAreaField name="form[description]" field="m_description" label=t("sourcing.description") maxlength=MAX_TEXT error=meeting_error />
                                <div class="filters__grid">
                                    <TextField name="form[day]" field="m_day" label=t("sourcing.day") input_type="date" required=true error=meeting_error />
                                    <TextField name="form[start]" field="m_start" label=t("sourcing.start") input_type="time" required=true error=meeting_error />
                                    <TextField name="form[end]" field="m_end" label=t("sourcing.end") input_type="time" required=true error=meeting_error />
                                </div>
                                <TextField name="form[place]" field="m_place" label=t("sourcing.place") hint=t("sourcing.place_hint") error=meeting_error />
                                <TextField name="form[online_url]" field="m_online_url" label=t("sourcing.online_url") input_type="url" error=meeting_error />
                                <div class="filters__grid">
                                    <TextField name="form[capacity]" field="m_capacity" label=t("sourcing.capacity") hint=t("sourcing.capacity_hint") input_type="number" error=meeting_error />
                                    <TextField name="form[slot_minutes]" field="m_slot_minutes" label=t("sourcing.slot_minutes") hint=t("sourcing.slot_minutes_hint") input_type="number" error=meeting_error />
                                </div>
                                <div class="filters__grid">
                                    <TextField name="form[deadline_day]" field="m_deadline_day" label=t("sourcing.registration_day") input_type="date" required=true error=meeting_error />
                                    <TextField name="form[deadline_time]" field="m_deadline_time" label=t("sourcing.registration_time") input_type="time" value="18:00" required=true error=meeting_error />
                                </div>
                                <div><button type="submit" class="button button--primary">{t("sourcing.create_meeting")}</button></div>
                            </ActionForm>
                        </LiveCheck>
                    </details>
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn CallEditorPage() -> impl IntoView {
    let id = id_param();
    let location = use_location();
    let data = Resource::new(
        move || (id(), location.search.get()),
        |(id, _)| async move {
            match id {
                Some(id) => call_for_edit(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let query = use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    view! {
        <Title text=format!("{} — Passerelle", t("sourcing.call_editor")) />
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <h1>{t("sourcing.call_editor")}</h1> {error_view(e)} }.into_any(),
                Ok(c) => view! {
                    <p><a href=format!("/compte/organisations/{}/sourcage", c.call.summary.buyer_id)>{t("sourcing.board")}</a></p>
                    <h1>{c.call.summary.title.clone()}</h1>
                    {ok().map(|k| {
                        let key = match k.as_str() {
                            "created" => "sourcing.call_created",
                            "question" => "sourcing.question_added",
                            "question_removed" => "sourcing.question_removed",
                            "opened" => "sourcing.call_opened",
                            "published" => "sourcing.summary_published",
                            _ => "org.saved",
                        };
                        view! { <Notice>{t(key)}</Notice> }
                    })}
                    <CallEditor c />
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn CallEditor(c: CallEdit) -> impl IntoView {
    let s = c.call.summary.clone();
    let update = ServerAction::<UpdateCall>::new();
    let add = ServerAction::<AddQuestion>::new();
    let remove = ServerAction::<RemoveQuestion>::new();
    let open = ServerAction::<OpenCall>::new();
    let publish = ServerAction::<PublishSummary>::new();
    let (update_error, add_error, open_error, publish_error) = (
        action_error(update),
        action_error(add),
        action_error(open),
        action_error(publish),
    );
    let draft = s.status == CallStatus::Draft;
    let add_form = reset_on_success(add);
    let id = s.id;
    let kinds: Vec<(String, String)> = QuestionKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), t(&k.label_key())))
        .collect();
    view! {
        <section class="card" aria-labelledby="call-stage" data-test="call-stage">
            <h2 id="call-stage">{t("plan.status_label")} " : " <span class=format!("badge badge--{}", s.status.as_str())>{t(&s.status.label_key())}</span></h2>
            <p><a href=format!("/sourcage/appels/{id}")>{t("plan.see_public")}</a> " · " <a href=format!("/programmation/{}", s.plan_id)>{s.plan_title.clone()}</a></p>
            <p>{t(&format!("sourcing.stage_help.{}", s.status.as_str()))}</p>
            {draft.then(|| view! {
                <ActionForm action=open attr:class="form" attr:novalidate="">
                    <FormAlert error=open_error />
                    {move || open_error.get().and_then(|e| e.field_error("open").cloned()).map(|e| view! { <p class="field__error">{t(&e.key)}</p> })}
                    <input type="hidden" name="id" value=id />
                    <div><button type="submit" class="button button--primary">{t("sourcing.open_call")}</button></div>
                </ActionForm>
            })}
        </section>
        <section aria-labelledby="questions-h" id="questions">
            <h2 id="questions-h">{t("sourcing.questions")}</h2>
            {if c.call.questions.is_empty() {
                view! { <p class="empty-state">{t("sourcing.questions_none")}</p> }.into_any()
            } else {
                view! {
                    <ol data-test="questions">
                        {c.call.questions.clone().into_iter().map(|q| view! {
                            <li>
                                <strong>{q.label.clone()}</strong> " · " {t(&q.kind.label_key())}
                                {q.required.then(|| format!(" · {}", t("sourcing.required")))}
                                {(!q.choices.is_empty()).then(|| format!(" : {}", q.choices.join(" / ")))}
                                {draft.then(|| view! {
                                    <ActionForm action=remove attr:class="inline-form">
                                        <input type="hidden" name="id" value=id />
                                        <input type="hidden" name="question_id" value=q.id />
                                        <button type="submit" class="button button--small" aria-label=format!("{} {}", t("sourcing.remove_question"), q.label)>{t("sourcing.remove_question")}</button>
                                    </ActionForm>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {draft.then(|| view! {
                <h3>{t("sourcing.add_question")}</h3>
                <ActionForm action=add node_ref=add_form attr:class="form" attr:novalidate="">
                    <FormAlert error=add_error />
                    <input type="hidden" name="id" value=id />
                    <TextField name="label" field="q_label" label=t("sourcing.question") required=true maxlength=MAX_QUESTION error=add_error />
                    <SelectField name="kind" field="q_kind" label=t("sourcing.kind_label") options=kinds error=add_error />
                    <TextAreaField name="choices" field="q_choices" label=t("sourcing.choices") hint=t("sourcing.choices_hint") maxlength=4000 error=add_error />
                    <div class="field field--check">
                        <input type="checkbox" id="f-q-required" name="required" />
                        <label for="f-q-required">{t("sourcing.required")}</label>
                    </div>
                    <div><button type="submit" class="button">{t("sourcing.add_question")}</button></div>
                </ActionForm>
            })}
        </section>
        <section aria-labelledby="responses-h" id="responses">
            <h2 id="responses-h">{t("sourcing.responses")}</h2>
            <ResponseList id responses=c.responses.clone() questions=c.call.questions.clone() />
        </section>
        {(s.status == CallStatus::Open).then(|| view! {
            <section class="card" aria-labelledby="publish-h" id="publish">
                <h2 id="publish-h">{t("sourcing.publish_title")}</h2>
                <p>{t("sourcing.publish_help")}</p>
                <ActionForm action=publish attr:class="form" attr:novalidate="">
                    <FormAlert error=publish_error />
                    <input type="hidden" name="id" value=id />
                    <TextAreaField name="summary" field="summary" label=t("sourcing.summary_title") hint=t("offer.description_hint") value=c.summary_source.clone() maxlength=MAX_TEXT error=publish_error />
                    <div><button type="submit" class="button button--primary">{t("sourcing.publish")}</button></div>
                </ActionForm>
            </section>
        })}
        {(s.status != CallStatus::Published).then(|| view! {
            <section aria-labelledby="call-fields">
                <h2 id="call-fields">{t("plan.fields_title")}</h2>
                <ActionForm action=update attr:class="form" attr:novalidate="">
                    <FormAlert error=update_error />
                    <input type="hidden" name="id" value=id />
                    <TextField name="title" field="call_title" label=t("sourcing.call_title") required=true value=s.title.clone() maxlength=MAX_TITLE error=update_error />
                    <TextAreaField name="intro" field="intro" label=t("sourcing.intro") value=c.call.intro.clone() maxlength=MAX_TEXT error=update_error />
                    <div class="filters__grid">
                        <TextField name="deadline_day" field="call_deadline_day" label=t("sourcing.deadline_day") input_type="date" value=c.deadline_day.clone() required=true error=update_error />
                        <TextField name="deadline_time" field="call_deadline_time" label=t("sourcing.deadline_time") input_type="time" value=c.deadline_time.clone() required=true error=update_error />
                    </div>
                    <div><button type="submit" class="button">{t("org.save")}</button></div>
                </ActionForm>
            </section>
        })}
    }
}

#[component]
pub fn MeetingAdminPage() -> impl IntoView {
    let id = id_param();
    let location = use_location();
    let data = Resource::new(
        move || (id(), location.search.get()),
        |(id, _)| async move {
            match id {
                Some(id) => meeting_for_buyer(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let query = use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    view! {
        <Title text=format!("{} — Passerelle", t("sourcing.meeting")) />
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <h1>{t("sourcing.meeting")}</h1> {error_view(e)} }.into_any(),
                Ok(a) => view! {
                    <p><a href=format!("/compte/organisations/{}/sourcage", a.meeting.summary.buyer_id)>{t("sourcing.board")}</a></p>
                    <h1>{a.meeting.summary.title.clone()}</h1>
                    {ok().map(|k| view! {
                        <Notice>{t(if k == "created" { "sourcing.meeting_created" } else { "sourcing.meeting_cancelled" })}</Notice>
                    })}
                    <Attendees a />
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Attendees(a: MeetingAdmin) -> impl IntoView {
    let cancel = ServerAction::<CancelMeeting>::new();
    let error = action_error(cancel);
    let s = a.meeting.summary.clone();
    let id = s.id;
    view! {
        <p><a href=format!("/sourcage/reunions/{id}")>{t("plan.see_public")}</a></p>
        <MeetingFacts m=a.meeting.clone() />
        <section aria-labelledby="attendees-h" id="attendees">
            <h2 id="attendees-h">{t("sourcing.attendees")}</h2>
            {if a.registrations.is_empty() {
                view! { <p class="empty-state">{t("sourcing.attendees_none")}</p> }.into_any()
            } else {
                view! {
                    <p><a class="button" href=format!("/compte/sourcage/reunions/{id}/inscrits.csv") download="">{t("sourcing.attendees_csv")}</a></p>
                    <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
                        <table data-test="attendees">
                            <thead><tr>
                                <th scope="col">{t("plan.interest_org")}</th>
                                <th scope="col">{t("sourcing.person")}</th>
                                <th scope="col">{t("plan.status_label")}</th>
                                <th scope="col">{t("sourcing.slot")}</th>
                            </tr></thead>
                            <tbody>
                                {a.registrations.iter().map(|r| view! {
                                    <tr>
                                        <td><a href=format!("/annuaire/{}", r.org_id)>{r.org_name.clone()}</a></td>
                                        <td>{r.person.clone()}</td>
                                        <td>{match r.status {
                                            RegStatus::Confirmed => t("sourcing.reg.confirmed"),
                                            RegStatus::Waiting => t("sourcing.reg.waiting").replace("%{n}", &r.rank.unwrap_or(0).to_string()),
                                            RegStatus::Cancelled => t("sourcing.reg.cancelled"),
                                        }}</td>
                                        <td>{r.slot.clone().map(|s| s.1).unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        {(!s.cancelled && a.meeting.can_manage).then(|| view! {
            <section class="card" aria-labelledby="cancel-meeting-h">
                <h2 id="cancel-meeting-h">{t("sourcing.cancel_meeting")}</h2>
                <p>{t("sourcing.cancel_meeting_help")}</p>
                <ActionForm action=cancel attr:class="form" attr:novalidate="">
                    <FormAlert error />
                    <input type="hidden" name="id" value=id />
                    <TextField name="note" label=t("plan.note") required=true error />
                    <div><button type="submit" class="button button--danger">{t("sourcing.cancel_meeting")}</button></div>
                </ActionForm>
            </section>
        })}
    }
}

/// Every firm's answers to a call, with their CSV: for the coordinator in its editor, and for
/// the members of the procurement's groupement de commandes on the call's page.
#[component]
pub fn ResponseList(
    id: i32,
    responses: Vec<ResponseView>,
    questions: Vec<Question>,
) -> impl IntoView {
    let label_of = move |qid: i32| {
        questions
            .iter()
            .find(|q| q.id == qid)
            .map(|q| q.label.clone())
            .unwrap_or_default()
    };
    if responses.is_empty() {
        return view! { <p class="empty-state">{t("sourcing.responses_none")}</p> }.into_any();
    }
    view! {
        <p><a class="button" href=format!("/compte/sourcage/appels/{id}/reponses.csv") download="">{t("sourcing.responses_csv")}</a></p>
        <ul class="result-list" data-test="responses">
            {responses.into_iter().map(|r| view! {
                <li class="card result">
                    <h3 class="result__title"><a href=format!("/annuaire/{}", r.org_id)>{r.org_name.clone()}</a></h3>
                    <p class="result__meta">{r.updated.clone()}</p>
                    <dl class="facts">
                        {r.answers.iter().map(|(q, v)| view! { <div><dt>{label_of(*q)}</dt><dd>{v.clone()}</dd></div> }).collect_view()}
                    </dl>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
