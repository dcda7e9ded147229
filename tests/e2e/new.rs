//! The developer loop as a user meets it: `wafer new` makes a project in a
//! folder outside this repository, which builds and passes its own tests;
//! `wafer serve --build` serves it; `wafer dev` rebuilds it as it is edited.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::components::{cargo, target_dir};
use crate::support::upstream::Upstream;
use crate::support::{Server, run_tool, workspace};

/// How long `wafer dev` may take from a saved edit to serving it: a release
/// build of the changed crate (about 4 s here) and the debug-built test
/// host's compiling the new component (about 16 s on two cores; a release
/// host serves the edit 4.6–5.5 s after it is saved, build included).
const DEV_BOUND: Duration = Duration::from_secs(90);

/// A project made by `wafer new NAME --template TEMPLATE` in a temporary
/// folder, which the returned guard removes.
struct Project {
    folder: PathBuf,
    _parent: tempfile::TempDir,
}

impl Project {
    fn new(template: &str) -> Project {
        let parent = tempfile::tempdir().expect("temporary folder");
        let folder = parent.path().join(format!("my-{template}"));
        let output = toolchain(Command::new(env!("CARGO_BIN_EXE_wafer")))
            .args(["new", "--template", template])
            .arg(&folder)
            .output()
            .expect("run wafer new");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "wafer new failed: {}{stdout}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stdout.contains("wafer serve --build wafer.toml"),
            "{stdout}"
        );
        // The project's own `target` is the workspace's, and its lock file the
        // workspace's, so that what the workspace built is not built again
        // (cargo drops the lock's entries the project does not use).
        std::os::unix::fs::symlink(target_dir(), folder.join("target")).expect("link target");
        std::fs::copy(workspace().join("Cargo.lock"), folder.join("Cargo.lock"))
            .expect("copy Cargo.lock");
        Project {
            folder,
            _parent: parent,
        }
    }

    /// `cargo ARGS` in the project.
    fn cargo(&self, args: &[&str]) -> Result<(), String> {
        run_tool(
            toolchain(Command::new(cargo()))
                .current_dir(&self.folder)
                .env_remove("CARGO_TARGET_DIR")
                .args(args),
        )
    }

    /// `wafer SUBCOMMAND ... --listen 127.0.0.1:0` in the project, once it
    /// listens.
    fn wafer(&self, args: &[&str]) -> Server {
        let mut command = toolchain(crate::support::process::wafer());
        let data = tempfile::tempdir().expect("temporary folder");
        command
            .current_dir(&self.folder)
            .env_remove("CARGO_TARGET_DIR")
            .env("WAFER_DATA_DIR", data.path())
            .args(args)
            .args(["--listen", "127.0.0.1:0"]);
        crate::support::process::remove_at_exit(data);
        Server::start(command, "wafer: listening on ")
            .unwrap_or_else(|log| panic!("wafer {args:?} did not start:\n{log}"))
    }

    fn edit(&self, path: &str, edit: impl FnOnce(String) -> String) {
        let path = self.folder.join(path);
        let text = std::fs::read_to_string(&path).expect("read a source");
        std::fs::write(&path, edit(text)).expect("write a source");
    }
}

/// `command` with the workspace's toolchain (which has the wasm target), so
/// that a machine's other default does not decide.
fn toolchain(mut command: Command) -> Command {
    let pinned = std::fs::read_to_string(workspace().join("rust-toolchain.toml"))
        .expect("rust-toolchain.toml");
    let channel = pinned
        .lines()
        .find_map(|line| line.strip_prefix("channel = "))
        .map(|value| value.trim().trim_matches('"').to_owned())
        .expect("a channel");
    command.env("RUSTUP_TOOLCHAIN", channel);
    command
}

#[test]
fn the_api_template_builds_tests_serves_and_reloads_as_it_is_edited() {
    let project = Project::new("api");
    project
        .cargo(&["test", "--quiet"])
        .expect("its own tests pass");
    let server = project.wafer(&["serve", "--build", "wafer.toml"]);
    let hello = server.get("/hello/ann");
    assert_eq!(
        (hello.status, hello.body.as_str()),
        (200, r#"{"message":"hello, ann"}"#)
    );
    let invalid = server.get("/items/abc");
    assert_eq!(invalid.status, 422);
    assert_eq!(invalid.json()["detail"][0]["type"], "int_parsing");
    assert_eq!(
        server.get("/openapi.json").json()["info"]["title"],
        "My Api"
    );
    drop(server);

    let mut dev = project.wafer(&["dev"]);
    project.edit("src/lib.rs", |text| {
        text.replace("\"hello, {}\"", "\"hi, {}\"")
    });
    let saved = Instant::now();
    let answer = wait_for(&dev, "/hello/ann", |reply| {
        reply.status == 200 && reply.body.contains("hi, ann")
    });
    eprintln!(
        "wafer dev served the edit {:?} after it was saved",
        saved.elapsed()
    );
    assert_eq!(answer.body, r#"{"message":"hi, ann"}"#);

    // A broken edit: the error on the component's routes and in the log,
    // everything else served as before.
    project.edit("src/lib.rs", |text| {
        text + "\nfn broken() -> u32 { \"not a number\" }\n"
    });
    let failed = wait_for(&dev, "/hello/ann", |reply| reply.status == 503);
    assert_eq!(
        failed.json(),
        json!({"detail": "build failed: error[E0308]: mismatched types"})
    );
    assert_eq!(dev.get("/openapi.json").status, 200);
    assert!(
        dev.log().contains("still serving the last good build"),
        "{}",
        dev.log()
    );
    project.edit("src/lib.rs", |text| {
        text.replace("\nfn broken() -> u32 { \"not a number\" }\n", "")
    });
    let fixed = wait_for(&dev, "/hello/ann", |reply| reply.status == 200);
    assert_eq!(fixed.body, r#"{"message":"hi, ann"}"#);

    // Stopped in the middle of a build, it leaves nothing running.
    project.edit("src/lib.rs", |text| {
        text.replace("\"hi, {}\"", "\"hey, {}\"")
    });
    dev.wait_for_log("sources changed: building");
    assert!(dev.terminate().success());
    std::thread::sleep(Duration::from_millis(500));
    let left = processes_in(&project.folder);
    assert!(
        left.is_empty(),
        "still running after wafer dev stopped: {left:?}"
    );
}

#[test]
fn the_gateway_template_calls_its_upstream() {
    let upstream = Upstream::start();
    let project = Project::new("gateway");
    project
        .cargo(&["test", "--quiet"])
        .expect("its own tests pass");
    project.edit("wafer.toml", |text| {
        text.replace("http://127.0.0.1:8090", &upstream.url)
    });
    let server = project.wafer(&["serve", "--build", "wafer.toml"]);
    let started = Instant::now();
    let fanout = server.get("/fanout?paths=/delay/300,/delay/300,/delay/300");
    assert_eq!(fanout.status, 200, "{}", fanout.body);
    let one = json!({"status": 200, "body": {"delay_ms": 300}});
    assert_eq!(fanout.json()["results"], json!([one, one, one]));
    assert!(
        started.elapsed() < Duration::from_millis(800),
        "not at once"
    );
    let echo = server.post_json("/echo", r#"{"a":1}"#);
    assert_eq!((echo.status, echo.body.as_str()), (200, r#"{"a":1}"#));
    assert_eq!(server.get("/fetch?path=http://evil.example").status, 422);
}

#[test]
fn the_todos_template_keeps_todos_in_a_store() {
    let project = Project::new("todos");
    project
        .cargo(&["test", "--quiet"])
        .expect("its own tests pass");
    let server = project.wafer(&["serve", "--build", "wafer.toml"]);
    let created = server.post_json("/todos", r#"{"title":"milk"}"#);
    assert_eq!(
        (created.status, created.body.as_str()),
        (201, r#"{"id":1,"title":"milk","done":false}"#)
    );
    assert_eq!(
        server.get("/todos").body,
        r#"[{"id":1,"title":"milk","done":false}]"#
    );
}

#[test]
fn wafer_new_refuses_what_it_cannot_do() {
    let parent = tempfile::tempdir().expect("temporary folder");
    let run = |args: &[&str]| {
        let output = toolchain(Command::new(env!("CARGO_BIN_EXE_wafer")))
            .current_dir(parent.path())
            .arg("new")
            .args(args)
            .output()
            .expect("run wafer new");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    std::fs::create_dir(parent.path().join("taken")).expect("a folder");
    std::fs::write(parent.path().join("taken/keep.txt"), "mine").expect("a file");
    let (code, stderr) = run(&["taken"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("taken exists"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(parent.path().join("taken/keep.txt"))
            .ok()
            .as_deref(),
        Some("mine")
    );
    let (code, stderr) = run(&["1st"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("cannot be a package name"), "{stderr}");
    let (code, stderr) = run(&["x", "--template", "nope"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("possible values: api, gateway, todos"),
        "{stderr}"
    );
    let (code, stderr) = run(&["y", "--sdk-path", "/nonexistent"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no Wafer SDK at /nonexistent"), "{stderr}");
    // A toolchain without the wasm target: a sysroot of its own.
    let fake = parent.path().join("rustc");
    std::fs::write(&fake, "#!/bin/sh\necho /nonexistent-sysroot\n").expect("a fake rustc");
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let path = format!(
        "{}:{}",
        parent.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new(env!("CARGO_BIN_EXE_wafer"))
        .current_dir(parent.path())
        .env("PATH", path)
        .args(["new", "z"])
        .output()
        .expect("run wafer new");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("run `rustup target add wasm32-wasip2`"),
        "{stderr}"
    );
    assert!(!parent.path().join("z").exists());
}

/// Polls `path` until `done` holds for its answer, for at most [`DEV_BOUND`].
fn wait_for(
    server: &Server,
    path: &str,
    done: impl Fn(&crate::support::Reply) -> bool,
) -> crate::support::Reply {
    let started = Instant::now();
    loop {
        let reply = server.get(path);
        if done(&reply) {
            return reply;
        }
        assert!(
            started.elapsed() < DEV_BOUND,
            "{path} still answers {} {} after {DEV_BOUND:?}; the log:\n{}",
            reply.status,
            reply.body,
            server.log()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The processes whose working folder is `folder` or below it.
fn processes_in(folder: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter(|entry| {
            std::fs::read_link(entry.path().join("cwd")).is_ok_and(|cwd| cwd.starts_with(folder))
        })
        .map(|entry| {
            std::fs::read_to_string(entry.path().join("cmdline"))
                .unwrap_or_default()
                .replace('\0', " ")
        })
        .collect()
}

/// `wafer build`: a line per component with its size, a summary, and on a
/// failure the build's own error and exit status 1.
#[test]
fn wafer_build_reports_each_component_and_fails_with_the_builds_error() {
    let hello = crate::support::wasm("hello");
    let folder = tempfile::tempdir().expect("temporary folder");
    let manifest = folder.path().join("wafer.toml");
    let component = |name: &str, build: &str| {
        format!(
            "[[component]]\nname = \"{name}\"\nroute = \"/{name}\"\nsource = {hello:?}\nbuild = {build:?}\n\n"
        )
    };
    std::fs::write(
        &manifest,
        component("first", "true") + &component("second", "true"),
    )
    .expect("write");
    let (status, said) = crate::support::run_to_exit(&["build", manifest.to_str().expect("UTF-8")]);
    assert!(status.success(), "{said}");
    for name in ["first", "second"] {
        assert!(said.contains(&format!("building {name}\n")), "{said}");
        assert!(said.contains(&format!("   built {name} in ")), "{said}");
    }
    let size = format!("{} (", hello.display());
    assert!(
        said.contains(&size) && said.contains("iB)\n"),
        "no size: {said}"
    );
    assert!(said.contains("built 2 components in "), "{said}");

    let broken = "echo 'error[E0425]: cannot find value `x` in this scope' >&2; exit 101";
    std::fs::write(
        &manifest,
        component("first", "true") + &component("second", broken),
    )
    .expect("write");
    let (status, said) = crate::support::run_to_exit(&["build", manifest.to_str().expect("UTF-8")]);
    assert_eq!(status.code(), Some(1), "{said}");
    assert!(
        said.contains("error[E0425]: cannot find value `x` in this scope\n"),
        "{said}"
    );
    assert!(
        said.contains("error: component \"second\": the build failed after ")
            && said.ends_with(": error[E0425]: cannot find value `x` in this scope\n"),
        "{said}"
    );
}
