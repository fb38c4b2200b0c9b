//! Password hashing with argon2id (the argon2 crate's defaults: 19 MiB, 2 passes), off the async
//! threads because a hash takes tens of milliseconds by design, and a few at a time: each
//! takes 19 MiB, so a burst of sign-ups or logins waits its turn instead of exhausting memory
//! and every core; past a short wait it is told to come back (429).

use crate::error::AppError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Hashes at once: one a core, at least two (so 38 MiB on this project's 2-core machines).
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Semaphore::new(cores.max(2))
});

/// How long a request waits for its turn to hash before it is told to come back.
const WAIT: Duration = Duration::from_secs(10);

/// Argon2 runs started since the process began (hashes and verifications): what a test reads
/// to check that a request was refused before any costly work.
static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn hashes_started() -> u64 {
    STARTED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Runs `work` (argon2) on a blocking thread once a hashing permit is free.
async fn bounded<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let permit = tokio::time::timeout(WAIT, HASHING.acquire())
        .await
        .map_err(|_| {
            tracing::warn!("password hashing: every permit busy for {WAIT:?}, request refused");
            AppError::TooManyRequests
        })?
        .map_err(|_| AppError::Internal)?;
    let out = tokio::task::spawn_blocking(work).await.map_err(|e| {
        tracing::error!("hashing task failed: {e}");
        AppError::Internal
    });
    drop(permit);
    out
}

pub async fn hash(password: String) -> Result<String, AppError> {
    bounded(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await?
    .map_err(|e| {
        tracing::error!("hashing failed: {e}");
        AppError::Internal
    })
}

/// Whether `password` matches `stored`; a malformed stored hash never matches. An error only
/// when the server is too busy to check.
pub async fn verify(password: String, stored: String) -> Result<bool, AppError> {
    bounded(move || {
        PasswordHash::new(&stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
}

/// Common passwords from breach corpora (`reference/data/common_passwords.txt`, provenance in
/// its README): lower-cased, one a line.
static COMMON: LazyLock<std::collections::HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("reference/data/common_passwords.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .collect()
});

/// Whether `password` is a common one, or one with a few digits or signs around it: the
/// first words a guesser tries, whatever their length.
pub fn is_common(password: &str) -> bool {
    crate::domain::security::password_cores(password)
        .iter()
        .any(|core| COMMON.contains(core.as_str()))
}

/// Adds the refusal of a common password to `c` (field `field`), after its length checks.
pub fn refuse_common(c: &mut crate::domain::validate::Checker, field: &str, password: &str) {
    if is_common(password) {
        c.push(field, "validation.password_common");
    }
}

/// Adds the refusal of a password made of the site's, the territory's or the person's own words
/// (`personal`: their email, their name).
pub fn refuse_context(
    c: &mut crate::domain::validate::Checker,
    field: &str,
    password: &str,
    personal: &[&str],
) {
    if crate::domain::security::leans_on_context(password, personal) {
        c.push(field, "validation.password_context");
    }
}

/// A hash of a random password, verified against when an email is unknown so that a login for
/// an unknown account takes as long as one for a known account.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0Kc1Ycmo0Dfg1QqE7gTQYh3P0Vvg2cG1N0mNf9xHk2s";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_of_hashes_runs_a_few_at_a_time() {
        let permits = HASHING.available_permits();
        let busy = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tasks: Vec<_> = (0..permits * 3)
            .map(|_| {
                let (busy, most) = (busy.clone(), most.clone());
                tokio::spawn(async move {
                    bounded(move || {
                        use std::sync::atomic::Ordering::SeqCst;
                        let now = busy.fetch_add(1, SeqCst) + 1;
                        most.fetch_max(now, SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        busy.fetch_sub(1, SeqCst);
                    })
                    .await
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let most = most.load(std::sync::atomic::Ordering::SeqCst);
        assert!(most <= permits, "{most} hashes at once, {permits} allowed");
        assert!(most >= 1);
    }

    #[test]
    fn common_passwords_are_known_with_their_decorations() {
        for common in [
            "azertyuiop",
            "MotDePasse2024!",
            "soleil123",
            "1234567890",
            "Marseille13",
        ] {
            assert!(is_common(common), "{common}");
        }
        for fine in [
            "une phrase de passe",
            "passerelle-demo",
            "Vélo rouge sous la pluie",
        ] {
            assert!(!is_common(fine), "{fine}");
        }
    }

    #[tokio::test]
    async fn a_password_verifies_against_its_hash_only() {
        let h = hash("une phrase de passe".into()).await.unwrap();
        assert!(verify("une phrase de passe".into(), h.clone())
            .await
            .unwrap());
        assert!(!verify("autre chose".into(), h).await.unwrap());
        assert!(!verify("x".into(), "pas un hash".into()).await.unwrap());
    }
}
