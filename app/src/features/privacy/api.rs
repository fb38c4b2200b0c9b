//! Server functions of personal data rights.

use crate::error::AppError;
use leptos::prelude::*;

/// Erases the caller's account, once its password is given again and the erasure confirmed.
#[server(prefix = "/api", endpoint = "privacy/delete-account")]
pub async fn delete_account(
    delete_password: String,
    confirm: Option<String>,
) -> Result<(), AppError> {
    let password = delete_password;
    use crate::domain::validate::Checker;
    use crate::server::{auth, infra::passwords, privacy, state::AppState};
    let state = AppState::get()?;
    let caller = auth::Caller::current().await?;
    let user = caller.user()?;
    let mut c = Checker::new();
    if confirm.as_deref() != Some("oui") {
        c.push("confirm", "privacy.confirm_required");
    }
    if password.is_empty() || password.len() > 1024 {
        c.push("delete_password", "auth.wrong_password");
    }
    c.finish()?;
    if !passwords::verify(password, user.password_hash.clone()).await? {
        return Err(AppError::field("delete_password", "auth.wrong_password"));
    }
    privacy::delete_account(&state.db, user.id).await?;
    let session = auth::session().await?;
    let _ = session.flush().await;
    leptos_axum::redirect("/confidentialite?compte=supprime");
    Ok(())
}

/// The caller leaves the organisation `org_id` (not its last owner while others are members).
#[server(prefix = "/api", endpoint = "privacy/leave")]
pub async fn leave_organisation(org_id: i32) -> Result<(), AppError> {
    use crate::server::{auth, privacy, state::AppState};
    let state = AppState::get()?;
    let caller = auth::Caller::current().await?;
    let user = caller.user()?;
    privacy::leave(&state.db, user.id, org_id).await?;
    leptos_axum::redirect("/compte?ok=left");
    Ok(())
}
