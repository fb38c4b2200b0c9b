//! Throttling of login attempts (governor): per client IP (every attempt) and per account
//! (failed attempts only), so that neither a single client nor a botnet on a single account can
//! guess passwords quickly, while a person who signs in often on several devices is never held.

use governor::{
    clock::{Clock, DefaultClock},
    state::keyed::DefaultKeyedStateStore,
    Quota, RateLimiter,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::{net::IpAddr, num::NonZeroU32, time::Duration, time::Instant};

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

#[derive(Clone)]
pub struct LoginLimits {
    per_ip: Arc<Keyed<IpAddr>>,
    per_account: Arc<Keyed<String>>,
    /// Accounts whose budget of failures is spent, and until when.
    locked: Arc<Mutex<HashMap<String, Instant>>>,
}

impl LoginLimits {
    /// `per_ip` attempts a minute from one address, `per_account` failures per quarter hour on
    /// one email, each with that many in a burst.
    pub fn new(per_ip: u32, per_account: u32) -> Self {
        let ip = Quota::per_minute(NonZeroU32::new(per_ip.max(1)).unwrap_or(NonZeroU32::MIN));
        let account = Quota::with_period(Duration::from_secs(15 * 60) / per_account.max(1))
            .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(per_account.max(1)).unwrap_or(NonZeroU32::MIN));
        Self {
            per_ip: Arc::new(RateLimiter::keyed(ip)),
            per_account: Arc::new(RateLimiter::keyed(account)),
            locked: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Counts one login attempt from `ip`; false when its budget is spent or the account is
    /// locked by its failures (even the right password then waits).
    pub fn check(&self, ip: Option<IpAddr>, email: &str) -> bool {
        let ip_ok = ip
            .map(|ip| self.per_ip.check_key(&ip).is_ok())
            .unwrap_or(true);
        let now = Instant::now();
        let locked = self
            .locked
            .lock()
            .map(|l| {
                l.get(&email.to_lowercase())
                    .is_some_and(|until| *until > now)
            })
            .unwrap_or(false);
        ip_ok && !locked
    }

    /// Counts a failed login on `email`; true when that spent the account's budget (it is now
    /// locked until a failure is allowed again).
    pub fn failed(&self, email: &str) -> bool {
        let key = email.to_lowercase();
        match self.per_account.check_key(&key) {
            Ok(()) => false,
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                if let Ok(mut l) = self.locked.lock() {
                    let now = Instant::now();
                    l.retain(|_, until| *until > now);
                    l.insert(key, now + wait);
                }
                true
            }
        }
    }

    /// Counts one request of another kind on `key` (a password reset): false when spent.
    pub fn check_every(&self, key: &str) -> bool {
        self.per_account.check_key(&key.to_lowercase()).is_ok()
    }
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self::new(20, 10)
    }
}

/// The open data API's budget: `per_minute` requests a minute per client address, as many in a
/// burst. Requests whose address is unknown share one budget.
#[derive(Clone)]
pub struct ApiLimits {
    per_ip: Arc<Keyed<IpAddr>>,
    per_minute: u32,
}

/// The API's requests a minute per address (the OpenAPI description says 120: change it with it).
pub const API_PER_MINUTE: u32 = 120;

impl ApiLimits {
    pub fn new(per_minute: u32) -> Self {
        let quota =
            Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN));
        Self {
            per_ip: Arc::new(RateLimiter::keyed(quota)),
            per_minute: per_minute.max(1),
        }
    }

    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Counts one request from `ip`: how long to wait when its budget is spent.
    pub fn check(&self, ip: Option<IpAddr>) -> Result<(), Duration> {
        let key = ip.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        self.per_ip
            .check_key(&key)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

impl Default for ApiLimits {
    fn default() -> Self {
        Self::new(API_PER_MINUTE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_budget_is_per_address() {
        let l = ApiLimits::new(3);
        let a = Some(IpAddr::from([192, 0, 2, 1]));
        let b = Some(IpAddr::from([192, 0, 2, 2]));
        for _ in 0..3 {
            assert!(l.check(a).is_ok());
        }
        let wait = l
            .check(a)
            .expect_err("the fourth request of the minute waits");
        assert!(
            wait.as_secs() <= 20,
            "one request comes back every 20 s: {wait:?}"
        );
        assert!(l.check(b).is_ok(), "another address has its own budget");
    }

    #[test]
    fn successes_are_not_counted_failures_are() {
        let l = LoginLimits::new(1000, 2);
        for _ in 0..20 {
            assert!(
                l.check(None, "a@exemple.fr"),
                "signing in often is never held"
            );
        }
        assert!(!l.failed("a@exemple.fr"));
        assert!(!l.failed("A@exemple.fr"));
        assert!(
            l.failed("a@exemple.fr"),
            "the third failure spends the budget"
        );
        assert!(
            !l.check(None, "a@exemple.fr"),
            "locked, even with the right password"
        );
        assert!(l.check(None, "b@exemple.fr"), "other accounts are not");
    }
}
