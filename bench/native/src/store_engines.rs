//! `store-engines`: the embedded store's candidates, measured as the host
//! uses them: SQLite in WAL mode (what `host/src/store/sqlite.rs` keeps) and
//! redb, each acknowledging a write only once it survives the process being
//! killed (SQLite: committed to the WAL, `synchronous = NORMAL`; redb: a
//! `Durability::Immediate` commit, its only level that survives a crash).
//!
//! ```text
//! cargo run --release -p wafer-bench-native --bin store-engines [WRITES] [READS]
//! ```
//!
//! Prints writes/s (one transaction each, as a `set` is), increments/s (a
//! read and a write in one transaction) and reads/s, from one thread, on the
//! file system of the system's temporary folder.

use std::path::{Path, PathBuf};
use std::time::Instant;

use redb::{Database, Durability, ReadableDatabase as _, ReadableTable as _, TableDefinition};
use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params};

const TABLE: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("kv");
/// The table a redb store keeps.
type KvTable<'t> = redb::Table<'t, &'static str, &'static [u8]>;
const VALUE: &[u8] = br#"{"id":1,"title":"milk","done":false}"#;

fn main() {
    let mut args = std::env::args().skip(1);
    let writes: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(2_000);
    let reads: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(50_000);
    let folder = std::env::temp_dir().join(format!("wafer-store-engines-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("create the temporary folder");
    println!(
        "{writes} writes, {writes} increments, {reads} reads, in {}",
        folder.display()
    );
    for (name, synchronous) in [
        ("sqlite, WAL, synchronous = NORMAL", "NORMAL"),
        ("sqlite, WAL, synchronous = FULL", "FULL"),
    ] {
        let figures = sqlite(
            &folder.join(format!("{synchronous}.sqlite3")),
            synchronous,
            writes,
            reads,
        );
        report(name, figures);
    }
    report(
        "redb, Durability::Immediate",
        redb(&folder.join("kv.redb"), writes, reads),
    );
    let _ = std::fs::remove_dir_all(&folder);
}

/// Operations per second: writes, increments, reads.
type Figures = (f64, f64, f64);

fn report(name: &str, (writes, increments, reads): Figures) {
    println!(
        "{name:<36} {writes:>10.0} writes/s {increments:>10.0} increments/s {reads:>10.0} reads/s"
    );
}

fn per_second(count: usize, started: Instant) -> f64 {
    count as f64 / started.elapsed().as_secs_f64()
}

fn key(n: usize) -> String {
    format!("todo:{n:020}")
}

fn sqlite(path: &PathBuf, synchronous: &str, writes: usize, reads: usize) -> Figures {
    let mut db = Connection::open(path).expect("open");
    let _: String = db
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .expect("WAL");
    db.execute_batch(&format!(
        "PRAGMA synchronous = {synchronous};
         CREATE TABLE kv (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID;"
    ))
    .expect("create");
    let upsert = "INSERT INTO kv (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    let started = Instant::now();
    for n in 0..writes {
        db.execute(upsert, params![key(n), VALUE]).expect("write");
    }
    let write_rate = per_second(writes, started);
    let started = Instant::now();
    for _ in 0..writes {
        let transaction = db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .expect("begin");
        let current: Option<String> = transaction
            .query_row("SELECT value FROM kv WHERE key = 'n'", [], |row| row.get(0))
            .optional()
            .expect("read");
        let next = current.map_or(0, |n| n.parse::<i64>().expect("number")) + 1;
        transaction
            .execute(upsert, params!["n", next.to_string()])
            .expect("write");
        transaction.commit().expect("commit");
    }
    let increment_rate = per_second(writes, started);
    let started = Instant::now();
    let mut statement = db
        .prepare_cached("SELECT value FROM kv WHERE key = ?1")
        .expect("prepare");
    for n in 0..reads {
        let _: Vec<u8> = statement
            .query_row([key(n % writes)], |row| row.get(0))
            .expect("read");
    }
    (write_rate, increment_rate, per_second(reads, started))
}

fn redb(path: &Path, writes: usize, reads: usize) -> Figures {
    let db = Database::create(path).expect("create");
    let write = |change: &dyn Fn(&mut KvTable<'_>)| {
        let mut transaction = db.begin_write().expect("begin");
        transaction
            .set_durability(Durability::Immediate)
            .expect("durability");
        {
            let mut table = transaction.open_table(TABLE).expect("table");
            change(&mut table);
        }
        transaction.commit().expect("commit");
    };
    let started = Instant::now();
    for n in 0..writes {
        write(&|table| {
            table.insert(key(n).as_str(), VALUE).expect("write");
        });
    }
    let write_rate = per_second(writes, started);
    let started = Instant::now();
    for _ in 0..writes {
        write(&|table| {
            let current = table.get("n").expect("read").map(|value| {
                std::str::from_utf8(value.value())
                    .expect("text")
                    .parse::<i64>()
                    .expect("number")
            });
            let next = current.unwrap_or(0) + 1;
            table
                .insert("n", next.to_string().as_bytes())
                .expect("write");
        });
    }
    let increment_rate = per_second(writes, started);
    let started = Instant::now();
    for n in 0..reads {
        let transaction = db.begin_read().expect("begin");
        let table = transaction.open_table(TABLE).expect("table");
        let value = table
            .get(key(n % writes).as_str())
            .expect("read")
            .expect("present");
        assert_eq!(value.value(), VALUE);
    }
    (write_rate, increment_rate, per_second(reads, started))
}
