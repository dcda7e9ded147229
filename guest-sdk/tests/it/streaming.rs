//! Streamed responses: `Sse`, `Ndjson` and `StreamBody`, read natively as a
//! client reads them.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wafer::future::{Stream, StreamExt as _, stream};
use wafer::testing::TestClient;
use wafer::{App, Event, Ndjson, Sse, StreamBody, get, time};

/// Two events 120 ms apart, with keep-alives every 50 ms between them.
#[get("/events")]
fn events() -> Sse<impl Stream<Item = Event>> {
    let events = stream::iter(0..2).then(|i| async move {
        if i > 0 {
            time::sleep(Duration::from_millis(120)).await;
        }
        Event::default()
            .event("tick")
            .id(i.to_string())
            .data(format!("{i}\nsecond line"))
    });
    Sse::new(events).keep_alive(Duration::from_millis(50))
}

/// An event whose id would forge another field.
#[get("/forged")]
fn forged() -> Sse<impl Stream<Item = Event>> {
    Sse::new(stream::iter([
        Event::default().data("fine"),
        Event::default().id("1\ndata: forged"),
    ]))
}

#[get("/rows")]
fn rows() -> Ndjson<impl Stream<Item = Value>> {
    Ndjson(stream::iter((0..3).map(|i| json!({"row": i}))))
}

#[get("/bytes")]
fn bytes() -> StreamBody<impl Stream<Item = Result<Vec<u8>, String>>> {
    StreamBody::new(stream::iter([
        Ok(b"first ".to_vec()),
        Ok(b"second".to_vec()),
        Err("the source failed".to_owned()),
        Ok(b"never sent".to_vec()),
    ]))
}

fn client() -> TestClient {
    TestClient::new(App::new().routes(wafer::routes![events, forged, rows, bytes]))
}

#[test]
fn events_come_one_by_one_with_keep_alives_between() {
    let client = client();
    let mut stream = client.get("/events").stream();
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    assert_eq!(stream.header("cache-control"), Some("no-cache"));
    assert_eq!(stream.header("content-length"), None);
    let started = Instant::now();
    let first = stream.next_event().expect("the first event");
    assert!(started.elapsed() < Duration::from_millis(40));
    assert_eq!(
        (
            first.event.as_deref(),
            first.id.as_deref(),
            first.data.as_str()
        ),
        (Some("tick"), Some("0"), "0\nsecond line")
    );
    let mut keep_alives = 0;
    let second = loop {
        let event = stream.next_event().expect("more");
        if event.data.is_empty() {
            assert_eq!(event.comments, [""]);
            keep_alives += 1;
        } else {
            break event;
        }
    };
    assert_eq!(second.id.as_deref(), Some("1"));
    assert!(keep_alives >= 1, "no keep-alive in 120 ms");
    assert!(started.elapsed() >= Duration::from_millis(120));
    assert!(stream.next_event().is_none());
    assert_eq!(stream.body_error(), None);
}

#[test]
fn a_field_with_a_line_break_cuts_the_stream_off() {
    let response = client().get("/forged").send();
    assert_eq!(response.text(), "data: fine\n\n");
    assert_eq!(
        response.body_error(),
        Some("a server-sent event's id contains a line break")
    );
}

#[test]
fn ndjson_is_a_value_a_line() {
    let response = client().get("/rows").send();
    assert_eq!(
        response.header("content-type"),
        Some("application/x-ndjson")
    );
    assert_eq!(response.text(), "{\"row\":0}\n{\"row\":1}\n{\"row\":2}\n");
}

#[test]
fn an_error_in_a_stream_ends_the_body_there() {
    let response = client().get("/bytes").send();
    assert_eq!(
        response.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(response.text(), "first second");
    assert_eq!(response.body_error(), Some("the source failed"));
}

#[test]
fn streamed_responses_are_documented_with_their_media_types() {
    let document = client().openapi();
    let content = |path: &str| {
        let content = &document["paths"][path]["get"]["responses"]["200"]["content"];
        content
            .as_object()
            .expect("content")
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(content("/events"), ["text/event-stream"]);
    assert_eq!(content("/rows"), ["application/x-ndjson"]);
    assert_eq!(content("/bytes"), ["application/octet-stream"]);
}
