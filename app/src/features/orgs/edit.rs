//! An owner edits the organisation's profile (`/compte/organisations/{id}`): everything the
//! directory shows, but not the SIRET or the kind.

use super::api::{organisation_for_edit, UpdateOrganisation};
use super::pages::size_and_inclusive_options;
use crate::components::form::{action_error, FormAlert, SelectField, TextField};
use crate::components::live_check::LiveCheck;
use crate::components::status::LoadError;
use crate::domain::org::OrgEdit;
use crate::domain::org::OrgForm;
use crate::domain::suggest::SuggestKind;
use crate::domain::validate::errors_in_form;
use crate::features::reference::suggest_field::SuggestField;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn EditOrganisationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let org = Resource::new(id, |id| async move {
        match id {
            Some(id) => organisation_for_edit(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <Title text=format!("{} — Passerelle", t("org.edit_title")) />
        <h1>{t("org.edit_title")}</h1>
        <Suspense fallback=|| ()>
            {move || org.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(o) => view! { <EditForm o /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn EditForm(o: OrgEdit) -> impl IntoView {
    let action = ServerAction::<UpdateOrganisation>::new();
    let error = action_error(action);
    let (sizes, inclusive) = size_and_inclusive_options();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    view! {
        <p>{t("org.edit_intro")}</p>
        <p><strong>{o.name.clone()}</strong> " · " {t(o.kind.label_key())} " · SIRET " {o.siret.clone()}</p>
        <LiveCheck check={errors_in_form::<OrgForm>}>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                <input type="hidden" name="id" value=o.id />
                // Required by the form's shape; the server keeps the stored SIRET and kind.
                <input type="hidden" name="form[kind]" value=o.kind.as_str() />
                <input type="hidden" name="form[siret]" value=o.siret.clone() />
                <TextField name="form[name]" field="name" label=t("org.name") required=true value=o.name.clone() error />
                <SuggestField kind=SuggestKind::Naf name="form[naf_code]" field="naf_code" label=t("org.naf") hint=t("org.naf_hint") value=text(&o.naf_code) error />
                <SuggestField kind=SuggestKind::Commune name="form[commune]" field="commune" label=t("org.commune") hint=t("org.commune_hint") value=text(&o.commune) error />
                <SelectField name="form[size]" field="size" label=t("org.size_label") options=sizes selected=text(&o.size) error />
                <SelectField name="form[inclusive]" field="inclusive" label=t("org.inclusive_label") options=inclusive selected=text(&o.inclusive) error />
                <TextField name="form[capacity]" field="capacity" label=t("org.capacity") hint=t("org.capacity_hint") value=o.capacity_eur.map(|n| n.to_string()).unwrap_or_default() error />
                <TextField name="form[website]" field="website" label=t("org.website") input_type="url" value=text(&o.website) error />
                <div class="field">
                    <label for="f-description">{t("org.description")}</label>
                    <textarea id="f-description" name="form[description]" maxlength=crate::domain::org::MAX_DESCRIPTION>{text(&o.description)}</textarea>
                </div>
                <div class="field field--check">
                    <input type="checkbox" id="f-is_public" name="form[is_public]" checked=o.is_public />
                    <label for="f-is_public">{t("org.is_public")}</label>
                </div>
                <div><button type="submit" class="button button--primary">{t("org.edit_submit")}</button></div>
            </ActionForm>
        </LiveCheck>
    }
}
