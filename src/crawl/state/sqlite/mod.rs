//! [`SqliteStore`]: the [`StateStore`] of `--state crawl.db`, one SQLite file in WAL mode.
//! Created on first use; its schema is versioned (`meta.schema_version`) and migrated on
//! open; a state file of the old JSON Lines format is migrated into it (the old file is
//! kept next to it as `.bak`).
//!
//! Tables: `urls` (the frontier, the seen-set and each URL's fetch history, one row per
//! canonical URL, with a partial index over the queued rows by host and priority, so a
//! frontier of millions costs disk, not memory), `records` and `bands` (written texts for
//! duplicate detection), `shards` (complete output shards), `hosts` (robots.txt cache and
//! `Retry-After` blocks), `meta`. Every method is one transaction on one connection.
//! `synchronous = NORMAL` in WAL mode: a killed process loses nothing committed (a power
//! cut may lose the last commits, never corrupt the file). The trait's methods are in
//! `state_store`; opening, the schema and its migrations here.

mod state_store;
#[cfg(test)]
mod tests;

use super::item::Item;
use super::legacy as state;
use super::store::{kind_code, via_code, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Version of the schema this build writes.
pub const SCHEMA_VERSION: u32 = 2;

/// `urls.state`.
const QUEUED: i64 = 0;
const IN_FLIGHT: i64 = 1;
const DONE: i64 = 2;
const WRITTEN: i64 = 3;
const FAILED: i64 = 4;
const PENDING: i64 = 5;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    kind INTEGER NOT NULL,
    via INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    state INTEGER NOT NULL,
    round INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    chain TEXT,
    probe INTEGER NOT NULL DEFAULT 0,
    from_url TEXT,
    status INTEGER,
    etag TEXT,
    last_modified TEXT,
    fetched_at INTEGER,
    listing INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_at INTEGER,
    record_id TEXT,
    content_hash TEXT,
    revision INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS urls_queue ON urls(host, priority, seq) WHERE state = 0;
CREATE INDEX IF NOT EXISTS urls_state ON urls(state, host) WHERE state <> 0;
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    content_hash TEXT,
    signature BLOB,
    revision INTEGER NOT NULL,
    shard TEXT
);
CREATE INDEX IF NOT EXISTS records_hash ON records(content_hash);
CREATE TABLE IF NOT EXISTS bands (band INTEGER NOT NULL, id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bands_band ON bands(band);
CREATE INDEX IF NOT EXISTS bands_id ON bands(id);
CREATE TABLE IF NOT EXISTS shards (name TEXT PRIMARY KEY, records INTEGER NOT NULL, committed_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS hosts (host TEXT PRIMARY KEY, robots BLOB, robots_at INTEGER, blocked_until INTEGER);
";

/// The SQLite state store.
pub struct SqliteStore {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// The round this run works on (set by `begin`).
    round: AtomicU64,
    /// The next arrival number of a queued URL.
    seq: AtomicI64,
    /// When this run began (Unix seconds): the clock of the round's retry decisions.
    started: AtomicI64,
}

/// What happened when a store was opened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opened {
    /// A new database was created.
    pub created: bool,
    /// Entries imported from a JSON Lines state file (kept as this `.bak` file).
    pub migrated: Option<(usize, PathBuf)>,
}

fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

impl SqliteStore {
    fn err(&self, e: rusqlite::Error) -> StoreError {
        sql_err(&self.path, e)
    }

    /// Open (or create) the store at `path`, migrating an older schema or a JSON Lines state.
    pub fn open(path: &Path) -> Result<(SqliteStore, Opened), StoreError> {
        let mut opened = Opened::default();
        let legacy = is_legacy_jsonl(path);
        let mut imported = None;
        if legacy {
            let (known, _) =
                state::read_legacy(path).map_err(|e| io_err(path, "reading the JSON Lines state", e))?;
            let mut bak = path.as_os_str().to_owned();
            bak.push(".bak");
            let bak = PathBuf::from(bak);
            std::fs::rename(path, &bak).map_err(|e| io_err(path, "keeping the old state as .bak", e))?;
            imported = Some((known, bak));
        }
        opened.created = !path.exists();
        let conn = Connection::open(path).map_err(|e| sql_err(path, e))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| sql_err(path, e))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| sql_err(path, e))?;
        conn.pragma_update(None, "foreign_keys", "OFF")
            .map_err(|e| sql_err(path, e))?;
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(|e| sql_err(path, e))?;
        // Every statement of the store stays prepared (see `exec`).
        conn.set_prepared_statement_cache_capacity(64);
        conn.execute_batch(SCHEMA).map_err(|e| sql_err(path, e))?;
        let version: Option<u32> = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()
            .map_err(|e| sql_err(path, e))?
            .and_then(|v| v.parse().ok());
        match version {
            None => {
                conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?1), ('round', '0'), ('created_at', ?2)",
                    params![SCHEMA_VERSION.to_string(), now_unix().to_string()],
                )
                .map_err(|e| sql_err(path, e))?;
            }
            Some(v) if v > SCHEMA_VERSION => {
                return Err(StoreError::Db {
                    path: path.display().to_string(),
                    message: format!(
                        "schema version {v} is newer than this build's {SCHEMA_VERSION}: upgrade newsharvest"
                    ),
                });
            }
            Some(v) => {
                // Step by step from the file's version to this build's, in one transaction.
                let steps: &[(u32, &str)] = &[(
                    // 1 → 2: the state index leaves queued rows out (the queue index has
                    // them): a million-URL frontier is queued 15% faster.
                    1,
                    "DROP INDEX IF EXISTS urls_state;
                     CREATE INDEX urls_state ON urls(state, host) WHERE state <> 0;",
                )];
                let todo: Vec<&(u32, &str)> = steps.iter().filter(|(from, _)| *from >= v).collect();
                if !todo.is_empty() {
                    let mut sql = String::from("BEGIN IMMEDIATE;");
                    for (_, step) in &todo {
                        sql.push_str(step);
                    }
                    sql.push_str(&format!(
                        "UPDATE meta SET value = '{SCHEMA_VERSION}' WHERE key = 'schema_version'; COMMIT;"
                    ));
                    conn.execute_batch(&sql).map_err(|source| StoreError::Migrate {
                        path: path.display().to_string(),
                        from: v,
                        source,
                    })?;
                }
            }
        }
        let seq: i64 = conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM urls", [], |r| r.get(0))
            .map_err(|e| sql_err(path, e))?;
        let store = SqliteStore {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            round: AtomicU64::new(0),
            seq: AtomicI64::new(seq),
            started: AtomicI64::new(now_unix()),
        };
        if let Some((entries, bak)) = imported {
            let n = store.import(&entries)?;
            opened.migrated = Some((n, bak));
        }
        Ok((store, opened))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn tx<'c>(&self, conn: &'c mut Connection) -> Result<Transaction<'c>, StoreError> {
        conn.transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))
    }

    /// The articles of a JSON Lines state: written URLs and committed record ids.
    fn import(&self, entries: &[state::Entry]) -> Result<usize, StoreError> {
        let mut conn = self.lock();
        let tx = self.tx(&mut conn)?;
        let pairs = entries.iter().flat_map(|e| {
            e.url
                .iter()
                .chain(e.canonical_url.iter())
                .map(move |u| (u, &e.id))
        });
        for (url, id) in pairs {
            let host = url::Url::parse(url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            tx.execute(
                "INSERT OR IGNORE INTO urls(url, host, kind, via, depth, state, round, priority, seq, record_id, revision)
                 VALUES (?1, ?2, 0, 4, 0, ?3, 0, 0, 0, ?4, 1)",
                params![url, host, WRITTEN, id],
            )
            .map_err(|e| self.err(e))?;
        }
        for e in entries {
            tx.execute(
                "INSERT OR IGNORE INTO records(id, url, revision) VALUES (?1, ?2, 1)",
                params![e.id, e.url.as_deref().unwrap_or("")],
            )
            .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(entries.len())
    }

    fn next_seq(&self) -> i64 {
        self.seq.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn round(&self) -> i64 {
        self.round.load(Ordering::SeqCst) as i64
    }

    /// Size of the database file and its WAL, bytes.
    pub fn size_bytes(&self) -> u64 {
        let mut wal = self.path.as_os_str().to_owned();
        wal.push("-wal");
        [self.path.clone(), PathBuf::from(wal)]
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum()
    }
}

fn sql_err(path: &Path, source: rusqlite::Error) -> StoreError {
    StoreError::Sqlite {
        path: path.display().to_string(),
        source,
    }
}

fn io_err(path: &Path, context: &str, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        context: context.to_string(),
        source,
    }
}

/// An existing file that is not SQLite: the JSON Lines state of earlier versions.
/// Is `path` a state file of the JSON Lines format of earlier versions (migrated by
/// [`SqliteStore::open`])?
pub fn is_legacy_jsonl(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    match std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) {
        Ok(n) if n > 0 => {
            &head[..n.min(15)] != b"SQLite format 3" && head[..n].iter().any(|b| !b.is_ascii_whitespace())
        }
        _ => false,
    }
}

fn chain_text(item: &Item) -> Option<String> {
    (!item.chain.is_empty()).then(|| serde_json::to_string(&item.chain).unwrap_or_default())
}

/// `execute` with the statement cached: the crawl runs the same few statements millions of
/// times, and parsing them again each time cost a tenth of the time.
fn exec<P: rusqlite::Params>(c: &Connection, sql: &str, p: P) -> rusqlite::Result<usize> {
    c.prepare_cached(sql)?.execute(p)
}

/// `query_row` with the statement cached (see [`exec`]).
fn query_one<T, P: rusqlite::Params, F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>>(
    c: &Connection,
    sql: &str,
    p: P,
    f: F,
) -> rusqlite::Result<T> {
    c.prepare_cached(sql)?.query_row(p, f)
}

fn insert_item(
    tx: &Transaction<'_>,
    host: &str,
    item: &Item,
    round: i64,
    seq: i64,
) -> rusqlite::Result<usize> {
    exec(
        tx,
        "INSERT INTO urls(url, host, kind, via, depth, state, round, priority, seq, attempts, chain, probe, from_url)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT(url) DO UPDATE SET host = ?2, kind = ?3, via = ?4, depth = ?5, state = 0, round = ?6,
             priority = ?7, seq = ?8, attempts = ?9, chain = ?10, probe = ?11, from_url = ?12",
        params![
            item.url.as_str(),
            host,
            kind_code(item.kind),
            via_code(item.via),
            item.depth,
            round,
            item.priority(),
            seq,
            item.attempts,
            chain_text(item),
            item.probe,
            item.from.as_ref().map(|o| o.url.as_str()),
        ],
    )
}
