//! The executor in a component: one root future, and a reactor that blocks in
//! `wasi:io/poll.poll` until one of the pollables the future waits for is
//! ready.

use std::cell::RefCell;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
use std::time::Duration;

use wasip2::clocks::monotonic_clock;
use wasip2::io::poll::{Pollable, poll};

/// One pollable a future waits for, and the waker to call when it is ready.
struct Waiting {
    pollable: Pollable,
    waker: Waker,
    ready: bool,
}

/// The pollables the request's futures wait for, by key.
#[derive(Default)]
struct Reactor {
    entries: Vec<Option<Waiting>>,
    free: Vec<usize>,
}

thread_local! {
    static REACTOR: RefCell<Reactor> = RefCell::new(Reactor::default());
}

impl Reactor {
    fn register(&mut self, pollable: Pollable, waker: Waker) -> usize {
        let waiting = Some(Waiting {
            pollable,
            waker,
            ready: false,
        });
        match self.free.pop() {
            Some(key) => {
                self.entries[key] = waiting;
                key
            }
            None => {
                self.entries.push(waiting);
                self.entries.len() - 1
            }
        }
    }

    fn remove(&mut self, key: usize) {
        if let Some(slot) = self.entries.get_mut(key)
            && slot.take().is_some()
        {
            self.free.push(key);
        }
    }

    /// Blocks until at least one pollable is ready and returns the wakers of
    /// the ready ones; `None` if nothing is waited for.
    fn block(&mut self) -> Option<Vec<Waker>> {
        let (keys, pollables): (Vec<usize>, Vec<&Pollable>) = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(key, slot)| {
                let waiting = slot.as_ref()?;
                (!waiting.ready).then_some((key, &waiting.pollable))
            })
            .unzip();
        if pollables.is_empty() {
            return None;
        }
        let ready = poll(&pollables);
        let mut wakers = Vec::with_capacity(ready.len());
        for index in ready {
            let Some(&key) = keys.get(index as usize) else {
                continue;
            };
            if let Some(Some(waiting)) = self.entries.get_mut(key) {
                waiting.ready = true;
                wakers.push(waiting.waker.clone());
            }
        }
        Some(wakers)
    }
}

/// A future that is ready when `pollable` is.
pub(crate) fn wait_for(pollable: Pollable) -> Wait {
    Wait {
        state: WaitState::New(Some(pollable)),
    }
}

/// See [`wait_for`].
pub(crate) struct Wait {
    state: WaitState,
}

enum WaitState {
    New(Option<Pollable>),
    Registered(usize),
    Done,
}

impl Future for Wait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &mut self.state {
            WaitState::New(pollable) => {
                let Some(pollable) = pollable.take() else {
                    return Poll::Ready(());
                };
                if pollable.ready() {
                    self.state = WaitState::Done;
                    return Poll::Ready(());
                }
                let key = REACTOR.with(|r| r.borrow_mut().register(pollable, cx.waker().clone()));
                self.state = WaitState::Registered(key);
                Poll::Pending
            }
            WaitState::Registered(key) => {
                let key = *key;
                let ready = REACTOR.with(|r| {
                    let mut reactor = r.borrow_mut();
                    match reactor.entries.get_mut(key) {
                        Some(Some(waiting)) if waiting.ready => true,
                        Some(Some(waiting)) => {
                            waiting.waker.clone_from(cx.waker());
                            false
                        }
                        _ => true,
                    }
                });
                if ready {
                    REACTOR.with(|r| r.borrow_mut().remove(key));
                    self.state = WaitState::Done;
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }
            WaitState::Done => Poll::Ready(()),
        }
    }
}

impl Drop for Wait {
    fn drop(&mut self) {
        if let WaitState::Registered(key) = self.state {
            // The thread-local is gone only while the instance shuts down.
            let _ = REACTOR.try_with(|r| r.borrow_mut().remove(key));
        }
    }
}

/// A timer: ready after a duration on the monotonic clock.
type Sleep = Wait;

/// A future that is ready once `duration` has passed.
pub(crate) fn sleep(duration: Duration) -> Sleep {
    let nanos = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
    wait_for(monotonic_clock::subscribe_duration(nanos))
}

/// Set when the root future is woken; the loop checks it. A component
/// instance has one thread and runs one `block_on` at a time, so one flag
/// serves, and its waker costs no allocation per request.
static WOKEN: AtomicBool = AtomicBool::new(false);

/// The waker of the root future: it sets [`WOKEN`].
fn waker() -> Waker {
    const VTABLE: RawWakerVTable = RawWakerVTable::new(
        |_| RawWaker::new(std::ptr::null(), &VTABLE),
        |_| WOKEN.store(true, Ordering::Release),
        |_| WOKEN.store(true, Ordering::Release),
        |_| {},
    );
    // SAFETY: the vtable's functions ignore the data pointer (null), and
    // touch only a static, so every contract of `RawWaker` holds.
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

/// Runs `future` to completion, blocking in `wasi:io/poll` whenever it waits.
///
/// # Panics
///
/// If the future is pending while no pollable is registered: nothing could
/// ever wake it (a channel whose sender is never used, say).
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let waker = waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    WOKEN.store(true, Ordering::Release);
    loop {
        if WOKEN.swap(false, Ordering::AcqRel) {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
            continue;
        }
        // Woken only through the reactor from here on: its wakers are called
        // with no borrow of it held, so they may register again.
        match REACTOR.with(|r| r.borrow_mut().block()) {
            Some(wakers) => wakers.into_iter().for_each(Waker::wake),
            None => panic!(
                "wafer: the request's future is pending but waits for no WASI event, so it \
                 could never finish"
            ),
        }
    }
}
