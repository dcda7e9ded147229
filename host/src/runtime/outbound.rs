//! Outbound HTTP from guests: only to the hosts the manifest's
//! `allowed_outbound_hosts` allows (see [`OutboundRule`]).
//!
//! Every request a guest makes passes [`OutboundPolicy::check`] in the
//! `wasi:http` send-request hook, including each request after a redirect
//! (`wasi:http` never follows redirects itself), so neither redirects nor
//! chains of hosts get around the list. A refused request fails in the guest
//! with `HTTP-request-denied` and is logged with the component's name.

use std::sync::Arc;

use http::Uri;

use crate::manifest::OutboundRule;

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

    /// The component whose policy it is.
    pub fn component(&self) -> &Arc<str> {
        &self.component
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
    }
}
