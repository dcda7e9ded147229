//! `wasi:io/streams`, awaited: reads and writes that wait on their stream's
//! pollable instead of blocking the instance, so other futures of the
//! request go on meanwhile.

use wasip2::io::streams::{InputStream, OutputStream, StreamError};

use super::wasi::wait_for;

/// The next chunk of at most `max` bytes; `None` once the stream is closed.
pub(crate) async fn read(stream: &InputStream, max: u64) -> Result<Option<Vec<u8>>, StreamError> {
    loop {
        match stream.read(max) {
            Ok(chunk) if chunk.is_empty() => wait_for(stream.subscribe()).await,
            Ok(chunk) => return Ok(Some(chunk)),
            Err(StreamError::Closed) => return Ok(None),
            Err(error) => return Err(error),
        }
    }
}

/// Writes all of `bytes` and waits until they are flushed.
pub(crate) async fn write_all(stream: &OutputStream, mut bytes: &[u8]) -> Result<(), StreamError> {
    while !bytes.is_empty() {
        let permitted = stream.check_write()?;
        if permitted == 0 {
            wait_for(stream.subscribe()).await;
            continue;
        }
        let length = bytes
            .len()
            .min(usize::try_from(permitted).unwrap_or(usize::MAX));
        let (now, rest) = bytes.split_at(length);
        stream.write(now)?;
        bytes = rest;
    }
    stream.flush()?;
    // The flush is done when the stream is writable again.
    loop {
        if stream.check_write()? > 0 {
            return Ok(());
        }
        wait_for(stream.subscribe()).await;
    }
}
