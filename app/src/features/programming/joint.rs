//! A planned procurement's groupement de commandes, on its page (`#groupement`): everyone reads
//! the coordinator, the last day to join, the buyers and the total estimate, the members and
//! the communes served; the coordinator opens it and decides on requests; other verified buyers
//! ask to join with their parts, and withdraw. Each action is its own form (works without
//! JavaScript).

use super::interest::FirmList;
use super::joint_api::{
    joint_get, AskJoint, DecideJoint, LinkJointContract, OpenJoint, WithdrawJoint,
};
use crate::components::form::{
    action_error, field_message, FormAlert, SelectField, TextAreaField, TextField,
};
use crate::components::notice::Notice;
use crate::domain::joint::{
    CoBuyerHint, CoBuyerStatus, JointView, MemberContract, MemberView, RequestView, MAX_CONTACT,
    MAX_CONVENTION, MAX_NOTE, MAX_QUANTITY, MAX_REASON,
};
use crate::domain::programming::euros;
use crate::domain::suggest::SuggestKind;
use crate::error::AppError;
use crate::features::reference::suggest_field::SuggestField;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn JointPanel(plan_id: i32) -> impl IntoView {
    let location = use_location();
    let data = Resource::new(move || location.search.get(), move |_| joint_get(plan_id));
    let query = use_query_map();
    // Only the messages this panel knows: the query string is the visitor's to write.
    let ok = move || {
        query
            .with(|q| q.get("ok"))
            .and_then(|k| k.strip_prefix("joint_").map(String::from))
            .filter(|k| {
                ["open", "asked", "accept", "refuse", "withdrawn", "contract"].contains(&k.as_str())
            })
    };
    view! {
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <p class="alert alert--error" role="alert">{t(e.message_key())}</p> }.into_any(),
                Ok(j) if !(j.open || j.coordinates && j.may_open) => ().into_any(),
                Ok(j) => {
                    let (member, interests) = (j.member, j.interests.clone());
                    view! {
                        <section class="card" aria-labelledby="joint-h" id="groupement" data-test="joint">
                            <h2 id="joint-h">{t("joint.title")}</h2>
                            {ok().map(|k| view! { <Notice>{t(&format!("joint.ok.{k}"))}</Notice> })}
                            <Joint j />
                        </section>
                        // A member reads the firms' interest as the coordinator does.
                        {member.then(|| view! {
                            <section aria-labelledby="interested-h" id="interested">
                                <h2 id="interested-h">{t("plan.interested_title")}</h2>
                                <FirmList plan_id list=interests />
                            </section>
                        })}
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
fn Joint(j: JointView) -> impl IntoView {
    if !j.open {
        return view! {
            <p>{t("joint.open_lead")}</p>
            <OpenForm plan_id=j.plan_id convention=String::new() deadline=String::new() />
        }
        .into_any();
    }
    let deadline = j.deadline.clone().unwrap_or_default();
    let lots = j.lots.clone();
    view! {
        <p class="lead" data-test="joint-state">
            {if j.joinable {
                t("joint.open_until").replace("%{date}", &deadline)
            } else {
                t("joint.closed_since").replace("%{date}", &deadline)
            }}
        </p>
        <p>{t("joint.coordinator")} " : " <a href=format!("/annuaire/{}", j.coordinator_id)>{j.coordinator_name.clone()}</a></p>
        <p data-test="joint-totals"><strong>{j.totals.text()}</strong></p>
        {(!lots.is_empty()).then(|| view! {
            <ul data-test="joint-lots">
                {j.totals.lots.iter().filter_map(|lt| {
                    let (_, n, title) = lots.iter().find(|l| Some(l.0) == lt.lot_id)?.clone();
                    Some(view! {
                        <li>{format!("{} {n} — {title} : ", t("plan.lot"))}
                            {t("joint.lot_buyers").replace("%{n}", &lt.buyers.to_string())}
                            {lt.amount.map(|a| format!(", {}", euros(a)))}
                        </li>
                    })
                }).collect_view()}
            </ul>
        })}
        {(!j.communes.is_empty()).then(|| view! {
            <p>{t("joint.communes_served")} " : " {j.communes.join(", ")}</p>
        })}
        <h3>{t("joint.convention")}</h3>
        <p class="prose" data-test="joint-convention">{j.convention.clone()}</p>
        <h3>{t("joint.members")}</h3>
        {if j.members.is_empty() {
            view! { <p class="empty-state">{t("joint.members_none")}</p> }.into_any()
        } else {
            view! {
                <ul data-test="joint-members">
                    {j.members.iter().map(|m| view! { <li><Member m=m.clone() /></li> }).collect_view()}
                </ul>
            }.into_any()
        }}
        {j.member.then(|| view! { <p class="alert alert--info">{t("joint.member_reads")}</p> })}
        {j.contracts.iter().map(|c| view! { <ContractForm c=c.clone() /> }).collect_view()}
        {j.coordinates.then(|| view! { <Coordinator j=j.clone() /> })}
        {(!j.may_ask.is_empty()).then(|| view! { <Asker j=j.clone() /> })}
    }
    .into_any()
}

#[component]
fn Member(m: MemberView) -> impl IntoView {
    let parts = m
        .parts
        .iter()
        .map(|(n, amount, quantity)| {
            let what = match n {
                Some(n) => format!("{} {n}", t("plan.lot")),
                None => t("joint.whole"),
            };
            let mut s = format!("{what} : {}", euros(*amount));
            if !quantity.is_empty() {
                s.push_str(&format!(" ({quantity})"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <a href=format!("/annuaire/{}", m.buyer_id)>{m.buyer_name.clone()}</a>
        " — " {parts}
        {(!m.communes.is_empty()).then(|| format!(" — {}", m.communes.join(", ")))}
        {m.contract.map(|(id, text)| view! {
            " — " {t("joint.member_contract")} " " <a href=format!("/marches/{id}")>{text}</a>
        })}
    }
}

/// An accepted member links its own contract once the procurement is awarded.
#[component]
fn ContractForm(c: MemberContract) -> impl IntoView {
    let action = ServerAction::<LinkJointContract>::new();
    let error = action_error(action);
    let (options, selected) = c.link.options(t("plan.award_none"));
    let field = format!("contract-{}", c.request_id);
    view! {
        <h3>{format!("{} — {}", t("joint.contracts_title"), c.buyer_name)}</h3>
        <p class="field__hint">{t("joint.contracts_help")}</p>
        {if c.link.candidates.is_empty() && c.link.current.is_none() {
            view! { <p class="empty-state">{t("plan.award_no_candidates")}</p> }.into_any()
        } else {
            view! {
                <ActionForm action attr:class="form" attr:novalidate="" attr:data-test="joint-contract">
                    <FormAlert error />
                    <Reasons error />
                    <input type="hidden" name="id" value=c.request_id />
                    <SelectField name="contract" field=field label=t("plan.award_contract") options selected error />
                    <div><button type="submit" class="button">{t("plan.award_save")}</button></div>
                </ActionForm>
            }.into_any()
        }}
    }
}

#[component]
fn OpenForm(plan_id: i32, convention: String, deadline: String) -> impl IntoView {
    let action = ServerAction::<OpenJoint>::new();
    let error = action_error(action);
    view! {
        <ActionForm action attr:class="form" attr:novalidate="">
            <FormAlert error />
            <input type="hidden" name="plan_id" value=plan_id />
            <TextAreaField name="form[convention]" field="convention" label=t("joint.f_convention") hint=t("joint.f_convention_hint") value=convention maxlength=MAX_CONVENTION error />
            <TextField name="form[deadline]" field="deadline" input_type="date" label=t("joint.f_deadline") hint=t("joint.f_deadline_hint") value=deadline required=true error />
            <div><button type="submit" class="button button--primary">{t("joint.open")}</button></div>
        </ActionForm>
    }
}

/// The coordinator's part: the requests to decide on, and the convention to change.
#[component]
fn Coordinator(j: JointView) -> impl IntoView {
    let deadline_input = j
        .deadline
        .as_deref()
        .and_then(crate::domain::sourcing::parse_day)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    view! {
        <h3>{t("joint.requests")}</h3>
        {if j.requests.is_empty() {
            view! { <p class="empty-state">{t("joint.requests_none")}</p> }.into_any()
        } else {
            view! {
                <ul class="result-list" data-test="joint-requests">
                    {j.requests.iter().map(|r| view! { <Request r=r.clone() decide=j.may_open /> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <Suggestions hints=j.hints.clone() />
        {j.may_open.then(|| view! {
            <details>
                <summary>{t("joint.change")}</summary>
                <OpenForm plan_id=j.plan_id convention=j.convention.clone() deadline=deadline_input.clone() />
            </details>
        })}
    }
}

/// Who bought the same things in the past contracts: buyers to invite.
#[component]
fn Suggestions(hints: Vec<CoBuyerHint>) -> impl IntoView {
    view! {
        <h3>{t("joint.hints")}</h3>
        <p class="field__hint">{t("joint.hints_help")}</p>
        {if hints.is_empty() {
            view! { <p class="empty-state">{t("joint.hints_none")}</p> }.into_any()
        } else {
            view! {
                <ul data-test="joint-hints">
                    {hints.into_iter().map(|h| view! {
                        <li>
                            {match h.org_id {
                                Some(id) => view! { <a href=format!("/annuaire/{id}")>{h.name.clone()}</a> }.into_any(),
                                None => view! { <span>{h.name.clone()}</span> }.into_any(),
                            }}
                            " — " {t("joint.hint_contracts").replace("%{n}", &h.contracts.to_string())}
                            {h.last.clone().map(|d| format!(", {} {d}", t("joint.hint_last")))}
                            {(!h.example.is_empty()).then(|| format!(" (« {} »)", h.example))}
                            " · " <a href=format!("/marches?acheteur={}", h.siret)>{t("joint.hint_contracts_link")}</a>
                            {h.status.map(|s| format!(" · {}", t(&s.label_key())))}
                            {h.org_id.is_none().then(|| format!(" · {}", t("joint.hint_not_registered")))}
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
fn Request(r: RequestView, decide: bool) -> impl IntoView {
    let accept = ServerAction::<DecideJoint>::new();
    let refuse = ServerAction::<DecideJoint>::new();
    let error = action_error(refuse);
    let accept_error = action_error(accept);
    let pending = r.status == CoBuyerStatus::Asked;
    let member = r.status == CoBuyerStatus::Accepted;
    let field = format!("reason-{}", r.id);
    view! {
        <li class="card result" data-test="joint-request">
            <p class="result__title"><Member m=r.member.clone() /></p>
            <p class="result__meta">
                {t(&r.status.label_key())} " · " {r.asked_on.clone()} " · " {t("joint.contact")} " : " {r.contact.clone()}
            </p>
            {r.note.clone().map(|n| view! { <p class="prose">{n}</p> })}
            {r.reason.clone().map(|n| view! { <p>{t("joint.reason")} " : " {n}</p> })}
            {(decide && pending).then(|| view! {
                <ActionForm action=accept attr:class="inline-form">
                    <FormAlert error=accept_error />
                    <Reasons error=accept_error />
                    <input type="hidden" name="id" value=r.id />
                    <input type="hidden" name="decision" value="accept" />
                    <button type="submit" class="button button--primary">{t("joint.accept")}</button>
                </ActionForm>
            })}
            {(decide && (pending || member)).then(|| view! {
                <ActionForm action=refuse attr:class="form" attr:novalidate="">
                    <FormAlert error />
                    <Reasons error />
                    <input type="hidden" name="id" value=r.id />
                    <input type="hidden" name="decision" value="refuse" />
                    <TextField name="reason" field=field.clone() label=t(if member { "joint.exclude_reason" } else { "joint.refuse_reason" }) maxlength=MAX_REASON error />
                    <div><button type="submit" class="button">{t(if member { "joint.exclude" } else { "joint.refuse" })}</button></div>
                </ActionForm>
            })}
        </li>
    }
}

/// A buyer that may take part: its requests, and the form to ask.
#[component]
fn Asker(j: JointView) -> impl IntoView {
    let ask = ServerAction::<AskJoint>::new();
    let withdraw = ServerAction::<WithdrawJoint>::new();
    let error = action_error(ask);
    let withdraw_error = action_error(withdraw);
    let orgs: Vec<(String, String)> = j
        .may_ask
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    let keys: Vec<(String, String)> = if j.lots.is_empty() {
        vec![("all".into(), t("joint.whole"))]
    } else {
        j.lots
            .iter()
            .map(|(id, n, title)| (id.to_string(), format!("{} {n} — {title}", t("plan.lot"))))
            .collect()
    };
    let (mine, joinable) = (j.mine.clone(), j.joinable);
    view! {
        {(!mine.is_empty()).then(move || view! {
            <h3>{t("joint.mine")}</h3>
            <FormAlert error=withdraw_error />
            <Reasons error=withdraw_error />
            <ul data-test="joint-mine">
                {mine.into_iter().map(|r| {
                    let active = matches!(r.status, CoBuyerStatus::Asked | CoBuyerStatus::Accepted);
                    view! {
                        <li>
                            <strong>{r.member.buyer_name.clone()}</strong> " : " {t(&r.status.label_key())}
                            {r.reason.clone().map(|x| format!(" — {} : {x}", t("joint.reason")))}
                            {(active && joinable).then(|| view! {
                                " "
                                <ActionForm action=withdraw attr:class="inline-form">
                                    <input type="hidden" name="id" value=r.id />
                                    <button type="submit" class="button button--small">{t("joint.withdraw")}</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        {if j.joinable {
            view! {
                <h3>{t("joint.ask_title")}</h3>
                <p>{t("joint.ask_help")}</p>
                <ActionForm action=ask attr:class="form" attr:novalidate="">
                    <FormAlert error />
                    <input type="hidden" name="plan_id" value=j.plan_id />
                    <SelectField name="org_id" field="org_id" label=t("joint.f_org") options=orgs required=true error />
                    {keys.into_iter().map(|(key, label)| view! {
                        <fieldset>
                            <legend>{label}</legend>
                            <TextField name=format!("amount[{key}]") field=format!("amount_{key}") label=t("joint.f_amount") hint=t("joint.f_amount_hint") error />
                            <TextField name=format!("quantity[{key}]") field=format!("quantity_{key}") label=t("joint.f_quantity") maxlength=MAX_QUANTITY error />
                        </fieldset>
                    }).collect_view()}
                    <SuggestField kind=SuggestKind::Commune list=true name="communes" field="communes" label=t("joint.f_communes") hint=t("joint.f_communes_hint") error />
                    <TextField name="contact" field="contact" label=t("joint.f_contact") hint=t("joint.f_contact_hint") maxlength=MAX_CONTACT required=true error />
                    <TextAreaField name="note" field="note" label=t("joint.f_note") hint=t("joint.f_note_hint") maxlength=MAX_NOTE error />
                    <div><button type="submit" class="button button--primary">{t("joint.ask")}</button></div>
                </ActionForm>
            }.into_any()
        } else {
            view! { <p class="alert alert--info" data-test="joint-closed">{t("joint.closed_to_new").replace("%{date}", &j.deadline.clone().unwrap_or_default())}</p> }.into_any()
        }}
    }
}

/// Every message of a failed submission, for the small forms whose fields are not on the page
/// (a withdrawal after the last day says which day it was).
#[component]
fn Reasons(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || match error.get() {
        Some(AppError::Invalid(errors)) => Some(view! {
            <ul class="field__error">
                {errors.iter().map(|e| view! { <li>{field_message(e)}</li> }).collect_view()}
            </ul>
        }),
        _ => None,
    }
}
