//! [`RedisStore`]'s [`SharedFrontier`] methods: claiming due hosts, releasing them with
//! their gap, the job's idle test, leaving, and the one-round-trip record verdict.

use super::client::arg;
use super::client::lock;
use super::wire::{decode_item, fingerprint, int, text};
use super::{RedisStore, Response};
use crate::crawl::state::item::History;
use crate::crawl::state::store::{Claim, Claimed, FrontierFuture, SharedFrontier, StoreError, Verdict};
use redis::Value;
use std::sync::atomic::Ordering;
use std::time::Duration;

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
