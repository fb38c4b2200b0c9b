//! A consortium's workspace (`/compte/groupements/{id}`): members with their roles, shares and
//! answers; the invitation to answer; inviting a firm by its SIRET; the stage; the conversation.
//! And the caller's consortia and invitations, on `/compte/groupements`.

use super::api::{
    consortium_get, my_consortia, InviteToConsortium, PostConsortiumMessage, RespondToConsortium,
    SetConsortiumStage, SetMemberShare,
};
use crate::components::form::{action_error, FormAlert, SelectField, TextAreaField, TextField};
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::consortia::{
    ConsortiumView, MemberRole, MemberStatus, MemberView, MAX_MESSAGE, MAX_SHARE,
};
use crate::error::AppError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

/// A valid SIRET given in the address, else nothing.
fn siret_param(s: &str) -> Option<String> {
    crate::domain::siret::Siret::parse(s)
        .ok()
        .map(|s| s.as_str().to_string())
}

fn status_badge(s: MemberStatus) -> &'static str {
    match s {
        MemberStatus::Invited => "badge badge--warn",
        MemberStatus::Accepted => "badge badge--ok",
        MemberStatus::Declined => "badge badge--error",
    }
}

/// The caller's consortia and invitations (on the page of their partner requests).
#[component]
pub fn MyConsortia() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_consortia());
    // Coming from a plan's inclusive structures: the consortium chosen opens with its SIRET.
    let inviter = use_query_map()
        .with_untracked(|q| q.get("inviter"))
        .and_then(|s| siret_param(&s));
    let suffix = inviter
        .as_ref()
        .map(|s| format!("?inviter={s}#invite-h"))
        .unwrap_or_default();
    view! {
        <section aria-labelledby="my-consortia-h">
            <h2 id="my-consortia-h">{t("consortium.mine")}</h2>
            {inviter.is_some().then(|| view! { <p class="alert alert--info" data-test="choose-consortium">{t("consortium.choose_to_invite")}</p> })}
            <Suspense fallback=|| ()>
                {move || data.get().map(|r| match r {
                    Err(_) => ().into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty-state">{t("consortium.mine_none")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="result-list" data-test="my-consortia">
                            {list.into_iter().map(|c| view! {
                                <li class="card result">
                                    <h3 class="result__title"><a href=format!("/compte/groupements/{}{suffix}", c.id)>{c.name.clone()}</a></h3>
                                    <p class="result__meta">
                                        <span class="badge">{t(&c.stage.label_key())}</span>
                                        " · " {c.my_org.clone()} " : " <span class=status_badge(c.my_status)>{t(&c.my_status.label_key())}</span>
                                        {c.plan.clone().map(|(id, title)| view! { " · " <a href=format!("/programmation/{id}")>{title}</a> })}
                                    </p>
                                    <p class="result__meta">{c.members.join(" + ")}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn ConsortiumPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let data = Resource::new(
        move || (id(), location.search.get()),
        |(id, _)| async move {
            match id {
                Some(id) => consortium_get(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("consortium.title") login=true /> }.into_any(),
                Ok(v) => view! { <Workspace v /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Workspace(v: ConsortiumView) -> impl IntoView {
    let query = use_query_map();
    let ok = move || {
        query.with(|q| q.get("ok")).and_then(|k| match k.as_str() {
            "created" => Some(t("consortium.ok_created")),
            "invited" => Some(t("consortium.ok_invited")),
            "accepted" => Some(t("consortium.ok_accepted")),
            "stage" => Some(t("consortium.ok_stage")),
            "share" => Some(t("consortium.ok_share")),
            "posted" => Some(t("consortium.ok_posted")),
            _ => None,
        })
    };
    let me = v.me.clone();
    let invited = me
        .as_ref()
        .is_some_and(|m| m.status == MemberStatus::Invited);
    let accepted = me
        .as_ref()
        .is_some_and(|m| m.status == MemberStatus::Accepted);
    view! {
        <Title text=format!("{} — Passerelle", v.name) />
        <p><a href="/compte/groupements">{t("consortium.mine")}</a></p>
        <h1>{v.name.clone()}</h1>
        {move || ok().map(|m| view! { <Notice>{m}</Notice> })}
        <p class="lead">
            <span class="badge" data-test="consortium-stage">{t(&v.stage.label_key())}</span>
            " · " {t(&v.kind.label_key())}
            {v.plan.clone().map(|(id, title)| view! { " · " <a href=format!("/programmation/{id}")>{title}</a> })}
            {v.request.clone().map(|(id, title)| view! { " · " <a href=format!("/groupements/{id}")>{title}</a> })}
            {v.quote.clone().map(|(id, title)| view! { " · " {t("quotes.grouping_for")} " " <a href=format!("/demandes-de-devis/{id}")>{title}</a> })}
        </p>
        <p class="alert alert--info">{t("consortium.private")}</p>
        {invited.then(|| me.clone().map(|m| view! { <Invitation m /> }))}
        <section aria-labelledby="members-h">
            <h2 id="members-h">{t("consortium.members")}</h2>
            <ul class="result-list" data-test="consortium-members">
                {v.members.iter().cloned().map(|m| view! { <Member m lead=v.is_lead /> }).collect_view()}
            </ul>
        </section>
        {v.is_lead.then(|| view! { <LeadTools v=v.clone() /> })}
        {accepted.then(|| view! { <Conversation v=v.clone() /> })}
    }
}

#[component]
fn Invitation(m: MemberView) -> impl IntoView {
    let action = ServerAction::<RespondToConsortium>::new();
    let error = action_error(action);
    view! {
        <section class="card" aria-labelledby="invitation-h" data-test="invitation">
            <h2 id="invitation-h">{t("consortium.invitation")}</h2>
            <p>{t("consortium.invitation_text").replace("%{org}", &m.org_name).replace("%{role}", &t(&m.role.label_key()))}</p>
            {(!m.share.is_empty()).then(|| view! { <p>{t("consortium.share")} " : " {m.share.clone()}</p> })}
            <ActionForm action attr:class="inline-form">
                <FormAlert error />
                <input type="hidden" name="member_id" value=m.id />
                <button type="submit" class="button button--primary" name="decision" value="accept">{t("consortium.accept")}</button>
                " "
                <button type="submit" class="button" name="decision" value="decline">{t("consortium.decline")}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Member(m: MemberView, lead: bool) -> impl IntoView {
    let action = ServerAction::<SetMemberShare>::new();
    let error = action_error(action);
    let roles: Vec<(String, String)> = if m.role == MemberRole::Lead {
        vec![(
            MemberRole::Lead.as_str().into(),
            t(&MemberRole::Lead.label_key()),
        )]
    } else {
        [MemberRole::CoContractor, MemberRole::Subcontractor]
            .iter()
            .map(|r| (r.as_str().to_string(), t(&r.label_key())))
            .collect()
    };
    view! {
        <li class="card result" data-test="consortium-member">
            <h3 class="result__title"><a href=format!("/annuaire/{}", m.org_id)>{m.org_name.clone()}</a></h3>
            <p class="result__meta">
                {t(&m.role.label_key())} " · " <span class=status_badge(m.status) data-test="member-status">{t(&m.status.label_key())}</span>
                {(!m.share.is_empty()).then(|| format!(" · {} : {}", t("consortium.share"), m.share))}
            </p>
            {lead.then(|| view! {
                <details>
                    <summary>{t("consortium.edit_share").replace("%{org}", &m.org_name)}</summary>
                    <ActionForm action attr:class="form">
                        <FormAlert error />
                        <input type="hidden" name="member_id" value=m.id />
                        <SelectField name="role" field="role" label=t("consortium.role") options=roles selected=m.role.as_str().to_string() error />
                        <TextField name="share" field="share" label=t("consortium.share") hint=t("consortium.share_hint") value=m.share.clone() maxlength=MAX_SHARE error />
                        <div><button type="submit" class="button">{t("consortium.save_share")}</button></div>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}

#[component]
fn LeadTools(v: ConsortiumView) -> impl IntoView {
    let invite = ServerAction::<InviteToConsortium>::new();
    let invite_error = action_error(invite);
    let stage = ServerAction::<SetConsortiumStage>::new();
    let stage_error = action_error(stage);
    let inviter = use_query_map()
        .with_untracked(|q| q.get("inviter"))
        .and_then(|s| siret_param(&s));
    let roles: Vec<(String, String)> = [MemberRole::CoContractor, MemberRole::Subcontractor]
        .iter()
        .map(|r| (r.as_str().to_string(), t(&r.label_key())))
        .collect();
    view! {
        <section class="card" aria-labelledby="invite-h">
            <h2 id="invite-h">{t("consortium.invite")}</h2>
            <p>{t("consortium.invite_help")} " " <a href="/annuaire">{t("nav.directory")}</a></p>
            <ActionForm action=invite attr:class="form" attr:novalidate="">
                <FormAlert error=invite_error />
                <input type="hidden" name="id" value=v.id />
                <TextField name="siret" field="invite" label=t("consortium.siret") hint=t("consortium.siret_hint") required=true value=inviter.unwrap_or_default() error=invite_error />
                <SelectField name="role" field="role" label=t("consortium.role") options=roles error=invite_error />
                <TextField name="share" field="share" label=t("consortium.share") hint=t("consortium.share_hint") maxlength=MAX_SHARE error=invite_error />
                <div><button type="submit" class="button button--primary">{t("consortium.send_invite")}</button></div>
            </ActionForm>
        </section>
        {(!v.next.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="stage-h">
                <h2 id="stage-h">{t("consortium.stage")}</h2>
                <ActionForm action=stage attr:class="inline-form">
                    <FormAlert error=stage_error />
                    <input type="hidden" name="id" value=v.id />
                    {v.next.iter().map(|s| view! {
                        <button type="submit" class="button" name="stage" value=s.as_str()>{t(&format!("consortium.to.{}", s.as_str()))}</button> " "
                    }).collect_view()}
                </ActionForm>
            </section>
        })}
    }
}

#[component]
fn Conversation(v: ConsortiumView) -> impl IntoView {
    let action = ServerAction::<PostConsortiumMessage>::new();
    let error = action_error(action);
    let form = crate::components::form::reset_on_success(action);
    view! {
        <section aria-labelledby="conversation-h" id="conversation">
            <h2 id="conversation-h">{t("consortium.conversation")}</h2>
            {if v.messages.is_empty() {
                view! { <p class="empty-state">{t("consortium.messages_none")}</p> }.into_any()
            } else {
                view! {
                    <ol class="messages" data-test="messages">
                        {v.messages.iter().map(|m| view! {
                            <li class="card">
                                <p class="result__meta"><strong>{m.org_name.clone()}</strong> " · " {m.author.clone()} " · " {m.at.clone()}</p>
                                <p class="prose">{m.body.clone()}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <ActionForm action node_ref=form attr:class="form" attr:novalidate="">
                <FormAlert error />
                <input type="hidden" name="id" value=v.id />
                <TextAreaField name="body" field="body" label=t("consortium.message") hint=t("consortium.message_hint") maxlength=MAX_MESSAGE error />
                <div><button type="submit" class="button button--primary">{t("consortium.send")}</button></div>
            </ActionForm>
        </section>
    }
}
