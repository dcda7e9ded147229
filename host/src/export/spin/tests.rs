use std::collections::BTreeMap;
use std::path::Path;

use super::*;

fn manifest(text: &str) -> Manifest {
    Manifest::parse(text, Path::new("/app/wafer.toml"), Path::new("/app")).expect("a manifest")
}

fn folders() -> Folders<'static> {
    Folders {
        manifest: Path::new("/app"),
        output: Path::new("/app/spin-export"),
    }
}

const GATEWAY: &str = r#"
[docs]
title = "My Gateway"
description = "Calls upstream."

[variables]
api_key = { required = true, secret = true }
region = { default = "eu" }

[[component]]
name = "gateway_v2"
description = "Passes requests on."
route = "/gateway/..."
source = "target/wasm32-wasip2/release/gateway.wasm"
build = "cargo build --target wasm32-wasip2 --release"
environment = { UPSTREAM = "http://127.0.0.1:8090" }
allowed_outbound_hosts = ["http://127.0.0.1:8090", "https://*.example.com"]
key_value_stores = ["default", "cache"]
config = { key = "{{ api_key }}", where = "region {{ region }}" }

[[component]]
name = "hello"
route = "/hello"
source = "../elsewhere/hello.wasm"
"#;

#[test]
fn components_carry_over_field_for_field() {
    let app = export(&manifest(GATEWAY), &folders(), &BTreeMap::new()).expect("exported");
    let spin: toml::Table = app.manifest.parse().expect("spin.toml is TOML");
    assert_eq!(spin["spin_manifest_version"].as_integer(), Some(2));
    assert_eq!(spin["application"]["name"].as_str(), Some("my-gateway"));
    assert_eq!(
        spin["application"]["description"].as_str(),
        Some("Calls upstream.")
    );
    assert_eq!(
        spin["variables"]["api_key"],
        toml::Value::Table(toml::toml! { required = true
        secret = true })
    );
    assert_eq!(spin["variables"]["region"]["default"].as_str(), Some("eu"));
    let triggers = spin["trigger"]["http"].as_array().expect("triggers");
    let routes: Vec<(&str, &str)> = triggers
        .iter()
        .map(|t| {
            (
                t["route"].as_str().unwrap_or(""),
                t["component"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        routes,
        [("/gateway/...", "gateway-v2"), ("/hello", "hello")]
    );
    let gateway = &spin["component"]["gateway-v2"];
    assert_eq!(
        gateway["source"].as_str(),
        Some("../target/wasm32-wasip2/release/gateway.wasm")
    );
    assert_eq!(
        gateway["allowed_outbound_hosts"],
        toml::Value::Array(vec![
            "http://127.0.0.1:8090".into(),
            "https://*.example.com:443".into()
        ])
    );
    assert_eq!(
        gateway["environment"]["UPSTREAM"].as_str(),
        Some("http://127.0.0.1:8090")
    );
    assert_eq!(
        gateway["key_value_stores"],
        toml::Value::Array(vec!["default".into(), "cache".into()])
    );
    assert_eq!(gateway["variables"]["key"].as_str(), Some("{{ api_key }}"));
    assert_eq!(
        gateway["variables"]["where"].as_str(),
        Some("region {{ region }}")
    );
    assert_eq!(gateway["build"]["workdir"].as_str(), Some(".."));
    assert_eq!(
        spin["component"]["hello"]["source"].as_str(),
        Some("../../elsewhere/hello.wasm")
    );
    // Spin's default store needs nothing; "cache", embedded here, is Spin's
    // SQLite there.
    assert_eq!(
        app.runtime_config.as_deref(),
        Some("[key_value_store.cache]\ntype = \"spin\"\n\n")
    );
    assert!(!app.runtime_config_is_secret);
    let notes = app.notes.join("\n");
    assert!(notes.contains("[docs]"), "{notes}");
    assert!(notes.contains("SPIN_VARIABLE_"), "{notes}");
    assert!(!notes.contains("[auth]"), "{notes}");
}

#[test]
fn a_redis_url_is_rendered_and_its_secret_is_said() {
    let text = r#"
[variables]
redis_password = { required = true, secret = true }

[key_value_store.default]
type = "redis"
url = "redis://:{{ redis_password }}@10.0.0.5:6379/1"

[[component]]
name = "todos"
route = "/todos/..."
source = "todos.wasm"
key_value_stores = ["default"]
limits = { cpu_ms = 100 }
"#;
    let values = BTreeMap::from([("redis_password".to_owned(), "s3cret".to_owned())]);
    let app = export(&manifest(text), &folders(), &values).expect("exported");
    assert_eq!(
        app.runtime_config.as_deref(),
        Some(
            "[key_value_store.default]\ntype = \"redis\"\nurl = \"redis://:s3cret@10.0.0.5:6379/1\"\n\n"
        )
    );
    assert!(app.runtime_config_is_secret);
    assert!(app.notes.iter().any(|note| note.starts_with("limits:")));
    assert!(
        !app.notes
            .iter()
            .any(|note| note.starts_with("[key_value_store]"))
    );

    let missing = export(&manifest(text), &folders(), &BTreeMap::new()).expect_err("no value");
    assert!(
        missing.contains("key_value_store.default.url")
            && missing.contains("WAFER_VARIABLE_REDIS_PASSWORD"),
        "{missing}"
    );
}

#[test]
fn what_spin_cannot_do_is_said() {
    let text = r#"
[auth.schemes.oauth2]
issued_here = true

[auth.token_endpoint]
path = "/token"
users = "users.toml"

[rate_limits]
requests_per_second = 10

[[component]]
name = "account"
route = "/account/..."
source = "auth.wasm"
"#;
    let app = export(&manifest(text), &folders(), &BTreeMap::new());
    let notes = app.map(|app| app.notes.join("\n")).unwrap_or_else(|e| e);
    assert!(notes.contains("[auth]: Spin has no edge gate"), "{notes}");
    assert!(notes.contains("limits:"), "{notes}");
}

#[test]
fn names_that_become_one_spin_id_are_refused() {
    let text = r#"
[[component]]
name = "a_b"
route = "/a"
source = "a.wasm"

[[component]]
name = "A-b"
route = "/b"
source = "b.wasm"
"#;
    let error = export(&manifest(text), &folders(), &BTreeMap::new()).expect_err("a clash");
    assert!(error.contains("both become Spin's \"a-b\""), "{error}");
    assert_eq!(kebab("9lives"), None);
    assert_eq!(kebab("Hello__World"), Some("hello-world".to_owned()));
}

#[test]
fn paths_are_relative_to_the_spin_manifest() {
    assert_eq!(
        relative(Path::new("/a/b/c.wasm"), Path::new("/a/out")),
        Path::new("../b/c.wasm")
    );
    assert_eq!(relative(Path::new("/a"), Path::new("/a")), Path::new("."));
    assert_eq!(
        relative(Path::new("/a/x/../y.wasm"), Path::new("/a/./o")),
        Path::new("../y.wasm")
    );
}

#[test]
fn pre_initialized_components_are_named_in_a_note() {
    let text = r#"
[[component]]
name = "digits"
route = "/digits/..."
source = "digits.wasm"
pre_initialize = true

[[component]]
name = "hello"
route = "/hello"
source = "hello.wasm"
"#;
    let app = export(&manifest(text), &folders(), &BTreeMap::new()).expect("exported");
    let notes: Vec<&String> = app
        .notes
        .iter()
        .filter(|note| note.starts_with("pre_initialize"))
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", app.notes);
    assert!(
        notes[0].starts_with("pre_initialize (digits): "),
        "{}",
        notes[0]
    );
}
