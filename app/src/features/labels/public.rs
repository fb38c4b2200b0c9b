//! The territorial label for everyone: the referentials (`/labels`) and one referential with
//! its criteria and who holds it (`/labels/{id}`), where every badge links to.

use super::api::{label_scheme, label_schemes};
use crate::components::status::LoadError;
use crate::domain::label::{SchemeStatus, SchemeView};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn LabelsPage() -> impl IntoView {
    let schemes = Resource::new(|| (), |_| label_schemes(false));
    view! {
        <Title text=format!("{} — Passerelle", t("label.territorial")) />
        <h1>{t("label.territorial")}</h1>
        <p class="lead">{t("label.lead")}</p>
        <Suspense fallback=|| ()>
            {move || schemes.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="empty-state">{t("label.none_public")}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="result-list" data-test="label-schemes">
                        {list.into_iter().map(|s| view! {
                            <li class="card result">
                                <h2 class="result__title"><a href=format!("/labels/{}", s.id)>{s.name.clone()}</a></h2>
                                <p class="result__meta">
                                    {t(&s.target.label_key())} " · "
                                    {t("label.validity_n").replace("%{n}", &s.validity_months.to_string())} " · "
                                    {t("label.holders_n").replace("%{n}", &s.holders.to_string())}
                                    {(s.status == SchemeStatus::Closed).then(|| view! {
                                        <span>" · " <span class="badge">{t(&s.status.label_key())}</span></span>
                                    })}
                                </p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
        <p>{t("label.how_to_apply")} " " <a href="/compte">{t("nav.account")}</a></p>
    }
}

#[component]
pub fn LabelSchemePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let scheme = Resource::new(id, |id| async move {
        match id {
            Some(id) => label_scheme(id, false).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || scheme.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("label.territorial") /> }.into_any(),
                Ok(s) => view! { <Scheme s /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Scheme(s: SchemeView) -> impl IntoView {
    view! {
        <Title text=format!("{} — Passerelle", s.name) />
        <p><a href="/labels">{t("label.territorial")}</a></p>
        <h1>{s.name.clone()}</h1>
        <p class="lead">
            {t(&s.target.label_key())} " · "
            {t("label.validity_n").replace("%{n}", &s.validity_months.to_string())}
            {(s.status != SchemeStatus::Open).then(|| view! {
                <span>" · " <span class="badge">{t(&s.status.label_key())}</span></span>
            })}
        </p>
        {(!s.description.is_empty()).then(|| view! { <p class="prose">{s.description.clone()}</p> })}
        <section aria-labelledby="criteria-title">
            <h2 id="criteria-title">{t("label.criteria")}</h2>
            <ol class="criteria" data-test="label-criteria">
                {s.criteria.iter().map(|c| view! {
                    <li>
                        <p>{c.question.clone()}</p>
                        {c.evidence.clone().map(|e| view! {
                            <p class="field__hint">{t("label.evidence_asked")} " : " {e}</p>
                        })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <section aria-labelledby="holders-title">
            <h2 id="holders-title">{t("label.holders")}</h2>
            {if s.holders.is_empty() {
                view! { <p class="empty-state" data-test="label-holders">{t("label.holders_none")}</p> }.into_any()
            } else {
                view! {
                    <ul data-test="label-holders">
                        {s.holders.iter().map(|h| view! {
                            <li>
                                {match h.offer.clone() {
                                    Some((id, title)) => view! {
                                        <a href=format!("/catalogue/{id}")>{title}</a>
                                        " — " <a href=format!("/annuaire/{}", h.org_id)>{h.org_name.clone()}</a>
                                    }.into_any(),
                                    None => view! { <a href=format!("/annuaire/{}", h.org_id)>{h.org_name.clone()}</a> }.into_any(),
                                }}
                                " · " {t("label.badge_until").replace("%{date}", &h.until)}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
