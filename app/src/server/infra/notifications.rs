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

/// Tells each person under the bell and, given a mailer and the public address, by email
/// (`title(lang)` in their language, the link in the mail): a failure is logged, the others
/// are still told.
pub async fn tell_all(
    db: &DatabaseConnection,
    mail: Option<(&crate::server::infra::mail::Mailer, &str)>,
    people: &[crate::server::infra::entities::users::Model],
    url: &str,
    title: impl Fn(crate::i18n::Lang) -> String,
) {
    use crate::i18n::{tr, Lang};
    for u in people {
        let lang = Lang::from_code(&u.lang).unwrap_or_default();
        let title = title(lang);
        if let Err(e) = notify(db, u.id, &title, url).await {
            tracing::warn!("notification to user {} failed: {e}", u.id);
        }
        let Some((mailer, public_url)) = mail else {
            continue;
        };
        let link = format!("{}{url}", public_url.trim_end_matches('/'));
        let text = format!(
            "{}\n\n{title}.\n\n{link}\n",
            tr(lang, "insertion.follow.mail_hello")
        );
        if let Err(e) = mailer
            .send(&u.email, &format!("Passerelle — {title}"), text)
            .await
        {
            tracing::warn!("email to user {} not sent: {e}", u.id);
        }
    }
}
