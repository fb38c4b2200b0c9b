//! Sourcing calls: the buyer writes the questions (free text, choice, number) while the call is
//! a draft, opens it (questions frozen), firms' members answer until the deadline (a second
//! answer replaces the first), and the buyer publishes the summary that every firm reads. Until
//! then a firm sees only its own answers.

use super::{
    before_tender, csv_of, managed_plan, manages, mark_sourcing, plan_names, plan_of, read_plan,
};
use crate::domain::ids::{CallId, OrgId, QuestionId, UserId};
use crate::domain::org::OrgKind;
use crate::domain::sourcing::{
    accepts_answers, check_answers, check_question, paris_inputs, paris_instant, paris_text,
    summarise, CallEdit, CallStatus, CallSummary, CallView, Question, QuestionKind, ResponseView,
    MAX_QUESTIONS, MAX_TEXT, MAX_TITLE,
};
use crate::domain::validate::Checker;
use crate::error::{AppError, FieldError};
use crate::server::auth::member_business;
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    organisations, sourcing_answers, sourcing_calls, sourcing_questions, sourcing_responses,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

async fn call_of(db: &impl ConnectionTrait, id: i32) -> Result<sourcing_calls::Model, AppError> {
    sourcing_calls::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

fn status(c: &sourcing_calls::Model) -> CallStatus {
    CallStatus::parse(&c.status).unwrap_or(CallStatus::Draft)
}

/// The call, if the caller runs it.
async fn managed(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> Result<sourcing_calls::Model, AppError> {
    caller.user()?;
    let c = call_of(db, id).await?;
    managed_plan(db, caller, c.plan_id).await?;
    Ok(c)
}

/// A deadline typed in Paris, in the future.
fn deadline(c: &mut Checker, day: &str, time: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match paris_instant(day, time) {
        Ok(t) if t <= now => {
            c.push("call_deadline_day", "sourcing.in_the_past");
            None
        }
        Ok(t) => Some(t),
        Err(e) => {
            let field = if e == crate::domain::sourcing::TimeError::Day {
                "call_deadline_day"
            } else {
                "call_deadline_time"
            };
            c.errors.push(FieldError::new(field, e.key()));
            None
        }
    }
}

/// A new draft call for the plan; its id.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
    title: &str,
    intro: &str,
    deadline_day: &str,
    deadline_time: &str,
) -> Result<i32, AppError> {
    let user = caller.user()?.id;
    let txn = begin_write(db).await?;
    let plan = managed_plan(&txn, caller, plan_id).await?;
    before_tender(&plan, "call_title")?;
    let now = Utc::now();
    let mut c = Checker::new();
    let title = c.required("call_title", title, MAX_TITLE);
    let intro = c.optional("intro", intro, MAX_TEXT).unwrap_or_default();
    let deadline = deadline(&mut c, deadline_day, deadline_time, now);
    c.finish()?;
    let id = sourcing_calls::ActiveModel {
        plan_id: Set(plan_id),
        title: Set(title),
        intro: Set(intro),
        status: Set(CallStatus::Draft.as_str().into()),
        deadline: Set(deadline.ok_or(AppError::BadRequest)?),
        created_by: Set(Some(user)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?
    .id;
    txn.commit().await?;
    Ok(id)
}

/// Changes the title, presentation and deadline (until the summary is published).
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    title: &str,
    intro: &str,
    deadline_day: &str,
    deadline_time: &str,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let call = managed(&txn, caller, id).await?;
    if status(&call) == CallStatus::Published {
        return Err(AppError::field("call_title", "sourcing.call_final"));
    }
    let mut c = Checker::new();
    let title = c.required("call_title", title, MAX_TITLE);
    let intro = c.optional("intro", intro, MAX_TEXT).unwrap_or_default();
    let deadline = deadline(&mut c, deadline_day, deadline_time, Utc::now());
    c.finish()?;
    let mut m: sourcing_calls::ActiveModel = call.into();
    m.title = Set(title);
    m.intro = Set(intro);
    m.deadline = Set(deadline.ok_or(AppError::BadRequest)?);
    m.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Adds a question to a draft call.
pub async fn add_question(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    kind: &str,
    label: &str,
    choices: &str,
    required: bool,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let call = managed(&txn, caller, id).await?;
    if status(&call) != CallStatus::Draft {
        return Err(AppError::field("q_label", "sourcing.questions_frozen"));
    }
    let (kind, label, choices) = check_question(kind, label, choices)?;
    let n = sourcing_questions::Entity::find()
        .filter(sourcing_questions::Column::CallId.eq(id))
        .count(&txn)
        .await?;
    if n as usize >= MAX_QUESTIONS {
        return Err(AppError::Invalid(vec![FieldError::with_arg(
            "q_label",
            "sourcing.questions_too_many",
            MAX_QUESTIONS,
        )]));
    }
    sourcing_questions::ActiveModel {
        call_id: Set(id),
        position: Set(n as i32 + 1),
        kind: Set(kind.as_str().into()),
        label: Set(label),
        choices: Set(choices.join("\n")),
        required: Set(required),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a question of a draft call.
pub async fn remove_question(
    db: &DatabaseConnection,
    caller: &Caller,
    id: CallId,
    question_id: QuestionId,
) -> Result<(), AppError> {
    let (id, question_id) = (id.get(), question_id.get());
    let txn = begin_write(db).await?;
    let call = managed(&txn, caller, id).await?;
    if status(&call) != CallStatus::Draft {
        return Err(AppError::field("q_label", "sourcing.questions_frozen"));
    }
    let gone = sourcing_questions::Entity::delete_many()
        .filter(sourcing_questions::Column::Id.eq(question_id))
        .filter(sourcing_questions::Column::CallId.eq(id))
        .exec(&txn)
        .await?;
    if gone.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    txn.commit().await?;
    Ok(())
}

/// Opens a draft call to the market: it needs a question and a deadline to come. The plan, if
/// only planned, is now in sourcing.
pub async fn open(db: &DatabaseConnection, caller: &Caller, id: i32) -> Result<(), AppError> {
    let user = caller.user()?.id;
    let txn = begin_write(db).await?;
    let call = managed(&txn, caller, id).await?;
    if status(&call) != CallStatus::Draft {
        return Err(AppError::field("open", "sourcing.call_not_draft"));
    }
    let plan = plan_of(&txn, call.plan_id).await?;
    before_tender(&plan, "open")?;
    let n = sourcing_questions::Entity::find()
        .filter(sourcing_questions::Column::CallId.eq(id))
        .count(&txn)
        .await?;
    if n == 0 {
        return Err(AppError::field("open", "sourcing.questions_needed"));
    }
    if call.deadline <= Utc::now() {
        return Err(AppError::field("open", "sourcing.deadline_passed"));
    }
    let mut m: sourcing_calls::ActiveModel = call.into();
    m.status = Set(CallStatus::Open.as_str().into());
    m.opened_at = Set(Some(Utc::now()));
    m.update(&txn).await?;
    mark_sourcing(&txn, &plan, user).await?;
    txn.commit().await?;
    Ok(())
}

/// Publishes the summary (Markdown) of an open call: answers close, every firm reads it with
/// the counts of the answers (never who answered what).
pub async fn publish(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    summary: &str,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let call = managed(&txn, caller, id).await?;
    if status(&call) != CallStatus::Open {
        return Err(AppError::field("summary", "sourcing.call_not_open"));
    }
    let mut c = Checker::new();
    let summary = c.required("summary", summary, MAX_TEXT);
    c.finish()?;
    let mut m: sourcing_calls::ActiveModel = call.into();
    m.summary_html = Set(crate::server::infra::rich_text::render(&summary));
    m.summary = Set(summary);
    m.status = Set(CallStatus::Published.as_str().into());
    m.published_at = Set(Some(Utc::now()));
    m.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// A member of the business `org_id` answers (or answers again, replacing its answers).
pub async fn answer(
    db: &DatabaseConnection,
    user_id: UserId,
    id: CallId,
    org_id: OrgId,
    answers: &BTreeMap<String, String>,
) -> Result<(), AppError> {
    let (user_id, id, org_id) = (user_id.get(), id.get(), org_id.get());
    let txn = begin_write(db).await?;
    member_business(&txn, UserId(user_id), OrgId(org_id)).await?;
    let call = call_of(&txn, id).await?;
    if status(&call) == CallStatus::Draft {
        return Err(AppError::NotFound);
    }
    let now = Utc::now();
    if !accepts_answers(status(&call), call.deadline, now) {
        return Err(AppError::field("org_id", "sourcing.call_closed"));
    }
    let questions = questions(&txn, id).await?;
    let values = check_answers(&questions, answers)?;
    if values.is_empty() {
        return Err(AppError::field("org_id", "sourcing.answer_empty"));
    }
    let existing = sourcing_responses::Entity::find()
        .filter(sourcing_responses::Column::CallId.eq(id))
        .filter(sourcing_responses::Column::OrganisationId.eq(org_id))
        .one(&txn)
        .await?;
    let response_id = match existing {
        Some(r) => {
            sourcing_answers::Entity::delete_many()
                .filter(sourcing_answers::Column::ResponseId.eq(r.id))
                .exec(&txn)
                .await?;
            let rid = r.id;
            let mut m: sourcing_responses::ActiveModel = r.into();
            m.updated_at = Set(now);
            m.submitted_by = Set(Some(user_id));
            m.update(&txn).await?;
            rid
        }
        None => {
            sourcing_responses::ActiveModel {
                call_id: Set(id),
                organisation_id: Set(org_id),
                submitted_by: Set(Some(user_id)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    sourcing_answers::Entity::insert_many(values.into_iter().map(|(q, v)| {
        sourcing_answers::ActiveModel {
            response_id: Set(response_id),
            question_id: Set(q),
            value: Set(v),
            ..Default::default()
        }
    }))
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn questions(db: &impl ConnectionTrait, call_id: i32) -> Result<Vec<Question>, AppError> {
    Ok(sourcing_questions::Entity::find()
        .filter(sourcing_questions::Column::CallId.eq(call_id))
        .order_by_asc(sourcing_questions::Column::Position)
        .order_by_asc(sourcing_questions::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|q| Question {
            id: q.id,
            kind: QuestionKind::parse(&q.kind).unwrap_or(QuestionKind::Text),
            label: q.label,
            choices: q
                .choices
                .lines()
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
            required: q.required,
        })
        .collect())
}

/// The responses to a call (of these firms only, when given), oldest first.
async fn responses(
    db: &impl ConnectionTrait,
    call_id: i32,
    only: Option<&[i32]>,
) -> Result<Vec<ResponseView>, AppError> {
    let mut q =
        sourcing_responses::Entity::find().filter(sourcing_responses::Column::CallId.eq(call_id));
    if let Some(ids) = only {
        q = q.filter(sourcing_responses::Column::OrganisationId.is_in(ids.to_vec()));
    }
    let rows = q
        .order_by_asc(sourcing_responses::Column::Id)
        .all(db)
        .await?;
    let orgs: HashMap<i32, organisations::Model> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(rows.iter().map(|r| r.organisation_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut answers: HashMap<i32, Vec<(i32, String)>> = HashMap::new();
    for a in sourcing_answers::Entity::find()
        .filter(sourcing_answers::Column::ResponseId.is_in(rows.iter().map(|r| r.id)))
        .order_by_asc(sourcing_answers::Column::Id)
        .all(db)
        .await?
    {
        answers
            .entry(a.response_id)
            .or_default()
            .push((a.question_id, a.value));
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let o = orgs.get(&r.organisation_id)?;
            Some(ResponseView {
                id: r.id,
                org_id: o.id,
                org_name: o.name.clone(),
                siret: o.siret.clone(),
                answers: answers.remove(&r.id).unwrap_or_default(),
                updated: paris_text(r.updated_at),
            })
        })
        .collect())
}

/// How many firms answered each of these calls.
async fn answer_counts(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, usize>, AppError> {
    let rows: Vec<(i32, i64)> = sourcing_responses::Entity::find()
        .select_only()
        .column(sourcing_responses::Column::CallId)
        .column_as(sourcing_responses::Column::Id.count(), "n")
        .filter(sourcing_responses::Column::CallId.is_in(ids.to_vec()))
        .group_by(sourcing_responses::Column::CallId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(c, n)| (c, n as usize)).collect())
}

/// Calls as listed.
async fn summaries(
    db: &impl ConnectionTrait,
    rows: Vec<sourcing_calls::Model>,
) -> Result<Vec<CallSummary>, AppError> {
    let names = plan_names(db, rows.iter().map(|c| c.plan_id)).await?;
    let counts = answer_counts(db, &rows.iter().map(|c| c.id).collect::<Vec<_>>()).await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|c| {
            let (plan_title, buyer_id, buyer_name) =
                names.get(&c.plan_id).cloned().unwrap_or_default();
            let st = status(&c);
            CallSummary {
                id: c.id,
                title: c.title,
                plan_id: c.plan_id,
                plan_title,
                buyer_id,
                buyer_name,
                status: st,
                deadline: paris_text(c.deadline),
                open_now: accepts_answers(st, c.deadline, now),
                answers: counts.get(&c.id).copied().unwrap_or(0),
            }
        })
        .collect())
}

/// Calls open to answers at `now`, the nearest deadline first.
pub async fn open_now(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Vec<CallSummary>, AppError> {
    let rows = sourcing_calls::Entity::find()
        .filter(sourcing_calls::Column::Status.eq(CallStatus::Open.as_str()))
        .filter(sourcing_calls::Column::Deadline.gt(now))
        .order_by_asc(sourcing_calls::Column::Deadline)
        .limit(50)
        .all(db)
        .await?;
    summaries(db, rows).await
}

/// Summaries published, the latest first (of one plan, when given).
pub async fn published(
    db: &DatabaseConnection,
    plan_id: Option<i32>,
    limit: u64,
) -> Result<Vec<CallSummary>, AppError> {
    let mut q = sourcing_calls::Entity::find()
        .filter(sourcing_calls::Column::Status.eq(CallStatus::Published.as_str()));
    if let Some(p) = plan_id {
        q = q.filter(sourcing_calls::Column::PlanId.eq(p));
    }
    let rows = q
        .order_by_desc(sourcing_calls::Column::PublishedAt)
        .limit(limit)
        .all(db)
        .await?;
    summaries(db, rows).await
}

/// The calls of these plans, newest first; drafts only when asked (the buyer's board).
pub async fn of_plans(
    db: &DatabaseConnection,
    plan_ids: &[i32],
    with_drafts: bool,
) -> Result<Vec<CallSummary>, AppError> {
    let mut q = sourcing_calls::Entity::find()
        .filter(sourcing_calls::Column::PlanId.is_in(plan_ids.to_vec()));
    if !with_drafts {
        q = q.filter(sourcing_calls::Column::Status.ne(CallStatus::Draft.as_str()));
    }
    let rows = q.order_by_desc(sourcing_calls::Column::Id).all(db).await?;
    summaries(db, rows).await
}

/// A call for whoever reads it. A draft is the buyer's own (others get 404); a firm's members
/// see their own answers; the summary and its counts once published.
pub async fn view(db: &DatabaseConnection, caller: &Caller, id: i32) -> Result<CallView, AppError> {
    let call = call_of(db, id).await?;
    let plan = plan_of(db, call.plan_id).await?;
    let can_manage = manages(caller, &plan);
    let st = status(&call);
    if st == CallStatus::Draft && !can_manage {
        return Err(AppError::NotFound);
    }
    // The groupement's members read every answer; the coordinator reads them in its editor.
    let shared = if !can_manage
        && caller.user.is_some()
        && crate::server::programming::joint::reads(db, caller, &plan).await?
    {
        Some(responses(db, id, None).await?)
    } else {
        None
    };
    let questions = questions(db, id).await?;
    let orgs: Vec<(i32, String)> = caller
        .orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Business.as_str())
        .map(|(_, o)| (o.id, o.name.clone()))
        .collect();
    let mine = if orgs.is_empty() {
        vec![]
    } else {
        let ids: Vec<i32> = orgs.iter().map(|(i, _)| *i).collect();
        responses(db, id, Some(&ids)).await?
    };
    let (summary_html, stats, published_on) = if st == CallStatus::Published {
        let all = responses(db, id, None).await?;
        let answers: Vec<(i32, String)> = all.into_iter().flat_map(|r| r.answers).collect();
        (
            Some(call.summary_html.clone()),
            summarise(&questions, &answers),
            call.published_at.map(|t| t.format("%d/%m/%Y").to_string()),
        )
    } else {
        (None, vec![], None)
    };
    let intro = call.intro.clone();
    let summary = summaries(db, vec![call])
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    Ok(CallView {
        summary,
        intro,
        questions,
        summary_html,
        stats,
        published_on,
        orgs,
        mine,
        shared,
        can_manage,
        signed_in: caller.user.is_some(),
    })
}

/// A call in its editor, with every firm's answers.
pub async fn for_edit(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<CallEdit, AppError> {
    let call = managed(db, caller, id).await?;
    let (deadline_day, deadline_time) = paris_inputs(call.deadline);
    let summary_source = call.summary.clone();
    Ok(CallEdit {
        call: view(db, caller, id).await?,
        deadline_day,
        deadline_time,
        responses: responses(db, id, None).await?,
        summary_source,
    })
}

/// Every firm's answers as CSV: a row a firm, a column a question. For the buyers that read
/// them (`read_plan`).
pub async fn csv(db: &DatabaseConnection, caller: &Caller, id: i32) -> Result<String, AppError> {
    caller.user()?;
    let call = call_of(db, id).await?;
    read_plan(db, caller, call.plan_id).await?;
    let questions = questions(db, id).await?;
    let rows = responses(db, id, None).await?;
    let mut header: Vec<String> = vec!["siret".into(), "entreprise".into(), "date".into()];
    header.extend(questions.iter().map(|q| q.label.clone()));
    let lines: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| {
            let mut line = vec![r.siret, r.org_name, r.updated];
            line.extend(questions.iter().map(|q| {
                r.answers
                    .iter()
                    .find(|(id, _)| *id == q.id)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            }));
            line
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_of(&header, &lines)
}
