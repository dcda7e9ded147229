//! Rate limits as the server applies them: who the caller is, the 429 when
//! its bucket is empty (logged once a minute per caller), and the
//! `RateLimit-*` headers of the IETF draft on what gets through.

use std::time::Duration;

use http::header::RETRY_AFTER;
use http::{HeaderMap, HeaderName, HeaderValue, Response, StatusCode};
use tracing::warn;

use super::{Body, detail};
use crate::auth::Admitted;
use crate::manifest::RateKey;
use crate::peer::Peer;
use crate::rate::{Decision, Limiter};

const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// The key of the client's address.
pub(super) fn client_key(peer: Peer) -> String {
    format!("client {}", peer.ip)
}

/// Who the caller is for `limiter`: the verified API key or subject where it
/// counts by them and the gate verified one, else the client's address.
pub(super) fn caller_key(limiter: &Limiter, admitted: &Admitted, peer: Peer) -> String {
    match limiter.limit().by {
        RateKey::ApiKey => admitted
            .api_key
            .as_ref()
            .map(|key| format!("api_key {key}")),
        RateKey::Subject => admitted
            .subject
            .as_ref()
            .map(|sub| format!("subject {sub}")),
        RateKey::Client => None,
    }
    .unwrap_or_else(|| client_key(peer))
}

/// The 429 for `key`, if `limiter` refuses it.
pub(super) fn admit(limiter: &Limiter, key: &str, component: &str) -> Option<Response<Body>> {
    match limiter.check(key) {
        Decision::Allow { .. } => None,
        refused => Some(refusal(&refused, key, component)),
    }
}

/// FastAPI's 429 with `Retry-After` and the `RateLimit-*` headers; the
/// refusal is logged the first time a minute for this caller.
pub(super) fn refusal(decision: &Decision, key: &str, component: &str) -> Response<Body> {
    let mut response = detail(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
    if let Decision::Refuse {
        limit,
        retry_after,
        log,
    } = decision
    {
        if *log {
            warn!(component = %component, limit = "rate_limit", caller = %key, "too many requests from this caller (logged once a minute)");
        }
        let seconds = whole_seconds(*retry_after);
        let headers = response.headers_mut();
        headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        set(headers, *limit, 0);
        headers.insert(RATELIMIT_RESET, HeaderValue::from(seconds));
    }
    response
}

/// What a caller's bucket holds, on a response that got through.
pub(super) fn describe<B>(response: &mut Response<B>, limit: u32, remaining: u32) {
    set(response.headers_mut(), limit, remaining);
}

fn set(headers: &mut HeaderMap, limit: u32, remaining: u32) {
    headers.insert(RATELIMIT_LIMIT, HeaderValue::from(limit));
    headers.insert(RATELIMIT_REMAINING, HeaderValue::from(remaining));
}

/// Seconds, rounded up, at least 1.
fn whole_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}
