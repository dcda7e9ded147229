//! [`Peer`]: who sent a request, as the host sees it: the connection's
//! address, or, behind `[server] trusted_proxies`, the client they forwarded.
//! The server hands it with each request to what answers it (rate limits
//! and the token endpoint's throttling count by it). Like the manifest, this
//! module is at the bottom of the host.

use std::net::IpAddr;

use http::HeaderMap;
use ipnet::IpNet;

/// The address of the client that sent a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Peer {
    /// Its IP address.
    pub ip: IpAddr,
}

impl Peer {
    /// The client behind a connection from `socket`: the address itself,
    /// unless it is one of `trusted` proxies, whose `Forwarded` (or else
    /// `X-Forwarded-For`) header names the hops before it. Read from the
    /// nearest hop back, the first address that is not a trusted proxy is
    /// the client; an entry that is not an address ends the reading there
    /// (nothing left of it is believed).
    ///
    /// ```
    /// use std::net::IpAddr;
    /// use wafer_host::peer::Peer;
    ///
    /// let proxy: IpAddr = "10.0.0.2".parse().unwrap();
    /// let trusted = ["10.0.0.0/8".parse().unwrap()];
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("x-forwarded-for", "203.0.113.9, 10.0.0.7".parse().unwrap());
    /// assert_eq!(Peer::resolve(proxy, &headers, &trusted).ip.to_string(), "203.0.113.9");
    /// assert_eq!(Peer::resolve(proxy, &headers, &[]).ip, proxy);
    /// ```
    pub fn resolve(socket: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> Peer {
        let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
        if !is_trusted(&socket) {
            return Peer { ip: socket };
        }
        let mut client = socket;
        for hop in forwarded_hops(headers).iter().rev() {
            let Some(ip) = parse_hop(hop) else { break };
            client = ip;
            if !is_trusted(&ip) {
                break;
            }
        }
        Peer { ip: client }
    }
}

/// The hops the proxies recorded, first one first: `for=` of `Forwarded`,
/// or else the list of `X-Forwarded-For`, across all their headers.
fn forwarded_hops(headers: &HeaderMap) -> Vec<String> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|hop| hop.trim().to_owned())
            .collect()
    };
    let forwarded = values("forwarded");
    if forwarded.is_empty() {
        return values("x-forwarded-for");
    }
    forwarded
        .iter()
        .map(|element| {
            element
                .split(';')
                .find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.eq_ignore_ascii_case("for")
                        .then(|| value.trim_matches('"').to_owned())
                })
                .unwrap_or_default()
        })
        .collect()
}

/// The address of a hop: `203.0.113.9`, `203.0.113.9:4711`, `[2001:db8::1]`
/// or `[2001:db8::1]:4711`; `None` for `unknown`, obfuscated names and
/// anything else.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    hop.parse::<std::net::SocketAddr>()
        .ok()
        .map(|address| address.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    http::HeaderName::try_from(*name).expect("name"),
                    http::HeaderValue::try_from(*value).expect("value"),
                )
            })
            .collect()
    }

    #[test]
    fn only_trusted_proxies_name_the_client() {
        let trusted: Vec<IpNet> = vec![
            "10.0.0.0/8".parse().expect("net"),
            "::1/128".parse().expect("net"),
        ];
        let proxy: IpAddr = "10.1.2.3".parse().expect("ip");
        let stranger: IpAddr = "198.51.100.1".parse().expect("ip");
        let resolve = |socket, pairs: &[(&str, &str)]| {
            Peer::resolve(socket, &headers(pairs), &trusted)
                .ip
                .to_string()
        };
        let spoofed = [("x-forwarded-for", "1.1.1.1")];
        assert_eq!(
            resolve(stranger, &spoofed),
            "198.51.100.1",
            "an untrusted peer is the client"
        );
        assert_eq!(resolve(proxy, &spoofed), "1.1.1.1");
        assert_eq!(
            resolve(
                proxy,
                &[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.0.0.7")]
            ),
            "203.0.113.9",
            "what the client claims left of the first untrusted hop is not believed"
        );
        assert_eq!(
            resolve(
                proxy,
                &[(
                    "forwarded",
                    "for=192.0.2.60;proto=http, for=\"[2001:db8::1]:4711\""
                )]
            ),
            "2001:db8::1"
        );
        assert_eq!(
            resolve(
                proxy,
                &[("forwarded", "for=unknown"), ("x-forwarded-for", "1.1.1.1")]
            ),
            "10.1.2.3",
            "Forwarded wins; an entry that is no address ends the reading"
        );
        assert_eq!(resolve(proxy, &[]), "10.1.2.3");
    }
}
