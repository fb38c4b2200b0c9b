//! A partner request's page (`/groupements/{id}`): what is sought; for another firm's members,
//! the answer form and their own answer; for the poster's members, every answer (accept or
//! decline), the partners the engine proposes, and closing or editing the request.

use super::api::{
    partner_request, AnswerPartnerRequest, DecidePartnerAnswer, SetPartnerRequestOpen,
};
use super::proposals::{FormAs, Proposals};
use crate::components::form::{action_error, FormAlert, SelectField, TextAreaField};
use crate::components::notice::Notice;
use crate::components::status::set_status;
use crate::domain::offer::label_name;
use crate::domain::partners::{AnswerStatus, AnswerView, ProposalsView, RequestView, MAX_MESSAGE};
use crate::error::AppError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

#[component]
pub fn PartnerRequestPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let data = Resource::new(
        move || (id(), location.search.get()),
        |(id, _)| async move {
            match id {
                Some(id) => partner_request(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => {
                    set_status(e.status_code());
                    view! {
                        <Title text=format!("{} — Passerelle", t("partners.title")) />
                        <p><a href="/groupements">{t("partners.title")}</a></p>
                        <h1>{t("partners.request")}</h1>
                        <p class="alert alert--error" role="alert">{t(e.message_key())}</p>
                    }.into_any()
                }
                Ok(v) => view! { <Request v /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Request(v: RequestView) -> impl IntoView {
    let query = use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    let ok_text = move || {
        ok().and_then(|k| match k.as_str() {
            "created" => Some(t("partners.ok_created")),
            "saved" => Some(t("partners.ok_saved")),
            "closed" => Some(t("partners.ok_closed")),
            "opened" => Some(t("partners.ok_opened")),
            "answered" => Some(t("partners.ok_answered")),
            "accept" => Some(t("partners.ok_accepted")),
            "decline" => Some(t("partners.ok_declined")),
            _ => None,
        })
    };
    let deadline = v.deadline.format("%d/%m/%Y").to_string();
    view! {
        <Title text=format!("{} — Passerelle", v.title) />
        <p><a href="/groupements">{t("partners.title")}</a></p>
        <h1>{v.title.clone()}</h1>
        {move || ok_text().map(|m| view! { <Notice>{m}</Notice> })}
        <p class="lead">
            <span class="badge" data-test="request-status">{t(if v.open { "partners.status_open" } else { "partners.status_closed" })}</span>
            " · " {t(&v.role.label_key())} " · " {t(&v.kind.label_key())}
            " · " <a href=format!("/annuaire/{}", v.org_id)>{v.org_name.clone()}</a>
        </p>
        <dl class="facts">
            {v.plan.clone().map(|(id, title)| view! {
                <div><dt>{t("partners.plan")}</dt><dd><a href=format!("/programmation/{id}")>{title}</a>
                    {v.lot.clone().map(|(_, l)| format!(" — {} {l}", t("plan.lot")))}</dd></div>
            })}
            {(!v.cpv.is_empty()).then(|| view! {
                <div><dt>{t("partners.f_cpv")}</dt><dd><ul>{v.cpv.iter().map(|(c, n)| view! { <li>{format!("{c} {n}")}</li> }).collect_view()}</ul></dd></div>
            })}
            {(!v.labels.is_empty()).then(|| view! {
                <div><dt>{t("partners.f_labels")}</dt><dd>{v.labels.iter().map(|l| label_name(l).unwrap_or(l).to_string()).collect::<Vec<_>>().join(", ")}</dd></div>
            })}
            {v.capacity.clone().map(|c| view! { <div><dt>{t("partners.f_capacity")}</dt><dd>{c}</dd></div> })}
            {v.commune.clone().map(|(_, name)| view! {
                <div><dt>{t("partners.f_commune")}</dt><dd>{name}{v.radius_km.map(|k| format!(" ({})", t("partners.within_km").replace("%{km}", &k.to_string())))}</dd></div>
            })}
            <div><dt>{t("partners.f_deadline")}</dt><dd>{deadline}</dd></div>
        </dl>
        {(!v.description.is_empty()).then(|| view! { <p class="prose">{v.description.clone()}</p> })}
        {v.mine.then(|| view! { <OwnerTools v=v.clone() /> })}
        <section class="card" aria-labelledby="answers-h" id="reponses">
            <h2 id="answers-h">{t(if v.mine { "partners.answers_title" } else { "partners.your_answer" })}</h2>
            {if v.mine {
                if v.answers.is_empty() {
                    view! { <p class="empty-state">{t("partners.answers_none")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="result-list" data-test="answers">
                            {v.answers.iter().cloned().map(|a| view! { <AnswerItem a decide=true /> }).collect_view()}
                        </ul>
                    }.into_any()
                }
            } else {
                view! { <AnswerPanel v=v.clone() /> }.into_any()
            }}
        </section>
        {v.mine.then(|| {
            let form_as = FormAs {
                org_id: v.org_id,
                plan_id: v.plan.as_ref().map(|(id, _)| *id),
                request_id: Some(v.id),
                name: v.title.clone(),
            };
            v.proposals.clone().map(|p| view! { <RequestProposals p form_as /> })
        })}
    }
}

#[component]
fn OwnerTools(v: RequestView) -> impl IntoView {
    let action = ServerAction::<SetPartnerRequestOpen>::new();
    let error = action_error(action);
    let reopen = !v.open && v.closed;
    view! {
        <section class="card" aria-labelledby="owner-h">
            <h2 id="owner-h">{t("partners.manage")}</h2>
            <p><a class="button" href=format!("/groupements/{}/modifier", v.id)>{t("partners.edit")}</a></p>
            <ActionForm action attr:class="form">
                <FormAlert error />
                <input type="hidden" name="id" value=v.id />
                <input type="hidden" name="open" value=if reopen { "oui" } else { "non" } />
                {(v.open || reopen).then(|| view! {
                    <button type="submit" class="button">{t(if reopen { "partners.reopen" } else { "partners.close" })}</button>
                })}
                {(!v.open && !v.closed).then(|| view! { <p>{t("partners.deadline_passed")}</p> })}
            </ActionForm>
        </section>
    }
}

#[component]
fn AnswerItem(a: AnswerView, decide: bool) -> impl IntoView {
    let action = ServerAction::<DecidePartnerAnswer>::new();
    let error = action_error(action);
    let status_class = match a.status {
        AnswerStatus::Pending => "badge",
        AnswerStatus::Accepted => "badge badge--ok",
        AnswerStatus::Declined => "badge badge--error",
    };
    view! {
        <li class="card result" data-test="answer">
            <h3 class="result__title"><a href=format!("/annuaire/{}", a.org_id)>{a.org_name.clone()}</a></h3>
            <p class="result__meta"><span class=status_class data-test="answer-status">{t(&a.status.label_key())}</span> " · " {a.created_at.clone()}</p>
            <p class="prose">{a.message.clone()}</p>
            {(!a.offers.is_empty()).then(|| view! {
                <p>{t("partners.answer_offers")} " "
                    {a.offers.iter().map(|(id, title)| view! { <a href=format!("/catalogue/{id}")>{title.clone()}</a> " " }).collect_view()}
                </p>
            })}
            {(decide && a.status == AnswerStatus::Pending).then(|| view! {
                <ActionForm action attr:class="inline-form">
                    <FormAlert error />
                    <input type="hidden" name="answer_id" value=a.id />
                    <button type="submit" class="button button--primary" name="decision" value="accept">{t("partners.accept")}</button>
                    " "
                    <button type="submit" class="button" name="decision" value="decline">{t("partners.decline")}</button>
                </ActionForm>
            })}
        </li>
    }
}

#[component]
fn AnswerPanel(v: RequestView) -> impl IntoView {
    let action = ServerAction::<AnswerPartnerRequest>::new();
    let error = action_error(action);
    let mine = (!v.answers.is_empty()).then(|| {
        view! {
            <ul class="result-list" data-test="my-answers">
                {v.answers.iter().cloned().map(|a| view! { <AnswerItem a decide=false /> }).collect_view()}
            </ul>
        }
    });
    let previous = v
        .answers
        .first()
        .map(|a| a.message.clone())
        .unwrap_or_default();
    let chosen: Vec<i32> = v
        .answers
        .first()
        .map(|a| a.offers.iter().map(|(id, _)| *id).collect())
        .unwrap_or_default();
    let form = if !v.open {
        view! { <p>{t("partners.answers_closed")}</p> }.into_any()
    } else if v.can_answer.is_empty() {
        view! { <p>{t("partners.login_to_answer")} " " <a href="/connexion">{t("nav.login")}</a></p> }.into_any()
    } else {
        let orgs: Vec<(String, String)> = v
            .can_answer
            .iter()
            .map(|a| (a.org_id.to_string(), a.org_name.clone()))
            .collect();
        // Offers of every firm the caller may answer for, named by firm: the server refuses an offer
        // that is not the chosen firm's.
        let offers: Vec<(i32, String, String)> = v
            .can_answer
            .iter()
            .flat_map(|a| {
                a.offers
                    .iter()
                    .map(move |(id, title)| (*id, title.clone(), a.org_name.clone()))
            })
            .collect();
        let several = v.can_answer.len() > 1;
        view! {
            <p>{t("partners.answer_help")}</p>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                <input type="hidden" name="id" value=v.id />
                <SelectField name="org_id" field="org_id" label=t("partners.answer_as") options=orgs required=true error />
                <TextAreaField name="form[message]" field="message" label=t("partners.message") hint=t("partners.message_hint") value=previous maxlength=MAX_MESSAGE error />
                {(!offers.is_empty()).then(|| view! {
                    <fieldset>
                        <legend>{t("partners.answer_offers_pick")}</legend>
                        <div class="checks">
                            {offers.into_iter().map(|(id, title, org)| {
                                let input = format!("f-answer-offer-{id}");
                                view! {
                                    <div class="field field--check">
                                        <input type="checkbox" id=input.clone() name=format!("form[offers][{id}]") checked=chosen.contains(&id) />
                                        <label for=input>{if several { format!("{title} ({org})") } else { title }}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                })}
                <div><button type="submit" class="button button--primary">{t("partners.send_answer")}</button></div>
            </ActionForm>
        }.into_any()
    };
    view! { {mine} {form} }
}

#[component]
fn RequestProposals(p: ProposalsView, form_as: FormAs) -> impl IntoView {
    view! {
        <section aria-labelledby="proposals-h" id="propositions">
            <h2 id="proposals-h">{t("partners.proposals_title")}</h2>
            <p>{t("partners.proposals_help")}</p>
            <Proposals v=p partners_title=None form_as=Some(form_as) />
        </section>
    }
}
