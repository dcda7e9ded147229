//! [`Transport`]: what sends an outbound request. In a component it is
//! `wasi:http/outgoing-handler`; a test puts its own in its place with
//! [`TestClient::override_outbound`](crate::testing::TestClient::override_outbound).

use std::future::Future;
use std::rc::Rc;

use futures::FutureExt as _;
use futures::future::LocalBoxFuture;

use super::body::ClientBody;
use super::error::ClientError;

/// Sends one outbound request and gives its response as soon as its head
/// has arrived, the body still arriving.
pub trait Transport {
    /// Sends `request`, whose URI is absolute.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> LocalBoxFuture<'static, Result<http::Response<ClientBody>, ClientError>>;
}

/// A transport made of a function, as tests write them.
pub(crate) struct FnTransport<F>(pub(crate) F);

impl<F, Fut, B> Transport for FnTransport<F>
where
    F: Fn(http::Request<Vec<u8>>) -> Fut,
    Fut: Future<Output = Result<http::Response<B>, ClientError>> + 'static,
    B: Into<ClientBody>,
{
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> LocalBoxFuture<'static, Result<http::Response<ClientBody>, ClientError>> {
        (self.0)(request)
            .map(|response| response.map(|response| response.map(Into::into)))
            .boxed_local()
    }
}

/// The transport of a component: `wasi:http/outgoing-handler`.
#[cfg(target_arch = "wasm32")]
pub(crate) fn default_transport() -> Rc<dyn Transport> {
    Rc::new(super::wasi::WasiTransport)
}

/// Outside a component there is no host to send through: every request
/// fails, saying how a test provides one.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn default_transport() -> Rc<dyn Transport> {
    Rc::new(FnTransport(|request: http::Request<Vec<u8>>| {
        let message = format!(
            "no outbound transport outside a component for {} {}: give the test one with \
             TestClient::override_outbound",
            request.method(),
            request.uri()
        );
        async move {
            Err::<http::Response<Vec<u8>>, _>(ClientError::new(
                super::error::ErrorKind::Connect,
                message,
            ))
        }
    }))
}
