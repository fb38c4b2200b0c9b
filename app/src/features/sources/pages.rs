//! The sources' pages: every source with its last run and the form that adds one; one source
//! with its runs, their counts, warnings and errors, "read now" and "disable".

use super::api::{source_detail, source_list, AddSource, RunSource, SetSourceEnabled};
use crate::components::form::{action_error, FormAlert, SelectField, TextAreaField, TextField};
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::sources::{RunStatus, RunView, SourceKind, SourceView};
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn SourcesPage() -> impl IntoView {
    let add = ServerAction::<AddSource>::new();
    let list = Resource::new(|| (), |_| source_list());
    view! {
        <Title text=format!("{} — Passerelle", t("sources.title")) />
        <p><a href="/admin">{t("nav.admin")}</a></p>
        <h1>{t("sources.title")}</h1>
        <p>{t("sources.intro")}</p>
        <Suspense fallback=|| ()>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(list) => view! {
                    <SourceTable sources=list />
                    <AddForm action=add />
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn SourceTable(sources: Vec<SourceView>) -> impl IntoView {
    if sources.is_empty() {
        return view! { <p class="empty-state">{t("sources.none")}</p> }.into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
            <table class="data">
                <caption class="visually-hidden">{t("sources.title")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t("sources.name")}</th>
                        <th scope="col">{t("sources.kind_label")}</th>
                        <th scope="col">{t("sources.last_run")}</th>
                        <th scope="col">{t("sources.next_run")}</th>
                    </tr>
                </thead>
                <tbody>
                    {sources.into_iter().map(|s| view! {
                        <tr data-test="source">
                            <td>
                                <a href=format!("/admin/sources/{}", s.id)>{s.name.clone()}</a>
                                {(!s.enabled).then(|| view! { " " <span class="badge">{t("sources.disabled_text")}</span> })}
                            </td>
                            <td>{t(&s.kind.label_key())}</td>
                            <td>{match s.last.clone() {
                                None => t("sources.never").into_any(),
                                Some(r) => view! {
                                    <RunBadge status=r.status /> " " {r.started_at.clone()}
                                }.into_any(),
                            }}</td>
                            <td>{if s.running { t("sources.running") } else { s.next_run_at.clone() }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn RunBadge(status: RunStatus) -> impl IntoView {
    let class = match status {
        RunStatus::Done => "badge badge--ok",
        RunStatus::Unchanged => "badge",
        RunStatus::Failed => "badge badge--error",
        RunStatus::Running => "badge badge--warn",
    };
    view! { <span class=class>{t(&status.label_key())}</span> }
}

#[component]
fn AddForm(action: ServerAction<AddSource>) -> impl IntoView {
    let error = action_error(action);
    let kinds: Vec<(String, String)> = SourceKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), t(&k.label_key())))
        .collect();
    view! {
        <section aria-labelledby="add-source">
            <h2 id="add-source">{t("sources.add")}</h2>
            <ActionForm action attr:class="form card" attr:novalidate="">
                <FormAlert error />
                <TextField name="form[name]" field="name" label=t("sources.name") hint=t("sources.name_hint") required=true maxlength=40 error />
                <SelectField name="form[kind]" field="kind" label=t("sources.kind_label") options=kinds required=true error />
                <TextField name="form[url]" field="url" label=t("sources.url") input_type="url" hint=t("sources.url_hint") required=true maxlength=2000 error />
                <TextField name="form[every_hours]" field="every_hours" label=t("sources.every") hint=t("sources.every_hint") required=true value="24" error />
                <TextField name="form[departments]" field="departments" label=t("sources.departments") hint=t("sources.departments_hint") maxlength=400 error />
                <TextAreaField name="form[sirets]" field="sirets" label=t("sources.sirets") hint=t("sources.sirets_hint") maxlength=20000 error />
                <div><button type="submit" class="button button--primary">{t("sources.add")}</button></div>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn SourcePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let run = ServerAction::<RunSource>::new();
    let enabled = ServerAction::<SetSourceEnabled>::new();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let detail = Resource::new(
        move || (id(), run.version().get(), enabled.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => source_detail(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    let run_error = action_error(run);
    view! {
        <Title text=format!("{} — Passerelle", t("sources.title")) />
        <p><a href="/admin/sources">{t("sources.all")}</a></p>
        {move || query.with(|q| q.get("ok")).map(|k| {
            let key = match k.as_str() {
                "added" => "sources.added",
                "enabled" => "sources.enabled_ok",
                "disabled" => "sources.disabled_ok",
                _ => "sources.started",
            };
            view! { <Notice>{t(key)}</Notice> }
        })}
        <Suspense fallback=|| ()>
            {move || detail.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("sources.title") /> }.into_any(),
                Ok((source, runs)) => view! {
                    <SourceDetail source runs run enabled run_error />
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn SourceDetail(
    source: SourceView,
    runs: Vec<RunView>,
    run: ServerAction<RunSource>,
    enabled: ServerAction<SetSourceEnabled>,
    run_error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let id = source.id;
    view! {
        <h1>{source.name.clone()}</h1>
        <dl class="facts">
            <div><dt>{t("sources.kind_label")}</dt><dd>{t(&source.kind.label_key())}</dd></div>
            <div><dt>{t("sources.url")}</dt><dd>{source.url.clone()}</dd></div>
            <div><dt>{t("sources.every")}</dt><dd>{t("sources.every_text").replace("%{n}", &source.every_minutes.to_string())}</dd></div>
            {(!source.departments.is_empty()).then(|| view! {
                <div><dt>{t("sources.departments")}</dt><dd>{source.departments.join(", ")}</dd></div>
            })}
            <div><dt>{t("sources.origin")}</dt><dd>{if source.from_config { t("sources.from_config") } else { t("sources.from_admin") }}</dd></div>
            <div><dt>{t("sources.next_run")}</dt><dd>{if source.running { t("sources.running") } else { source.next_run_at.clone() }}</dd></div>
            <div><dt>{t("sources.enabled_text")}</dt><dd>{if source.enabled { t("sources.enabled_text") } else { t("sources.disabled_text") }}</dd></div>
        </dl>
        <FormAlert error=run_error />
        <div class="card__links">
            {source.enabled.then(|| view! {
                <ActionForm action=run attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="button button--primary">{t("sources.run_now")}</button>
                </ActionForm>
            })}
            <ActionForm action=enabled attr:class="inline-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="on" value=if source.enabled { "0" } else { "1" } />
                <button type="submit" class="button">{if source.enabled { t("sources.disable") } else { t("sources.enable") }}</button>
            </ActionForm>
        </div>
        <h2>{t("sources.runs")}</h2>
        {if runs.is_empty() {
            view! { <p class="empty-state">{t("sources.no_runs")}</p> }.into_any()
        } else {
            view! { <RunList runs /> }.into_any()
        }}
    }
}

#[component]
fn RunList(runs: Vec<RunView>) -> impl IntoView {
    view! {
        <ol class="runs">
            {runs.into_iter().map(|r| view! { <RunItem run=r /> }).collect_view()}
        </ol>
    }
}

#[component]
fn RunItem(run: RunView) -> impl IntoView {
    let trigger = t(&format!("sources.trigger.{}", run.trigger));
    view! {
        <li class="card" data-test="source-run">
            <p>
                <RunBadge status=run.status /> " " {run.started_at.clone()} " · "
                {t("sources.trigger_label")} " " {trigger}
                {run.started_by.clone().map(|who| format!(" ({who})"))}
            </p>
            <dl class="stats">
                <div><dt>{t("sources.fetched")}</dt><dd>{run.fetched}</dd></div>
                <div><dt>{t("sources.created")}</dt><dd>{run.created}</dd></div>
                <div><dt>{t("sources.updated")}</dt><dd>{run.updated}</dd></div>
                <div><dt>{t("sources.rejected")}</dt><dd>{run.rejected}</dd></div>
                <div><dt>{t("sources.attempts")}</dt><dd>{run.attempts}</dd></div>
                <div><dt>{t("sources.bytes")}</dt><dd>{run.bytes}</dd></div>
            </dl>
            {run.error.clone().map(|key| view! {
                <p class="alert alert--error">{t(&key)} " " {run.error_detail.clone().unwrap_or_default()}</p>
            })}
            {(!run.report.warnings.is_empty()).then(|| view! {
                <details>
                    <summary>{t("sources.warnings")} " (" {run.report.warned} ")"</summary>
                    <ul>{run.report.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
                </details>
            })}
            {(!run.report.rejections.is_empty()).then(|| view! {
                <details>
                    <summary>{t("sources.rejections")} " (" {run.rejected} ")"</summary>
                    <ul>{run.report.rejections.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
                </details>
            })}
            {run.import_id.map(|i| view! {
                <p><a href=format!("/admin/imports/{i}")>{t("sources.import_link")}</a></p>
            })}
        </li>
    }
}
