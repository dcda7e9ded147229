//! A small HTTP/2 client (hyper's, over cleartext with prior knowledge), for
//! what HTTP/1.1 cannot send: a body without a length that is not chunked.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::BodyExt as _;
use hyper::body::{Body, Frame};
use hyper_util::rt::{TokioExecutor, TokioIo};

/// Sends `method path` over HTTP/2 with `body` streamed in 1 KiB frames and
/// no `content-length`; the status and the body.
pub(crate) fn request_streamed(url: &str, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let address = url.trim_start_matches("http://").to_owned();
    let chunks = Chunks(body.chunks(1024).map(Bytes::copy_from_slice).collect());
    let request = http::Request::builder()
        .method(method)
        .uri(format!("http://{address}{path}"))
        .body(chunks)
        .expect("request");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let stream = tokio::net::TcpStream::connect(&address)
            .await
            .expect("connect");
        let (mut sender, connection) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
                .await
                .expect("HTTP/2 handshake");
        tokio::spawn(connection);
        let response = sender.send_request(request).await.expect("response");
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    })
}

/// A body of these chunks, of no declared length.
struct Chunks(VecDeque<Bytes>);

impl Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.0.pop_front().map(|chunk| Ok(Frame::data(chunk))))
    }
}
