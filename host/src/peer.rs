//! [`Peer`]: who sent a request, as the host sees it. The server puts one in
//! every request's extensions; the token endpoint throttles by it. Like the
//! manifest, this module is at the bottom of the host.

use std::net::IpAddr;

/// The address of the client that sent a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Peer {
    /// Its IP address.
    pub ip: IpAddr,
}

impl Peer {
    /// The peer of `request`, if the server recorded one.
    pub fn of<B>(request: &http::Request<B>) -> Option<Peer> {
        request.extensions().get::<Peer>().copied()
    }
}
