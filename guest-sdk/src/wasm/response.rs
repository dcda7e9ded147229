//! The app's response, written to the host's `response-outparam`: a whole
//! body at once, a streamed one chunk by chunk as it is produced.

use futures::StreamExt as _;
use futures::stream::LocalBoxStream;
use http::{HeaderMap, StatusCode};
use wasip2::http::types::{Fields, OutgoingBody, OutgoingResponse, ResponseOutparam};

use crate::response::{BodyError, Content, Response};
use crate::runtime::{block_on, streams};

/// The largest chunk `blocking-write-and-flush` accepts.
const WRITE_CHUNK: usize = 4096;

/// Sends `response`; returns once its body is written (or the client has
/// gone away).
pub(super) fn send(response_out: ResponseOutparam, response: Response) {
    let (status, headers, body) = response.into_parts();
    let outgoing = OutgoingResponse::new(fields(&headers));
    // A new response is a 200 already; every call into the host counts.
    if status != StatusCode::OK {
        let _ = outgoing.set_status_code(status.as_u16());
    }
    let Ok(outgoing_body) = outgoing.body() else {
        ResponseOutparam::set(response_out, Ok(outgoing));
        return;
    };
    ResponseOutparam::set(response_out, Ok(outgoing));
    match body.into_content() {
        Content::Full(bytes) => write_whole(outgoing_body, &bytes),
        Content::Stream(chunks) => block_on(write_streamed(outgoing_body, chunks)),
    }
}

/// The response's headers. A header the host forbids would fail the whole
/// list: then they are added one by one, and the ones refused left out.
fn fields(headers: &HeaderMap) -> Fields {
    let entries: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    Fields::from_list(&entries).unwrap_or_else(|_| {
        let fields = Fields::new();
        for (name, value) in &entries {
            let _ = fields.append(name, value);
        }
        fields
    })
}

/// A whole body: nothing else is left to run, so the writes block, which
/// takes the fewest calls into the host.
fn write_whole(outgoing_body: OutgoingBody, bytes: &[u8]) {
    if let Ok(stream) = outgoing_body.write() {
        for chunk in bytes.chunks(WRITE_CHUNK) {
            if stream.blocking_write_and_flush(chunk).is_err() {
                // The client went away; nothing left to tell it.
                return;
            }
        }
    }
    let _ = OutgoingBody::finish(outgoing_body, None);
}

/// A streamed body, each chunk written as soon as it is produced. A client
/// that goes away stops the stream (and with it whatever produces it); an
/// error in the stream cuts the response off unfinished, so that the client
/// can tell it is incomplete.
async fn write_streamed(
    outgoing_body: OutgoingBody,
    mut chunks: LocalBoxStream<'static, Result<Vec<u8>, BodyError>>,
) {
    let Ok(stream) = outgoing_body.write() else {
        return;
    };
    while let Some(chunk) = chunks.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => {
                crate::log::error(format_args!("the streamed response stopped: {error}"));
                return;
            }
        };
        if streams::write_all(&stream, &chunk).await.is_err() {
            crate::log::note(format_args!(
                "the client went away; the streamed response stopped"
            ));
            return;
        }
    }
    drop(stream);
    let _ = OutgoingBody::finish(outgoing_body, None);
}
