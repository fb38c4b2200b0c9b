//! The partner request form: new (`/groupements/nouvelle`, from a planned procurement or one of
//! its lots with `?achat=ID&lot=ID`) and edit (`/groupements/{id}/modifier`).

use super::api::{partner_form_context, CreatePartnerRequest, UpdatePartnerRequest};
use crate::components::form::{
    action_error, typed_form, FormAlert, QualityLabelChecks, SelectField, TextAreaField, TextField,
};
use crate::components::live_check::LiveCheck;
use crate::components::status::LoadError;
use crate::domain::partners::{
    ConsortiumKind, FormContext, PartnerRole, RequestForm, MAX_CAPACITY, MAX_DESCRIPTION, MAX_TITLE,
};
use crate::domain::suggest::SuggestKind;
use crate::domain::validate::errors_in_form;
use crate::error::AppError;
use crate::features::reference::cpv_picker::CpvPicker;
use crate::features::reference::suggest_field::SuggestField;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

fn error_view(e: AppError) -> AnyView {
    view! { <LoadError error=e login=true /> }.into_any()
}

#[component]
pub fn NewPartnerRequestPage() -> impl IntoView {
    let query = use_query_map();
    // `achat` and `lot` from a plan's link; `form[…]` when the CPV search (without JavaScript)
    // sent the form back here.
    let num = move |k: &str, typed: &str| {
        query.with(|q| {
            q.get(k)
                .or_else(|| q.get(typed))
                .and_then(|v| v.parse::<i32>().ok())
        })
    };
    let data = Resource::new(
        move || (num("achat", "form[plan_id]"), num("lot", "form[lot_id]")),
        |(plan, lot)| partner_form_context(plan, lot, None),
    );
    view! {
        <Title text=format!("{} — Passerelle", t("partners.new")) />
        <p><a href="/groupements">{t("partners.title")}</a></p>
        <h1>{t("partners.new")}</h1>
        <p class="lead">{t("partners.new_lead")}</p>
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => error_view(e),
                Ok(ctx) if ctx.orgs.is_empty() => view! {
                    <p class="empty-state">{t("partners.no_business")} " " <a href="/compte/organisations/nouvelle">{t("partners.no_business_link")}</a></p>
                }.into_any(),
                Ok(ctx) => view! { <RequestFormView ctx search_action="/groupements/nouvelle" /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
pub fn EditPartnerRequestPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => partner_form_context(None, None, Some(id)).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=format!("{} — Passerelle", t("partners.edit")) />
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <h1>{t("partners.edit")}</h1> {error_view(e)} }.into_any(),
                Ok(ctx) => {
                    let back = ctx.editing.as_ref().map(|(id, _)| format!("/groupements/{id}")).unwrap_or_default();
                    view! {
                        <p><a href=back>{t("partners.back_to_request")}</a></p>
                        <h1>{t("partners.edit")}</h1>
                        <RequestFormView ctx search_action=format!("/groupements/{}/modifier", id().unwrap_or_default()) />
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
fn RequestFormView(ctx: FormContext, #[prop(into)] search_action: String) -> impl IntoView {
    let query = use_query_map();
    let (words, org) =
        query.with_untracked(|q| (q.get("cpv_q").unwrap_or_default(), q.get("org_id")));
    let mut ctx = ctx;
    if let Some(typed) = typed_form::<RequestForm>(&use_location().search.get_untracked(), "cpv_q")
    {
        ctx.form = typed;
    }
    let create = ServerAction::<CreatePartnerRequest>::new();
    let update = ServerAction::<UpdatePartnerRequest>::new();
    let create_error = action_error(create);
    let update_error = action_error(update);
    let error = Signal::derive(move || create_error.get().or_else(|| update_error.get()));
    let f = ctx.form.clone();
    let roles: Vec<(String, String)> = PartnerRole::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), t(&r.label_key())))
        .collect();
    let kinds: Vec<(String, String)> = ConsortiumKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), t(&k.label_key())))
        .collect();
    let mut lots: Vec<(String, String)> = vec![(String::new(), t("partners.lot_none"))];
    lots.extend(ctx.lots.iter().map(|(id, n, title, cpv)| {
        (
            id.to_string(),
            format!("{} {n} — {title} ({cpv})", t("plan.lot")),
        )
    }));
    // Built inside each form's `LiveCheck`, whose context its fields read when they are made.
    let fields = move || {
        view! {
            <FormAlert error />
            {ctx.plan.clone().map(|(id, title)| view! {
                <p class="alert alert--info">{t("partners.for_plan")} " " <a href=format!("/programmation/{id}")>{title}</a></p>
                <input type="hidden" name="form[plan_id]" value=id />
            })}
            {(!ctx.lots.is_empty()).then(|| view! {
                <SelectField name="form[lot_id]" field="lot_id" label=t("plan.lot") options=lots.clone() selected=f.lot_id.clone() error />
            })}
            <TextField name="form[title]" field="title" label=t("partners.f_title") hint=t("partners.f_title_hint") required=true value=f.title.clone() maxlength=MAX_TITLE error />
            <TextAreaField name="form[description]" field="description" label=t("partners.f_description") hint=t("partners.f_description_hint") value=f.description.clone() maxlength=MAX_DESCRIPTION error />
            <CpvPicker name="form[cpv][]" words_name="cpv_q" id="partner-cpv" label=t("partners.f_cpv") hint=t("cpv_picker.partner_hint")
                words=words chosen=f.cpv.0.clone() search_action=search_action field="cpv" error />
            <fieldset>
                <legend>{t("partners.f_labels")}</legend>
                <QualityLabelChecks chosen=f.labels.clone() />
            </fieldset>
            <TextField name="form[capacity]" field="capacity" label=t("partners.f_capacity") hint=t("partners.f_capacity_hint") value=f.capacity.clone() maxlength=MAX_CAPACITY error />
            <SelectField name="form[role]" field="role" label=t("partners.role") options=roles selected=f.role.clone() hint=t("partners.role_hint") required=true error />
            <SelectField name="form[kind]" field="kind" label=t("partners.kind") options=kinds selected=f.kind.clone() hint=t("partners.kind_hint") required=true error />
            <SuggestField kind=SuggestKind::Commune name="form[commune]" field="commune" label=t("partners.f_commune") hint=t("partners.f_commune_hint") value=f.commune.clone() error />
            <TextField name="form[radius_km]" field="radius_km" label=t("partners.f_radius") value=f.radius_km.clone() error />
            <TextField name="form[deadline]" field="deadline" label=t("partners.f_deadline") hint=t("partners.f_deadline_hint") input_type="date" required=true value=f.deadline.clone() error />
        }
    };
    match ctx.editing.clone() {
        Some((id, org)) => view! {
            <LiveCheck check={errors_in_form::<RequestForm>}>
                <ActionForm action=update attr:class="form" attr:novalidate="">
                    <input type="hidden" name="id" value=id />
                    <p>{t("partners.posted_by")} " " <strong>{org}</strong></p>
                    {fields()}
                    <div><button type="submit" class="button button--primary">{t("partners.save")}</button></div>
                </ActionForm>
            </LiveCheck>
        }.into_any(),
        None => {
            let orgs: Vec<(String, String)> = ctx.orgs.iter().map(|(id, n)| (id.to_string(), n.clone())).collect();
            view! {
                <LiveCheck check={errors_in_form::<RequestForm>}>
                    <ActionForm action=create attr:class="form" attr:novalidate="">
                        <SelectField name="org_id" field="org_id" label=t("partners.f_org") options=orgs selected=org.unwrap_or_default() required=true error />
                        {fields()}
                        <div><button type="submit" class="button button--primary">{t("partners.publish")}</button></div>
                    </ActionForm>
                </LiveCheck>
            }.into_any()
        }
    }
}
