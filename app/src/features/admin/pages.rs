//! The admin page: organisations to verify.

use super::api::{
    list_analysts, pending_organisations, SetAnalyst, SignOutAccount, VerifyOrganisation,
};
use crate::components::form::{action_error, FormAlert, TextField};
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminPage() -> impl IntoView {
    let verify = ServerAction::<VerifyOrganisation>::new();
    // Refetched after each verification.
    let pending = Resource::new(move || verify.version().get(), |_| pending_organisations());
    let query = use_query_map();
    view! {
        <Title text=format!("{} — Passerelle", t("nav.admin")) />
        <h1>{t("nav.admin")}</h1>
        <p class="card__links"><a href="/admin/imports">{t("import.title")}</a> <a href="/admin/sources">{t("sources.link")}</a> <a href="/admin/journal">{t("audit.title")}</a> <a href="/verifications">{t("verification.queue_link")}</a></p>
        {move || query.with(|q| q.get("ok")).map(|k| {
            let key = match k.as_str() {
                "analyst_added" => "admin.analyst_added",
                "analyst_removed" => "admin.analyst_removed",
                "signed_out" => "admin.signed_out",
                "facilitator_added" => "insertion.facilitator_added",
                "facilitator_removed" => "insertion.facilitator_removed",
                _ => "admin.verified",
            };
            view! { <Notice>{t(key)}</Notice> }
        })}
        <h2>{t("admin.to_verify")}</h2>
        <Suspense fallback=|| ()>
            {move || pending.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="empty-state">{t("admin.none")}</p> }.into_any(),
                Ok(list) => view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
                        <table class="data">
                            <caption class="visually-hidden">{t("admin.to_verify")}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t("org.name")}</th>
                                    <th scope="col">{t("org.kind_label")}</th>
                                    <th scope="col">"SIRET"</th>
                                    <th scope="col">{t("admin.requested_by")}</th>
                                    <th scope="col">{t("admin.action")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|o| view! {
                                    <tr data-test="pending-org">
                                        <td>{o.name.clone()}</td>
                                        <td>{t(o.kind.label_key())}</td>
                                        <td>{o.siret}</td>
                                        <td>{o.created_by.unwrap_or_default()} " · " {o.created_at}</td>
                                        <td><VerifyButton action=verify org_id=o.id name=o.name /></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            })}
        </Suspense>
        // Only for whom the page is: a refused visitor already reads why above.
        <Suspense fallback=|| ()>
            {move || pending.get().map(|r| r.is_ok().then(|| view! { <Analysts /> <crate::features::insertion::follow::FacilitatorsAdmin /> <SignOutEverywhere /> }))}
        </Suspense>
    }
}

/// The chamber analysts: who they are, and the form that gives the right to an account.
#[component]
fn Analysts() -> impl IntoView {
    let set = ServerAction::<SetAnalyst>::new();
    let error = action_error(set);
    let list = Resource::new(move || set.version().get(), |_| list_analysts());
    view! {
        <section aria-labelledby="analysts" id="analysts">
            <h2 id="analysts">{t("admin.analysts")}</h2>
            <p>{t("admin.analysts_help")}</p>
            <Suspense fallback=|| ()>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <p class="alert alert--error" role="alert">{t(e.message_key())}</p> }.into_any(),
                    Ok(l) if l.is_empty() => view! { <p class="empty-state">{t("admin.analysts_none")}</p> }.into_any(),
                    Ok(l) => view! {
                        <ul data-test="analysts">
                            {l.into_iter().map(|(email, name)| view! {
                                <li>
                                    {name.clone()} " — " {email.clone()} " "
                                    <ActionForm action=set attr:class="inline-form">
                                        <input type="hidden" name="email" value=email.clone() />
                                        <input type="hidden" name="on" value="0" />
                                        <button type="submit" class="button button--small" aria-label=format!("{} {email}", t("admin.analyst_remove"))>{t("admin.analyst_remove")}</button>
                                    </ActionForm>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Suspense>
            <ActionForm action=set attr:class="form" attr:novalidate="">
                <FormAlert error />
                <input type="hidden" name="on" value="1" />
                <TextField name="email" label=t("auth.email") input_type="email" required=true error />
                <div><button type="submit" class="button">{t("admin.analyst_add")}</button></div>
            </ActionForm>
        </section>
    }
}

/// Ends every session of an account, by its email.
#[component]
fn SignOutEverywhere() -> impl IntoView {
    let action = ServerAction::<SignOutAccount>::new();
    let error = action_error(action);
    view! {
        <section aria-labelledby="sessions" id="sessions">
            <h2 id="sessions">{t("admin.sessions")}</h2>
            <p>{t("admin.sessions_help")}</p>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                <TextField name="email" label=t("auth.email") input_type="email" required=true error />
                <div><button type="submit" class="button">{t("admin.sign_out_account")}</button></div>
            </ActionForm>
        </section>
    }
}

#[component]
fn VerifyButton(
    action: ServerAction<VerifyOrganisation>,
    org_id: i32,
    name: String,
) -> impl IntoView {
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="org_id" value=org_id />
            <button type="submit" class="button" aria-label=format!("{} {}", t("admin.verify"), name)>{t("admin.verify")}</button>
        </ActionForm>
    }
}
