//! Every start-up problem is a clear error naming the file and cause, and a
//! non-zero exit.

use std::path::Path;

use crate::support::run_to_exit;

fn serve_error(target: &Path) -> String {
    let (status, stderr) = run_to_exit(&["serve", target.to_str().expect("UTF-8 path")]);
    assert!(
        !status.success(),
        "wafer should refuse {}; it logged:\n{stderr}",
        target.display()
    );
    assert_eq!(status.code(), Some(1));
    stderr
}

fn manifest_with(dir: &Path, source: &str) -> std::path::PathBuf {
    let manifest = dir.join("wafer.toml");
    std::fs::write(
        &manifest,
        format!("[[component]]\nname = \"app\"\nroute = \"/...\"\nsource = {source:?}\n"),
    )
    .expect("write manifest");
    manifest
}

#[test]
fn missing_component_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let manifest = manifest_with(dir.path(), "ghost.wasm");
    let stderr = serve_error(&manifest);
    let expected = format!(
        "error: component \"app\": cannot read {}",
        dir.path().join("ghost.wasm").display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
}

#[test]
fn files_that_are_not_components() {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (file, bytes, reason) in [
        (
            "module.wasm",
            &b"\0asm\x01\0\0\0"[..],
            "a core WebAssembly module, not a component: build it with `--target wasm32-wasip2`",
        ),
        ("text.wasm", &b"hello, world"[..], "not a WebAssembly file"),
        // A valid, empty component: it has no HTTP handler.
        (
            "empty.wasm",
            &b"\0asm\x0d\0\x01\0"[..],
            "it does not export wasi:http/incoming-handler",
        ),
    ] {
        std::fs::write(dir.path().join(file), bytes).expect("write file");
        let stderr = serve_error(&manifest_with(dir.path(), file));
        assert!(stderr.contains("error: component \"app\": "), "{stderr}");
        assert!(stderr.contains(file), "names the file: {stderr}");
        assert!(stderr.contains(reason), "says why ({reason}): {stderr}");
    }
}

#[test]
fn manifest_errors_name_the_field() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let manifest = dir.path().join("wafer.toml");
    for (text, expected) in [
        (
            "[[component]]\nname = \"a\"\nroute = \"/\"\nsorce = \"a.wasm\"\n",
            "unknown field `sorce`",
        ),
        (
            "[[component]]\nname = \"a\"\nroute = \"items\"\nsource = \"a.wasm\"\n",
            "`component[0].route`: \"items\" must start with '/'",
        ),
        (
            "[server]\nlisten = \"everywhere\"\n",
            "`server.listen`: \"everywhere\" is not an address",
        ),
    ] {
        std::fs::write(&manifest, text).expect("write manifest");
        let stderr = serve_error(&manifest);
        assert!(
            stderr.contains(&manifest.display().to_string()),
            "names the file: {stderr}"
        );
        assert!(
            stderr.contains(expected),
            "expected {expected:?} in: {stderr}"
        );
    }
    let stderr = serve_error(&dir.path().join("missing.toml"));
    assert!(
        stderr.contains("cannot read") && stderr.contains("missing.toml"),
        "{stderr}"
    );
}

/// A start that compiles shows a progress bar on a terminal (here the
/// pseudo-terminal of util-linux's `script`), and none where standard error
/// is not one.
#[test]
fn compiling_at_start_shows_progress_on_a_terminal_only() {
    let Ok(script) = which("script") else {
        eprintln!("skipped: util-linux's `script` is not installed");
        return;
    };
    let hello = crate::support::wasm("hello");
    let command_line = format!(
        "{} serve --no-cache {} --listen 127.0.0.1:0",
        env!("CARGO_BIN_EXE_wafer"),
        hello.display()
    );
    let mut command = std::process::Command::new(script);
    command.args(["-qefc", &command_line, "/dev/null"]);
    let on_terminal = crate::support::Server::start(command, "wafer: listening on ")
        .unwrap_or_else(|log| panic!("wafer did not start:\n{log}"));
    let shown = on_terminal.log();
    assert!(
        shown.contains("compiling components"),
        "no progress bar:\n{shown}"
    );
    assert_eq!(on_terminal.get("/hello").status, 200);

    let mut plain = crate::support::process::wafer();
    plain
        .args(["serve", "--no-cache"])
        .arg(&hello)
        .args(["--listen", "127.0.0.1:0"]);
    let off_terminal = crate::support::Server::start(plain, "wafer: listening on ")
        .unwrap_or_else(|log| panic!("wafer did not start:\n{log}"));
    assert!(!off_terminal.log().contains("compiling components"));
}

/// The path of `program` on `PATH`.
fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|folder| folder.join(program))
        .find(|path| path.is_file())
        .ok_or(())
}
