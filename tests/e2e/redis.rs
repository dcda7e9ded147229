//! Key-value stores on Redis: the todos example on two hosts sharing one
//! real `redis-server`, and through Redis stopping and coming back.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::process::wafer;
use crate::support::redis::RedisServer;
use crate::support::{Server, run_to_exit, wasm, workspace};

/// todos on a Redis store whose URL is the secret variable `redis_url`, and
/// hello beside it.
fn manifest(folder: &Path) -> String {
    let path = folder.join("wafer.toml");
    std::fs::write(
        &path,
        format!(
            "[variables]\nredis_url = {{ required = true, secret = true }}\n\n\
             [key_value_store.default]\ntype = \"redis\"\nurl = \"{{{{ redis_url }}}}\"\n\n\
             [[component]]\nname = \"todos\"\nroute = \"/todos/...\"\nsource = {:?}\n\
             key_value_stores = [\"default\"]\n\n\
             [[component]]\nname = \"hello\"\nroute = \"/hello/...\"\nsource = {:?}\n",
            wasm("todos"),
            wasm("hello"),
        ),
    )
    .expect("write manifest");
    path.display().to_string()
}

/// A host of `manifest`, given the Redis URL in `WAFER_VARIABLE_REDIS_URL`.
fn serve(manifest: &str, url: &str, data: &Path) -> Server {
    let mut command = wafer();
    command
        .args(["serve", manifest, "--listen", "127.0.0.1:0"])
        .env("WAFER_DATA_DIR", data)
        .env("WAFER_VARIABLE_REDIS_URL", url);
    Server::start(command, "wafer: listening on ").expect("wafer starts")
}

#[test]
fn two_hosts_on_one_redis_see_each_others_writes() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    redis.require_password("hunter2");
    let folder = tempfile::tempdir().expect("temporary folder");
    let manifest = manifest(folder.path());
    // A password, which the hosts must never show.
    let url = format!("redis://:hunter2@127.0.0.1:{}/0", redis.port);
    let first = serve(&manifest, &url, &folder.path().join("a"));
    // The second host reads the URL from a variables file instead.
    let variables = folder.path().join("vars.toml");
    std::fs::write(&variables, format!("redis_url = {url:?}\n")).expect("write");
    let mut command = wafer();
    command
        .args(["serve", &manifest, "--listen", "127.0.0.1:0"])
        .arg("--variables-file")
        .arg(&variables)
        .env("WAFER_DATA_DIR", folder.path().join("b"));
    let second = Server::start(command, "wafer: listening on ").expect("wafer starts");

    let created = first.post_json("/todos", r#"{"title":"milk"}"#);
    assert_eq!(
        (created.status, created.json()),
        (201, json!({"id": 1, "title": "milk", "done": false}))
    );
    assert_eq!(
        second.get("/todos/1").json(),
        json!({"id": 1, "title": "milk", "done": false})
    );
    // One counter for both: ids are never given twice.
    assert_eq!(
        second.post_json("/todos", r#"{"title":"eggs"}"#).json()["id"],
        2
    );
    let deleted = first.send("DELETE", "/todos/2", &[], b"");
    assert_eq!(deleted.status, 204);
    assert_eq!(second.get("/todos/2").status, 404);
    assert_eq!(
        first.get("/todos").json(),
        json!([{"id": 1, "title": "milk", "done": false}])
    );
    // The keys are the guest's, as Spin keeps them; nothing went to disk.
    assert_eq!(redis.command(&["GET", "next-id"]).as_deref(), Some("2"));
    assert!(!folder.path().join("a/kv").exists() && !folder.path().join("b/kv").exists());
    for server in [&first, &second] {
        assert!(!server.log().contains("hunter2"), "the password was logged");
    }
}

#[test]
fn redis_going_down_is_503_for_its_stores_only_and_the_host_recovers() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let folder = tempfile::tempdir().expect("temporary folder");
    let server = serve(
        &manifest(folder.path()),
        &redis.url(),
        &folder.path().join("data"),
    );
    assert_eq!(
        server.post_json("/todos", r#"{"title":"milk"}"#).status,
        201
    );

    redis.stop();
    let asked = Instant::now();
    let down = server.get("/todos/1");
    assert_eq!(
        (down.status, down.header("retry-after"), down.json()),
        (503, Some("1"), json!({"detail": "Service Unavailable"}))
    );
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "a request waited {:?} for a Redis that is down",
        asked.elapsed()
    );
    server.wait_for_log("Redis is unreachable");
    // Everything else is served as before.
    assert_eq!(server.get("/hello/ann").status, 200);
    for _ in 0..5 {
        assert_eq!(server.get("/todos/1").status, 503);
    }
    assert_eq!(
        server.log().matches("Redis is unreachable").count(),
        1,
        "an outage is logged once"
    );

    redis.resume();
    // The first request after Redis is back is served: the host reconnects
    // by itself (the data is gone: this Redis saves nothing).
    let back = server.post_json("/todos", r#"{"title":"tea"}"#);
    assert_eq!((back.status, back.json()["id"].clone()), (201, json!(1)));
    server.wait_for_log("Redis is reachable again");
}

#[test]
fn redis_settings_that_cannot_work_stop_the_start() {
    let folder = tempfile::tempdir().expect("temporary folder");
    for (section, field, expected) in [
        ("", "url", "a Redis store needs one"),
        (
            "url = \"http://127.0.0.1:6379\"\n",
            "url",
            "not a Redis URL",
        ),
        (
            "url = \"rediss://127.0.0.1:6379\"\n",
            "url",
            "TLS (rediss://) is not supported yet",
        ),
        (
            "url = \"{{ nope }}\"\n",
            "url",
            "{{ nope }} names no variable",
        ),
        (
            "path = \"x\"\n",
            "path",
            "a Redis store has a url, not a path",
        ),
    ] {
        let path = folder.path().join("wafer.toml");
        std::fs::write(
            &path,
            format!(
                "[key_value_store.default]\ntype = \"redis\"\n{section}\n[[component]]\nname = \"todos\"\n\
                 route = \"/todos/...\"\nsource = {:?}\nkey_value_stores = [\"default\"]\n",
                wasm("todos")
            ),
        )
        .expect("write manifest");
        let (status, log) = run_to_exit(&["serve", path.to_str().expect("UTF-8")]);
        assert!(!status.success(), "{section}");
        let at = format!("`key_value_store.default.{field}`: {expected}");
        assert!(log.contains(&at), "{section}: {log}");
    }
}

/// Stateless hosts behind a load balancer, their state in one Redis: a
/// client of the balancer sees one service. The hosts run the manifest of
/// `deploy/wafer/` (its components from this build), and the balancer is
/// the smallest there is, in the test: each connection goes to the next
/// host, round robin, its bytes copied both ways.
#[test]
fn two_hosts_behind_a_round_robin_balancer_are_one_service() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let folder = tempfile::tempdir().expect("temporary folder");
    let deployed = std::fs::read_to_string(workspace().join("deploy/wafer/wafer.toml"))
        .expect("deploy/wafer/wafer.toml");
    let components = wasm("todos")
        .parent()
        .expect("a folder")
        .display()
        .to_string();
    let manifest = folder.path().join("wafer.toml");
    std::fs::write(&manifest, deployed.replace("/app/components", &components)).expect("write");
    let manifest = manifest.display().to_string();
    let hosts = [
        serve(&manifest, &redis.url(), &folder.path().join("a")),
        serve(&manifest, &redis.url(), &folder.path().join("b")),
    ];
    let balancer = round_robin(hosts.iter().map(|host| host.url.clone()).collect());
    // A connection per request, so that each goes to the next host.
    let send = |method: &str, path: &str, body: &str| {
        let headers = [
            ("connection", "close"),
            ("content-type", "application/json"),
        ];
        crate::support::client::request(
            method,
            &format!("{balancer}{path}"),
            &headers,
            body.as_bytes(),
        )
    };
    for (id, title) in (1..).zip(["milk", "eggs", "flour", "butter"]) {
        let created = send("POST", "/todos", &format!(r#"{{"title":"{title}"}}"#));
        assert_eq!(
            (created.status, created.json()),
            (201, json!({"id": id, "title": title, "done": false}))
        );
    }
    for _ in 0..2 {
        let listed = send("GET", "/todos", "");
        assert_eq!(
            listed.json().as_array().map(Vec::len),
            Some(4),
            "{}",
            listed.body
        );
    }
    assert_eq!(
        send("PATCH", "/todos/3", r#"{"done":true}"#).json()["done"],
        true
    );
    assert_eq!(send("GET", "/todos/3", "").json()["done"], true);
    // Both hosts answered: the client could not tell which.
    for host in &hosts {
        let served = host.log().matches("path=/todos").count();
        assert!(
            served >= 3,
            "a host served {served} requests:\n{}",
            host.log()
        );
    }
}

/// A TCP balancer on a free port handing each connection to the next of
/// `backends` (`http://host:port`); its URL.
fn round_robin(backends: Vec<String>) -> String {
    use std::io::Write as _;
    use std::net::{Shutdown, TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = listener.local_addr().expect("its address");
    let backends: Vec<String> = backends
        .iter()
        .map(|url| url.trim_start_matches("http://").to_owned())
        .collect();
    std::thread::spawn(move || {
        for (turn, client) in listener.incoming().enumerate() {
            let Ok(mut client) = client else { continue };
            let backend = backends[turn % backends.len()].clone();
            std::thread::spawn(move || {
                let Ok(mut server) = TcpStream::connect(&backend) else {
                    let _ =
                        client.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
                    return;
                };
                let (Ok(mut client_in), Ok(mut server_out)) =
                    (client.try_clone(), server.try_clone())
                else {
                    return;
                };
                let upstream = std::thread::spawn(move || {
                    let _ = std::io::copy(&mut client_in, &mut server_out);
                    let _ = server_out.shutdown(Shutdown::Write);
                });
                let _ = std::io::copy(&mut server, &mut client);
                let _ = client.shutdown(Shutdown::Write);
                let _ = upstream.join();
            });
        }
    });
    format!("http://{address}")
}
