//! Resource limits: what one request may cost. Host-wide defaults in the
//! manifest's `[limits]`, overridden per component by its `limits` table.
//!
//! ```toml
//! [limits]                   # the defaults shown
//! memory_mb = 128            # linear memory per instance
//! cpu_ms = 5000              # guest execution per request (epoch deadline) -> 504
//! timeout_ms = 30000         # wall clock per request, waiting included -> 504
//! max_body_bytes = 1048576   # request body (by Content-Length) -> 413
//! max_response_bytes = 67108864  # response body -> 500, or the body cut off
//! concurrency = 64           # requests in a component at once -> 503 + Retry-After
//!
//! [[component]]
//! name = "reports"
//! limits = { cpu_ms = 20000, memory_mb = 512 }
//! ```

use std::time::Duration;

use serde::Deserialize;

use super::ComponentSpec;

/// The most requests a manifest may let run in guests at once, host-wide,
/// and so the most instance slots a host reserves.
pub const MAX_INSTANCES: u32 = 1000;

/// Instances a host keeps slots for besides those of requests: the ones
/// reading components' OpenAPI documents while a reload loads them.
const LOADING_SLOTS: usize = 16;

/// How many instances can exist at once under these limits: the slots a
/// host's runtime reserves when it starts.
///
/// That is the requests that may be in guests at once (`[server]
/// concurrency`), the idle instances that components with `instance_reuse`
/// keep (counted twice: on a reload, the new deployment's may come before the
/// old one's are gone), and a few for loading components.
///
/// ```
/// use wafer_host::manifest::{Manifest, instance_slots};
///
/// let manifest = Manifest::single(std::path::Path::new("hello.wasm"));
/// assert_eq!(instance_slots(256, &manifest.components), 256 + 16);
/// ```
pub fn instance_slots(server_concurrency: usize, components: &[ComponentSpec]) -> u32 {
    let idle: usize = components
        .iter()
        .filter(|c| c.instance_reuse > 1)
        .map(|c| c.limits.concurrency)
        .sum();
    let slots = server_concurrency + 2 * idle + LOADING_SLOTS;
    u32::try_from(slots).unwrap_or(u32::MAX)
}

/// Requests in guests at once, host-wide, unless `[server] concurrency` says
/// otherwise: plenty for a small machine's cores, and each costs the host an
/// instance slot reserved at start (see [`instance_slots`]).
pub const DEFAULT_SERVER_CONCURRENCY: usize = 256;

/// Limits of the host as a whole, from `[server]`: they apply before a
/// request is routed, so they cannot differ by component.
///
/// ```toml
/// [server]                      # the defaults shown
/// concurrency = 256             # requests in guests at once, host-wide -> 503
/// max_header_bytes = 65536      # request head -> 431
/// max_headers = 100             # request header fields -> 431
/// header_timeout_ms = 10000     # to send the request head (slowloris)
/// shutdown_grace_ms = 10000     # for requests in flight on SIGINT/SIGTERM
/// max_streams_per_connection = 100  # HTTP/2 requests at once on one connection
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// Requests in guests at once, for the whole host.
    pub concurrency: usize,
    /// The largest request head, in bytes.
    pub max_header_bytes: usize,
    /// The most request header fields.
    pub max_headers: usize,
    /// How long a client may take to send the request head.
    pub header_timeout: Duration,
    /// How long requests in flight may take to finish on shutdown.
    pub shutdown_grace: Duration,
    /// HTTP/2 requests one connection may have open at once.
    pub max_streams_per_connection: u32,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            concurrency: DEFAULT_SERVER_CONCURRENCY,
            max_header_bytes: 64 * 1024,
            max_headers: 100,
            header_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(10),
            max_streams_per_connection: 100,
        }
    }
}

/// The host-wide limits of `[server]` as written.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct RawServerLimits {
    pub(super) concurrency: Option<usize>,
    pub(super) max_header_bytes: Option<usize>,
    pub(super) max_headers: Option<usize>,
    pub(super) header_timeout_ms: Option<u64>,
    pub(super) shutdown_grace_ms: Option<u64>,
    pub(super) max_streams_per_connection: Option<u32>,
}

impl RawServerLimits {
    /// The defaults with what `[server]` sets.
    pub(super) fn validate(self) -> Result<ServerLimits, (String, String)> {
        let defaults = ServerLimits::default();
        let bad = |field: &str, message: String| Err((format!("server.{field}"), message));
        if let Some(n) = self.concurrency
            && !(1..=MAX_INSTANCES as usize).contains(&n)
        {
            return bad("concurrency", format!("must be from 1 to {MAX_INSTANCES}"));
        }
        if let Some(n) = self.max_header_bytes
            && n < 8192
        {
            return bad("max_header_bytes", "must be at least 8192".into());
        }
        if self.max_headers == Some(0) {
            return bad("max_headers", "must be at least 1".into());
        }
        if self.header_timeout_ms == Some(0) {
            return bad("header_timeout_ms", "must be at least 1".into());
        }
        if self.max_streams_per_connection == Some(0) {
            return bad("max_streams_per_connection", "must be at least 1".into());
        }
        Ok(ServerLimits {
            concurrency: self.concurrency.unwrap_or(defaults.concurrency),
            max_header_bytes: self.max_header_bytes.unwrap_or(defaults.max_header_bytes),
            max_headers: self.max_headers.unwrap_or(defaults.max_headers),
            header_timeout: self
                .header_timeout_ms
                .map_or(defaults.header_timeout, Duration::from_millis),
            shutdown_grace: self
                .shutdown_grace_ms
                .map_or(defaults.shutdown_grace, Duration::from_millis),
            max_streams_per_connection: self
                .max_streams_per_connection
                .unwrap_or(defaults.max_streams_per_connection),
        })
    }
}

/// The limits of one component's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Linear memory one instance may grow to, in bytes.
    pub memory_bytes: usize,
    /// Guest execution time per request, in milliseconds.
    pub cpu_ms: u64,
    /// Wall-clock time per request until the response head, in milliseconds.
    pub timeout_ms: u64,
    /// The largest request body, in bytes.
    pub max_body_bytes: u64,
    /// The largest response body, in bytes.
    pub max_response_bytes: u64,
    /// Requests the component serves at once; more are refused with 503.
    pub concurrency: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 128 << 20,
            cpu_ms: 5_000,
            timeout_ms: 30_000,
            max_body_bytes: 1 << 20,
            max_response_bytes: 64 << 20,
            concurrency: 64,
        }
    }
}

/// A `[limits]` table as written: every field optional.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLimits {
    memory_mb: Option<u64>,
    cpu_ms: Option<u64>,
    timeout_ms: Option<u64>,
    max_body_bytes: Option<u64>,
    max_response_bytes: Option<u64>,
    concurrency: Option<u64>,
}

impl RawLimits {
    /// `base` with the fields this table sets; `field` names the table in
    /// errors (e.g. `limits` or `component[1].limits`).
    pub(super) fn apply(self, base: Limits, field: &str) -> Result<Limits, (String, String)> {
        let positive = |name: &str, value: Option<u64>| match value {
            Some(0) => Err((
                format!("{field}.{name}"),
                "must be at least 1 (a limit of 0 would refuse every request)".to_owned(),
            )),
            other => Ok(other),
        };
        let memory_mb = positive("memory_mb", self.memory_mb)?;
        if memory_mb.is_some_and(|mb| mb > 4096) {
            return Err((
                format!("{field}.memory_mb"),
                "at most 4096: a wasm32 instance cannot address more".to_owned(),
            ));
        }
        Ok(Limits {
            memory_bytes: memory_mb.map_or(base.memory_bytes, |mb| (mb as usize) << 20),
            cpu_ms: positive("cpu_ms", self.cpu_ms)?.unwrap_or(base.cpu_ms),
            timeout_ms: positive("timeout_ms", self.timeout_ms)?.unwrap_or(base.timeout_ms),
            max_body_bytes: positive("max_body_bytes", self.max_body_bytes)?
                .unwrap_or(base.max_body_bytes),
            max_response_bytes: positive("max_response_bytes", self.max_response_bytes)?
                .unwrap_or(base.max_response_bytes),
            concurrency: positive("concurrency", self.concurrency)?
                .map_or(base.concurrency, |n| n as usize),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_override_what_they_set() {
        let raw: RawLimits = toml::from_str("cpu_ms = 50\nmemory_mb = 16").expect("parse");
        let limits = raw.apply(Limits::default(), "limits").expect("valid");
        assert_eq!(limits.cpu_ms, 50);
        assert_eq!(limits.memory_bytes, 16 << 20);
        assert_eq!(limits.timeout_ms, Limits::default().timeout_ms);
        let zero: RawLimits = toml::from_str("concurrency = 0").expect("parse");
        assert_eq!(
            zero.apply(Limits::default(), "component[0].limits")
                .err()
                .map(|(field, _)| field),
            Some("component[0].limits.concurrency".to_owned())
        );
    }
}
