//! The request body as a guest reads it: counted against the component's
//! `max_body_bytes`, and tracked to its end.
//!
//! A declared `Content-Length` over the limit is refused before the guest
//! runs; a body without one (chunked, or HTTP/2) is counted as it streams,
//! and the guest's read fails where it passes the limit: the server then
//! answers 413 instead of whatever the guest made of the failure.
//!
//! A guest may also answer without reading the body (a 413 from its own
//! limit, an early 401). Over HTTP/1.1 the unread rest is then still on its
//! way, and the connection cannot carry another request: hyper closes it
//! after the response. Saying so in the response (`Connection: close`) keeps
//! a client from sending its next request on a connection that is about to
//! go.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http::header::CONNECTION;
use http::{HeaderValue, Request, Response, Version};
use hyper::body::{Body, Frame, Incoming, SizeHint};

/// A request body that stops at the limit and notes when it has been read
/// to the end, where that matters.
pub(super) struct WatchedBody {
    inner: Incoming,
    /// Bytes the guest may still read.
    remaining: u64,
    limit: u64,
    /// `None` for a body that is over before it starts (no allocation on
    /// the common path of requests without a body).
    watch: Option<Arc<Watch>>,
}

struct Watch {
    /// Read to the end; only where it matters (HTTP/1.x with a body).
    read: Option<AtomicBool>,
    /// The guest read past the limit.
    over_limit: AtomicBool,
}

/// What watching the body tells.
pub(super) struct BodyWatch(Option<Arc<Watch>>);

impl BodyWatch {
    /// Marks `response` as the connection's last unless the body was read.
    pub(super) fn close_unless_read<B>(&self, response: &mut Response<B>) {
        if let Some(read) = self.0.as_ref().and_then(|watch| watch.read.as_ref())
            && !read.load(Ordering::Acquire)
        {
            response
                .headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
        }
    }

    /// Whether the guest read past the limit.
    pub(super) fn over_limit(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|watch| watch.over_limit.load(Ordering::Acquire))
    }
}

/// The request with its body watched, limited to `limit` bytes, and what the
/// watching tells.
pub(super) fn watch(request: Request<Incoming>, limit: u64) -> (Request<WatchedBody>, BodyWatch) {
    let watch = (!request.body().is_end_stream()).then(|| {
        Arc::new(Watch {
            read: (request.version() <= Version::HTTP_11).then(|| AtomicBool::new(false)),
            over_limit: AtomicBool::new(false),
        })
    });
    let request = request.map(|inner| WatchedBody {
        inner,
        remaining: limit,
        limit,
        watch: watch.clone(),
    });
    (request, BodyWatch(watch))
}

impl Body for WatchedBody {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let frame = ready!(Pin::new(&mut self.inner).poll_frame(cx));
        if let Some(Ok(data)) = frame
            .as_ref()
            .map(|frame| frame.as_ref().map(Frame::data_ref))
            && let Some(data) = data
        {
            let length = data.len() as u64;
            if length > self.remaining {
                if let Some(watch) = &self.watch {
                    watch.over_limit.store(true, Ordering::Release);
                }
                let limit = self.limit;
                return Poll::Ready(Some(Err(wasmtime_wasi_http::Error::HttpRequestBodySize(
                    Some(limit),
                ))));
            }
            self.remaining -= length;
        }
        if let Some(read) = self.watch.as_ref().and_then(|watch| watch.read.as_ref())
            && (frame.is_none() || self.inner.is_end_stream())
        {
            read.store(true, Ordering::Release);
        }
        Poll::Ready(frame.map(|frame| frame.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
