//! The Kubernetes manifests of `deploy/` pass a strict schema check (the one
//! `deploy/check.py` makes, which refuses what the API server would), and the
//! check can fail.

use std::process::Command;

use crate::support::python::python;
use crate::support::workspace;

/// `deploy/check.py FILES`: whether it passed, and what it printed.
fn check(files: &[&std::path::Path]) -> (bool, String) {
    let output = Command::new(python())
        .arg(workspace().join("deploy/check.py"))
        .args(files)
        .output()
        .expect("run deploy/check.py");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

#[test]
fn the_kubernetes_manifests_pass_a_strict_schema_check() {
    let (passed, said) = check(&[]);
    assert!(passed, "{said}");
    for resource in [
        "SpinApp/wafer-examples",
        "Deployment/wafer",
        "Service/wafer",
        "PodDisruptionBudget/wafer",
        "Secret/wafer-redis",
        "Deployment/wafer-redis",
        "Service/wafer-redis",
    ] {
        assert!(
            said.contains(&format!(": {resource}")),
            "{resource} was not checked: {said}"
        );
    }
}

#[test]
fn a_mistake_in_a_manifest_is_named() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let read = |path: &str| std::fs::read_to_string(workspace().join(path)).expect("read");
    let typo = folder.path().join("typo.yaml");
    std::fs::write(
        &typo,
        read("deploy/wafer/hosts.yaml").replace("replicas: 2", "replica: 2"),
    )
    .expect("write");
    let (passed, said) = check(&[&typo]);
    assert!(!passed);
    assert!(said.contains("Deployment/wafer: spec: Additional properties are not allowed ('replica' was unexpected)"), "{said}");

    let wrong_type = folder.path().join("spinapp.yaml");
    std::fs::write(
        &wrong_type,
        read("deploy/spinkube/spinapp.yaml").replace("replicas: 2", "replicas: two"),
    )
    .expect("write");
    let (passed, said) = check(&[&wrong_type]);
    assert!(!passed);
    assert!(
        said.contains("SpinApp/wafer-examples: spec.replicas: 'two' is not of type 'integer'"),
        "{said}"
    );

    let unknown = folder.path().join("unknown.yaml");
    std::fs::write(
        &unknown,
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
    )
    .expect("write");
    let (passed, said) = check(&[&unknown]);
    assert!(!passed);
    assert!(
        said.contains("Couldn't find schema for kind Widget"),
        "{said}"
    );
}
