//! A crawl state on Redis shared by every worker of a job (`crawl --frontier
//! redis://HOST:PORT/DB --job NAME`): the same [`StateStore`] as SQLite, plus the
//! [`SharedFrontier`] that makes politeness global.
//!
//! **Keys** are namespaced `nh:{JOB}:` (docs/scaling.md lists them). Per-host queues
//! (`q:<host>`, sorted by priority then arrival) and one sorted set of hosts with queued
//! URLs scored by their next allowed fetch time (`due`). A claim (one Lua script, see
//! [`super::redis_lua`]) takes a due host's first URL and holds the host until the worker
//! releases it after the response with `now + gap` (the larger of the interval and the
//! robots.txt Crawl-delay, or a `Retry-After` block): however many workers, a host sees one
//! request at a time, and the time from the end of one response to the next request is
//! never shorter than the gap.
//!
//! **Leases.** A claimed URL is leased to its worker (`fetching:<worker>`), then, once its
//! record is made, waits for its shard's commit (`pending:<worker>`). A worker's heartbeat
//! (every quarter of `--lease-timeout`) renews its registration and the hosts it holds; a
//! worker whose heartbeat is older than the lease timeout is dead, and whoever notices
//! first settles its prepared shards and queues its leases again.
//!
//! **Exactly-once shards.** Before a worker renames a complete shard into place it stores
//! a prepared entry (shard name and its articles); after the rename, one script marks the
//! articles written and drops the entry. A dead worker's prepared entry is settled through
//! the file system, which decides atomically: the finder removes the shard's temporary file;
//! if that succeeds the rename can no longer happen and the articles are queued again; if the
//! file is gone the rename happened, and the complete shard's articles are marked written.
//! A worker found dead while still running (a long pause) is fenced: its next claim,
//! heartbeat or prepare fails and it stops.
//!
//! The trait is synchronous (it is called from the crawl's tasks and its writer thread, as
//! the SQLite store is); calls run on this store's own single-thread Tokio runtime through
//! a `redis` connection manager, which reconnects with backoff. A call that fails because
//! Redis is unreachable is retried for [`OUTAGE`]; a Redis restart mid-crawl is waited out.

mod client;
mod config;
pub mod lua;
mod shared;
mod state_store;
mod wire;

pub use config::{default_worker_id, sanitize_worker, FrontierConfig, OUTAGE};
pub use wire::fingerprint;

use crate::crawl::state::store::StoreError;
use client::{arg, lock, Inner, Scripts};
use redis::aio::ConnectionManager;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The Redis state store (see the module documentation).
pub struct RedisStore {
    inner: Arc<Inner>,
    rt: Mutex<Option<tokio::runtime::Runtime>>,
    /// The heartbeat runs while the store is open (also while the crawl's tasks are busy).
    heartbeat: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Responses of URLs whose outcome is not known yet (see [`StateStore::response`]).
    responses: Mutex<HashMap<String, Response>>,
}

/// What a response said, until its URL's outcome.
struct Response {
    status: u16,
    at: i64,
    etag: Option<String>,
    last_modified: Option<String>,
}

impl RedisStore {
    /// Connect (failing within seconds when Redis cannot be reached at all) and start the
    /// heartbeat. The worker registers in [`StateStore::begin`].
    pub fn connect(cfg: FrontierConfig) -> Result<RedisStore, StoreError> {
        let fail = |m: &str| StoreError::Db {
            path: cfg.path(),
            message: m.to_string(),
        };
        let redis = |context: &'static str, source| StoreError::Redis {
            path: cfg.path(),
            context: Some(context),
            source,
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("newsharvest-redis")
            .enable_all()
            .build()
            .map_err(|source| StoreError::Io {
                path: cfg.path(),
                context: "starting the Redis client".into(),
                source,
            })?;
        let client =
            redis::Client::open(cfg.url.as_str()).map_err(|e| redis("opening the Redis client", e))?;
        let mcfg = redis::aio::ConnectionManagerConfig::new()
            .set_number_of_retries(4)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_secs(2))
            .set_connection_timeout(Some(Duration::from_secs(5)))
            .set_response_timeout(Some(Duration::from_secs(30)));
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        rt.spawn(async move {
            let r = tokio::time::timeout(
                Duration::from_secs(15),
                ConnectionManager::new_with_config(client, mcfg),
            )
            .await;
            let _ = tx.send(r);
        });
        let conn = match rx.recv() {
            Ok(Ok(Ok(c))) => c,
            Ok(Ok(Err(e))) => return Err(redis("cannot reach Redis", e)),
            Ok(Err(_)) => return Err(fail("cannot reach Redis: no answer within 15 s")),
            Err(_) => return Err(fail("the Redis client stopped")),
        };
        let inner = Arc::new(Inner {
            conn,
            prefix: Arc::from(format!("nh:{{{}}}:", cfg.job)),
            handle: rt.handle().clone(),
            cfg,
            scripts: Arc::new(Scripts::new()),
            round_trips: AtomicU64::new(0),
            fenced: AtomicBool::new(false),
            beat: Mutex::new((None, None)),
            nonce: format!("{}-{:016x}", std::process::id(), rand::random::<u64>()),
        });
        Ok(RedisStore {
            inner,
            rt: Mutex::new(Some(rt)),
            heartbeat: Mutex::new(None),
            responses: Mutex::new(HashMap::new()),
        })
    }

    /// The key prefix of a job: `nh:{JOB}:`.
    pub fn prefix(&self) -> &str {
        &self.inner.prefix
    }

    fn start_heartbeat(&self) {
        let inner = self.inner.clone();
        let every = (inner.cfg.lease / 4).max(Duration::from_millis(100));
        let h = self.inner.handle.spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let i = inner.clone();
                // The calls block: off the runtime's one thread.
                let r = tokio::task::spawn_blocking(move || i.heartbeat()).await;
                if inner.fenced.load(Ordering::SeqCst) || r.is_err() {
                    return;
                }
            }
        });
        *self.heartbeat.lock().unwrap_or_else(|p| p.into_inner()) = Some(h);
    }

    fn stop_heartbeat(&self) {
        if let Some(h) = self.heartbeat.lock().unwrap_or_else(|p| p.into_inner()).take() {
            h.abort();
        }
    }

    fn u(&self, url: &str) -> String {
        self.inner.key(&format!("u:{}", fingerprint(url)))
    }

    fn me(&self) -> Vec<u8> {
        arg(&self.inner.cfg.worker)
    }

    /// The kept response of `url` as script arguments: status, fetched-at, ETag,
    /// Last-Modified ('' when none).
    fn response_args(&self, url: &str) -> [Vec<u8>; 4] {
        let r = lock(&self.responses).remove(url);
        let r = r.as_ref();
        [
            arg(r.map_or(String::new(), |r| r.status.to_string())),
            arg(r.map_or(String::new(), |r| r.at.to_string())),
            arg(r.and_then(|r| r.etag.clone()).unwrap_or_default()),
            arg(r.and_then(|r| r.last_modified.clone()).unwrap_or_default()),
        ]
    }
}

impl Drop for RedisStore {
    fn drop(&mut self) {
        self.stop_heartbeat();
        if let Some(rt) = self.rt.lock().unwrap_or_else(|p| p.into_inner()).take() {
            rt.shutdown_background();
        }
    }
}
