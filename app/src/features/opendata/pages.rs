//! `/donnees`: what can be downloaded, and the API's endpoints with their parameters.

use super::api::api_reference;
use crate::components::status::LoadError;
use crate::domain::api::Operation;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;

/// (i18n key of the list, [(format key, address)]).
const DOWNLOADS: [(&str, &[(&str, &str)]); 3] = [
    (
        "opendata.contracts",
        &[
            ("opendata.format_csv", "/marches/export.csv"),
            ("opendata.format_ocds", "/marches/export.ocds.json"),
        ],
    ),
    (
        "opendata.plans",
        &[
            ("opendata.format_csv", "/programmation/export.csv"),
            ("opendata.format_ocds", "/programmation/export.ocds.json"),
            ("opendata.format_atom", "/programmation/flux.atom"),
            ("opendata.format_ics", "/programmation/calendrier.ics"),
        ],
    ),
    (
        "opendata.quotes",
        &[(
            "opendata.format_ocds",
            "/demandes-de-devis/export.ocds.json",
        )],
    ),
];

const TAGS: [&str; 5] = [
    "marches",
    "programmation",
    "annuaire",
    "catalogue",
    "demandes-de-devis",
];

#[component]
pub fn OpenDataPage() -> impl IntoView {
    let reference = Resource::new(|| (), |_| api_reference());
    view! {
        <Title text=format!("{} — Passerelle", t("opendata.title")) />
        <h1>{t("opendata.title")}</h1>
        <p class="lead">{t("opendata.intro")}</p>
        <p>{t("opendata.privacy")}</p>
        <section aria-labelledby="telechargements" class="card">
            <h2 id="telechargements">{t("opendata.downloads")}</h2>
            <p class="field__hint">{t("opendata.downloads_help")}</p>
            <ul class="opendata-downloads">
                {DOWNLOADS.iter().map(|(list, formats)| view! {
                    <li>
                        <strong>{t(list)}</strong> " : "
                        {formats.iter().enumerate().map(|(i, (format, href))| view! {
                            {(i > 0).then_some(" · ")}
                            <a href=*href>{t(format)}</a>
                        }).collect_view()}
                    </li>
                }).collect_view()}
                <li>
                    <strong>{t("opendata.analytics")}</strong> " : "
                    <a href="/analyses">{t("opendata.analytics_help")}</a>
                </li>
            </ul>
        </section>
        <section aria-labelledby="api" class="card">
            <h2 id="api">{t("opendata.api")}</h2>
            <p>{t("opendata.api_intro")}</p>
            <p>{t("opendata.api_strict")}</p>
            <p><a href="/api/v1/openapi.json">{t("opendata.api_doc")}</a></p>
            <Suspense fallback=|| ()>
                {move || reference.get().map(|r| match r {
                    Err(e) => view! { <LoadError error=e /> }.into_any(),
                    Ok((ops, per_minute)) => view! {
                        <p>{t("opendata.api_limit").replace("%{n}", &per_minute.to_string())}</p>
                        <Endpoints ops />
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Endpoints(ops: Vec<Operation>) -> impl IntoView {
    view! {
        <h3>{t("opendata.endpoints")}</h3>
        {TAGS.iter().map(|tag| {
            let mine: Vec<Operation> = ops.iter().filter(|o| o.tag == *tag).cloned().collect();
            view! {
                <h4>{t(&format!("opendata.tag.{tag}"))}</h4>
                <ul class="opendata-endpoints">
                    {mine.into_iter().map(|op| view! { <Endpoint op /> }).collect_view()}
                </ul>
            }
        }).collect_view()}
    }
}

#[component]
fn Endpoint(op: Operation) -> impl IntoView {
    let example = (!op.path.contains('{')).then(|| op.path.clone());
    let count = op.parameters.len();
    view! {
        <li>
            <p>
                <code>"GET " {match example {
                    Some(href) => view! { <a href=href.clone()>{href.clone()}</a> }.into_any(),
                    None => view! { <span>{op.path.clone()}</span> }.into_any(),
                }}</code>
                " — " {op.summary.clone()}
            </p>
            {(count > 0).then(|| view! {
                <details>
                    <summary>{t("opendata.parameters").replace("%{n}", &count.to_string())}</summary>
                    <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
                        <table class="data">
                            <thead>
                                <tr>
                                    <th scope="col">{t("opendata.parameter")}</th>
                                    <th scope="col">{t("opendata.description")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {op.parameters.iter().map(|p| view! {
                                    <tr>
                                        <th scope="row"><code>{p.name.clone()}</code></th>
                                        <td>
                                            {p.description.clone()}
                                            {p.in_path.then(|| view! { " (" {t("opendata.in_path")} ")" })}
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </details>
            })}
        </li>
    }
}
