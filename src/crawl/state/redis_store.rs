//! A crawl state on Redis shared by every worker of a job (`crawl --frontier
//! redis://HOST:PORT/DB --job NAME`): the same [`StateStore`] as SQLite, plus the
//! [`SharedFrontier`] that makes politeness global.
//!
//! **Keys** are namespaced `nh:{JOB}:` (README "Scaling out" lists them). Per-host queues
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

use super::frontier::Item;
use super::redis_lua as lua;
use super::store::{
    kind_code, kind_of, via_code, via_of, Candidate, Claim, Claimed, FrontierFuture, FrontierSummary,
    History, HostSummary, Outcome, Push, RunStart, SharedFrontier, StateStore, StoreError, Summary, Verdict,
    WorkerSummary, Written,
};
use crate::crawl::dedup;
use redis::aio::ConnectionManager;
use redis::{RedisError, Script, Value};
use sha2::Digest;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an unreachable Redis is waited for (each call retries with backoff) before the
/// crawl stops with a state error.
pub const OUTAGE: Duration = Duration::from_secs(120);

/// Where a worker's frontier lives and who the worker is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontierConfig {
    /// `redis://HOST:PORT/DB`.
    pub url: String,
    /// The job's name: the key namespace.
    pub job: String,
    /// This worker's id (unique among the job's live workers; in its shard names).
    pub worker: String,
    /// A worker silent this long is dead: its leases are queued again.
    pub lease: Duration,
    /// The shared output directory (`-o DIR/`), where a dead worker's prepared shards are
    /// settled.
    pub shard_dir: Option<PathBuf>,
    /// The caller holds this worker's shard lock (`DIR/.newsharvest-part-<worker>.lock`):
    /// a registration of its id found at start is a dead process's, settled at once
    /// instead of waited for.
    pub exclusive: bool,
    /// The per-host interval (`1/rate`; the crawl sets it): hosts a dead worker held are
    /// due again this long after it is settled.
    pub gap: Duration,
}

impl FrontierConfig {
    /// The shard name prefix of a worker: `part-<worker>`.
    pub fn shard_prefix(worker: &str) -> String {
        format!("part-{worker}")
    }
}

/// A worker id safe in file names: letters, digits, `.`, `_`, `-` (others become `_`).
pub fn sanitize_worker(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if s.is_empty() {
        "worker".into()
    } else {
        s
    }
}

/// The default worker id: `<hostname>-<pid>-<4 random hex digits>` (unique even when
/// containers all run as pid 1).
pub fn default_worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "worker".into());
    sanitize_worker(&format!(
        "{}-{}-{:04x}",
        host.trim(),
        std::process::id(),
        rand::random::<u16>()
    ))
}

/// Errors talking to Redis that retrying (after a reconnect) can fix.
fn transient(e: &RedisError) -> bool {
    e.is_io_error()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_timeout()
        || e.is_unrecoverable_error()
        || matches!(e.code(), Some("LOADING" | "MASTERDOWN" | "TRYAGAIN"))
}

struct Scripts {
    begin: Script,
    recrawl: Script,
    push: Script,
    requeue: Script,
    claim: Script,
    release: Script,
    block: Script,
    outcome: Script,
    prepare: Script,
    done: Script,
    leave: Script,
    heartbeat: Script,
    idle: Script,
    candidates: Script,
    fence: Script,
    record: Script,
}

impl Scripts {
    fn new() -> Scripts {
        let s = |body: &str| Script::new(&format!("{}{}", lua::PRELUDE, body));
        Scripts {
            begin: s(lua::BEGIN),
            recrawl: s(lua::RECRAWL),
            push: s(lua::PUSH),
            requeue: s(lua::REQUEUE),
            claim: s(lua::CLAIM),
            release: s(lua::RELEASE),
            block: s(lua::BLOCK),
            outcome: s(lua::OUTCOME),
            prepare: s(lua::PREPARE),
            done: s(lua::DONE),
            leave: s(lua::LEAVE),
            heartbeat: s(lua::HEARTBEAT),
            idle: s(lua::IDLE),
            candidates: s(lua::CANDIDATES),
            fence: s(lua::FENCE),
            record: s(lua::RECORD),
        }
    }
}

struct Inner {
    conn: ConnectionManager,
    prefix: Arc<str>,
    cfg: FrontierConfig,
    scripts: Arc<Scripts>,
    round_trips: AtomicU64,
    /// Declared dead by another worker while running: every later call fails.
    fenced: AtomicBool,
    /// The last heartbeat that got through, and until when no one is declared dead
    /// (after an outage).
    beat: Mutex<(Option<Instant>, Option<Instant>)>,
    /// This process's registration nonce (a replayed BEGIN is recognised as ours).
    nonce: String,
    handle: tokio::runtime::Handle,
}

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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// An item as stored in Redis.
#[derive(serde::Serialize, serde::Deserialize)]
struct ItemWire {
    url: String,
    kind: i64,
    via: i64,
    depth: u32,
    #[serde(default)]
    attempts: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    chain: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    probe: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<String>,
}

fn encode_item(item: &Item) -> String {
    let w = ItemWire {
        url: item.url.to_string(),
        kind: kind_code(item.kind),
        via: via_code(item.via),
        depth: item.depth,
        attempts: item.attempts,
        chain: item.chain.clone(),
        probe: item.probe,
        from: item.from.as_ref().map(|o| o.url.clone()),
    };
    serde_json::to_string(&w).unwrap_or_default()
}

fn decode_item(s: &str) -> Option<Item> {
    let w: ItemWire = serde_json::from_str(s).ok()?;
    let url = url::Url::parse(&w.url).ok()?;
    let mut item = Item::new(url, kind_of(w.kind), via_of(w.via), w.depth);
    item.attempts = w.attempts;
    item.chain = w.chain;
    item.probe = w.probe;
    item.from = w
        .from
        .and_then(|f| crate::crawl::traps::Origin::parse(&f))
        .map(Arc::new);
    Some(item)
}

/// The fingerprint of a canonical URL: 96 bits of its SHA-256, hex.
pub fn fingerprint(url: &str) -> String {
    let d = sha2::Sha256::digest(url.as_bytes());
    d[..12].iter().map(|b| format!("{b:02x}")).collect()
}

/// Queue priorities above this share one level (scores stay exact in a double).
const MAX_PRIORITY: u32 = 800;

/// An article in a prepared entry.
#[derive(serde::Serialize, serde::Deserialize)]
struct WrittenWire {
    url: String,
    id: String,
    hash: String,
    rev: u32,
    sig: Vec<u32>,
    dup: bool,
}

fn to_wire(w: &Written) -> WrittenWire {
    WrittenWire {
        url: w.url.clone(),
        id: w.id.clone(),
        hash: w.content_hash.clone(),
        rev: w.revision,
        sig: w.signature.clone(),
        dup: w.duplicate,
    }
}

fn text(v: &Value) -> String {
    redis::from_redis_value_ref::<Option<String>>(v)
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn int(v: &Value) -> i64 {
    redis::from_redis_value_ref::<i64>(v).unwrap_or(0)
}

impl Inner {
    fn db_err(&self, message: impl std::fmt::Display) -> StoreError {
        StoreError::Db {
            path: format!("{} (job {})", self.cfg.url, self.cfg.job),
            message: message.to_string(),
        }
    }

    /// Run one Redis call on the store's runtime and wait for it (blocking this thread);
    /// transient failures are retried with backoff for up to [`OUTAGE`].
    fn call<T, F, Fut>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Fn(ConnectionManager) -> Fut + Send + 'static,
        Fut: Future<Output = redis::RedisResult<T>> + Send + 'static,
    {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let me = self.clone();
        self.handle.spawn(async move {
            let _ = tx.send(me.attempt(f).await);
        });
        rx.recv().map_err(|_| self.db_err("the Redis client stopped"))?
    }

    /// [`Inner::call`] for async callers: awaits instead of blocking.
    async fn call_async<T, F, Fut>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Fn(ConnectionManager) -> Fut + Send + 'static,
        Fut: Future<Output = redis::RedisResult<T>> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let me = self.clone();
        self.handle.spawn(async move {
            let _ = tx.send(me.attempt(f).await);
        });
        rx.await.map_err(|_| self.db_err("the Redis client stopped"))?
    }

    /// The call with its retries, on the store's runtime.
    async fn attempt<T, F, Fut>(self: Arc<Self>, f: F) -> Result<T, StoreError>
    where
        F: Fn(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let started = Instant::now();
        let mut wait = Duration::from_millis(50);
        loop {
            self.round_trips.fetch_add(1, Ordering::Relaxed);
            match f(self.conn.clone()).await {
                Ok(v) => return Ok(v),
                Err(e) if transient(&e) && started.elapsed() < OUTAGE => {
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(2));
                }
                Err(e) if e.code() == Some("FENCED") => {
                    self.fenced.store(true, Ordering::SeqCst);
                    return Err(self.db_err(
                        "this worker was declared dead by another (its heartbeat stopped longer than --lease-timeout); it stops",
                    ));
                }
                Err(e) => return Err(self.db_err(e)),
            }
        }
    }

    /// A script call with these arguments (after the prefix), for [`Inner::call`].
    fn script_call(
        &self,
        script: fn(&Scripts) -> &Script,
        args: Vec<Vec<u8>>,
    ) -> Result<impl Fn(ConnectionManager) -> BoxedValue + Send + 'static, StoreError> {
        if self.fenced.load(Ordering::SeqCst) {
            return Err(self.db_err("this worker was declared dead by another; it stops"));
        }
        let (scripts, prefix) = (self.scripts.clone(), self.prefix.clone());
        Ok(move |mut c: ConnectionManager| {
            let (scripts, prefix, args) = (scripts.clone(), prefix.clone(), args.clone());
            let fut: BoxedValue = Box::pin(async move {
                let s = script(&scripts);
                let mut inv = s.prepare_invoke();
                inv.arg(prefix.as_bytes());
                for a in &args {
                    inv.arg(a.as_slice());
                }
                inv.invoke_async::<Value>(&mut c).await
            });
            fut
        })
    }

    /// Run a script with these arguments (after the prefix).
    fn eval(
        self: &Arc<Self>,
        script: fn(&Scripts) -> &Script,
        args: Vec<Vec<u8>>,
    ) -> Result<Value, StoreError> {
        self.call(self.script_call(script, args)?)
    }

    /// [`Inner::eval`] for async callers.
    async fn eval_async(
        self: &Arc<Self>,
        script: fn(&Scripts) -> &Script,
        args: Vec<Vec<u8>>,
    ) -> Result<Value, StoreError> {
        self.call_async(self.script_call(script, args)?).await
    }

    fn cmd<T: redis::FromRedisValue + Send + 'static>(
        self: &Arc<Self>,
        cmd: redis::Cmd,
    ) -> Result<T, StoreError> {
        self.call(move |mut c| {
            let cmd = cmd.clone();
            async move { cmd.query_async::<T>(&mut c).await }
        })
    }

    /// Run a pipeline (one round trip).
    fn pipe<T: redis::FromRedisValue + Send + 'static>(
        self: &Arc<Self>,
        p: redis::Pipeline,
    ) -> Result<T, StoreError> {
        self.call(move |mut c| {
            let p = p.clone();
            async move { p.query_async::<T>(&mut c).await }
        })
    }

    fn key(&self, k: &str) -> String {
        format!("{}{k}", self.prefix)
    }
}

/// A script call's future.
type BoxedValue = std::pin::Pin<Box<dyn Future<Output = redis::RedisResult<Value>> + Send>>;

/// One script argument.
fn arg(x: impl ToString) -> Vec<u8> {
    x.to_string().into_bytes()
}

fn bands_text(sig: &[u32]) -> String {
    dedup::bands(sig)
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl Inner {
    fn lease_ms(&self) -> u64 {
        self.cfg.lease.as_millis().max(1) as u64
    }

    /// Mark articles written (the DONE script) for `worker`; `own`: the worker itself
    /// (refused once it is fenced), not the settling of a dead one's shard.
    fn done(
        self: &Arc<Self>,
        worker: &str,
        shard: Option<&str>,
        written: &[WrittenWire],
        now: i64,
        own: bool,
    ) -> Result<(), StoreError> {
        let mut args = vec![
            arg(worker),
            arg(shard.unwrap_or("")),
            arg(now),
            arg(u8::from(own)),
        ];
        for w in written {
            args.push(arg(fingerprint(&w.url)));
            args.push(arg(&w.id));
            args.push(arg(&w.hash));
            args.push(arg(w.rev));
            args.push(dedup::to_bytes(&w.sig));
            args.push(arg(bands_text(&w.sig)));
            args.push(arg(if w.dup { 1 } else { 0 }));
        }
        self.eval(|s| &s.done, args).map(|_| ())
    }

    /// One heartbeat: renew, then settle the workers found dead. Right after this worker
    /// could not reach Redis for a while (an outage: every worker's heartbeat stopped), no
    /// one is declared dead for one lease, so the others can renew first.
    fn heartbeat(self: &Arc<Self>) -> Result<(), StoreError> {
        let v = self.eval(
            |s| &s.heartbeat,
            vec![arg(&self.cfg.worker), arg(self.lease_ms())],
        )?;
        let Value::Array(items) = v else {
            return Ok(());
        };
        if items.first().map(int) == Some(-1) {
            self.fenced.store(true, Ordering::SeqCst);
            return Err(self.db_err("this worker was declared dead by another; it stops"));
        }
        let now = Instant::now();
        {
            let mut beat = lock(&self.beat);
            if beat.0.is_some_and(|last| now - last > self.cfg.lease / 2) {
                beat.1 = Some(now + self.cfg.lease);
            }
            beat.0 = Some(now);
            if beat.1.is_some_and(|grace| now < grace) {
                return Ok(());
            }
        }
        for d in items.iter().skip(1) {
            let dead = text(d);
            if !dead.is_empty() {
                self.reap(&dead)?;
            }
        }
        Ok(())
    }

    /// Settle a worker's prepared shards (`entries`: shard → its articles as JSON) through
    /// the file system: remove the shard's temporary file; if that works the rename can no
    /// longer happen (the entry is dropped and the articles queued again by LEAVE); if the
    /// file is gone and the complete shard is there, its articles are written. Without an
    /// output directory nothing can be told: `false`.
    fn settle(self: &Arc<Self>, worker: &str, entries: &[(String, Vec<u8>)]) -> Result<bool, StoreError> {
        if entries.is_empty() {
            return Ok(true);
        }
        let Some(dir) = &self.cfg.shard_dir else {
            return Ok(false);
        };
        for (shard, json) in entries {
            let tmp = dir.join(format!(".{shard}.tmp"));
            let renamed = match std::fs::remove_file(&tmp) {
                Ok(()) => false,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => dir.join(shard).exists(),
                Err(e) => return Err(self.db_err(format!("settling {}: {e}", tmp.display()))),
            };
            if renamed {
                let written: Vec<WrittenWire> = serde_json::from_slice(json).unwrap_or_default();
                self.done(
                    worker,
                    Some(shard),
                    &written,
                    chrono::Utc::now().timestamp(),
                    false,
                )?;
            } else {
                let mut hdel = redis::cmd("HDEL");
                hdel.arg(self.key(&format!("prepared:{worker}"))).arg(shard);
                self.cmd::<i64>(hdel)?;
            }
        }
        Ok(true)
    }

    /// Settle a dead worker (or this worker's own earlier life): fence it, settle its
    /// prepared shards, remove its temporary shard files, queue its leases again.
    fn reap(self: &Arc<Self>, dead: &str) -> Result<u64, StoreError> {
        let mut lock = redis::cmd("SET");
        lock.arg(self.key(&format!("reap:{dead}")))
            .arg(&self.cfg.worker)
            .arg("NX")
            .arg("PX")
            .arg(30_000);
        let got: Option<String> = self.cmd(lock)?;
        if got.is_none() {
            return Ok(0);
        }
        let v = self.eval(|s| &s.fence, vec![arg(dead)])?;
        let flat: Vec<Vec<u8>> = redis::from_redis_value(v).unwrap_or_default();
        let entries: Vec<(String, Vec<u8>)> = flat
            .chunks_exact(2)
            .map(|c| (String::from_utf8_lossy(&c[0]).into_owned(), c[1].clone()))
            .collect();
        if !self.settle(dead, &entries)? {
            // Only a worker that sees the output directory can tell; left to one (the
            // fenced worker stays registered, and is found again).
            return Ok(0);
        }
        if let Some(dir) = &self.cfg.shard_dir {
            // Its shard in progress: gone with it (its articles are queued again below).
            let prefix = format!(".{}-", FrontierConfig::shard_prefix(dead));
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let ours = name
                        .strip_prefix(&prefix)
                        .and_then(|r| r.split_once('.'))
                        .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
                    if ours && name.ends_with(".tmp") {
                        let _ = std::fs::remove_file(e.path());
                    }
                }
            }
        }
        let n = self.eval(|s| &s.leave, vec![arg(dead), arg(self.cfg.gap.as_millis())])?;
        Ok(int(&n) as u64)
    }
}

impl RedisStore {
    /// Connect (failing within seconds when Redis cannot be reached at all) and start the
    /// heartbeat. The worker registers in [`StateStore::begin`].
    pub fn connect(cfg: FrontierConfig) -> Result<RedisStore, StoreError> {
        let fail = |m: String| StoreError::Db {
            path: format!("{} (job {})", cfg.url, cfg.job),
            message: m,
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("newsharvest-redis")
            .enable_all()
            .build()
            .map_err(|e| fail(format!("starting the Redis client: {e}")))?;
        let client = redis::Client::open(cfg.url.as_str()).map_err(|e| fail(e.to_string()))?;
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
            Ok(Ok(Err(e))) => return Err(fail(format!("cannot reach Redis: {e}"))),
            Ok(Err(_)) => return Err(fail("cannot reach Redis: no answer within 15 s".into())),
            Err(_) => return Err(fail("the Redis client stopped".into())),
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

impl StateStore for RedisStore {
    fn begin(&self, now: i64, recrawl_after: Option<Duration>) -> Result<RunStart, StoreError> {
        let i = &self.inner;
        let started = Instant::now();
        let r = loop {
            let args = vec![
                self.me(),
                arg(i.lease_ms()),
                arg(&i.nonce),
                arg(u8::from(i.cfg.exclusive)),
            ];
            let v = i.eval(|s| &s.begin, args)?;
            let Value::Array(r) = v else {
                return Err(i.db_err("unexpected answer to BEGIN"));
            };
            match r.first().map(int) {
                Some(-1) => {
                    return Err(StoreError::Busy(format!(
                        "worker {} of job {} is alive in another process (pick another --worker-id, or wait --lease-timeout)",
                        i.cfg.worker, i.cfg.job
                    )))
                }
                // An earlier life of this worker (killed): settled before this one starts,
                // so its shards and leases are neither lost nor taken twice.
                Some(-2) if started.elapsed() < Duration::from_secs(60) => {
                    if i.reap(&i.cfg.worker)? == 0 {
                        std::thread::sleep(Duration::from_millis(200));
                    }
                }
                Some(-2) => return Err(i.db_err("the earlier life of this worker could not be settled")),
                _ => break r,
            }
        };
        let round = r.get(1).map(int).unwrap_or(0) as u64;
        let continued = r.get(2).map(int) == Some(1);
        // Workers that died since: settled before this one starts.
        i.heartbeat()?;
        self.start_heartbeat();
        let mut recrawl = 0;
        if let (false, Some(after)) = (continued, recrawl_after) {
            let before = now - after.as_secs() as i64;
            loop {
                let n = int(&i.eval(|s| &s.recrawl, vec![arg(before), arg(10_000)])?) as u64;
                recrawl += n;
                if n < 10_000 {
                    break;
                }
            }
        }
        Ok(RunStart {
            round,
            continued,
            queued: Vec::new(),
            recrawl,
        })
    }

    fn push_many(&self, items: &[(String, Item)]) -> Result<Vec<Push>, StoreError> {
        let mut out = Vec::with_capacity(items.len());
        let now = chrono::Utc::now().timestamp();
        for chunk in items.chunks(1000) {
            let mut args = vec![arg(now)];
            for (host, item) in chunk {
                let url = item.url.as_str();
                args.push(arg(fingerprint(url)));
                args.push(arg(host));
                args.push(arg(item.priority().min(MAX_PRIORITY)));
                args.push(arg(encode_item(item)));
                args.push(arg(url));
            }
            let v = self.inner.eval(|s| &s.push, args)?;
            let Value::Array(codes) = v else {
                return Err(self.inner.db_err("unexpected answer to PUSH"));
            };
            out.extend(codes.iter().map(|c| match int(c) {
                0 => Push::Queued,
                2 => Push::Written,
                _ => Push::Seen,
            }));
        }
        Ok(out)
    }

    fn requeue(&self, host: &str, item: &Item) -> Result<(), StoreError> {
        let url = item.url.as_str();
        let args = vec![
            self.me(),
            arg(fingerprint(url)),
            arg(host),
            arg(item.priority().min(MAX_PRIORITY)),
            arg(encode_item(item)),
            arg(url),
        ];
        self.inner.eval(|s| &s.requeue, args).map(|_| ())
    }

    /// Unused: a shared frontier is claimed ([`SharedFrontier::claim`]), not popped by host.
    fn pop(&self, _host: &str) -> Result<Option<(Item, Option<History>)>, StoreError> {
        Ok(None)
    }

    fn stop_host(&self, _host: &str) -> Result<u64, StoreError> {
        Ok(0)
    }

    fn is_seen(&self, url: &str) -> Result<bool, StoreError> {
        let mut p = redis::pipe();
        p.cmd("HMGET").arg(self.u(url)).arg("st").arg("round");
        p.cmd("HGET").arg(self.inner.key("meta")).arg("round");
        let (fields, round): ((Option<String>, Option<String>), Option<String>) = self.inner.pipe(p)?;
        Ok(fields.0.as_deref() == Some("w") || (fields.1.is_some() && fields.1 == round))
    }

    fn has_record(&self, id: &str) -> Result<bool, StoreError> {
        let mut c = redis::cmd("EXISTS");
        c.arg(self.inner.key(&format!("rec:{id}")));
        self.inner.cmd::<i64>(c).map(|n| n > 0)
    }

    /// Kept here until the URL's outcome, which stores it in the same round trip (a
    /// worker dying in between loses only the validators: the next fetch is unconditional).
    fn response(
        &self,
        url: &str,
        status: u16,
        etag: Option<&str>,
        last_modified: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let r = Response {
            status,
            at: now,
            etag: etag.map(str::to_string),
            last_modified: last_modified.map(str::to_string),
        };
        lock(&self.responses).insert(url.to_string(), r);
        Ok(())
    }

    fn outcome(&self, url: &str, outcome: Outcome, now: i64) -> Result<(), StoreError> {
        let (kind, listing) = match outcome {
            Outcome::Done { listing } => ("done", listing),
            Outcome::Pending => ("pending", false),
            Outcome::Failed => ("failed", false),
        };
        let mut args = vec![
            self.me(),
            arg(fingerprint(url)),
            arg(kind),
            arg(u8::from(listing)),
            arg(now),
        ];
        args.extend(self.response_args(url));
        self.inner.eval(|s| &s.outcome, args).map(|_| ())
    }

    fn commit(
        &self,
        written: &[Written],
        shard: Option<&str>,
        publish: &mut dyn FnMut() -> std::io::Result<()>,
        now: i64,
    ) -> Result<(), StoreError> {
        let wire: Vec<WrittenWire> = written.iter().map(to_wire).collect();
        let i = &self.inner;
        let Some(name) = shard else {
            publish().map_err(|e| StoreError::Publish(e.to_string()))?;
            return i.done(&i.cfg.worker, None, &wire, now, true);
        };
        let json = serde_json::to_vec(&wire).map_err(|e| i.db_err(e))?;
        i.eval(|s| &s.prepare, vec![self.me(), arg(name), json.clone()])?;
        if let Err(e) = publish() {
            // Renamed or not (a failed directory sync comes after the rename): the file
            // system tells, as for a dead worker.
            i.settle(&i.cfg.worker, &[(name.to_string(), json)])?;
            return Err(StoreError::Publish(e.to_string()));
        }
        // If this fails the prepared entry stays: `leave` (or whoever finds this worker
        // dead) settles it through the file system; the articles are not queued again.
        i.done(&i.cfg.worker, Some(name), &wire, now, true)
    }

    fn shards(&self) -> Result<HashSet<String>, StoreError> {
        let mut c = redis::cmd("HKEYS");
        c.arg(self.inner.key("shards"));
        self.inner.cmd(c)
    }

    fn candidates(&self, content_hash: &str, bands: &[u64]) -> Result<Vec<Candidate>, StoreError> {
        let bands = bands.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        let v = self
            .inner
            .eval(|s| &s.candidates, vec![arg(content_hash), arg(bands)])?;
        let Value::Array(flat) = v else {
            return Ok(Vec::new());
        };
        Ok(flat
            .chunks_exact(4)
            .map(|c| Candidate {
                id: text(&c[0]),
                url: text(&c[1]),
                content_hash: text(&c[2]),
                signature: redis::from_redis_value_ref::<Vec<u8>>(&c[3])
                    .map(|b| dedup::from_bytes(&b))
                    .unwrap_or_default(),
            })
            .collect())
    }

    fn robots(&self, host: &str) -> Result<Option<(Vec<u8>, i64)>, StoreError> {
        let mut p = redis::pipe();
        p.cmd("HGET").arg(self.inner.key("robots")).arg(host);
        p.cmd("HGET").arg(self.inner.key("robots_at")).arg(host);
        let (body, at): (Option<Vec<u8>>, Option<i64>) = self.inner.pipe(p)?;
        Ok(body.zip(at))
    }

    fn set_robots(&self, host: &str, body: &[u8], now: i64) -> Result<(), StoreError> {
        let mut p = redis::pipe();
        p.cmd("HSET")
            .arg(self.inner.key("robots"))
            .arg(host)
            .arg(body)
            .ignore();
        p.cmd("HSET")
            .arg(self.inner.key("robots_at"))
            .arg(host)
            .arg(now)
            .ignore();
        self.inner.pipe(p)
    }

    /// By Redis's clock: `until` is turned into seconds from now.
    fn block(&self, host: &str, until: i64) -> Result<(), StoreError> {
        let secs = (until - chrono::Utc::now().timestamp()).max(0);
        self.inner
            .eval(|s| &s.block, vec![arg(host), arg(secs)])
            .map(|_| ())
    }

    fn blocks(&self, now: i64) -> Result<Vec<(String, i64)>, StoreError> {
        let mut c = redis::cmd("HGETALL");
        c.arg(self.inner.key("blocked"));
        let all: HashMap<String, i64> = self.inner.cmd(c)?;
        let mut out: Vec<(String, i64)> = all.into_iter().filter(|(_, t)| *t > now).collect();
        out.sort();
        Ok(out)
    }

    fn summary(&self) -> Result<Summary, StoreError> {
        let i = &self.inner;
        let hgetall = |k: &str| {
            let mut c = redis::cmd("HGETALL");
            c.arg(i.key(k));
            c
        };
        let count: HashMap<String, i64> = i.cmd(hgetall("count"))?;
        let meta: HashMap<String, String> = i.cmd(hgetall("meta"))?;
        let next: HashMap<String, i64> = i.cmd(hgetall("next"))?;
        let hw: HashMap<String, i64> = i.cmd(hgetall("hw"))?;
        let hf: HashMap<String, i64> = i.cmd(hgetall("hf"))?;
        let blocked: HashMap<String, i64> = i.cmd(hgetall("blocked"))?;
        let mut c = redis::cmd("HLEN");
        c.arg(i.key("shards"));
        let shards: i64 = i.cmd(c)?;
        let mut c = redis::cmd("ZRANGE");
        c.arg(i.key("workers")).arg(0).arg(-1).arg("WITHSCORES");
        let workers: Vec<(String, i64)> = i.cmd(c)?;
        let mut c = redis::cmd("SMEMBERS");
        c.arg(i.key("draining"));
        let draining: HashSet<String> = i.cmd(c)?;
        let (secs, micros): (i64, i64) = i.cmd(redis::cmd("TIME"))?;
        let now_ms = secs * 1000 + micros / 1000;

        let mut c = redis::cmd("ZRANGE");
        c.arg(i.key("due")).arg(0).arg(-1);
        let due: Vec<String> = i.cmd(c)?;
        let mut hosts: Vec<String> = next
            .keys()
            .chain(hw.keys())
            .chain(hf.keys())
            .chain(due.iter())
            .cloned()
            .collect();
        hosts.sort();
        hosts.dedup();
        let mut p = redis::pipe();
        for h in &hosts {
            p.cmd("ZCARD").arg(i.key(&format!("q:{h}")));
        }
        let queued: Vec<i64> = if hosts.is_empty() { Vec::new() } else { i.pipe(p)? };
        let mut p = redis::pipe();
        for (w, _) in &workers {
            p.cmd("HLEN").arg(i.key(&format!("fetching:{w}")));
            p.cmd("HLEN").arg(i.key(&format!("pending:{w}")));
            p.cmd("HLEN").arg(i.key(&format!("prepared:{w}")));
        }
        let leases: Vec<i64> = if workers.is_empty() {
            Vec::new()
        } else {
            i.pipe(p)?
        };
        let get = |k: &str| count.get(k).copied().unwrap_or(0).max(0) as u64;
        let mut f = FrontierSummary {
            job: i.cfg.job.clone(),
            ..FrontierSummary::default()
        };
        for (k, (w, beat)) in workers.iter().enumerate() {
            let l = |j: usize| leases.get(k * 3 + j).copied().unwrap_or(0).max(0) as u64;
            f.fetching += l(0);
            f.pending += l(1);
            f.prepared += l(2);
            f.workers.push(WorkerSummary {
                id: w.clone(),
                heartbeat_age_s: (now_ms - beat).max(0) as f64 / 1000.0,
                fetching: l(0),
                pending: l(1),
                draining: draining.contains(w),
            });
        }
        let mut out_hosts = Vec::new();
        for (h, q) in hosts
            .iter()
            .zip(queued.iter().copied().chain(std::iter::repeat(0)))
        {
            let nx = next.get(h).copied();
            if q > 0 {
                f.hosts_queued += 1;
                if nx.is_none_or(|t| t <= now_ms) {
                    f.hosts_due_now += 1;
                }
            }
            out_hosts.push(HostSummary {
                host: h.clone(),
                queued: q.max(0) as u64,
                written: hw.get(h).copied().unwrap_or(0).max(0) as u64,
                failed: hf.get(h).copied().unwrap_or(0).max(0) as u64,
                blocked_until: blocked.get(h).copied().filter(|t| *t * 1000 > now_ms),
                next_due_ms: nx,
            });
        }
        Ok(Summary {
            schema_version: meta.get("version").and_then(|v| v.parse().ok()).unwrap_or(1),
            round: meta.get("round").and_then(|v| v.parse().ok()).unwrap_or(0),
            queued: get("q") + get("f") + get("p"),
            written: get("w"),
            done: get("d"),
            failed: get("x"),
            shards: shards.max(0) as u64,
            hosts: out_hosts,
            frontier: Some(f),
        })
    }

    fn shared(&self) -> Option<&dyn SharedFrontier> {
        Some(self)
    }
}

impl SharedFrontier for RedisStore {
    fn claim(&self, max: usize) -> FrontierFuture<'_, Claim> {
        Box::pin(async move {
            let i = &self.inner;
            let call = format!("{}-{:016x}", i.nonce, rand::random::<u64>());
            let args = vec![self.me(), arg(i.lease_ms()), arg(max.max(1)), arg(call)];
            let v = i.eval_async(|s| &s.claim, args).await?;
            let Value::Array(r) = v else {
                return Err(i.db_err("unexpected answer to CLAIM"));
            };
            match r.first().map(int) {
                Some(-1) => {
                    i.fenced.store(true, Ordering::SeqCst);
                    return Err(i.db_err("this worker was declared dead by another; it stops"));
                }
                Some(0) => return Ok(Claim::Empty),
                Some(1) => {
                    let ms = r.get(1).map(int).unwrap_or(0).max(0) as u64;
                    return Ok(Claim::Wait(Duration::from_millis(ms)));
                }
                _ => {}
            }
            let mut out = Vec::new();
            for c in r.get(1..).unwrap_or_default().chunks_exact(12) {
                let f = |k: usize| text(&c[k]);
                let host = f(0);
                let Some(item) = decode_item(&f(2)) else {
                    // A row this build did not write: drop it rather than stop the crawl.
                    let args = vec![
                        self.me(),
                        arg(f(1)),
                        arg("done"),
                        arg(0),
                        arg(0),
                        vec![],
                        vec![],
                        vec![],
                        vec![],
                    ];
                    i.eval_async(|s| &s.outcome, args).await?;
                    self.release(&host, Duration::ZERO).await?;
                    continue;
                };
                let opt = |k: usize| Some(f(k)).filter(|s| !s.is_empty());
                let history = History {
                    status: opt(3).and_then(|s| s.parse().ok()),
                    etag: opt(4),
                    last_modified: opt(5),
                    fetched_at: opt(6).and_then(|s| s.parse().ok()),
                    listing: f(7) == "1",
                    failures: f(8).parse().unwrap_or(0),
                    record_id: opt(9),
                    content_hash: opt(10),
                    revision: f(11).parse().unwrap_or(0),
                };
                let prior = (history.fetched_at.is_some() || history.record_id.is_some()).then_some(history);
                out.push(Claimed { host, item, prior });
            }
            Ok(Claim::Items(out))
        })
    }

    fn release<'a>(&'a self, host: &'a str, delay: Duration) -> FrontierFuture<'a, ()> {
        // Whole milliseconds, rounded up, plus one for the truncation of Redis's clock to
        // milliseconds: never a hair early.
        let ms = (delay.as_micros().div_ceil(1000) + 1).min(i64::MAX as u128) as i64;
        Box::pin(async move {
            self.inner
                .eval_async(|s| &s.release, vec![self.me(), arg(host), arg(ms)])
                .await
                .map(|_| ())
        })
    }

    fn idle(&self) -> FrontierFuture<'_, bool> {
        Box::pin(async move { Ok(int(&self.inner.eval_async(|s| &s.idle, vec![self.me()]).await?) == 1) })
    }

    fn leave(&self) -> Result<u64, StoreError> {
        self.stop_heartbeat();
        let i = &self.inner;
        // Shards whose commit failed after their prepared entry: settled through the file
        // system first, so a renamed one's articles are not queued again.
        let mut c = redis::cmd("HGETALL");
        c.arg(i.key(&format!("prepared:{}", i.cfg.worker)));
        let prepared: Vec<(String, Vec<u8>)> = i.cmd(c)?;
        if !i.settle(&i.cfg.worker, &prepared)? {
            return Ok(0);
        }
        let n = i.eval(|s| &s.leave, vec![self.me(), arg(i.cfg.gap.as_millis())])?;
        Ok(int(&n) as u64)
    }

    fn round_trips(&self) -> u64 {
        self.inner.round_trips.load(Ordering::Relaxed)
    }

    fn record_made(&self, url: &str, id: &str, check_known: bool) -> Result<Verdict, StoreError> {
        let mut args = vec![
            self.me(),
            arg(fingerprint(url)),
            arg(id),
            arg(url),
            arg(u8::from(check_known)),
        ];
        // Kept for the Done outcome when the record is not written.
        let kept = lock(&self.responses).get(url).map(|r| Response {
            status: r.status,
            at: r.at,
            etag: r.etag.clone(),
            last_modified: r.last_modified.clone(),
        });
        args.extend(self.response_args(url));
        let made = match int(&self.inner.eval(|s| &s.record, args)?) {
            0 | 3 => Verdict::Write,
            1 => Verdict::Known,
            _ => Verdict::Duplicate,
        };
        if made != Verdict::Write {
            if let Some(k) = kept {
                lock(&self.responses).insert(url.to_string(), k);
            }
        }
        Ok(made)
    }
}
