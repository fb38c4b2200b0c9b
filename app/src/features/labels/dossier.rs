//! One application (`/labels/dossiers/{id}`), as its business and the analysts see it: the
//! criteria with the answers and evidence, what the viewer may do now (fill in and send,
//! withdraw; or decide), and the history of every step.

use super::api::{
    label_dossier, DecideLabelApplication, RemoveLabelEvidence, SaveLabelAnswers,
    SubmitLabelApplication, WithdrawLabelApplication,
};
use super::apply::status_class;
use crate::components::confirm::ConfirmSubmit;
use crate::components::form::{action_error, FormAlert};
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::label::{ApplicationStatus, Dossier, DossierCriterion, MAX_ANSWER, MAX_REASON};
use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

/// The message of the error on `field` among the errors given, translated.
fn field_message(errors: &[Signal<Option<AppError>>; 2], field: &str) -> Option<String> {
    errors.iter().find_map(|e| {
        e.get().and_then(|e| {
            e.field_error(field).map(|fe| {
                let text = tr(use_lang(), &fe.key);
                match &fe.arg {
                    Some(a) => text.replace("%{arg}", a),
                    None => text,
                }
            })
        })
    })
}

#[component]
pub fn DossierPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let dossier = Resource::new(
        move || (id(), location.search.get()),
        |(id, _)| async move {
            match id {
                Some(id) => label_dossier(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let query = use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    view! {
        <Title text=format!("{} — Passerelle", t("label.dossier_title")) />
        <Suspense fallback=|| ()>
            {move || dossier.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e title=t("label.dossier_title") /> }.into_any(),
                Ok(d) => view! {
                    {ok().map(|k| {
                        let key = match k.as_str() {
                            "created" => "label.app_created",
                            "answers" => "label.answers_saved",
                            "file" => "label.file_added",
                            "file_removed" => "label.file_removed",
                            "submitted" => "label.app_submitted",
                            "withdrawn" => "label.app_withdrawn",
                            "changes_requested" => "label.decided_changes",
                            "granted" => "label.decided_granted",
                            "refused" => "label.decided_refused",
                            _ => "org.saved",
                        };
                        view! { <Notice>{t(key)}</Notice> }
                    })}
                    <DossierView d />
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn DossierView(d: Dossier) -> impl IntoView {
    let save = ServerAction::<SaveLabelAnswers>::new();
    let submit = ServerAction::<SubmitLabelApplication>::new();
    let errors = [action_error(save), action_error(submit)];
    let editable = d.member && d.status.editable();
    let back = if d.member {
        (
            format!("/compte/organisations/{}/labels", d.org_id),
            t("label.my_labels"),
        )
    } else {
        ("/labels/instruction".to_string(), t("label.queue_title"))
    };
    view! {
        <p><a href=back.0>{back.1}</a></p>
        <h1>{d.scheme.clone()}</h1>
        <p class="lead" data-test="dossier-head">
            <a href=format!("/annuaire/{}", d.org_id)>{d.org_name.clone()}</a>
            {d.offer.clone().map(|(id, title)| view! {
                <span>" — " <a href=format!("/catalogue/{id}")>{title}</a></span>
            })}
            " · " <span class=status_class(d.status) data-test="dossier-status">{t(&d.status.label_key())}</span>
            {d.until.clone().filter(|_| d.status == ApplicationStatus::Granted).map(|u| view! {
                <span>" · " {t("label.badge_until").replace("%{date}", &u)}</span>
            })}
        </p>
        {d.reason.clone().map(|r| view! {
            <div class="alert alert--info" data-test="dossier-reason">
                <p><strong>{t("label.reason_from_analyst")}</strong></p>
                <p class="prose">{r}</p>
            </div>
        })}
        <p><a href=format!("/labels/{}", d.scheme_id)>{t("label.see_referential")}</a></p>
        {editable.then(|| view! { <p>{t("label.fill_in_help")}</p> })}
        <section aria-labelledby="criteria-h" id="criteria">
            <h2 id="criteria-h">{t("label.criteria")}</h2>
            {if editable {
                let criteria = d.criteria.clone();
                view! {
                    <ActionForm action=save attr:class="form" attr:novalidate="" attr:id="answers-form">
                        <FormAlert error=errors[0] />
                        <input type="hidden" name="id" value=d.id />
                        <ol class="criteria">
                            {criteria.into_iter().map(|c| view! { <AnswerField c errors /> }).collect_view()}
                        </ol>
                        <div><button type="submit" class="button">{t("label.save_answers")}</button></div>
                    </ActionForm>
                    <h3>{t("label.evidence_title")}</h3>
                    <p class="field__hint">{t("label.evidence_help")}</p>
                    <ul class="evidence-list">
                        {d.criteria.iter().map(|c| view! { <EvidencePanel id=d.id c=c.clone() errors /> }).collect_view()}
                    </ul>
                }.into_any()
            } else {
                view! {
                    <ol class="criteria" data-test="dossier-answers">
                        {d.criteria.iter().map(|c| view! {
                            <li>
                                <p><strong>{c.criterion.question.clone()}</strong></p>
                                <p class="prose">{if c.answer.is_empty() { t("label.no_answer") } else { c.answer.clone() }}</p>
                                <FileList files=c.files.clone() />
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
        {editable.then(|| view! {
            <section class="card" aria-labelledby="send-h">
                <h2 id="send-h">{t("label.send_title")}</h2>
                <p>{t("label.send_help")}</p>
                <ActionForm action=submit attr:class="inline-form">
                    <FormAlert error=errors[1] />
                    <input type="hidden" name="id" value=d.id />
                    <button type="submit" class="button button--primary">{t("label.send")}</button>
                </ActionForm>
            </section>
        })}
        {(d.member && d.status.live()).then(|| view! { <WithdrawPanel id=d.id granted=d.status == ApplicationStatus::Granted /> })}
        {d.reviewer.then(|| view! { <DecisionPanel id=d.id status=d.status /> })}
        <section aria-labelledby="history-h">
            <h2 id="history-h">{t("label.history")}</h2>
            <ol class="history" data-test="dossier-history">
                {d.events.iter().map(|e| view! {
                    <li>
                        <time>{e.at.clone()}</time> " — " {t(&e.action.label_key())}
                        {e.actor.clone().map(|a| format!(" ({a})"))}
                        {e.note.clone().map(|n| view! { <span class="history__note">" : " {n}</span> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn AnswerField(c: DossierCriterion, errors: [Signal<Option<AppError>>; 2]) -> impl IntoView {
    let field = format!("answer-{}", c.criterion.id);
    let id = format!("f-{field}");
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = {
        let field = field.clone();
        Signal::derive(move || field_message(&errors, &field))
    };
    let has_evidence = c.criterion.evidence.is_some();
    view! {
        <li class="field" class:field--error=move || message.get().is_some()>
            <label for=id.clone()>{c.criterion.question.clone()}</label>
            {c.criterion.evidence.clone().map(|e| view! {
                <p class="field__hint" id=hint_id.clone()>{t("label.evidence_asked")} " : " {e}</p>
            })}
            <textarea
                id=id.clone()
                name=format!("answers[{}]", c.criterion.id)
                maxlength=MAX_ANSWER
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby={
                    let (err_id, hint_id) = (err_id.clone(), hint_id.clone());
                    move || {
                        let ids: Vec<String> = has_evidence.then(|| hint_id.clone()).into_iter()
                            .chain(message.get().map(|_| err_id.clone())).collect();
                        (!ids.is_empty()).then(|| ids.join(" "))
                    }
                }
            >{c.answer.clone()}</textarea>
            {move || message.get().map(|m| view! { <p class="field__error" id=err_id.clone()>{m}</p> })}
        </li>
    }
}

#[component]
fn FileList(files: Vec<crate::domain::label::EvidenceView>) -> impl IntoView {
    (!files.is_empty()).then(|| {
        view! {
            <ul class="files">
                {files.into_iter().map(|f| view! {
                    <li><a href=f.url.clone() download="">{f.name.clone()}</a> " (" {f.size.clone()} ")"</li>
                }).collect_view()}
            </ul>
        }
    })
}

/// A criterion's files, and the plain multipart form that adds one (works without JavaScript).
#[component]
fn EvidencePanel(
    id: i32,
    c: DossierCriterion,
    errors: [Signal<Option<AppError>>; 2],
) -> impl IntoView {
    let remove = ServerAction::<RemoveLabelEvidence>::new();
    let cid = c.criterion.id;
    let field = format!("file-{cid}");
    let input_id = format!("f-{field}");
    let err_id = format!("{input_id}-error");
    let message = Signal::derive(move || field_message(&errors, &field));
    view! {
        <li class="card" data-test="evidence">
            <p><strong>{c.criterion.question.clone()}</strong></p>
            {c.criterion.evidence.clone().map(|e| view! { <p class="field__hint">{t("label.evidence_asked")} " : " {e}</p> })}
            {(!c.files.is_empty()).then(move || view! {
                <ul class="files">
                    {c.files.into_iter().map(|f| view! {
                        <li>
                            <a href=f.url.clone() download="">{f.name.clone()}</a> " (" {f.size.clone()} ") "
                            <ActionForm action=remove attr:class="inline-form">
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="evidence_id" value=f.id />
                                <button type="submit" class="button button--small" aria-label=format!("{} {}", t("label.remove_file"), f.name)>{t("label.remove_file")}</button>
                            </ActionForm>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <form method="post" enctype="multipart/form-data" action=format!("/labels/dossiers/{id}/pieces") class="inline-form">
                <input type="hidden" name="criterion" value=cid />
                <label for=input_id.clone()>{t("label.add_file")}</label>
                <input
                    id=input_id.clone()
                    type="file"
                    name="file"
                    accept="application/pdf,image/jpeg,image/png"
                    required
                    aria-describedby={let err_id = err_id.clone(); move || message.get().is_some().then(|| err_id.clone())}
                />
                <button type="submit" class="button button--small">{t("label.upload")}</button>
                {move || message.get().map(|m| view! { <p class="field__error" id=err_id.clone()>{m}</p> })}
            </form>
        </li>
    }
}

#[component]
fn WithdrawPanel(id: i32, granted: bool) -> impl IntoView {
    let action = ServerAction::<WithdrawLabelApplication>::new();
    let error = action_error(action);
    let confirm_error = move || {
        error
            .get()
            .and_then(|e| e.field_error("confirm").map(|f| t(&f.key)))
    };
    view! {
        <section class="card card--danger" aria-labelledby="withdraw-h">
            <h2 id="withdraw-h">{t(if granted { "label.renounce_title" } else { "label.withdraw_title" })}</h2>
            <ActionForm action attr:class="form">
                <FormAlert error />
                <input type="hidden" name="id" value=id />
                <div class="field">
                    <label for="w-reason">{t("label.withdraw_reason")}</label>
                    <textarea id="w-reason" name="reason" maxlength=MAX_REASON></textarea>
                </div>
                <ConfirmSubmit id="withdraw" name="confirm" value="yes" check_label=t("label.withdraw_confirm")
                    button=t(if granted { "label.renounce" } else { "label.withdraw" })
                    question=t(if granted { "label.renounce_question" } else { "label.withdraw_question" })
                    consequence=t(if granted { "label.renounce_consequence" } else { "label.withdraw_consequence" })
                    message=Signal::derive(confirm_error) />
            </ActionForm>
        </section>
    }
}

/// The analyst's decision: on a sent application, ask for changes, grant or refuse; on a granted
/// label, withdraw it. A reason is required for all but granting.
#[component]
fn DecisionPanel(id: i32, status: ApplicationStatus) -> impl IntoView {
    let action = ServerAction::<DecideLabelApplication>::new();
    let error = action_error(action);
    let reason_error = move || {
        error
            .get()
            .and_then(|e| e.field_error("reason").map(|f| t(&f.key)))
    };
    let choices: &[&str] = match status {
        ApplicationStatus::Submitted => &["granted", "changes_requested", "refused"],
        ApplicationStatus::Granted => &["withdrawn"],
        _ => &[],
    };
    (!choices.is_empty()).then(|| {
        view! {
            <section class="card" aria-labelledby="decide-h" data-test="decision">
                <h2 id="decide-h">{t("label.decide_title")}</h2>
                <ActionForm action attr:class="form" attr:novalidate="">
                    <FormAlert error />
                    <input type="hidden" name="id" value=id />
                    {if choices.len() == 1 {
                        view! { <input type="hidden" name="action" value=choices[0] /> }.into_any()
                    } else {
                        view! {
                            <fieldset>
                                <legend>{t("label.decision")}</legend>
                                {choices.iter().enumerate().map(|(i, c)| view! {
                                    <label class="radio"><input type="radio" name="action" value=*c checked=i == 0 /> {t(&format!("label.decide.{c}"))}</label>
                                }).collect_view()}
                            </fieldset>
                        }.into_any()
                    }}
                    <div class="field" class:field--error=move || reason_error().is_some()>
                        <label for="d-reason">{t("label.reason")}</label>
                        <p class="field__hint" id="d-reason-hint">{t("label.reason_hint")}</p>
                        <textarea id="d-reason" name="reason" maxlength=MAX_REASON aria-describedby="d-reason-hint"
                            aria-invalid=move || reason_error().is_some().then_some("true")></textarea>
                        {move || reason_error().map(|m| view! { <p class="field__error">{m}</p> })}
                    </div>
                    <div><button type="submit" class="button button--primary">{t(if status == ApplicationStatus::Granted { "label.decide.withdrawn" } else { "label.decide_submit" })}</button></div>
                </ActionForm>
            </section>
        }
    })
}
