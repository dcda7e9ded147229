//! A Python with the tools the tests use from PyPI (`openapi-spec-validator`,
//! `schemathesis`, `kubernetes-validate`, and what the digits and graphql
//! examples' FastAPI twins run on),
//! in a virtual environment under `target/tools` made on first use, or
//! `$WAFER_PYTHON` if set.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use super::components::target_dir;

/// The packages installed into the environment.
const PACKAGES: &[&str] = &[
    "openapi-spec-validator==0.7.2",
    "schemathesis==4.32.5",
    "kubernetes-validate==1.37.0",
    "fastapi==0.165.0",
    "uvicorn==0.54.0",
    "onnxruntime==1.31.1",
    "numpy==2.4.6",
    "strawberry-graphql==0.341.2",
];

/// The environment's `python`.
pub(crate) fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            if let Some(python) = std::env::var_os("WAFER_PYTHON") {
                return PathBuf::from(python);
            }
            let venv = target_dir().join("tools/python");
            let python = venv.join("bin/python");
            let marker = venv.join(".installed");
            let installed = std::fs::read_to_string(&marker).unwrap_or_default();
            if installed != PACKAGES.join("\n") {
                let status = Command::new("python3")
                    .args(["-m", "venv"])
                    .arg(&venv)
                    .status()
                    .expect("run python3 -m venv");
                assert!(
                    status.success(),
                    "cannot create a virtual environment in {}",
                    venv.display()
                );
                let status = Command::new(&python)
                    .args(["-m", "pip", "install", "--quiet"])
                    .args(PACKAGES)
                    .status()
                    .expect("run pip");
                assert!(status.success(), "cannot install {PACKAGES:?} from PyPI");
                std::fs::write(&marker, PACKAGES.join("\n")).expect("write marker");
            }
            python
        })
        .clone()
}

/// Validates an OpenAPI document with `openapi-spec-validator`; the error is
/// the validator's report.
pub(crate) fn validate_openapi(document: &serde_json::Value) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, document.to_string()).expect("write document");
    super::run_tool(
        Command::new(python())
            .args(["-m", "openapi_spec_validator"])
            .arg(&file),
    )
}
