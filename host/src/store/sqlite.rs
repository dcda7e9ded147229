//! A store in an embedded SQLite database, the default: one file per store
//! under the host's data directory, in WAL mode (as Spin's default store).
//!
//! A write is acknowledged once its transaction has committed to the
//! write-ahead log, so it survives the host being killed at any moment
//! (`synchronous = NORMAL`: a power cut may lose the last ones, never the
//! database). Several hosts may share one data directory; SQLite locks the
//! file between them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params};

use super::StoreError;
use super::backend::{Backend, KeyPage, incremented, page};

/// Sets a key's value, whether it has one or not.
const UPSERT: &str = "INSERT INTO kv (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
/// A key's value.
const SELECT: &str = "SELECT value FROM kv WHERE key = ?1";

/// How long a write waits for another process's lock before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// One store's database file.
pub struct SqliteBackend {
    connection: Arc<Mutex<Connection>>,
    path: PathBuf,
}

impl SqliteBackend {
    /// Opens (creating it and its folder if need be) the store at `path`.
    pub fn open(path: &Path) -> Result<SqliteBackend, StoreError> {
        let failed = |error: &dyn std::fmt::Display| {
            StoreError::Other(format!("cannot open the store {}: {error}", path.display()))
        };
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|error| failed(&error))?;
        }
        let connection = Connection::open(path).map_err(|error| failed(&error))?;
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|error| failed(&error))?;
        let mode: String = connection
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(|error| failed(&error))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(failed(&format!("the database refused WAL mode ({mode})")));
        }
        connection
            .execute_batch(
                "PRAGMA synchronous = NORMAL;
                 CREATE TABLE IF NOT EXISTS kv (
                     key TEXT PRIMARY KEY NOT NULL,
                     value BLOB NOT NULL
                 ) WITHOUT ROWID;",
            )
            .map_err(|error| failed(&error))?;
        Ok(SqliteBackend {
            connection: Arc::new(Mutex::new(connection)),
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `operation` on the connection, off the async threads.
    async fn run<T, F>(&self, operation: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let connection = self.connection.clone();
        tokio::task::spawn_blocking(move || {
            let mut connection = connection.lock().unwrap_or_else(PoisonError::into_inner);
            operation(&mut connection)
        })
        .await
        .map_err(|error| StoreError::Other(format!("the store's worker failed: {error}")))?
    }
}

fn sql(error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        // Another process held the file past the busy timeout.
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Unavailable(format!("the embedded store is busy: {error}"))
        }
        _ => StoreError::Other(format!("the embedded store failed: {error}")),
    }
}

#[async_trait]
impl Backend for SqliteBackend {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let key = key.to_owned();
        self.run(move |connection| {
            connection
                .query_row(SELECT, [&key], |row| row.get(0))
                .optional()
                .map_err(sql)
        })
        .await
    }

    async fn set(&self, key: &str, value: Vec<u8>) -> Result<(), StoreError> {
        let key = key.to_owned();
        self.run(move |connection| {
            connection
                .execute(UPSERT, params![key, value])
                .map(|_| ())
                .map_err(sql)
        })
        .await
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let key = key.to_owned();
        self.run(move |connection| {
            connection
                .execute("DELETE FROM kv WHERE key = ?1", [&key])
                .map(|_| ())
                .map_err(sql)
        })
        .await
    }

    async fn exists(&self, key: &str) -> Result<bool, StoreError> {
        let key = key.to_owned();
        self.run(move |connection| {
            connection
                .query_row("SELECT 1 FROM kv WHERE key = ?1", [&key], |_| Ok(()))
                .optional()
                .map(|found| found.is_some())
                .map_err(sql)
        })
        .await
    }

    async fn list_keys(&self, cursor: Option<&str>, limit: usize) -> Result<KeyPage, StoreError> {
        let after = cursor.map(str::to_owned);
        let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
        self.run(move |connection| {
            // Without a cursor, from the very first key (the empty one too).
            let mut statement = connection
                .prepare_cached(
                    "SELECT key FROM kv WHERE ?1 IS NULL OR key > ?1 ORDER BY key LIMIT ?2",
                )
                .map_err(sql)?;
            let keys = statement
                .query_map(params![after, fetch], |row| row.get::<_, String>(0))
                .map_err(sql)?
                .collect::<Result<Vec<String>, _>>()
                .map_err(sql)?;
            Ok(page(keys, limit))
        })
        .await
    }

    async fn increment(&self, key: &str, delta: i64) -> Result<i64, StoreError> {
        let key = key.to_owned();
        self.run(move |connection| {
            let mut value = 0;
            read_modify_write(connection, &key, |current| {
                value = incremented(current, delta)?;
                Ok(Some(value.to_string().into_bytes()))
            })?;
            Ok(value)
        })
        .await
    }

    async fn swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        value: Vec<u8>,
    ) -> Result<bool, StoreError> {
        let key = key.to_owned();
        let expected = expected.map(<[u8]>::to_vec);
        self.run(move |connection| {
            read_modify_write(connection, &key, |current| {
                Ok((current == expected.as_deref()).then_some(value))
            })
        })
        .await
    }
}

/// In one transaction that holds the write lock from its start (so that other
/// processes sharing the file wait): reads `key`, and writes what `change`
/// makes of its value, if anything. Whether it wrote.
fn read_modify_write(
    connection: &mut Connection,
    key: &str,
    change: impl FnOnce(Option<&[u8]>) -> Result<Option<Vec<u8>>, StoreError>,
) -> Result<bool, StoreError> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql)?;
    let current: Option<Vec<u8>> = transaction
        .query_row(SELECT, [key], |row| row.get(0))
        .optional()
        .map_err(sql)?;
    let Some(value) = change(current.as_deref())? else {
        return Ok(false);
    };
    transaction
        .execute(UPSERT, params![key, value])
        .map_err(sql)?;
    transaction.commit().map_err(sql)?;
    Ok(true)
}
