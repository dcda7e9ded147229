//! The manifest's validation, field by field.
use super::*;

fn parse(text: &str) -> Result<Manifest, ManifestError> {
    Manifest::parse(text, Path::new("wafer.toml"), Path::new("/apps"))
}

fn error(text: &str) -> String {
    parse(text)
        .expect_err("manifest should be refused")
        .to_string()
}

#[test]
fn reads_components_and_resolves_sources() {
    let manifest = parse(
        r#"
        [server]
        listen = "127.0.0.1:9000"

        [[component]]
        name = "hello"
        route = "/hello/..."
        source = "hello.wasm"
        build = "cargo build"

        [[component]]
        name = "items"
        route = "/items"
        source = "/abs/items.wasm"
        "#,
    )
    .expect("valid manifest");
    assert_eq!(
        manifest.listen,
        Some("127.0.0.1:9000".parse().expect("address"))
    );
    assert_eq!(manifest.components.len(), 2);
    assert_eq!(manifest.components[0].source, Path::new("/apps/hello.wasm"));
    assert_eq!(manifest.components[0].build.as_deref(), Some("cargo build"));
    assert_eq!(manifest.components[1].source, Path::new("/abs/items.wasm"));
    assert_eq!(manifest.components[1].build, None);
}

#[test]
fn errors_name_the_file_and_field() {
    assert_eq!(
        error("[[component]]\nname = \"a b\"\nroute = \"/\"\nsource = \"a.wasm\"\n"),
        "wafer.toml: `component[0].name`: \"a b\" is not a valid name: use letters, digits, '-' and '_'"
    );
    assert_eq!(
        error("[[component]]\nname = \"a\"\nroute = \"x\"\nsource = \"a.wasm\"\n"),
        "wafer.toml: `component[0].route`: \"x\" must start with '/'"
    );
    assert_eq!(
        error(
            "[server]\nlisten = \"localhost\"\n[[component]]\nname = \"a\"\nroute = \"/\"\nsource = \"a.wasm\"\n"
        ),
        "wafer.toml: `server.listen`: \"localhost\" is not an address; write it as \"127.0.0.1:8080\""
    );
    assert!(error("").contains("`component`: no components"));
    let duplicate = "[[component]]\nname = \"a\"\nroute = \"/x/...\"\nsource = \"a.wasm\"\n\
                     [[component]]\nname = \"b\"\nroute = \"/x/...\"\nsource = \"b.wasm\"\n";
    assert_eq!(
        error(duplicate),
        "wafer.toml: `component[1].route`: \"/x/...\" is also the route of component \"a\""
    );
    let same_name = duplicate.replace("name = \"b\"", "name = \"a\"");
    assert!(error(&same_name).contains("`component[1].name`: \"a\" is used by another component"));
}

#[test]
fn unknown_and_missing_fields_are_named() {
    let unknown = error("[[component]]\nname = \"a\"\nroute = \"/\"\nsorce = \"a.wasm\"\n");
    assert!(unknown.starts_with("wafer.toml: "), "{unknown}");
    assert!(unknown.contains("unknown field `sorce`"), "{unknown}");
    let missing = error("[[component]]\nname = \"a\"\nroute = \"/\"\n");
    assert!(missing.contains("missing field `source`"), "{missing}");
}

#[test]
fn limits_and_health_have_defaults_and_overrides() {
    let base = "[[component]]\nname = \"a\"\nroute = \"/\"\nsource = \"a.wasm\"\n";
    let manifest = parse(base).expect("valid");
    assert_eq!(manifest.components[0].limits, Limits::default());
    assert_eq!(manifest.health.as_deref(), Some("/healthz"));
    let manifest = parse(&format!(
        "[server]\nhealth = false\n[limits]\ncpu_ms = 100\n{base}limits = {{ memory_mb = 8 }}\n"
    ))
    .expect("valid");
    assert_eq!(manifest.health, None);
    assert_eq!(
        (
            manifest.components[0].limits.cpu_ms,
            manifest.components[0].limits.memory_bytes
        ),
        (100, 8 << 20)
    );
    assert_eq!(
        error(&format!("{base}limits = {{ timeout_ms = 0 }}\n")),
        "wafer.toml: `component[0].limits.timeout_ms`: must be at least 1 (a limit of 0 would refuse every request)"
    );
    assert_eq!(manifest.server_limits, ServerLimits::default());
    let manifest = parse(&format!("[server]\nmax_headers = 20\n{base}")).expect("valid");
    assert_eq!(manifest.server_limits.max_headers, 20);
    assert!(
        error(&format!("[server]\nconcurrency = 5000\n{base}")).contains("`server.concurrency`")
    );
    assert!(
        error(&format!("[server]\nmax_header = 5\n{base}")).contains("unknown field `max_header`")
    );
}

#[test]
fn docs_settings_have_defaults_and_can_be_turned_off() {
    let base = "[[component]]\nname = \"a\"\nroute = \"/\"\nsource = \"a.wasm\"\n";
    let manifest = parse(base).expect("valid");
    assert_eq!(manifest.docs, DocsSettings::default());
    let manifest = parse(&format!(
        "{base}[docs]\ntitle = \"Shop\"\nservers = [\"https://x\"]\nswagger_ui = \"/swagger\"\nredoc = false\nstrict = true\n"
    ))
    .expect("valid");
    assert_eq!(manifest.docs.title, "Shop");
    assert_eq!(manifest.docs.swagger_ui.as_deref(), Some("/swagger"));
    assert_eq!(manifest.docs.redoc, None);
    assert!(manifest.docs.strict);
    assert_eq!(
        error(&format!("{base}[docs]\nredoc = \"redoc/\"\n")),
        "wafer.toml: `docs.redoc`: \"redoc/\" is not a usable path: write it like \"/docs\" (or false to turn it off)"
    );
    assert!(error(&format!("{base}[docs]\nopenapi = false\n")).contains("`docs.swagger_ui`"));
    assert!(
        error(&format!("{base}[docs]\nredoc = \"/docs\"\n")).contains("given to two docs pages")
    );
}

#[test]
fn a_single_file_is_served_at_the_root() {
    let manifest = Manifest::single(Path::new("out/hello.wasm"));
    assert_eq!(manifest.components[0].name, "hello");
    assert_eq!(manifest.components[0].route, RoutePattern::everything());
}

#[test]
fn the_gate_settings_of_a_component_default_to_the_documents_word() {
    let base = "[[component]]\nname = \"a\"\nroute = \"/\"\nsource = \"a.wasm\"\n";
    let manifest = parse(base).expect("valid");
    assert!(!manifest.components[0].requires_auth);
    assert!(!manifest.components[0].allow_undocumented);
    let manifest = parse(&format!("{base}requires_auth = true\n")).expect("valid");
    assert!(manifest.components[0].requires_auth);
    let manifest = parse(&format!("{base}allow_undocumented = true\n")).expect("valid");
    assert!(manifest.components[0].allow_undocumented);
    assert_eq!(
        error(&format!(
            "{base}requires_auth = true\nallow_undocumented = true\n"
        )),
        "wafer.toml: `component[0].allow_undocumented`: a component that requires_auth cannot \
         let undocumented requests through: remove one of the two"
    );
    assert!(error(&format!("{base}requires_auth = \"yes\"\n")).contains("invalid type"));
}

#[test]
fn rate_limits_and_trusted_proxies_are_checked() {
    let base = "[[component]]\nname = \"a\"\nroute = \"/\"\nsource = \"a.wasm\"\n";
    let manifest = parse(&format!(
        "[server]\ntrusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n[rate_limits]\nrequests_per_second = 5\n{base}\
         rate_limit = {{ requests_per_second = 2, burst = 4, by = \"subject\" }}\n"
    ))
    .expect("valid");
    let host = manifest.rate_limit.expect("host-wide");
    assert_eq!(
        (host.requests_per_second.get(), host.burst.get(), host.by),
        (5, 5, RateKey::Client)
    );
    let component = manifest.components[0].rate_limit.expect("per component");
    assert_eq!((component.burst.get(), component.by), (4, RateKey::Subject));
    assert_eq!(manifest.trusted_proxies.len(), 2);
    assert_eq!(
        error(&format!(
            "[rate_limits]\nrequests_per_second = 5\nby = \"subject\"\n{base}"
        )),
        "wafer.toml: `rate_limits.by`: \"subject\" is not one of client"
    );
    assert_eq!(
        error(&format!(
            "{base}rate_limit = {{ requests_per_second = 0 }}\n"
        )),
        "wafer.toml: `component[0].rate_limit.requests_per_second`: must be at least 1 (0 would refuse every request)"
    );
    assert!(
        error(&format!(
            "[server]\ntrusted_proxies = [\"proxy.local\"]\n{base}"
        ))
        .contains("`server.trusted_proxies`: \"proxy.local\" is not an address or a network")
    );
}
