//! The offer editor (`/compte/offres/{id}`), for the business's members: status, CPV codes
//! (chosen by words in the shared picker), every field and fact, deletion. Each part is its own
//! form, so each works without JavaScript.

use super::api::{
    offer_for_edit, DeleteOffer, DeleteOfferPhoto, SetOfferCpv, SetOfferStatus, UpdateOffer,
};
use super::food::FoodFields;
use crate::components::confirm::ConfirmSubmit;
use crate::components::form::{
    action_error, FormAlert, QualityLabelChecks, SelectField, TextAreaField, TextField,
};
use crate::components::live_check::LiveCheck;
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::offer::OfferForm;
use crate::domain::offer::{OfferEdit, OfferKind, OfferStatus, MAX_DESCRIPTION, MAX_TITLE};
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

#[component]
pub fn OfferEditorPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    // The query in the key: after a change the page comes back with `?ok=…` and reads the offer
    // again.
    let offer = Resource::new(
        move || (id(), location.search.get()),
        |(id, _)| async move {
            match id {
                Some(id) => offer_for_edit(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let query = use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    view! {
        <Title text=format!("{} — Passerelle", t("offer.edit_title")) />
        <Suspense fallback=|| ()>
            {move || offer.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("offer.edit_title") /> }.into_any(),
                Ok(o) => view! {
                    <p><a href=format!("/compte/organisations/{}/offres", o.organisation_id)>{t("offer.back_list")}</a></p>
                    <h1>{o.form.title.clone()}</h1>
                    {ok().map(|k| {
                        let key = match k.as_str() {
                            "created" => "offer.created",
                            "published" => "offer.published",
                            "archived" => "offer.archived",
                            "draft" => "offer.drafted",
                            "cpv" => "offer.cpv_saved",
                            "photo" => "offer.photo_added",
                            "photo_removed" => "offer.photo_removed",
                            _ => "org.saved",
                        };
                        view! { <Notice>{t(key)}</Notice> }
                    })}
                    <StatusPanel o=o.clone() />
                    <CpvPanel o=o.clone() />
                    <PhotosPanel o=o.clone() />
                    <OfferFields o=o.clone() />
                    <DeletePanel id=o.id />
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn StatusPanel(o: OfferEdit) -> impl IntoView {
    let action = ServerAction::<SetOfferStatus>::new();
    let error = action_error(action);
    let message = move || {
        error
            .get()
            .and_then(|e| e.field_error("cpv").map(|fe| t(&fe.key)))
    };
    let button = |status: OfferStatus, label: &'static str, primary: bool| {
        view! {
            <ActionForm action attr:class="inline-form">
                <input type="hidden" name="id" value=o.id />
                <input type="hidden" name="status" value=status.as_str() />
                <button type="submit" class=if primary { "button button--primary" } else { "button" }>{t(label)}</button>
            </ActionForm>
        }
    };
    view! {
        <section class="card" aria-labelledby="offer-status" data-test="offer-status">
            <h2 id="offer-status">{t("offer.status_title")} " : " {t(&o.status.label_key())}</h2>
            <p>{t(&format!("offer.status_help.{}", o.status.as_str()))}</p>
            {move || message().map(|m| view! { <p class="alert alert--error" role="alert">{m}</p> })}
            <div class="actions">
                {(o.status != OfferStatus::Published).then(|| button(OfferStatus::Published, "offer.publish", true))}
                {(o.status == OfferStatus::Published).then(|| view! {
                    <a class="button" href=format!("/catalogue/{}", o.id)>{t("offer.see_public")}</a>
                })}
                {(o.status == OfferStatus::Published).then(|| button(OfferStatus::Archived, "offer.archive", false))}
                {(o.status == OfferStatus::Archived).then(|| button(OfferStatus::Draft, "offer.to_draft", false))}
            </div>
        </section>
    }
}

#[component]
fn CpvPanel(o: OfferEdit) -> impl IntoView {
    let action = ServerAction::<SetOfferCpv>::new();
    let error = action_error(action);
    // Without JavaScript the picker's search sends this form back here by GET: the words and
    // the boxes ticked so far return in the URL, with the form's own `id` (which tells a form
    // sent back from a link holding only words). Otherwise the picker opens on the saved codes.
    let (words, sent_back, sent) = use_query_map()
        .with_untracked(|q| (q.get("cpv_q"), q.get("id").is_some(), q.get_all("cpv[]")));
    let chosen = if sent_back {
        sent.unwrap_or_default()
    } else {
        o.cpv.iter().map(|(code, _)| code.clone()).collect()
    };
    // With JavaScript a box ticked or unticked is not saved yet: say so beside the button.
    let unsaved = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let ticked = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .is_some_and(|i| i.type_() == "checkbox");
            if ticked {
                unsaved.set(true);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, unsaved);
    };
    let id = o.id;
    view! {
        <section class="card" id="cpv" aria-labelledby="cpv-title">
            <h2 id="cpv-title">{t("offer.cpv_title")}</h2>
            <p>{t("offer.cpv_help")}</p>
            <div on:change=on_change>
                <ActionForm action attr:class="form" attr:novalidate="">
                    <FormAlert error />
                    <input type="hidden" name="id" value=id />
                    <CpvPicker name="cpv[]" words_name="cpv_q" id="offer-cpv" label=t("offer.cpv_label") hint=t("cpv_picker.offer_hint")
                        words=words.unwrap_or_default() chosen search_action=format!("/compte/offres/{id}#cpv") field="cpv" error />
                    <div class="actions">
                        <button type="submit" class="button button--primary">{t("offer.cpv_save")}</button>
                        <p aria-live="polite" class="field__hint">{move || unsaved.get().then(|| t("offer.cpv_unsaved"))}</p>
                    </div>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn PhotosPanel(o: OfferEdit) -> impl IntoView {
    let remove = ServerAction::<DeleteOfferPhoto>::new();
    let id = o.id;
    let full = o.photos.len() as u64 >= crate::domain::offer::MAX_PHOTOS;
    view! {
        <section class="card" id="photos" aria-labelledby="photos-title">
            <h2 id="photos-title">{t("offer.photos_title")}</h2>
            <p>{t("offer.photos_help")}</p>
            {if o.photos.is_empty() {
                view! { <p class="empty-state">{t("offer.photo_none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="photos" data-test="offer-photos">
                        {o.photos.into_iter().map(|p| view! {
                            <li>
                                <img src=p.url.clone() alt=p.alt.clone() width=p.width height=p.height loading="lazy" />
                                <ActionForm action=remove attr:class="inline-form">
                                    <input type="hidden" name="id" value=id />
                                    <input type="hidden" name="photo_id" value=p.id />
                                    <button type="submit" class="button button--small" aria-label=format!("{} : {}", t("offer.photo_remove"), p.alt)>{t("offer.photo_remove")}</button>
                                </ActionForm>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!full).then(|| view! {
                // A plain multipart form: the file goes to the server as it is, with or without
                // JavaScript; the server checks and re-encodes it.
                <form method="post" action=format!("/compte/offres/{id}/photos") enctype="multipart/form-data" class="form">
                    <div class="field">
                        <label for="f-photo">{t("offer.photo_file")}</label>
                        <p class="field__hint" id="f-photo-hint">{t("offer.photo_file_hint")}</p>
                        <input id="f-photo" type="file" name="photo" accept="image/jpeg,image/png,image/webp" required=true aria-describedby="f-photo-hint" />
                    </div>
                    <div class="field">
                        <label for="f-alt">{t("offer.photo_alt")} " *"</label>
                        <p class="field__hint" id="f-alt-hint">{t("offer.photo_alt_hint")}</p>
                        <input id="f-alt" name="alt" maxlength="200" required=true aria-describedby="f-alt-hint" />
                    </div>
                    <div><button type="submit" class="button">{t("offer.photo_submit")}</button></div>
                </form>
            })}
        </section>
    }
}

#[component]
fn OfferFields(o: OfferEdit) -> impl IntoView {
    let action = ServerAction::<UpdateOffer>::new();
    let error = action_error(action);
    let f = o.form.clone();
    let food = o.cpv.iter().any(|(c, _)| crate::domain::food::is_food(c));
    // A food offer ticks its signs of quality in its own group, with what each counts for.
    let except: Vec<&'static str> = if food {
        crate::domain::food::signs()
            .iter()
            .map(|s| s.code)
            .collect()
    } else {
        Vec::new()
    };
    let kinds: Vec<(String, String)> = OfferKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), t(&k.label_key())))
        .collect();
    view! {
        <section aria-labelledby="offer-fields">
            <h2 id="offer-fields">{t("offer.fields_title")}</h2>
            <LiveCheck check={errors_in_form::<OfferForm>}>
                <ActionForm action attr:class="form" attr:novalidate="">
                    <FormAlert error />
                    <input type="hidden" name="id" value=o.id />
                    <TextField name="form[title]" field="title" label=t("offer.title") required=true maxlength=MAX_TITLE value=f.title.clone() error />
                    <SelectField name="form[kind]" field="kind" label=t("offer.kind_label") options=kinds selected=f.kind.clone() required=true error />
                    <TextAreaField name="form[description]" field="description" label=t("offer.description") hint=t("offer.description_hint") value=f.description.clone() maxlength=MAX_DESCRIPTION error />
                    <fieldset>
                        <legend>{t("offer.delivery_title")}</legend>
                        <SuggestField kind=SuggestKind::Commune list=true name="form[delivery_communes]" field="delivery_communes" label=t("offer.delivery_communes") hint=t("offer.delivery_communes_hint") value=f.delivery_communes.clone() error />
                        <SuggestField kind=SuggestKind::Department list=true name="form[delivery_departments]" field="delivery_departments" label=t("offer.delivery_departments") hint=t("offer.delivery_departments_hint") value=f.delivery_departments.clone() error />
                        <TextField name="form[delivery_radius_km]" field="delivery_radius_km" label=t("offer.delivery_radius") hint=t("offer.delivery_radius_hint") input_type="text" value=f.delivery_radius_km.clone() error />
                        <SuggestField kind=SuggestKind::Commune name="form[production_commune]" field="production_commune" label=t("offer.production") hint=t("offer.production_hint") value=f.production_commune.clone() error />
                    </fieldset>
                    {food.then(|| view! { <FoodFields f=f.clone() error /> })}
                    <fieldset>
                        <legend>{t("offer.price_title")}</legend>
                        <TextField name="form[price]" field="price" label=t("offer.price") hint=t("offer.price_hint") value=f.price.clone() error />
                        <TextField name="form[price_unit]" field="price_unit" label=t("offer.price_unit") hint=t("offer.price_unit_hint") value=f.price_unit.clone() error />
                        <TextField name="form[min_order]" field="min_order" label=t("offer.min_order") hint=t("offer.min_order_hint") value=f.min_order.clone() error />
                    </fieldset>
                    <fieldset>
                        <legend>{t("offer.facts_title")}</legend>
                        <p class="field__hint">{t("offer.facts_intro")}</p>
                        <TextField name="form[intermediaries]" field="intermediaries" label=t("offer.intermediaries") hint=t("offer.intermediaries_hint") value=f.intermediaries.clone() error />
                        <TextField name="form[life_years]" field="life_years" label=t("offer.life_years") hint=t("offer.life_years_hint") value=f.life_years.clone() error />
                        <TextField name="form[repairability]" field="repairability" label=t("offer.repairability") hint=t("offer.repairability_hint") value=f.repairability.clone() error />
                        <TextField name="form[spare_parts_years]" field="spare_parts_years" label=t("offer.spare_parts") hint=t("offer.spare_parts_hint") value=f.spare_parts_years.clone() error />
                        <TextField name="form[recycled_percent]" field="recycled_percent" label=t("offer.recycled") hint=t("offer.recycled_hint") value=f.recycled_percent.clone() error />
                        <TextAreaField name="form[end_of_life]" field="end_of_life" label=t("offer.end_of_life") hint=t("offer.end_of_life_hint") value=f.end_of_life.clone() maxlength=1000 error />
                        <TextField name="form[carbon_kg]" field="carbon_kg" label=t("offer.carbon") hint=t("offer.carbon_hint") value=f.carbon_kg.clone() error />
                        <TextField name="form[carbon_method]" field="carbon_method" label=t("offer.carbon_method") value=f.carbon_method.clone() error />
                        <TextField name="form[carbon_source]" field="carbon_source" label=t("offer.carbon_source") value=f.carbon_source.clone() error />
                        <div class="field field--check">
                            <input type="checkbox" id="f-inclusive_production" name="form[inclusive_production]" checked=f.inclusive_production.is_some() aria-describedby="f-inclusive_production-hint" />
                            <label for="f-inclusive_production">{t("offer.inclusive")}</label>
                        </div>
                        <p class="field__hint" id="f-inclusive_production-hint">{t("offer.inclusive_hint")}</p>
                    </fieldset>
                    <fieldset>
                        <legend>{t("offer.labels_title")}</legend>
                        <p class="field__hint">{t("offer.labels_hint")}</p>
                        <QualityLabelChecks chosen=f.labels.clone() except />
                    </fieldset>
                    <div><button type="submit" class="button button--primary">{t("offer.save")}</button></div>
                </ActionForm>
            </LiveCheck>
        </section>
    }
}

#[component]
fn DeletePanel(id: i32) -> impl IntoView {
    let action = ServerAction::<DeleteOffer>::new();
    let error = action_error(action);
    let message = move || {
        error
            .get()
            .and_then(|e| e.field_error("confirm").map(|fe| t(&fe.key)))
    };
    view! {
        <section class="card card--danger" aria-labelledby="offer-delete">
            <h2 id="offer-delete">{t("offer.delete_title")}</h2>
            <p>{t("offer.delete_help")}</p>
            <ActionForm action attr:class="form">
                <input type="hidden" name="id" value=id />
                <ConfirmSubmit id="offer-delete" name="confirm" value="on" check_label=t("offer.delete_confirm")
                    button=t("offer.delete") question=t("offer.delete_question") consequence=t("offer.delete_help")
                    message=Signal::derive(message) />
            </ActionForm>
        </section>
    }
}
