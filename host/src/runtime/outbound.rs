//! Outbound HTTP from guests: only to the hosts the manifest allows, in the
//! spirit of Spin's `allowed_outbound_hosts`.
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
//! Every request a guest makes passes [`OutboundPolicy::check`] in the
//! `wasi:http` send-request hook, including each request after a redirect
//! (`wasi:http` never follows redirects itself), so neither redirects nor
//! chains of hosts get around the list. A refused request fails in the guest
//! with `HTTP-request-denied` and is logged with the component's name.

use std::sync::Arc;

use http::Uri;

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

    fn allows(&self, scheme: &str, host: &str, port: u16) -> bool {
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

/// The outbound rules of one component.
#[derive(Debug, Clone, Default)]
pub struct OutboundPolicy {
    component: Arc<str>,
    rules: Arc<[OutboundRule]>,
}

impl OutboundPolicy {
    /// The policy of `component` with these rules (none: nothing allowed).
    pub fn new(component: &str, rules: &[OutboundRule]) -> OutboundPolicy {
        OutboundPolicy {
            component: component.into(),
            rules: rules.into(),
        }
    }

    /// Whether a guest may send a request to `uri`.
    pub fn check(&self, uri: &Uri) -> bool {
        let scheme = uri.scheme_str().unwrap_or("https").to_ascii_lowercase();
        let Some(host) = uri.host() else {
            return false;
        };
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let port = uri
            .port_u16()
            .unwrap_or(if scheme == "http" { 80 } else { 443 });
        let allowed = self
            .rules
            .iter()
            .any(|rule| rule.allows(&scheme, &host, port));
        if !allowed {
            tracing::warn!(
                component = %self.component,
                %uri,
                "outbound HTTP request denied: not in allowed_outbound_hosts"
            );
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(rule: &str, uri: &str) -> bool {
        OutboundPolicy::new("t", &[OutboundRule::parse(rule).expect("rule")])
            .check(&uri.parse().expect("uri"))
    }

    #[test]
    fn rules_match_scheme_host_and_port() {
        assert!(allows(
            "https://api.example.com",
            "https://api.example.com/x"
        ));
        assert!(!allows(
            "https://api.example.com",
            "http://api.example.com/x"
        ));
        assert!(!allows(
            "https://api.example.com",
            "https://api.example.com:8443/x"
        ));
        assert!(!allows(
            "https://api.example.com",
            "https://api.example.com.evil.com/"
        ));
        assert!(allows("http://127.0.0.1:9000", "http://127.0.0.1:9000/"));
        assert!(!allows("http://127.0.0.1:9000", "http://localhost:9000/"));
        assert!(allows("https://*.example.org", "https://a.b.example.org/"));
        assert!(!allows("https://*.example.org", "https://example.org/"));
        assert!(!allows("https://*.example.org", "https://badexample.org/"));
        assert!(allows("*://cache:*", "http://cache:1234/"));
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
