//! A planned procurement's editor (`/compte/achats/{id}`), for the buyer's verified members:
//! its stage (publish with the tender's link, cancel with a reason), its fields and levers, its
//! lots. Each part is its own form, so each works without JavaScript.

use super::api::{
    plan_award, plan_for_edit, AddPlanLot, DeleteDraft, LinkPlanContract, RemovePlanLot,
    SetLotInsertion, SetPlanAwardee, SetPlanStatus, UpdatePlan,
};
use super::interest::InterestedFirms;
use super::list::status_class;
use super::manage::PlanFields;
use crate::components::confirm::ConfirmSubmit;
use crate::components::form::{action_error, FormAlert, SelectField, TextField};
use crate::components::live_check::LiveCheck;
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::insertion::{InsertionForm, InsertionView};
use crate::domain::programming::{estimate_text, PlanEdit, PlanStatus, MAX_TITLE};
use crate::domain::programming::{LotView, PlanForm};
use crate::domain::validate::errors_in_form;
use crate::error::AppError;
use crate::features::insertion::lever::{LeverFields, LeverText};
use crate::features::reference::cpv_picker::CpvPicker;
use crate::features::sourcing::buyer::PlanSourcingTools;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

#[component]
pub fn PlanEditorPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let plan = Resource::new(
        move || (id(), location.search.get()),
        |(id, _)| async move {
            match id {
                Some(id) => plan_for_edit(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let query = use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    view! {
        <Title text=format!("{} — Passerelle", t("plan.edit_title")) />
        <Suspense fallback=|| ()>
            {move || plan.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("plan.edit_title") /> }.into_any(),
                Ok(p) => view! {
                    <p><a href=format!("/compte/organisations/{}/programmation", p.buyer_id)>{t("plan.mine")}</a></p>
                    <h1>{p.form.title.clone()}</h1>
                    {ok().map(|k| {
                        if k == "imported" {
                            let ignored = query.with(|q| q.get("cpv_ignores")).and_then(|n| n.parse::<u32>().ok()).unwrap_or(0);
                            return view! {
                                <p class="alert alert--ok" role="status">
                                    {t("plan.imported")}
                                    {(ignored > 0).then(|| format!(" {}", t("plan.imported_cpv_ignored").replace("%{n}", &ignored.to_string())))}
                                </p>
                            }.into_any();
                        }
                        let key = match k.as_str() {
                            "created" => "plan.created",
                            "lot" => "plan.lot_added",
                            "lot_removed" => "plan.lot_removed",
                            "lot_insertion" => "insertion.lot_saved",
                            "saved" => "org.saved",
                            "contract" => "plan.award_saved",
                            "awardee" => "plan.awardee_saved",
                            _ => "plan.status_saved",
                        };
                        view! { <Notice>{t(key)}</Notice> }.into_any()
                    })}
                    <StatusPanel p=p.clone() />
                    {(p.status == PlanStatus::Awarded).then(|| view! { <AwardPanel id=p.id /> })}
                    <InterestedFirms plan_id=p.id />
                    <PlanSourcingTools plan_id=p.id buyer_id=p.buyer_id open=matches!(p.status, PlanStatus::Planned | PlanStatus::Sourcing) />
                    <LotsPanel p=p.clone() />
                    <FieldsPanel p />
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn StatusPanel(p: PlanEdit) -> impl IntoView {
    let action = ServerAction::<SetPlanStatus>::new();
    let error = action_error(action);
    let next: Vec<PlanStatus> = PlanStatus::ALL
        .into_iter()
        .filter(|s| p.status.may_become(*s))
        .collect();
    view! {
        <section class="card" aria-labelledby="plan-stage" data-test="plan-stage">
            <h2 id="plan-stage">{t("plan.status_label")} " : " <span class=status_class(p.status)>{t(&p.status.label_key())}</span></h2>
            {if p.status == PlanStatus::Draft {
                view! { <p class="alert alert--info">{t("plan.draft_help")}</p> }.into_any()
            } else {
                view! { <p><a href=format!("/programmation/{}", p.id)>{t("plan.see_public")}</a></p> }.into_any()
            }}
            {(!next.is_empty()).then(|| view! {
                <ActionForm action attr:class="form" attr:novalidate="">
                    <FormAlert error />
                    <input type="hidden" name="id" value=p.id />
                    <fieldset>
                        <legend>{t("plan.next_stage")}</legend>
                        {next.iter().enumerate().map(|(i, s)| view! {
                            <label class="radio"><input type="radio" name="status" value=s.as_str() checked=i == 0 /> {t(&s.label_key())}</label>
                        }).collect_view()}
                    </fieldset>
                    <TextField name="tender_url" label=t("plan.tender_url") hint=t("plan.tender_url_hint") input_type="url" value=p.tender_url.clone().unwrap_or_default() error />
                    <TextField name="note" label=t("plan.note") hint=t("plan.note_hint") error />
                    <div><button type="submit" class="button button--primary">{t("plan.change_stage")}</button></div>
                </ActionForm>
            })}
            {(p.status == PlanStatus::Draft).then(|| view! { <DeleteDraftForm id=p.id /> })}
        </section>
    }
}

/// An awarded procurement's contract, chosen among its buyer's imported contracts.
#[component]
fn AwardPanel(id: i32) -> impl IntoView {
    let action = ServerAction::<LinkPlanContract>::new();
    let name = ServerAction::<SetPlanAwardee>::new();
    let link = Resource::new(
        move || (action.version().get(), name.version().get()),
        move |_| plan_award(id),
    );
    let error = action_error(action);
    let name_error = action_error(name);
    view! {
        <section class="card" aria-labelledby="award-h" id="award">
            <h2 id="award-h">{t("plan.award_title")}</h2>
            <p>{t("plan.award_help")}</p>
            <Suspense fallback=|| ()>
                {move || link.get().map(|r| match r {
                    Err(e) => view! { <p class="alert alert--error" role="alert">{t(e.message_key())}</p> }.into_any(),
                    Ok(l) => {
                        let current = l.current.clone();
                        let (options, selected) = l.options(t("plan.award_none"));
                        let awardee = l.awardee.clone();
                        let suggestions = l.awardee_suggestions.clone();
                        view! {
                            <h3 id="awardee-h">{t("plan.awardee_title")}</h3>
                            {awardee.clone().map(|(i, n)| view! {
                                <p data-test="award-awardee">{t("plan.awardee_current")} " " <a href=format!("/annuaire/{i}")>{n}</a></p>
                            })}
                            <ActionForm action=name attr:class="form" attr:novalidate="" attr:aria-labelledby="awardee-h">
                                <FormAlert error=name_error />
                                <input type="hidden" name="id" value=id />
                                <TextField name="awardee" field="awardee" label=t("plan.awardee_label") hint=t("plan.awardee_hint")
                                    value=awardee.map(|(_, n)| n).unwrap_or_default() list="awardee-suggestions" error=name_error />
                                <datalist id="awardee-suggestions">
                                    {suggestions.into_iter().map(|n| view! { <option value=n></option> }).collect_view()}
                                </datalist>
                                <div><button type="submit" class="button">{t("plan.awardee_save")}</button></div>
                            </ActionForm>
                            <h3>{t("plan.award_contract_title")}</h3>
                            {current.map(|(i, s)| view! {
                                <p data-test="award-contract">{t("plan.award_current")} " " <a href=format!("/marches/{i}")>{s}</a></p>
                            })}
                            {if l.candidates.is_empty() && l.current.is_none() {
                                view! { <p class="empty-state">{t("plan.award_no_candidates")}</p> }.into_any()
                            } else {
                                view! {
                                    <ActionForm action attr:class="form" attr:novalidate="">
                                        <FormAlert error />
                                        <input type="hidden" name="id" value=id />
                                        <SelectField name="contract" field="contract" label=t("plan.award_contract") options selected error />
                                        <div><button type="submit" class="button">{t("plan.award_save")}</button></div>
                                    </ActionForm>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Deleting an imported draft, once confirmed.
#[component]
fn DeleteDraftForm(id: i32) -> impl IntoView {
    let action = ServerAction::<DeleteDraft>::new();
    let error = action_error(action);
    view! {
        <ActionForm action attr:class="form" attr:novalidate="">
            <FormAlert error />
            <input type="hidden" name="id" value=id />
            <ConfirmSubmit id="draft-delete" name="confirm" value="on" check_label=t("plan.confirm_delete_label")
                button=t("plan.delete_draft") question=t("plan.delete_draft_question") consequence=t("plan.delete_draft_consequence")
                message=Signal::derive(move || error.get().and_then(|e| e.field_error("confirm").cloned()).map(|_| t("plan.confirm_delete"))) />
        </ActionForm>
    }
}

#[component]
fn LotsPanel(p: PlanEdit) -> impl IntoView {
    let add = ServerAction::<AddPlanLot>::new();
    let remove = ServerAction::<RemovePlanLot>::new();
    let error = action_error(add);
    let editable = p.status.editable();
    let id = p.id;
    // Without JavaScript the CPV search sends the lot form back here by GET: what was typed
    // returns in the URL and fills the form again.
    let query = use_query_map();
    let typed = move |k: &str| query.with_untracked(|q| q.get(k)).unwrap_or_default();
    let typed_all = move |k: &str| query.with_untracked(|q| q.get_all(k)).unwrap_or_default();
    view! {
        <section aria-labelledby="lots-h" id="lots">
            <h2 id="lots-h">{t("plan.lots")}</h2>
            {if p.lots.is_empty() {
                view! { <p class="empty-state">{t("plan.lots_none")}</p> }.into_any()
            } else {
                view! {
                    <ol data-test="edit-lots">
                        {p.lots.clone().into_iter().map(|l| view! {
                            <li>
                                <strong>{l.title.clone()}</strong>
                                {(!l.cpv.is_empty()).then(|| format!(" · {}", l.cpv_text()))}
                                {estimate_text(l.estimate_min, l.estimate_max).map(|e| format!(" · {e}"))}
                                {l.insertion.clone().map(|lever| view! { " · " <LeverText lever proposal=l.proposal.clone() /> })}
                                {editable.then(|| view! { <LotInsertionForm id lot=l.clone() /> })}
                                {editable.then(move || view! {
                                    <ActionForm action=remove attr:class="inline-form">
                                        <input type="hidden" name="id" value=id />
                                        <input type="hidden" name="lot_id" value=l.id />
                                        <button type="submit" class="button button--small" aria-label=format!("{} {}", t("plan.remove_lot"), l.title)>{t("plan.remove_lot")}</button>
                                    </ActionForm>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {editable.then(|| view! {
                <h3>{t("plan.add_lot")}</h3>
                <ActionForm action=add attr:class="form" attr:novalidate="">
                    <FormAlert error />
                    <input type="hidden" name="id" value=id />
                    <TextField name="title" field="lot_title" label=t("plan.lot_title") required=true maxlength=MAX_TITLE value=typed("title") error />
                    <CpvPicker name="cpv[]" words_name="lot_cpv_q" id="lot-cpv" label=t("cpv_picker.lot_label") hint=t("cpv_picker.lot_hint")
                        words=typed("lot_cpv_q") chosen=typed_all("cpv[]") search_action=format!("/compte/achats/{id}#lots") field="lot_cpv" error />
                    <div class="filters__grid">
                        <TextField name="estimate_min" field="lot_estimate_min" label=t("plan.estimate_min") hint=t("plan.euros_hint") value=typed("estimate_min") error />
                        <TextField name="estimate_max" field="lot_estimate_max" label=t("plan.estimate_max") hint=t("plan.euros_hint") value=typed("estimate_max") error />
                    </div>
                    <LeverFields names=("insertion[kind]".to_string(), "insertion[hours]".to_string(), "insertion[weight]".to_string()) prefix="lot_"
                        form=InsertionForm { kind: typed("insertion[kind]"), hours: typed("insertion[hours]"), weight: typed("insertion[weight]") } proposal=None error />
                    <div><button type="submit" class="button">{t("plan.add_lot")}</button></div>
                </ActionForm>
            })}
        </section>
    }
}

/// A lot's insertion lever, changed in its own small form (folded until opened).
#[component]
fn LotInsertionForm(id: i32, lot: LotView) -> impl IntoView {
    let action = ServerAction::<SetLotInsertion>::new();
    let error = action_error(action);
    let prefix = format!("lot{}_", lot.id);
    // Open when this lot's form was just refused (without JavaScript the page comes back), so
    // its message is seen.
    let open = matches!(error.get_untracked(), Some(AppError::Invalid(v)) if v.iter().any(|f| f.field.starts_with(&prefix)));
    view! {
        <details class="lot-insertion" id=format!("lot-{}", lot.id) open=open>
            <summary>{t("insertion.lot_edit")} " — " {lot.title.clone()}</summary>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="lot_id" value=lot.id />
                <LeverFields names=("insertion[kind]".to_string(), "insertion[hours]".to_string(), "insertion[weight]".to_string()) prefix
                    form=InsertionView::form(lot.insertion.as_ref()) proposal=lot.proposal.clone() error />
                <div><button type="submit" class="button">{t("insertion.lot_save")}</button></div>
            </ActionForm>
        </details>
    }
}

#[component]
fn FieldsPanel(p: PlanEdit) -> impl IntoView {
    let action = ServerAction::<UpdatePlan>::new();
    let error = action_error(action);
    view! {
        <section aria-labelledby="plan-fields">
            <h2 id="plan-fields">{t("plan.fields_title")}</h2>
            {if p.status.editable() {
                view! {
                    <LiveCheck check={errors_in_form::<PlanForm>}>
                        <ActionForm action attr:class="form" attr:novalidate="">
                            <FormAlert error />
                            <input type="hidden" name="id" value=p.id />
                            <PlanFields form=p.form.clone() search_action=format!("/compte/achats/{}#plan-fields", p.id) error proposal=p.insertion_proposal.clone() />
                            <div><button type="submit" class="button button--primary">{t("org.save")}</button></div>
                        </ActionForm>
                    </LiveCheck>
                }.into_any()
            } else {
                view! { <p>{t("plan.frozen")}</p> }.into_any()
            }}
        </section>
    }
}
