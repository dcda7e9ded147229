//! [`ClientBody`]: an outbound response's body, as it arrives.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use futures::stream::LocalBoxStream;

use super::error::ClientError;

/// The body of an outbound response: a stream of chunks, read as they arrive.
///
/// [`ClientResponse`](super::ClientResponse) reads it whole or as a stream;
/// a test's transport makes one from bytes (`ClientBody::from(vec)`) or from
/// a stream of chunks.
pub struct ClientBody(Inner);

enum Inner {
    Full(Option<Vec<u8>>),
    Stream(LocalBoxStream<'static, Result<Vec<u8>, ClientError>>),
}

impl ClientBody {
    /// A body that arrives as these chunks.
    pub fn from_stream(chunks: impl Stream<Item = Result<Vec<u8>, ClientError>> + 'static) -> Self {
        ClientBody(Inner::Stream(Box::pin(chunks)))
    }
}

impl From<Vec<u8>> for ClientBody {
    fn from(bytes: Vec<u8>) -> Self {
        ClientBody(Inner::Full((!bytes.is_empty()).then_some(bytes)))
    }
}

impl From<String> for ClientBody {
    fn from(text: String) -> Self {
        ClientBody::from(text.into_bytes())
    }
}

impl From<&'static str> for ClientBody {
    fn from(text: &'static str) -> Self {
        ClientBody::from(text.as_bytes().to_vec())
    }
}

impl Stream for ClientBody {
    type Item = Result<Vec<u8>, ClientError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.0 {
            Inner::Full(bytes) => Poll::Ready(bytes.take().map(Ok)),
            Inner::Stream(stream) => stream.as_mut().poll_next(cx),
        }
    }
}
