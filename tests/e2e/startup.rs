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
