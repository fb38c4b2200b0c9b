//! Throttling of login attempts (governor): per client IP and per account, so that neither a
//! single client nor a botnet on a single account can guess passwords quickly.

use governor::{clock::DefaultClock, state::keyed::DefaultKeyedStateStore, Quota, RateLimiter};
use std::{net::IpAddr, num::NonZeroU32, sync::Arc, time::Duration};

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

#[derive(Clone)]
pub struct LoginLimits {
    per_ip: Arc<Keyed<IpAddr>>,
    per_account: Arc<Keyed<String>>,
}

impl LoginLimits {
    /// `per_ip` attempts a minute from one address, `per_account` attempts per quarter hour on
    /// one email, each with that many in a burst.
    pub fn new(per_ip: u32, per_account: u32) -> Self {
        let ip = Quota::per_minute(NonZeroU32::new(per_ip.max(1)).unwrap_or(NonZeroU32::MIN));
        let account = Quota::with_period(Duration::from_secs(15 * 60) / per_account.max(1))
            .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(per_account.max(1)).unwrap_or(NonZeroU32::MIN));
        Self {
            per_ip: Arc::new(RateLimiter::keyed(ip)),
            per_account: Arc::new(RateLimiter::keyed(account)),
        }
    }

    /// Counts one attempt; false when either budget is spent.
    pub fn check(&self, ip: Option<IpAddr>, email: &str) -> bool {
        let ip_ok = ip
            .map(|ip| self.per_ip.check_key(&ip).is_ok())
            .unwrap_or(true);
        let account_ok = self.per_account.check_key(&email.to_lowercase()).is_ok();
        ip_ok && account_ok
    }
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self::new(20, 10)
    }
}
