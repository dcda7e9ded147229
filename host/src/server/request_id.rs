//! Request ids: the client's `x-request-id` if it sent a sensible one,
//! otherwise a new one; passed to the guest, echoed in the response, logged.

use std::sync::atomic::{AtomicU64, Ordering};

use http::{HeaderMap, HeaderName, HeaderValue};

/// The header that carries the id (the one the forwarded identity names).
pub(crate) const REQUEST_ID: HeaderName =
    HeaderName::from_static(wafer_contract::identity::REQUEST_ID_HEADER);

/// Ids longer than this from clients are replaced.
const MAX_LENGTH: usize = 128;

/// Makes ids: a random per-process prefix and a counter, unique without a
/// system call per request.
pub(crate) struct RequestIds {
    prefix: String,
    next: AtomicU64,
}

impl RequestIds {
    pub(crate) fn new() -> RequestIds {
        let mut bytes = [0u8; 6];
        // Without randomness the ids are still unique within the process.
        let _ = getrandom::fill(&mut bytes);
        RequestIds {
            prefix: bytes.iter().map(|b| format!("{b:02x}")).collect(),
            next: AtomicU64::new(1),
        }
    }

    /// The id of a request with these headers.
    pub(crate) fn of(&self, headers: &HeaderMap) -> HeaderValue {
        let given = headers.get(&REQUEST_ID).filter(|value| {
            !value.is_empty()
                && value.len() <= MAX_LENGTH
                && value
                    .as_bytes()
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
        });
        match given {
            Some(value) => value.clone(),
            None => {
                let number = self.next.fetch_add(1, Ordering::Relaxed);
                HeaderValue::from_str(&format!("{}-{number:x}", self.prefix))
                    .unwrap_or_else(|_| HeaderValue::from_static("-"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensible_ids_are_kept_and_others_replaced() {
        let ids = RequestIds::new();
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, HeaderValue::from_static("abc-123"));
        assert_eq!(ids.of(&headers), "abc-123");
        headers.insert(REQUEST_ID, HeaderValue::from_static("has space"));
        let made = ids.of(&headers);
        assert_ne!(made, "has space");
        assert_ne!(ids.of(&HeaderMap::new()), made, "each id is new");
    }
}
