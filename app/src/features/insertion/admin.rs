//! `/admin/insertion`: the figures insertion hours are proposed with — the insertion rate, the
//! loaded hourly cost and each trade's share of labour — which administrators set with the
//! territory's facilitators. Where each default comes from is said beside it.

use super::api::{insertion_rates, SaveInsertionRates};
use crate::components::form::{action_error, field_message, FormAlert, TextField};
use crate::components::live_check::field_error_signal;
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::insertion::{RatesAdmin, Trade};
use crate::error::AppError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InsertionRatesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| insertion_rates());
    let query = use_query_map();
    view! {
        <Title text=format!("{} — Passerelle", t("insertion.admin_title")) />
        <p><a href="/admin">{t("nav.admin")}</a></p>
        <h1>{t("insertion.admin_title")}</h1>
        <p class="lead">{t("insertion.admin_lead")}</p>
        {move || (query.with(|q| q.get("ok")).as_deref() == Some("saved")).then(|| view! {
            <Notice>{t("insertion.admin_saved")}</Notice>
        })}
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(r) => view! { <RatesFormView r /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn RatesFormView(r: RatesAdmin) -> impl IntoView {
    let action = ServerAction::<SaveInsertionRates>::new();
    let error = action_error(action);
    view! {
        {r.updated.clone().map(|u| view! { <p>{t("insertion.admin_updated")} " " {u}</p> })}
        <ActionForm action attr:class="form" attr:novalidate="">
            <FormAlert error />
            <div class="filters__grid">
                <TextField name="form[rate]" field="rate" label=t("insertion.rate_label") hint=t("insertion.rate_hint") value=r.rates.rate.to_string() required=true error />
                <TextField name="form[hourly_cost]" field="hourly_cost" label=t("insertion.cost_label") hint=t("insertion.cost_hint") value=r.rates.hourly_cost.to_string() required=true error />
            </div>
            <div class="table-wrap" tabindex="0" role="region" aria-label=t("insertion.trades_caption")>
                <table class="data" data-test="insertion-trades">
                    <caption>{t("insertion.trades_caption")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t("insertion.trade")}</th>
                            <th scope="col">{t("insertion.scope")}</th>
                            <th scope="col">{t("insertion.share")}</th>
                            <th scope="col">{t("insertion.origin")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {r.rates.trades.iter().cloned().zip(r.scopes.iter().cloned()).map(|(trade, scope)| view! {
                            <ShareRow trade scope error />
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <div><button type="submit" class="button button--primary">{t("org.save")}</button></div>
        </ActionForm>
        <p><a href="/programmation/guide#insertion">{t("insertion.method_link")}</a></p>
    }
}

/// One trade's share, its input labelled by the trade's name.
#[component]
fn ShareRow(trade: Trade, scope: String, error: Signal<Option<AppError>>) -> impl IntoView {
    let field = format!("share_{}", trade.key);
    let id = format!("f-{field}");
    let err_id = format!("{id}-error");
    let found = field_error_signal(field, error);
    let message = move || found.get().as_ref().map(field_message);
    let origin = if trade.published {
        t("insertion.origin_published")
    } else {
        t("insertion.origin_team")
    };
    view! {
        <tr>
            <th scope="row"><label for=id.clone()>{trade.label.clone()}</label></th>
            <td>{scope}</td>
            <td>
                <input id=id class="input--short" name=format!("form[shares][{}]", trade.key) value=trade.labour_share.to_string()
                    inputmode="numeric" aria-invalid=move || message().is_some().then_some("true")
                    aria-describedby=move || message().is_some().then(|| err_id.clone()) />
                " %"
                {move || message().map(|m| view! { <p class="field__error" id=format!("f-share_{}-error", trade.key)>{m}</p> })}
            </td>
            <td>{origin}</td>
        </tr>
    }
}
