//! [`RedisStore`]'s [`StateStore`] methods: each one script call or pipeline (see
//! [`super::lua`]), retried through an outage by [`super::client`].

use super::client::arg;
use super::client::lock;
use super::wire::{encode_item, fingerprint, int, text, to_wire, WrittenWire, MAX_PRIORITY};
use super::{RedisStore, Response};
use crate::crawl::dedup;
use crate::crawl::state::item::{History, Item};
use crate::crawl::state::store::{
    Candidate, FrontierSummary, HostSummary, Outcome, Push, RunStart, SharedFrontier, StateStore, StoreError,
    Summary, WorkerSummary, Written,
};
use redis::Value;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

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
            publish().map_err(StoreError::Publish)?;
            return i.done(&i.cfg.worker, None, &wire, now, true);
        };
        let json = serde_json::to_vec(&wire).map_err(|source| StoreError::Encode {
            path: i.path(),
            source,
        })?;
        i.eval(|s| &s.prepare, vec![self.me(), arg(name), json.clone()])?;
        if let Err(e) = publish() {
            // Renamed or not (a failed directory sync comes after the rename): the file
            // system tells, as for a dead worker.
            i.settle(&i.cfg.worker, &[(name.to_string(), json)])?;
            return Err(StoreError::Publish(e));
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
        let get = |k: &str| count.get(k).copied().unwrap_or(0).max(0) as u64;
        let mut f = FrontierSummary {
            job: i.cfg.job.clone(),
            ..FrontierSummary::default()
        };
        self.summarize_workers(&mut f, now_ms)?;
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

impl RedisStore {
    /// The job's registered workers for [`StateStore::summary`]: heartbeat age, leases
    /// (fetching, waiting for a commit, shards being committed), finishing or not.
    fn summarize_workers(&self, f: &mut FrontierSummary, now_ms: i64) -> Result<(), StoreError> {
        let i = &self.inner;
        let mut c = redis::cmd("ZRANGE");
        c.arg(i.key("workers")).arg(0).arg(-1).arg("WITHSCORES");
        let workers: Vec<(String, i64)> = i.cmd(c)?;
        let mut c = redis::cmd("SMEMBERS");
        c.arg(i.key("draining"));
        let draining: HashSet<String> = i.cmd(c)?;
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
        Ok(())
    }
}
