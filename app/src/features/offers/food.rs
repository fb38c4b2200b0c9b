//! The food part of an offer (issue 23): in its editor, the months it is available in, its unit,
//! the delivery days, its signs of quality and the quick consultations' email; on its page and
//! its farm's profile, the seasonal calendar.

use crate::components::form::{CheckGroup, SelectField};
use crate::domain::food::{day_name, month_name, season_words, signs, FoodView, Months, Unit};
use crate::domain::offer::OfferForm;
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;

/// "Septembre" from "septembre".
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The food part of the offer form, for an offer with a food product code. Its hidden `food`
/// field tells the server to read and save it.
#[component]
pub fn FoodFields(f: OfferForm, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let months: Vec<(String, String, bool)> = (1..=12u32)
        .map(|m| {
            let key = m.to_string();
            let ticked = f.months.contains_key(&key);
            (key, capitalised(month_name(m)), ticked)
        })
        .collect();
    let days: Vec<(String, String, bool)> = (1..=7u32)
        .map(|d| {
            let key = d.to_string();
            let ticked = f.days.contains_key(&key);
            (key, capitalised(day_name(d)), ticked)
        })
        .collect();
    let signs: Vec<(String, String, bool)> = signs()
        .iter()
        .map(|s| {
            let counts = t(s.counts_for.label_key());
            (
                s.code.to_string(),
                format!("{} — {counts}", s.name),
                f.labels.contains_key(s.code),
            )
        })
        .collect();
    let units: Vec<(String, String)> = std::iter::once((String::new(), t("food.unit_none")))
        .chain(
            Unit::ALL
                .iter()
                .map(|u| (u.as_str().to_string(), t(&u.label_key()))),
        )
        .collect();
    view! {
        <fieldset id="food" data-test="food-fields">
            <legend>{t("food.fields_title")}</legend>
            <p class="field__hint">{t("food.fields_intro")}</p>
            <input type="hidden" name="form[food]" value="1" />
            <CheckGroup name="form[months]" field="months" legend=t("food.months") hint=t("food.months_hint")
                options=months class="checks--months" error />
            <SelectField name="form[unit]" field="unit" label=t("food.unit_label") hint=t("food.unit_hint")
                options=units selected=f.unit.clone() error />
            <CheckGroup name="form[days]" field="days" legend=t("food.days") hint=t("food.days_hint")
                options=days class="checks--days" error />
            <CheckGroup name="form[labels]" field="labels" legend=t("food.signs") hint=t("food.signs_hint")
                options=signs error />
            <div class="field field--check">
                <input type="checkbox" id="f-quote_alerts" name="form[quote_alerts]" checked=f.quote_alerts.is_some() aria-describedby="f-quote_alerts-hint" />
                <label for="f-quote_alerts">{t("food.quote_alerts")}</label>
            </div>
            <p class="field__hint" id="f-quote_alerts-hint">{t("food.quote_alerts_hint")}</p>
        </fieldset>
    }
}

/// The twelve months, those available marked, with the season in words beside for those who do
/// not see the marks.
#[component]
pub fn SeasonCalendar(months: Months) -> impl IntoView {
    let words = season_words(months);
    view! {
        <div class="season" data-test="season">
            <p class="season__words">{format!("{} {words}", t("food.available"))}</p>
            <ol class="season__months" aria-hidden="true">
                {(1..=12u32).map(|m| {
                    let on = months.contains(m);
                    let initial = capitalised(month_name(m)).chars().next().unwrap_or(' ');
                    view! {
                        <li class="season__month" class:season__month--on=on title=month_name(m)>{initial.to_string()}</li>
                    }
                }).collect_view()}
            </ol>
        </div>
    }
}

/// A food offer's facts on its page: season, unit, delivery days, EGalim.
#[component]
pub fn FoodFacts(food: FoodView) -> impl IntoView {
    let days: Vec<&str> = food.days.list().into_iter().map(day_name).collect();
    let season = food.season.unwrap_or(Months::ALL);
    view! {
        <section aria-labelledby="offer-food" data-test="offer-food">
            <h2 id="offer-food">{t("food.facts_title")}</h2>
            <SeasonCalendar months=season />
            <dl class="facts">
                {food.unit.map(|u| view! { <div><dt>{t("food.unit_label")}</dt><dd>{t(&u.label_key())}</dd></div> })}
                {(!days.is_empty()).then(|| view! { <div><dt>{t("food.days")}</dt><dd>{days.join(", ")}</dd></div> })}
                <div>
                    <dt>{t("food.egalim_title")}</dt>
                    <dd>{t(food.egalim.label_key())}<span class="fact__help">{t("food.egalim_help")}</span></dd>
                </div>
            </dl>
        </section>
    }
}
