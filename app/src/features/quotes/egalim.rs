//! A buyer's EGalim panel (`/compte/organisations/{id}/egalim?annee=YYYY`): the shares of its
//! food purchases that count as sustainable and quality and as organic, against the 50 % / 20 %
//! targets, by product family; how each figure is computed; the purchases counted; the amounts
//! bought through other channels, declared here; the yearly declaration as CSV.

use super::api::{egalim_panel, DeclareEgalim};
use crate::components::form::{action_error, FormAlert, SelectField, TextField};
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::contracts::format_euros;
use crate::domain::egalim::{targets, Family, Panel};
use crate::domain::quotes::{permille_text, Purchases};
use crate::error::AppError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn EgalimPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        (
            params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok())),
            query.with(|q| q.get("annee").and_then(|y| y.parse::<i32>().ok())),
            query.with(|q| q.get("ok")),
        )
    };
    let data = Resource::new(args, |(id, year, _)| async move {
        match id {
            Some(id) => egalim_panel(id, year).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=format!("{} — Passerelle", t("egalim.title")) />
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <h1>{t("egalim.title")}</h1> <LoadError error=e login=true /> }.into_any(),
                Ok(p) => view! { <PanelView p /> }.into_any(),
            })}
        </Suspense>
    }
}

pub(crate) fn share(p: Option<u32>) -> String {
    p.map(permille_text).unwrap_or_else(|| "—".into())
}

#[component]
fn PanelView(p: Panel) -> impl IntoView {
    let query = use_query_map();
    let declared_ok = move || query.with(|q| q.get("ok")).is_some_and(|k| k == "declared");
    let total = p.total();
    let org = p.buyer_id;
    let year = p.year;
    view! {
        <p><a href="/compte">{t("nav.account")}</a> " · " <a href="/demandes-de-devis">{t("quotes.title")}</a></p>
        <h1>{format!("{} {} — {}", t("egalim.title"), p.year, p.buyer_name)}</h1>
        {move || declared_ok().then(|| view! { <Notice>{t("egalim.ok_declared")}</Notice> })}
        <p class="lead">{t("egalim.lead")}</p>
        <nav aria-label=t("egalim.years")>
            <p>{t("egalim.years")} " : "
                {p.years.iter().map(|y| {
                    let current = *y == year;
                    view! {
                        <a href=format!("/compte/organisations/{org}/egalim?annee={y}") aria-current=current.then_some("page")>{y.to_string()}</a>
                        " "
                    }
                }).collect_view()}
            </p>
        </nav>
        <Shares total how=t("egalim.how_text") />
        <h2>{t("egalim.by_family")}</h2>
        {if p.families.is_empty() {
            view! { <p class="empty-state">{t("egalim.none")}</p> }.into_any()
        } else {
            view! { <FamilyTable families=p.families.clone() /> }.into_any()
        }}
        <p><a href=format!("/compte/organisations/{org}/egalim.csv?annee={year}") download="">{t("egalim.csv")}</a></p>
        {(!p.awards.is_empty()).then(|| view! {
            <h2>{t("egalim.counted")}</h2>
            <ul data-test="egalim-awards">
                {p.awards.iter().map(|a| view! {
                    <li><a href=format!("/demandes-de-devis/{}", a.quote_id)>{a.title.clone()}</a>
                        {format!(" — {}, {} : {} ({})", a.product, a.supplier, format_euros(a.amount_cents), t(a.egalim.label_key()))}</li>
                }).collect_view()}
            </ul>
        })}
        <DeclareForm org year />
    }
}

/// Both shares of `total` against the targets, and how they are computed (`how`, then the
/// figures).
#[component]
pub(crate) fn Shares(total: Purchases, how: String) -> impl IntoView {
    let (target_q, target_o) = targets();
    let met_q = total.quality_permille().is_some_and(|q| q >= target_q * 10);
    let met_o = total.organic_permille().is_some_and(|o| o >= target_o * 10);
    view! {
        <dl class="stats" data-test="egalim-shares">
            <div>
                <dt>{t("egalim.quality_share").replace("%{n}", &target_q.to_string())}</dt>
                <dd data-test="egalim-quality">{share(total.quality_permille())}</dd>
                <dd class="stats__note">{t(if met_q { "egalim.met" } else { "egalim.not_met" })}</dd>
            </div>
            <div>
                <dt>{t("egalim.organic_share").replace("%{n}", &target_o.to_string())}</dt>
                <dd data-test="egalim-organic">{share(total.organic_permille())}</dd>
                <dd class="stats__note">{t(if met_o { "egalim.met" } else { "egalim.not_met" })}</dd>
            </div>
        </dl>
        <details class="card" data-test="egalim-how">
            <summary>{t("egalim.how_title")}</summary>
            <p>{how}</p>
            <p data-test="egalim-computation">{format!(
                "{} : {} / {} = {} ; {} : {} / {} = {}",
                t("egalim.quality_short"), format_euros(total.quality_cents), format_euros(total.total_cents), share(total.quality_permille()),
                t("egalim.organic_short"), format_euros(total.organic_cents), format_euros(total.total_cents), share(total.organic_permille()),
            )}</p>
        </details>
    }
}

pub(crate) fn row(name: String, p: Purchases, awarded: i64, test: &'static str) -> impl IntoView {
    view! {
        <tr data-test=test>
            <th scope="row">{name}</th>
            <td class="num">{format_euros(p.total_cents)}</td>
            <td class="num">{format_euros(awarded)}</td>
            <td class="num">{format_euros(p.quality_cents)}</td>
            <td class="num">{format_euros(p.organic_cents)}</td>
            <td class="num">{share(p.quality_permille())}</td>
            <td class="num">{share(p.organic_permille())}</td>
        </tr>
    }
}

#[component]
pub(crate) fn FamilyTable(
    families: std::collections::BTreeMap<Family, crate::domain::egalim::FamilyLine>,
) -> impl IntoView {
    let total = crate::domain::egalim::total_of(&families);
    let awarded: i64 = families.values().map(|l| l.awarded.total_cents).sum();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=t("egalim.by_family")>
            <table class="data" data-test="egalim-families">
                <thead><tr>
                    <th scope="col">{t("egalim.family_col")}</th>
                    <th scope="col">{t("egalim.total")}</th>
                    <th scope="col">{t("egalim.through_quotes")}</th>
                    <th scope="col">{t("egalim.quality_amount")}</th>
                    <th scope="col">{t("egalim.organic_amount")}</th>
                    <th scope="col">{t("egalim.quality_short")}</th>
                    <th scope="col">{t("egalim.organic_short")}</th>
                </tr></thead>
                <tbody>
                    {families.iter().map(|(f, l)| row(t(&f.label_key()), l.total(), l.awarded.total_cents, "egalim-family")).collect_view()}
                    {row(t("egalim.all"), total, awarded, "egalim-total")}
                </tbody>
            </table>
        </div>
    }
}

/// The amounts bought through other channels (tenders, catalogues, markets), by year and family.
#[component]
fn DeclareForm(org: i32, year: i32) -> impl IntoView {
    let action = ServerAction::<DeclareEgalim>::new();
    let error = action_error(action);
    let families: Vec<(String, String)> = Family::ALL
        .iter()
        .map(|f| (f.as_str().to_string(), t(&f.label_key())))
        .collect();
    view! {
        <section class="card" aria-labelledby="declare-h">
            <h2 id="declare-h">{t("egalim.declare_title")}</h2>
            <p>{t("egalim.declare_lead")}</p>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                <input type="hidden" name="org_id" value=org />
                <input type="hidden" name="form[year]" value=year />
                <SelectField name="form[family]" field="family" label=t("egalim.family_col") options=families required=true error />
                <TextField name="form[total]" field="total" label=t("egalim.f_total") hint=t("egalim.f_euros_hint") required=true error />
                <TextField name="form[quality]" field="quality" label=t("egalim.f_quality") hint=t("egalim.f_quality_hint") error />
                <TextField name="form[organic]" field="organic" label=t("egalim.f_organic") error />
                <div><button type="submit" class="button button--primary">{t("egalim.declare")}</button></div>
            </ActionForm>
        </section>
    }
}
