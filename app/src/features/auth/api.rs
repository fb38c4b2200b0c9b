//! Server functions of accounts: who am I, sign up, log in and out, passwords.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// What the browser knows of the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i32,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    pub is_analyst: bool,
}

#[server(prefix = "/api", endpoint = "auth/me", input = GetUrl)]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    let caller = crate::server::auth::Caller::current().await?;
    Ok(caller.user.map(|u| SessionUser {
        id: u.id,
        email: u.email,
        display_name: u.display_name,
        is_admin: u.is_admin,
        is_analyst: u.is_analyst,
    }))
}

/// Creates an account and signs it in.
#[server(prefix = "/api", endpoint = "auth/signup")]
pub async fn signup(
    email: String,
    display_name: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::domain::validate::Checker;
    use crate::server::{auth, infra::passwords, state::AppState};
    let state = AppState::get()?;
    let mut c = Checker::new();
    let email = c.email("email", &email);
    let display_name = c.required("display_name", &display_name, 120);
    let password = c.new_password("password", &password);
    if password != password_confirm {
        c.push("password_confirm", "validation.password_mismatch");
    }
    c.finish()?;
    let hash = passwords::hash(password).await?;
    let user = auth::create_user(&state.db, &email, &display_name, hash).await?;
    start_session(user.id).await?;
    leptos_axum::redirect("/compte");
    Ok(())
}

/// Signs in. Throttled per client address, and per account on failures (429).
#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::server::{auth, infra::passwords, state::AppState};
    let state = AppState::get()?;
    let email = email.trim().to_lowercase();
    let ip = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .ok()
        .map(|ci| ci.0.ip());
    if !state.login_limits.check(ip, &email) {
        return Err(AppError::TooManyRequests);
    }
    let user = auth::find_by_email(&state.db, &email).await?;
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| passwords::DUMMY_HASH.into());
    let ok = passwords::verify(password, stored).await;
    match user {
        Some(user) if ok => {
            start_session(user.id).await?;
            leptos_axum::redirect("/compte");
            Ok(())
        }
        _ if state.login_limits.failed(&email) => Err(AppError::TooManyRequests),
        _ => Err(AppError::field("password", "auth.bad_credentials")),
    }
}

/// Ends the session on the server.
#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    let session = crate::server::auth::session().await?;
    session.flush().await.map_err(|e| {
        tracing::error!("session flush: {e}");
        AppError::Internal
    })?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/change-password")]
pub async fn change_password(
    current: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::domain::validate::Checker;
    use crate::server::{auth, infra::passwords, state::AppState};
    let state = AppState::get()?;
    let caller = auth::Caller::current().await?;
    let user = caller.user()?;
    let mut c = Checker::new();
    let password = c.new_password("password", &password);
    if password != password_confirm {
        c.push("password_confirm", "validation.password_mismatch");
    }
    if !passwords::verify(current, user.password_hash.clone()).await {
        c.push("current", "auth.wrong_password");
    }
    c.finish()?;
    auth::set_password(&state.db, user.id, passwords::hash(password).await?).await?;
    // A new session id, so a session stolen before the change stops working.
    start_session(user.id).await?;
    leptos_axum::redirect("/compte?ok=password");
    Ok(())
}

/// Emails a reset link if the address has an account. Answers the same either way, so the
/// form does not tell who has an account.
#[server(prefix = "/api", endpoint = "auth/forgot")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::domain::validate::Checker;
    use crate::i18n::tr;
    use crate::server::{auth, state::AppState};
    let state = AppState::get()?;
    let mut c = Checker::new();
    let email = c.email("email", &email);
    c.finish()?;
    if !state.login_limits.check_every(&format!("reset:{email}")) {
        return Err(AppError::TooManyRequests);
    }
    if let Some(user) = auth::find_by_email(&state.db, &email).await? {
        let token = auth::create_reset_token(&state.db, user.id).await?;
        let lang = crate::i18n::request_lang();
        let link = format!("{}/reinitialiser?jeton={token}", state.public_url);
        let body = tr(lang, "auth.reset_mail_body").replace("%{link}", &link);
        if let Err(e) = state
            .mailer
            .send(&user.email, &tr(lang, "auth.reset_mail_subject"), body)
            .await
        {
            tracing::error!("reset email to user {} failed: {e}", user.id);
            return Err(AppError::Internal);
        }
    }
    leptos_axum::redirect("/mot-de-passe-oublie?envoye=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/reset")]
pub async fn reset_password(
    token: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::domain::validate::Checker;
    use crate::server::{auth, infra::passwords, state::AppState};
    let state = AppState::get()?;
    let mut c = Checker::new();
    let password = c.new_password("password", &password);
    if password != password_confirm {
        c.push("password_confirm", "validation.password_mismatch");
    }
    if token.len() > 200 {
        c.push("token", "auth.reset_invalid");
    }
    c.finish()?;
    let user_id =
        auth::consume_reset_token(&state.db, token.trim(), passwords::hash(password).await?)
            .await?;
    start_session(user_id).await?;
    leptos_axum::redirect("/compte?ok=password");
    Ok(())
}

/// Signs `user_id` in with a fresh session id (no session fixation).
#[cfg(feature = "ssr")]
async fn start_session(user_id: i32) -> Result<(), AppError> {
    let session = crate::server::auth::session().await?;
    let fail = |e: tower_sessions::session::Error| {
        tracing::error!("session: {e}");
        AppError::Internal
    };
    session.cycle_id().await.map_err(fail)?;
    session
        .insert(crate::server::auth::USER_ID_KEY, user_id)
        .await
        .map_err(fail)?;
    Ok(())
}
