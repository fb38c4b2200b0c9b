//! A planned procurement for everyone (`/programmation/{id}`): what, when, how much, the lots
//! and levers (each linked to the guide), the tender's link once published, every stage dated.

use super::api::plan_get;
use super::interest::InterestPanel;
use super::joint::JointPanel;
use super::list::status_class;
use crate::components::status::LoadError;
use crate::domain::programming::{estimate_text, PlanStatus, PlanView};
use crate::error::AppError;
use crate::features::insertion::follow::{InclusivePartnersPanel, PlanFollow};
use crate::features::insertion::hours::PlanHours;
use crate::features::insertion::lever::LeverText;
use crate::features::sourcing::public::PlanSourcingPanel;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    // Read again when a notice was confirmed (its stage changed): the confirmation sends the
    // browser back here with `?ok=`.
    let query = leptos_router::hooks::use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    let plan = Resource::new(
        move || (id(), ok()),
        |(id, _)| async move {
            match id {
                Some(id) => plan_get(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        {move || ok().and_then(|k| match k.as_str() {
            "notice_confirmed" => Some("notices.confirmed"),
            "notice_dismissed" => Some("notices.dismissed"),
            _ => None,
        }).map(|key| view! { <crate::components::notice::Notice>{t(key)}</crate::components::notice::Notice> })}
        <Suspense fallback=|| ()>
            {move || plan.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("nav.pipeline") heading=t("plan.title") /> }.into_any(),
                Ok(p) => view! { <Plan p /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Plan(p: PlanView) -> impl IntoView {
    let s = p.summary.clone();
    // Partners are sought before the tender closes: not once awarded or cancelled.
    let open_to_partners = matches!(
        s.status,
        PlanStatus::Planned | PlanStatus::Sourcing | PlanStatus::Published
    );
    let row = |label: String, value: Option<String>| {
        value.map(|v| view! { <div><dt>{label}</dt><dd>{v}</dd></div> })
    };
    view! {
        <Title text=format!("{} — Passerelle", s.title) />
        <p><a href="/programmation">{t("plan.title")}</a></p>
        <h1>{s.title.clone()}</h1>
        <p class="lead">
            <span class=status_class(s.status) data-test="plan-status">{t(&s.status.label_key())}</span>
            " · " <a href=format!("/annuaire/{}", s.buyer_id)>{s.buyer_name.clone()}</a>
        </p>
        {p.can_edit.then(|| view! {
            <p><a class="button" href=format!("/compte/achats/{}", s.id)>{t("plan.edit_link")}</a></p>
        })}
        {p.contract_id.map(|c| view! {
            <p class="alert alert--ok" data-test="plan-contract">
                {t("plan.awarded_contract")} " " <a href=format!("/marches/{c}")>{t("plan.see_contract")}</a>
            </p>
        })}
        {p.tender_url.clone().map(|u| view! {
            <p class="alert alert--info">
                {t("plan.tender_published")} " "
                <a href=u.clone() rel="nofollow noopener noreferrer external" data-test="tender-link">{t("plan.tender_link")}</a>
            </p>
        })}
        <dl class="facts" data-test="plan-facts">
            {row(t("plan.publication"), Some(s.publication.clone()))}
            {row(t("plan.procedure_label"), Some(t(&p.procedure.label_key())))}
            {row(t("plan.estimate"), estimate_text(s.estimate_min, s.estimate_max))}
            {row(t("plan.start"), p.start.clone())}
            {row(t("plan.duration"), p.duration_months.map(|d| t("plan.months_n").replace("%{n}", &d.to_string())))}
            {row(t("plan.contact"), p.contact.clone())}
        </dl>
        {(!p.description.is_empty()).then(|| view! { <p class="prose">{p.description.clone()}</p> })}
        {(!s.cpv.is_empty()).then(|| view! {
            <section aria-labelledby="plan-cpv">
                <h2 id="plan-cpv">{t("offer.cpv_title")}</h2>
                <ul>
                    {s.cpv.iter().map(|(c, l)| view! {
                        <li>{format!("{c} — {l}")} " · " <a href=format!("/catalogue/fournisseurs?cpv={c}")>{t("offer.who_supplies")}</a></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section aria-labelledby="plan-levers">
            <h2 id="plan-levers">{t("plan.levers_title")}</h2>
            {if s.levers.is_empty() {
                view! { <p>{t("plan.levers_none")}</p> }.into_any()
            } else {
                view! {
                    <ul data-test="plan-levers">
                        {s.levers.iter().map(|l| {
                            let detail = match l.as_str() {
                                "reserved" => p.reserved.map(|r| format!(" : {}", t(&format!("plan.reserved.{}", r.as_str())))),
                                "labels" => Some(format!(" : {}", p.labels.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join(", "))),
                                _ => None,
                            };
                            let lever = (l == "insertion").then(|| p.insertion.clone()).flatten();
                            let lots_only = l == "insertion" && lever.is_none();
                            let proposal = p.insertion_proposal.clone();
                            view! {
                                <li><a href=format!("/programmation/guide#{l}")>{t(&format!("plan.levers.{l}"))}</a>{detail}
                                    {lever.map(|lever| view! { " : " <LeverText lever proposal /> })}
                                    {lots_only.then(|| format!(" : {}", t("insertion.in_lots")))}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {(!p.lots.is_empty()).then(|| view! {
            <section aria-labelledby="plan-lots">
                <h2 id="plan-lots">{t("plan.lots")}</h2>
                <ol data-test="plan-lots">
                    {p.lots.iter().map(|l| view! {
                        <li>
                            <strong>{l.title.clone()}</strong>
                            {(!l.cpv.is_empty()).then(|| format!(" · {}", l.cpv_text()))}
                            {estimate_text(l.estimate_min, l.estimate_max).map(|e| format!(" · {e}"))}
                            {l.insertion.clone().map(|lever| view! { " · " <LeverText lever proposal=l.proposal.clone() /> })}
                            {open_to_partners.then(|| view! {
                                " · " <a href=format!("/groupements/nouvelle?achat={}&lot={}", s.id, l.id)>{t("partners.find_for_lot")}</a>
                            })}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        })}
        {open_to_partners.then(|| view! {
            <section aria-labelledby="plan-partners" data-test="plan-partners">
                <h2 id="plan-partners">{t("nav.consortia")}</h2>
                <p>{t("partners.plan_lead")}</p>
                <p>
                    <a class="button" href=format!("/programmation/{}/groupements", s.id)>{t("partners.find_for_plan")}</a>
                    " " <a href=format!("/groupements/nouvelle?achat={}", s.id)>{t("partners.post_for_plan")}</a>
                </p>
            </section>
        })}
        <crate::features::notices::pages::PlanNoticesPanel plan_id=s.id />
        <InclusivePartnersPanel plan_id=s.id />
        <PlanHours plan_id=s.id />
        <PlanFollow plan_id=s.id />
        <JointPanel plan_id=s.id />
        <PlanSourcingPanel plan_id=s.id />
        <InterestPanel plan_id=s.id lots=p.lots.clone() />
        <section aria-labelledby="plan-history">
            <h2 id="plan-history">{t("label.history")}</h2>
            <ol class="history" data-test="plan-history">
                {p.events.iter().map(|e| view! {
                    <li><time>{e.on.clone()}</time> " — " {t(&e.status.label_key())}
                        {e.note.clone().map(|n| view! { <span class="history__note">" : " {n}</span> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
