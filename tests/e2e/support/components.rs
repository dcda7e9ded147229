//! Building the components under test, once per test run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The components the tests use, built together.
const COMPONENTS: [&str; 12] = [
    "hello", "items", "auth", "gateway", "todos", "digits", "graphql", "shop", "faulty", "plain",
    "echo", "kvdraft",
];

/// The workspace root.
pub(crate) fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the host crate lives in the workspace")
}

/// The folder cargo builds into.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

/// The path of a built component, building all of them on first use.
pub(crate) fn wasm(name: &str) -> PathBuf {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    assert!(COMPONENTS.contains(&name), "unknown test component {name}");
    let built = BUILT.get_or_init(|| {
        let mut command = Command::new(cargo());
        command
            .current_dir(workspace())
            .args(["build", "--target", "wasm32-wasip2", "--release"]);
        for component in COMPONENTS {
            command.args(["-p", component]);
        }
        let status = command
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("building the test components failed: {status}"))
        }
    });
    if let Err(error) = built {
        panic!("{error}");
    }
    target_dir()
        .join("wasm32-wasip2/release")
        .join(format!("{name}.wasm"))
}

/// The cargo running these tests.
pub(crate) fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}
