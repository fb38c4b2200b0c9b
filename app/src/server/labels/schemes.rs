//! The label's referentials (schemes and their criteria), written by the chamber analysts who
//! manage the label, and the lists that show them.

use super::*;
use crate::domain::ids::{CriterionId, SchemeId};
use crate::domain::offer::OfferStatus;

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
pub(super) async fn draft_scheme(
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
    scheme_id: SchemeId,
    criterion_id: CriterionId,
) -> Result<(), AppError> {
    let (scheme_id, criterion_id) = (scheme_id.get(), criterion_id.get());
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
pub(super) async fn names(
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
        .map(|o| (o.id, (o.title, o.status == OfferStatus::Published.as_str())))
        .collect();
    Ok((orgs, titles))
}

pub(super) async fn summaries(
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
