//! The Redis client of [`RedisStore`](super::RedisStore): every call runs on the store's own
//! runtime through a connection manager and is retried while Redis is unreachable (for
//! [`super::OUTAGE`]); the Lua scripts ([`super::lua`]) loaded once; and the steps several
//! operations share (marking articles written, the heartbeat, settling a dead worker's
//! prepared shards through the file system, reaping a dead worker).

use super::config::{FrontierConfig, OUTAGE};
use super::lua;
use super::wire::{fingerprint, int, text, WrittenWire};
use crate::crawl::dedup;
use crate::crawl::state::store::StoreError;
use crate::output::names;
use redis::aio::ConnectionManager;
use redis::{RedisError, Script, Value};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Errors talking to Redis that retrying (after a reconnect) can fix.
/// A mutex's guard, also after a panic elsewhere.
pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(super) fn transient(e: &RedisError) -> bool {
    e.is_io_error()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_timeout()
        || e.is_unrecoverable_error()
        || matches!(e.code(), Some("LOADING" | "MASTERDOWN" | "TRYAGAIN"))
}

pub(super) struct Scripts {
    pub(super) begin: Script,
    pub(super) recrawl: Script,
    pub(super) push: Script,
    pub(super) requeue: Script,
    pub(super) claim: Script,
    pub(super) release: Script,
    pub(super) block: Script,
    pub(super) outcome: Script,
    pub(super) prepare: Script,
    pub(super) done: Script,
    pub(super) leave: Script,
    pub(super) heartbeat: Script,
    pub(super) idle: Script,
    pub(super) candidates: Script,
    pub(super) fence: Script,
    pub(super) record: Script,
}

impl Scripts {
    pub(super) fn new() -> Scripts {
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

pub(super) struct Inner {
    pub(super) conn: ConnectionManager,
    pub(super) prefix: Arc<str>,
    pub(super) cfg: FrontierConfig,
    pub(super) scripts: Arc<Scripts>,
    pub(super) round_trips: AtomicU64,
    /// Declared dead by another worker while running: every later call fails.
    pub(super) fenced: AtomicBool,
    /// The last heartbeat that got through, and until when no one is declared dead
    /// (after an outage).
    pub(super) beat: Mutex<(Option<Instant>, Option<Instant>)>,
    /// This process's registration nonce (a replayed BEGIN is recognised as ours).
    pub(super) nonce: String,
    pub(super) handle: tokio::runtime::Handle,
}

impl Inner {
    /// Where this store is, for errors: Redis and the job.
    pub(super) fn path(&self) -> String {
        self.cfg.path()
    }

    /// A rule of the store broken (no underlying error).
    pub(super) fn db_err(&self, message: &str) -> StoreError {
        StoreError::Db {
            path: self.path(),
            message: message.to_string(),
        }
    }

    /// Run one Redis call on the store's runtime and wait for it (blocking this thread);
    /// transient failures are retried with backoff for up to [`OUTAGE`].
    pub(super) fn call<T, F, Fut>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
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
    pub(super) async fn call_async<T, F, Fut>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
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
    pub(super) async fn attempt<T, F, Fut>(self: Arc<Self>, f: F) -> Result<T, StoreError>
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
                Err(source) => {
                    return Err(StoreError::Redis {
                        path: self.path(),
                        context: None,
                        source,
                    })
                }
            }
        }
    }

    /// A script call with these arguments (after the prefix), for [`Inner::call`].
    pub(super) fn script_call(
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
    pub(super) fn eval(
        self: &Arc<Self>,
        script: fn(&Scripts) -> &Script,
        args: Vec<Vec<u8>>,
    ) -> Result<Value, StoreError> {
        self.call(self.script_call(script, args)?)
    }

    /// [`Inner::eval`] for async callers.
    pub(super) async fn eval_async(
        self: &Arc<Self>,
        script: fn(&Scripts) -> &Script,
        args: Vec<Vec<u8>>,
    ) -> Result<Value, StoreError> {
        self.call_async(self.script_call(script, args)?).await
    }

    pub(super) fn cmd<T: redis::FromRedisValue + Send + 'static>(
        self: &Arc<Self>,
        cmd: redis::Cmd,
    ) -> Result<T, StoreError> {
        self.call(move |mut c| {
            let cmd = cmd.clone();
            async move { cmd.query_async::<T>(&mut c).await }
        })
    }

    /// Run a pipeline (one round trip).
    pub(super) fn pipe<T: redis::FromRedisValue + Send + 'static>(
        self: &Arc<Self>,
        p: redis::Pipeline,
    ) -> Result<T, StoreError> {
        self.call(move |mut c| {
            let p = p.clone();
            async move { p.query_async::<T>(&mut c).await }
        })
    }

    pub(super) fn key(&self, k: &str) -> String {
        format!("{}{k}", self.prefix)
    }
}

/// A script call's future.
pub(super) type BoxedValue = std::pin::Pin<Box<dyn Future<Output = redis::RedisResult<Value>> + Send>>;

/// One script argument.
pub(super) fn arg(x: impl ToString) -> Vec<u8> {
    x.to_string().into_bytes()
}

pub(super) fn bands_text(sig: &[u32]) -> String {
    dedup::bands(sig)
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl Inner {
    pub(super) fn lease_ms(&self) -> u64 {
        self.cfg.lease.as_millis().max(1) as u64
    }

    /// Mark articles written (the DONE script) for `worker`; `own`: the worker itself
    /// (refused once it is fenced), not the settling of a dead one's shard.
    pub(super) fn done(
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
    pub(super) fn heartbeat(self: &Arc<Self>) -> Result<(), StoreError> {
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
    pub(super) fn settle(
        self: &Arc<Self>,
        worker: &str,
        entries: &[(String, Vec<u8>)],
    ) -> Result<bool, StoreError> {
        if entries.is_empty() {
            return Ok(true);
        }
        let Some(dir) = &self.cfg.shard_dir else {
            return Ok(false);
        };
        for (shard, json) in entries {
            let tmp = dir.join(names::in_progress(shard));
            let renamed = match std::fs::remove_file(&tmp) {
                Ok(()) => false,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => dir.join(shard).exists(),
                Err(source) => {
                    return Err(StoreError::Io {
                        path: self.path(),
                        context: format!("settling {}", tmp.display()),
                        source,
                    })
                }
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
    pub(super) fn reap(self: &Arc<Self>, dead: &str) -> Result<u64, StoreError> {
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
            // Its shard in progress, in any format: gone with it (its articles are queued
            // again below).
            let prefix = FrontierConfig::shard_prefix(dead);
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let ours = names::of_in_progress(&name)
                        .is_some_and(|shard| names::shard_number(&prefix, shard).is_some());
                    if ours {
                        let _ = std::fs::remove_file(e.path());
                    }
                }
            }
        }
        let n = self.eval(|s| &s.leave, vec![arg(dead), arg(self.cfg.gap.as_millis())])?;
        Ok(int(&n) as u64)
    }
}
