//! Throttling of login attempts (governor), built so that it cannot be turned against the
//! person it protects: every attempt counts on the client's address (an IPv6 client by its
//! /64), and failures count on the account *from that client* — the device that signed in
//! before (its device cookie), else the address. Someone hammering an account from elsewhere
//! spends their own budget only; its owner, from a device that has not failed, signs in.
//! Every key is pruned once its budget is whole again, so the state stays bounded.

use crate::domain::security::client_key;
use governor::{
    clock::{Clock, DefaultClock},
    state::keyed::DefaultKeyedStateStore,
    Quota, RateLimiter,
};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::{net::IpAddr, num::NonZeroU32, time::Duration, time::Instant};

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

/// The client a login failure is counted against.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub enum Client {
    /// A browser holding a device cookie of the account (the hash of its token).
    Device(String),
    /// Otherwise its address (an IPv6 address by its /64).
    Address(IpAddr),
    /// A request whose address is unknown (never seen behind a proxy that passes it).
    Unknown,
}

impl Client {
    /// The client of a request from `ip`, holding the verified device `device` of the account.
    pub fn of(ip: Option<IpAddr>, device: Option<String>) -> Client {
        match (device, ip) {
            (Some(d), _) => Client::Device(d),
            (None, Some(ip)) => Client::Address(client_key(ip)),
            (None, None) => Client::Unknown,
        }
    }
}

/// Longest email kept as a throttling key (an address longer cannot be an account's).
pub const MAX_EMAIL_KEY: usize = 254;

/// Most accounts held at once (each spent its budget of failures from one client); past it,
/// the oldest holds go first. Far above what the per-address budget lets any botnet reach.
const MAX_HELD: usize = 200_000;

#[derive(Clone)]
pub struct LoginLimits {
    per_address: Arc<Keyed<IpAddr>>,
    failures: Arc<Keyed<(String, Client)>>,
    /// Requests of another kind (password reset emails) per account and client.
    requests: Arc<Keyed<(String, Client)>>,
    /// Account–client pairs whose failures are spent, and until when.
    held: Arc<Mutex<HashMap<(String, Client), Instant>>>,
}

fn account_key(email: &str) -> String {
    let mut e = email.trim().to_lowercase();
    e.truncate(MAX_EMAIL_KEY);
    e
}

impl LoginLimits {
    /// `per_address` attempts a minute from one address, `per_account` failures per quarter
    /// hour on one account from one client, each with that many in a burst.
    pub fn new(per_address: u32, per_account: u32) -> Self {
        Self::with_windows(
            per_address,
            Duration::from_secs(60),
            per_account,
            Duration::from_secs(15 * 60),
        )
    }

    /// `per_address` attempts per `address_window`, `per_account` failures per
    /// `account_window`: tests shorten the windows.
    pub fn with_windows(
        per_address: u32,
        address_window: Duration,
        per_account: u32,
        account_window: Duration,
    ) -> Self {
        let quota = |n: u32, window: Duration| {
            let n = n.max(1);
            Quota::with_period(window / n)
                .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
        };
        Self {
            per_address: Arc::new(RateLimiter::keyed(quota(per_address, address_window))),
            failures: Arc::new(RateLimiter::keyed(quota(per_account, account_window))),
            requests: Arc::new(RateLimiter::keyed(quota(per_account, account_window))),
            held: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Counts one login attempt on `email` by `client` from `ip`; false when the address spent
    /// its attempts (a device of the account is exempt: its owner signed in from it before) or
    /// this client spent its failures on this account.
    pub fn check(&self, ip: Option<IpAddr>, client: &Client, email: &str) -> bool {
        let address_ok = matches!(client, Client::Device(_))
            || ip
                .map(|ip| self.per_address.check_key(&client_key(ip)).is_ok())
                .unwrap_or(true);
        let key = (account_key(email), client.clone());
        let now = Instant::now();
        let held = self
            .held
            .lock()
            .map(|h| h.get(&key).is_some_and(|until| *until > now))
            .unwrap_or(false);
        address_ok && !held
    }

    /// Counts a failed login on `email` by `client`; true when that spent the pair's budget
    /// (this client is held on this account until a failure is allowed again).
    pub fn failed(&self, client: &Client, email: &str) -> bool {
        let key = (account_key(email), client.clone());
        match self.failures.check_key(&key) {
            Ok(()) => false,
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                if let Ok(mut held) = self.held.lock() {
                    let now = Instant::now();
                    if held.len() >= MAX_HELD {
                        held.retain(|_, until| *until > now);
                    }
                    if held.len() >= MAX_HELD {
                        tracing::warn!("login throttle: {MAX_HELD} holds, the oldest dropped");
                        if let Some(oldest) =
                            held.iter().min_by_key(|(_, u)| **u).map(|(k, _)| k.clone())
                        {
                            held.remove(&oldest);
                        }
                    }
                    held.insert(key, now + wait);
                }
                true
            }
        }
    }

    /// Counts one request of another kind (a password reset email) on `email` from `ip`:
    /// false when the address or this client's budget on the account is spent. Keyed on the
    /// client too, so that nobody can spend the budget of the account's owner.
    pub fn check_request(&self, ip: Option<IpAddr>, email: &str) -> bool {
        let address_ok = ip
            .map(|ip| self.per_address.check_key(&client_key(ip)).is_ok())
            .unwrap_or(true);
        address_ok
            && self
                .requests
                .check_key(&(account_key(email), Client::of(ip, None)))
                .is_ok()
    }

    /// Forgets every key whose budget is whole again and every hold that ended (run every
    /// minute by the server), so that the state holds only the clients of the last minutes.
    pub fn prune(&self) {
        self.per_address.retain_recent();
        self.per_address.shrink_to_fit();
        self.failures.retain_recent();
        self.failures.shrink_to_fit();
        self.requests.retain_recent();
        self.requests.shrink_to_fit();
        if let Ok(mut held) = self.held.lock() {
            let now = Instant::now();
            held.retain(|_, until| *until > now);
            held.shrink_to_fit();
        }
    }

    /// How many keys the throttle holds.
    pub fn keys(&self) -> usize {
        self.per_address.len()
            + self.failures.len()
            + self.requests.len()
            + self.held.lock().map(|h| h.len()).unwrap_or(0)
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

impl ApiLimits {
    /// Forgets the addresses whose budget is whole again.
    pub fn prune(&self) {
        self.per_ip.retain_recent();
        self.per_ip.shrink_to_fit();
    }
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
        let key = ip
            .map(client_key)
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        self.per_ip
            .check_key(&key)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// The pickers' lookups a minute per address: ten a second, far above a person typing (a word
/// asks one a keystroke), far below a flood.
pub const LOOKUPS_PER_MINUTE: u32 = 600;

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
        let ip = Some(IpAddr::from([192, 0, 2, 1]));
        let client = Client::of(ip, None);
        for _ in 0..20 {
            assert!(
                l.check(ip, &client, "a@exemple.fr"),
                "signing in often is never held"
            );
        }
        assert!(!l.failed(&client, "a@exemple.fr"));
        assert!(!l.failed(&client, "A@exemple.fr"));
        assert!(
            l.failed(&client, "a@exemple.fr"),
            "the third failure spends the budget"
        );
        assert!(
            !l.check(ip, &client, "a@exemple.fr"),
            "this client is held on this account, even with the right password"
        );
        assert!(
            l.check(ip, &client, "b@exemple.fr"),
            "other accounts are not"
        );
    }

    #[test]
    fn failures_from_elsewhere_never_hold_the_owner() {
        let l = LoginLimits::new(1000, 2);
        let attacker = Some(IpAddr::from([203, 0, 113, 9]));
        let owner = Some(IpAddr::from([192, 0, 2, 1]));
        let bad = Client::of(attacker, None);
        for _ in 0..10 {
            l.failed(&bad, "admin@exemple.fr");
        }
        assert!(!l.check(attacker, &bad, "admin@exemple.fr"));
        assert!(l.check(owner, &Client::of(owner, None), "admin@exemple.fr"));
        // Behind the attacker's own address (an office's NAT), the owner's device cookie
        // is its own client, exempt from the address's spent attempts.
        let device = Client::of(attacker, Some("hash-of-the-token".into()));
        assert!(l.check(attacker, &device, "admin@exemple.fr"));
    }

    #[test]
    fn an_ipv6_attacker_cannot_escape_by_changing_address_in_its_64() {
        let l = LoginLimits::new(1000, 2);
        for i in 0..3u16 {
            let ip: IpAddr = format!("2001:db8:5:6::{:x}", i + 1).parse().unwrap();
            l.failed(&Client::of(Some(ip), None), "x@exemple.fr");
        }
        let next: IpAddr = "2001:db8:5:6:ffff::2".parse().unwrap();
        assert!(!l.check(Some(next), &Client::of(Some(next), None), "x@exemple.fr"));
    }

    #[test]
    fn the_state_is_pruned_once_budgets_are_whole() {
        let l =
            LoginLimits::with_windows(5, Duration::from_millis(40), 2, Duration::from_millis(40));
        for i in 0..200u32 {
            let ip = Some(IpAddr::from(i.to_be_bytes()));
            let c = Client::of(ip, None);
            let email = format!("{i}@exemple.fr");
            l.check(ip, &c, &email);
            for _ in 0..3 {
                l.failed(&c, &email);
            }
        }
        assert!(l.keys() >= 600, "{}", l.keys());
        std::thread::sleep(Duration::from_millis(150));
        l.prune();
        assert_eq!(l.keys(), 0);
    }

    #[test]
    fn a_reset_request_budget_is_the_client_s_own() {
        let l = LoginLimits::new(1000, 2);
        let attacker = Some(IpAddr::from([203, 0, 113, 9]));
        let owner = Some(IpAddr::from([192, 0, 2, 1]));
        assert!(l.check_request(attacker, "a@exemple.fr"));
        assert!(l.check_request(attacker, "a@exemple.fr"));
        assert!(!l.check_request(attacker, "a@exemple.fr"));
        assert!(l.check_request(owner, "a@exemple.fr"));
    }
}
