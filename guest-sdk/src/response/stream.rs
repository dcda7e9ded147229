//! Streamed bodies: [`StreamBody`] (bytes) and [`Ndjson`] (one JSON value a
//! line).

use std::fmt;

use futures::{Stream, StreamExt as _};
use serde::Serialize;

use super::body::{Body, BodyError};
use super::{IntoResponse, Response};

/// A body of bytes sent as a stream yields them: large files, proxied
/// bodies, anything produced a piece at a time. `application/octet-stream`
/// unless another content type is set.
///
/// ```
/// use wafer::{get, StreamBody};
/// use wafer::future::{stream, Stream};
///
/// /// Counts to three, a line at a time.
/// #[get("/count")]
/// fn count() -> StreamBody<impl Stream<Item = Result<String, std::convert::Infallible>>> {
///     StreamBody::new(stream::iter((1..=3).map(|n| Ok(format!("{n}\n")))))
///         .content_type("text/plain; charset=utf-8")
/// }
/// ```
pub struct StreamBody<S> {
    stream: S,
    content_type: &'static str,
}

impl<S> StreamBody<S> {
    /// The chunks of `stream`, as it yields them; an error ends the response
    /// there (cut off, never complete-looking) and is logged.
    pub fn new(stream: S) -> Self {
        StreamBody {
            stream,
            content_type: "application/octet-stream",
        }
    }

    /// Sets the content type.
    pub fn content_type(mut self, content_type: &'static str) -> Self {
        self.content_type = content_type;
        self
    }
}

impl<S, B, E> IntoResponse for StreamBody<S>
where
    S: Stream<Item = Result<B, E>> + 'static,
    B: Into<Vec<u8>>,
    E: fmt::Display,
{
    fn into_response(self) -> Response {
        Response::streamed(self.content_type, Body::from_stream(self.stream))
    }
}

/// Newline-delimited JSON (`application/x-ndjson`): each value the stream
/// yields, serialized on a line of its own, sent as it comes.
///
/// ```
/// use wafer::{get, Ndjson};
/// use wafer::future::{stream, Stream};
/// use serde_json::{json, Value};
///
/// #[get("/rows")]
/// fn rows() -> Ndjson<impl Stream<Item = Value>> {
///     Ndjson(stream::iter((0..3).map(|i| json!({"row": i}))))
/// }
/// ```
pub struct Ndjson<S>(pub S);

impl<S> IntoResponse for Ndjson<S>
where
    S: Stream + 'static,
    S::Item: Serialize,
{
    fn into_response(self) -> Response {
        let lines = self.0.map(|value| {
            let mut line = serde_json::to_vec(&value)
                .map_err(|error| BodyError::new(format!("a value is not serializable: {error}")))?;
            line.push(b'\n');
            Ok::<_, BodyError>(line)
        });
        Response::streamed("application/x-ndjson", Body::from_stream(lines))
    }
}
