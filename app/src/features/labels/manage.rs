//! The analysts' pages: the referentials (`/labels/gestion`), one referential's editor
//! (`/labels/gestion/{id}`) and the applications to review (`/labels/instruction`).

use super::api::{
    label_queue, label_scheme, label_schemes, AddLabelCriterion, CreateLabelScheme,
    RemoveLabelCriterion, SetLabelSchemeStatus, UpdateLabelScheme,
};
use crate::components::form::{action_error, FormAlert, SelectField, TextAreaField, TextField};
use crate::components::live_check::LiveCheck;
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::label::SchemeForm;
use crate::domain::label::{
    ApplicationStatus, LabelTarget, SchemeStatus, SchemeView, MAX_DESCRIPTION, MAX_EVIDENCE,
    MAX_NAME, MAX_QUESTION,
};
use crate::domain::validate::errors_in_form;
use crate::error::AppError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

fn targets() -> Vec<(String, String)> {
    LabelTarget::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), t(&k.label_key())))
        .collect()
}

fn error_view(e: AppError) -> AnyView {
    view! { <LoadError error=e /> }.into_any()
}

#[component]
pub fn SchemesAdminPage() -> impl IntoView {
    let schemes = Resource::new(|| (), |_| label_schemes(true));
    let create = ServerAction::<CreateLabelScheme>::new();
    let error = action_error(create);
    view! {
        <Title text=format!("{} — Passerelle", t("label.manage_title")) />
        <h1>{t("label.manage_title")}</h1>
        <p><a href="/labels/instruction">{t("label.queue_title")}</a></p>
        <Suspense fallback=|| ()>
            {move || schemes.get().map(|r| match r {
                Err(e) => error_view(e),
                Ok(list) => view! {
                    {if list.is_empty() {
                        view! { <p class="empty-state">{t("label.none_yet")}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
                                <table class="data" data-test="schemes-table">
                                    <caption class="visually-hidden">{t("label.manage_title")}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t("label.name")}</th>
                                            <th scope="col">{t("label.status_label")}</th>
                                            <th scope="col">{t("label.criteria")}</th>
                                            <th scope="col">{t("label.holders")}</th>
                                            <th scope="col">{t("label.waiting")}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.into_iter().map(|s| view! {
                                            <tr>
                                                <td><a href=format!("/labels/gestion/{}", s.id)>{s.name.clone()}</a></td>
                                                <td>{t(&s.status.label_key())}</td>
                                                <td>{s.criteria}</td>
                                                <td>{s.holders}</td>
                                                <td>{s.waiting}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                    <section aria-labelledby="new-scheme">
                        <h2 id="new-scheme">{t("label.new_title")}</h2>
                        <p>{t("label.new_intro")}</p>
                        <LiveCheck check={errors_in_form::<SchemeForm>}>
                            <ActionForm action=create attr:class="form" attr:novalidate="">
                                <FormAlert error />
                                <SchemeFields s=None error />
                                <div><button type="submit" class="button button--primary">{t("label.create")}</button></div>
                            </ActionForm>
                        </LiveCheck>
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// The fields of a referential (empty for a new one).
#[component]
fn SchemeFields(s: Option<SchemeView>, error: Signal<Option<AppError>>) -> impl IntoView {
    let (name, description, target, months) = match &s {
        Some(s) => (
            s.name.clone(),
            s.description.clone(),
            s.target.as_str().to_string(),
            s.validity_months.to_string(),
        ),
        None => (String::new(), String::new(), "offer".into(), "24".into()),
    };
    view! {
        <TextField name="form[name]" field="name" label=t("label.name") required=true maxlength=MAX_NAME value=name error />
        <TextAreaField name="form[description]" field="description" label=t("label.description") hint=t("label.description_hint") maxlength=MAX_DESCRIPTION value=description error />
        <SelectField name="form[target]" field="target" label=t("label.target_label") options=targets() selected=target required=true error />
        <TextField name="form[validity_months]" field="validity_months" label=t("label.validity") hint=t("label.validity_hint") input_type="number" required=true value=months error />
    }
}

#[component]
pub fn SchemeEditPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    // The query in the key: each change comes back with `?ok=…` and reads the referential again.
    let scheme = Resource::new(
        move || (id(), location.search.get()),
        |(id, _)| async move {
            match id {
                Some(id) => label_scheme(id, true).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let query = use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    view! {
        <Title text=format!("{} — Passerelle", t("label.manage_title")) />
        <p><a href="/labels/gestion">{t("label.manage_title")}</a></p>
        <Suspense fallback=|| ()>
            {move || scheme.get().map(|r| match r {
                Err(e) => view! { <h1>{t("label.manage_title")}</h1> {error_view(e)} }.into_any(),
                Ok(s) => view! {
                    <h1>{s.name.clone()}</h1>
                    {ok().map(|k| {
                        let key = match k.as_str() {
                            "created" => "label.created",
                            "open" => "label.opened",
                            "closed" => "label.closed",
                            "criterion" => "label.criterion_added",
                            "criterion_removed" => "label.criterion_removed",
                            _ => "org.saved",
                        };
                        view! { <Notice>{t(key)}</Notice> }
                    })}
                    <StatusPanel s=s.clone() />
                    <CriteriaPanel s=s.clone() />
                    <EditPanel s />
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn StatusPanel(s: SchemeView) -> impl IntoView {
    let action = ServerAction::<SetLabelSchemeStatus>::new();
    let error = action_error(action);
    let message = move || {
        error
            .get()
            .and_then(|e| e.field_error("status").map(|fe| t(&fe.key)))
    };
    let to = match s.status {
        SchemeStatus::Draft | SchemeStatus::Closed => SchemeStatus::Open,
        SchemeStatus::Open => SchemeStatus::Closed,
    };
    view! {
        <section class="card" aria-labelledby="scheme-status" data-test="scheme-status">
            <h2 id="scheme-status">{t("label.status_label")} " : " {t(&s.status.label_key())}</h2>
            <p>{t(&format!("label.scheme_help.{}", s.status.as_str()))}</p>
            {move || message().map(|m| view! { <p class="alert alert--error" role="alert">{m}</p> })}
            <div class="actions">
                <ActionForm action attr:class="inline-form">
                    <input type="hidden" name="id" value=s.id />
                    <input type="hidden" name="status" value=to.as_str() />
                    <button type="submit" class=if to == SchemeStatus::Open { "button button--primary" } else { "button" }>
                        {t(&format!("label.to_{}", to.as_str()))}
                    </button>
                </ActionForm>
                {(s.status != SchemeStatus::Draft).then(|| view! {
                    <a class="button" href=format!("/labels/{}", s.id)>{t("label.see_public")}</a>
                })}
            </div>
        </section>
    }
}

#[component]
fn CriteriaPanel(s: SchemeView) -> impl IntoView {
    let add = ServerAction::<AddLabelCriterion>::new();
    let remove = ServerAction::<RemoveLabelCriterion>::new();
    let error = action_error(add);
    let draft = s.status == SchemeStatus::Draft;
    let id = s.id;
    view! {
        <section aria-labelledby="criteria-h" id="criteria">
            <h2 id="criteria-h">{t("label.criteria")}</h2>
            {if s.criteria.is_empty() {
                view! { <p class="empty-state">{t("label.criteria_none")}</p> }.into_any()
            } else {
                view! {
                    <ol class="criteria" data-test="scheme-criteria">
                        {s.criteria.clone().into_iter().map(|c| view! {
                            <li>
                                <p>{c.question.clone()}</p>
                                {c.evidence.clone().map(|e| view! { <p class="field__hint">{t("label.evidence_asked")} " : " {e}</p> })}
                                {draft.then(move || view! {
                                    <ActionForm action=remove attr:class="inline-form">
                                        <input type="hidden" name="id" value=id />
                                        <input type="hidden" name="criterion_id" value=c.id />
                                        <button type="submit" class="button button--small" aria-label=format!("{} : {}", t("label.remove_criterion"), c.question)>{t("label.remove_criterion")}</button>
                                    </ActionForm>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {if draft {
                view! {
                    <h3>{t("label.add_criterion")}</h3>
                    <ActionForm action=add attr:class="form" attr:novalidate="">
                        <FormAlert error />
                        <input type="hidden" name="id" value=id />
                        <TextAreaField name="question" field="question" label=t("label.question") hint=t("label.question_hint") maxlength=MAX_QUESTION error />
                        <TextField name="evidence" label=t("label.evidence") hint=t("label.evidence_hint") maxlength=MAX_EVIDENCE error />
                        <div><button type="submit" class="button">{t("label.add_criterion")}</button></div>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <p class="field__hint">{t("label.criteria_frozen")}</p> }.into_any()
            }}
        </section>
    }
}

#[component]
fn EditPanel(s: SchemeView) -> impl IntoView {
    let action = ServerAction::<UpdateLabelScheme>::new();
    let error = action_error(action);
    let id = s.id;
    view! {
        <section aria-labelledby="scheme-edit">
            <h2 id="scheme-edit">{t("label.edit_title")}</h2>
            <LiveCheck check={errors_in_form::<SchemeForm>}>
                <ActionForm action attr:class="form" attr:novalidate="">
                    <FormAlert error />
                    <input type="hidden" name="id" value=id />
                    <SchemeFields s=Some(s) error />
                    <div><button type="submit" class="button button--primary">{t("org.save")}</button></div>
                </ActionForm>
            </LiveCheck>
        </section>
    }
}

/// The statuses the queue can show, the waiting ones first.
const QUEUE_STATUSES: [ApplicationStatus; 5] = [
    ApplicationStatus::Submitted,
    ApplicationStatus::ChangesRequested,
    ApplicationStatus::Granted,
    ApplicationStatus::Refused,
    ApplicationStatus::Withdrawn,
];

#[component]
pub fn QueuePage() -> impl IntoView {
    let query = use_query_map();
    let status = move || {
        query
            .with(|q| q.get("statut"))
            .and_then(|s| ApplicationStatus::parse(&s))
            .unwrap_or(ApplicationStatus::Submitted)
    };
    let list = Resource::new(status, |s| label_queue(s.as_str().to_string()));
    view! {
        <Title text=format!("{} — Passerelle", t("label.queue_title")) />
        <h1>{t("label.queue_title")}</h1>
        <nav aria-label=t("label.status_label")>
            <ul class="tabs">
                {move || QUEUE_STATUSES.iter().map(|s| {
                    let current = status() == *s;
                    view! {
                        <li><a href=format!("/labels/instruction?statut={}", s.as_str()) aria-current=current.then_some("page")>{t(&s.label_key())}</a></li>
                    }
                }).collect_view()}
            </ul>
        </nav>
        <Suspense fallback=|| ()>
            {move || list.get().map(|r| match r {
                Err(e) => error_view(e),
                Ok(apps) if apps.is_empty() => view! { <p class="empty-state">{t("label.queue_empty")}</p> }.into_any(),
                Ok(apps) => view! {
                    <ul class="result-list" data-test="queue">
                        {apps.into_iter().map(|a| view! {
                            <li class="card result">
                                <h2 class="result__title"><a href=format!("/labels/dossiers/{}", a.id)>{a.org_name.clone()} {a.offer.clone().map(|o| format!(" — {o}"))}</a></h2>
                                <p class="result__meta">{a.scheme.clone()} " · " {t(&a.status.label_key())} " · " {t("offer.updated")} " " {a.updated.clone()}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
}
