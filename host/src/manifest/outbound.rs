//! `allowed_outbound_hosts`: where a component's outbound HTTP requests may
//! go, in the spirit of Spin's.
//!
//! ```toml
//! [[component]]
//! allowed_outbound_hosts = [
//!     "https://api.example.com",      # port 443 implied
//!     "http://127.0.0.1:9000",
//!     "https://*.example.org",        # any subdomain (not example.org itself)
//!     "*://cache.internal:*",         # any scheme, any port
//! ]
//! ```
//!
//! The runtime checks every request against these (see
//! `runtime::outbound`).

/// One allowed destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundRule {
    /// `http`, `https`, or `None` for either.
    scheme: Option<String>,
    /// A host name or address, or `*.suffix` for subdomains, or `*`.
    host: String,
    /// A port, or `None` for any.
    port: Option<u16>,
}

/// As written in a manifest (Wafer's or Spin's): `scheme://host:port`, `*`
/// for any scheme or port.
impl std::fmt::Display for OutboundRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = self.scheme.as_deref().unwrap_or("*");
        match self.port {
            Some(port) => write!(f, "{scheme}://{}:{port}", self.host),
            None => write!(f, "{scheme}://{}:*", self.host),
        }
    }
}

impl OutboundRule {
    /// Parses `scheme://host[:port]`, e.g. `https://*.example.com` or
    /// `http://127.0.0.1:8080`.
    pub fn parse(text: &str) -> Result<OutboundRule, String> {
        let usage = || {
            format!(
                "{text:?} is not an outbound host: write it like \"https://api.example.com\", \
                 \"http://127.0.0.1:8080\" or \"https://*.example.com\""
            )
        };
        let (scheme, rest) = text.split_once("://").ok_or_else(usage)?;
        let scheme = match scheme {
            "http" | "https" => Some(scheme.to_owned()),
            "*" => None,
            _ => return Err(usage()),
        };
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, "*")) => (host, None),
            Some((host, port)) => (host, Some(port.parse::<u16>().map_err(|_| usage())?)),
            None => (
                rest,
                match scheme.as_deref() {
                    Some("http") => Some(80),
                    Some("https") => Some(443),
                    _ => None,
                },
            ),
        };
        let wildcard_ok = host == "*" || host.strip_prefix("*.").is_some_and(|s| !s.contains('*'));
        if host.is_empty() || host.contains('/') || (host.contains('*') && !wildcard_ok) {
            return Err(usage());
        }
        Ok(OutboundRule {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    /// Whether a request to `scheme://host:port` (lower case) fits the rule.
    pub fn allows(&self, scheme: &str, host: &str, port: u16) -> bool {
        self.scheme.as_deref().is_none_or(|s| s == scheme)
            && self.port.is_none_or(|p| p == port)
            && match self.host.strip_prefix("*.") {
                _ if self.host == "*" => true,
                Some(suffix) => host
                    .strip_suffix(suffix)
                    .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1),
                None => self.host == host,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_and_match_scheme_host_and_port() {
        let allows = |rule: &str, scheme: &str, host: &str, port: u16| {
            OutboundRule::parse(rule)
                .expect("rule")
                .allows(scheme, host, port)
        };
        assert!(allows(
            "https://api.example.com",
            "https",
            "api.example.com",
            443
        ));
        assert!(!allows(
            "https://api.example.com",
            "http",
            "api.example.com",
            443
        ));
        assert!(allows("*://cache:*", "http", "cache", 1234));
        for bad in [
            "api.example.com",
            "ftp://x",
            "https://a*.b",
            "https://x:port",
            "https://",
        ] {
            assert!(OutboundRule::parse(bad).is_err(), "{bad}");
        }
    }
}
