//! [`TestStream`]: a response read as it is produced, chunk by chunk or
//! server-sent event by event.

use futures::StreamExt as _;
use futures::stream::LocalBoxStream;
use http::{HeaderMap, StatusCode};

use crate::background::Task;
use crate::response::{BodyError, Content, Response};
use crate::runtime::block_on;

/// A response whose body is read as the app produces it (see
/// [`TestRequest::stream`](super::TestRequest::stream)).
pub struct TestStream {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    chunks: Chunks,
    /// Text read but not yet parsed into events.
    pending: String,
    pub(super) error: Option<String>,
    /// The handler's background tasks, run once the body has been read to
    /// its end (or the stream is dropped, as when a client goes away).
    background: Vec<Task>,
}

enum Chunks {
    Full(Option<Vec<u8>>),
    Stream(LocalBoxStream<'static, Result<Vec<u8>, BodyError>>),
}

impl TestStream {
    pub(super) fn new(mut response: Response) -> Self {
        let background = response.take_background();
        let (status, headers, body) = response.into_parts();
        let chunks = match body.into_content() {
            Content::Full(bytes) => Chunks::Full(Some(bytes)),
            Content::Stream(stream) => Chunks::Stream(stream),
        };
        TestStream {
            status,
            headers,
            chunks,
            pending: String::new(),
            error: None,
            background,
        }
    }

    /// Runs the handler's background tasks, once.
    fn run_background(&mut self) {
        let tasks = std::mem::take(&mut self.background);
        if !tasks.is_empty() {
            block_on(crate::background::run(tasks));
        }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// One header as text, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Why the body was cut off, once it was.
    pub fn body_error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The next chunk, waiting for the app to produce it; `None` at the end
    /// (or where an error cut the body off: see [`TestStream::body_error`]).
    pub fn next_chunk(&mut self) -> Option<Vec<u8>> {
        let next = match &mut self.chunks {
            Chunks::Full(bytes) => bytes.take().filter(|bytes| !bytes.is_empty()),
            Chunks::Stream(stream) => match block_on(stream.next()) {
                Some(Ok(chunk)) => Some(chunk),
                Some(Err(error)) => {
                    self.error = Some(error.to_string());
                    self.chunks = Chunks::Full(None);
                    None
                }
                None => None,
            },
        };
        if next.is_none() {
            self.run_background();
        }
        next
    }

    /// The next server-sent event, waiting for it; `None` at the end.
    ///
    /// # Panics
    ///
    /// If the body is not UTF-8: not an event stream.
    pub fn next_event(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(end) = self.pending.find("\n\n") {
                let block: String = self.pending.drain(..end + 2).collect();
                return Some(SseEvent::parse(&block));
            }
            let chunk = self.next_chunk()?;
            let text = String::from_utf8(chunk)
                .unwrap_or_else(|e| panic!("the event stream is not UTF-8: {e}"));
            self.pending.push_str(&text);
        }
    }

    /// The events still to come, as an iterator.
    pub fn events(&mut self) -> impl Iterator<Item = SseEvent> + '_ {
        std::iter::from_fn(|| self.next_event())
    }
}

impl Drop for TestStream {
    fn drop(&mut self) {
        self.run_background();
    }
}

/// A server-sent event as a client parses it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// `event:`, if given.
    pub event: Option<String>,
    /// `id:`, if given.
    pub id: Option<String>,
    /// The `data:` lines, joined with line breaks.
    pub data: String,
    /// `retry:` in milliseconds, if given.
    pub retry: Option<u64>,
    /// The comment lines (`:`), such as keep-alives.
    pub comments: Vec<String>,
}

impl SseEvent {
    fn parse(block: &str) -> SseEvent {
        let mut event = SseEvent::default();
        let mut data: Vec<&str> = Vec::new();
        for line in block.lines() {
            if let Some(comment) = line.strip_prefix(':') {
                event.comments.push(comment.trim_start().to_owned());
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "event" => event.event = Some(value.to_owned()),
                "id" => event.id = Some(value.to_owned()),
                "data" => data.push(value),
                "retry" => event.retry = value.parse().ok(),
                _ => {}
            }
        }
        event.data = data.join("\n");
        event
    }
}
