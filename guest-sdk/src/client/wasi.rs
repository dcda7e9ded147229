//! The transport of a component: `wasi:http/outgoing-handler`, awaited on
//! the request's executor, so that several outbound requests run at once.

use futures::FutureExt as _;
use futures::future::LocalBoxFuture;
use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, IncomingBody, IncomingResponse, Method, OutgoingBody, OutgoingRequest,
    Scheme,
};
use wasip2::io::streams::{InputStream, StreamError};

use super::body::ClientBody;
use super::error::{ClientError, ErrorKind};
use super::transport::Transport;
use crate::runtime::streams;
use crate::runtime::wait_for;

/// How much to ask for per read of a response body.
const READ_CHUNK: u64 = 64 * 1024;

/// Sends through the host's `wasi:http/outgoing-handler`.
pub(crate) struct WasiTransport;

impl Transport for WasiTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> LocalBoxFuture<'static, Result<http::Response<ClientBody>, ClientError>> {
        send(request).boxed_local()
    }
}

async fn send(request: http::Request<Vec<u8>>) -> Result<http::Response<ClientBody>, ClientError> {
    let (parts, body) = request.into_parts();
    let outgoing = outgoing_request(&parts)?;
    let outgoing_body = outgoing
        .body()
        .map_err(|()| ClientError::new(ErrorKind::Request, "the request body was taken"))?;
    let failed = |code| from_code(code, &parts.uri);
    let future = outgoing_handler::handle(outgoing, None).map_err(failed)?;
    if !body.is_empty() {
        let stream = outgoing_body
            .write()
            .map_err(|()| ClientError::new(ErrorKind::Request, "the request body was taken"))?;
        streams::write_all(&stream, &body)
            .await
            .map_err(|error| stream_error("sending the request body", error))?;
    }
    OutgoingBody::finish(outgoing_body, None).map_err(failed)?;
    let response = loop {
        match future.get() {
            Some(Ok(Ok(response))) => break response,
            Some(Ok(Err(code))) => return Err(failed(code)),
            Some(Err(())) => {
                return Err(ClientError::new(
                    ErrorKind::Protocol,
                    "the response was taken",
                ));
            }
            None => wait_for(future.subscribe()).await,
        }
    };
    incoming_response(response)
}

/// The WASI request for `parts`, whose URI the client made absolute.
fn outgoing_request(parts: &http::request::Parts) -> Result<OutgoingRequest, ClientError> {
    let invalid = |what: &str| ClientError::new(ErrorKind::Request, format!("invalid {what}"));
    let entries: Vec<(String, Vec<u8>)> = parts
        .headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let fields = Fields::from_list(&entries).map_err(|error| {
        ClientError::new(
            ErrorKind::Request,
            format!("header refused by the host: {error:?}"),
        )
    })?;
    let outgoing = OutgoingRequest::new(fields);
    outgoing
        .set_method(&method(&parts.method))
        .map_err(|()| invalid("method"))?;
    let scheme = match parts.uri.scheme_str() {
        Some("http") => Scheme::Http,
        Some("https") => Scheme::Https,
        Some(other) => Scheme::Other(other.to_owned()),
        None => return Err(invalid("URL: it has no scheme")),
    };
    outgoing
        .set_scheme(Some(&scheme))
        .map_err(|()| invalid("scheme"))?;
    outgoing
        .set_authority(parts.uri.authority().map(|authority| authority.as_str()))
        .map_err(|()| invalid("authority"))?;
    outgoing
        .set_path_with_query(parts.uri.path_and_query().map(|pq| pq.as_str()))
        .map_err(|()| invalid("path"))?;
    Ok(outgoing)
}

fn method(method: &http::Method) -> Method {
    match *method {
        http::Method::GET => Method::Get,
        http::Method::HEAD => Method::Head,
        http::Method::POST => Method::Post,
        http::Method::PUT => Method::Put,
        http::Method::DELETE => Method::Delete,
        http::Method::CONNECT => Method::Connect,
        http::Method::OPTIONS => Method::Options,
        http::Method::TRACE => Method::Trace,
        http::Method::PATCH => Method::Patch,
        ref other => Method::Other(other.as_str().to_owned()),
    }
}

/// The response's head, and its body as a stream read as it arrives.
fn incoming_response(
    response: IncomingResponse,
) -> Result<http::Response<ClientBody>, ClientError> {
    let mut builder = http::Response::builder().status(response.status());
    for (name, value) in response.headers().entries() {
        builder = builder.header(name, value);
    }
    let body = response
        .consume()
        .map_err(|()| ClientError::new(ErrorKind::Protocol, "the response body was taken"))?;
    let stream = body
        .stream()
        .map_err(|()| ClientError::new(ErrorKind::Protocol, "the response body was taken"))?;
    let incoming = Incoming {
        stream,
        _body: body,
        _response: response,
    };
    let chunks = futures::stream::unfold(Some(incoming), |incoming| async move {
        let incoming = incoming?;
        match streams::read(&incoming.stream, READ_CHUNK).await {
            Ok(Some(chunk)) => Some((Ok(chunk), Some(incoming))),
            Ok(None) => None,
            Err(error) => Some((Err(stream_error("reading the response body", error)), None)),
        }
    });
    builder
        .body(ClientBody::from_stream(chunks))
        .map_err(|error| {
            ClientError::new(ErrorKind::Protocol, format!("invalid response: {error}"))
        })
}

/// A response body being read. The fields drop in this order: a WASI
/// resource goes before the one it came from.
struct Incoming {
    stream: InputStream,
    _body: IncomingBody,
    _response: IncomingResponse,
}

fn stream_error(doing: &str, error: StreamError) -> ClientError {
    let reason = match error {
        StreamError::LastOperationFailed(error) => error.to_debug_string(),
        StreamError::Closed => "the stream closed".to_owned(),
    };
    ClientError::new(ErrorKind::Protocol, format!("{doing}: {reason}"))
}

/// The failure a `wasi:http` error code stands for, in a request to `uri`.
fn from_code(code: ErrorCode, uri: &http::Uri) -> ClientError {
    let kind = match &code {
        ErrorCode::HttpRequestDenied => {
            let authority = uri.authority().map_or("", |authority| authority.as_str());
            return ClientError::denied(authority);
        }
        ErrorCode::DnsError(_) | ErrorCode::DestinationNotFound => ErrorKind::Dns,
        ErrorCode::DnsTimeout
        | ErrorCode::ConnectionTimeout
        | ErrorCode::ConnectionReadTimeout
        | ErrorCode::ConnectionWriteTimeout
        | ErrorCode::HttpResponseTimeout => ErrorKind::Timeout,
        ErrorCode::DestinationUnavailable
        | ErrorCode::DestinationIpProhibited
        | ErrorCode::DestinationIpUnroutable
        | ErrorCode::ConnectionRefused
        | ErrorCode::ConnectionTerminated
        | ErrorCode::ConnectionLimitReached
        | ErrorCode::TlsProtocolError
        | ErrorCode::TlsCertificateError
        | ErrorCode::TlsAlertReceived(_) => ErrorKind::Connect,
        ErrorCode::HttpRequestMethodInvalid
        | ErrorCode::HttpRequestUriInvalid
        | ErrorCode::HttpRequestUriTooLong
        | ErrorCode::HttpRequestHeaderSectionSize(_)
        | ErrorCode::HttpRequestHeaderSize(_) => ErrorKind::Request,
        _ => ErrorKind::Protocol,
    };
    ClientError::new(kind, format!("{code:?}"))
}
