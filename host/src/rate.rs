//! Rate limits per caller: token buckets (`governor`), one per key, that
//! refill evenly. The host-wide `[rate_limits]` and a component's
//! `rate_limit` use them, and so does the token endpoint's login throttling.
//! Like the manifest, this module is below everything that uses it.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::manifest::RateLimit;

/// How many takes go by between two sweeps of the buckets that are full
/// again, which keeps the memory of keys an attacker cycles through bounded.
const SWEEP_EVERY: u32 = 1024;

/// One token bucket per key.
pub struct Buckets<K: Hash + Eq + Clone> {
    buckets: RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>,
    takes: AtomicU32,
}

/// A bucket that is empty, and when it has a token again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Empty {
    /// How long until one more request may go.
    pub retry_after: Duration,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    /// Buckets that hold `quota`'s burst and refill at its rate.
    pub fn new(quota: Quota) -> Buckets<K> {
        Buckets {
            buckets: RateLimiter::dashmap(quota).with_middleware::<StateInformationMiddleware>(),
            takes: AtomicU32::new(0),
        }
    }

    /// Takes a token from `key`'s bucket: how many are left, or how long
    /// until there is one.
    pub fn take(&self, key: &K) -> Result<u32, Empty> {
        if self.takes.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.buckets.retain_recent();
        }
        let now = DefaultClock::default().now();
        self.buckets
            .check_key(key)
            .map(|state| state.remaining_burst_capacity())
            .map_err(|empty| Empty {
                retry_after: empty.wait_time_from(now),
            })
    }
}

/// What a rate limit says of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// It may go; so many more may go at once.
    Allow {
        /// The burst: requests that may go at once.
        limit: u32,
        /// How many more may go now.
        remaining: u32,
    },
    /// It is refused: 429 with `Retry-After`.
    Refuse {
        /// The burst.
        limit: u32,
        /// How long until one more may go.
        retry_after: Duration,
        /// Whether to log the refusal: once per caller and minute, not per
        /// request.
        log: bool,
    },
}

/// A rate limit as the host applies it: a bucket per caller, and a log that
/// says once a minute per caller that it was refused.
pub struct Limiter {
    limit: RateLimit,
    buckets: Buckets<String>,
    logged: Buckets<String>,
}

impl Limiter {
    /// The limiter of `limit`.
    pub fn new(limit: RateLimit) -> Limiter {
        let quota = Quota::per_second(limit.requests_per_second).allow_burst(limit.burst);
        Limiter {
            limit,
            buckets: Buckets::new(quota),
            logged: Buckets::new(Quota::per_minute(NonZeroU32::MIN)),
        }
    }

    /// The limit.
    pub fn limit(&self) -> &RateLimit {
        &self.limit
    }

    /// Whether the caller `key` may send one more request.
    pub fn check(&self, key: &str) -> Decision {
        let limit = self.limit.burst.get();
        let key = key.to_owned();
        match self.buckets.take(&key) {
            Ok(remaining) => Decision::Allow { limit, remaining },
            Err(empty) => Decision::Refuse {
                limit,
                retry_after: empty.retry_after,
                log: self.logged.take(&key).is_ok(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::RateKey;

    #[test]
    fn each_caller_has_a_bucket_of_the_burst() {
        let two = NonZeroU32::new(2).expect("not zero");
        let limiter = Limiter::new(RateLimit {
            requests_per_second: NonZeroU32::MIN,
            burst: two,
            by: RateKey::Client,
        });
        assert_eq!(
            limiter.check("a"),
            Decision::Allow {
                limit: 2,
                remaining: 1
            }
        );
        assert_eq!(
            limiter.check("a"),
            Decision::Allow {
                limit: 2,
                remaining: 0
            }
        );
        let Decision::Refuse {
            retry_after, log, ..
        } = limiter.check("a")
        else {
            panic!("a's bucket is empty");
        };
        assert!(retry_after > Duration::from_millis(500), "{retry_after:?}");
        assert!(log, "the first refusal is logged");
        assert!(
            matches!(limiter.check("a"), Decision::Refuse { log: false, .. }),
            "the next is not, within the minute"
        );
        assert_eq!(
            limiter.check("b"),
            Decision::Allow {
                limit: 2,
                remaining: 1
            }
        );
    }
}
