//! Politeness: when the next request to a host may start. Three rules, all per host:
//! 1. a `governor` keyed rate limiter (GCRA, burst 1): starts are at least `1/rate` apart;
//! 2. the gap from the end of the previous response to the next start is at least the
//!    larger of `1/rate` and the robots.txt `Crawl-delay`, so the spacing a site owner sees
//!    never shrinks below the interval, however long a response took;
//! 3. a host answering `429`/`503` with `Retry-After`, or failing, is blocked until then.
//!
//! Waiting is cancellable: [`Politeness::acquire`] returns `false` when the crawl stops.

use governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::watch;

type Keyed = governor::DefaultKeyedRateLimiter<String>;

/// Per-host timing state.
#[derive(Debug, Default, Clone, Copy)]
struct HostGate {
    /// robots.txt `Crawl-delay`.
    crawl_delay: Option<Duration>,
    /// End of the most recent response from this host.
    last_done: Option<Instant>,
    /// No request before this instant (Retry-After, backoff).
    blocked_until: Option<Instant>,
}

/// Per-host request spacing for one crawl.
pub struct Politeness {
    /// Start-to-start rate per host (GCRA; one permit per interval, no burst).
    limiter: Keyed,
    /// The configured interval, `1/rate`.
    interval: Duration,
    /// End-to-start gaps, crawl delays and blocks, per host.
    hosts: Mutex<HashMap<String, HostGate>>,
}

impl Politeness {
    /// `rate` requests per second per host (must be > 0).
    pub fn new(rate: f64) -> Politeness {
        let interval = Duration::from_secs_f64(1.0 / rate.max(1e-6));
        let quota = Quota::with_period(interval)
            .unwrap_or_else(|| Quota::per_second(std::num::NonZeroU32::MIN))
            .allow_burst(std::num::NonZeroU32::MIN);
        Politeness {
            limiter: RateLimiter::keyed(quota),
            interval,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// The configured per-host interval.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    fn with<R>(&self, host: &str, f: impl FnOnce(&mut HostGate) -> R) -> R {
        let mut map = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        f(map.entry(host.to_string()).or_default())
    }

    /// Record the robots.txt `Crawl-delay` of a host.
    pub fn set_crawl_delay(&self, host: &str, delay: Duration) {
        self.with(host, |g| g.crawl_delay = Some(delay));
    }

    /// The minimum gap between requests to `host`: the larger of the interval and its
    /// `Crawl-delay`.
    pub fn gap(&self, host: &str) -> Duration {
        let cd = self.with(host, |g| g.crawl_delay);
        cd.map_or(self.interval, |d| d.max(self.interval))
    }

    /// Block `host` until `until` (keeps the later of two blocks).
    pub fn block_until(&self, host: &str, until: Instant) {
        self.with(host, |g| {
            g.blocked_until = Some(g.blocked_until.map_or(until, |b| b.max(until)));
        });
    }

    /// Wait until a request to `host` may start. Returns `false` if `stop` fired first.
    pub async fn acquire(&self, host: &str, stop: &mut watch::Receiver<bool>) -> bool {
        loop {
            if *stop.borrow() {
                return false;
            }
            let gap = self.gap(host);
            let not_before = self.with(host, |g| {
                let after_last = g.last_done.map(|t| t + gap);
                match (after_last, g.blocked_until) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                }
            });
            if let Some(t) = not_before {
                if t > Instant::now() {
                    tokio::select! {
                        _ = tokio::time::sleep_until(t.into()) => {}
                        _ = stop.changed() => {}
                    }
                    continue;
                }
            }
            let key = host.to_string();
            tokio::select! {
                _ = self.limiter.until_key_ready(&key) => {}
                _ = stop.changed() => { continue; }
            }
            // A block set while we waited for the limiter (another worker's 429) wins.
            let blocked = self.with(host, |g| g.blocked_until.is_some_and(|b| b > Instant::now()));
            if !blocked {
                return true;
            }
        }
    }

    /// How long from now until the next request to `host` may start by the gap after the
    /// last response and any block (what a shared frontier holds the host for).
    pub fn delay(&self, host: &str) -> Duration {
        let gap = self.gap(host);
        let now = Instant::now();
        self.with(host, |g| {
            let after_last = g.last_done.map_or(now, |t| t + gap);
            let until = g.blocked_until.map_or(after_last, |b| b.max(after_last));
            until.saturating_duration_since(now)
        })
    }

    /// The response from `host` has ended (or failed): the gap counts from now.
    pub fn done(&self, host: &str) {
        let now = Instant::now();
        self.with(host, |g| g.last_done = Some(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn spacing_counts_from_the_end_of_the_previous_response() {
        let p = Politeness::new(20.0); // 50 ms
        let (_tx, mut rx) = watch::channel(false);
        let t0 = Instant::now();
        assert!(p.acquire("a.test", &mut rx).await);
        tokio::time::sleep(Duration::from_millis(30)).await; // a slow response
        p.done("a.test");
        let end = Instant::now();
        assert!(p.acquire("a.test", &mut rx).await);
        assert!(
            end.elapsed() >= Duration::from_millis(50),
            "gap from end {:?}",
            end.elapsed()
        );
        assert!(t0.elapsed() >= Duration::from_millis(80));
        // another host is not held back
        let t1 = Instant::now();
        assert!(p.acquire("b.test", &mut rx).await);
        assert!(t1.elapsed() < Duration::from_millis(40));
    }

    #[tokio::test]
    async fn crawl_delay_and_blocks_win_over_the_rate() {
        let p = Politeness::new(100.0);
        let (_tx, mut rx) = watch::channel(false);
        p.set_crawl_delay("a.test", Duration::from_millis(120));
        assert_eq!(p.gap("a.test"), Duration::from_millis(120));
        assert!(p.acquire("a.test", &mut rx).await);
        p.done("a.test");
        let t = Instant::now();
        assert!(p.acquire("a.test", &mut rx).await);
        assert!(t.elapsed() >= Duration::from_millis(110));
        p.done("a.test");
        p.block_until("a.test", Instant::now() + Duration::from_millis(200));
        let t = Instant::now();
        assert!(p.acquire("a.test", &mut rx).await);
        assert!(t.elapsed() >= Duration::from_millis(190));
    }

    #[tokio::test]
    async fn stop_cancels_a_wait() {
        let p = Politeness::new(0.1); // 10 s
        let (tx, mut rx) = watch::channel(false);
        assert!(p.acquire("a.test", &mut rx).await);
        p.done("a.test");
        let h = tokio::spawn(async move {
            let t = Instant::now();
            let ok = p.acquire("a.test", &mut rx).await;
            (ok, t.elapsed())
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _ = tx.send(true);
        let (ok, waited) = h.await.unwrap();
        assert!(!ok);
        assert!(waited < Duration::from_secs(2));
    }
}
