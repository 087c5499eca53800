//! Serving hosts: a host's workers pop its URLs from the state (or, on a shared frontier,
//! claim loops lease due hosts' URLs); each URL waits for robots.txt (once per host), the
//! host's politeness slot and a global request slot, is fetched, and its response is
//! routed: a page to the blocking pool (`super::process`), a sitemap or feed to discovery
//! (`super::discovery`), a redirect back to the frontier, a 429/5xx to a retry, anything
//! else to an error record.
//!
//! In: queued [`Item`]s. Out: [`super::shared::Job`]s, queued URLs, error records.

use super::claim::Claims;
use super::shared::{is_link_page, lock, unix_now, Job, Shared};
use super::writer::Out;
use crate::crawl::fetch::{FetchError, Fetched, Validators, Want};
use crate::crawl::page_log::NotWritten;
use crate::crawl::state::item::{Item, Kind};
use crate::crawl::state::store::{Claimed, Outcome};
use crate::crawl::urls;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One worker of a host (up to `--per-host-concurrency`): pop and serve the host's URLs
/// until none is left or the crawl stops; the host's last worker accounts for what is left
/// queued when it stops.
pub async fn host_worker(shared: Arc<Shared>, host: String) {
    loop {
        let popped = {
            let mut workers = lock(&shared.workers);
            let popped = if shared.stopped() {
                Ok(None)
            } else {
                shared.store.pop(&host)
            };
            match popped {
                Ok(Some(p)) => p,
                other => {
                    if let Err(e) = other {
                        shared.store_failed(e);
                    }
                    let w = workers.entry(host.clone()).or_default();
                    *w = w.saturating_sub(1);
                    let last = *w == 0;
                    drop(workers);
                    // The host's last worker accounts for what is left queued: dropped
                    // (memory) or kept for the next run (a state database).
                    if last && shared.stopped() {
                        let left = shared.store.stop_host(&host).unwrap_or(0);
                        lock(&shared.stats).work_left += left;
                        for _ in 0..left {
                            shared.finish();
                        }
                    }
                    return;
                }
            }
        };
        let (mut item, prior) = popped;
        item.prior = prior.map(Box::new);
        shared.serve(item, &host).await;
    }
}

/// One claim loop of a worker on a shared frontier: lease due hosts' URLs ([`Claims`]),
/// serve one, and release its host with the gap it needs (its next allowed fetch, for every
/// worker).
pub async fn claim_worker(shared: Arc<Shared>) {
    let Some(sf) = shared.store.shared() else {
        return;
    };
    let mut stop = shared.stop_rx.clone();
    loop {
        let Claimed {
            host,
            mut item,
            prior,
        } = match shared.claims.next(sf, &shared.pending, &mut stop).await {
            Ok(Some(c)) => c,
            Ok(None) => return,
            Err(e) => {
                shared.store_failed(e);
                return;
            }
        };
        item.prior = prior.map(Box::new);
        shared.serve(item, &host).await;
        if let Err(e) = sf.release(&host, shared.polite.delay(&host)).await {
            shared.store_failed(e);
            return;
        }
    }
}

/// The claim loops of a worker on a shared frontier (none without one), run to their end.
pub async fn run_claim_loops(shared: &Arc<Shared>) {
    if shared.store.shared().is_none() {
        return;
    }
    let mut loops = tokio::task::JoinSet::new();
    for _ in 0..Claims::loops(shared.cfg.concurrency) {
        loops.spawn(claim_worker(shared.clone()));
    }
    while loops.join_next().await.is_some() {}
    // Claimed but not served (the crawl stopped): `leave` queues them again.
    for _ in 0..shared.claims.take_unserved() {
        shared.unfetched();
    }
}

/// Validators for a conditional request: for what is re-read each round (sitemaps, feeds,
/// listing pages) and for recrawled articles, when an earlier response had them.
pub fn conditional(item: &Item) -> Option<Validators> {
    let p = item.prior.as_ref()?;
    let reread = item.kind != Kind::Page || p.listing || p.record_id.is_some();
    (reread && (p.etag.is_some() || p.last_modified.is_some())).then(|| Validators {
        etag: p.etag.clone(),
        last_modified: p.last_modified.clone(),
    })
}

impl Shared {
    /// Serve one item of `host`: robots.txt first (once per host), then fetch and route.
    pub async fn serve(self: &Arc<Self>, item: Item, host: &str) {
        let info = self.host_info(host);
        let first = item.url.clone();
        let robots = info
            .robots
            .get_or_init(|| self.fetch_robots(host, &first))
            .await
            .clone();
        match robots {
            None => {
                let reason =
                    "robots.txt could not be fetched (5xx, 429 or no answer): host skipped".to_string();
                self.fail(&item, "robots", "robots_unavailable", reason, None);
            }
            Some(r) if !r.allowed(&item.url) => {
                lock(&self.stats).robots_disallowed += 1;
                self.done(&item, host, false);
            }
            // The link's origin used up its budget while it waited in the queue.
            Some(_) if is_link_page(&item) && !lock(&self.traps).allows_fetch(host, item.from.as_deref()) => {
                lock(&self.stats).trap_skipped += 1;
                self.done(&item, host, false);
            }
            Some(_) => self.handle(item, host).await,
        }
    }

    /// Fetch one item and route the response.
    async fn handle(self: &Arc<Self>, item: Item, host: &str) {
        if item.kind == Kind::Page {
            if let Some(max) = self.cfg.max_pages {
                if self
                    .pages_started
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                    >= max
                {
                    self.stop(crate::crawl::stats::StopReason::MaxPages);
                    self.unfetched();
                    return;
                }
            }
        }
        let mut stop = self.stop_rx.clone();
        if !self.polite.acquire(host, &mut stop).await {
            self.unfetched();
            return;
        }
        let Ok(permit) = self.global.acquire().await else {
            self.unfetched();
            return;
        };
        let cond = conditional(&item);
        let want = if item.kind == Kind::Page {
            Want::Html
        } else {
            Want::Xml
        };
        // On stop, a request still waiting for its response is dropped, not awaited.
        let res = tokio::select! {
            r = self.get(&item.url, want, None, cond.as_ref()) => r,
            _ = super::claim::wait_true(&mut stop) => {
                self.polite.done(host);
                lock(&self.stats).dropped_on_stop += 1;
                self.unfetched();
                return;
            }
        };
        self.polite.done(host);
        drop(permit);
        match res {
            Ok(f) => self.on_response(item, f, host, cond.is_some()).await,
            Err(e) => self.on_fetch_error(item, e, host),
        }
    }

    /// No response (or one refused by size or type): retry a transient error, else fail.
    fn on_fetch_error(self: &Arc<Self>, item: Item, e: FetchError, host: &str) {
        if let FetchError::TooLarge { .. } | FetchError::ContentType(_) = e {
            lock(&self.stats).response(host, 200, 0);
        } else {
            lock(&self.stats).no_response(host);
        }
        if e.is_transient() && item.attempts < self.cfg.retries && !self.stopped() {
            let d = self.backoff(item.attempts);
            self.retry(item, host, d);
        } else {
            self.fail(&item, "fetch", e.kind(), e.to_string(), None);
        }
    }

    /// A response: remember its validators, then route it by status.
    async fn on_response(self: &Arc<Self>, item: Item, f: Fetched, host: &str, conditional: bool) {
        lock(&self.stats).response(host, f.status, f.body.len());
        let etag = f.header(reqwest::header::ETAG);
        let last_modified = f.header(reqwest::header::LAST_MODIFIED);
        if let Err(e) = self.store.response(
            item.url.as_str(),
            f.status,
            etag.as_deref(),
            last_modified.as_deref(),
            unix_now(),
        ) {
            self.store_failed(e);
        }
        match f.status {
            200..=299 => self.dispatch(item, f, host).await,
            304 if conditional => {
                // Nothing changed since the last round: nothing to read, nothing to write.
                lock(&self.stats).not_modified += 1;
                let listing = item.prior.as_ref().is_some_and(|p| p.listing);
                if item.kind == Kind::Page {
                    let e = Shared::unread_entry(&item, Some(304), NotWritten::NotModified, None);
                    self.done_logged(&item, host, listing, e);
                } else {
                    self.done(&item, host, listing);
                }
            }
            301 | 302 | 303 | 307 | 308 => self.redirect(item, &f),
            429 | 503 => self.busy(item, &f, host),
            408 | 500 | 502 | 504 if item.attempts < self.cfg.retries && !self.stopped() => {
                let d = self.backoff(item.attempts);
                self.retry(item, host, d);
            }
            s => {
                if item.probe && (s == 404 || s == 410 || s == 403) {
                    self.settle(&item.url, Outcome::Done { listing: false });
                    self.finish();
                } else {
                    self.fail(&item, "fetch", &format!("http_{s}"), format!("HTTP {s}"), Some(s));
                }
            }
        }
    }

    /// 429 or 503: wait as long as `Retry-After` says (the block outlives the run), or back
    /// off, and retry; give up when the wait is too long or the retries are spent.
    fn busy(self: &Arc<Self>, item: Item, f: &Fetched, host: &str) {
        let ra = f.retry_after();
        if ra.is_some_and(|d| d > self.cfg.max_retry_after) {
            let reason = format!(
                "Retry-After {:?} is longer than the limit",
                ra.unwrap_or_default()
            );
            self.fail(&item, "fetch", "retry_after_too_long", reason, Some(f.status));
            return;
        }
        if let Some(d) = ra {
            lock(&self.stats).retry_after_waits += 1;
            // The block outlives this run: the next scheduled run waits too.
            let _ = self.store.block(host, unix_now() + d.as_secs() as i64);
        }
        let wait: Duration = ra.unwrap_or_else(|| self.backoff(item.attempts));
        if item.attempts < self.cfg.retries && !self.stopped() {
            self.retry(item, host, wait);
        } else {
            self.polite.block_until(host, Instant::now() + wait);
            let reason = format!("HTTP {} after {} attempts", f.status, item.attempts + 1);
            self.fail(
                &item,
                "fetch",
                &format!("http_{}", f.status),
                reason,
                Some(f.status),
            );
        }
    }

    /// A redirect: its target is queued like a new URL (scope, loops and hop limit checked).
    fn redirect(self: &Arc<Self>, item: Item, f: &Fetched) {
        let loc = f.header(reqwest::header::LOCATION).unwrap_or_default();
        let Some(target) = urls::resolve(Some(&item.url), &loc) else {
            let reason = format!("redirect to an unusable Location {loc:?}");
            self.fail(&item, "redirect", "bad_location", reason, Some(f.status));
            return;
        };
        if target == item.url || item.chain.iter().any(|c| c == target.as_str()) {
            let reason = format!("redirect loop back to {target}");
            self.fail(&item, "redirect", "redirect_loop", reason, Some(f.status));
            return;
        }
        if item.chain.len() + 1 > self.cfg.max_redirects {
            let reason = format!("more than {} redirects", self.cfg.max_redirects);
            self.fail(&item, "redirect", "too_many_redirects", reason, Some(f.status));
            return;
        }
        if !self.scope.allows(&target) {
            let reason = format!("redirect to {target}, outside the crawl scope");
            self.fail(&item, "redirect", "redirect_out_of_scope", reason, Some(f.status));
            return;
        }
        self.settle(&item.url, Outcome::Done { listing: false });
        if self.store.is_seen(target.as_str()).unwrap_or(false) {
            // Already fetched or queued under its final URL: nothing to do twice (a page's
            // line says so; the target's own line tells its fate).
            lock(&self.stats).duplicates += 1;
            if item.kind == Kind::Page {
                let mut e = Shared::unread_entry(&item, Some(f.status), NotWritten::Duplicate, None);
                e.final_url = target.to_string();
                self.send_then_finish(vec![Out::Page(Box::new(e))]);
            } else {
                self.finish();
            }
            return;
        }
        let mut next = item.clone();
        next.chain.push(item.url.to_string());
        next.url = target;
        next.attempts = 0;
        next.prior = None;
        self.enqueue(next, true);
        self.finish();
    }

    /// A 2xx response: a page goes to the blocking pool, a sitemap or feed to discovery.
    async fn dispatch(self: &Arc<Self>, item: Item, f: Fetched, host: &str) {
        match item.kind {
            Kind::Page => {
                lock(&self.stats).pages_fetched += 1;
                let job = Job {
                    item,
                    fetched: f,
                    host: host.to_string(),
                };
                if let Err(e) = self.jobs.send(job).await {
                    // The processor is gone only after the crawl ended.
                    let job = e.0;
                    self.fail(&job.item, "extract", "shutdown", "crawl ended".into(), None);
                }
            }
            Kind::Sitemap | Kind::Feed => self.read_discovery(item, f, host).await,
        }
    }
}
