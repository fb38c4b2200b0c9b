//! The second factor: TOTP codes from an authenticator app (RFC 6238, by totp-rs), each good
//! once, and single-use recovery codes kept as hashes. Administrators must use it for their
//! actions ([`super::Caller::require_admin`]); anyone may turn it on.

use crate::domain::audit::Action;
use crate::domain::second_factor::{self as rules, Typed};
use crate::error::AppError;
use crate::server::audit::{self, Target};
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{recovery_codes, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter,
};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The name authenticator apps show above the code.
const ISSUER: &str = "Passerelle";

/// A fresh secret: 160 random bits (RFC 4226's recommendation), in base32 as apps take it.
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    Secret::from(bytes).to_base32()
}

/// The generator of `secret` for the account `email`: SHA-1, six digits, 30-second steps, one
/// step of clock drift either way — what every authenticator app speaks.
fn totp(secret: &str, email: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    if secret.as_ref().len() < 16 {
        return None;
    }
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        // A colon would break the label of the otpauth address.
        .with_account_name(email.replace(':', " "))
        .build()
        .ok()
}

fn now_secs() -> u64 {
    chrono::Utc::now().timestamp().max(0) as u64
}

/// The otpauth:// address an app reads from the QR code; none for a malformed secret.
pub fn otpauth_url(secret: &str, email: &str) -> Option<String> {
    totp(secret, email)?.to_url().ok()
}

/// The QR code of `text` as an SVG drawing (black squares on white, with the quiet zone).
pub fn qr_svg(text: &str) -> Option<String> {
    use qrcodegen::{QrCode, QrCodeEcc};
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let border = 4;
    let size = qr.size() + 2 * border;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         width=\"220\" height=\"220\" shape-rendering=\"crispEdges\" aria-hidden=\"true\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// The step of `code` if it is right for `secret` now (±30 s).
fn step_of(secret: &str, email: &str, code: &str) -> Option<i64> {
    let totp = totp(secret, email)?;
    totp.check(code, now_secs()).map(|s| s as i64)
}

/// Turns the second factor on for `user` with the `secret` shown to them, if `code` is the
/// app's current one: replaces any earlier secret and recovery codes, and returns the new
/// recovery codes (shown once, kept only as hashes).
pub async fn enable(
    db: &DatabaseConnection,
    user: &users::Model,
    secret: &str,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let secret = secret.trim().to_ascii_uppercase();
    if totp(&secret, &user.email).is_none() {
        return Err(AppError::BadRequest);
    }
    let Typed::Totp(code) = rules::read(code) else {
        return Err(AppError::field("code", "second_factor.code_format"));
    };
    let Some(step) = step_of(&secret, &user.email, &code) else {
        return Err(AppError::field("code", "second_factor.code_wrong"));
    };
    let txn = begin_write(db).await?;
    users::ActiveModel {
        id: Set(user.id),
        totp_secret: Set(Some(secret)),
        totp_last_step: Set(Some(step)),
        totp_enabled_at: Set(Some(chrono::Utc::now())),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let codes = replace_recovery_codes(&txn, user.id).await?;
    audit::record(
        &txn,
        Some(user.id),
        Action::SecondFactorOn,
        Target::User(user.id),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

/// Turns the second factor off (its secret and recovery codes forgotten).
pub async fn disable(db: &DatabaseConnection, user_id: i32) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    forget(&txn, user_id).await?;
    audit::record(
        &txn,
        Some(user_id),
        Action::SecondFactorOff,
        Target::User(user_id),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Forgets the secret and recovery codes of `user_id` (turned off, account deleted).
pub async fn forget(db: &impl ConnectionTrait, user_id: i32) -> Result<(), AppError> {
    users::ActiveModel {
        id: Set(user_id),
        totp_secret: Set(None),
        totp_last_step: Set(None),
        totp_enabled_at: Set(None),
        ..Default::default()
    }
    .update(db)
    .await?;
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// New recovery codes for `user_id`, the old ones no longer good.
pub async fn renew_recovery_codes(
    db: &DatabaseConnection,
    user_id: i32,
) -> Result<Vec<String>, AppError> {
    let txn = begin_write(db).await?;
    let codes = replace_recovery_codes(&txn, user_id).await?;
    audit::record(
        &txn,
        Some(user_id),
        Action::RecoveryCodesRenewed,
        Target::User(user_id),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

async fn replace_recovery_codes(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Vec<String>, AppError> {
    use rand::RngCore;
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    let now = chrono::Utc::now();
    let mut codes = Vec::with_capacity(rules::RECOVERY_COUNT);
    for _ in 0..rules::RECOVERY_COUNT {
        let mut bytes = [0u8; rules::RECOVERY_LEN];
        rand::rng().fill_bytes(&mut bytes);
        let code = rules::recovery_from(bytes);
        recovery_codes::ActiveModel {
            user_id: Set(user_id),
            code_hash: Set(super::token_hash(&code)),
            used_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        codes.push(code);
    }
    Ok(codes)
}

/// How many recovery codes of `user_id` are still unused.
pub async fn recovery_left(db: &DatabaseConnection, user_id: i32) -> Result<u64, AppError> {
    Ok(recovery_codes::Entity::find()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .count(db)
        .await?)
}

/// How a right code was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proof {
    App,
    /// A recovery code, now used; how many are left.
    Recovery(u64),
}

/// Checks `typed` against `user`'s second factor and uses it up: an app code's step is
/// recorded (the same code, or an older one, is refused after), a recovery code is marked used.
/// Both are conditional updates, so two requests racing with one code cannot both pass.
pub async fn check(
    db: &DatabaseConnection,
    user: &users::Model,
    typed: &str,
) -> Result<Option<Proof>, AppError> {
    let Some(secret) = user.totp_secret.as_deref() else {
        return Ok(None);
    };
    match rules::read(typed) {
        Typed::Totp(code) => {
            let Some(step) = step_of(secret, &user.email, &code) else {
                return Ok(None);
            };
            let res = users::Entity::update_many()
                .col_expr(users::Column::TotpLastStep, Some(step).into())
                .filter(users::Column::Id.eq(user.id))
                .filter(
                    sea_orm::Condition::any()
                        .add(users::Column::TotpLastStep.is_null())
                        .add(users::Column::TotpLastStep.lt(step)),
                )
                .exec(db)
                .await?;
            Ok((res.rows_affected == 1).then_some(Proof::App))
        }
        Typed::Recovery(code) => {
            let txn = begin_write(db).await?;
            let res = recovery_codes::Entity::update_many()
                .col_expr(
                    recovery_codes::Column::UsedAt,
                    Some(chrono::Utc::now()).into(),
                )
                .filter(recovery_codes::Column::UserId.eq(user.id))
                .filter(recovery_codes::Column::CodeHash.eq(super::token_hash(&code)))
                .filter(recovery_codes::Column::UsedAt.is_null())
                .exec(&txn)
                .await?;
            if res.rows_affected != 1 {
                return Ok(None);
            }
            let left = recovery_codes::Entity::find()
                .filter(recovery_codes::Column::UserId.eq(user.id))
                .filter(recovery_codes::Column::UsedAt.is_null())
                .count(&txn)
                .await?;
            audit::record(
                &txn,
                Some(user.id),
                Action::RecoveryCodeUsed,
                Target::User(user.id),
                format!("{left} left"),
            )
            .await?;
            txn.commit().await?;
            Ok(Some(Proof::Recovery(left)))
        }
        Typed::Invalid => Ok(None),
    }
}

/// The code an app shows now for `secret` (tests and the demo's documentation use it).
pub fn current_code(secret: &str) -> Option<String> {
    Some(totp(secret, "x")?.generate(now_secs()).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_makes_codes_its_generator_accepts_once_per_step() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32, "160 bits in base32");
        let code = current_code(&secret).unwrap();
        assert_eq!(code.len(), 6);
        assert!(step_of(&secret, "a@b.fr", &code).is_some());
        let wrong = format!(
            "{:06}",
            (code.parse::<u32>().unwrap() + 500_000) % 1_000_000
        );
        assert!(step_of(&secret, "a@b.fr", &wrong).is_none());
    }

    #[test]
    fn malformed_or_short_secrets_are_refused() {
        assert!(totp("not base32!", "a@b.fr").is_none());
        assert!(totp("ABCDEFGH", "a@b.fr").is_none(), "40 bits");
        assert!(otpauth_url(&new_secret(), "a:b@c.fr")
            .unwrap()
            .starts_with("otpauth://totp/"));
    }

    #[test]
    fn the_qr_code_is_an_svg_drawing() {
        let svg = qr_svg("otpauth://totp/Passerelle:a@b.fr?secret=ABC").unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<path d=\"M"));
        assert!(!svg.contains("<script"));
    }
}
