//! Applications of a business for a label: its members write and submit the dossier, the
//! analysts decide; labels expire at the end of their validity.

use super::*;
use crate::domain::ids::SchemeId;
use crate::domain::ids::{ApplicationId, OrgId, UserId};
use crate::domain::org::MembershipStatus;

/// The business's applications and what it may apply for, for its members.
pub async fn org_labels(
    db: &DatabaseConnection,
    user_id: UserId,
    org_id: OrgId,
) -> Result<OrgLabels, AppError> {
    let (user_id, org_id) = (user_id.get(), org_id.get());
    let org = member_business(db, UserId(user_id), OrgId(org_id)).await?;
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

pub(super) async fn record(
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
    user_id: UserId,
    org_id: OrgId,
    scheme_id: SchemeId,
    offer_id: Option<i32>,
) -> Result<i32, AppError> {
    let (user_id, org_id, scheme_id) = (user_id.get(), org_id.get(), scheme_id.get());
    let txn = begin_write(db).await?;
    member_business(&txn, UserId(user_id), OrgId(org_id)).await?;
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

pub(super) async fn application(
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
pub(super) async fn member_step(
    db: &impl ConnectionTrait,
    user_id: UserId,
    id: ApplicationId,
    action: LabelAction,
) -> Result<(label_applications::Model, ApplicationStatus), AppError> {
    let (user_id, id) = (user_id.get(), id.get());
    let a = application(db, id).await?;
    member_business(db, UserId(user_id), OrgId(a.organisation_id)).await?;
    let status = ApplicationStatus::parse(&a.status).ok_or(AppError::Internal)?;
    let to = next(status, action, Actor::Member)
        .ok_or_else(|| AppError::field("status", "label.step_not_allowed"))?;
    Ok((a, to))
}

pub(super) async fn touch(
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
    user_id: UserId,
    id: ApplicationId,
    answers: &BTreeMap<String, String>,
) -> Result<(), AppError> {
    let (user_id, id) = (user_id.get(), id.get());
    let txn = begin_write(db).await?;
    let (a, to) = member_step(
        &txn,
        UserId(user_id),
        ApplicationId(id),
        LabelAction::Answered,
    )
    .await?;
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
pub async fn submit(
    db: &DatabaseConnection,
    user_id: UserId,
    id: ApplicationId,
) -> Result<(), AppError> {
    let (user_id, id) = (user_id.get(), id.get());
    let txn = begin_write(db).await?;
    let (a, to) = member_step(
        &txn,
        UserId(user_id),
        ApplicationId(id),
        LabelAction::Submitted,
    )
    .await?;
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
    user_id: UserId,
    id: ApplicationId,
    reason: &str,
    confirmed: bool,
) -> Result<(), AppError> {
    let (user_id, id) = (user_id.get(), id.get());
    let txn = begin_write(db).await?;
    let (a, to) = member_step(
        &txn,
        UserId(user_id),
        ApplicationId(id),
        LabelAction::Withdrawn,
    )
    .await?;
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
    analyst_id: UserId,
    id: ApplicationId,
    action: &str,
    reason: &str,
) -> Result<(), AppError> {
    let (analyst_id, id) = (analyst_id.get(), id.get());
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
    if is_member(&txn, UserId(analyst_id), OrgId(a.organisation_id)).await? {
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
    crate::server::audit::record(
        &txn,
        Some(analyst_id),
        crate::domain::audit::Action::LabelDecided,
        crate::server::audit::Target::LabelApplication(id),
        format!("{} → {}", status.as_str(), to.as_str()),
    )
    .await?;
    if matches!(action, LabelAction::Granted | LabelAction::Withdrawn) {
        reindex_holder(&txn, &a).await?;
    }
    txn.commit().await?;
    Ok(())
}

pub(super) async fn is_member(
    db: &impl ConnectionTrait,
    user_id: UserId,
    org_id: OrgId,
) -> Result<bool, AppError> {
    let (user_id, org_id) = (user_id.get(), org_id.get());
    use crate::server::infra::entities::memberships;
    Ok(memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::OrganisationId.eq(org_id))
        .filter(memberships::Column::Status.eq(MembershipStatus::Active.as_str()))
        .one(db)
        .await?
        .is_some())
}

/// The holder's search documents change with its labels: the business's (which counts the
/// labels of its offers) and its offers'.
pub(super) async fn reindex_holder(
    db: &impl ConnectionTrait,
    a: &label_applications::Model,
) -> Result<(), AppError> {
    crate::server::infra::search::changed::organisation_and_offers(db, a.organisation_id).await
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
    let member = is_member(db, UserId(viewer.id), OrgId(a.organisation_id)).await?;
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
