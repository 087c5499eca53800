//! The state of a crawl without `--state`: [`MemoryStore`], the [`StateStore`] kept in this
//! process's memory for one run (one round; nothing is kept after it). Its duplicate index
//! is bounded ([`MEMORY_DEDUP_RECORDS`]), so memory stays flat however long the crawl.

use super::frontier::Frontier;
use super::item::{History, Item};
use super::store::{Candidate, Outcome, Push, RunStart, StateStore, StoreError, Summary, Written};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

/// Written texts the in-memory store keeps for duplicate detection: a crawl without
/// `--state` compares each record with the last this many (memory stays flat however long
/// the crawl); with `--state`, the SQLite store compares with every record ever written.
pub const MEMORY_DEDUP_RECORDS: usize = 10_000;

/// The in-memory store of a crawl without `--state`: one round, nothing kept.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Memory>,
}

#[derive(Default)]
struct Memory {
    frontier: Frontier,
    /// Records committed, by id: their URL, hash and signature.
    records: HashMap<String, Candidate>,
    /// MinHash band → record ids.
    bands: HashMap<u64, Vec<String>>,
    /// Content hash → record ids.
    hashes: HashMap<String, Vec<String>>,
    /// Record ids in the order committed, for [`MEMORY_DEDUP_RECORDS`].
    order: std::collections::VecDeque<String>,
    shards: HashSet<String>,
    robots: HashMap<String, (Vec<u8>, i64)>,
    blocks: HashMap<String, i64>,
    written: u64,
    failed: u64,
    done: u64,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Memory {
    /// Drop a record from the duplicate index.
    fn forget(&mut self, id: &str) {
        let Some(c) = self.records.remove(id) else { return };
        for b in crate::crawl::dedup::bands(&c.signature) {
            if let Some(ids) = self.bands.get_mut(&b) {
                ids.retain(|i| i != id);
                if ids.is_empty() {
                    self.bands.remove(&b);
                }
            }
        }
        if let Some(ids) = self.hashes.get_mut(&c.content_hash) {
            ids.retain(|i| i != id);
            if ids.is_empty() {
                self.hashes.remove(&c.content_hash);
            }
        }
    }
}

impl StateStore for MemoryStore {
    fn begin(&self, _now: i64, _recrawl_after: Option<Duration>) -> Result<RunStart, StoreError> {
        Ok(RunStart {
            round: 1,
            ..RunStart::default()
        })
    }

    fn push_many(&self, items: &[(String, Item)]) -> Result<Vec<Push>, StoreError> {
        let mut m = self.lock();
        Ok(items
            .iter()
            .map(|(host, item)| {
                if m.frontier.mark_seen(&item.url) {
                    m.frontier.push(host, item.clone());
                    Push::Queued
                } else {
                    Push::Seen
                }
            })
            .collect())
    }

    fn requeue(&self, host: &str, item: &Item) -> Result<(), StoreError> {
        self.lock().frontier.push(host, item.clone());
        Ok(())
    }

    fn pop(&self, host: &str) -> Result<Option<(Item, Option<History>)>, StoreError> {
        Ok(self.lock().frontier.pop(host).map(|i| (i, None)))
    }

    fn stop_host(&self, host: &str) -> Result<u64, StoreError> {
        Ok(self.lock().frontier.drain_host(host).len() as u64)
    }

    fn is_seen(&self, url: &str) -> Result<bool, StoreError> {
        Ok(self.lock().frontier.is_seen_str(url))
    }

    fn has_record(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.lock().records.contains_key(id))
    }

    fn response(&self, _: &str, _: u16, _: Option<&str>, _: Option<&str>, _: i64) -> Result<(), StoreError> {
        Ok(())
    }

    fn outcome(&self, _url: &str, outcome: Outcome, _now: i64) -> Result<(), StoreError> {
        let mut m = self.lock();
        match outcome {
            Outcome::Done { .. } => m.done += 1,
            Outcome::Failed => m.failed += 1,
            Outcome::Pending => {}
        }
        Ok(())
    }

    fn commit(
        &self,
        written: &[Written],
        shard: Option<&str>,
        publish: &mut dyn FnMut() -> std::io::Result<()>,
        _now: i64,
    ) -> Result<(), StoreError> {
        publish().map_err(StoreError::Publish)?;
        let mut m = self.lock();
        for w in written {
            m.written += 1;
            if w.duplicate {
                continue;
            }
            let c = Candidate {
                id: w.id.clone(),
                url: w.url.clone(),
                content_hash: w.content_hash.clone(),
                signature: w.signature.clone(),
            };
            for b in crate::crawl::dedup::bands(&w.signature) {
                m.bands.entry(b).or_default().push(w.id.clone());
            }
            m.hashes
                .entry(w.content_hash.clone())
                .or_default()
                .push(w.id.clone());
            m.records.insert(w.id.clone(), c);
            m.order.push_back(w.id.clone());
            while m.order.len() > MEMORY_DEDUP_RECORDS {
                if let Some(old) = m.order.pop_front() {
                    m.forget(&old);
                }
            }
        }
        if let Some(s) = shard {
            m.shards.insert(s.to_string());
        }
        Ok(())
    }

    fn shards(&self) -> Result<HashSet<String>, StoreError> {
        Ok(self.lock().shards.clone())
    }

    fn candidates(&self, content_hash: &str, bands: &[u64]) -> Result<Vec<Candidate>, StoreError> {
        let m = self.lock();
        let mut ids: Vec<&String> = m.hashes.get(content_hash).into_iter().flatten().collect();
        for b in bands {
            ids.extend(m.bands.get(b).into_iter().flatten());
        }
        let mut seen = HashSet::new();
        Ok(ids
            .into_iter()
            .filter(|id| seen.insert(*id))
            .filter_map(|id| m.records.get(id).cloned())
            .collect())
    }

    fn robots(&self, host: &str) -> Result<Option<(Vec<u8>, i64)>, StoreError> {
        Ok(self.lock().robots.get(host).cloned())
    }

    fn set_robots(&self, host: &str, body: &[u8], now: i64) -> Result<(), StoreError> {
        self.lock().robots.insert(host.to_string(), (body.to_vec(), now));
        Ok(())
    }

    fn block(&self, host: &str, until: i64) -> Result<(), StoreError> {
        self.lock().blocks.insert(host.to_string(), until);
        Ok(())
    }

    fn blocks(&self, now: i64) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(self
            .lock()
            .blocks
            .iter()
            .filter(|(_, u)| **u > now)
            .map(|(h, u)| (h.clone(), *u))
            .collect())
    }

    fn summary(&self) -> Result<Summary, StoreError> {
        let m = self.lock();
        Ok(Summary {
            schema_version: 0,
            round: 1,
            queued: m.frontier.queued() as u64,
            written: m.written,
            done: m.done,
            failed: m.failed,
            shards: m.shards.len() as u64,
            hosts: Vec::new(),
            frontier: None,
        })
    }
}
