//! [`SqliteStore`]'s [`StateStore`] methods: each one short transaction on the store's
//! connection, over the tables of `super`'s schema.

use super::{exec, insert_item, query_one, SqliteStore, DONE, FAILED, IN_FLIGHT, PENDING, QUEUED, WRITTEN};
use crate::crawl::dedup;
use crate::crawl::state::item::{History, Item};
use crate::crawl::state::store::{
    failure_backoff, kind_of, via_of, Candidate, HostSummary, Outcome, Push, RunStart, StateStore,
    StoreError, Summary, Written,
};
use rusqlite::{params, OptionalExtension};
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

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
        publish().map_err(StoreError::Publish)?;
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
