//! Server-sent events: [`Sse`] and its [`Event`]s (`text/event-stream`).

use std::fmt::Write as _;
use std::time::Duration;

use futures::future::{Either, select};
use futures::stream::LocalBoxStream;
use futures::{Stream, StreamExt as _};
use serde::Serialize;

use super::body::{Body, BodyError};
use super::{IntoResponse, Response};

/// A stream of server-sent events, each sent as soon as the stream yields
/// it.
///
/// ```
/// use std::time::Duration;
/// use wafer::{get, Event, Sse};
/// use wafer::future::{stream, Stream, StreamExt};
///
/// /// Five ticks, 100 ms apart.
/// #[get("/ticks")]
/// fn ticks() -> Sse<impl Stream<Item = Event>> {
///     let ticks = stream::iter(0..5).then(|i| async move {
///         wafer::time::sleep(Duration::from_millis(100)).await;
///         Event::default().id(i.to_string()).data(format!("tick {i}"))
///     });
///     Sse::new(ticks).keep_alive(Duration::from_secs(15))
/// }
/// ```
pub struct Sse<S> {
    events: S,
    keep_alive: Option<Duration>,
}

impl<S> Sse<S> {
    /// The events of `events`.
    pub fn new(events: S) -> Self {
        Sse {
            events,
            keep_alive: None,
        }
    }

    /// Sends a comment line (`:`) whenever no event has been sent for
    /// `interval`, so that proxies and clients keep an idle stream open.
    pub fn keep_alive(mut self, interval: Duration) -> Self {
        self.keep_alive = Some(interval);
        self
    }
}

impl<S> IntoResponse for Sse<S>
where
    S: Stream<Item = Event> + 'static,
{
    fn into_response(self) -> Response {
        let events = self.events.map(|event| event.encode());
        let chunks = match self.keep_alive {
            None => events.boxed_local(),
            Some(interval) => with_keep_alive(events.boxed_local(), interval),
        };
        Response::streamed("text/event-stream", Body::from_stream(chunks))
            .with_header("cache-control", "no-cache")
    }
}

/// `events`, with a keep-alive comment after every `interval` without one.
fn with_keep_alive(
    events: LocalBoxStream<'static, Result<Vec<u8>, BodyError>>,
    interval: Duration,
) -> LocalBoxStream<'static, Result<Vec<u8>, BodyError>> {
    futures::stream::unfold(Some(events), move |events| async move {
        let mut events = events?;
        let next = match select(events.next(), Box::pin(crate::runtime::sleep(interval))).await {
            Either::Left((Some(chunk), _)) => chunk,
            Either::Left((None, _)) => return None,
            Either::Right(_) => Ok(b":\n\n".to_vec()),
        };
        Some((next, Some(events)))
    })
    .boxed_local()
}

/// One server-sent event: its data, and optionally its type, id, reconnection
/// time and a comment.
///
/// ```
/// use wafer::Event;
///
/// let event = Event::default().event("price").id("7").data("line 1\nline 2");
/// assert_eq!(event.to_string(), "event: price\nid: 7\ndata: line 1\ndata: line 2\n\n");
/// let json = Event::default().json_data(serde_json::json!({"i": 0})).expect("JSON");
/// assert_eq!(json.to_string(), "data: {\"i\":0}\n\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    event: Option<String>,
    id: Option<String>,
    data: Option<String>,
    retry: Option<Duration>,
    comment: Option<String>,
}

impl Event {
    /// The event's data; each of its lines is sent as a `data:` line.
    pub fn data(mut self, data: impl Into<String>) -> Self {
        self.data = Some(data.into());
        self
    }

    /// The event's data: `value` as JSON.
    pub fn json_data(self, value: impl Serialize) -> Result<Self, serde_json::Error> {
        Ok(self.data(serde_json::to_string(&value)?))
    }

    /// The event's type (`event:`), which clients listen for by name.
    pub fn event(mut self, event: impl Into<String>) -> Self {
        self.event = Some(event.into());
        self
    }

    /// The event's id (`id:`), which a reconnecting client sends back as
    /// `Last-Event-ID`.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// How long a client waits before reconnecting (`retry:`).
    pub fn retry(mut self, retry: Duration) -> Self {
        self.retry = Some(retry);
        self
    }

    /// A comment (`:`), which clients ignore.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// The event as it is sent. A type, id or comment with a line break
    /// would smuggle in fields of its own: it is an error, which ends the
    /// stream.
    fn encode(self) -> Result<Vec<u8>, BodyError> {
        for (field, value) in [
            ("comment", &self.comment),
            ("event", &self.event),
            ("id", &self.id),
        ] {
            if value
                .as_deref()
                .is_some_and(|value| value.contains(['\n', '\r']))
            {
                return Err(BodyError::new(format!(
                    "a server-sent event's {field} contains a line break"
                )));
            }
        }
        Ok(self.to_string().into_bytes())
    }
}

impl std::fmt::Display for Event {
    /// The event in `text/event-stream` form, ending with its blank line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut text = String::new();
        if let Some(comment) = &self.comment {
            let _ = writeln!(text, ": {comment}");
        }
        if let Some(event) = &self.event {
            let _ = writeln!(text, "event: {event}");
        }
        if let Some(id) = &self.id {
            let _ = writeln!(text, "id: {id}");
        }
        if let Some(retry) = self.retry {
            let _ = writeln!(text, "retry: {}", retry.as_millis());
        }
        if let Some(data) = &self.data {
            for line in data.split(['\n', '\r']) {
                let _ = writeln!(text, "data: {line}");
            }
        }
        text.push('\n');
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_line_breaks_end_the_stream() {
        assert!(Event::default().id("1\ndata: forged").encode().is_err());
        assert!(Event::default().event("a\rb").encode().is_err());
        assert!(Event::default().comment("x\ny").encode().is_err());
        let data = Event::default()
            .data("a\r\nb")
            .encode()
            .expect("data may have lines");
        assert_eq!(data, b"data: a\ndata: \ndata: b\n\n");
    }

    #[test]
    fn every_field_is_written() {
        let event = Event::default()
            .comment("hi")
            .event("tick")
            .id("3")
            .retry(Duration::from_millis(1500))
            .data("x");
        assert_eq!(
            event.to_string(),
            ": hi\nevent: tick\nid: 3\nretry: 1500\ndata: x\n\n"
        );
    }
}
