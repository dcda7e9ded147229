//! The same behaviour from every backend.

use super::*;

/// Every key of `store`, page by page of at most `limit` keys, sorted.
async fn every_page(store: &dyn Backend, limit: usize) -> Vec<String> {
    let mut listed = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .list_keys(cursor.as_deref(), limit)
            .await
            .expect("page");
        assert!(page.keys.len() <= limit, "{} keys", page.keys.len());
        listed.extend(page.keys);
        match page.cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    listed.sort();
    listed
}

async fn behaves_as_a_store(store: &dyn Backend) {
    assert_eq!(store.get("a").await, Ok(None));
    assert_eq!(store.exists("a").await, Ok(false));
    store.set("a", b"1".to_vec()).await.expect("set");
    store.set("a", b"2".to_vec()).await.expect("overwrite");
    assert_eq!(store.get("a").await, Ok(Some(b"2".to_vec())));
    assert_eq!(store.exists("a").await, Ok(true));
    store.delete("a").await.expect("delete");
    store.delete("a").await.expect("deleting again is no error");
    assert_eq!(store.get("a").await, Ok(None));

    for key in ["k3", "k1", "k2", "k5", "k4"] {
        store.set(key, key.as_bytes().to_vec()).await.expect("set");
    }
    // Pages of at most two keys, in the backend's order, give each key once.
    assert_eq!(every_page(store, 2).await, ["k1", "k2", "k3", "k4", "k5"]);
    for key in ["k2", "k3", "k4", "k5"] {
        store.delete(key).await.expect("delete");
    }

    assert_eq!(store.increment("n", 5).await, Ok(5));
    assert_eq!(store.increment("n", -7).await, Ok(-2));
    assert_eq!(store.get("n").await, Ok(Some(b"-2".to_vec())));
    assert!(store.increment("k1", 1).await.is_err(), "not a number");
    store
        .set("big", i64::MAX.to_string().into_bytes())
        .await
        .expect("set");
    assert!(store.increment("big", 1).await.is_err(), "overflow");

    store.delete("k1").await.expect("delete");
    store.delete("big").await.expect("delete");
    store.delete("n").await.expect("delete");
    store
        .set("", b"empty".to_vec())
        .await
        .expect("the empty key");
    assert_eq!(store.list_keys(None, 1).await.expect("page").keys, [""]);
    store.delete("").await.expect("delete");

    assert_eq!(store.swap("c", None, b"x".to_vec()).await, Ok(true));
    assert_eq!(store.swap("c", None, b"y".to_vec()).await, Ok(false));
    assert_eq!(store.swap("c", Some(b"x"), b"y".to_vec()).await, Ok(true));
    assert_eq!(store.get("c").await, Ok(Some(b"y".to_vec())));
}

#[tokio::test]
async fn memory_is_a_store() {
    behaves_as_a_store(&MemoryBackend::default()).await;
}

#[tokio::test]
async fn sqlite_is_a_store_and_keeps_its_data() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("kv").join("t.sqlite3");
    behaves_as_a_store(&SqliteBackend::open(&path).expect("open")).await;
    let reopened = SqliteBackend::open(&path).expect("reopen");
    assert_eq!(reopened.get("c").await, Ok(Some(b"y".to_vec())));
}

#[tokio::test]
async fn memory_and_sqlite_list_keys_in_order() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let sqlite = SqliteBackend::open(&folder.path().join("o.sqlite3")).expect("open");
    for store in [&MemoryBackend::default() as &dyn Backend, &sqlite] {
        for key in ["k3", "k1", "k2"] {
            store.set(key, Vec::new()).await.expect("set");
        }
        let first = store.list_keys(None, 2).await.expect("page");
        assert_eq!(first.keys, ["k1", "k2"]);
        let rest = store.list_keys(first.cursor.as_deref(), 2).await;
        assert_eq!(
            rest,
            Ok(KeyPage {
                keys: vec!["k3".into()],
                cursor: None
            })
        );
    }
}

// The end-to-end tests' Redis, so that there is one way to start it.
#[allow(dead_code)]
#[path = "../../../tests/e2e/support/redis.rs"]
mod redis_server;

#[tokio::test]
async fn redis_is_a_store_shared_by_its_clients() {
    let Some(server) = redis_server::RedisServer::start() else {
        return;
    };
    let store = RedisBackend::open(&server.url()).expect("open");
    behaves_as_a_store(&store).await;
    let other = RedisBackend::open(&server.url()).expect("open");
    assert_eq!(other.get("c").await, Ok(Some(b"y".to_vec())));
    // Spin's keys: unprefixed, so a Spin app on the same Redis sees them.
    assert_eq!(server.command(&["GET", "c"]).as_deref(), Some("y"));
}

#[tokio::test]
async fn redis_pages_hold_at_most_the_limit_and_miss_no_key() {
    let Some(server) = redis_server::RedisServer::start() else {
        return;
    };
    let store = RedisBackend::open(&server.url()).expect("open");
    let keys: Vec<String> = (0..500).map(|n| format!("key-{n}")).collect();
    for key in &keys {
        store.set(key, Vec::new()).await.expect("set");
    }
    let mut expected = keys.clone();
    expected.sort();
    for limit in [1, 7, 100, 1000] {
        assert_eq!(
            every_page(&store, limit).await,
            expected,
            "pages of {limit}"
        );
    }
    let refused = store.list_keys(Some("not-a-cursor"), 10).await;
    assert!(matches!(refused, Err(StoreError::Other(_))), "{refused:?}");
}

#[tokio::test]
async fn redis_down_is_unavailable_and_it_recovers_by_itself() {
    let Some(mut server) = redis_server::RedisServer::start() else {
        return;
    };
    let store = RedisBackend::open(&server.url()).expect("open");
    store.set("a", b"1".to_vec()).await.expect("set");
    server.stop();
    let started = std::time::Instant::now();
    let refused = store.get("a").await;
    assert!(
        matches!(&refused, Err(StoreError::Unavailable(_))),
        "{refused:?}"
    );
    assert!(
        refused
            .expect_err("down")
            .to_string()
            .starts_with(wafer_contract::store::UNAVAILABLE)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    server.resume();
    // Its data is gone (nothing is saved); the connection comes back.
    let mut answer = store.get("a").await;
    for _ in 0..50 {
        if answer.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        answer = store.get("a").await;
    }
    assert_eq!(answer, Ok(None));
}

#[test]
fn redis_urls_are_checked_and_their_passwords_not_shown() {
    let refused = RedisBackend::open("redis://user:hunter2@[nope").err();
    let message = refused.expect("not a URL").to_string();
    assert!(!message.contains("hunter2"), "{message}");
    assert!(RedisBackend::open("rediss://host:6379").is_err(), "TLS");
}

#[tokio::test]
async fn increments_from_many_tasks_are_all_counted() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let store: Arc<dyn Backend> =
        Arc::new(SqliteBackend::open(&folder.path().join("n.sqlite3")).expect("open"));
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.increment("n", 1).await })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").expect("increment");
    }
    assert_eq!(store.get("n").await, Ok(Some(b"50".to_vec())));
}

#[test]
fn access_is_by_grant_and_within_the_limits() {
    let store = Store {
        name: "default".into(),
        backend: Arc::new(MemoryBackend::default()),
    };
    let limits = KvLimits {
        max_key_bytes: 4,
        max_value_bytes: 4,
        max_keys_per_list: 10,
        max_operations_per_request: 3,
    };
    let mut access = KvAccess::new(
        Arc::new(HashMap::from([("default".to_owned(), store)])),
        limits,
    );
    assert!(access.open("default").is_ok());
    assert_eq!(access.open("other").err(), Some(StoreError::AccessDenied));
    assert!(access.check_key("abcd").is_ok());
    assert!(access.check_key("abcde").is_err());
    assert!(access.check_value(b"abcde").is_err());
    assert!(access.charge(2).is_ok());
    assert!(access.charge(2).is_err());
    assert!(access.charge(1).is_err(), "the budget is spent");
    access.begin();
    assert!(access.charge(3).is_ok());
}
