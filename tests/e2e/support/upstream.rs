//! A small upstream service on a free loopback port, for the components that
//! call out: what `examples/gateway/upstream.py` serves, and a record of
//! every request it received.
//!
//! - `GET /delay/{ms}`: waits `ms`, then `{"delay_ms":ms}`.
//! - `POST /echo`: the request's body, as JSON.
//! - `POST /audit`: 204, after 500 ms (a slow service to record things in).
//! - anything else: 404.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request the upstream received.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: HashMap<String, String>,
    /// Its body, whole (the upstream reads `content-length` bytes).
    pub(crate) body: Vec<u8>,
    /// When its head had arrived.
    pub(crate) at: Instant,
}

/// The upstream, serving until the test process ends.
pub(crate) struct Upstream {
    /// `http://127.0.0.1:PORT`.
    pub(crate) url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Upstream {
    /// Starts one on a free port.
    pub(crate) fn start() -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the upstream");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let record = record.clone();
                std::thread::spawn(move || serve(stream, &record));
            }
        });
        Upstream { url, seen }
    }

    /// What it has received so far.
    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("record").clone()
    }

    /// Waits until it has received a request for `path`, for at most `wait`.
    pub(crate) fn wait_for(&self, path: &str, wait: Duration) -> Option<Seen> {
        let until = Instant::now() + wait;
        while Instant::now() < until {
            if let Some(seen) = self.seen().into_iter().find(|seen| seen.path == path) {
                return Some(seen);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

/// An address where nothing listens.
pub(crate) fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    url
}

fn serve(stream: TcpStream, record: &Mutex<Vec<Seen>>) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    // One request per connection: every answer closes it.
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or_default().to_owned(),
        parts.next().unwrap_or_default().to_owned(),
    );
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let at = Instant::now();
    let length = headers
        .get("content-length")
        .and_then(|length| length.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    record.lock().expect("record").push(Seen {
        method: method.clone(),
        path: path.clone(),
        headers,
        body: body.clone(),
        at,
    });
    let (status, answer) = answer(&method, &path, body);
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        answer.len()
    );
    let _ = writer.write_all(head.as_bytes());
    let _ = writer.write_all(&answer);
}

fn answer(method: &str, path: &str, body: Vec<u8>) -> (&'static str, Vec<u8>) {
    if let Some(ms) = path
        .strip_prefix("/delay/")
        .and_then(|ms| ms.parse::<u64>().ok())
        && method == "GET"
    {
        std::thread::sleep(Duration::from_millis(ms));
        return ("200 OK", format!("{{\"delay_ms\":{ms}}}").into_bytes());
    }
    match (method, path) {
        ("POST", "/echo") => ("200 OK", body),
        ("POST", "/audit") => {
            std::thread::sleep(Duration::from_millis(500));
            ("204 No Content", Vec::new())
        }
        _ => ("404 Not Found", b"{\"detail\":\"Not Found\"}".to_vec()),
    }
}
