//! Direct contact pages: the form on a directory profile, `/compte/contacts` (one's contacts)
//! and `/compte/contacts/{id}` (a request, its answer, then the conversation).

use super::api::{contact_get, my_contacts, DecideContact, PostContactMessage, RequestContact};
use crate::components::form::{
    action_error, reset_on_success, FormAlert, SelectField, TextAreaField,
};
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::contacts::{ContactStatus, ContactView, MAX_MESSAGE};
use crate::error::AppError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

/// "Contact this organisation", on its directory profile, for signed-in members of another.
#[component]
pub fn ContactForm(
    org_id: i32,
    org_name: String,
    /// The caller's organisations (the page loads them).
    mine: Resource<Result<Vec<crate::domain::org::MyOrg>, AppError>>,
) -> impl IntoView {
    let me = mine;
    let action = ServerAction::<RequestContact>::new();
    let error = action_error(action);
    view! {
        <Suspense fallback=|| ()>
            {move || me.get().and_then(|r| r.ok()).map(|orgs| {
                let mine: Vec<(String, String)> = orgs
                    .into_iter()
                    .filter(|o| !o.pending && o.id != org_id)
                    .map(|o| (o.id.to_string(), o.name))
                    .collect();
                (!mine.is_empty()).then(|| view! {
                    <section class="card" aria-labelledby="contact-h" data-test="contact-form">
                        <h2 id="contact-h">{t("contact.title").replace("%{org}", &org_name)}</h2>
                        <p>{t("contact.help")}</p>
                        <ActionForm action attr:class="form" attr:novalidate="">
                            <FormAlert error />
                            <input type="hidden" name="to" value=org_id />
                            <SelectField name="org_id" field="org_id" label=t("contact.as") options=mine required=true error />
                            <TextAreaField name="message" field="message" label=t("contact.message") hint=t("contact.message_hint") maxlength=MAX_MESSAGE error />
                            <div><button type="submit" class="button button--primary">{t("contact.send")}</button></div>
                        </ActionForm>
                    </section>
                })
            })}
        </Suspense>
    }
}

fn status_badge(s: ContactStatus) -> &'static str {
    match s {
        ContactStatus::Pending => "badge badge--warn",
        ContactStatus::Accepted => "badge badge--ok",
        ContactStatus::Refused => "badge badge--error",
    }
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_contacts());
    view! {
        <Title text=format!("{} — Passerelle", t("contact.mine")) />
        <h1>{t("contact.mine")}</h1>
        <p>{t("contact.mine_help")} " " <a href="/annuaire">{t("nav.directory")}</a></p>
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="empty-state">{t("contact.none")}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="result-list" data-test="contacts">
                        {list.into_iter().map(|c| view! {
                            <li class="card result">
                                <h2 class="result__title"><a href=format!("/compte/contacts/{}", c.id)>{c.other.1.clone()}</a></h2>
                                <p class="result__meta">
                                    <span class=status_badge(c.status)>{t(&c.status.label_key())}</span>
                                    " · " {t(if c.outgoing { "contact.outgoing" } else { "contact.incoming" }).replace("%{org}", &c.mine)}
                                    " · " {c.at.clone()}
                                </p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
pub fn ContactPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let data = Resource::new(
        move || (id(), location.search.get()),
        |(id, _)| async move {
            match id {
                Some(id) => contact_get(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("contact.mine") /> }.into_any(),
                Ok(v) => view! { <Thread v /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Thread(v: ContactView) -> impl IntoView {
    let query = use_query_map();
    let ok = move || {
        query.with(|q| q.get("ok")).and_then(|k| match k.as_str() {
            "sent" => Some(t("contact.ok_sent")),
            "accept" => Some(t("contact.ok_accepted")),
            "refuse" => Some(t("contact.ok_refused")),
            "posted" => Some(t("contact.ok_posted")),
            _ => None,
        })
    };
    let decide = ServerAction::<DecideContact>::new();
    let decide_error = action_error(decide);
    let post = ServerAction::<PostContactMessage>::new();
    let post_error = action_error(post);
    let form = reset_on_success(post);
    let title = format!("{} ↔ {}", v.from.1, v.to.1);
    view! {
        <Title text=format!("{title} — Passerelle") />
        <p><a href="/compte/contacts">{t("contact.mine")}</a></p>
        <h1>{title.clone()}</h1>
        {move || ok().map(|m| view! { <Notice>{m}</Notice> })}
        <p class="lead"><span class=status_badge(v.status) data-test="contact-status">{t(&v.status.label_key())}</span></p>
        <section class="card" aria-labelledby="first-h">
            <h2 id="first-h">{t("contact.first").replace("%{org}", &v.from.1)}</h2>
            <p class="prose">{v.message.clone()}</p>
        </section>
        {(v.receiving && v.status == ContactStatus::Pending).then(|| view! {
            <ActionForm action=decide attr:class="inline-form">
                <FormAlert error=decide_error />
                <input type="hidden" name="id" value=v.id />
                <button type="submit" class="button button--primary" name="decision" value="accept">{t("contact.accept")}</button>
                " "
                <button type="submit" class="button" name="decision" value="refuse">{t("contact.refuse")}</button>
            </ActionForm>
        })}
        {(v.status == ContactStatus::Accepted).then(|| view! {
            <section aria-labelledby="thread-h">
                <h2 id="thread-h">{t("contact.conversation")}</h2>
                {if v.messages.is_empty() {
                    view! { <p class="empty-state">{t("consortium.messages_none")}</p> }.into_any()
                } else {
                    view! {
                        <ol class="messages" data-test="contact-messages">
                            {v.messages.iter().map(|m| view! {
                                <li class="card">
                                    <p class="result__meta"><strong>{m.org_name.clone()}</strong> " · " {m.author.clone()} " · " {m.at.clone()}</p>
                                    <p class="prose">{m.body.clone()}</p>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
                <ActionForm action=post node_ref=form attr:class="form" attr:novalidate="">
                    <FormAlert error=post_error />
                    <input type="hidden" name="id" value=v.id />
                    <TextAreaField name="body" field="body" label=t("consortium.message") maxlength=MAX_MESSAGE error=post_error />
                    <div><button type="submit" class="button button--primary">{t("consortium.send")}</button></div>
                </ActionForm>
            </section>
        })}
        {(v.status == ContactStatus::Refused).then(|| view! { <p>{t("contact.refused_text")}</p> })}
    }
}
