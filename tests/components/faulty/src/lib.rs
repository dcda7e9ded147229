//! A component that misbehaves on purpose, for the host's fault-containment
//! tests. Never ship it.

use wafer::{App, get};

/// Answers normally, to show the host still serves after a failure.
#[get("/faulty/ok")]
fn ok() -> &'static str {
    "ok"
}

/// Panics: the SDK answers 500 before the instance aborts.
#[get("/faulty/panic")]
fn panic() -> &'static str {
    panic!("this handler panics on purpose")
}

/// Traps without a word: the host has to answer for the guest.
#[get("/faulty/trap")]
fn trap() -> &'static str {
    std::process::abort()
}

/// The test app.
pub fn app() -> App {
    App::new()
        .title("Faulty")
        .routes(wafer::routes![ok, panic, trap])
}

wafer::export!(app());
