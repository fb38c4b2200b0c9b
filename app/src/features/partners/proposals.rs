//! What the matchmaking engine proposes, in words: partners that complement a firm and whole
//! consortia, each requirement with the member that covers it and why; and what no local firm
//! covers. Shown on a request's page (for its poster) and for a planned procurement
//! (`/programmation/{id}/groupements`, around one of the caller's firms with `?entreprise=ID`).

use super::api::plan_proposals;
use crate::components::status::LoadError;
use crate::domain::matchmaking::Basis;
use crate::domain::partners::{CoverLine, MemberLine, NeedLine, ProposalsView};
use crate::error::AppError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A requirement in words: "Lot 2 — 45330000 Travaux de plomberie" or "Label RGE".
pub fn need_text(n: &NeedLine) -> String {
    let what = match (&n.cpv, &n.label) {
        (Some(c), _) => format!("{c} {}", n.name),
        (None, Some(_)) => format!("{} {}", t("partners.need_label"), n.name),
        _ => n.name.clone(),
    };
    match n.lot {
        Some(l) => format!("{} {l} — {what}", t("plan.lot")),
        None => what,
    }
}

/// Why a firm covers a requirement, in words.
pub fn reasons(c: &CoverLine) -> String {
    let mut out = vec![match &c.basis {
        Basis::Offer { cpv, exact: true } => t("partners.why_offer").replace("%{cpv}", cpv),
        Basis::Offer { cpv, exact: false } => t("partners.why_offer_near").replace("%{cpv}", cpv),
        Basis::Won { cpv } => t("partners.why_won").replace("%{cpv}", cpv),
        Basis::Activity { naf } => t("partners.why_activity").replace("%{naf}", naf),
        Basis::Label => t("partners.why_label"),
    }];
    if c.won > 0 && !matches!(c.basis, Basis::Won { .. }) {
        out.push(t("partners.why_won_n").replace("%{n}", &c.won.to_string()));
    }
    if let Some(km) = c.km {
        out.push(t("partners.why_km").replace("%{km}", &km.to_string()));
    }
    if c.capacity_short {
        out.push(t("partners.why_capacity_short"));
    }
    out.join(" ; ")
}

fn member_text(m: &MemberLine) -> String {
    let mut s = m.name.clone();
    if let Some(c) = &m.commune {
        s.push_str(&format!(" ({c})"));
    }
    s
}

#[component]
fn MemberBadges(m: MemberLine) -> impl IntoView {
    view! {
        {m.sme.then(|| view! { " " <span class="badge">{t("partners.sme")}</span> })}
        {m.inclusive.then(|| view! { " " <span class="badge badge--label">{t("partners.inclusive")}</span> })}
    }
}

/// The proposals: partners first (when they complement a firm), then consortia, then shortages.
#[component]
pub fn Proposals(
    v: ProposalsView,
    partners_title: Option<String>,
    /// When the caller may form a proposed consortium: as which firm, for what.
    form_as: Option<FormAs>,
) -> impl IntoView {
    let needs = v.needs.clone();
    let need = move |i: usize| needs.get(i).map(need_text).unwrap_or_default();
    let need2 = need.clone();
    let need3 = need.clone();
    view! {
        <div class="proposals" data-test="proposals">
            <p>{t("partners.needs_intro")}</p>
            <ul data-test="needs">{v.needs.iter().map(|n| view! { <li>{need_text(n)}</li> }).collect_view()}</ul>
            {v.place.clone().map(|p| view! { <p class="result__meta">{t("partners.place").replace("%{place}", &p)}</p> })}
            {(v.firm.is_some() || !v.partners.is_empty()).then(|| view! {
                <section aria-labelledby="partners-h">
                    <h3 id="partners-h">{partners_title.clone().unwrap_or_else(|| t("partners.partners_title"))}</h3>
                    {if v.partners.is_empty() {
                        view! { <p class="empty-state">{t("partners.partners_none")}</p> }.into_any()
                    } else {
                        view! {
                            <ol class="result-list" data-test="proposed-partners">
                                {v.partners.iter().map(|p| {
                                    let need = need.clone();
                                    view! {
                                        <li class="card result" data-test="proposed-partner">
                                            <h4 class="result__title"><a href=format!("/annuaire/{}", p.member.id)>{member_text(&p.member)}</a> <MemberBadges m=p.member.clone() /></h4>
                                            <ul>
                                                {p.completes.iter().map(|c| view! {
                                                    <li><strong>{t("partners.brings")}</strong> " " {need(c.need)} " — " {reasons(c)}</li>
                                                }).collect_view()}
                                                {p.improves.iter().map(|c| view! {
                                                    <li>{t("partners.strengthens")} " " {need(c.need)} " — " {reasons(c)}</li>
                                                }).collect_view()}
                                            </ul>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        }.into_any()
                    }}
                </section>
            })}
            <section aria-labelledby="consortia-h">
                <h3 id="consortia-h">{t("partners.consortia_title")}</h3>
                {if v.consortia.is_empty() {
                    view! { <p class="empty-state">{t("partners.consortia_none")}</p> }.into_any()
                } else {
                    view! {
                        <ol class="result-list" data-test="proposed-consortia">
                            {v.consortia.iter().map(|c| {
                                let need = need2.clone();
                                let need_m = need2.clone();
                                view! {
                                    <li class="card result" data-test="proposed-consortium">
                                        <h4 class="result__title">
                                            {c.members.iter().map(member_text).collect::<Vec<_>>().join(" + ")}
                                        </h4>
                                        <p class="result__meta">
                                            {t("partners.fit").replace("%{pct}", &c.score_pct.to_string())}
                                            " · " {t("partners.members_n").replace("%{n}", &c.members.len().to_string())}
                                            {(c.members.iter().filter(|m| m.sme).count() > 0).then(|| format!(" · {}", t("partners.smes_n").replace("%{n}", &c.members.iter().filter(|m| m.sme).count().to_string())))}
                                            {c.members.iter().any(|m| m.inclusive).then(|| format!(" · {}", t("partners.with_inclusive")))}
                                            {c.farthest_km.map(|k| format!(" · {}", t("partners.farthest").replace("%{km}", &k.to_string())))}
                                        </p>
                                        <ul>
                                            {c.covers.iter().map(|cv| view! {
                                                <li>{need(cv.need)} " : " <strong>{cv.firm_name.clone()}</strong> " — " {reasons(cv)}</li>
                                            }).collect_view()}
                                        </ul>
                                        {(!c.missing.is_empty()).then(|| view! {
                                            <p class="alert alert--warn">{t("partners.leaves")} " " {c.missing.iter().map(|i| need_m(*i)).collect::<Vec<_>>().join(" ; ")}</p>
                                        })}
                                        {form_as.clone().map(|f| {
                                            let invite: Vec<i32> = c.members.iter().map(|m| m.id).filter(|id| *id != f.org_id).collect();
                                            view! { <FormConsortium f invite /> }
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
            </section>
            {(!v.uncovered.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="shortage-h" data-test="shortage">
                    <h3 id="shortage-h">{t("partners.shortage_title")}</h3>
                    <p>{t("partners.shortage_text")}</p>
                    <ul>{v.uncovered.iter().map(|i| view! { <li>{need3(*i)}</li> }).collect_view()}</ul>
                </section>
            })}
        </div>
    }
}

/// Who forms a proposed consortium, and for what.
#[derive(Clone, Debug, PartialEq)]
pub struct FormAs {
    pub org_id: i32,
    pub plan_id: Option<i32>,
    pub request_id: Option<i32>,
    pub name: String,
}

/// "Form this consortium": creates it led by the caller's firm and invites the others.
#[component]
fn FormConsortium(f: FormAs, invite: Vec<i32>) -> impl IntoView {
    let action = ServerAction::<crate::features::consortia::api::CreateConsortium>::new();
    let error = crate::components::form::action_error(action);
    view! {
        <ActionForm action attr:class="inline-form">
            <crate::components::form::FormAlert error />
            <input type="hidden" name="org_id" value=f.org_id />
            <input type="hidden" name="name" value=f.name.clone() />
            <input type="hidden" name="kind" value="conjoint" />
            {f.plan_id.map(|p| view! { <input type="hidden" name="plan_id" value=p /> })}
            {f.request_id.map(|r| view! { <input type="hidden" name="request_id" value=r /> })}
            {invite.iter().map(|id| view! { <input type="hidden" name=format!("invite[{id}]") value="on" /> }).collect_view()}
            <button type="submit" class="button button--primary">{t("consortium.form_this")}</button>
        </ActionForm>
    }
}

/// `/programmation/{id}/groupements`: the consortia local firms could form for a planned
/// procurement; with `?entreprise=ID`, around one of the caller's firms.
#[component]
pub fn PlanProposalsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let firm = move || query.with(|q| q.get("entreprise").and_then(|s| s.parse::<i32>().ok()));
    let data = Resource::new(
        move || (id(), firm()),
        |(id, firm)| async move {
            match id {
                Some(id) => plan_proposals(id, firm).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let me = Resource::new(|| (), |_| crate::features::orgs::api::my_organisations());
    view! {
        <Title text=format!("{} — Passerelle", t("partners.plan_title")) />
        <p>{move || id().map(|id| view! { <a href=format!("/programmation/{id}")>{t("partners.back_to_plan")}</a> })}</p>
        <h1>{t("partners.plan_title")}</h1>
        <p class="lead">{t("partners.plan_lead")}</p>
        <Suspense fallback=|| ()>
            {move || me.get().and_then(|r| r.ok()).map(|orgs| {
                let businesses: Vec<_> = orgs.into_iter().filter(|o| o.kind == crate::domain::org::OrgKind::Business && !o.pending).collect();
                (!businesses.is_empty()).then(|| view! {
                    <form class="filters card" method="get">
                        <div class="field">
                            <label for="p-firm">{t("partners.around_firm")}</label>
                            <select id="p-firm" name="entreprise">
                                <option value="">{t("partners.around_none")}</option>
                                {businesses.into_iter().map(|o| view! {
                                    <option value=o.id.to_string() selected=firm() == Some(o.id)>{o.name}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <p><button type="submit" class="button">{t("partners.show")}</button></p>
                    </form>
                })
            })}
        </Suspense>
        <Suspense fallback=|| view! { <p>{t("directory.loading")}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(v) => {
                    let title = v.firm.as_ref().map(|f| t("partners.partners_of").replace("%{firm}", &f.name));
                    let plan = id().unwrap_or(0);
                    let firm_q = v.firm.as_ref().map(|f| f.id);
                    let firm_as = v.firm.as_ref().map(|f| FormAs {
                        org_id: f.id,
                        plan_id: Some(plan),
                        request_id: None,
                        name: t("consortium.default_name").replace("%{firm}", &f.name),
                    });
                    view! {
                        {firm_q.map(|_| view! {
                            <p><a class="button button--primary" href=format!("/groupements/nouvelle?achat={plan}")>{t("partners.post_for_plan")}</a></p>
                        })}
                        <Proposals v partners_title=title form_as=firm_as />
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
