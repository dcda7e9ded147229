//! A guest's standard output and error, as lines in the host's log, each
//! with the component and the request it came from.
//!
//! A guest controls what it writes, so what reaches the log is bounded: at
//! most [`BUDGET`] bytes per request (then one line says the rest was
//! dropped), lines cut at [`MAX_LINE`] bytes, and control characters escaped
//! so that a line cannot forge others.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// The most a request's guest may write to the log, both streams together.
pub const BUDGET: usize = 64 * 1024;
/// The longest line logged; longer ones are cut into several.
pub const MAX_LINE: usize = 4096;

/// Where an instance's output goes; cloning shares it.
#[derive(Clone)]
pub struct GuestLog(Arc<Mutex<Lines>>);

struct Lines {
    component: Arc<str>,
    request_id: String,
    /// What each stream wrote after its last line break.
    partial: [Vec<u8>; 2],
    /// Bytes the request may still write.
    budget: usize,
}

/// Which of the guest's streams.
#[derive(Clone, Copy)]
enum Stream {
    Stdout = 0,
    Stderr = 1,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

impl GuestLog {
    /// The log of an instance of `component`.
    pub fn new(component: Arc<str>) -> GuestLog {
        GuestLog(Arc::new(Mutex::new(Lines {
            component,
            request_id: String::new(),
            partial: [Vec::new(), Vec::new()],
            budget: BUDGET,
        })))
    }

    /// Starts the instance's next request: what it writes from now on is
    /// logged with `request_id`, within a budget of its own. The last
    /// request's unfinished lines are logged first.
    pub fn begin(&self, request_id: &str) {
        let mut lines = self.lock();
        for stream in [Stream::Stdout, Stream::Stderr] {
            lines.flush_partial(stream);
        }
        lines.request_id = request_id.to_owned();
        lines.budget = BUDGET;
    }

    /// The instance's standard output.
    pub fn stdout(&self) -> GuestOutput {
        GuestOutput {
            log: self.clone(),
            stream: Stream::Stdout,
        }
    }

    /// The instance's standard error.
    pub fn stderr(&self) -> GuestOutput {
        GuestOutput {
            log: self.clone(),
            stream: Stream::Stderr,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lines> {
        // The buffers are valid even if a holder panicked.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Lines {
    fn write(&mut self, stream: Stream, bytes: &[u8]) {
        let over_budget = bytes.len() >= self.budget && self.budget > 0;
        for line in self.take_lines(stream, bytes) {
            self.log(stream, &line);
        }
        if over_budget {
            tracing::warn!(
                component = %self.component,
                request_id = %self.request_id,
                limit = "guest_log",
                "the guest wrote more than {BUDGET} bytes of output; the rest of this request's is dropped"
            );
        }
    }

    /// The lines `bytes` completes on `stream`, within the budget; where the
    /// budget runs out, the unfinished line too.
    fn take_lines(&mut self, stream: Stream, bytes: &[u8]) -> Vec<String> {
        if self.budget == 0 {
            return Vec::new();
        }
        let taken = bytes.len().min(self.budget);
        self.budget -= taken;
        let partial = &mut self.partial[stream as usize];
        partial.extend_from_slice(&bytes[..taken]);
        let mut lines = Vec::new();
        while let Some(end) = partial.iter().position(|&byte| byte == b'\n') {
            lines.push(line_text(&partial.drain(..=end).collect::<Vec<u8>>()));
        }
        while partial.len() >= MAX_LINE {
            lines.push(line_text(&partial.drain(..MAX_LINE).collect::<Vec<u8>>()));
        }
        if self.budget == 0 && !partial.is_empty() {
            lines.push(line_text(&std::mem::take(partial)));
        }
        lines
    }

    fn flush_partial(&mut self, stream: Stream) {
        let partial = std::mem::take(&mut self.partial[stream as usize]);
        if !partial.is_empty() {
            self.log(stream, &line_text(&partial));
        }
    }

    /// Logs one line: at `warn` where the SDK reports an error, else `info`.
    fn log(&self, stream: Stream, line: &str) {
        if line.starts_with("wafer: error:") {
            tracing::warn!(
                target: "wafer::guest",
                component = %self.component,
                request_id = %self.request_id,
                stream = stream.name(),
                "{line}"
            );
        } else {
            tracing::info!(
                target: "wafer::guest",
                component = %self.component,
                request_id = %self.request_id,
                stream = stream.name(),
                "{line}"
            );
        }
    }
}

/// A line as logged: lossy UTF-8, its line break taken off, and control
/// characters escaped so that it cannot pass for lines of the host's.
fn line_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_end_matches(['\n', '\r'])
        .escape_debug()
        .to_string()
}

/// One of an instance's output streams.
#[derive(Clone)]
pub struct GuestOutput {
    log: GuestLog,
    stream: Stream,
}

impl IsTerminal for GuestOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for GuestOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

impl OutputStream for GuestOutput {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.log.lock().write(self.stream, &bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(MAX_LINE)
    }
}

#[async_trait::async_trait]
impl Pollable for GuestOutput {
    async fn ready(&mut self) {}
}

impl AsyncWrite for GuestOutput {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        bytes: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.log.lock().write(self.stream, bytes);
        std::task::Poll::Ready(Ok(bytes.len()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines() -> Lines {
        Lines {
            component: "c".into(),
            request_id: "r".into(),
            partial: [Vec::new(), Vec::new()],
            budget: BUDGET,
        }
    }

    #[test]
    fn output_is_split_into_lines_per_stream() {
        let mut lines = lines();
        assert!(lines.take_lines(Stream::Stdout, b"par").is_empty());
        assert!(lines.take_lines(Stream::Stderr, b"err\n").len() == 1);
        assert_eq!(
            lines.take_lines(Stream::Stdout, b"tial\nnext\n"),
            ["partial", "next"]
        );
    }

    #[test]
    fn control_characters_cannot_forge_lines() {
        let mut lines = lines();
        let forged = lines.take_lines(Stream::Stderr, b"a\rINFO wafer: forged\x1b[0m\n");
        assert_eq!(forged, [r"a\rINFO wafer: forged\u{1b}[0m"]);
    }

    #[test]
    fn long_lines_are_cut_and_the_budget_holds() {
        let mut lines = lines();
        let long = vec![b'x'; MAX_LINE * 2 + 10];
        let cut = lines.take_lines(Stream::Stdout, &long);
        assert_eq!(
            cut.iter().map(String::len).collect::<Vec<_>>(),
            [MAX_LINE, MAX_LINE]
        );
        let rest = lines.take_lines(Stream::Stdout, &vec![b'y'; BUDGET]);
        let logged: usize = cut.iter().chain(&rest).map(String::len).sum();
        assert_eq!(logged, BUDGET);
        assert!(lines.take_lines(Stream::Stdout, b"more\n").is_empty());
    }
}
