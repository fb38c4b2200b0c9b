//! The territorial label on the server: referentials (analysts write them), applications
//! (members of a business write them, analysts decide), evidence rows, the history of every
//! step, expiry, and the badges shown beside offers and businesses. Every step checks the
//! caller's right and the application's status (`domain::label::next`) inside its transaction,
//! and writes its event in the same transaction.

pub mod http;

use crate::domain::label::{
    self, check_criterion, check_reason, file_size, next, Actor, ApplicationStatus,
    ApplicationSummary, CriterionView, Dossier, DossierCriterion, EventView, EvidenceView, Holder,
    LabelAction, LabelBadge, LabelTarget, OrgLabels, SchemeForm, SchemeStatus, SchemeSummary,
    SchemeView, MAX_ANSWER, MAX_CRITERIA,
};
use crate::error::{AppError, FieldError};
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    label_answers, label_applications, label_criteria, label_events, label_evidence, label_schemes,
    offers, organisations, users,
};
use crate::server::offers::member_business;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

fn day(d: DateTime<Utc>) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The folder of evidence files (never served as they are: see the server's `evidence` route).
pub fn folder(media_dir: &Path) -> PathBuf {
    media_dir.join("evidence")
}

/// Whether `name` is a name the server gives to evidence: 32 lower-case hex digits and `.pdf`,
/// `.jpg` or `.png`.
pub fn is_stored_name(name: &str) -> bool {
    let Some((stem, ext)) = name.split_once('.') else {
        return false;
    };
    stem.len() == 32
        && stem
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && matches!(ext, "pdf" | "jpg" | "png")
}

pub fn evidence_url(file_name: &str) -> String {
    format!("/labels/pieces/{file_name}")
}

async fn scheme_of(db: &impl ConnectionTrait, id: i32) -> Result<label_schemes::Model, AppError> {
    label_schemes::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn criteria_of(
    db: &impl ConnectionTrait,
    scheme_id: i32,
) -> Result<Vec<label_criteria::Model>, AppError> {
    label_criteria::Entity::find()
        .filter(label_criteria::Column::SchemeId.eq(scheme_id))
        .order_by_asc(label_criteria::Column::Position)
        .order_by_asc(label_criteria::Column::Id)
        .all(db)
        .await
        .map_err(AppError::from)
}

fn criterion_view(c: label_criteria::Model) -> CriterionView {
    CriterionView {
        id: c.id,
        question: c.question,
        evidence: c.evidence,
    }
}

/// The name is the referential's identity for businesses and buyers: two cannot share it.
async fn name_is_free(
    db: &impl ConnectionTrait,
    name: &str,
    except: Option<i32>,
) -> Result<bool, AppError> {
    let mut q = label_schemes::Entity::find().filter(label_schemes::Column::Name.eq(name));
    if let Some(id) = except {
        q = q.filter(label_schemes::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_none())
}

// ---------------------------------------------------------------- referentials (analysts)

/// Every referential with its counts, drafts first then by name.
pub async fn schemes(db: &DatabaseConnection, all: bool) -> Result<Vec<SchemeSummary>, AppError> {
    let mut q = label_schemes::Entity::find().order_by_asc(label_schemes::Column::Name);
    if !all {
        q = q.filter(label_schemes::Column::Status.ne(SchemeStatus::Draft.as_str()));
    }
    let rows = q.all(db).await?;
    let now = Utc::now();
    let mut out = Vec::with_capacity(rows.len());
    for s in rows {
        let criteria = label_criteria::Entity::find()
            .filter(label_criteria::Column::SchemeId.eq(s.id))
            .count(db)
            .await? as usize;
        let of_scheme = || {
            label_applications::Entity::find().filter(label_applications::Column::SchemeId.eq(s.id))
        };
        let holders = of_scheme()
            .filter(label_applications::Column::Status.eq(ApplicationStatus::Granted.as_str()))
            .filter(label_applications::Column::ExpiresAt.gt(now))
            .count(db)
            .await?;
        let waiting = of_scheme()
            .filter(label_applications::Column::Status.eq(ApplicationStatus::Submitted.as_str()))
            .count(db)
            .await?;
        let (Some(target), Some(status)) = (
            LabelTarget::parse(&s.target),
            SchemeStatus::parse(&s.status),
        ) else {
            continue;
        };
        out.push(SchemeSummary {
            id: s.id,
            name: s.name,
            target,
            validity_months: s.validity_months,
            status,
            criteria,
            holders,
            waiting,
        });
    }
    Ok(out)
}

pub async fn create_scheme(
    db: &DatabaseConnection,
    analyst_id: i32,
    form: &SchemeForm,
) -> Result<i32, AppError> {
    let input = form.check()?;
    let txn = begin_write(db).await?;
    if !name_is_free(&txn, &input.name, None).await? {
        return Err(AppError::field("name", "label.name_taken"));
    }
    let now = Utc::now();
    let s = label_schemes::ActiveModel {
        name: Set(input.name),
        description: Set(input.description),
        target: Set(input.target.as_str().into()),
        validity_months: Set(input.validity_months),
        status: Set(SchemeStatus::Draft.as_str().into()),
        created_by: Set(Some(analyst_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(s.id)
}

/// Name, description and validity can change at any time (labels already granted keep their
/// end date); the target only while the referential is a draft.
pub async fn update_scheme(
    db: &DatabaseConnection,
    id: i32,
    form: &SchemeForm,
) -> Result<(), AppError> {
    let input = form.check()?;
    let txn = begin_write(db).await?;
    let s = scheme_of(&txn, id).await?;
    if !name_is_free(&txn, &input.name, Some(id)).await? {
        return Err(AppError::field("name", "label.name_taken"));
    }
    if s.status != SchemeStatus::Draft.as_str() && s.target != input.target.as_str() {
        return Err(AppError::field("target", "label.target_frozen"));
    }
    let mut a: label_schemes::ActiveModel = s.into();
    a.name = Set(input.name);
    a.description = Set(input.description);
    a.target = Set(input.target.as_str().into());
    a.validity_months = Set(input.validity_months);
    a.updated_at = Set(Utc::now());
    a.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Criteria change only while the referential is a draft: answers refer to them.
async fn draft_scheme(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<label_schemes::Model, AppError> {
    let s = scheme_of(db, id).await?;
    if s.status != SchemeStatus::Draft.as_str() {
        return Err(AppError::field("question", "label.criteria_frozen"));
    }
    Ok(s)
}

pub async fn add_criterion(
    db: &DatabaseConnection,
    scheme_id: i32,
    question: &str,
    evidence: &str,
) -> Result<(), AppError> {
    let (question, evidence) = check_criterion(question, evidence)?;
    let txn = begin_write(db).await?;
    draft_scheme(&txn, scheme_id).await?;
    let existing = criteria_of(&txn, scheme_id).await?;
    if existing.len() >= MAX_CRITERIA {
        return Err(AppError::Invalid(vec![FieldError::with_arg(
            "question",
            "label.too_many_criteria",
            MAX_CRITERIA,
        )]));
    }
    label_criteria::ActiveModel {
        scheme_id: Set(scheme_id),
        position: Set(existing.iter().map(|c| c.position).max().unwrap_or(0) + 1),
        question: Set(question),
        evidence: Set(evidence),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn remove_criterion(
    db: &DatabaseConnection,
    scheme_id: i32,
    criterion_id: i32,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    draft_scheme(&txn, scheme_id).await?;
    let gone = label_criteria::Entity::delete_many()
        .filter(label_criteria::Column::Id.eq(criterion_id))
        .filter(label_criteria::Column::SchemeId.eq(scheme_id))
        .exec(&txn)
        .await?;
    if gone.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    txn.commit().await?;
    Ok(())
}

/// Opens, closes or reopens a referential (`SchemeStatus::may_become`); one opens with at least
/// one criterion.
pub async fn set_scheme_status(
    db: &DatabaseConnection,
    id: i32,
    status: &str,
) -> Result<(), AppError> {
    let to = SchemeStatus::parse(status)
        .ok_or_else(|| AppError::field("status", "validation.unknown_choice"))?;
    let txn = begin_write(db).await?;
    let s = scheme_of(&txn, id).await?;
    let from = SchemeStatus::parse(&s.status).ok_or(AppError::Internal)?;
    if !from.may_become(to) {
        return Err(AppError::field("status", "label.status_not_allowed"));
    }
    if to == SchemeStatus::Open && criteria_of(&txn, id).await?.is_empty() {
        return Err(AppError::field("status", "label.needs_criteria"));
    }
    let mut a: label_schemes::ActiveModel = s.into();
    a.status = Set(to.as_str().into());
    a.updated_at = Set(Utc::now());
    a.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// A referential with its criteria and its current holders. Drafts only for analysts.
pub async fn scheme(
    db: &DatabaseConnection,
    id: i32,
    analyst: bool,
) -> Result<SchemeView, AppError> {
    let s = scheme_of(db, id).await?;
    let status = SchemeStatus::parse(&s.status).ok_or(AppError::Internal)?;
    if status == SchemeStatus::Draft && !analyst {
        return Err(AppError::NotFound);
    }
    let criteria = criteria_of(db, id)
        .await?
        .into_iter()
        .map(criterion_view)
        .collect();
    let granted = label_applications::Entity::find()
        .filter(label_applications::Column::SchemeId.eq(id))
        .filter(label_applications::Column::Status.eq(ApplicationStatus::Granted.as_str()))
        .filter(label_applications::Column::ExpiresAt.gt(Utc::now()))
        .all(db)
        .await?;
    let (orgs, titles) = names(db, &granted).await?;
    let mut holders: Vec<Holder> = granted
        .iter()
        .filter_map(|a| {
            let org = orgs.get(&a.organisation_id)?;
            // A business that chose to stay private is not listed; neither is an offer that is
            // not in the catalogue.
            if !org.1 {
                return None;
            }
            let offer = match a.offer_id {
                Some(o) => Some((o, titles.get(&o).filter(|t| t.1)?.0.clone())),
                None => None,
            };
            Some(Holder {
                org_id: a.organisation_id,
                org_name: org.0.clone(),
                offer,
                until: a.expires_at.map(day).unwrap_or_default(),
            })
        })
        .collect();
    holders.sort_by_key(|a| a.org_name.to_lowercase());
    Ok(SchemeView {
        id: s.id,
        name: s.name,
        description: s.description,
        target: LabelTarget::parse(&s.target).unwrap_or(LabelTarget::Any),
        validity_months: s.validity_months,
        status,
        criteria,
        holders,
    })
}

/// Names of the applications' businesses (with whether they are public) and offers (with
/// whether they are published).
async fn names(
    db: &impl ConnectionTrait,
    apps: &[label_applications::Model],
) -> Result<(HashMap<i32, (String, bool)>, HashMap<i32, (String, bool)>), AppError> {
    let org_ids: HashSet<i32> = apps.iter().map(|a| a.organisation_id).collect();
    let offer_ids: HashSet<i32> = apps.iter().filter_map(|a| a.offer_id).collect();
    let orgs = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(org_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, (o.name, o.is_public)))
        .collect();
    let titles = offers::Entity::find()
        .filter(offers::Column::Id.is_in(offer_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, (o.title, o.status == "published")))
        .collect();
    Ok((orgs, titles))
}

async fn summaries(
    db: &impl ConnectionTrait,
    apps: Vec<label_applications::Model>,
) -> Result<Vec<ApplicationSummary>, AppError> {
    let (orgs, titles) = names(db, &apps).await?;
    let scheme_names: HashMap<i32, String> = label_schemes::Entity::find()
        .filter(
            label_schemes::Column::Id
                .is_in(apps.iter().map(|a| a.scheme_id).collect::<HashSet<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(apps
        .into_iter()
        .filter_map(|a| {
            Some(ApplicationSummary {
                id: a.id,
                scheme: scheme_names.get(&a.scheme_id)?.clone(),
                org_name: orgs.get(&a.organisation_id)?.0.clone(),
                offer: a.offer_id.and_then(|o| titles.get(&o).map(|t| t.0.clone())),
                status: ApplicationStatus::parse(&a.status)?,
                updated: day(a.updated_at),
                until: a.expires_at.map(day),
            })
        })
        .collect())
}

/// The analysts' queue: applications in `status` (oldest change first, the longest waiting on
/// top).
pub async fn queue(
    db: &DatabaseConnection,
    status: ApplicationStatus,
) -> Result<Vec<ApplicationSummary>, AppError> {
    let apps = label_applications::Entity::find()
        .filter(label_applications::Column::Status.eq(status.as_str()))
        .order_by_asc(label_applications::Column::UpdatedAt)
        .all(db)
        .await?;
    summaries(db, apps).await
}

// ------------------------------------------------------------------ applications (business)

/// The business's applications and what it may apply for, for its members.
pub async fn org_labels(
    db: &DatabaseConnection,
    user_id: i32,
    org_id: i32,
) -> Result<OrgLabels, AppError> {
    let org = member_business(db, user_id, org_id).await?;
    let apps = label_applications::Entity::find()
        .filter(label_applications::Column::OrganisationId.eq(org_id))
        .order_by_desc(label_applications::Column::UpdatedAt)
        .all(db)
        .await?;
    let open = label_schemes::Entity::find()
        .filter(label_schemes::Column::Status.eq(SchemeStatus::Open.as_str()))
        .order_by_asc(label_schemes::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| Some((s.id, s.name, LabelTarget::parse(&s.target)?)))
        .collect();
    let offers = offers::Entity::find()
        .filter(offers::Column::OrganisationId.eq(org_id))
        .order_by_asc(offers::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.title))
        .collect();
    Ok(OrgLabels {
        org_id,
        org_name: org.name,
        applications: summaries(db, apps).await?,
        open,
        offers,
    })
}

async fn record(
    db: &impl ConnectionTrait,
    application_id: i32,
    actor: Option<i32>,
    action: LabelAction,
    note: Option<String>,
) -> Result<(), AppError> {
    label_events::ActiveModel {
        application_id: Set(application_id),
        actor_id: Set(actor),
        action: Set(action.as_str().into()),
        note: Set(note),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Starts an application of the business `org_id` for the open referential `scheme_id`, for the
/// business itself or for one of its offers (`offer_id`); one live application per label and
/// holder.
pub async fn apply(
    db: &DatabaseConnection,
    user_id: i32,
    org_id: i32,
    scheme_id: i32,
    offer_id: Option<i32>,
) -> Result<i32, AppError> {
    let txn = begin_write(db).await?;
    member_business(&txn, user_id, org_id).await?;
    let s = label_schemes::Entity::find_by_id(scheme_id)
        .one(&txn)
        .await?
        .filter(|s| s.status == SchemeStatus::Open.as_str())
        .ok_or_else(|| AppError::field("scheme_id", "label.scheme_not_open"))?;
    let target = LabelTarget::parse(&s.target).ok_or(AppError::Internal)?;
    if !target.allows(offer_id.is_some()) {
        return Err(AppError::field(
            "holder",
            if offer_id.is_some() {
                "label.for_org_only"
            } else {
                "label.for_offer_only"
            },
        ));
    }
    if let Some(o) = offer_id {
        let offer = offers::Entity::find_by_id(o).one(&txn).await?;
        if offer.is_none_or(|offer| offer.organisation_id != org_id) {
            return Err(AppError::field("holder", "validation.unknown_choice"));
        }
    }
    let same_holder = label_applications::Entity::find()
        .filter(label_applications::Column::SchemeId.eq(scheme_id))
        .filter(label_applications::Column::OrganisationId.eq(org_id))
        .filter(match offer_id {
            Some(o) => label_applications::Column::OfferId.eq(o),
            None => label_applications::Column::OfferId.is_null(),
        })
        .all(&txn)
        .await?;
    let now = Utc::now();
    let live = same_holder.iter().any(|a| {
        ApplicationStatus::parse(&a.status).is_some_and(|s| s.live())
            && !(a.status == ApplicationStatus::Granted.as_str()
                && a.expires_at.is_some_and(|e| e <= now))
    });
    if live {
        return Err(AppError::field("scheme_id", "label.already_applied"));
    }
    let a = label_applications::ActiveModel {
        scheme_id: Set(scheme_id),
        organisation_id: Set(org_id),
        offer_id: Set(offer_id),
        status: Set(ApplicationStatus::Draft.as_str().into()),
        created_by: Set(Some(user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(&txn, a.id, Some(user_id), LabelAction::Created, None).await?;
    txn.commit().await?;
    Ok(a.id)
}

async fn application(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<label_applications::Model, AppError> {
    label_applications::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The application if `user_id` is an active member of its business and the step is allowed;
/// the status it takes.
async fn member_step(
    db: &impl ConnectionTrait,
    user_id: i32,
    id: i32,
    action: LabelAction,
) -> Result<(label_applications::Model, ApplicationStatus), AppError> {
    let a = application(db, id).await?;
    member_business(db, user_id, a.organisation_id).await?;
    let status = ApplicationStatus::parse(&a.status).ok_or(AppError::Internal)?;
    let to = next(status, action, Actor::Member)
        .ok_or_else(|| AppError::field("status", "label.step_not_allowed"))?;
    Ok((a, to))
}

async fn touch(
    db: &impl ConnectionTrait,
    a: label_applications::Model,
    to: ApplicationStatus,
) -> Result<label_applications::Model, AppError> {
    let mut m: label_applications::ActiveModel = a.into();
    m.status = Set(to.as_str().into());
    m.updated_at = Set(Utc::now());
    m.update(db).await.map_err(AppError::from)
}

/// Saves the answers (`answers[<criterion id>]`); an empty answer clears it.
pub async fn save_answers(
    db: &DatabaseConnection,
    user_id: i32,
    id: i32,
    answers: &BTreeMap<String, String>,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let (a, to) = member_step(&txn, user_id, id, LabelAction::Answered).await?;
    let criteria = criteria_of(&txn, a.scheme_id).await?;
    let mut errors = vec![];
    for (key, text) in answers {
        let known = key
            .parse::<i32>()
            .ok()
            .is_some_and(|k| criteria.iter().any(|c| c.id == k));
        if !known {
            return Err(AppError::BadRequest);
        }
        if text.trim().chars().count() > MAX_ANSWER {
            errors.push(FieldError::with_arg(
                &format!("answer-{key}"),
                "validation.too_long",
                MAX_ANSWER,
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = Utc::now();
    for (key, text) in answers {
        let criterion_id: i32 = key.parse().map_err(|_| AppError::BadRequest)?;
        label_answers::Entity::delete_many()
            .filter(label_answers::Column::ApplicationId.eq(id))
            .filter(label_answers::Column::CriterionId.eq(criterion_id))
            .exec(&txn)
            .await?;
        if !text.trim().is_empty() {
            label_answers::ActiveModel {
                application_id: Set(id),
                criterion_id: Set(criterion_id),
                answer: Set(text.trim().to_string()),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    touch(&txn, a, to).await?;
    record(&txn, id, Some(user_id), LabelAction::Answered, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Sends the application to the analysts: every criterion answered, evidence attached where
/// asked. The message names what is missing.
pub async fn submit(db: &DatabaseConnection, user_id: i32, id: i32) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let (a, to) = member_step(&txn, user_id, id, LabelAction::Submitted).await?;
    let scheme = scheme_of(&txn, a.scheme_id).await?;
    if scheme.status != SchemeStatus::Open.as_str() {
        return Err(AppError::field("status", "label.scheme_not_open"));
    }
    let criteria = criteria_of(&txn, a.scheme_id).await?;
    let answered: HashSet<i32> = label_answers::Entity::find()
        .filter(label_answers::Column::ApplicationId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|x| x.criterion_id)
        .collect();
    let files = label_evidence::Entity::find()
        .filter(label_evidence::Column::ApplicationId.eq(id))
        .all(&txn)
        .await?;
    let facts: Vec<(i32, bool, bool, usize)> = criteria
        .iter()
        .map(|c| {
            (
                c.id,
                c.evidence.is_some(),
                answered.contains(&c.id),
                files.iter().filter(|f| f.criterion_id == c.id).count(),
            )
        })
        .collect();
    let (unanswered, no_evidence) = label::missing(&facts);
    if !unanswered.is_empty() || !no_evidence.is_empty() {
        let mut errors: Vec<FieldError> = unanswered
            .iter()
            .map(|c| FieldError::new(&format!("answer-{c}"), "label.answer_needed"))
            .collect();
        errors.extend(
            no_evidence
                .iter()
                .map(|c| FieldError::new(&format!("file-{c}"), "label.evidence_needed")),
        );
        return Err(AppError::Invalid(errors));
    }
    let mut m: label_applications::ActiveModel = touch(&txn, a, to).await?.into();
    m.submitted_at = Set(Some(Utc::now()));
    m.update(&txn).await?;
    record(&txn, id, Some(user_id), LabelAction::Submitted, None).await?;
    txn.commit().await?;
    Ok(())
}

/// The business withdraws its application, or renounces the label it holds.
pub async fn withdraw(
    db: &DatabaseConnection,
    user_id: i32,
    id: i32,
    reason: &str,
    confirmed: bool,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let (a, to) = member_step(&txn, user_id, id, LabelAction::Withdrawn).await?;
    let note = check_reason(LabelAction::Withdrawn, Actor::Member, reason)?;
    if !confirmed {
        return Err(AppError::field("confirm", "label.confirm_needed"));
    }
    let was_granted = a.status == ApplicationStatus::Granted.as_str();
    let a = touch(&txn, a, to).await?;
    record(&txn, id, Some(user_id), LabelAction::Withdrawn, note).await?;
    if was_granted {
        reindex_holder(&txn, &a).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// An analyst's decision: `changes_requested`, `granted`, `refused` (on a sent application) or
/// `withdrawn` (of a granted label). An analyst who is a member of the business does not
/// decide on its application.
pub async fn decide(
    db: &DatabaseConnection,
    analyst_id: i32,
    id: i32,
    action: &str,
    reason: &str,
) -> Result<(), AppError> {
    let action = LabelAction::parse(action)
        .filter(|a| {
            matches!(
                a,
                LabelAction::ChangesRequested
                    | LabelAction::Granted
                    | LabelAction::Refused
                    | LabelAction::Withdrawn
            )
        })
        .ok_or_else(|| AppError::field("action", "validation.unknown_choice"))?;
    let txn = begin_write(db).await?;
    let a = application(&txn, id).await?;
    if is_member(&txn, analyst_id, a.organisation_id).await? {
        return Err(AppError::Forbidden);
    }
    let note = check_reason(action, Actor::Analyst, reason)?;
    let status = ApplicationStatus::parse(&a.status).ok_or(AppError::Internal)?;
    let to = next(status, action, Actor::Analyst)
        .ok_or_else(|| AppError::field("action", "label.step_not_allowed"))?;
    let scheme = scheme_of(&txn, a.scheme_id).await?;
    let now = Utc::now();
    let mut m: label_applications::ActiveModel = a.into();
    m.status = Set(to.as_str().into());
    m.updated_at = Set(now);
    m.decided_at = Set(Some(now));
    m.decided_by = Set(Some(analyst_id));
    m.reason = Set(note.clone());
    if to == ApplicationStatus::Granted {
        m.granted_at = Set(Some(now));
        m.expires_at = Set(Some(label::expiry(now, scheme.validity_months)));
    }
    let a = m.update(&txn).await?;
    record(&txn, id, Some(analyst_id), action, note).await?;
    if matches!(action, LabelAction::Granted | LabelAction::Withdrawn) {
        reindex_holder(&txn, &a).await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn is_member(db: &impl ConnectionTrait, user_id: i32, org_id: i32) -> Result<bool, AppError> {
    use crate::server::infra::entities::memberships;
    Ok(memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::OrganisationId.eq(org_id))
        .filter(memberships::Column::Status.eq("active"))
        .one(db)
        .await?
        .is_some())
}

/// The holder's search documents change with its labels: the business's (which counts the
/// labels of its offers) and its offers'.
async fn reindex_holder(
    db: &impl ConnectionTrait,
    a: &label_applications::Model,
) -> Result<(), AppError> {
    crate::server::orgs::reindex(db, a.organisation_id).await
}

/// Marks the granted labels past their end as expired, with their event; returns how many.
/// The badges already hide them (they read the end date); this keeps statuses, history and the
/// search index right.
pub async fn expire_due(db: &DatabaseConnection) -> Result<usize, AppError> {
    let now = Utc::now();
    let due = label_applications::Entity::find()
        .filter(label_applications::Column::Status.eq(ApplicationStatus::Granted.as_str()))
        .filter(label_applications::Column::ExpiresAt.lte(now))
        .all(db)
        .await?;
    let n = due.len();
    for a in due {
        let txn = begin_write(db).await?;
        // Read again: another instance may have done it meanwhile.
        let a = application(&txn, a.id).await?;
        if a.status != ApplicationStatus::Granted.as_str() {
            continue;
        }
        let id = a.id;
        let a = touch(&txn, a, ApplicationStatus::Expired).await?;
        record(&txn, id, None, LabelAction::Expired, None).await?;
        reindex_holder(&txn, &a).await?;
        txn.commit().await?;
    }
    Ok(n)
}

/// The application, for a member of its business or an analyst.
pub async fn dossier(
    db: &DatabaseConnection,
    viewer: &users::Model,
    id: i32,
) -> Result<Dossier, AppError> {
    let a = application(db, id).await?;
    let member = is_member(db, viewer.id, a.organisation_id).await?;
    let analyst = viewer.is_analyst || viewer.is_admin;
    if !member && !analyst {
        // Whether it exists is not the stranger's business either.
        return Err(AppError::NotFound);
    }
    let scheme = scheme_of(db, a.scheme_id).await?;
    let (orgs, titles) = names(db, std::slice::from_ref(&a)).await?;
    let answers: HashMap<i32, String> = label_answers::Entity::find()
        .filter(label_answers::Column::ApplicationId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|x| (x.criterion_id, x.answer))
        .collect();
    let files = label_evidence::Entity::find()
        .filter(label_evidence::Column::ApplicationId.eq(id))
        .order_by_asc(label_evidence::Column::Id)
        .all(db)
        .await?;
    let criteria = criteria_of(db, a.scheme_id)
        .await?
        .into_iter()
        .map(|c| DossierCriterion {
            answer: answers.get(&c.id).cloned().unwrap_or_default(),
            files: files
                .iter()
                .filter(|f| f.criterion_id == c.id)
                .map(|f| EvidenceView {
                    id: f.id,
                    name: f.original_name.clone(),
                    size: file_size(i64::from(f.bytes)),
                    url: evidence_url(&f.file_name),
                })
                .collect(),
            criterion: criterion_view(c),
        })
        .collect();
    let events = label_events::Entity::find()
        .filter(label_events::Column::ApplicationId.eq(id))
        .order_by_asc(label_events::Column::Id)
        .all(db)
        .await?;
    let people: HashMap<i32, String> = users::Entity::find()
        .filter(
            users::Column::Id.is_in(
                events
                    .iter()
                    .filter_map(|e| e.actor_id)
                    .collect::<HashSet<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let events = events
        .into_iter()
        .filter_map(|e| {
            Some(EventView {
                action: LabelAction::parse(&e.action)?,
                actor: e.actor_id.and_then(|u| people.get(&u).cloned()),
                note: e.note,
                at: e.created_at.format("%d/%m/%Y %H:%M").to_string(),
            })
        })
        .collect();
    Ok(Dossier {
        id: a.id,
        scheme_id: a.scheme_id,
        scheme: scheme.name,
        org_id: a.organisation_id,
        org_name: orgs
            .get(&a.organisation_id)
            .map(|o| o.0.clone())
            .unwrap_or_default(),
        offer: a
            .offer_id
            .and_then(|o| titles.get(&o).map(|t| (o, t.0.clone()))),
        status: ApplicationStatus::parse(&a.status).ok_or(AppError::Internal)?,
        reason: a.reason,
        until: a.expires_at.map(day),
        criteria,
        events,
        member,
        reviewer: analyst && !member,
    })
}

// ---------------------------------------------------------------------------- evidence

/// Checks that `user_id` may attach a file to the application (a member, the application open
/// to changes, under the limit) and, when given, to this criterion (its referential's).
pub async fn may_attach(
    db: &impl ConnectionTrait,
    user_id: i32,
    id: i32,
    criterion_id: Option<i32>,
) -> Result<(), AppError> {
    let (a, _) = member_step(db, user_id, id, LabelAction::EvidenceAdded).await?;
    if let Some(criterion_id) = criterion_id {
        let criteria = criteria_of(db, a.scheme_id).await?;
        if !criteria.iter().any(|c| c.id == criterion_id) {
            return Err(AppError::BadRequest);
        }
    }
    let n = label_evidence::Entity::find()
        .filter(label_evidence::Column::ApplicationId.eq(id))
        .count(db)
        .await?;
    if n >= label::MAX_FILES {
        return Err(AppError::Invalid(vec![FieldError::with_arg(
            "file",
            "label.too_many_files",
            label::MAX_FILES,
        )]));
    }
    Ok(())
}

/// A file stored by the upload route: the name it was given, the name it came with, its type
/// and size.
pub struct StoredEvidence<'a> {
    pub file_name: &'a str,
    pub original_name: &'a str,
    pub content_type: &'a str,
    pub bytes: usize,
}

/// Records a stored file (rights and limits checked again, in the transaction).
pub async fn attach(
    db: &DatabaseConnection,
    user_id: i32,
    id: i32,
    criterion_id: i32,
    stored: StoredEvidence<'_>,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    may_attach(&txn, user_id, id, Some(criterion_id)).await?;
    label_evidence::ActiveModel {
        application_id: Set(id),
        criterion_id: Set(criterion_id),
        file_name: Set(stored.file_name.into()),
        original_name: Set(stored.original_name.into()),
        content_type: Set(stored.content_type.into()),
        bytes: Set(stored.bytes as i32),
        uploaded_by: Set(Some(user_id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let a = application(&txn, id).await?;
    let mut m: label_applications::ActiveModel = a.into();
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    record(
        &txn,
        id,
        Some(user_id),
        LabelAction::EvidenceAdded,
        Some(stored.original_name.into()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a file of an application still open to changes; its file goes after the commit.
pub async fn remove_evidence(
    db: &DatabaseConnection,
    media_dir: &Path,
    user_id: i32,
    id: i32,
    evidence_id: i32,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    member_step(&txn, user_id, id, LabelAction::EvidenceRemoved).await?;
    let f = label_evidence::Entity::find_by_id(evidence_id)
        .filter(label_evidence::Column::ApplicationId.eq(id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    label_evidence::Entity::delete_by_id(f.id)
        .exec(&txn)
        .await?;
    record(
        &txn,
        id,
        Some(user_id),
        LabelAction::EvidenceRemoved,
        Some(f.original_name.clone()),
    )
    .await?;
    txn.commit().await?;
    remove_files(media_dir, [f.file_name.as_str()]);
    Ok(())
}

/// Deletes stored evidence files (best effort: a file left behind has no row and is never
/// served).
pub fn remove_files<'a>(media_dir: &Path, names: impl IntoIterator<Item = &'a str>) {
    for name in names {
        if is_stored_name(name) {
            let _ = std::fs::remove_file(folder(media_dir).join(name));
        }
    }
}

/// The evidence files of an offer's applications (gone with the offer).
pub async fn files_of_offer(
    db: &impl ConnectionTrait,
    offer_id: i32,
) -> Result<Vec<String>, AppError> {
    let apps: Vec<i32> = label_applications::Entity::find()
        .filter(label_applications::Column::OfferId.eq(offer_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    Ok(label_evidence::Entity::find()
        .filter(label_evidence::Column::ApplicationId.is_in(apps))
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.file_name)
        .collect())
}

/// A stored file, if `user_id` may read it (a member of the business or an analyst): its
/// original name and type.
pub async fn readable_evidence(
    db: &DatabaseConnection,
    user_id: i32,
    file_name: &str,
) -> Result<(String, String), AppError> {
    let f = label_evidence::Entity::find()
        .filter(label_evidence::Column::FileName.eq(file_name))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let a = application(db, f.application_id).await?;
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !(user.is_analyst || user.is_admin || is_member(db, user_id, a.organisation_id).await?) {
        return Err(AppError::NotFound);
    }
    Ok((f.original_name, f.content_type))
}

// ------------------------------------------------------------------------------- badges

/// Granted labels in force, by holder: `offer_ids` gives the offers' own, `org_ids` the
/// businesses' own (not their offers').
async fn in_force(
    db: &impl ConnectionTrait,
    cond: Condition,
) -> Result<Vec<(label_applications::Model, String)>, DbErr> {
    let apps = label_applications::Entity::find()
        .filter(label_applications::Column::Status.eq(ApplicationStatus::Granted.as_str()))
        .filter(label_applications::Column::ExpiresAt.gt(Utc::now()))
        .filter(cond)
        .order_by_asc(label_applications::Column::SchemeId)
        .all(db)
        .await?;
    let schemes: HashMap<i32, String> = label_schemes::Entity::find()
        .filter(
            label_schemes::Column::Id
                .is_in(apps.iter().map(|a| a.scheme_id).collect::<HashSet<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(apps
        .into_iter()
        .filter_map(|a| {
            let name = schemes.get(&a.scheme_id)?.clone();
            Some((a, name))
        })
        .collect())
}

fn badge(a: &label_applications::Model, name: String) -> LabelBadge {
    LabelBadge {
        scheme_id: a.scheme_id,
        name,
        until: a.expires_at.map(day).unwrap_or_default(),
    }
}

/// The labels in force of each offer.
pub async fn offer_badges(
    db: &impl ConnectionTrait,
    offer_ids: &[i32],
) -> Result<HashMap<i32, Vec<LabelBadge>>, DbErr> {
    let mut out: HashMap<i32, Vec<LabelBadge>> = HashMap::new();
    if offer_ids.is_empty() {
        return Ok(out);
    }
    let cond =
        Condition::all().add(label_applications::Column::OfferId.is_in(offer_ids.iter().copied()));
    for (a, name) in in_force(db, cond).await? {
        if let Some(o) = a.offer_id {
            out.entry(o).or_default().push(badge(&a, name));
        }
    }
    Ok(out)
}

/// The labels in force of each business, for itself.
pub async fn org_badges(
    db: &impl ConnectionTrait,
    org_ids: &[i32],
) -> Result<HashMap<i32, Vec<LabelBadge>>, DbErr> {
    let mut out: HashMap<i32, Vec<LabelBadge>> = HashMap::new();
    if org_ids.is_empty() {
        return Ok(out);
    }
    let cond = Condition::all()
        .add(label_applications::Column::OrganisationId.is_in(org_ids.iter().copied()))
        .add(label_applications::Column::OfferId.is_null());
    for (a, name) in in_force(db, cond).await? {
        out.entry(a.organisation_id)
            .or_default()
            .push(badge(&a, name));
    }
    Ok(out)
}

/// The labels in force of each business, for itself or for one of its published offers (one
/// badge a referential): what the directory shows beside a firm.
pub async fn firm_badges(
    db: &impl ConnectionTrait,
    org_ids: &[i32],
) -> Result<HashMap<i32, Vec<LabelBadge>>, DbErr> {
    let mut out: HashMap<i32, Vec<LabelBadge>> = HashMap::new();
    if org_ids.is_empty() {
        return Ok(out);
    }
    let cond = Condition::all()
        .add(label_applications::Column::OrganisationId.is_in(org_ids.iter().copied()));
    let held = in_force(db, cond).await?;
    let published: HashSet<i32> = offers::Entity::find()
        .filter(offers::Column::Id.is_in(held.iter().filter_map(|(a, _)| a.offer_id)))
        .filter(offers::Column::Status.eq("published"))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    for (a, name) in held {
        if a.offer_id.is_some_and(|o| !published.contains(&o)) {
            continue;
        }
        let badges = out.entry(a.organisation_id).or_default();
        if !badges.iter().any(|b| b.scheme_id == a.scheme_id) {
            badges.push(badge(&a, name));
        }
    }
    Ok(out)
}

/// For the index: the referentials of the labels in force of these offers.
pub async fn in_force_of_offers(
    db: &impl ConnectionTrait,
    offer_ids: &[i32],
) -> Result<HashMap<i32, Vec<i32>>, DbErr> {
    let mut out: HashMap<i32, Vec<i32>> = HashMap::new();
    for a in label_applications::Entity::find()
        .filter(label_applications::Column::Status.eq(ApplicationStatus::Granted.as_str()))
        .filter(label_applications::Column::ExpiresAt.gt(Utc::now()))
        .filter(label_applications::Column::OfferId.is_in(offer_ids.iter().copied()))
        .all(db)
        .await?
    {
        if let Some(o) = a.offer_id {
            out.entry(o).or_default().push(a.scheme_id);
        }
    }
    Ok(out)
}

/// For the index: the referentials of the labels in force of these businesses, for themselves
/// or for one of their offers in `published` (the directory's facet counts both).
pub async fn in_force_of_orgs(
    db: &impl ConnectionTrait,
    org_ids: &[i32],
    published: &HashSet<i32>,
) -> Result<HashMap<i32, Vec<i32>>, DbErr> {
    let mut out: HashMap<i32, Vec<i32>> = HashMap::new();
    for a in label_applications::Entity::find()
        .filter(label_applications::Column::Status.eq(ApplicationStatus::Granted.as_str()))
        .filter(label_applications::Column::ExpiresAt.gt(Utc::now()))
        .filter(label_applications::Column::OrganisationId.is_in(org_ids.iter().copied()))
        .all(db)
        .await?
    {
        if a.offer_id.is_none_or(|o| published.contains(&o)) {
            let ids = out.entry(a.organisation_id).or_default();
            if !ids.contains(&a.scheme_id) {
                ids.push(a.scheme_id);
            }
        }
    }
    Ok(out)
}

/// Names of referentials by id (for facets).
pub async fn scheme_names(db: &DatabaseConnection) -> Result<HashMap<String, String>, DbErr> {
    Ok(label_schemes::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id.to_string(), s.name))
        .collect())
}
