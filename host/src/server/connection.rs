//! What one client connection is doing: the requests in progress on it, so
//! that the server can close it once it has had none for the header timeout.
//!
//! hyper cuts an HTTP/1.1 client that is slow to send its head, but has no
//! such timeout for HTTP/2: a HEADERS frame whose END_HEADERS never comes
//! would hold its connection open for good. So every connection counts its
//! requests in progress (a request is in progress until its response body is
//! done), and one that has none for `header_timeout` is shut down: GOAWAY for
//! HTTP/2, a close for HTTP/1.1, and dropped if it does not end in as long
//! again.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::body::{Body as HttpBody, Frame, SizeHint};

use super::Body;

/// The requests in progress on one connection, and when the last one ended.
/// Requests only count (two atomic operations each): the connection's task
/// looks at the counts once per timeout, and is never woken by a request.
pub(super) struct Activity {
    in_flight: AtomicUsize,
    /// When the last request ended, in nanoseconds since `opened`.
    last_end: AtomicU64,
    opened: Instant,
}

/// One request in progress; it ends when this is dropped.
pub(super) struct InFlight(Arc<Activity>);

impl Activity {
    /// The activity of a connection opened now.
    pub(super) fn new() -> Arc<Activity> {
        Arc::new(Activity {
            in_flight: AtomicUsize::new(0),
            last_end: AtomicU64::new(0),
            opened: Instant::now(),
        })
    }

    /// A request starts.
    pub(super) fn start(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(self.clone())
    }

    /// Completes once no request has been in progress for `timeout` (checked
    /// at least every `timeout`, so it may complete up to twice as late).
    pub(super) async fn idle_for(&self, timeout: Duration) {
        loop {
            if self.in_flight.load(Ordering::Acquire) > 0 {
                tokio::time::sleep(timeout).await;
                continue;
            }
            let last_end = Duration::from_nanos(self.last_end.load(Ordering::Acquire));
            let idle = self.opened.elapsed().saturating_sub(last_end);
            if idle >= timeout {
                return;
            }
            tokio::time::sleep(timeout - idle).await;
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let now = u64::try_from(self.0.opened.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.0.last_end.store(now, Ordering::Release);
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body that keeps its request in progress until it is done.
pub(super) struct TrackedBody {
    inner: Body,
    _in_flight: InFlight,
}

impl TrackedBody {
    pub(super) fn new(inner: Body, in_flight: InFlight) -> TrackedBody {
        TrackedBody {
            inner,
            _in_flight: in_flight,
        }
    }
}

impl HttpBody for TrackedBody {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
