//! A quick consultation's form (`/demandes-de-devis/nouvelle`), for a verified buyer's members:
//! up to five products named by their words (suggested as one types, read back from the words
//! without JavaScript), quantity and unit, the delivery commune by name, the delivery window,
//! the quality wanted and the answers' deadline in Paris time.

use super::api::{quote_buyers, CreateQuote};
use crate::components::form::{action_error, FormAlert, SelectField, TextAreaField, TextField};
use crate::components::live_check::LiveCheck;
use crate::components::status::LoadError;
use crate::domain::food::Unit;
use crate::domain::quotes::{Quality, QuoteForm, MAX_LINES, MAX_PRODUCT, MAX_TEXT, MAX_TITLE};
use crate::domain::suggest::SuggestKind;
use crate::domain::validate::errors_in_form;
use crate::features::reference::suggest_field::SuggestField;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewQuotePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| quote_buyers());
    view! {
        <Title text=format!("{} — Passerelle", t("quotes.new")) />
        <p><a href="/demandes-de-devis">{t("quotes.title")}</a></p>
        <h1>{t("quotes.new")}</h1>
        <p class="lead">{t("quotes.new_lead")}</p>
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e login=true /> }.into_any(),
                Ok(buyers) if buyers.is_empty() => view! {
                    <p class="empty-state">{t("quotes.no_buyer")}</p>
                }.into_any(),
                Ok(buyers) => view! { <QuoteFormView buyers /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn QuoteFormView(buyers: Vec<(i32, String)>) -> impl IntoView {
    let create = ServerAction::<CreateQuote>::new();
    let error = action_error(create);
    let orgs: Vec<(String, String)> = buyers
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    let qualities: Vec<(String, String)> = Quality::ALL
        .iter()
        .map(|q| (q.as_str().to_string(), t(&q.label_key())))
        .collect();
    let units: Vec<(String, String)> = Unit::ALL
        .iter()
        .map(|u| (u.as_str().to_string(), t(&u.label_key())))
        .collect();
    let f = QuoteForm::default();
    view! {
        <LiveCheck check={errors_in_form::<QuoteForm>}>
            <ActionForm action=create attr:class="form" attr:novalidate="">
                <FormAlert error />
                <SelectField name="org_id" field="org_id" label=t("quotes.f_buyer") options=orgs required=true error />
                <TextField name="form[title]" field="title" label=t("quotes.f_title") hint=t("quotes.f_title_hint") required=true maxlength=MAX_TITLE value=f.title error />
                <fieldset class="quote-lines">
                    <legend>{t("quotes.f_products")}</legend>
                    <p class="field__hint">{t("quotes.f_products_hint")}</p>
                    {(0..MAX_LINES).map(|k| {
                        let units = units.clone();
                        let n = (k + 1).to_string();
                        view! {
                            <div class="quote-line" data-test=format!("line-{k}")>
                                <SuggestField kind=SuggestKind::Food name=format!("form[lines][{k}][product]") field=format!("lines.{k}.product")
                                    label=t("quotes.f_product").replace("%{n}", &n) hint=t("quotes.f_product_hint") error />
                                <TextField name=format!("form[lines][{k}][quantity]") field=format!("lines.{k}.quantity")
                                    label=t("quotes.f_quantity").replace("%{n}", &n) maxlength=MAX_PRODUCT error />
                                <SelectField name=format!("form[lines][{k}][unit]") field=format!("lines.{k}.unit")
                                    label=t("quotes.f_unit").replace("%{n}", &n) options=units error />
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <SuggestField kind=SuggestKind::Commune name="form[commune]" field="commune" label=t("quotes.f_commune") hint=t("quotes.f_commune_hint") error />
                <TextField name="form[from]" field="from" label=t("quotes.f_from") input_type="date" required=true error />
                <TextField name="form[to]" field="to" label=t("quotes.f_to") input_type="date" required=true error />
                <SelectField name="form[quality]" field="quality" label=t("quotes.f_quality") options=qualities hint=t("quotes.f_quality_hint") error />
                <TextField name="form[deadline_day]" field="deadline_day" label=t("quotes.f_deadline_day") hint=t("quotes.f_deadline_hint") input_type="date" required=true error />
                <TextField name="form[deadline_time]" field="deadline_time" label=t("quotes.f_deadline_time") input_type="time" required=true value="12:00" error />
                <TextAreaField name="form[details]" field="details" label=t("quotes.f_details") hint=t("quotes.f_details_hint") maxlength=MAX_TEXT error />
                <p class="field__hint">{t("quotes.equal_treatment")}</p>
                <div><button type="submit" class="button button--primary">{t("quotes.send")}</button></div>
            </ActionForm>
        </LiveCheck>
    }
}
