//! `[rate_limits]` and a component's `rate_limit`: how many requests each
//! caller may send.
//!
//! ```toml
//! [rate_limits]                  # every request to the host, per client address
//! requests_per_second = 100
//! burst = 200                    # default: requests_per_second
//!
//! [[component]]
//! rate_limit = { requests_per_second = 5, burst = 10, by = "subject" }
//! ```

use std::num::NonZeroU32;

use serde::Deserialize;

/// Requests per second for each caller, with bursts: a token bucket per
/// caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// How fast the bucket refills.
    pub requests_per_second: NonZeroU32,
    /// How many requests may go at once, from a full bucket.
    pub burst: NonZeroU32,
    /// Who the caller is.
    pub by: RateKey,
}

/// Who a rate limit counts requests of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateKey {
    /// The client's address (through `[server] trusted_proxies`).
    Client,
    /// The API key the gate verified (its name), else the client's address.
    ApiKey,
    /// The `sub` of the bearer token the gate verified, else the client's
    /// address.
    Subject,
}

/// A rate limit as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRateLimit {
    requests_per_second: u32,
    burst: Option<u32>,
    by: Option<String>,
}

impl RawRateLimit {
    /// The limit at `field`; `keys` are the `by` values allowed there.
    pub(super) fn validate(
        self,
        field: &str,
        keys: &[&str],
    ) -> Result<RateLimit, (String, String)> {
        let positive = |name: &str, value: u32| {
            NonZeroU32::new(value).ok_or_else(|| {
                (
                    format!("{field}.{name}"),
                    "must be at least 1 (0 would refuse every request)".to_owned(),
                )
            })
        };
        let requests_per_second = positive("requests_per_second", self.requests_per_second)?;
        let burst = positive("burst", self.burst.unwrap_or(self.requests_per_second))?;
        let by = match self.by.as_deref().unwrap_or("client") {
            key if !keys.contains(&key) => {
                return Err((
                    format!("{field}.by"),
                    format!("{key:?} is not one of {}", keys.join(", ")),
                ));
            }
            "api_key" => RateKey::ApiKey,
            "subject" => RateKey::Subject,
            _ => RateKey::Client,
        };
        Ok(RateLimit {
            requests_per_second,
            burst,
            by,
        })
    }
}
