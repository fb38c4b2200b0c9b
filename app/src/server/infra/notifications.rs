//! The notifications a person finds under the bell: written by alerts, meeting reminders and
//! registrations, partner requests' answers; read and marked by the alerts' pages.

use crate::error::AppError;
use crate::server::infra::entities::notifications;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};

/// Adds a notification for a person (its title cut to 300 characters), linking to `url`.
pub async fn notify(
    db: &DatabaseConnection,
    user_id: i32,
    title: &str,
    url: &str,
) -> Result<(), AppError> {
    notifications::ActiveModel {
        user_id: Set(user_id),
        title: Set(title.chars().take(300).collect()),
        url: Set(url.into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
