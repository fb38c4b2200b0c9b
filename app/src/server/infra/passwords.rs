//! Password hashing with argon2id (the argon2 crate's defaults: 19 MiB, 2 passes), off the async
//! threads because a hash takes tens of milliseconds by design.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

pub async fn hash(password: String) -> Result<String, crate::error::AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| {
        tracing::error!("hashing task failed: {e}");
        crate::error::AppError::Internal
    })?
    .map_err(|e| {
        tracing::error!("hashing failed: {e}");
        crate::error::AppError::Internal
    })
}

/// Whether `password` matches `stored`; a malformed stored hash never matches.
pub async fn verify(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random password, verified against when an email is unknown so that a login for
/// an unknown account takes as long as one for a known account.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0Kc1Ycmo0Dfg1QqE7gTQYh3P0Vvg2cG1N0mNf9xHk2s";
