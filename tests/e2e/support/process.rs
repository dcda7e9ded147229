//! Running servers (`wafer serve`, `wasmtime serve`) on free loopback ports.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use super::client::{Reply, request};
use super::components::target_dir;

/// How long a server may take to start: components compile on first use, and
/// debug builds of the host compile slowly.
const STARTUP: Duration = Duration::from_secs(300);

/// A running server, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub(crate) url: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// `wafer serve <args> --listen 127.0.0.1:0`, waiting until it listens.
    pub(crate) fn wafer(args: &[&str]) -> Server {
        let mut command = wafer();
        command
            .arg("serve")
            .args(args)
            .args(["--listen", "127.0.0.1:0"]);
        // Stores go to a folder of the test run, never the user's data
        // directory (`--data-dir` in `args` overrides it).
        let data = tempfile::tempdir().expect("temporary folder");
        command.env("WAFER_DATA_DIR", data.path());
        remove_at_exit(data);
        Server::start(command, "wafer: listening on ")
            .unwrap_or_else(|log| panic!("wafer did not start:\n{log}"))
    }

    /// `wafer serve` of a manifest with this text, written to a temporary
    /// folder (read at start-up, so the folder goes right after).
    pub(crate) fn with_manifest(text: &str) -> Server {
        let dir = tempfile::tempdir().expect("temporary folder");
        let manifest = dir.path().join("wafer.toml");
        std::fs::write(&manifest, text).expect("write manifest");
        Server::wafer(&[manifest.to_str().expect("UTF-8 path")])
    }

    /// Starts `command` and waits for a line containing `ready` followed by the
    /// URL, on standard output or standard error.
    pub(crate) fn start(mut command: Command, ready: &'static str) -> Result<Server, String> {
        // A group of its own, so that stopping it stops what it started
        // (`spin up` runs its trigger as a child process).
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {command:?}: {e}"))?;
        kill_at_exit(child.id());
        let log = Arc::new(Mutex::new(String::new()));
        let (found, url) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        for stream in [Box::new(stdout) as Box<dyn Read + Send>, Box::new(stderr)] {
            let log = log.clone();
            let found = found.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Some(at) = line.find(ready) {
                        let rest = &line[at + ready.len()..];
                        let url = rest
                            .split_whitespace()
                            .next()
                            .unwrap_or_default()
                            .trim_end_matches('/');
                        let _ = found.send(url.to_owned());
                    }
                    let mut log = log.lock().expect("log lock");
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        drop(found);
        match url.recv_timeout(STARTUP) {
            Ok(url) => Ok(Server { child, url, log }),
            Err(_) => {
                stop(&mut child);
                let log = log.lock().expect("log lock").clone();
                Err(log)
            }
        }
    }

    /// `GET path`.
    pub(crate) fn get(&self, path: &str) -> Reply {
        self.send("GET", path, &[], b"")
    }

    /// `POST path` with a JSON body.
    pub(crate) fn post_json(&self, path: &str, body: &str) -> Reply {
        self.send(
            "POST",
            path,
            &[("content-type", "application/json")],
            body.as_bytes(),
        )
    }

    /// Any request.
    pub(crate) fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        request(method, &format!("{}{path}", self.url), headers, body)
    }

    /// The server's resident memory now, in KiB.
    pub(crate) fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server's status")
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .expect("VmRSS")
    }

    /// Everything the server logged so far.
    pub(crate) fn log(&self) -> String {
        self.log.lock().expect("log lock").clone()
    }

    /// Sends the signal `name` (`HUP`, `TERM`...) to the server.
    pub(crate) fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Sends SIGTERM and waits up to 30 s for the process to exit.
    pub(crate) fn terminate(&mut self) -> ExitStatus {
        self.signal("TERM");
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return status;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "the server did not exit after SIGTERM; its log:\n{}",
            self.log()
        )
    }

    /// Waits up to 10 s for `text` to appear in the log.
    pub(crate) fn wait_for_log(&self, text: &str) -> String {
        for _ in 0..100 {
            let log = self.log();
            if log.contains(text) {
                return log;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server never logged {text:?}; its log:\n{}", self.log())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// Kills and reaps `child`; its id may be reused from then on, so it leaves
/// the list of servers to kill at exit.
fn stop(child: &mut Child) {
    kill_group(child.id());
    let _ = child.kill();
    let _ = child.wait();
    forget_at_exit(child.id());
}

/// Servers not stopped yet, by process id. A server held in a `static` (the
/// shared examples server) is never dropped, so the test binary kills what is
/// left here when it exits rather than leave servers running after the run.
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Folders of set-ups held in a `static`, removed when the test binary exits.
static FOLDERS: Mutex<Vec<tempfile::TempDir>> = Mutex::new(Vec::new());

fn kill_at_exit(pid: u32) {
    clean_up_at_exit();
    lock(&RUNNING).push(pid);
}

fn forget_at_exit(pid: u32) {
    lock(&RUNNING).retain(|&running| running != pid);
}

/// Keeps `folder` until the test binary exits, then removes it: for a
/// set-up that lives in a `static`, which is never dropped.
pub(crate) fn remove_at_exit(folder: tempfile::TempDir) {
    clean_up_at_exit();
    lock(&FOLDERS).push(folder);
}

fn clean_up_at_exit() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // SAFETY: `clean_up` is a plain function that only uses statics.
        unsafe { libc::atexit(clean_up) };
    });
}

fn lock<T>(list: &'static Mutex<Vec<T>>) -> std::sync::MutexGuard<'static, Vec<T>> {
    // The list stays valid even if a holder panicked.
    list.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Kills the process group a server leads (its id is the server's).
fn kill_group(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: signals the group of a child this binary started and has
        // not reaped, so the id cannot belong to another process's group.
        unsafe { libc::kill(-pid, libc::SIGKILL) };
    }
}

extern "C" fn clean_up() {
    for &pid in lock(&RUNNING).iter() {
        kill_group(pid);
    }
    // Dropping a `TempDir` removes its folder.
    lock(&FOLDERS).clear();
}

/// The `wafer` binary cargo built for these tests, with a cache shared by all
/// tests of the run and plain log lines.
pub(crate) fn wafer() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wafer"));
    command
        .env("WAFER_CACHE_DIR", target_dir().join("e2e-cache"))
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1");
    command
}

/// Runs `wafer <args>` to completion (at most 5 minutes): its exit status and
/// standard error.
pub(crate) fn run_to_exit(args: &[&str]) -> (ExitStatus, String) {
    let mut child = wafer()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start wafer");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let (done, output) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        let _ = done.send(text);
    });
    let Ok(text) = output.recv_timeout(STARTUP) else {
        let _ = child.kill();
        panic!("wafer {args:?} did not exit");
    };
    (child.wait().expect("wait for wafer"), text)
}

/// Runs `wafer serve <manifest>`, which must refuse to start: its standard
/// error, which says why.
#[track_caller]
pub(crate) fn refused_start(manifest: &str) -> String {
    let (status, stderr) = run_to_exit(&["serve", manifest, "--listen", "127.0.0.1:0"]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    stderr
}

/// Runs a test tool to its end: `Ok` if it succeeded, otherwise `Err` with
/// everything it printed, for the assertion message.
pub(crate) fn run_tool(command: &mut Command) -> Result<(), String> {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("run {:?}: {e}", command.get_program()));
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
