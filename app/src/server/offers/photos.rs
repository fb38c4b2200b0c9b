//! Photos of offers: files under names the server chose (`<32 hex>.jpg`, in
//! `<media dir>/offers/`), one row each in `offer_photos`. The upload itself (content checked,
//! re-encoded) is the server crate's `photos` route; this module keeps the rights and the rows.

use crate::domain::ids::{OfferId, PhotoId, UserId};
use crate::domain::offer::PhotoView;
use crate::error::{AppError, FieldError};
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::offer_photos;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::path::{Path, PathBuf};

pub use crate::domain::offer::MAX_PHOTOS;
/// Largest file accepted, before re-encoding.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Longest side of a stored photo, in pixels.
pub const MAX_SIDE: u32 = 1600;

/// Whether `name` is a name the server gives: 32 lower-case hex digits and `.jpg`. Anything
/// else (a path, a dot-dot) is refused before the disk is touched.
pub fn is_stored_name(name: &str) -> bool {
    name.len() == 36
        && name.ends_with(".jpg")
        && name[..32]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The folder of offers' photos.
pub fn folder(media_dir: &Path) -> PathBuf {
    media_dir.join("offers")
}

/// The URL a photo is served at.
pub fn url(file_name: &str) -> String {
    format!("/media/offers/{file_name}")
}

/// Checks that `user_id` may add a photo to the offer (a member, under the limit).
pub async fn may_add(
    db: &DatabaseConnection,
    user: UserId,
    offer: OfferId,
) -> Result<(), AppError> {
    crate::server::offers::check_member(db, user, offer).await?;
    let offer_id = offer.get();
    let n = offer_photos::Entity::find()
        .filter(offer_photos::Column::OfferId.eq(offer_id))
        .count(db)
        .await?;
    if n >= MAX_PHOTOS {
        return Err(AppError::Invalid(vec![FieldError::with_arg(
            "photo",
            "offer.photo_too_many",
            MAX_PHOTOS,
        )]));
    }
    Ok(())
}

/// Records a stored photo (rights and limit checked again, in the transaction).
pub async fn add(
    db: &DatabaseConnection,
    user_id: UserId,
    offer_id: OfferId,
    stored: (&str, u32, u32, usize),
    alt: &str,
) -> Result<(), AppError> {
    let (user_id, offer_id) = (user_id.get(), offer_id.get());
    let (file_name, width, height, bytes) = stored;
    let txn = begin_write(db).await?;
    crate::server::offers::check_member(&txn, UserId(user_id), OfferId(offer_id)).await?;
    let n = offer_photos::Entity::find()
        .filter(offer_photos::Column::OfferId.eq(offer_id))
        .count(&txn)
        .await?;
    if n >= MAX_PHOTOS {
        return Err(AppError::Invalid(vec![FieldError::with_arg(
            "photo",
            "offer.photo_too_many",
            MAX_PHOTOS,
        )]));
    }
    offer_photos::ActiveModel {
        offer_id: Set(offer_id),
        file_name: Set(file_name.into()),
        width: Set(width as i32),
        height: Set(height as i32),
        bytes: Set(bytes as i32),
        alt: Set(alt.into()),
        position: Set(n as i32),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    crate::server::infra::search::changed::offer(&txn, offer_id).await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a photo of the offer, its file included.
pub async fn remove(
    db: &DatabaseConnection,
    media_dir: &Path,
    user_id: UserId,
    offer_id: OfferId,
    photo_id: PhotoId,
) -> Result<(), AppError> {
    let photo_id = photo_id.get();
    let (user_id, offer_id) = (user_id.get(), offer_id.get());
    let txn = begin_write(db).await?;
    crate::server::offers::check_member(&txn, UserId(user_id), OfferId(offer_id)).await?;
    let Some(photo) = offer_photos::Entity::find_by_id(photo_id)
        .filter(offer_photos::Column::OfferId.eq(offer_id))
        .one(&txn)
        .await?
    else {
        return Err(AppError::NotFound);
    };
    offer_photos::Entity::delete_by_id(photo.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    remove_files(media_dir, [photo.file_name.as_str()]);
    Ok(())
}

/// Deletes stored files (after their rows are gone); a file already missing is not an error.
pub fn remove_files<'a>(media_dir: &Path, names: impl IntoIterator<Item = &'a str>) {
    for name in names.into_iter().filter(|n| is_stored_name(n)) {
        let path = folder(media_dir).join(name);
        if let Err(e) = std::fs::remove_file(&path) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!("could not remove {}: {e}", path.display());
            }
        }
    }
}

/// The photos of an offer, in order.
pub async fn of_offer(
    db: &impl ConnectionTrait,
    offer_id: i32,
) -> Result<Vec<PhotoView>, AppError> {
    Ok(offer_photos::Entity::find()
        .filter(offer_photos::Column::OfferId.eq(offer_id))
        .order_by_asc(offer_photos::Column::Position)
        .order_by_asc(offer_photos::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PhotoView {
            id: p.id,
            url: url(&p.file_name),
            alt: p.alt,
            width: p.width,
            height: p.height,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::is_stored_name;

    #[test]
    fn only_names_the_server_gives_are_accepted() {
        assert!(is_stored_name("0123456789abcdef0123456789abcdef.jpg"));
        assert!(!is_stored_name("../../etc/passwd"));
        assert!(!is_stored_name("0123456789ABCDEF0123456789abcdef.jpg"));
        assert!(!is_stored_name("0123456789abcdef0123456789abcdef.png"));
        assert!(!is_stored_name("0123456789abcdef0123456789abcde/.jpg"));
    }
}
