//! Reload: a changed manifest or component is served without dropping the
//! requests in flight; a broken one is refused and the old one keeps serving.

use crate::support::{Server, wasm};

fn component(name: &str) -> String {
    format!(
        "[[component]]\nname = \"{name}\"\nroute = \"/{name}/...\"\nsource = {:?}\n\n",
        wasm(name)
    )
}

#[test]
fn watch_reloads_changes_keeps_requests_in_flight_and_refuses_broken_versions() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let manifest = dir.path().join("wafer.toml");
    let path = manifest.to_str().expect("UTF-8 path").to_owned();
    std::fs::write(&manifest, component("faulty") + &component("hello")).expect("write");
    let server = Server::wafer(&["--watch", &path]);
    assert_eq!(server.get("/items/5?q=x").status, 404);

    let url = server.url.clone();
    let in_flight = std::thread::spawn(move || {
        crate::support::client::request("GET", &format!("{url}/faulty/sleep/2000"), &[], b"")
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::fs::write(
        &manifest,
        component("faulty") + &component("hello") + &component("items"),
    )
    .expect("write");
    server.wait_for_log("reloaded");
    let reply = server.get("/items/5?q=x");
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, r#"{"id":5,"q":"x"}"#)
    );
    let slow = in_flight.join().expect("request thread");
    assert_eq!(
        (slow.status, slow.body.as_str()),
        (200, "slept"),
        "the request in flight finished on the old version"
    );

    std::fs::write(&manifest, "[[component]]\nname = \"broken\"\n").expect("write");
    let log = server.wait_for_log("reload refused");
    assert!(
        log.contains("reload refused, still serving the previous version")
            && log.contains("wafer.toml"),
        "{log}"
    );
    assert_eq!(server.get("/items/5?q=x").status, 200);
    assert_eq!(server.get("/hello").status, 200);
}

#[test]
fn sighup_reloads() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let manifest = dir.path().join("wafer.toml");
    std::fs::write(&manifest, component("hello")).expect("write");
    let server = Server::wafer(&[manifest.to_str().expect("UTF-8 path")]);
    assert_eq!(server.get("/items/5").status, 404);
    std::fs::write(&manifest, component("hello") + &component("items")).expect("write");
    server.signal("HUP");
    server.wait_for_log("reloaded");
    assert_eq!(server.get("/items/5").status, 200);
}

#[test]
fn a_reload_that_needs_more_instance_slots_than_the_host_has_is_refused() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let manifest = dir.path().join("wafer.toml");
    std::fs::write(&manifest, component("hello")).expect("write");
    let server = Server::wafer(&[manifest.to_str().expect("UTF-8 path")]);
    // 64 idle instances kept for reuse need 128 slots more than the 256 + 16
    // this host reserved at start.
    std::fs::write(
        &manifest,
        component("hello") + "instance_reuse = 100\nlimits = { concurrency = 64 }\n",
    )
    .expect("write");
    server.signal("HUP");
    let log = server.wait_for_log("reload refused");
    assert!(
        log.contains("instance_reuse need 400 instance slots")
            && log.contains("the host started with 272; restart to apply it"),
        "{log}"
    );
    assert_eq!(server.get("/hello").status, 200);
}
