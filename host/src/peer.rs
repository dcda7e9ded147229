//! [`Peer`]: who sent a request, as the host sees it. The server hands it
//! with each request to what answers it (the token endpoint throttles by
//! it). Like the manifest, this module is at the bottom of the host.

use std::net::IpAddr;

/// The address of the client that sent a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Peer {
    /// Its IP address.
    pub ip: IpAddr,
}
