//! Running a request's guest and reading its answer.
//!
//! Most guests answer and end in one go, so the guest runs on the request's
//! own task until it has answered: no task is spawned for it, and nothing
//! crosses threads. A guest still writing its body by then (streaming it, or
//! running background tasks after it) goes on in a task of its own, until
//! `timeout_ms` after the request came in. Dropping a guest stops it: on a
//! timeout, on an oversized answer, or when the connection that asked is
//! dropped.

use std::time::Duration;

use http::{Response, StatusCode};
use http_body_util::BodyExt;
use tokio::sync::oneshot;
use tracing::{debug, error, warn};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use super::capped::CappedBody;
use super::request_body::BodyWatch;
use super::{Body, content_length, detail, internal_error};
use crate::manifest::Limits;
use crate::runtime::{Answer, Stopped};

/// Runs `guest`, the component `name`'s instance handling the request, and
/// turns what it answers on `receiver` into the response, within `limits`.
pub(super) async fn answer(
    name: &str,
    limits: &Limits,
    mut guest: impl Future<Output = wasmtime::Result<()>> + Send + Unpin + 'static,
    mut receiver: oneshot::Receiver<Answer>,
    stopped: Stopped,
    body: BodyWatch,
) -> (&'static str, Response<Body>) {
    let timeout = Duration::from_millis(limits.timeout_ms);
    let deadline = tokio::time::Instant::now() + timeout;
    let first = tokio::time::timeout(timeout, async {
        tokio::select! {
            biased;
            outcome = &mut guest => Progress::Ended(outcome),
            answer = &mut receiver => Progress::Answered(answer.ok()),
        }
    })
    .await;
    let mut response = match first {
        Err(_) => {
            warn!(component = %name, limit = "timeout_ms", "no response within {timeout:?}");
            detail(StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout")
        }
        Ok(Progress::Ended(outcome)) => {
            respond(name, limits, receiver.try_recv().ok(), outcome, &stopped)
        }
        Ok(Progress::Answered(Some(Ok(response)))) if fits(name, limits, &response) => {
            // Still writing the body (maybe streaming it), maybe still
            // reading the request's, or running background tasks: it goes on
            // in a task of its own, until the request's deadline.
            let owner = name.to_owned();
            let cut_off = stopped.clone();
            tokio::spawn(async move {
                tokio::select! {
                    outcome = &mut guest => {
                        if let Err(trap) = outcome {
                            log_trap(&owner, "guest failed after responding", &trap);
                        }
                    }
                    () = tokio::time::sleep_until(deadline) => {
                        // Before the guest, and the body it was writing, go.
                        cut_off.stop();
                        drop(guest);
                        warn!(
                            component = %owner,
                            limit = "timeout_ms",
                            "guest still running {timeout:?} after the request came in: stopped, its response cut off"
                        );
                    }
                }
            });
            capped(name, limits, response, stopped)
        }
        // Too large (`fits` said so): the guest is stopped.
        Ok(Progress::Answered(Some(Ok(_)))) => internal_error(),
        Ok(Progress::Answered(Some(Err(code)))) => {
            respond(name, limits, Some(Err(code)), Ok(()), &stopped)
        }
        Ok(Progress::Answered(None)) => {
            // Gone without answering: how the guest ends says why.
            match tokio::time::timeout(timeout, guest).await {
                Ok(outcome) => respond(name, limits, None, outcome, &stopped),
                Err(_) => {
                    warn!(component = %name, limit = "timeout_ms", "guest still running {timeout:?} after dropping its response");
                    internal_error()
                }
            }
        }
    };
    // Where the guest read past `max_body_bytes`, what it made of its failed
    // read is not sent: the host's 413 is.
    let by = if body.over_limit() {
        warn!(component = %name, limit = "max_body_bytes", "request body too large");
        response = detail(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large");
        "host"
    } else {
        "guest"
    };
    // A guest still running may yet read the rest of the request's body, or
    // may have stopped (a 413 from its own limit, with the head sent before
    // the body is written): the connection is kept only if it was read.
    body.close_unless_read(&mut response);
    (by, response)
}

/// The response for a guest that is done (or stopped), from its answer, if
/// any, and how it ended.
fn respond(
    name: &str,
    limits: &Limits,
    answer: Option<Answer>,
    outcome: wasmtime::Result<()>,
    stopped: &Stopped,
) -> Response<Body> {
    match (answer, outcome) {
        (Some(Ok(response)), outcome) => {
            if let Err(trap) = outcome {
                log_trap(name, "guest failed after responding", &trap);
            }
            if fits(name, limits, &response) {
                capped(name, limits, response, stopped.clone())
            } else {
                internal_error()
            }
        }
        (Some(Err(code)), _) => {
            error!(component = %name, "guest answered with an error code: {code:?}");
            internal_error()
        }
        (None, Err(trap)) if is_interrupt(&trap) => {
            warn!(component = %name, limit = "cpu_ms", "guest ran out of CPU time");
            detail(StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout")
        }
        (None, Err(trap)) => {
            log_trap(name, "guest trapped", &trap);
            internal_error()
        }
        (None, Ok(())) => {
            error!(component = %name, "guest returned without responding");
            internal_error()
        }
    }
}

/// Whether the response's declared length is within the limit; says so if not.
fn fits(name: &str, limits: &Limits, response: &hyper::Response<HyperOutgoingBody>) -> bool {
    let fits =
        content_length(response.headers()).is_none_or(|length| length <= limits.max_response_bytes);
    if !fits {
        warn!(component = %name, limit = "max_response_bytes", "response body too large");
    }
    fits
}

/// The guest's response, its body cut off at the limit, or where the guest
/// stopped before it finished.
fn capped(
    name: &str,
    limits: &Limits,
    response: hyper::Response<HyperOutgoingBody>,
    stopped: Stopped,
) -> Response<Body> {
    response.map(|body| {
        CappedBody::new(body, limits.max_response_bytes, name)
            .ending_with(stopped)
            .boxed_unsync()
    })
}

/// Where a guest is once the request's task stops running it.
enum Progress {
    /// It ended, and how: its answer, if any, is waiting.
    Ended(wasmtime::Result<()>),
    /// It answered (or dropped its response unanswered) and may still be
    /// running.
    Answered(Option<Answer>),
}

/// Whether the guest was stopped by its CPU deadline.
fn is_interrupt(trap: &wasmtime::Error) -> bool {
    trap.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt)
}

/// One line with the trap's reason; the guest's backtrace at debug level.
fn log_trap(component: &str, what: &str, trap: &wasmtime::Error) {
    let reason = match trap.downcast_ref::<wasmtime::Trap>() {
        Some(code) => code.to_string(),
        None => trap.root_cause().to_string(),
    };
    if is_interrupt(trap) {
        error!(component = %component, limit = "cpu_ms", %reason, "{what}: out of CPU time");
        return;
    }
    if reason.contains("forcing") && reason.contains("memory") {
        error!(component = %component, limit = "memory_mb", %reason, "{what}: out of memory");
        return;
    }
    error!(component = %component, %reason, "{what}");
    debug!(component = %component, "{what}: {trap:?}");
}
