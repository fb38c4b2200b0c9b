//! The files of evidence attached to an application: who may attach, read and remove them.

use super::*;
use crate::domain::ids::{ApplicationId, CriterionId, EvidenceId, OrgId, UserId};

/// Checks that `user_id` may attach a file to the application (a member, the application open
/// to changes, under the limit) and, when given, to this criterion (its referential's).
pub async fn may_attach(
    db: &impl ConnectionTrait,
    user: UserId,
    dossier: ApplicationId,
    criterion: Option<CriterionId>,
) -> Result<(), AppError> {
    let (user_id, id) = (user.get(), dossier.get());
    let criterion_id = criterion.map(CriterionId::get);
    let (a, _) = member_step(
        db,
        UserId(user_id),
        ApplicationId(id),
        LabelAction::EvidenceAdded,
    )
    .await?;
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
    user: UserId,
    dossier: ApplicationId,
    criterion: CriterionId,
    stored: StoredEvidence<'_>,
) -> Result<(), AppError> {
    let (user_id, id, criterion_id) = (user.get(), dossier.get(), criterion.get());
    let txn = begin_write(db).await?;
    may_attach(&txn, user, dossier, Some(criterion)).await?;
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
    user_id: UserId,
    id: ApplicationId,
    evidence_id: EvidenceId,
) -> Result<(), AppError> {
    let evidence_id = evidence_id.get();
    let (user_id, id) = (user_id.get(), id.get());
    let txn = begin_write(db).await?;
    member_step(
        &txn,
        UserId(user_id),
        ApplicationId(id),
        LabelAction::EvidenceRemoved,
    )
    .await?;
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
    if !(user.is_analyst
        || user.is_admin
        || is_member(db, UserId(user_id), OrgId(a.organisation_id)).await?)
    {
        return Err(AppError::NotFound);
    }
    Ok((f.original_name, f.content_type))
}
