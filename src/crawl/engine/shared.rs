//! What the crawl's tasks share ([`Shared`]): the settings, the HTTP client, politeness,
//! scope, the state store, the semaphores and channels, the counters, and the small steps
//! every stage takes (finish a URL, record its outcome, fail it with an error record, retry
//! it, stop the crawl). Serving hosts, processing pages and writing are in their own files.

use super::claim::Claims;
use super::writer::Out;
use crate::crawl::config::CrawlConfig;
use crate::crawl::fetch::{FetchError, Fetched, Fetcher, Validators, Want};
use crate::crawl::page_log::{NotWritten, PageEntry};
use crate::crawl::politeness::Politeness;
use crate::crawl::robots::Robots;
use crate::crawl::state::item::{Item, Kind, Via};
use crate::crawl::state::store::{Outcome, StateStore, StoreError};
use crate::crawl::stats::{ErrorRecord, Stats, StopReason};
use crate::crawl::traps::{self, Traps};
use crate::crawl::urls::Scope;
use crate::{Options, Rules};
use chrono::{DateTime, FixedOffset};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch, Notify, OnceCell, Semaphore};

/// Longest backoff between retries of one URL: a failing host is tried again within a
/// minute, not left for the rest of the run.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// KiB of response bodies waiting for the WARC writer: fetching waits beyond this, so
/// memory stays flat however slow the disk.
pub const ARCHIVE_BUDGET_KIB: u32 = 32 * 1024;

/// Per-host state shared by its workers.
#[derive(Default)]
pub struct HostInfo {
    /// The robots policy, fetched once; `None` when the host was given up.
    pub robots: OnceCell<Option<Arc<Robots>>>,
    /// A seed's host (gets conventional sitemap and feed probes).
    pub seed: AtomicBool,
    /// A sitemap of this host was parsed, or robots.txt declares one: no feed probing.
    pub sitemap_found: AtomicBool,
}

/// A fetched page on its way to the blocking pool.
pub struct Job {
    /// The URL as queued.
    pub item: Item,
    /// Its response.
    pub fetched: Fetched,
    /// Its host.
    pub host: String,
}

/// What the crawl's tasks share.
pub struct Shared {
    /// The settings.
    pub cfg: CrawlConfig,
    /// Extraction rules, compiled once.
    pub rules: Arc<Rules>,
    /// Extraction options of every page (from the settings).
    pub extract: Options,
    /// The HTTP client.
    pub fetcher: Fetcher,
    /// Per-host spacing.
    pub polite: Politeness,
    /// Which URLs may be fetched.
    pub scope: Scope,
    /// robots.txt product token.
    pub agent: String,
    /// Frontier, seen-set, fetch history, written articles (memory, SQLite or Redis).
    pub store: Arc<dyn StateStore>,
    /// Workers serving each host (at most `--per-host-concurrency`).
    pub workers: Mutex<HashMap<String, usize>>,
    /// Per host and URL pattern: linked pages that led to no article.
    pub traps: Mutex<Traps>,
    /// Per-host robots policy and discovery flags.
    pub hosts: Mutex<HashMap<String, Arc<HostInfo>>>,
    /// Requests in flight overall (`--concurrency`).
    pub global: Semaphore,
    /// Sitemaps and feeds being parsed and queued: a sitemap of 50,000 entries is a few
    /// MiB once parsed, so only as many as there are extraction threads at a time (memory
    /// stays flat however many hosts answer at once).
    pub discovery: Semaphore,
    /// Pages being processed (one per extraction thread).
    pub cpu: Arc<Semaphore>,
    /// URLs queued or in flight: the crawl ends when none is.
    pub pending: AtomicUsize,
    /// Notified when `pending` drops to zero.
    pub idle: Notify,
    /// Turns true when the crawl stops (signal, budget, output or state error).
    pub stop_tx: watch::Sender<bool>,
    /// Its receiver, cloned by every task that waits.
    pub stop_rx: watch::Receiver<bool>,
    /// Why the crawl stopped (the first reason wins).
    pub stopped_by: Mutex<Option<StopReason>>,
    /// The counters, live.
    pub stats: Arc<Mutex<Stats>>,
    /// Fetched pages for the blocking pool (bounded: fetching waits for extraction).
    pub jobs: mpsc::Sender<Job>,
    /// Records, error records and exchanges for the writer (bounded).
    pub out: mpsc::Sender<Out>,
    /// Ids of records written (one record per canonical URL).
    pub emitted: Mutex<HashSet<String>>,
    /// HTML page fetches started (`--max-pages`).
    pub pages_started: AtomicU64,
    /// With `--warc`: KiB of bodies that may wait for the writer ([`ARCHIVE_BUDGET_KIB`]).
    pub archive_budget: Option<Arc<Semaphore>>,
    /// A shared frontier's claim loops.
    pub claims: Claims,
}

/// A mutex's guard, also after a panic elsewhere (the counters stay usable).
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Now, in Unix seconds.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A page found by a link (not a seed, sitemap or feed entry): subject to the trap rules.
pub fn is_link_page(item: &Item) -> bool {
    item.kind == Kind::Page && item.via == Via::Link
}

impl Shared {
    /// The crawl is stopping.
    pub fn stopped(&self) -> bool {
        *self.stop_rx.borrow()
    }

    /// Stop the crawl; the first reason is the one reported.
    pub fn stop(&self, why: StopReason) {
        let mut s = lock(&self.stopped_by);
        if s.is_none() {
            *s = Some(why);
        }
        let _ = self.stop_tx.send(true);
    }

    /// Fetch; with `--warc`, the exchange goes to the writer before the response is used.
    pub async fn get(
        &self,
        url: &url::Url,
        want: Want,
        timeout: Option<Duration>,
        cond: Option<&Validators>,
    ) -> Result<Fetched, FetchError> {
        let Some(budget) = &self.archive_budget else {
            return self.fetcher.get(url, want, timeout, cond).await;
        };
        let (res, exchange) = self.fetcher.fetch(url, want, timeout, cond, true).await;
        if let Some(mut ex) = exchange {
            let kib = u32::try_from(ex.body.len() / 1024 + 1)
                .map_or(ARCHIVE_BUDGET_KIB, |k| k.min(ARCHIVE_BUDGET_KIB));
            ex.permit = budget.clone().acquire_many_owned(kib).await.ok();
            let _ = self.out.send(Out::Exchange(Box::new(ex))).await;
        }
        res
    }

    /// The host's shared state, created when missing.
    pub fn host_info(&self, host: &str) -> Arc<HostInfo> {
        lock(&self.hosts).entry(host.to_string()).or_default().clone()
    }

    /// A page is done: it was a new article or not, which counts for the pattern of the
    /// page that linked to it.
    pub fn page_outcome(&self, item: &Item, host: &str, new_article: bool) {
        if item.kind != Kind::Page {
            return;
        }
        let cut = lock(&self.traps).done(host, &item.url, item.from.as_deref(), new_article);
        self.trap_cut(cut);
    }

    /// A trap budget ran out: reported in the summary.
    pub fn trap_cut(&self, cuts: Vec<traps::Cut>) {
        if !cuts.is_empty() {
            lock(&self.stats)
                .traps
                .extend(cuts.iter().map(ToString::to_string));
        }
    }

    /// One URL is over (its last stage done).
    pub fn finish(&self) {
        if self.pending.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.idle.notify_one();
        }
    }

    /// A popped item that the stopping crawl did not fetch: left to the next run (a state
    /// database queues it again at start), counted as work left.
    pub fn unfetched(&self) {
        lock(&self.stats).work_left += 1;
        self.finish();
    }

    /// The state database failed (disk full, I/O error): nothing can be trusted to be
    /// recorded any more, so the crawl stops.
    pub fn store_failed(&self, e: StoreError) {
        let message = crate::error::chain(&e);
        tracing::error!(error = %message, "the crawl state failed; stopping");
        lock(&self.stats).notes.push(format!("stopped: {message}"));
        self.stop(StopReason::StateError);
    }

    /// Record how a URL ended in the state.
    pub fn settle(&self, url: &url::Url, outcome: Outcome) {
        if let Err(e) = self.store.outcome(url.as_str(), outcome, unix_now()) {
            self.store_failed(e);
        }
    }

    /// A URL that needs nothing more: its trap outcome (no article), its state, finished.
    pub fn done(&self, item: &Item, host: &str, listing: bool) {
        self.page_outcome(item, host, false);
        self.settle(&item.url, Outcome::Done { listing });
        self.finish();
    }

    /// A fetched page that needs nothing more ([`Shared::done`]), its page-log entry sent to
    /// the writer first.
    pub fn done_logged(self: &Arc<Self>, item: &Item, host: &str, listing: bool, entry: PageEntry) {
        self.page_outcome(item, host, false);
        self.settle(&item.url, Outcome::Done { listing });
        self.send_then_finish(vec![Out::Page(Box::new(entry))]);
    }

    /// Send these to the writer, then finish the URL (after they are queued, so the writer
    /// cannot see the end of the crawl before them). Without waiting when the queue has room.
    pub fn send_then_finish(self: &Arc<Self>, outs: Vec<Out>) {
        let mut outs = outs.into_iter();
        while let Some(o) = outs.next() {
            if let Err(mpsc::error::TrySendError::Full(o)) = self.out.try_send(o) {
                let sh = self.clone();
                tokio::spawn(async move {
                    for o in std::iter::once(o).chain(outs) {
                        let _ = sh.out.send(o).await;
                    }
                    sh.finish();
                });
                return;
            }
        }
        self.finish();
    }

    /// The page-log entry of a page fetched (or tried) without being read: the URL first
    /// queued, the one that answered (or failed), the status if any.
    pub fn unread_entry(
        item: &Item,
        status: Option<u16>,
        reason: NotWritten,
        error: Option<String>,
    ) -> PageEntry {
        let first = item
            .chain
            .first()
            .cloned()
            .unwrap_or_else(|| item.url.to_string());
        PageEntry::unread(first, item.url.to_string(), status, reason, error)
    }

    /// Put an item back for another attempt after `delay` (the whole host waits: it is
    /// either overloaded or failing).
    pub fn retry(&self, mut item: Item, host: &str, delay: Duration) {
        item.attempts += 1;
        lock(&self.stats).retries += 1;
        self.polite.block_until(host, Instant::now() + delay);
        if let Err(e) = self.store.requeue(host, &item) {
            self.store_failed(e);
            self.finish();
        } else if self.store.shared().is_some() {
            // Back in the shared queue: any worker may take it.
            self.finish();
        }
    }

    /// The wait before attempt `attempts + 1`: doubling from `backoff`, with jitter.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let base = self.cfg.backoff.saturating_mul(1u32 << attempts.min(16));
        let jitter = 0.5 + rand::random::<f64>();
        base.mul_f64(jitter).min(MAX_BACKOFF)
    }

    /// Write an error record for an item (and, for a page that was fetched or tried, its
    /// page-log entry) and finish it (after they are queued, so the writer cannot see the end
    /// of the crawl before them).
    pub fn fail(
        self: &Arc<Self>,
        item: &Item,
        stage: &'static str,
        kind: &str,
        reason: String,
        status: Option<u16>,
    ) {
        let host = item.url.host_str().unwrap_or("").to_string();
        self.page_outcome(item, &host, false);
        self.settle(&item.url, Outcome::Failed);
        lock(&self.stats).error(&host, kind);
        let rec = ErrorRecord {
            url: item.url.to_string(),
            stage,
            kind: kind.to_string(),
            reason,
            status,
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        let mut outs = vec![Out::Error(rec)];
        // A page whose robots.txt never answered was not fetched: no page-log line.
        if item.kind == Kind::Page && stage != "robots" {
            let e = Shared::unread_entry(item, status, NotWritten::Error, Some(kind.to_string()));
            outs.push(Out::Page(Box::new(e)));
        }
        self.send_then_finish(outs);
    }

    /// A sitemap or feed entry dated before `--since`.
    pub fn too_old(&self, date: Option<DateTime<FixedOffset>>) -> bool {
        matches!((self.cfg.since, date), (Some(since), Some(d)) if d < since)
    }
}
