//! The executor outside a component (`cargo test`): `futures`' `block_on`,
//! with a thread per timer.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

pub(crate) use futures::executor::block_on;

/// A future that is ready once `duration` has passed.
pub(crate) fn sleep(duration: Duration) -> Sleep {
    // Past what the clock can count, a sleep never ends: a year is as good.
    let now = Instant::now();
    let deadline = now
        .checked_add(duration)
        .unwrap_or_else(|| now + Duration::from_secs(365 * 24 * 3600));
    Sleep {
        deadline,
        waker: None,
    }
}

/// See [`sleep`].
pub(crate) struct Sleep {
    deadline: Instant,
    /// Where the timer thread finds the waker to call, once it is started.
    waker: Option<Arc<Mutex<Option<Waker>>>>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        match &self.waker {
            Some(shared) => {
                *shared.lock().unwrap_or_else(PoisonError::into_inner) = Some(cx.waker().clone());
            }
            None => {
                let shared = Arc::new(Mutex::new(Some(cx.waker().clone())));
                let deadline = self.deadline;
                let timer = shared.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
                    if let Some(waker) = timer.lock().unwrap_or_else(PoisonError::into_inner).take()
                    {
                        waker.wake();
                    }
                });
                self.waker = Some(shared);
            }
        }
        Poll::Pending
    }
}
