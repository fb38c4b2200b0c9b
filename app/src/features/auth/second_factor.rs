//! Server functions of the second factor: its state on the account, turning it on and off,
//! new recovery codes. Each change asks for the password again: a session left open on a shared
//! computer must not be enough to take over or remove someone's second factor.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// What the security page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorView {
    /// The account has a second factor.
    pub enabled: bool,
    /// Since when (ISO date), if on.
    pub since: Option<String>,
    /// Unused recovery codes, if on.
    pub recovery_left: u64,
    /// The account is an administrator's: the factor is required for administration.
    pub required: bool,
    /// A fresh secret to turn it on with, if off.
    pub setup: Option<Setup>,
    /// Recovery codes just made (shown this once).
    pub fresh_codes: Vec<String>,
}

/// A secret offered to the authenticator app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    /// Base32, grouped by four to type by hand.
    pub grouped: String,
    /// The QR code of the otpauth:// address, as SVG markup made on the server.
    pub qr_svg: String,
}

#[server(prefix = "/api", endpoint = "auth/second-factor", input = GetUrl)]
pub async fn second_factor_state() -> Result<FactorView, AppError> {
    use crate::domain::second_factor as rules;
    use crate::server::auth::{self, second_factor};
    use crate::server::state::AppState;
    let state = AppState::get()?;
    let caller = auth::Caller::current().await?;
    let user = caller.user()?;
    let fresh_codes = auth::take_shown_codes()
        .await?
        .iter()
        .map(|c| rules::shown(c))
        .collect();
    let enabled = user.totp_secret.is_some();
    let setup = if enabled {
        None
    } else {
        // Kept on the session only, until the first code proves the app has it.
        let secret = auth::offered_secret().await?;
        let url = second_factor::otpauth_url(&secret, &user.email).ok_or(AppError::Internal)?;
        Some(Setup {
            grouped: rules::grouped(&secret),
            qr_svg: second_factor::qr_svg(&url).ok_or(AppError::Internal)?,
        })
    };
    Ok(FactorView {
        enabled,
        since: user
            .totp_enabled_at
            .map(|d| d.date_naive().format("%Y-%m-%d").to_string()),
        recovery_left: if enabled {
            second_factor::recovery_left(&state.db, user.id).await?
        } else {
            0
        },
        required: user.is_admin,
        setup,
        fresh_codes,
    })
}

/// Checks the caller's password again before a change of their second factor.
#[cfg(feature = "ssr")]
async fn password_again(
    user: &crate::server::infra::entities::users::Model,
    field: &str,
    password: String,
) -> Result<(), AppError> {
    if password.len() > 1024
        || !crate::server::infra::passwords::verify(password, user.password_hash.clone()).await?
    {
        return Err(AppError::field(field, "auth.wrong_password"));
    }
    Ok(())
}

/// Turns the second factor on with the secret the page offered, once the app's first code
/// shows it was scanned right.
#[server(prefix = "/api", endpoint = "auth/second-factor/enable")]
pub async fn enable_second_factor(code: String, password: String) -> Result<(), AppError> {
    use crate::server::auth::{self, second_factor};
    use crate::server::state::AppState;
    let state = AppState::get()?;
    let caller = auth::Caller::current().await?;
    let user = caller.user()?;
    if user.totp_secret.is_some() {
        return Err(AppError::field("code", "second_factor.already_on"));
    }
    if code.len() > 64 {
        return Err(AppError::field("code", "second_factor.code_format"));
    }
    password_again(user, "password", password).await?;
    let secret = auth::offered_secret().await?;
    let codes = second_factor::enable(&state.db, user, &secret, &code).await?;
    auth::take_offered_secret().await?;
    // This session just proved the factor.
    auth::mark_second_factor().await?;
    auth::show_codes_once(codes).await?;
    leptos_axum::redirect("/compte/double-authentification");
    Ok(())
}

/// Turns the second factor off: the password and a current code (or a recovery code).
#[server(prefix = "/api", endpoint = "auth/second-factor/disable")]
pub async fn disable_second_factor(off_password: String, off_code: String) -> Result<(), AppError> {
    use crate::server::auth::{self, second_factor};
    use crate::server::state::AppState;
    let state = AppState::get()?;
    let caller = auth::Caller::current().await?;
    let user = caller.user()?;
    if user.totp_secret.is_none() {
        return Err(AppError::field("off_code", "second_factor.not_on"));
    }
    password_again(user, "off_password", off_password).await?;
    if off_code.len() > 64
        || second_factor::check(&state.db, user, &off_code)
            .await?
            .is_none()
    {
        return Err(AppError::field("off_code", "second_factor.code_wrong"));
    }
    second_factor::disable(&state.db, user.id).await?;
    leptos_axum::redirect("/compte/double-authentification?ok=off");
    Ok(())
}

/// New recovery codes (the old ones stop working), shown once.
#[server(prefix = "/api", endpoint = "auth/second-factor/renew")]
pub async fn renew_recovery_codes(renew_password: String) -> Result<(), AppError> {
    use crate::server::auth::{self, second_factor};
    use crate::server::state::AppState;
    let state = AppState::get()?;
    let caller = auth::Caller::current().await?;
    let user = caller.user()?;
    if user.totp_secret.is_none() {
        return Err(AppError::field("renew_password", "second_factor.not_on"));
    }
    // A session opened before the factor was turned on cannot mint codes that pass it.
    if !caller.second_factor {
        return Err(AppError::SecondFactorRequired);
    }
    password_again(user, "renew_password", renew_password).await?;
    let codes = second_factor::renew_recovery_codes(&state.db, user.id).await?;
    auth::show_codes_once(codes).await?;
    leptos_axum::redirect("/compte/double-authentification");
    Ok(())
}
