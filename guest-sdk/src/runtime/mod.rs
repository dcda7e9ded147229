//! The executor async handlers run on.
//!
//! A request is one future, polled on the thread that received it until it is
//! done: whatever it awaits (outbound responses, timers, body reads and
//! writes) runs concurrently inside it (`join!`, `select!`, streams), with no
//! threads and no task spawning. In a component, a future that cannot go on
//! waits for a WASI pollable, and the executor blocks in `wasi:io/poll.poll`
//! on all of them at once; natively (under `cargo test`), timers are threads.
//!
//! Nothing here is public: handlers see plain `async fn`s, so a `wasi:http`
//! 0.3 export, whose runtime is the component model's own, can sit under the
//! same API.

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(target_arch = "wasm32")]
pub(crate) mod streams;
#[cfg(target_arch = "wasm32")]
mod wasi;

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use native::{block_on, sleep};
#[cfg(target_arch = "wasm32")]
pub(crate) use wasi::{block_on, sleep, wait_for};
