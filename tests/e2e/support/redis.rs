//! A real `redis-server` (Debian's package) on a free loopback port, for the
//! Redis-backed stores; self-contained, so that the host's unit tests of the
//! backends use it too.
//!
//! Without `redis-server` on the PATH a test that needs it says so and
//! passes, unless `WAFER_REQUIRE_REDIS` is set, as `.ci/run` sets it.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` this test started; stopped when dropped.
pub(crate) struct RedisServer {
    /// Its port on 127.0.0.1.
    pub(crate) port: u16,
    /// Where it keeps its files (nothing is saved to disk).
    folder: tempfile::TempDir,
    /// The password clients must give, if one is set.
    password: Option<String>,
    process: Option<Child>,
}

impl RedisServer {
    /// Starts one, or `None` (with a message) when the machine has no
    /// `redis-server` and `WAFER_REQUIRE_REDIS` is not set.
    pub(crate) fn start() -> Option<RedisServer> {
        let installed = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !installed {
            assert!(
                std::env::var_os("WAFER_REQUIRE_REDIS").is_none(),
                "WAFER_REQUIRE_REDIS is set but there is no redis-server: apt-get install redis-server"
            );
            eprintln!("skipped: no redis-server on this machine (apt-get install redis-server)");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let mut server = RedisServer {
            port,
            folder: tempfile::tempdir().expect("temporary folder"),
            password: None,
            process: None,
        };
        server.resume();
        Some(server)
    }

    /// Its URL, database 0.
    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Makes clients give `password` from now on.
    pub(crate) fn require_password(&mut self, password: &str) {
        let set = self.command(&["CONFIG", "SET", "requirepass", password]);
        assert_eq!(set.as_deref(), Some("+OK"));
        self.password = Some(password.to_owned());
    }

    /// Stops it (its data is lost: nothing is saved).
    pub(crate) fn stop(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }

    /// Starts it again on the same port, and waits until it answers.
    pub(crate) fn resume(&mut self) {
        assert!(self.process.is_none(), "it is running");
        let log: PathBuf = self.folder.path().join("redis.log");
        let mut command = Command::new("redis-server");
        command
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(self.folder.path())
            .arg("--logfile")
            .arg(&log)
            .stdout(Stdio::null());
        if let Some(password) = &self.password {
            command.args(["--requirepass", password]);
        }
        let process = command.spawn().expect("start redis-server");
        self.process = Some(process);
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.command(&["PING"]).as_deref() != Some("+PONG") {
            assert!(
                Instant::now() < deadline,
                "redis-server did not answer on port {}: {}",
                self.port,
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends one command of plain words and returns its answer's first line
    /// (`+OK`, `:3`, `-ERR ...`), a string's text, `(nil)`, or `None` if
    /// the server is not answering.
    pub(crate) fn command(&self, words: &[&str]) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        let mut request = String::new();
        let mut commands = vec![words];
        let auth;
        if let Some(password) = &self.password {
            auth = ["AUTH", password.as_str()];
            commands.insert(0, &auth);
        }
        for words in &commands {
            request.push_str(&format!("*{}\r\n", words.len()));
            for word in *words {
                request.push_str(&format!("${}\r\n{word}\r\n", word.len()));
            }
        }
        stream.write_all(request.as_bytes()).ok()?;
        let mut answer = BufReader::new(stream);
        let mut line = String::new();
        if self.password.is_some() {
            answer.read_line(&mut line).ok()?;
            line.clear();
        }
        answer.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line == "$-1" {
            return Some("(nil)".into());
        }
        if line.starts_with('$') {
            let mut text = String::new();
            answer.read_line(&mut text).ok()?;
            return Some(text.trim_end().to_owned());
        }
        Some(line.to_owned())
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}
