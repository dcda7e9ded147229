//! A component that misbehaves on purpose, for the host's fault-containment
//! tests. Never ship it.

use wafer::{App, BackgroundTasks, get};

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

/// Never returns: only the CPU deadline stops it.
#[get("/faulty/loop")]
fn spin() -> &'static str {
    let mut counter = 0u64;
    loop {
        counter = std::hint::black_box(counter.wrapping_add(1));
    }
}

/// Allocates until the memory limit refuses.
#[get("/faulty/alloc")]
fn alloc() -> String {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(vec![1u8; 1 << 20]);
        std::hint::black_box(&hoard);
    }
}

/// Recurses until the stack overflows.
#[get("/faulty/recurse")]
fn recurse() -> String {
    #[allow(unconditional_recursion)]
    fn deeper(depth: u64) -> u64 {
        let frame = std::hint::black_box([depth; 64]);
        deeper(frame[0] + 1) + frame[63]
    }
    deeper(0).to_string()
}

/// How many requests this instance has served, itself included: always 1
/// with a fresh instance per request; counts up where instances are reused.
#[get("/faulty/count")]
fn count() -> String {
    static SERVED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    (SERVED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1).to_string()
}

/// Sleeps before answering: only the wall-clock timeout stops it.
#[get("/faulty/sleep/{ms}")]
fn sleep(ms: wafer::Path<u64>) -> &'static str {
    std::thread::sleep(std::time::Duration::from_millis(*ms));
    "slept"
}

/// A large response: `mb` megabytes.
#[get("/faulty/big/{mb}")]
fn big(mb: wafer::Path<usize>) -> Vec<u8> {
    vec![b'x'; *mb << 20]
}

/// Writes to standard output and error in a loop (the host logs both, up to
/// its budget a request).
#[get("/faulty/print")]
fn print() -> &'static str {
    for line in 0..2_000 {
        println!("line {line}");
        eprintln!("line {line}");
    }
    "printed"
}

/// Tries to read a file: there are none.
#[get("/faulty/file")]
fn file() -> String {
    match std::fs::read_to_string("/etc/passwd") {
        Ok(_) => "read a file".to_owned(),
        Err(error) => format!("no file: {error}"),
    }
}

/// Tries to open a socket: there are none.
#[get("/faulty/socket")]
fn socket() -> String {
    match std::net::TcpStream::connect("127.0.0.1:80") {
        Ok(_) => "opened a socket".to_owned(),
        Err(error) => format!("no socket: {error}"),
    }
}

/// Reads environment variables: the host's own are never there, the
/// manifest's are.
#[get("/faulty/env")]
fn env() -> String {
    format!(
        "{:?} {:?}",
        std::env::var("HOME").ok(),
        std::env::var("GREETING").ok()
    )
}

/// Sends `GET url` from the guest: only hosts the manifest allows are reached.
#[get("/faulty/fetch")]
fn fetch(url: wafer::Query<String>) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        match outbound::get(&url) {
            Ok((status, body)) => format!("{status} {body}"),
            Err(error) => format!("refused: {error}"),
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        format!("outbound requests need wasm32: {}", *url)
    }
}

#[cfg(target_arch = "wasm32")]
mod outbound {
    use wasip2::http::outgoing_handler;
    use wasip2::http::types::{Fields, OutgoingRequest, Scheme};

    /// `GET url` with `wasi:http/outgoing-handler`: status and body, or the
    /// error code.
    pub(crate) fn get(url: &str) -> Result<(u16, String), String> {
        let (scheme, rest) = url.split_once("://").ok_or("no scheme")?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let request = OutgoingRequest::new(Fields::new());
        let scheme = if scheme == "https" {
            Scheme::Https
        } else {
            Scheme::Http
        };
        request.set_scheme(Some(&scheme)).map_err(|()| "scheme")?;
        request
            .set_authority(Some(authority))
            .map_err(|()| "authority")?;
        let path = if path.is_empty() { "/" } else { path };
        request
            .set_path_with_query(Some(path))
            .map_err(|()| "path")?;
        let future = outgoing_handler::handle(request, None).map_err(|code| format!("{code:?}"))?;
        future.subscribe().block();
        let response = future
            .get()
            .ok_or("no response")?
            .map_err(|()| "taken")?
            .map_err(|code| format!("{code:?}"))?;
        let status = response.status();
        let body = response.consume().map_err(|()| "body")?;
        let stream = body.stream().map_err(|()| "stream")?;
        let mut bytes = Vec::new();
        while let Ok(chunk) = stream.blocking_read(64 * 1024) {
            bytes.extend_from_slice(&chunk);
        }
        Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
    }
}

/// Answers at once, then waits `ms` in a background task and says so.
#[get("/faulty/background/{ms}")]
fn background(ms: wafer::Path<u64>, tasks: BackgroundTasks) -> &'static str {
    let ms = *ms;
    tasks.spawn(async move {
        wafer::time::sleep(std::time::Duration::from_millis(ms)).await;
        eprintln!("background task done after {ms} ms");
    });
    "queued"
}

/// Answers at once, then spins in a background task: only `cpu_ms` stops it.
#[get("/faulty/background-spin")]
fn background_spin(tasks: BackgroundTasks) -> &'static str {
    tasks.spawn(async {
        let mut counter = 0u64;
        while std::hint::black_box(true) {
            counter = std::hint::black_box(counter.wrapping_add(1));
        }
    });
    "queued"
}

/// Answers at once; its background task fails, and the next one still runs.
#[get("/faulty/background-fail")]
fn background_fail(tasks: BackgroundTasks) -> &'static str {
    tasks.spawn(async { Err::<(), _>("it fails on purpose") });
    tasks.spawn(async { eprintln!("the task after the failed one ran") });
    "queued"
}

/// Queues a background task, then answers with an error: the task is dropped.
#[get("/faulty/background-error")]
fn background_error(tasks: BackgroundTasks) -> Result<&'static str, wafer::HttpError> {
    tasks.spawn(async { eprintln!("this task must not run") });
    Err(wafer::HttpError::conflict("no"))
}

/// What the manifest's `config` gives this component.
#[derive(serde::Deserialize, Clone)]
struct Greeting {
    greeting: String,
    times: u32,
}

/// Says the configured greeting the configured number of times.
#[get("/faulty/settings")]
fn settings(wafer::config::Settings(greeting): wafer::config::Settings<Greeting>) -> String {
    vec![greeting.greeting; greeting.times as usize].join(" ")
}

/// The test app.
pub fn app() -> App {
    App::new()
        .title("Faulty")
        .routes(wafer::routes![ok, panic, trap, spin, alloc, recurse])
        .routes(wafer::routes![
            sleep, big, print, file, socket, env, fetch, count
        ])
        .routes(wafer::routes![
            background,
            background_spin,
            background_fail,
            background_error,
            settings
        ])
}

wafer::export!(app());
