//! `wafer openapi` reads a component's document from its `wafer:app/metadata`
//! export; the documents are valid OpenAPI 3.1 and match the examples' golden
//! files.

use serde_json::Value;

use crate::support::process::wafer;
use crate::support::python::validate_openapi;
use crate::support::{wasm, workspace};

fn wafer_openapi(component: &str) -> (bool, String, String) {
    let output = wafer()
        .arg("openapi")
        .arg(wasm(component))
        .output()
        .expect("run wafer openapi");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn prints_each_examples_document_which_is_valid_openapi() {
    for example in ["hello", "items", "digits", "graphql"] {
        let (ok, stdout, stderr) = wafer_openapi(example);
        assert!(ok, "wafer openapi {example} failed: {stderr}");
        let printed: Value = serde_json::from_str(&stdout).expect("the document is JSON");
        let golden_path = workspace()
            .join("examples")
            .join(example)
            .join("openapi.json");
        let golden: Value = serde_json::from_str(
            &std::fs::read_to_string(&golden_path).expect("read the golden file"),
        )
        .expect("the golden file is JSON");
        assert_eq!(
            printed,
            golden,
            "{example}: the export and {} differ",
            golden_path.display()
        );
        assert_eq!(printed["openapi"], "3.1.0");
        if let Err(report) = validate_openapi(&printed) {
            panic!("{example}'s document is not valid OpenAPI:\n{report}");
        }
    }
}

#[test]
fn the_validator_catches_an_invalid_document() {
    let invalid = serde_json::json!({"openapi": "3.1.0", "info": {"title": "x"}, "paths": {"/x": {"get": {"responses": 5}}}});
    assert!(validate_openapi(&invalid).is_err());
}

#[test]
fn a_component_without_the_metadata_export_is_a_clear_error() {
    let (ok, stdout, stderr) = wafer_openapi("plain");
    assert!(!ok, "expected a failure, printed:\n{stdout}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("component \"plain\"")
            && stderr.contains("plain.wasm")
            && stderr.contains("does not export wafer:app/metadata@0.1.0"),
        "{stderr}"
    );
}
