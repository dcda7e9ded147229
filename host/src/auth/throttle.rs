//! Login throttling at the token endpoint: how many logins one client
//! address may try per minute, and how many may be tried for one account (a
//! user or an OAuth2 client), whoever tries them. Token buckets that refill
//! evenly over the minute (see [`crate::rate`]).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::Quota;

use crate::rate::Buckets;

/// The buckets of one token endpoint.
pub(crate) struct LoginThrottle {
    per_client: Buckets<IpAddr>,
    per_account: Buckets<String>,
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
            per_client: Buckets::new(Quota::per_minute(per_client)),
            per_account: Buckets::new(Quota::per_minute(per_account)),
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
        if let Some(client) = client {
            self.per_client.take(&client).map_err(|empty| Throttled {
                by: "client",
                retry_after: empty.retry_after,
            })?;
        }
        if let Some(account) = account {
            self.per_account
                .take(&account.to_owned())
                .map_err(|empty| Throttled {
                    by: "account",
                    retry_after: empty.retry_after,
                })?;
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
