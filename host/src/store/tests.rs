//! The same behaviour from every backend.

use super::*;

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
    let first = store.list_keys(None, 2).await.expect("page");
    assert_eq!(first.keys, ["k1", "k2"]);
    let second = store
        .list_keys(first.cursor.as_deref(), 2)
        .await
        .expect("page");
    assert_eq!(second.keys, ["k3", "k4"]);
    let last = store
        .list_keys(second.cursor.as_deref(), 2)
        .await
        .expect("page");
    assert_eq!(
        (last.keys.as_slice(), last.cursor),
        (&["k5".to_owned()][..], None)
    );

    assert_eq!(store.increment("n", 5).await, Ok(5));
    assert_eq!(store.increment("n", -7).await, Ok(-2));
    assert_eq!(store.get("n").await, Ok(Some(b"-2".to_vec())));
    assert!(store.increment("k1", 1).await.is_err(), "not a number");
    store
        .set("big", i64::MAX.to_string().into_bytes())
        .await
        .expect("set");
    assert!(store.increment("big", 1).await.is_err(), "overflow");

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
