//! `[variables]` and a component's `config`, read by the SDK's `Settings`
//! through `wasi:config`.

use crate::support::process::wafer;
use crate::support::{Server, run_to_exit, wasm};

/// faulty with `config` built from `variables`.
fn manifest(folder: &std::path::Path, variables: &str, config: &str) -> String {
    let path = folder.join("wafer.toml");
    std::fs::write(
        &path,
        format!(
            "[variables]\n{variables}\n\n[[component]]\nname = \"faulty\"\nroute = \"/faulty/...\"\n\
             source = {:?}\nconfig = {{ {config} }}\n",
            wasm("faulty"),
        ),
    )
    .expect("write manifest");
    path.display().to_string()
}

#[test]
fn config_is_rendered_from_variables_and_the_environment() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let manifest = manifest(
        folder.path(),
        "word = { default = \"hi\" }\ncount = { required = true, secret = true }",
        "greeting = \"{{ word }}!\", times = \"{{ count }}\"",
    );
    let mut command = wafer();
    command
        .args(["serve", &manifest, "--listen", "127.0.0.1:0"])
        .env("WAFER_VARIABLE_COUNT", "3");
    let server = Server::start(command, "wafer: listening on ").expect("start");
    let reply = server.get("/faulty/settings");
    assert_eq!((reply.status, reply.body.as_str()), (200, "hi! hi! hi!"));
    assert!(!server.log().contains("hi!"), "a config value was logged");
}

#[test]
fn a_required_variable_without_a_value_stops_the_start() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let manifest = manifest(
        folder.path(),
        "count = { required = true }",
        "greeting = \"hi\", times = \"{{ count }}\"",
    );
    let (status, log) = run_to_exit(&["serve", &manifest, "--listen", "127.0.0.1:0"]);
    assert!(!status.success());
    assert!(log.contains("WAFER_VARIABLE_COUNT"), "{log}");
    let undeclared = manifest_text_error(folder.path(), "", "greeting = \"{{ nope }}\"");
    assert!(
        undeclared.contains("config.greeting") && undeclared.contains("[variables]"),
        "{undeclared}"
    );
}

fn manifest_text_error(folder: &std::path::Path, variables: &str, config: &str) -> String {
    let manifest = manifest(folder, variables, config);
    let (status, log) = run_to_exit(&["serve", &manifest, "--listen", "127.0.0.1:0"]);
    assert!(!status.success());
    log
}

#[test]
fn config_that_does_not_convert_is_a_500_naming_the_key() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let manifest = manifest(
        folder.path(),
        "word = { default = \"hi\" }",
        "greeting = \"{{ word }}\", times = \"many\"",
    );
    let server = Server::wafer(&[&manifest]);
    let reply = server.get("/faulty/settings");
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (500, r#"{"detail":"Internal Server Error"}"#)
    );
    server.wait_for_log("config.times");
    assert_eq!(server.get("/faulty/ok").body, "ok");
}

/// `--variables-file`: values between the environment's and the defaults,
/// read again on SIGHUP; a name in it the manifest does not declare stops
/// the start, naming the file and the name.
#[test]
fn a_variables_file_gives_values_and_is_read_again_on_reload() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let manifest = manifest(
        folder.path(),
        "word = { default = \"hi\" }\ncount = { required = true, secret = true }",
        "greeting = \"{{ word }}\", times = \"{{ count }}\"",
    );
    let variables = folder.path().join("vars.toml");
    std::fs::write(&variables, "word = \"yo\"\ncount = 2\n").expect("write");
    let variables = variables.to_str().expect("UTF-8 path");
    let server = Server::wafer(&[&manifest, "--variables-file", variables]);
    assert_eq!(server.get("/faulty/settings").body, "yo yo");
    server.wait_for_log("may hold secrets and other users can read it: chmod 600 it");

    std::fs::write(variables, "count = 3\n").expect("write");
    server.signal("HUP");
    server.wait_for_log("reloaded");
    assert_eq!(server.get("/faulty/settings").body, "hi hi hi");

    // A typo is refused by a reload, and the old values keep serving.
    std::fs::write(variables, "cuont = 4\n").expect("write");
    server.signal("HUP");
    server.wait_for_log("\"cuont\" is not a variable of the manifest");
    assert_eq!(server.get("/faulty/settings").body, "hi hi hi");
    let (status, log) = run_to_exit(&["serve", &manifest, "--variables-file", variables]);
    assert!(!status.success());
    assert!(
        log.contains(&format!("{variables}: \"cuont\" is not a variable")),
        "{log}"
    );
}
