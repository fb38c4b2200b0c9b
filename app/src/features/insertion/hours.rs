//! Insertion hours worked on an awarded plan (`/programmation/{id}#heures-insertion`): planned
//! against done for everyone; the entries, the form that records them, and the buttons that
//! validate or remove them for the plan's buyer, awardee and facilitators.

use super::api::{plan_hours, RecordHours, RemoveHours, ValidateHours};
use crate::components::confirm::ConfirmSubmit;
use crate::components::form::{action_error, FormAlert, SelectField, TextField};
use crate::components::notice::Notice;
use crate::domain::insertion::thousands;
use crate::domain::insertion_hours::{progress_text, HourKind, HoursEntry, HoursRole, HoursView};
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The hours panel of a plan; nothing before award or without an insertion lever.
#[component]
pub fn PlanHours(plan_id: i32) -> impl IntoView {
    let record = ServerAction::<RecordHours>::new();
    let validate = ServerAction::<ValidateHours>::new();
    let remove = ServerAction::<RemoveHours>::new();
    let data = Resource::new(
        move || {
            (
                record.version().get(),
                validate.version().get(),
                remove.version().get(),
            )
        },
        move |_| plan_hours(plan_id),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || data.get().and_then(Result::ok).flatten().map(|h| view! {
                <Hours plan_id h record validate remove />
            })}
        </Suspense>
    }
}

#[component]
fn Hours(
    plan_id: i32,
    h: HoursView,
    record: ServerAction<RecordHours>,
    validate: ServerAction<ValidateHours>,
    remove: ServerAction<RemoveHours>,
) -> impl IntoView {
    let query = use_query_map();
    let done_notice = move || {
        query.with(|q| match q.get("ok").as_deref() {
            Some("hours_recorded") => Some(t("insertion.hours.recorded")),
            Some("hours_validated") => Some(t("insertion.hours.validated")),
            Some("hours_removed") => Some(t("insertion.hours.removed")),
            _ => None,
        })
    };
    let can_record = h.can_record();
    let by_kind: Vec<(HourKind, i64)> = h.by_kind.iter().copied().filter(|(_, n)| *n > 0).collect();
    let share = (h.planned > 0).then(|| (h.done * 100 / h.planned).min(100));
    view! {
        <section aria-labelledby="heures-insertion-title" id="heures-insertion" data-test="insertion-hours">
            <h2 id="heures-insertion-title">{t("insertion.hours.title")}</h2>
            <p>{t("insertion.hours.lead")}</p>
            {if h.awardees.is_empty() {
                h.role.is_some().then(|| view! { <p data-test="hours-no-awardee">{t("insertion.hours.no_awardee")}</p> }.into_any())
            } else {
                Some(view! {
                    <p data-test="hours-awardee">{t("insertion.hours.awardee")} " "
                        {h.awardees.iter().enumerate().map(|(i, (id, name))| view! {
                            {(i > 0).then_some(", ")}<a href=format!("/annuaire/{id}")>{name.clone()}</a>
                        }).collect_view()}
                    </p>
                }.into_any())
            }}
            <p class="lead">
                // A criterion alone plans no hours: what was done is still said.
                <span id="hours-progress-label">{t(if h.planned > 0 { "insertion.hours.progress_label" } else { "insertion.hours.done_label" })}</span> " "
                <strong data-test="hours-progress">{if h.planned > 0 { progress_text(h.done, h.planned) } else { format!("{}\u{a0}h", thousands(h.done)) }}</strong>
                {share.map(|s| format!(" ({s}\u{a0}%)"))}
            </p>
            {share.map(|s| view! {
                <progress max="100" value=s aria-labelledby="hours-progress-label">{format!("{s}\u{a0}%")}</progress>
            })}
            {(h.pending > 0).then(|| view! {
                <p data-test="hours-pending">{t("insertion.hours.pending").replace("%{n}", &thousands(h.pending))}</p>
            })}
            {h.late.then(|| view! {
                <p class="alert alert--warn" data-test="hours-late">{t("insertion.hours.late")}</p>
            })}
            {(!by_kind.is_empty()).then(|| view! {
                <ul data-test="hours-by-kind">
                    {by_kind.into_iter().map(|(k, n)| view! {
                        <li>{t(&k.label_key())} " : " {format!("{}\u{a0}h", thousands(n))}</li>
                    }).collect_view()}
                </ul>
            })}
            {move || done_notice().map(|m| view! { <Notice>{m}</Notice> })}
            {h.role.map(|role| view! {
                <Entries entries=h.entries.clone() role validate remove />
            })}
            {can_record.then(|| view! {
                <RecordForm plan_id lots=h.lots.clone() this_month=h.this_month.clone() record />
            })}
        </section>
    }
}

#[component]
fn Entries(
    entries: Vec<HoursEntry>,
    role: HoursRole,
    validate: ServerAction<ValidateHours>,
    remove: ServerAction<RemoveHours>,
) -> impl IntoView {
    let validate_error = action_error(validate);
    let remove_error = action_error(remove);
    let confirm_message = move || {
        remove_error
            .get()
            .and_then(|e| e.field_error("confirm").map(|fe| t(&fe.key)))
    };
    let who = match role {
        HoursRole::Facilitator => t("insertion.hours.you_validate"),
        HoursRole::Awardee => t("insertion.hours.you_record"),
        HoursRole::Buyer => t("insertion.hours.you_read"),
    };
    view! {
        <p>{who}</p>
        <FormAlert error=validate_error />
        <FormAlert error=remove_error />
        {if entries.is_empty() {
            view! { <p class="empty-state">{t("insertion.hours.entries_none")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=t("insertion.hours.entries_title")>
                    <table class="data" data-test="hours-entries">
                        <caption>{t("insertion.hours.entries_title")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t("insertion.hours.period_label")}</th>
                                <th scope="col">{t("insertion.hours.kind_label")}</th>
                                <th scope="col" class="num">{t("insertion.hours.hours_label")}</th>
                                <th scope="col">{t("insertion.hours.state")}</th>
                                <th scope="col"><span class="visually-hidden">{t("insertion.hours.actions")}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {entries.into_iter().map(|e| {
                                let id = e.id;
                                let state = match &e.validated {
                                    Some((who, at)) => t("insertion.hours.validated_by")
                                        .replace("%{who}", who.as_deref().unwrap_or("—"))
                                        .replace("%{at}", at),
                                    None => t("insertion.hours.waiting"),
                                };
                                let recorded = t("insertion.hours.recorded_by")
                                    .replace("%{who}", e.recorded_by.as_deref().unwrap_or("—"))
                                    .replace("%{at}", &e.recorded_at);
                                view! {
                                    <tr>
                                        <th scope="row">{e.period.clone()}</th>
                                        <td>{t(&e.kind.label_key())}{e.lot.map(|l| view! { <br /><small>{l}</small> })}</td>
                                        <td class="num">{format!("{}\u{a0}h", thousands(e.hours as i64))}</td>
                                        <td>{state}<br /><small>{recorded}</small></td>
                                        <td>
                                            {e.can_validate.then(|| view! {
                                                <ActionForm action=validate attr:class="inline-form">
                                                    <input type="hidden" name="id" value=id />
                                                    <button type="submit" class="button button--small"
                                                        aria-label=format!("{} {} {}", t("insertion.hours.validate"), e.period, format!("{}\u{a0}h", e.hours))>
                                                        {t("insertion.hours.validate")}
                                                    </button>
                                                </ActionForm>
                                            })}
                                            {e.can_remove.then(|| view! {
                                                <ActionForm action=remove attr:class="inline-form">
                                                    <input type="hidden" name="id" value=id />
                                                    <ConfirmSubmit id=format!("hours-remove-{id}") name="confirm" value="on"
                                                        check_label=t("insertion.hours.remove_confirm")
                                                        button=t("insertion.hours.remove") question=t("insertion.hours.remove_question")
                                                        consequence=t("insertion.hours.remove_consequence")
                                                        message=Signal::derive(confirm_message) />
                                                </ActionForm>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

#[component]
fn RecordForm(
    plan_id: i32,
    lots: Vec<(i32, String)>,
    this_month: String,
    record: ServerAction<RecordHours>,
) -> impl IntoView {
    let error = action_error(record);
    let kinds: Vec<(String, String)> = std::iter::once((String::new(), t("sourcing.choose")))
        .chain(
            HourKind::ALL
                .into_iter()
                .map(|k| (k.as_str().to_string(), t(&k.label_key()))),
        )
        .collect();
    let lot_options: Vec<(String, String)> =
        std::iter::once((String::new(), t("insertion.hours.lot_all")))
            .chain(
                lots.iter()
                    .map(|(id, title)| (id.to_string(), title.clone())),
            )
            .collect();
    view! {
        <h3 id="hours-record-title">{t("insertion.hours.record_title")}</h3>
        <ActionForm action=record attr:class="form" attr:novalidate="" attr:aria-labelledby="hours-record-title">
            <FormAlert error />
            <input type="hidden" name="plan_id" value=plan_id />
            <TextField name="period" field="period" label=t("insertion.hours.period_label") input_type="month"
                hint=t("insertion.hours.period_hint") value=this_month required=true error />
            <SelectField name="kind" field="kind" label=t("insertion.hours.kind_label") options=kinds required=true error />
            <TextField name="hours" field="hours" label=t("insertion.hours.count_label") input_type="number"
                hint=t("insertion.hours.hours_hint") required=true error />
            {(!lots.is_empty()).then(|| view! {
                <SelectField name="lot" field="lot" label=t("insertion.hours.lot_label") options=lot_options error />
            })}
            <div><button type="submit" class="button">{t("insertion.hours.record")}</button></div>
        </ActionForm>
    }
}
