//! A guest's response body, cut off at the component's `max_response_bytes`,
//! and never ended as if complete when the guest stopped before it finished.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use tracing::warn;

use super::Body;
use crate::runtime::Stopped;

/// Passes `inner` through until it has sent `limit` bytes, then ends it with
/// an error (the client sees the body cut short) and logs which limit.
pub(crate) struct CappedBody {
    inner: Body,
    remaining: u64,
    limit: u64,
    component: Arc<str>,
    stopped: Option<Stopped>,
}

impl CappedBody {
    pub(crate) fn new(inner: Body, limit: u64, component: &str) -> CappedBody {
        CappedBody {
            inner,
            remaining: limit,
            limit,
            component: component.into(),
            stopped: None,
        }
    }

    /// Ends with an error rather than as complete if the guest stopped
    /// before finishing the body (`wasi:http` ends it either way).
    pub(crate) fn ending_with(mut self, stopped: Stopped) -> CappedBody {
        self.stopped = Some(stopped);
        self
    }
}

impl HttpBody for CappedBody {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            let length = data.len() as u64;
            if length > this.remaining {
                warn!(
                    component = %this.component,
                    limit = "max_response_bytes",
                    "response body cut off after {} bytes",
                    this.limit
                );
                return Poll::Ready(Some(Err(wasmtime_wasi_http::Error::HttpResponseBodySize(
                    Some(this.limit),
                ))));
            }
            this.remaining -= length;
        }
        if let Poll::Ready(None) = &polled
            && this.stopped.as_ref().is_some_and(Stopped::is_stopped)
        {
            return Poll::Ready(Some(Err(wasmtime_wasi_http::Error::HttpProtocolError)));
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt as _;

    use super::*;
    use crate::server::full_body;

    #[test]
    fn bodies_pass_up_to_the_limit_and_are_cut_beyond_it() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let collect = |limit| {
            runtime.block_on(
                CappedBody::new(full_body(Bytes::from_static(b"0123456789")), limit, "t").collect(),
            )
        };
        assert_eq!(
            collect(10).expect("within the limit").to_bytes(),
            Bytes::from_static(b"0123456789")
        );
        assert!(matches!(
            collect(9),
            Err(wasmtime_wasi_http::Error::HttpResponseBodySize(Some(9)))
        ));
    }
}
