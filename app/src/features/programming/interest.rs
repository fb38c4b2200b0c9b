//! Interest in a planned procurement: on its page, a firm's members signal it (for the whole
//! procurement or a lot, with a message and their offers that fit) or withdraw it; in the
//! editor, the buyer sees the interested firms and downloads them as CSV.

use super::api::{interest_options, plan_interests, SignalInterest, WithdrawInterest};
use crate::components::form::{action_error, FormAlert, SelectField, TextAreaField};
use crate::components::notice::Notice;
use crate::domain::contracts::format_euros;
use crate::domain::programming::{InterestOptions, InterestView, LotView, MAX_MESSAGE};
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn InterestPanel(plan_id: i32, lots: Vec<LotView>) -> impl IntoView {
    let location = use_location();
    let options = Resource::new(
        move || location.search.get(),
        move |_| interest_options(plan_id),
    );
    let query = use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    view! {
        <section class="card" aria-labelledby="interest-h" id="interest">
            <h2 id="interest-h">{t("plan.interest_title")}</h2>
            {move || ok().filter(|k| k.starts_with("interest")).map(|k| view! {
                <Notice>{t(if k == "interest" { "plan.interest_sent" } else { "plan.interest_removed" })}</Notice>
            })}
            <Suspense fallback=|| ()>
                {move || options.get().map(|r| match r {
                    Err(e) => view! { <p class="alert alert--error" role="alert">{t(e.message_key())}</p> }.into_any(),
                    Ok(o) => view! { <Options o plan_id lots=lots.clone() /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Options(o: InterestOptions, plan_id: i32, lots: Vec<LotView>) -> impl IntoView {
    let signal = ServerAction::<SignalInterest>::new();
    let withdraw = ServerAction::<WithdrawInterest>::new();
    let error = action_error(signal);
    if !o.open {
        return view! { <p>{t("plan.interest_closed")}</p> }.into_any();
    }
    if !o.signed_in {
        return view! {
            <p>{t("plan.interest_login")} " " <a href="/connexion">{t("nav.login")}</a></p>
        }
        .into_any();
    }
    if o.orgs.is_empty() {
        return view! { <p>{t("plan.interest_no_business")}</p> }.into_any();
    }
    let orgs: Vec<(String, String)> = o
        .orgs
        .iter()
        .map(|(id, n, _)| (id.to_string(), n.clone()))
        .collect();
    let mut lot_options = vec![(String::new(), t("plan.interest_whole"))];
    lot_options.extend(lots.iter().map(|l| {
        (
            l.id.to_string(),
            format!("{} {} — {}", t("plan.lot"), l.number, l.title),
        )
    }));
    let offers: Vec<(i32, String)> = o
        .orgs
        .iter()
        .flat_map(|(_, _, offers)| offers.clone())
        .collect();
    let has_lots = !lots.is_empty();
    view! {
        {(!o.mine.is_empty()).then(move || view! {
            <ul data-test="my-interests">
                {o.mine.into_iter().map(|i| view! {
                    <li>
                        {t("plan.interest_signalled").replace("%{org}", &i.org_name).replace("%{date}", &i.on)}
                        {i.lot.clone().map(|(n, title)| format!(" ({} {n} — {title})", t("plan.lot")))}
                        " "
                        <ActionForm action=withdraw attr:class="inline-form">
                            <input type="hidden" name="id" value=i.id />
                            <button type="submit" class="button button--small">{t("plan.interest_withdraw")}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
        })}
        <p>{t("plan.interest_help")}</p>
        <ActionForm action=signal attr:class="form" attr:novalidate="">
            <FormAlert error />
            <input type="hidden" name="plan_id" value=plan_id />
            <SelectField name="org_id" field="org_id" label=t("plan.interest_org") options=orgs required=true error />
            {has_lots.then(|| view! {
                <SelectField name="lot" field="lot" label=t("plan.interest_lot") options=lot_options error />
            })}
            <TextAreaField name="message" field="message" label=t("plan.interest_message") hint=t("plan.interest_message_hint") maxlength=MAX_MESSAGE error />
            {(!offers.is_empty()).then(|| view! {
                <fieldset>
                    <legend>{t("plan.interest_offers")}</legend>
                    <div class="checks">
                        {offers.into_iter().map(|(id, title)| {
                            let input = format!("f-interest-offer-{id}");
                            view! {
                                <div class="field field--check">
                                    <input type="checkbox" id=input.clone() name=format!("offers[{id}]") />
                                    <label for=input>{title}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            })}
            <div><button type="submit" class="button button--primary">{t("plan.interest_send")}</button></div>
        </ActionForm>
    }
    .into_any()
}

/// The interested firms, for the buyer (in the editor).
#[component]
pub fn InterestedFirms(plan_id: i32) -> impl IntoView {
    let list = Resource::new(|| (), move |_| plan_interests(plan_id));
    view! {
        <section aria-labelledby="interested-h" id="interested">
            <h2 id="interested-h">{t("plan.interested_title")}</h2>
            <Suspense fallback=|| ()>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <p class="alert alert--error" role="alert">{t(e.message_key())}</p> }.into_any(),
                    Ok(list) => view! { <FirmList plan_id list /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// The interested firms with their CSV: for the buyer in its editor, for a groupement's member
/// on the plan's page.
#[component]
pub fn FirmList(plan_id: i32, list: Vec<InterestView>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty-state">{t("plan.interested_none")}</p> }.into_any();
    }
    view! {
        <p><a class="button" href=format!("/compte/achats/{plan_id}/interesses.csv") download="">{t("plan.interested_csv")}</a></p>
        <ul class="result-list" data-test="interested">
            {list.into_iter().map(|i| view! { <Firm i /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Firm(i: InterestView) -> impl IntoView {
    view! {
        <li class="card result">
            <h3 class="result__title"><a href=format!("/annuaire/{}", i.org_id)>{i.org_name.clone()}</a></h3>
            <p class="result__meta">
                {i.place.clone().unwrap_or_default()}
                {i.inclusive.as_deref().map(|x| format!(" · {}", t(&format!("org.inclusive.{x}"))))}
                " · " {i.on.clone()}
                {i.lot.clone().map(|(n, title)| format!(" · {} {n} — {title}", t("plan.lot")))}
            </p>
            {(!i.message.is_empty()).then(|| view! { <p class="prose">{i.message.clone()}</p> })}
            {(!i.offers.is_empty()).then(|| view! {
                <p>{t("suppliers.offers")} " : "
                    {i.offers.iter().enumerate().map(|(n, (id, title))| view! {
                        <span>{(n > 0).then_some(", ")}<a href=format!("/catalogue/{id}")>{title.clone()}</a></span>
                    }).collect_view()}
                </p>
            })}
            <p class="result__meta">
                {if i.won_contracts == 0 {
                    t("suppliers.won_none")
                } else {
                    format!("{} : {} · {}", t("suppliers.won"), i.won_contracts, format_euros(i.won_cents))
                }}
            </p>
        </li>
    }
}
