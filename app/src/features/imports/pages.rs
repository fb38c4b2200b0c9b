//! The import pages: upload form and recent runs; one run with its live progress and report.

use super::api::{import_run_status, import_runs};
use crate::components::status::LoadError;
use crate::domain::decp::run::ImportRun;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ImportsPage() -> impl IntoView {
    let runs = Resource::new(|| (), |_| import_runs());
    let query = use_query_map();
    view! {
        <Title text=format!("{} — Passerelle", t("import.title")) />
        <p><a href="/admin">{t("nav.admin")}</a></p>
        <h1>{t("import.title")}</h1>
        <Suspense fallback=|| ()>
            {move || runs.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(list) => view! {
                    {query.with(|q| q.get("erreur")).map(|key| view! {
                        <p class="alert alert--error" role="alert">{t(&format!("import.upload.{}", key.chars().filter(|c| c.is_ascii_lowercase() || *c == '_').collect::<String>()))}</p>
                    })}
                    <UploadForm />
                    <h2>{t("import.recent")}</h2>
                    <RunTable runs=list />
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn UploadForm() -> impl IntoView {
    view! {
        <form class="form card" method="post" action="/admin/imports" enctype="multipart/form-data">
            <p>{t("import.help")}</p>
            <div class="field">
                <label for="f-fichier">{t("import.file")} " *"</label>
                <input id="f-fichier" type="file" name="fichier" required accept=".json,.xml,.csv,application/json,text/xml,text/csv" aria-describedby="f-fichier-hint" />
                <p id="f-fichier-hint" class="hint">{t("import.file_hint")}</p>
            </div>
            <button type="submit" class="button button--primary">{t("import.start")}</button>
        </form>
    }
}

#[component]
fn RunTable(runs: Vec<ImportRun>) -> impl IntoView {
    if runs.is_empty() {
        return view! { <p class="empty-state">{t("import.none")}</p> }.into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
            <table class="data">
                <caption class="visually-hidden">{t("import.recent")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t("import.file")}</th>
                        <th scope="col">{t("import.status")}</th>
                        <th scope="col">{t("import.records")}</th>
                        <th scope="col">{t("import.accepted")}</th>
                        <th scope="col">{t("import.rejected")}</th>
                        <th scope="col">{t("import.started")}</th>
                    </tr>
                </thead>
                <tbody>
                    {runs.into_iter().map(|r| view! {
                        <tr data-test="import-run">
                            <td><a href=format!("/admin/imports/{}", r.id)>{r.file_name.clone()}</a></td>
                            <td><StatusBadge status=r.status.clone() /></td>
                            <td>{r.records}</td>
                            <td>{r.accepted}</td>
                            <td>{r.rejected}</td>
                            <td>{r.started_at.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn StatusBadge(status: String) -> impl IntoView {
    let class = match status.as_str() {
        "done" => "badge badge--ok",
        "failed" => "badge badge--error",
        _ => "badge badge--warn",
    };
    view! { <span class=class>{t(&format!("import.status_{status}"))}</span> }
}

#[component]
pub fn ImportRunPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    // Bumped every second by the browser while the import runs (see below).
    let tick = RwSignal::new(0u32);
    let run = Resource::new(
        move || (id(), tick.get()),
        |(id, _)| async move {
            match id {
                Some(id) => import_run_status(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    // Live progress with JavaScript: poll while the run is running. Without it, the page has
    // a refresh link.
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || {
                if run
                    .get_untracked()
                    .and_then(|r| r.ok())
                    .is_some_and(|r| r.is_running())
                {
                    tick.update(|t| *t += 1);
                }
            },
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    view! {
        <Title text=format!("{} — Passerelle", t("import.title")) />
        <p><a href="/admin/imports">{t("import.title")}</a></p>
        <Transition fallback=|| ()>
            {move || run.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("import.title") /> }.into_any(),
                Ok(r) => view! { <RunDetail run=r /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn RunDetail(run: ImportRun) -> impl IntoView {
    let percent = run.percent();
    let running = run.is_running();
    view! {
        <h1>{run.file_name.clone()}</h1>
        <p>
            <StatusBadge status=run.status.clone() />
            " " {run.format.clone().map(|f| format!("{} · ", f))}
            {t("import.started")} " " {run.started_at.clone()}
        </p>
        <div class="field" aria-live="polite">
            <label for="import-progress">{t("import.progress")} " : " {percent} " %"</label>
            <progress id="import-progress" max="100" value=percent>{percent} " %"</progress>
        </div>
        {running.then(|| view! {
            <p><a href=format!("/admin/imports/{}", run.id) class="button">{t("import.refresh")}</a></p>
        })}
        {run.error.clone().map(|failure| view! {
            <p class="alert alert--error" role="alert">
                {t(failure.key())} " " {failure.detail().unwrap_or_default().to_string()}
            </p>
        })}
        <dl class="stats" data-test="import-counts">
            <div><dt>{t("import.records")}</dt><dd>{run.records}</dd></div>
            <div><dt>{t("import.accepted")}</dt><dd>{run.accepted}</dd></div>
            <div><dt>{t("import.warned")}</dt><dd>{run.warned}</dd></div>
            <div><dt>{t("import.rejected")}</dt><dd>{run.rejected}</dd></div>
        </dl>
        {(run.rejected > 0).then(|| view! {
            <p><a href=format!("/admin/imports/{}/rejets.csv", run.id) rel="external" download="">{t("import.download_rejects")}</a></p>
        })}
        <h2>{t("import.reasons")}</h2>
        {if run.reasons.is_empty() {
            view! { <p class="empty-state">{t("import.no_reasons")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
                    <table class="data">
                        <caption class="visually-hidden">{t("import.reasons")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t("import.reason")}</th>
                                <th scope="col">{t("import.outcome")}</th>
                                <th scope="col">{t("import.count")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {run.reasons.iter().map(|(rejected, key, n)| view! {
                                <tr>
                                    <td>{t(key)}</td>
                                    <td>{if *rejected { t("import.outcome_rejected") } else { t("import.outcome_warning") }}</td>
                                    <td>{*n}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
