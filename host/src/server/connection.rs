//! One client connection: its TLS handshake, if the host serves HTTPS; its
//! requests, served by hyper; and what it is doing, so that the server can
//! close it once it has had no request in progress for the header timeout,
//! and gracefully when the server stops.
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

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http::Request;
use http::uri::Scheme;
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tracing::debug;

use super::{Body, HTTP2_KEEP_ALIVE, Server};
use crate::peer::Peer;

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

impl Server {
    /// hyper's connections, HTTP/1.1 and HTTP/2, with the host-wide limits.
    pub(super) fn connection_builder(&self) -> auto::Builder<TokioExecutor> {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            // Slow clients (slowloris) get this long to send their headers.
            .header_read_timeout(self.limits.header_timeout)
            .max_buf_size(self.limits.max_header_bytes)
            .max_headers(self.limits.max_headers);
        builder
            .http2()
            .timer(TokioTimer::new())
            .max_header_list_size(u32::try_from(self.limits.max_header_bytes).unwrap_or(u32::MAX))
            .max_concurrent_streams(self.limits.max_streams_per_connection)
            // A client that stops answering pings is gone.
            .keep_alive_interval(Some(HTTP2_KEEP_ALIVE))
            .keep_alive_timeout(HTTP2_KEEP_ALIVE);
        builder
    }

    /// Serves one connection in a task of its own: its TLS handshake, if
    /// the host serves HTTPS (within the header timeout), then its requests.
    pub(super) fn spawn_connection(
        self: &Arc<Self>,
        builder: &auto::Builder<TokioExecutor>,
        stream: TcpStream,
        peer: SocketAddr,
        stopping: watch::Receiver<bool>,
    ) {
        let server = self.clone();
        let builder = builder.clone();
        tokio::spawn(async move {
            let Some(tls) = &server.tls else {
                return server
                    .serve_connection(&builder, stream, peer, Scheme::HTTP, stopping)
                    .await;
            };
            let timeout = server.limits.header_timeout;
            match tokio::time::timeout(timeout, tls.accept(stream)).await {
                Ok(Ok(stream)) => {
                    server
                        .serve_connection(&builder, stream, peer, Scheme::HTTPS, stopping)
                        .await
                }
                Ok(Err(error)) => debug!(%peer, "TLS handshake failed: {error}"),
                Err(_) => debug!(%peer, "no TLS handshake within {timeout:?}"),
            }
        });
    }

    /// Serves the requests of one connection until it ends, has had no
    /// request in progress for the header timeout, or the server stops.
    /// Each request carries the connection's `scheme` as an extension.
    async fn serve_connection<I>(
        self: &Arc<Self>,
        builder: &auto::Builder<TokioExecutor>,
        io: I,
        peer: SocketAddr,
        scheme: Scheme,
        mut stopping: watch::Receiver<bool>,
    ) where
        I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let activity = Activity::new();
        let server = self.clone();
        let requests = activity.clone();
        let client = Peer { ip: peer.ip() };
        let service = service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(scheme.clone());
            let in_flight = requests.start();
            let server = server.clone();
            async move {
                let response = server.handle(request, client).await;
                Ok::<_, Infallible>(response.map(|body| TrackedBody::new(body, in_flight)))
            }
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
        let idle_after = self.limits.header_timeout;
        {
            tokio::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                () = activity.idle_for(idle_after) => {
                    debug!(%peer, "no request for {idle_after:?}: closing the connection");
                    connection.as_mut().graceful_shutdown();
                    // Nothing is in progress: it ends now, or is dropped.
                    tokio::time::timeout(idle_after, connection.as_mut())
                        .await
                        .unwrap_or(Ok(()))
                }
                _ = stopping.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.as_mut().await
                }
            };
            if let Err(error) = ended {
                debug!(%peer, "connection ended: {error}");
            }
        }
        drop(stopping);
    }
}
