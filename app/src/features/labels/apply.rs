//! A business's label applications, for its members (`/compte/organisations/{id}/labels`):
//! every application with its status, and the form that starts one for the business or for one
//! of its offers.

use super::api::{org_label_applications, ApplyForLabel};
use crate::components::form::{action_error, FormAlert, SelectField};
use crate::components::status::LoadError;
use crate::domain::label::{ApplicationStatus, LabelTarget, OrgLabels};
use crate::error::AppError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The badge class of a status.
pub fn status_class(s: ApplicationStatus) -> &'static str {
    match s {
        ApplicationStatus::Granted => "badge badge--ok",
        ApplicationStatus::Draft | ApplicationStatus::ChangesRequested => "badge badge--warn",
        ApplicationStatus::Refused => "badge badge--error",
        _ => "badge",
    }
}

#[component]
pub fn OrgLabelsPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => org_label_applications(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=format!("{} — Passerelle", t("label.my_labels")) />
        <p><a href="/compte">{t("offer.back_account")}</a></p>
        <h1>{t("label.my_labels")}</h1>
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(l) => view! { <Applications l /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Applications(l: OrgLabels) -> impl IntoView {
    let action = ServerAction::<ApplyForLabel>::new();
    let error = action_error(action);
    let schemes: Vec<(String, String)> = l
        .open
        .iter()
        .map(|(id, name, target)| {
            (
                id.to_string(),
                format!("{name} ({})", t(&target.label_key())),
            )
        })
        .collect();
    let mut holders = vec![(
        "org".to_string(),
        format!("{} — {}", t("label.holder_org"), l.org_name),
    )];
    // Offers only when some referential labels offers.
    if l.open
        .iter()
        .any(|(_, _, target)| *target != LabelTarget::Org)
    {
        holders.extend(l.offers.iter().map(|(id, title)| {
            (
                id.to_string(),
                format!("{} — {title}", t("label.holder_offer")),
            )
        }));
    }
    view! {
        <p class="lead">{l.org_name.clone()}</p>
        <p>{t("label.my_labels_intro")} " " <a href="/labels">{t("label.see_referentials")}</a></p>
        {if l.applications.is_empty() {
            view! { <p class="empty-state">{t("label.applications_none")}</p> }.into_any()
        } else {
            view! {
                <ul class="result-list" data-test="org-applications">
                    {l.applications.into_iter().map(|a| view! {
                        <li class="card result">
                            <h2 class="result__title">
                                <a href=format!("/labels/dossiers/{}", a.id)>{a.scheme.clone()}</a>
                            </h2>
                            <p class="result__meta">
                                <span class=status_class(a.status)>{t(&a.status.label_key())}</span>
                                " · " {a.offer.clone().unwrap_or_else(|| t("label.holder_org"))}
                                " · " {t("offer.updated")} " " {a.updated.clone()}
                                {a.until.clone().filter(|_| a.status == ApplicationStatus::Granted).map(|u| format!(" · {}", t("label.badge_until").replace("%{date}", &u)))}
                            </p>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <section aria-labelledby="apply-title">
            <h2 id="apply-title">{t("label.apply_title")}</h2>
            {if schemes.is_empty() {
                view! { <p class="empty-state">{t("label.none_open")}</p> }.into_any()
            } else {
                view! {
                    <ActionForm action attr:class="form" attr:novalidate="">
                        <FormAlert error />
                        <input type="hidden" name="org_id" value=l.org_id />
                        <SelectField name="scheme_id" field="scheme_id" label=t("label.scheme") options=schemes required=true error />
                        <SelectField name="holder" field="holder" label=t("label.holder") options=holders required=true hint=t("label.holder_hint") error />
                        <div><button type="submit" class="button button--primary">{t("label.apply")}</button></div>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}
