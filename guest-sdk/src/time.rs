//! Timers for async handlers: [`sleep`] and [`timeout`].
//!
//! In a component they wait on `wasi:clocks/monotonic-clock`, so a sleeping
//! handler costs no CPU and other futures of the same request go on meanwhile.
//!
//! ```
//! use std::time::Duration;
//! use wafer::{get, time};
//!
//! #[get("/slow")]
//! async fn slow() -> &'static str {
//!     time::sleep(Duration::from_millis(5)).await;
//!     "done"
//! }
//! ```

use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use futures::future::{Either, select};

/// Waits for `duration`.
pub async fn sleep(duration: Duration) {
    crate::runtime::sleep(duration).await;
}

/// Runs `future` for at most `duration`: its output, or [`Elapsed`] if it
/// took longer (the future is then dropped, which cancels what it was doing).
///
/// ```
/// use std::time::Duration;
/// use wafer::time::{sleep, timeout, Elapsed};
///
/// # futures::executor::block_on(async {
/// let slow = timeout(Duration::from_millis(1), sleep(Duration::from_secs(5))).await;
/// assert_eq!(slow, Err(Elapsed));
/// let fast = timeout(Duration::from_secs(5), async { 7 }).await;
/// assert_eq!(fast, Ok(7));
/// # });
/// ```
pub async fn timeout<F: Future>(duration: Duration, future: F) -> Result<F::Output, Elapsed> {
    match select(pin!(future), pin!(crate::runtime::sleep(duration))).await {
        Either::Left((output, _)) => Ok(output),
        Either::Right(((), _)) => Err(Elapsed),
    }
}

/// The error of a [`timeout`] whose future did not finish in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline elapsed")
    }
}

impl std::error::Error for Elapsed {}
