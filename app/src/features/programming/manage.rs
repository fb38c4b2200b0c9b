//! A buyer's programming, for its verified members (`/compte/organisations/{id}/programmation`):
//! every planned procurement with its stage, and the form of a new one. The fields of a planned
//! procurement are one component, shared with its editor.

use super::api::{my_buyer_plans, BuyerProgramme, CreatePlan};
use super::list::Row;
use super::planned_field::PlannedField;
use crate::components::form::{
    action_error, typed_form, FormAlert, SelectField, TextAreaField, TextField,
};
use crate::components::live_check::LiveCheck;
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::components::toggletip::WhatIsIt;
use crate::domain::insertion::InsertionForm;
use crate::domain::offer::LABELS;
use crate::domain::programming::{PlanForm, Procedure, MAX_CONTACT, MAX_DESCRIPTION, MAX_TITLE};
use crate::domain::validate::errors_in_form;
use crate::error::AppError;
use crate::features::insertion::lever::LeverFields;
use crate::features::reference::cpv_picker::CpvPicker;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

#[component]
pub fn BuyerProgrammePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => my_buyer_plans(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=format!("{} — Passerelle", t("plan.mine")) />
        <p><a href="/compte">{t("offer.back_account")}</a></p>
        <h1>{t("plan.mine")}</h1>
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => {
                    let key = (e == AppError::Forbidden).then_some("plan.verified_only");
                    view! { <LoadError error=e key /> }.into_any()
                }
                Ok(p) => view! { <Programme p /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Programme(p: BuyerProgramme) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    let action = ServerAction::<CreatePlan>::new();
    let error = action_error(action);
    view! {
        <p class="lead">{p.org_name.clone()}</p>
        {move || (ok().as_deref() == Some("draft_deleted")).then(|| view! {
            <Notice>{t("plan.draft_deleted")}</Notice>
        })}
        {if p.plans.is_empty() {
            view! { <p class="empty-state">{t("plan.none_yet")}</p> }.into_any()
        } else {
            view! {
                <ul class="result-list" data-test="my-plans">
                    {p.plans.into_iter().map(|row| view! { <Row row /> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <section class="card" aria-labelledby="import-h" id="import">
            <h2 id="import-h">{t("plan.import_title")}</h2>
            <p>{t("plan.import_help")}</p>
            // A plain multipart form: the file goes to the server as it is, with or without JS.
            <form method="post" enctype="multipart/form-data" action=format!("/compte/organisations/{}/programmation/import", p.org_id) class="form">
                <div class="field">
                    <label for="f-pin">{t("plan.import_file")}</label>
                    <p class="field__hint" id="f-pin-hint">{t("plan.import_hint")}</p>
                    <input id="f-pin" name="file" type="file" accept=".xml,application/xml,text/xml" required aria-describedby="f-pin-hint" />
                </div>
                <div><button type="submit" class="button">{t("plan.import_submit")}</button></div>
            </form>
        </section>
        <section aria-labelledby="new-plan">
            <h2 id="new-plan">{t("plan.new_title")}</h2>
            <p>{t("plan.new_intro")}</p>
            <LiveCheck check={errors_in_form::<PlanForm>}>
                <ActionForm action attr:class="form" attr:novalidate="">
                    <FormAlert error />
                    <input type="hidden" name="org_id" value=p.org_id />
                    <PlanFields form=PlanForm::default() search_action=format!("/compte/organisations/{}/programmation#new-plan", p.org_id) error />
                    <div><button type="submit" class="button button--primary">{t("plan.create")}</button></div>
                </ActionForm>
            </LiveCheck>
        </section>
    }
}

/// Every field of a planned procurement, filled with `form` — or with what was typed, when the
/// CPV search (without JavaScript) sent the form back to `search_action` by GET.
#[component]
pub fn PlanFields(
    form: PlanForm,
    #[prop(into)] search_action: String,
    error: Signal<Option<AppError>>,
    /// The insertion hours Passerelle proposes for the stored plan, shown as the hours' hint.
    #[prop(default = None)]
    proposal: Option<crate::domain::insertion::Sizing>,
) -> impl IntoView {
    let search = use_location().search.get_untracked();
    let form = typed_form::<PlanForm>(&search, "plan_cpv_q").unwrap_or(form);
    let words = use_query_map()
        .with_untracked(|q| q.get("plan_cpv_q"))
        .unwrap_or_default();
    let procedures: Vec<(String, String)> = Procedure::ALL
        .iter()
        .map(|p| (p.as_str().to_string(), t(&p.label_key())))
        .collect();
    let reserved = vec![
        (String::new(), t("plan.reserved.none")),
        ("esat_ea".to_string(), t("plan.reserved.esat_ea")),
        ("siae".to_string(), t("plan.reserved.siae")),
    ];
    let check = |name: &'static str, key: &'static str, on: bool| {
        let id = format!("f-{key}");
        view! {
            <div class="field field--check">
                <input type="checkbox" id=id.clone() name=name checked=on />
                <label for=id>{t(&format!("plan.levers.{key}"))}</label>
                <WhatIsIt subject=t(&format!("plan.levers.{key}")) text=t(&format!("plan.guide.{key}")) more=format!("/programmation/guide#{key}") />
            </div>
        }
    };
    view! {
        <TextField name="form[title]" field="title" label=t("plan.title_field") required=true maxlength=MAX_TITLE value=form.title.clone() error />
        <TextAreaField name="form[description]" field="description" label=t("plan.description") maxlength=MAX_DESCRIPTION value=form.description.clone() error />
        <CpvPicker name="form[cpv][]" words_name="plan_cpv_q" id="plan-cpv" label=t("plan.cpv") hint=t("cpv_picker.plan_hint")
            words chosen=form.cpv.0.clone() search_action field="cpv" error />
        <div class="filters__grid">
            <TextField name="form[estimate_min]" field="estimate_min" label=t("plan.estimate_min") hint=t("plan.euros_hint") value=form.estimate_min.clone() error />
            <TextField name="form[estimate_max]" field="estimate_max" label=t("plan.estimate_max") hint=t("plan.euros_hint") value=form.estimate_max.clone() error />
        </div>
        <SelectField name="form[procedure]" field="procedure" label=t("plan.procedure_label") options=procedures selected=form.procedure.clone() required=true error />
        <div class="filters__grid">
            <PlannedField name="form[publication]" field="publication" label=t("plan.publication") hint=t("plan.date_hint") required=true value=form.publication.clone() error />
            <PlannedField name="form[start]" field="start" label=t("plan.start") hint=t("plan.date_hint") value=form.start.clone() error />
            <TextField name="form[duration_months]" field="duration_months" label=t("plan.duration_field") input_type="number" value=form.duration_months.clone() error />
        </div>
        <TextField name="form[contact]" field="contact" label=t("plan.contact") hint=t("plan.contact_hint") maxlength=MAX_CONTACT value=form.contact.clone() error />
        <fieldset class="card">
            <legend>{t("plan.levers_title")}</legend>
            {check("form[allotment]", "allotment", form.allotment.is_some())}
            {check("form[short_chain]", "short_chain", form.short_chain.is_some())}
            {check("form[life_cycle]", "life_cycle", form.life_cycle.is_some())}
            {check("form[co2]", "co2", form.co2.is_some())}
            <fieldset class="insertion-lever">
                <legend>{t("plan.levers.insertion")}</legend>
                <WhatIsIt subject=t("plan.levers.insertion") text=t("plan.guide.insertion") more="/programmation/guide#insertion" />
                <LeverFields names=("form[insertion_kind]".to_string(), "form[insertion_hours]".to_string(), "form[insertion_weight]".to_string()) prefix=""
                    form=InsertionForm { kind: form.insertion_kind.clone(), hours: form.insertion_hours.clone(), weight: form.insertion_weight.clone() } proposal error />
            </fieldset>
            <SelectField name="form[reserved]" field="reserved" label=t("plan.levers.reserved") options=reserved selected=form.reserved.clone() error />
            <fieldset>
                <legend>{t("plan.labels_asked")}</legend>
                <div class="checks">
                    {LABELS.iter().map(|(code, name)| {
                        let id = format!("f-plan-label-{code}");
                        view! {
                            <div class="field field--check">
                                <input type="checkbox" id=id.clone() name=format!("form[labels][{code}]") checked=form.labels.contains_key(*code) />
                                <label for=id>{*name}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </fieldset>
    }
}
