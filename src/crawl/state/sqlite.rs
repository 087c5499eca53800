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
//! cut may lose the last commits, never corrupt the file).

use super::frontier::Item;
use super::legacy as state;
use super::store::{
    failure_backoff, kind_code, kind_of, via_code, via_of, Candidate, History, HostSummary, Outcome, Push,
    RunStart, StateStore, StoreError, Summary, Written,
};
use crate::crawl::dedup;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::HashSet;
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
    fn err(&self, e: impl std::fmt::Display) -> StoreError {
        db_err(&self.path, e)
    }

    /// Open (or create) the store at `path`, migrating an older schema or a JSON Lines state.
    pub fn open(path: &Path) -> Result<(SqliteStore, Opened), StoreError> {
        let mut opened = Opened::default();
        let legacy = is_legacy_jsonl(path);
        let mut imported = None;
        if legacy {
            let (known, _) = state::read_legacy(path).map_err(|e| db_err(path, e))?;
            let mut bak = path.as_os_str().to_owned();
            bak.push(".bak");
            let bak = PathBuf::from(bak);
            std::fs::rename(path, &bak)
                .map_err(|e| db_err(path, format!("keeping the old state as .bak: {e}")))?;
            imported = Some((known, bak));
        }
        opened.created = !path.exists();
        let conn = Connection::open(path).map_err(|e| db_err(path, e))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| db_err(path, e))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| db_err(path, e))?;
        conn.pragma_update(None, "foreign_keys", "OFF")
            .map_err(|e| db_err(path, e))?;
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(|e| db_err(path, e))?;
        // Every statement of the store stays prepared (see `exec`).
        conn.set_prepared_statement_cache_capacity(64);
        conn.execute_batch(SCHEMA).map_err(|e| db_err(path, e))?;
        let version: Option<u32> = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()
            .map_err(|e| db_err(path, e))?
            .and_then(|v| v.parse().ok());
        match version {
            None => {
                conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?1), ('round', '0'), ('created_at', ?2)",
                    params![SCHEMA_VERSION.to_string(), now_unix().to_string()],
                )
                .map_err(|e| db_err(path, e))?;
            }
            Some(v) if v > SCHEMA_VERSION => {
                return Err(db_err(
                    path,
                    format!(
                        "schema version {v} is newer than this build's {SCHEMA_VERSION}: upgrade newsharvest"
                    ),
                ));
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
                    conn.execute_batch(&sql)
                        .map_err(|e| db_err(path, format!("migrating the schema from version {v}: {e}")))?;
                }
            }
        }
        let seq: i64 = conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM urls", [], |r| r.get(0))
            .map_err(|e| db_err(path, e))?;
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

fn db_err(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Db {
        path: path.display().to_string(),
        message: e.to_string(),
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

impl StateStore for SqliteStore {
    fn begin(&self, now: i64, recrawl_after: Option<Duration>) -> Result<RunStart, StoreError> {
        let mut conn = self.lock();
        let tx = self.tx(&mut conn)?;
        let e = |e: rusqlite::Error| self.err(e);
        exec(
            &tx,
            // `state <> 0` repeated: it lets SQLite use the partial index `urls_state`.
            "UPDATE urls SET state = 0 WHERE state IN (?1, ?2) AND state <> 0",
            params![IN_FLIGHT, PENDING],
        )
        .map_err(e)?;
        let queued: i64 = tx
            .query_row("SELECT COUNT(*) FROM urls WHERE state = 0", [], |r| r.get(0))
            .map_err(e)?;
        let mut round: i64 = tx
            .query_row("SELECT value FROM meta WHERE key = 'round'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()
            .map_err(e)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let continued = queued > 0 && round > 0;
        let mut recrawl = 0;
        if !continued {
            round += 1;
            exec(
                &tx,
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('round', ?1)",
                params![round.to_string()],
            )
            .map_err(e)?;
            if let Some(after) = recrawl_after {
                let before = now - after.as_secs() as i64;
                recrawl = tx
                    .execute(
                        "UPDATE urls SET state = 0, round = ?1, attempts = 0 WHERE state = ?2 AND state <> 0 AND COALESCE(fetched_at, 0) <= ?3",
                        params![round, WRITTEN, before],
                    )
                    .map_err(e)? as u64;
            }
        }
        let queued_by_host: Vec<(String, u64)> = {
            let mut st = tx
                .prepare("SELECT host, COUNT(*) FROM urls WHERE state = 0 GROUP BY host ORDER BY host")
                .map_err(e)?;
            let rows = st
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))
                .map_err(e)?;
            rows.collect::<rusqlite::Result<_>>().map_err(e)?
        };
        tx.commit().map_err(e)?;
        self.round.store(round as u64, Ordering::SeqCst);
        self.started.store(now, Ordering::SeqCst);
        Ok(RunStart {
            round: round as u64,
            continued,
            queued: queued_by_host,
            recrawl,
        })
    }

    fn push_many(&self, items: &[(String, Item)]) -> Result<Vec<Push>, StoreError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let round = self.round();
        let now = self.started.load(Ordering::SeqCst);
        let mut conn = self.lock();
        let tx = self.tx(&mut conn)?;
        let mut out = Vec::with_capacity(items.len());
        {
            let mut find = tx
                .prepare_cached("SELECT state, round, retry_at FROM urls WHERE url = ?1")
                .map_err(|e| self.err(e))?;
            for (host, item) in items {
                let row: Option<(i64, i64, Option<i64>)> = find
                    .query_row(params![item.url.as_str()], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()
                    .map_err(|e| self.err(e))?;
                let push = match row {
                    None => Push::Queued,
                    Some((_, r, _)) if r == round => Push::Seen,
                    Some((WRITTEN, _, _)) => Push::Written,
                    Some((DONE, _, _)) => Push::Queued,
                    Some((FAILED, _, retry_at)) if retry_at.is_none_or(|t| t <= now) => Push::Queued,
                    Some(_) => Push::Seen,
                };
                match push {
                    Push::Queued => {
                        insert_item(&tx, host, item, round, self.next_seq()).map_err(|e| self.err(e))?;
                    }
                    // Counted once per round: later finds of it this round are just seen.
                    Push::Written => {
                        exec(
                            &tx,
                            "UPDATE urls SET round = ?2 WHERE url = ?1",
                            params![item.url.as_str(), round],
                        )
                        .map_err(|e| self.err(e))?;
                    }
                    Push::Seen => {}
                }
                out.push(push);
            }
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(out)
    }

    fn requeue(&self, host: &str, item: &Item) -> Result<(), StoreError> {
        let round = self.round();
        let mut conn = self.lock();
        let tx = self.tx(&mut conn)?;
        insert_item(&tx, host, item, round, self.next_seq()).map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    fn pop(&self, host: &str) -> Result<Option<(Item, Option<History>)>, StoreError> {
        let mut conn = self.lock();
        let tx = self.tx(&mut conn)?;
        let row = tx
            .query_row(
                "SELECT url, kind, via, depth, attempts, chain, probe, from_url, status, etag, last_modified,
                        fetched_at, listing, failures, record_id, content_hash, revision
                 FROM urls WHERE host = ?1 AND state = 0 ORDER BY priority, seq LIMIT 1",
                params![host],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, u32>(3)?,
                        r.get::<_, u32>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, bool>(6)?,
                        r.get::<_, Option<String>>(7)?,
                        History {
                            status: r.get::<_, Option<u16>>(8)?,
                            etag: r.get(9)?,
                            last_modified: r.get(10)?,
                            fetched_at: r.get(11)?,
                            listing: r.get::<_, bool>(12)?,
                            failures: r.get(13)?,
                            record_id: r.get(14)?,
                            content_hash: r.get(15)?,
                            revision: r.get(16)?,
                        },
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((url, kind, via, depth, attempts, chain, probe, from, history)) = row else {
            return Ok(None);
        };
        exec(
            &tx,
            "UPDATE urls SET state = ?1 WHERE url = ?2",
            params![IN_FLIGHT, url],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))?;
        let Ok(parsed) = url::Url::parse(&url) else {
            // A row this build did not write: drop it rather than stop the crawl.
            return Ok(None);
        };
        let mut item = Item::new(parsed, kind_of(kind), via_of(via), depth);
        item.attempts = attempts;
        item.chain = chain
            .and_then(|c| serde_json::from_str(&c).ok())
            .unwrap_or_default();
        item.probe = probe;
        item.from = from
            .and_then(|f| crate::crawl::traps::Origin::parse(&f))
            .map(std::sync::Arc::new);
        let history = (history.fetched_at.is_some() || history.record_id.is_some()).then_some(history);
        Ok(Some((item, history)))
    }

    fn stop_host(&self, host: &str) -> Result<u64, StoreError> {
        let conn = self.lock();
        query_one(
            &conn,
            "SELECT COUNT(*) FROM urls WHERE host = ?1 AND state = 0",
            params![host],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n as u64)
        .map_err(|e| self.err(e))
    }

    fn is_seen(&self, url: &str) -> Result<bool, StoreError> {
        let round = self.round();
        let conn = self.lock();
        query_one(
            &conn,
            "SELECT 1 FROM urls WHERE url = ?1 AND (round = ?2 OR state = ?3)",
            params![url, round, WRITTEN],
            |_| Ok(()),
        )
        .optional()
        .map(|r| r.is_some())
        .map_err(|e| self.err(e))
    }

    fn has_record(&self, id: &str) -> Result<bool, StoreError> {
        let conn = self.lock();
        query_one(&conn, "SELECT 1 FROM records WHERE id = ?1", params![id], |_| {
            Ok(())
        })
        .optional()
        .map(|r| r.is_some())
        .map_err(|e| self.err(e))
    }

    fn response(
        &self,
        url: &str,
        status: u16,
        etag: Option<&str>,
        last_modified: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let conn = self.lock();
        // A 304 need not repeat the validators: keep the ones we have.
        exec(
            &conn,
            "UPDATE urls SET status = ?2, etag = COALESCE(?3, etag), last_modified = COALESCE(?4, last_modified),
                 fetched_at = ?5 WHERE url = ?1",
            params![url, status, etag, last_modified, now],
        )
        .map(|_| ())
        .map_err(|e| self.err(e))
    }

    fn outcome(&self, url: &str, outcome: Outcome, now: i64) -> Result<(), StoreError> {
        let conn = self.lock();
        let r = match outcome {
            // A recrawled article that did not change stays written.
            Outcome::Done { listing } => exec(
                &conn,
                "UPDATE urls SET state = CASE WHEN record_id IS NULL THEN ?2 ELSE ?4 END, listing = ?3, failures = 0
                 WHERE url = ?1",
                params![url, DONE, listing, WRITTEN],
            ),
            Outcome::Pending => exec(
                &conn,
                "UPDATE urls SET state = ?2, listing = 0, failures = 0 WHERE url = ?1",
                params![url, PENDING],
            ),
            Outcome::Failed => {
                let failures: u32 = conn
                    .query_row("SELECT failures FROM urls WHERE url = ?1", params![url], |r| r.get(0))
                    .optional()
                    .map_err(|e| self.err(e))?
                    .unwrap_or(0);
                let retry_at = now + failure_backoff(failures + 1).as_secs() as i64;
                exec(
                    &conn,
                    "UPDATE urls SET state = ?2, failures = failures + 1, retry_at = ?3 WHERE url = ?1",
                    params![url, FAILED, retry_at],
                )
            }
        };
        r.map(|_| ()).map_err(|e| self.err(e))
    }

    fn commit(
        &self,
        written: &[Written],
        shard: Option<&str>,
        publish: &mut dyn FnMut() -> std::io::Result<()>,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = self.tx(&mut conn)?;
        let e = |e: rusqlite::Error| self.err(e);
        for w in written {
            exec(
                &tx,
                "UPDATE urls SET state = ?2, record_id = ?3, content_hash = ?4, revision = ?5, failures = 0 WHERE url = ?1",
                params![w.url, WRITTEN, w.id, w.content_hash, w.revision],
            )
            .map_err(e)?;
            exec(
                &tx,
                // An upsert, not a replace: a revision keeps its rowid, so "the first record with
                // this text" (`candidates`) stays the one written first.
                "INSERT INTO records(id, url, content_hash, signature, revision, shard) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET url = excluded.url, content_hash = excluded.content_hash,
                     signature = excluded.signature, revision = excluded.revision, shard = excluded.shard",
                params![w.id, w.url, w.content_hash, dedup::to_bytes(&w.signature), w.revision, shard],
            )
            .map_err(e)?;
            exec(&tx, "DELETE FROM bands WHERE id = ?1", params![w.id]).map_err(e)?;
            let indexed = if w.duplicate {
                Vec::new()
            } else {
                dedup::bands(&w.signature)
            };
            for b in indexed {
                exec(
                    &tx,
                    "INSERT INTO bands(band, id) VALUES (?1, ?2)",
                    params![b as i64, w.id],
                )
                .map_err(e)?;
            }
        }
        if let Some(name) = shard {
            exec(
                &tx,
                "INSERT OR REPLACE INTO shards(name, records, committed_at) VALUES (?1, ?2, ?3)",
                params![name, written.len() as i64, now],
            )
            .map_err(e)?;
        }
        // The rename inside the transaction: a crash before COMMIT leaves a complete shard
        // the database does not know, which the next start removes (its URLs are fetched
        // again); after COMMIT, both agree.
        publish().map_err(|e| StoreError::Publish(e.to_string()))?;
        tx.commit().map_err(e)
    }

    fn shards(&self) -> Result<HashSet<String>, StoreError> {
        let conn = self.lock();
        let mut st = conn.prepare("SELECT name FROM shards").map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.err(e))
    }

    fn candidates(&self, content_hash: &str, bands: &[u64]) -> Result<Vec<Candidate>, StoreError> {
        let conn = self.lock();
        let e = |e: rusqlite::Error| self.err(e);
        let mut ids: Vec<String> = Vec::new();
        {
            let mut by_hash = conn
                // The first record with this text: its copies add nothing to compare with.
                .prepare_cached("SELECT id FROM records WHERE content_hash = ?1 ORDER BY rowid LIMIT 1")
                .map_err(e)?;
            let rows = by_hash
                .query_map(params![content_hash], |r| r.get(0))
                .map_err(e)?;
            for id in rows {
                ids.push(id.map_err(e)?);
            }
            let mut by_band = conn
                .prepare_cached("SELECT id FROM bands WHERE band = ?1")
                .map_err(e)?;
            for b in bands {
                let rows = by_band.query_map(params![*b as i64], |r| r.get(0)).map_err(e)?;
                for id in rows {
                    ids.push(id.map_err(e)?);
                }
            }
        }
        let mut seen = HashSet::new();
        ids.retain(|id| seen.insert(id.clone()));
        let mut get = conn
            .prepare_cached("SELECT url, content_hash, signature FROM records WHERE id = ?1")
            .map_err(e)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row: Option<(String, Option<String>, Option<Vec<u8>>)> = get
                .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()
                .map_err(e)?;
            if let Some((url, hash, sig)) = row {
                out.push(Candidate {
                    id,
                    url,
                    content_hash: hash.unwrap_or_default(),
                    signature: sig.map(|s| dedup::from_bytes(&s)).unwrap_or_default(),
                });
            }
        }
        Ok(out)
    }

    fn robots(&self, host: &str) -> Result<Option<(Vec<u8>, i64)>, StoreError> {
        let conn = self.lock();
        query_one(
            &conn,
            "SELECT robots, robots_at FROM hosts WHERE host = ?1 AND robots IS NOT NULL",
            params![host],
            |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)),
        )
        .optional()
        .map_err(|e| self.err(e))
    }

    fn set_robots(&self, host: &str, body: &[u8], now: i64) -> Result<(), StoreError> {
        let conn = self.lock();
        exec(
            &conn,
            "INSERT INTO hosts(host, robots, robots_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(host) DO UPDATE SET robots = ?2, robots_at = ?3",
            params![host, body, now],
        )
        .map(|_| ())
        .map_err(|e| self.err(e))
    }

    fn block(&self, host: &str, until: i64) -> Result<(), StoreError> {
        let conn = self.lock();
        exec(
            &conn,
            "INSERT INTO hosts(host, blocked_until) VALUES (?1, ?2)
             ON CONFLICT(host) DO UPDATE SET blocked_until = MAX(COALESCE(blocked_until, 0), ?2)",
            params![host, until],
        )
        .map(|_| ())
        .map_err(|e| self.err(e))
    }

    fn blocks(&self, now: i64) -> Result<Vec<(String, i64)>, StoreError> {
        let conn = self.lock();
        let mut st = conn
            .prepare("SELECT host, blocked_until FROM hosts WHERE blocked_until > ?1")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![now], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.err(e))
    }

    fn summary(&self) -> Result<Summary, StoreError> {
        let conn = self.lock();
        let e = |e: rusqlite::Error| self.err(e);
        let meta = |k: &str| -> Result<u64, StoreError> {
            Ok(conn
                .query_row("SELECT value FROM meta WHERE key = ?1", params![k], |r| {
                    r.get::<_, String>(0)
                })
                .optional()
                .map_err(e)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0))
        };
        let mut s = Summary {
            schema_version: meta("schema_version")? as u32,
            round: meta("round")?,
            ..Summary::default()
        };
        let mut hosts: std::collections::BTreeMap<String, HostSummary> = Default::default();
        {
            let mut st = conn
                .prepare("SELECT host, state, COUNT(*) FROM urls GROUP BY host, state")
                .map_err(e)?;
            let rows = st
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)? as u64,
                    ))
                })
                .map_err(e)?;
            for row in rows {
                let (host, state, n) = row.map_err(e)?;
                let h = hosts.entry(host.clone()).or_insert_with(|| HostSummary {
                    host,
                    ..HostSummary::default()
                });
                match state {
                    QUEUED | IN_FLIGHT | PENDING => {
                        s.queued += n;
                        h.queued += n;
                    }
                    WRITTEN => {
                        s.written += n;
                        h.written += n;
                    }
                    FAILED => {
                        s.failed += n;
                        h.failed += n;
                    }
                    _ => s.done += n,
                }
            }
        }
        {
            let mut st = conn
                .prepare("SELECT host, blocked_until FROM hosts WHERE blocked_until IS NOT NULL")
                .map_err(e)?;
            let rows = st
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(e)?;
            for row in rows {
                let (host, until) = row.map_err(e)?;
                hosts
                    .entry(host.clone())
                    .or_insert_with(|| HostSummary {
                        host,
                        ..HostSummary::default()
                    })
                    .blocked_until = Some(until);
            }
        }
        s.shards = conn
            .query_row("SELECT COUNT(*) FROM shards", [], |r| r.get::<_, i64>(0))
            .map_err(e)? as u64;
        s.hosts = hosts.into_values().collect();
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawl::state::frontier::{Kind, Via};

    fn item(url: &str, kind: Kind, via: Via) -> Item {
        Item::new(url::Url::parse(url).expect("url"), kind, via, 1)
    }

    fn open(name: &str) -> (SqliteStore, PathBuf) {
        let dir = crate::test_dir("sqlite");
        let p = dir.join(name);
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", p.display()));
        }
        let (s, o) = SqliteStore::open(&p).expect("open");
        assert!(o.created);
        (s, p)
    }

    fn w(url: &str, id: &str, hash: &str) -> Written {
        Written {
            url: url.into(),
            id: id.into(),
            content_hash: hash.into(),
            revision: 1,
            signature: Vec::new(),
            duplicate: false,
        }
    }

    #[test]
    fn frontier_order_seen_set_and_rounds() {
        let (s, p) = open("rounds.db");
        let start = s.begin(1_000, None).expect("begin");
        assert_eq!((start.round, start.continued), (1, false));
        let a = item("http://h.test/a", Kind::Page, Via::Link);
        let sm = item("http://h.test/sitemap.xml", Kind::Sitemap, Via::Sitemap);
        let pushed = s
            .push_many(&[
                ("h.test".into(), a.clone()),
                ("h.test".into(), sm.clone()),
                ("h.test".into(), a.clone()),
            ])
            .expect("push");
        assert_eq!(pushed, vec![Push::Queued, Push::Queued, Push::Seen]);
        // Priority first: the sitemap before the link.
        let (first, hist) = s.pop("h.test").expect("pop").expect("item");
        assert_eq!(first.url.as_str(), "http://h.test/sitemap.xml");
        assert!(hist.is_none(), "never fetched");
        s.response(sm.url.as_str(), 200, Some("\"v1\""), None, 1_001)
            .expect("response");
        s.outcome(sm.url.as_str(), Outcome::Done { listing: false }, 1_001)
            .expect("outcome");
        // A kill with the link in flight: the next run continues the round with it queued.
        let (_link, _) = s.pop("h.test").expect("pop").expect("item");
        drop(s);
        let (s, _) = SqliteStore::open(&p).expect("reopen");
        let start = s.begin(1_002, None).expect("begin");
        assert_eq!((start.round, start.continued), (1, true));
        assert_eq!(start.queued, vec![("h.test".to_string(), 1)]);
        assert_eq!(
            s.push_many(&[("h.test".into(), sm.clone())]).expect("push"),
            vec![Push::Seen]
        );
        let (link, _) = s.pop("h.test").expect("pop").expect("item");
        s.response(
            link.url.as_str(),
            200,
            None,
            Some("Tue, 01 Dec 2026 10:00:00 GMT"),
            1_003,
        )
        .expect("response");
        s.outcome(link.url.as_str(), Outcome::Pending, 1_003)
            .expect("pending");
        s.commit(&[w(link.url.as_str(), "id-a", "h1")], None, &mut || Ok(()), 1_003)
            .expect("commit");
        assert!(s.has_record("id-a").expect("has"));
        // A new round: the sitemap is queued again (with its validators), the article not.
        let start = s.begin(2_000, None).expect("begin");
        assert_eq!((start.round, start.continued), (2, false));
        let pushed = s
            .push_many(&[
                ("h.test".into(), sm.clone()),
                ("h.test".into(), a.clone()),
                ("h.test".into(), a.clone()),
            ])
            .expect("push");
        assert_eq!(pushed, vec![Push::Queued, Push::Written, Push::Seen]);
        let (_, hist) = s.pop("h.test").expect("pop").expect("sitemap");
        assert_eq!(hist.and_then(|h| h.etag).as_deref(), Some("\"v1\""));
        assert!(s.pop("h.test").expect("pop").is_none());
        s.response(sm.url.as_str(), 304, None, None, 2_001).expect("304");
        s.outcome(sm.url.as_str(), Outcome::Done { listing: false }, 2_001)
            .expect("done");
        // --recrawl-after: the written article comes back in the next round, with its record.
        let start = s.begin(3_000, Some(Duration::from_secs(0))).expect("begin");
        assert_eq!(start.recrawl, 1);
        let (again, hist) = s.pop("h.test").expect("pop").expect("recrawl");
        assert_eq!(again.url.as_str(), "http://h.test/a");
        let hist = hist.expect("history");
        assert_eq!(
            (
                hist.record_id.as_deref(),
                hist.content_hash.as_deref(),
                hist.revision
            ),
            (Some("id-a"), Some("h1"), 1)
        );
        // Unchanged: it stays written.
        s.outcome(again.url.as_str(), Outcome::Done { listing: false }, 3_001)
            .expect("done");
        assert_eq!(s.summary().expect("summary").written, 1);
    }

    #[test]
    fn failures_back_off_across_rounds() {
        let (s, _) = open("failures.db");
        s.begin(0, None).expect("begin");
        let a = item("http://h.test/broken", Kind::Page, Via::Link);
        s.push_many(&[("h.test".into(), a.clone())]).expect("push");
        s.pop("h.test").expect("pop");
        s.outcome(a.url.as_str(), Outcome::Failed, 100).expect("failed");
        s.begin(200, None).expect("new round");
        // Within the hour of backoff: seen, not retried.
        assert_eq!(
            s.push_many(&[("h.test".into(), a.clone())]).expect("push"),
            vec![Push::Seen]
        );
        s.begin(100 + 3_600, None).expect("new round");
        assert_eq!(
            s.push_many(&[("h.test".into(), a.clone())]).expect("push"),
            vec![Push::Queued]
        );
        assert_eq!(s.summary().expect("summary").failed, 0, "queued again");
    }

    #[test]
    fn a_failed_publish_changes_nothing_and_shards_robots_blocks_are_kept() {
        let (s, _) = open("commit.db");
        s.begin(0, None).expect("begin");
        let a = item("http://h.test/a", Kind::Page, Via::Link);
        s.push_many(&[("h.test".into(), a.clone())]).expect("push");
        s.pop("h.test").expect("pop");
        s.outcome(a.url.as_str(), Outcome::Pending, 1).expect("pending");
        let err = s.commit(
            &[w(a.url.as_str(), "id-a", "h")],
            Some("part-00000.jsonl"),
            &mut || Err(std::io::Error::other("disk full")),
            1,
        );
        assert!(matches!(err, Err(StoreError::Publish(_))));
        assert!(!s.has_record("id-a").expect("has"));
        assert!(s.shards().expect("shards").is_empty());
        let mut sig = vec![7u32; dedup::SIGNATURE_LEN];
        sig[0] = 1;
        let mut written = w(a.url.as_str(), "id-a", "h");
        written.signature = sig.clone();
        let mut published = false;
        s.commit(
            &[written],
            Some("part-00000.jsonl"),
            &mut || {
                published = true;
                Ok(())
            },
            2,
        )
        .expect("commit");
        assert!(published);
        assert_eq!(
            s.shards().expect("shards"),
            ["part-00000.jsonl".to_string()].into()
        );
        let c = s
            .candidates("other-hash", &dedup::bands(&sig))
            .expect("candidates");
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].id.as_str(), c[0].signature.clone()), ("id-a", sig.clone()));
        assert_eq!(s.candidates("h", &[]).expect("by hash").len(), 1);
        // Copies of it are written but not indexed: a later copy is compared with the
        // original only, however many copies there are.
        let copies: Vec<Written> = (0..5)
            .map(|i| {
                let mut c = w(&format!("http://h.test/copy{i}"), &format!("copy-{i}"), "h");
                c.signature = sig.clone();
                c.duplicate = true;
                c
            })
            .collect();
        s.commit(&copies, None, &mut || Ok(()), 3).expect("commit copies");
        let c = s.candidates("h", &dedup::bands(&sig)).expect("candidates");
        assert_eq!(c.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec!["id-a"]);
        s.set_robots("h.test", b"User-agent: *\nDisallow: /x", 5)
            .expect("robots");
        assert_eq!(
            s.robots("h.test").expect("robots"),
            Some((b"User-agent: *\nDisallow: /x".to_vec(), 5))
        );
        s.block("h.test", 100).expect("block");
        s.block("h.test", 50)
            .expect("an earlier block does not shorten it");
        assert_eq!(s.blocks(10).expect("blocks"), vec![("h.test".to_string(), 100)]);
        assert!(s.blocks(100).expect("blocks").is_empty());
        let sum = s.summary().expect("summary");
        assert_eq!(
            (sum.written, sum.shards, sum.schema_version),
            (1, 1, SCHEMA_VERSION)
        );
        assert_eq!(sum.hosts[0].blocked_until, Some(100));
    }

    #[test]
    fn a_version_1_state_is_migrated_to_the_partial_index() {
        let (s, p) = open("v1.db");
        s.begin(0, None).expect("begin");
        let a = item("http://h.test/a", Kind::Page, Via::Link);
        s.push_many(&[("h.test".into(), a.clone())]).expect("push");
        drop(s);
        // Turn it into what version 1 wrote.
        let conn = Connection::open(&p).expect("raw");
        conn.execute_batch(
            "DROP INDEX urls_state; CREATE INDEX urls_state ON urls(state, host);
             UPDATE meta SET value = '1' WHERE key = 'schema_version';",
        )
        .expect("v1");
        drop(conn);
        let (s, _) = SqliteStore::open(&p).expect("migrate");
        assert_eq!(s.summary().expect("summary").schema_version, SCHEMA_VERSION);
        let conn = s.lock();
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'urls_state'",
                [],
                |r| r.get(0),
            )
            .expect("index");
        assert!(sql.contains("WHERE state <> 0"), "{sql}");
        // The queries that filter on state use it.
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN UPDATE urls SET state = 0 WHERE state IN (1, 5) AND state <> 0",
                [],
                |r| r.get(3),
            )
            .expect("plan");
        assert!(plan.contains("urls_state"), "{plan}");
        drop(conn);
        assert_eq!(s.summary().expect("summary").queued, 1, "the frontier survived");
    }

    #[test]
    fn a_json_lines_state_is_migrated_and_kept() {
        let dir = crate::test_dir("sqlite-migrate");
        let p = dir.join("state.jsonl");
        let _ = std::fs::remove_file(dir.join("state.jsonl.bak"));
        std::fs::write(
            &p,
            "{\"url\":\"http://h.test/a\",\"canonical_url\":\"http://h.test/a/\",\"id\":\"id-a\",\"date_fetched\":null}\n",
        )
        .expect("write");
        let (s, opened) = SqliteStore::open(&p).expect("open");
        assert_eq!(opened.migrated.as_ref().map(|m| m.0), Some(1));
        assert!(dir.join("state.jsonl.bak").exists());
        s.begin(0, None).expect("begin");
        for u in ["http://h.test/a", "http://h.test/a/"] {
            let pushed = s
                .push_many(&[("h.test".into(), item(u, Kind::Page, Via::Link))])
                .expect("push");
            assert_eq!(pushed, vec![Push::Written], "{u}");
        }
        assert!(s.has_record("id-a").expect("has"));
        // A newer schema is refused with a clear message.
        drop(s);
        let conn = Connection::open(&p).expect("raw");
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'", [])
            .expect("bump");
        drop(conn);
        let err = SqliteStore::open(&p).err().expect("refused").to_string();
        assert!(err.contains("newer than this build"), "{err}");
    }
}
