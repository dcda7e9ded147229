//! What the host and the SDK agree on about key-value stores beyond
//! `wasi:keyvalue` itself.

/// The start of an `other` error's text when the store cannot be reached now
/// (its Redis is down, its database locked for too long): the SDK answers
/// those with 503 and `Retry-After` rather than 500.
pub const UNAVAILABLE: &str = "unavailable: ";

/// How a counter is stored: its canonical decimal digits (no sign but `-`,
/// no leading zeros, no spaces), which is also what Redis's `INCRBY` takes.
/// `increment` reads the value at a key that way (none is 0), adds `delta`
/// and gives the number to store, or says why it cannot: the host's stores
/// and the SDK's test stores count alike.
pub fn incremented(current: Option<&[u8]>, delta: i64) -> Result<i64, &'static str> {
    let current = match current {
        None => 0,
        Some(bytes) => std::str::from_utf8(bytes)
            .ok()
            .and_then(|text| text.parse::<i64>().ok().filter(|n| n.to_string() == text))
            .ok_or("the value is not a number to increment")?,
    };
    current
        .checked_add(delta)
        .ok_or("the increment overflows a 64-bit number")
}

#[cfg(test)]
mod tests {
    use super::incremented;

    #[test]
    fn counters_are_decimal_digits() {
        assert_eq!(incremented(None, 5), Ok(5));
        assert_eq!(incremented(Some(b"-2"), 3), Ok(1));
        assert!(incremented(Some(b"x"), 1).is_err());
        for not_canonical in [&b" 1"[..], b"+1", b"01", b"-0", b"1 "] {
            assert!(
                incremented(Some(not_canonical), 1).is_err(),
                "{not_canonical:?}"
            );
        }
        assert!(incremented(Some(i64::MAX.to_string().as_bytes()), 1).is_err());
    }
}
