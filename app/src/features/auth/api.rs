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
    /// Facilitates insertion in a territory (`/compte/insertion`).
    pub is_facilitator: bool,
    /// This session was opened with the second factor.
    pub second_factor: bool,
}

#[server(prefix = "/api", endpoint = "auth/me", input = GetUrl)]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    let caller = crate::server::auth::Caller::current().await?;
    let second_factor = caller.second_factor;
    Ok(caller.user.map(|u| SessionUser {
        id: u.id,
        email: u.email,
        display_name: u.display_name,
        is_admin: u.is_admin,
        is_analyst: u.is_analyst,
        is_facilitator: u.facilitator_area.is_some(),
        second_factor,
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
    use crate::domain::validate::{Checker, NewAccount};
    use crate::server::{auth, infra::passwords, state::AppState};
    let state = AppState::get()?;
    let mut c = Checker::new();
    let form = NewAccount {
        email,
        display_name,
        password,
        password_confirm,
    };
    // The rules the browser also runs as the person types, then those that need the lists.
    let (email, display_name, password) = form.check_into(&mut c);
    crate::server::infra::passwords::refuse_common(&mut c, "password", &password);
    crate::server::infra::passwords::refuse_context(
        &mut c,
        "password",
        &password,
        &[&email, &display_name],
    );
    c.finish()?;
    // The cheap refusal before the costly hash (create_user checks again in its transaction).
    if auth::find_by_email(&state.db, &email).await?.is_some() {
        return Err(AppError::field("email", "validation.email_taken"));
    }
    let hash = passwords::hash(password).await?;
    let user = auth::create_user(&state.db, &email, &display_name, hash).await?;
    auth::start_session(&user, false).await?;
    leptos_axum::redirect("/compte");
    Ok(())
}

/// Signs in. Throttled per client address, and per account and client on failures (429): see
/// `infra::limits` for why nobody can lock an account's owner out.
#[server(prefix = "/api", endpoint = "auth/login")]
/// `next`: the page to go back to once signed in, a path of this site (anything else: the
/// account page).
pub async fn login(
    email: String,
    password: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    use crate::server::infra::{client, limits::Client, passwords};
    use crate::server::{auth, state::AppState};
    let state = AppState::get()?;
    let email = email.trim().to_lowercase();
    // An address too long to be an account's is not worth a hash, nor a throttle key.
    if email.len() > crate::server::infra::limits::MAX_EMAIL_KEY || password.len() > 1024 {
        return Err(AppError::field("password", "auth.bad_credentials"));
    }
    let ip = client::current_ip().await;
    let headers = leptos_axum::extract::<axum::http::HeaderMap>()
        .await
        .unwrap_or_default();
    let user = auth::find_by_email(&state.db, &email).await?;
    let device = match &user {
        Some(u) => auth::devices::known(&state.db, state.sessions, &headers, u.id).await?,
        None => None,
    };
    let who = Client::of(ip, device.clone());
    if !state.login_limits.check(ip, &who, &email) {
        return Err(AppError::TooManyRequests);
    }
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| passwords::DUMMY_HASH.into());
    let ok = passwords::verify(password, stored).await?;
    match user {
        Some(user) if ok && user.totp_secret.is_some() => {
            tracing::info!(user = user.id, ip = ?ip, "login: password right, second factor asked");
            auth::hold_for_second_factor(&user).await?;
            // Where it was going, kept through the second step.
            match crate::domain::security::local_path(&next) {
                Some(next) => leptos_axum::redirect(&format!(
                    "/connexion/code?retour={}",
                    crate::components::layout::urlencode(next)
                )),
                None => leptos_axum::redirect("/connexion/code"),
            }
            Ok(())
        }
        Some(user) if ok => {
            tracing::info!(user = user.id, ip = ?ip, device = device.is_some(), "login succeeded");
            auth::start_session(&user, false).await?;
            if let Some(token) = auth::devices::remember(&state.db, user.id, device).await? {
                set_cookie(&auth::devices::set_cookie(&token, state.sessions));
            }
            leptos_axum::redirect(crate::domain::security::local_path(&next).unwrap_or("/compte"));
            Ok(())
        }
        found => {
            // The account's id, never the email typed (it may be someone's password).
            let account = found.map(|u| u.id);
            if state.login_limits.failed(&who, &email) {
                tracing::warn!(?account, ip = ?ip, "login failed: this client is now held on this account");
                Err(AppError::TooManyRequests)
            } else {
                tracing::info!(?account, ip = ?ip, "login failed");
                Err(AppError::field("password", "auth.bad_credentials"))
            }
        }
    }
}

/// The second step of signing in, for an account with a second factor: the code of the
/// authenticator app, or a recovery code. Wrong codes count against the same throttle as wrong
/// passwords, and after five the password must be typed again.
/// `next`: where to go once signed in (a path of this site only, as for the password).
#[server(prefix = "/api", endpoint = "auth/login-code")]
pub async fn login_code(code: String, #[server(default)] next: String) -> Result<(), AppError> {
    use crate::server::auth::{self, second_factor, second_factor::Proof};
    use crate::server::infra::{client, limits::Client};
    use crate::server::state::AppState;
    let state = AppState::get()?;
    let Some(pending) = auth::pending_sign_in().await? else {
        return Err(AppError::field("code", "second_factor.start_again"));
    };
    let caller = auth::Caller::for_user(&state.db, pending.user_id).await?;
    let Some(user) = caller.user.as_ref() else {
        return Err(AppError::field("code", "second_factor.start_again"));
    };
    let ip = client::current_ip().await;
    let headers = leptos_axum::extract::<axum::http::HeaderMap>()
        .await
        .unwrap_or_default();
    let device = auth::devices::known(&state.db, state.sessions, &headers, user.id).await?;
    let who = Client::of(ip, device.clone());
    if !state.login_limits.check(ip, &who, &user.email) {
        return Err(AppError::TooManyRequests);
    }
    let proof = if code.len() > 64 {
        None
    } else {
        second_factor::check(&state.db, user, &code).await?
    };
    let Some(proof) = proof else {
        tracing::info!(account = user.id, ip = ?ip, "login: wrong second-factor code");
        let again = auth::wrong_code(pending).await?;
        if state.login_limits.failed(&who, &user.email) {
            return Err(AppError::TooManyRequests);
        }
        let key = if again {
            "second_factor.code_wrong"
        } else {
            "second_factor.start_again"
        };
        return Err(AppError::field("code", key));
    };
    tracing::info!(user = user.id, ip = ?ip, ?proof, "login succeeded with the second factor");
    auth::start_session(user, true).await?;
    if let Some(token) = auth::devices::remember(&state.db, user.id, device).await? {
        set_cookie(&auth::devices::set_cookie(&token, state.sessions));
    }
    match proof {
        Proof::Recovery(left) => {
            leptos_axum::redirect(&format!("/compte/double-authentification?secours={left}"))
        }
        Proof::App => {
            leptos_axum::redirect(crate::domain::security::local_path(&next).unwrap_or("/compte"))
        }
    }
    Ok(())
}

/// Adds a `Set-Cookie` header to the server function's answer.
#[cfg(feature = "ssr")]
fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(value),
    ) {
        res.append_header(axum::http::header::SET_COOKIE, v);
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
    use crate::domain::validate::{Checker, NewPassword};
    use crate::server::{auth, infra::passwords, state::AppState};
    let state = AppState::get()?;
    let caller = auth::Caller::current().await?;
    let user = caller.user()?;
    let mut c = Checker::new();
    let password = NewPassword {
        password,
        password_confirm,
    }
    .check_into(&mut c);
    crate::server::infra::passwords::refuse_common(&mut c, "password", &password);
    crate::server::infra::passwords::refuse_context(
        &mut c,
        "password",
        &password,
        &[&user.email, &user.display_name],
    );
    c.finish()?;
    if !passwords::verify(current, user.password_hash.clone()).await? {
        return Err(AppError::field("current", "auth.wrong_password"));
    }
    let hash = passwords::hash(password).await?;
    // A new session id, so a session stolen before the change stops working; every other
    // session of the account ends with the old password.
    auth::start_session(user, caller.second_factor).await?;
    let keep = auth::session().await?.id();
    auth::set_password(&state.db, user.id, hash, keep).await?;
    leptos_axum::redirect("/compte?ok=password");
    Ok(())
}

/// The caller's sessions: how many are live, and after how many hours unused one ends.
#[server(prefix = "/api", endpoint = "auth/sessions", input = GetUrl)]
pub async fn my_sessions() -> Result<(u64, u64), AppError> {
    use crate::server::{auth, infra::sessions::DbSessionStore, state::AppState};
    let state = AppState::get()?;
    let caller = auth::Caller::current().await?;
    let user = caller.user()?;
    let live = DbSessionStore::count_of(&state.db, user.id).await?;
    let idle = if user.is_admin {
        state.sessions.admin_idle
    } else {
        state.sessions.idle
    };
    // The current session may not be saved yet (its first request): it counts.
    Ok((live.max(1), (idle.as_secs() / 3600).max(1)))
}

/// Ends every other session of the caller's account (a phone left somewhere, a shared
/// computer); this one stays signed in.
#[server(prefix = "/api", endpoint = "auth/sign-out-others")]
pub async fn sign_out_others() -> Result<(), AppError> {
    use crate::server::{auth, infra::sessions::DbSessionStore, state::AppState};
    let state = AppState::get()?;
    let caller = auth::Caller::current().await?;
    let user = caller.user()?;
    // The current session keeps its rights (and its age) under a new id; all the others end.
    let session = auth::session().await?;
    session.cycle_id().await.map_err(|e| {
        tracing::error!("session: {e}");
        AppError::Internal
    })?;
    let ended = DbSessionStore::end_sessions_of(&state.db, user.id, None).await?;
    tracing::info!("user {} signed out of {ended} other sessions", user.id);
    leptos_axum::redirect("/compte?ok=signed_out_others");
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
    let ip = crate::server::infra::client::current_ip().await;
    if !state.login_limits.check_request(ip, &email) {
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
    use crate::domain::validate::{Checker, NewPassword};
    use crate::server::{auth, infra::passwords, state::AppState};
    let state = AppState::get()?;
    let mut c = Checker::new();
    let password = NewPassword {
        password,
        password_confirm,
    }
    .check_into(&mut c);
    crate::server::infra::passwords::refuse_common(&mut c, "password", &password);
    if token.len() > 200 {
        c.push("token", "auth.reset_invalid");
    }
    c.finish()?;
    // The token first (a read), the costly hash only for a token that can be used.
    let user_id = auth::reset_token_user(&state.db, token.trim()).await?;
    if let Some(user) = auth::Caller::for_user(&state.db, user_id).await?.user {
        let mut c = Checker::new();
        crate::server::infra::passwords::refuse_context(
            &mut c,
            "password",
            &password,
            &[&user.email, &user.display_name],
        );
        c.finish()?;
    }
    let hash = passwords::hash(password).await?;
    let user_id = auth::consume_reset_token(&state.db, token.trim(), hash).await?;
    let user = auth::Caller::for_user(&state.db, user_id).await?;
    let user = user.user()?;
    // A reset proves the mailbox, not the second factor: it is still asked for.
    if user.totp_secret.is_some() {
        auth::hold_for_second_factor(user).await?;
        leptos_axum::redirect("/connexion/code");
    } else {
        auth::start_session(user, false).await?;
        leptos_axum::redirect("/compte?ok=password");
    }
    Ok(())
}
