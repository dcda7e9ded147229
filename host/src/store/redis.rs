//! A store in Redis, so that several hosts share one store's data.
//!
//! Keys are the guest's keys, unprefixed, in the database the URL names
//! (`redis://host:6379/2`), as Spin keeps them: a Wafer host and a Spin app
//! given the same URL see the same data, and two stores that should not
//! share keys need two databases (or two servers).
//!
//! Every request of every component goes over one multiplexed connection per
//! store (redis-rs's `ConnectionManager`): commands from concurrent requests
//! are pipelined on it, which is what a pool would buy against a server that
//! runs commands one at a time anyway, without a checkout per request. When
//! the connection fails, the manager reconnects with exponential backoff;
//! while Redis cannot be reached, operations fail at once (after at most
//! [`CONNECT_TIMEOUT`]) with an `unavailable` error, which the SDK answers
//! with 503, and the host logs the outage once and the recovery once.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisError, Script};

use super::StoreError;
use super::backend::{Backend, KeyPage};
use crate::manifest::check_redis_url;

/// How long one attempt to connect may take: a Redis on the same network
/// answers in milliseconds, and a request waits for this when it is down.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// How long a command may wait for its answer.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);
/// Attempts after the first when connecting fails, and the first delay
/// between them (doubled each time, with jitter, up to [`MAX_RETRY_DELAY`]).
const CONNECT_RETRIES: usize = 2;
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(50);
const MAX_RETRY_DELAY: Duration = Duration::from_secs(1);
/// The most `SCAN` round trips one page of keys takes; a page may hold fewer
/// keys than asked (even none) and still have a cursor.
const MAX_SCANS_PER_PAGE: usize = 64;

/// Sets `KEYS[1]` to `ARGV[3]` if its value is `ARGV[2]` (`ARGV[1]` is "1")
/// or if it has none (`ARGV[1]` is "0"); 1 if it did.
const SWAP: &str = r"
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
    if current ~= ARGV[2] then return 0 end
elseif current then
    return 0
end
redis.call('SET', KEYS[1], ARGV[3])
return 1
";

/// One store's Redis database.
pub struct RedisBackend {
    connection: ConnectionManager,
    /// Where, for messages: host, port and database, never the password.
    address: String,
    swap: Script,
    /// Whether the last operation found Redis unreachable, so that an
    /// outage and its end are each logged once.
    down: AtomicBool,
}

impl RedisBackend {
    /// A store in the Redis at `url`. The first connection is made by the
    /// first operation, so a host starts (and serves everything else) while
    /// Redis is down.
    pub fn open(url: &str) -> Result<RedisBackend, StoreError> {
        let refused = |reason: String| StoreError::Other(format!("{:?}: {reason}", redacted(url)));
        check_redis_url(url).map_err(refused)?;
        let client = Client::open(url).map_err(|error| refused(error.to_string()))?;
        let info = client.get_connection_info();
        let address = format!("{}/{}", info.addr(), info.redis_settings().db());
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(CONNECT_RETRIES)
            .set_min_delay(FIRST_RETRY_DELAY)
            .set_max_delay(MAX_RETRY_DELAY);
        let connection = client
            .get_connection_manager_lazy(config)
            .map_err(|error| StoreError::Other(format!("Redis at {address}: {error}")))?;
        Ok(RedisBackend {
            connection,
            address,
            swap: Script::new(SWAP),
            down: AtomicBool::new(false),
        })
    }

    /// Runs one command, and says what its failure means.
    async fn query<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, StoreError> {
        let result = self.query_raw(command).await;
        self.seen(result)
    }

    /// Runs one command.
    async fn query_raw<T: redis::FromRedisValue>(
        &self,
        command: &redis::Cmd,
    ) -> Result<T, RedisError> {
        self.send(|mut connection| async move { command.query_async(&mut connection).await })
            .await
    }

    /// Sends what `send` sends on the connection, a second time if the
    /// connection was refused. A refused connection never carried the
    /// command, so that is safe even for an increment; and it matters once
    /// Redis is back: the manager keeps the failed attempt until a command
    /// fails on it, and this one then waits for the fresh connection instead
    /// of failing too.
    async fn send<T, F, Sent>(&self, send: F) -> Result<T, RedisError>
    where
        F: Fn(ConnectionManager) -> Sent,
        Sent: Future<Output = Result<T, RedisError>>,
    {
        match send(self.connection.clone()).await {
            Err(error) if error.is_connection_refusal() => send(self.connection.clone()).await,
            result => result,
        }
    }

    /// Notes whether Redis answered, and turns its error into the guest's.
    fn seen<T>(&self, result: Result<T, RedisError>) -> Result<T, StoreError> {
        match result {
            Ok(value) => {
                if self.down.swap(false, Ordering::Relaxed) {
                    tracing::info!(redis = %self.address, "Redis is reachable again");
                }
                Ok(value)
            }
            Err(error) if unreachable(&error) => {
                if !self.down.swap(true, Ordering::Relaxed) {
                    tracing::warn!(redis = %self.address, %error, "Redis is unreachable; its stores answer `unavailable` until it is back");
                }
                Err(StoreError::Unavailable(format!(
                    "the store's Redis at {} cannot be reached",
                    self.address
                )))
            }
            Err(error) => Err(StoreError::Other(format!(
                "Redis at {}: {error}",
                self.address
            ))),
        }
    }
}

/// Whether `error` says Redis cannot be reached now (rather than that it
/// refused the command): worth a retry later, so 503 rather than 500.
fn unreachable(error: &RedisError) -> bool {
    error.is_io_error()
        || error.is_timeout()
        || error.is_connection_dropped()
        || error.is_connection_refusal()
        || error.is_unrecoverable_error()
        || matches!(
            error.kind(),
            redis::ErrorKind::Server(
                redis::ServerErrorKind::BusyLoading
                    | redis::ServerErrorKind::TryAgain
                    | redis::ServerErrorKind::MasterDown
                    | redis::ServerErrorKind::ClusterDown
                    // A replica, after a failover moved the primary.
                    | redis::ServerErrorKind::ReadOnly
            )
        )
}

/// `url` with its password, if any, replaced, for messages.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Where a page of keys starts: a `SCAN` cursor, and how many keys of that
/// cursor's batch an earlier page already gave (when a batch was larger than
/// the page). Written `CURSOR` or `CURSOR+SKIP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct ScanCursor {
    scan: u64,
    skip: usize,
}

impl ScanCursor {
    fn parse(text: &str) -> Option<ScanCursor> {
        let (scan, skip) = text.split_once('+').unwrap_or((text, "0"));
        Some(ScanCursor {
            scan: scan.parse().ok()?,
            skip: skip.parse().ok()?,
        })
    }

    fn text(self) -> String {
        if self.skip == 0 {
            self.scan.to_string()
        } else {
            format!("{}+{}", self.scan, self.skip)
        }
    }
}

#[async_trait]
impl Backend for RedisBackend {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.query(redis::cmd("GET").arg(key)).await
    }

    async fn set(&self, key: &str, value: Vec<u8>) -> Result<(), StoreError> {
        self.query(redis::cmd("SET").arg(key).arg(value)).await
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.query::<i64>(redis::cmd("DEL").arg(key))
            .await
            .map(|_| ())
    }

    async fn exists(&self, key: &str) -> Result<bool, StoreError> {
        self.query::<i64>(redis::cmd("EXISTS").arg(key))
            .await
            .map(|count| count > 0)
    }

    async fn list_keys(&self, cursor: Option<&str>, limit: usize) -> Result<KeyPage, StoreError> {
        let mut at = match cursor {
            None => ScanCursor::default(),
            Some(text) => ScanCursor::parse(text).ok_or_else(|| {
                StoreError::Other(format!("{text:?} is not a cursor this store gave"))
            })?,
        };
        let mut keys = Vec::new();
        for _ in 0..MAX_SCANS_PER_PAGE {
            let (next, batch): (u64, Vec<Vec<u8>>) = self
                .query(redis::cmd("SCAN").arg(at.scan).arg("COUNT").arg(limit))
                .await?;
            // Keys other clients wrote that are not text cannot be named
            // through `wasi:keyvalue`, so they are not listed either.
            let batch: Vec<String> = batch
                .into_iter()
                .filter_map(|key| String::from_utf8(key).ok())
                .collect();
            let fresh = batch.len().saturating_sub(at.skip);
            let room = limit - keys.len();
            if fresh > room {
                // The page ends inside this batch: the next one scans the
                // same cursor again and skips what this one took.
                keys.extend(batch.into_iter().skip(at.skip).take(room));
                at.skip += room;
                return Ok(KeyPage {
                    keys,
                    cursor: Some(at.text()),
                });
            }
            keys.extend(batch.into_iter().skip(at.skip));
            at = ScanCursor {
                scan: next,
                skip: 0,
            };
            if next == 0 {
                return Ok(KeyPage { keys, cursor: None });
            }
            if keys.len() == limit {
                break;
            }
        }
        Ok(KeyPage {
            keys,
            cursor: Some(at.text()),
        })
    }

    async fn increment(&self, key: &str, delta: i64) -> Result<i64, StoreError> {
        // INCRBY keeps the same rule as `wafer_contract::store::incremented`:
        // a counter is its canonical decimal digits, and overflow fails.
        let result = self
            .query_raw(redis::cmd("INCRBY").arg(key).arg(delta))
            .await;
        match result {
            Err(error) if error.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::ResponseError) => {
                Err(StoreError::Other(
                    "the value is not a number to increment, or the increment overflows a 64-bit number".into(),
                ))
            }
            result => self.seen(result),
        }
    }

    async fn swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        value: Vec<u8>,
    ) -> Result<bool, StoreError> {
        let mut invocation = self.swap.key(key);
        invocation
            .arg(if expected.is_some() { "1" } else { "0" })
            .arg(expected.unwrap_or_default())
            .arg(value);
        let invocation = &invocation;
        let result =
            self.send(|mut connection| async move {
                invocation.invoke_async::<i64>(&mut connection).await
            })
            .await;
        self.seen(result).map(|swapped| swapped == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_as_written() {
        for cursor in [
            ScanCursor { scan: 0, skip: 0 },
            ScanCursor { scan: 17, skip: 0 },
            ScanCursor { scan: 17, skip: 3 },
        ] {
            assert_eq!(ScanCursor::parse(&cursor.text()), Some(cursor));
        }
        assert_eq!(ScanCursor::parse("x"), None);
        assert_eq!(ScanCursor::parse("1+"), None);
        assert_eq!(ScanCursor::parse("-1"), None);
    }

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redacted("redis://user:secret@host:6379/1"),
            "redis://***@host:6379/1"
        );
        assert_eq!(redacted("redis://host:6379"), "redis://host:6379");
    }
}
