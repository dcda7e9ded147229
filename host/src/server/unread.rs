//! Knowing whether a guest read the request's body to the end.
//!
//! A guest may answer without reading the body (a 413 from its own limit, an
//! early 401). Over HTTP/1.1 the unread rest is then still on its way, and the
//! connection cannot carry another request: hyper closes it after the
//! response. Saying so in the response (`Connection: close`) keeps a client
//! from sending its next request on a connection that is about to go.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http::header::CONNECTION;
use http::{HeaderValue, Request, Response, Version};
use hyper::body::{Body, Frame, Incoming, SizeHint};

/// A request body that notes when it has been read to the end, where that
/// matters.
pub(super) struct TrackedBody {
    inner: Incoming,
    read: Option<Arc<AtomicBool>>,
}

/// Whether a request's body has been read to the end; `None` where it does
/// not matter (no body, or a protocol that ends each request on its own).
pub(super) struct BodyRead(Option<Arc<AtomicBool>>);

impl BodyRead {
    /// Marks `response` as the connection's last unless the body was read.
    pub(super) fn close_unless_read<B>(&self, response: &mut Response<B>) {
        if let Some(read) = &self.0
            && !read.load(Ordering::Acquire)
        {
            response
                .headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
        }
    }
}

/// The request with its body tracked, and what the tracking tells.
pub(super) fn track(request: Request<Incoming>) -> (Request<TrackedBody>, BodyRead) {
    let read = (request.version() <= Version::HTTP_11 && !request.body().is_end_stream())
        .then(|| Arc::new(AtomicBool::new(false)));
    let request = request.map(|inner| TrackedBody {
        inner,
        read: read.clone(),
    });
    (request, BodyRead(read))
}

impl Body for TrackedBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let frame = ready!(Pin::new(&mut self.inner).poll_frame(cx));
        if let Some(read) = &self.read
            && (frame.is_none() || self.inner.is_end_stream())
        {
            read.store(true, Ordering::Release);
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
