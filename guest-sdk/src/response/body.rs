//! [`Body`]: a response's body, whole or streamed.

use std::fmt;

use futures::stream::LocalBoxStream;
use futures::{Stream, StreamExt as _};

/// A response body: bytes that are all there, or a stream of chunks sent as
/// they are produced (see [`StreamBody`](super::StreamBody),
/// [`Sse`](super::Sse) and [`Ndjson`](super::Ndjson)).
pub struct Body(Content);

/// What a [`Body`] holds, for the layer that sends it.
pub(crate) enum Content {
    /// All of it.
    Full(Vec<u8>),
    /// Chunks, as they are produced.
    Stream(LocalBoxStream<'static, Result<Vec<u8>, BodyError>>),
}

/// Why a streamed body stopped before its end. The response is then cut off
/// (the client sees an incomplete body, never a complete-looking one), and
/// the reason is logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError(String);

impl BodyError {
    /// An error with this reason.
    pub fn new(reason: impl fmt::Display) -> Self {
        BodyError(reason.to_string())
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BodyError {}

impl Body {
    /// A body sent chunk by chunk, as `stream` yields them. An error ends
    /// the response there.
    pub fn from_stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + 'static,
        B: Into<Vec<u8>>,
        E: fmt::Display,
    {
        Body(Content::Stream(
            stream
                .map(|chunk| chunk.map(Into::into).map_err(BodyError::new))
                .boxed_local(),
        ))
    }

    /// The bytes of a whole body; empty for a streamed one.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Content::Full(bytes) => bytes,
            Content::Stream(_) => &[],
        }
    }

    /// Whether the body is streamed.
    pub fn is_stream(&self) -> bool {
        matches!(self.0, Content::Stream(_))
    }

    /// The whole body's length; `None` for a streamed one.
    pub(crate) fn len(&self) -> Option<usize> {
        match &self.0 {
            Content::Full(bytes) => Some(bytes.len()),
            Content::Stream(_) => None,
        }
    }

    /// What the body holds.
    pub(crate) fn into_content(self) -> Content {
        self.0
    }

    /// All of the body, reading a stream to its end.
    pub async fn collect(self) -> Result<Vec<u8>, BodyError> {
        match self.0 {
            Content::Full(bytes) => Ok(bytes),
            Content::Stream(mut stream) => {
                let mut bytes = Vec::new();
                while let Some(chunk) = stream.next().await {
                    bytes.extend_from_slice(&chunk?);
                }
                Ok(bytes)
            }
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body(Content::Full(bytes))
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Content::Full(bytes) => f.debug_tuple("Full").field(&bytes.len()).finish(),
            Content::Stream(_) => f.write_str("Stream"),
        }
    }
}
