//! The admin page: organisations to verify.

use super::api::{pending_organisations, VerifyOrganisation};
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
        <p><a href="/admin/imports">{t("import.title")}</a></p>
        {move || query.with(|q| q.get("ok")).map(|_| view! {
            <p class="alert alert--ok" role="status">{t("admin.verified")}</p>
        })}
        <h2>{t("admin.to_verify")}</h2>
        <Suspense fallback=|| ()>
            {move || pending.get().map(|r| match r {
                Err(e) => {
                    crate::features::placeholder::set_status(e.status_code());
                    view! { <p class="alert alert--error" role="alert">{t(e.message_key())}</p> }.into_any()
                }
                Ok(list) if list.is_empty() => view! { <p class="empty-state">{t("admin.none")}</p> }.into_any(),
                Ok(list) => view! {
                    <div class="table-wrap">
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
