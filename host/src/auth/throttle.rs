//! Login throttling at the token endpoint: how many logins one client
//! address may try per minute, and how many may be tried for one account (a
//! user or an OAuth2 client), whoever tries them. Token buckets (`governor`)
//! that refill evenly over the minute.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// How many checks go by between two sweeps of the buckets of clients and
/// accounts that are full again (which keeps the memory of addresses an
/// attacker cycles through bounded).
const SWEEP_EVERY: u32 = 1024;

/// The buckets of one token endpoint.
pub(crate) struct LoginThrottle {
    per_client: DefaultKeyedRateLimiter<IpAddr>,
    per_account: DefaultKeyedRateLimiter<String>,
    checks: AtomicU32,
}

/// Why a login is not tried now, and when it may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Throttled {
    /// Whose bucket is empty: `client` or `account`.
    pub(crate) by: &'static str,
    /// How long until one more login may be tried.
    pub(crate) retry_after: Duration,
}

impl LoginThrottle {
    /// Buckets of `per_client` and `per_account` logins a minute.
    pub(crate) fn new(per_client: NonZeroU32, per_account: NonZeroU32) -> LoginThrottle {
        LoginThrottle {
            per_client: RateLimiter::dashmap(Quota::per_minute(per_client)),
            per_account: RateLimiter::dashmap(Quota::per_minute(per_account)),
            checks: AtomicU32::new(0),
        }
    }

    /// Takes one login from the client's bucket and, for an account that
    /// exists, from the account's (so that names nobody has cannot fill the
    /// memory); or says which is empty and for how long.
    pub(crate) fn admit(
        &self,
        client: Option<IpAddr>,
        account: Option<&str>,
    ) -> Result<(), Throttled> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.per_client.retain_recent();
            self.per_account.retain_recent();
        }
        let now = DefaultClock::default().now();
        if let Some(client) = client
            && let Err(empty) = self.per_client.check_key(&client)
        {
            return Err(Throttled {
                by: "client",
                retry_after: empty.wait_time_from(now),
            });
        }
        if let Some(account) = account
            && let Err(empty) = self.per_account.check_key(&account.to_owned())
        {
            return Err(Throttled {
                by: "account",
                retry_after: empty.wait_time_from(now),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_and_each_account_has_its_bucket() {
        let two = NonZeroU32::new(2).expect("not zero");
        let throttle = LoginThrottle::new(two, two);
        let (a, b): (IpAddr, IpAddr) = (
            "10.0.0.1".parse().expect("ip"),
            "10.0.0.2".parse().expect("ip"),
        );
        assert!(throttle.admit(Some(a), Some("ann")).is_ok());
        assert!(throttle.admit(Some(a), None).is_ok());
        let throttled = throttle
            .admit(Some(a), None)
            .expect_err("a's bucket is empty");
        assert_eq!(throttled.by, "client");
        assert!(
            throttled.retry_after > Duration::from_secs(25),
            "{throttled:?}"
        );
        assert!(throttle.admit(Some(b), Some("ann")).is_ok());
        assert_eq!(
            throttle.admit(Some(b), Some("ann")).map_err(|t| t.by),
            Err("account"),
            "ann's bucket is empty, whoever asks"
        );
        assert!(throttle.admit(None, Some("bob")).is_ok());
    }
}
