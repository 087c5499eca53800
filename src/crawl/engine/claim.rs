//! The claim loops' bookkeeping on a shared frontier (`--frontier`): one loop at a time asks
//! the frontier for due hosts ([`Claims::next`]); a claim of several hosts serves its first
//! URL to the asking loop and leaves the others for the next free loop; while nothing is due
//! the asking loop naps holding the gate, so the others do not ask too; when the job's work
//! is over everywhere, every loop ends. Serving a claimed URL is `super::host`'s.
//!
//! In: a [`SharedFrontier`]. Out: [`Claimed`] URLs, counted as pending.

use crate::crawl::state::store::{Claim, Claimed, SharedFrontier, StoreError};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::watch;

/// Longest nap between two looks at a shared frontier that had nothing due: short next to
/// the per-host interval (a second by default), long next to a Redis round trip.
pub const CLAIM_POLL: Duration = Duration::from_millis(25);

/// Claim loops per request allowed in flight (`--concurrency`): a loop serving a host may
/// wait out its gap (robots.txt, then the page), so there are more loops than requests.
pub const CLAIM_LOOPS_PER_REQUEST: usize = 4;

/// Hosts one claim takes at most: hosts that come due together (a crawl's hosts keep
/// step) are taken in one round trip, not one after another.
pub const CLAIM_BATCH: usize = 16;

/// Shared by a worker's claim loops.
pub struct Claims {
    /// One loop asks the frontier at a time; while nothing is due it naps holding this.
    gate: tokio::sync::Mutex<()>,
    /// URLs claimed beyond what the claiming loop serves itself, for the next free loop.
    claimed: Mutex<VecDeque<Claimed>>,
    /// The frontier found the job's work over: the loops end.
    drained: AtomicBool,
    /// Hosts asked for per claim.
    batch: usize,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Claims {
    /// Bookkeeping for a worker with `concurrency` requests in flight.
    pub fn new(concurrency: usize) -> Claims {
        Claims {
            gate: tokio::sync::Mutex::new(()),
            claimed: Mutex::new(VecDeque::new()),
            drained: AtomicBool::new(false),
            batch: CLAIM_BATCH.min(concurrency.max(1)),
        }
    }

    /// The number of claim loops for `concurrency` requests in flight.
    pub fn loops(concurrency: usize) -> usize {
        concurrency.max(1) * CLAIM_LOOPS_PER_REQUEST
    }

    /// URLs claimed but not served (the crawl stopped): taken out and counted; the
    /// frontier gets them back when the worker leaves.
    pub fn take_unserved(&self) -> usize {
        lock(&self.claimed).drain(..).count()
    }

    /// The next URL for a claim loop; `None` when `stop` turns true or the job is over.
    /// Claimed URLs are added to `pending` (the caller finishes each one). `pending` also
    /// tells whether this worker has anything in hand when the frontier is empty.
    pub async fn next(
        &self,
        sf: &dyn SharedFrontier,
        pending: &AtomicUsize,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<Option<Claimed>, StoreError> {
        let over = |stop: &watch::Receiver<bool>| *stop.borrow() || self.drained.load(Ordering::SeqCst);
        loop {
            if over(stop) {
                return Ok(None);
            }
            if let Some(c) = lock(&self.claimed).pop_front() {
                return Ok(Some(c));
            }
            let _gate = tokio::select! {
                g = self.gate.lock() => g,
                _ = wait_true(stop) => return Ok(None),
            };
            // What the loop before us claimed beyond its own.
            if let Some(c) = lock(&self.claimed).pop_front() {
                return Ok(Some(c));
            }
            if over(stop) {
                return Ok(None);
            }
            let nap = match sf.claim(self.batch).await? {
                Claim::Items(items) => {
                    pending.fetch_add(items.len(), Ordering::SeqCst);
                    let mut items = items.into_iter();
                    let first = items.next();
                    lock(&self.claimed).extend(items);
                    match first {
                        Some(c) => return Ok(Some(c)),
                        None => continue,
                    }
                }
                Claim::Wait(d) => d.min(CLAIM_POLL),
                Claim::Empty => {
                    if pending.load(Ordering::SeqCst) == 0 && sf.idle().await? {
                        self.drained.store(true, Ordering::SeqCst);
                        return Ok(None);
                    }
                    CLAIM_POLL
                }
            };
            // Waiting with the gate held: the other loops do not ask meanwhile.
            tokio::select! {
                _ = tokio::time::sleep(nap) => {}
                _ = wait_true(stop) => return Ok(None),
            }
        }
    }
}

/// Resolves once the stop flag is true (never, if the sender is gone while false).
pub async fn wait_true(rx: &mut watch::Receiver<bool>) {
    if rx.wait_for(|v| *v).await.is_err() {
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawl::state::item::{Item, Kind, Via};
    use crate::crawl::state::store::FrontierFuture;
    use std::sync::Arc;

    /// A frontier that answers claims from a script and counts what it was asked.
    #[derive(Default)]
    struct Scripted {
        answers: Mutex<VecDeque<Claim>>,
        claims: AtomicUsize,
        idle_asked: AtomicUsize,
        idle: AtomicBool,
    }

    fn claimed(host: &str) -> Claimed {
        let url = url::Url::parse(&format!("http://{host}/")).unwrap();
        Claimed {
            host: host.into(),
            item: Item::new(url, Kind::Page, Via::Seed, 0),
            prior: None,
        }
    }

    impl SharedFrontier for Scripted {
        fn claim(&self, _max: usize) -> FrontierFuture<'_, Claim> {
            self.claims.fetch_add(1, Ordering::SeqCst);
            let a = lock(&self.answers).pop_front().unwrap_or(Claim::Empty);
            Box::pin(async move { Ok(a) })
        }
        fn release<'a>(&'a self, _: &'a str, _: Duration) -> FrontierFuture<'a, ()> {
            Box::pin(async { Ok(()) })
        }
        fn idle(&self) -> FrontierFuture<'_, bool> {
            self.idle_asked.fetch_add(1, Ordering::SeqCst);
            let idle = self.idle.load(Ordering::SeqCst);
            Box::pin(async move { Ok(idle) })
        }
        fn leave(&self) -> Result<u64, StoreError> {
            Ok(0)
        }
        fn round_trips(&self) -> u64 {
            0
        }
        fn record_made(
            &self,
            _: &str,
            _: &str,
            _: bool,
        ) -> Result<crate::crawl::state::store::Verdict, StoreError> {
            Ok(crate::crawl::state::store::Verdict::Write)
        }
    }

    #[tokio::test]
    async fn one_claim_feeds_several_loops_and_counts_them_pending() {
        let sf = Scripted::default();
        lock(&sf.answers).push_back(Claim::Items(vec![
            claimed("a.test"),
            claimed("b.test"),
            claimed("c.test"),
        ]));
        let claims = Claims::new(64);
        assert_eq!(claims.batch, CLAIM_BATCH);
        let pending = AtomicUsize::new(0);
        let (_tx, mut stop) = watch::channel(false);
        let mut hosts = Vec::new();
        for _ in 0..3 {
            let c = claims.next(&sf, &pending, &mut stop).await.unwrap().unwrap();
            hosts.push(c.host);
        }
        assert_eq!(hosts, ["a.test", "b.test", "c.test"]);
        assert_eq!(
            sf.claims.load(Ordering::SeqCst),
            1,
            "one round trip for three hosts"
        );
        assert_eq!(pending.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn nothing_due_naps_then_the_job_ends_only_when_nothing_is_in_hand() {
        let sf = Arc::new(Scripted::default());
        lock(&sf.answers).extend([Claim::Wait(Duration::from_secs(5)), Claim::Empty]);
        let claims = Claims::new(2);
        let pending = AtomicUsize::new(1);
        let (_tx, mut stop) = watch::channel(false);
        // Something in hand: an empty frontier is not the end; the loop keeps asking.
        let t0 = tokio::time::Instant::now();
        let r = tokio::time::timeout(
            Duration::from_secs(1),
            claims.next(sf.as_ref(), &pending, &mut stop),
        )
        .await;
        assert!(r.is_err(), "still waiting");
        assert!(
            sf.claims.load(Ordering::SeqCst) >= 3,
            "asked again after each nap"
        );
        assert_eq!(sf.idle_asked.load(Ordering::SeqCst), 0);
        assert!(t0.elapsed() >= Duration::from_millis(300));
        // Nothing in hand and the frontier idle: every loop ends.
        pending.store(0, Ordering::SeqCst);
        sf.idle.store(true, Ordering::SeqCst);
        assert!(claims
            .next(sf.as_ref(), &pending, &mut stop)
            .await
            .unwrap()
            .is_none());
        assert!(claims.drained.load(Ordering::SeqCst));
        let asked = sf.claims.load(Ordering::SeqCst);
        assert!(claims
            .next(sf.as_ref(), &pending, &mut stop)
            .await
            .unwrap()
            .is_none());
        assert_eq!(
            sf.claims.load(Ordering::SeqCst),
            asked,
            "a drained worker asks no more"
        );
    }

    #[tokio::test]
    async fn a_stop_ends_a_waiting_loop_and_leaves_the_rest_unserved() {
        let sf = Scripted::default();
        lock(&sf.answers).push_back(Claim::Items(vec![claimed("a.test"), claimed("b.test")]));
        let claims = Claims::new(4);
        let pending = AtomicUsize::new(0);
        let (tx, mut stop) = watch::channel(false);
        assert!(claims.next(&sf, &pending, &mut stop).await.unwrap().is_some());
        tx.send(true).unwrap();
        assert!(claims.next(&sf, &pending, &mut stop).await.unwrap().is_none());
        assert_eq!(claims.take_unserved(), 1, "b.test was claimed but not served");
        assert_eq!(claims.take_unserved(), 0);
    }
}
