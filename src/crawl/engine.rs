//! The crawl pipeline. Tasks and the bounded channels between them:
//!
//! ```text
//! frontier ─► host workers (one per host, politeness, global semaphore, fetch)
//!          ─► [bounded] page jobs ─► blocking pool (process_for_crawl, classify) ─┐
//!          ◄── discovered links, feed and sitemap entries ◄─────────────────────────┘
//!          ─► [bounded] records and error records ─► writer thread ─► Sink
//!   fetch ─► (with --warc) request/response exchanges ─► writer thread ─► Archive
//! ```
//! A URL is "pending" from the moment it is queued until its last stage is done; the crawl
//! ends when nothing is pending. Stopping (signal, `--max-time`, `--max-pages`) makes
//! workers drop what is queued, lets in-flight requests and pages finish, and flushes the
//! sink. Page bodies live only between fetch and processing (and, with `--warc`, until the
//! writer has archived them: at most [`ARCHIVE_BUDGET_KIB`] of bodies wait for it).

use super::archive::{Archive, Exchange};
use super::classify::{self, PageKind, Signals};
use super::discover::{self, Sitemap};
use super::fetch::{FetchConfig, FetchError, Fetched, Fetcher, Want};
use super::frontier::{Frontier, Item, Kind, Via};
use super::politeness::Politeness;
use super::robots::{self, Robots};
use super::state::{Journal, Known};
use super::stats::{ErrorRecord, Stats};
use super::traps::{self, TrapConfig, Traps};
use super::urls::{self, Scope};
use crate::model::{CrawlInfo, HttpInfo, Page, Record};
use crate::{process_for_crawl, record, Error, Options, Rules};
use chrono::{DateTime, FixedOffset};
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch, Notify, OnceCell, Semaphore};
use url::Url;

/// Largest sitemap or feed accepted, uncompressed (the sitemap protocol's limit).
const MAX_SITEMAP_BYTES: usize = 50 * 1024 * 1024;
/// Page jobs waiting for the blocking pool, per processing thread.
const JOBS_PER_THREAD: usize = 2;
/// Records and error records waiting for the writer.
const OUTPUT_QUEUE: usize = 256;
/// Longest backoff between retries of one URL.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Records written between two checkpoints of the state file.
const CHECKPOINT_RECORDS: usize = 200;
/// Longest time between two checkpoints of the state file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(10);
/// Redirects followed for robots.txt.
const ROBOTS_REDIRECTS: usize = 5;
/// KiB of response bodies waiting for the WARC writer: fetching waits beyond this, so
/// memory stays flat however slow the disk.
pub const ARCHIVE_BUDGET_KIB: u32 = 32 * 1024;

/// Everything a crawl needs to know.
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    /// Start URLs.
    pub seeds: Vec<Url>,
    /// Requests per second per host (the interval is `1/rate`).
    pub rate: f64,
    /// Requests in flight per host.
    pub per_host_concurrency: usize,
    /// Requests in flight overall.
    pub concurrency: usize,
    /// Link hops followed from a seed.
    pub max_depth: u32,
    /// Only URLs matching one of these (when any).
    pub include: Vec<Regex>,
    /// Never URLs matching any of these.
    pub exclude: Vec<Regex>,
    /// Stop after this many HTML page fetches.
    pub max_pages: Option<u64>,
    /// Stop after this long.
    pub max_time: Option<Duration>,
    /// HTTP client settings.
    pub fetch: FetchConfig,
    /// Timeout for robots.txt.
    pub robots_timeout: Duration,
    /// robots.txt attempts before a host is given up (5xx, 429 or no answer; with the
    /// retry backoff between them).
    pub robots_attempts: u32,
    /// Retries of a URL after transient errors, 429 and 5xx.
    pub retries: u32,
    /// First backoff; doubles per attempt, with jitter.
    pub backoff: Duration,
    /// A `Retry-After` longer than this gives the URL up instead of waiting.
    pub max_retry_after: Duration,
    /// Redirect hops followed for one URL.
    pub max_redirects: usize,
    /// Budgets of linked pages that lead to no article (crawler traps).
    pub traps: TrapConfig,
    /// Skip sitemap and feed entries dated before this.
    pub since: Option<DateTime<FixedOffset>>,
    /// Write records for listing pages too.
    pub emit_all: bool,
    /// Use robots `Sitemap:` lines and conventional sitemap locations.
    pub sitemaps: bool,
    /// Use feeds declared by pages and conventional feed locations.
    pub feeds: bool,
    /// Threads for extraction.
    pub threads: usize,
    /// Extraction options.
    pub extract: Options,
    /// State file of articles written by earlier runs (skipped) and by this one (appended).
    pub state: Option<std::path::PathBuf>,
    /// WARC file for every request and response (`.gz`: one gzip member per record).
    pub warc: Option<std::path::PathBuf>,
}

impl CrawlConfig {
    /// Defaults for `seeds`: 1 request/s per host, 1 per host in flight, 16 overall.
    pub fn new(seeds: Vec<Url>, user_agent: String) -> CrawlConfig {
        CrawlConfig {
            seeds,
            rate: 1.0,
            per_host_concurrency: 1,
            concurrency: 16,
            max_depth: 3,
            include: Vec::new(),
            exclude: Vec::new(),
            max_pages: None,
            max_time: None,
            fetch: FetchConfig {
                user_agent,
                timeout: Duration::from_secs(30),
                connect_timeout: Duration::from_secs(10),
                max_body: 10 * 1024 * 1024,
                resolve: Vec::new(),
            },
            robots_timeout: Duration::from_secs(10),
            robots_attempts: 3,
            retries: 2,
            backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(600),
            max_redirects: 10,
            traps: TrapConfig::default(),
            since: None,
            emit_all: false,
            sitemaps: true,
            feeds: true,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            extract: Options::default(),
            state: None,
            warc: None,
        }
    }
}

/// Where records and error records go. Called from one writer thread, in order.
pub trait Sink: Send + 'static {
    /// An article record.
    fn record(&mut self, r: &Record) -> std::io::Result<()>;
    /// A URL that failed.
    fn error(&mut self, e: &ErrorRecord) -> std::io::Result<()>;
    /// Make everything written so far durable (without ending the output); the crawl
    /// state records these articles as done only after this returns.
    fn checkpoint(&mut self) -> std::io::Result<()>;
    /// End of the crawl.
    fn flush(&mut self) -> std::io::Result<()>;
}

enum Out {
    Record(Box<Record>),
    Error(ErrorRecord),
    Exchange(Box<Exchange>),
    Done,
}

/// Per-host state shared by its workers.
#[derive(Default)]
struct HostInfo {
    /// The robots policy, fetched once; `None` when the host was given up.
    robots: OnceCell<Option<Arc<Robots>>>,
    /// A seed's host (gets conventional sitemap and feed probes).
    seed: AtomicBool,
    /// A sitemap of this host was parsed, or robots.txt declares one: no feed probing.
    sitemap_found: AtomicBool,
}

struct Job {
    item: Item,
    fetched: Fetched,
    host: String,
}

struct Shared {
    cfg: CrawlConfig,
    rules: Arc<Rules>,
    fetcher: Fetcher,
    /// Per-host spacing.
    polite: Politeness,
    scope: Scope,
    /// robots.txt product token.
    agent: String,
    frontier: Mutex<Frontier>,
    /// Per host and URL pattern: linked pages that led to no article.
    traps: Mutex<Traps>,
    hosts: Mutex<HashMap<String, Arc<HostInfo>>>,
    /// Requests in flight overall (`--concurrency`).
    global: Semaphore,
    /// Pages being processed (one per extraction thread).
    cpu: Arc<Semaphore>,
    /// URLs queued or in flight.
    pending: AtomicUsize,
    idle: Notify,
    stop_tx: watch::Sender<bool>,
    stop_rx: watch::Receiver<bool>,
    stopped_by: Mutex<Option<String>>,
    stats: Arc<Mutex<Stats>>,
    jobs: mpsc::Sender<Job>,
    out: mpsc::Sender<Out>,
    /// Ids of records written (one record per canonical URL).
    emitted: Mutex<HashSet<String>>,
    /// HTML page fetches started (`--max-pages`).
    pages_started: AtomicU64,
    /// Articles written by earlier runs (`--state`).
    known: Known,
    /// With `--warc`: KiB of bodies that may wait for the writer ([`ARCHIVE_BUDGET_KIB`]).
    archive_budget: Option<Arc<Semaphore>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Crawl until the frontier is empty or `stop` turns true; records and errors go to
/// `sink`; `stats` is updated live (for a progress bar) and returned at the end.
pub async fn crawl(
    cfg: CrawlConfig,
    rules: Arc<Rules>,
    sink: Box<dyn Sink>,
    stats: Arc<Mutex<Stats>>,
    mut stop: watch::Receiver<bool>,
) -> Result<Stats, crate::Error> {
    let started = Instant::now();
    let fetcher = Fetcher::new(cfg.fetch.clone()).map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
    let known = match &cfg.state {
        Some(p) => {
            let (k, bad) =
                Known::load(p).map_err(|e| Error::Config(format!("state file {}: {e}", p.display())))?;
            lock(&stats).state_unreadable_lines = bad as u64;
            k
        }
        None => Known::default(),
    };
    let agent = robots::agent_token(&cfg.fetch.user_agent);
    let archive = match &cfg.warc {
        Some(p) => Some(
            Archive::create(p, &cfg.fetch.user_agent, &agent)
                .map_err(|e| Error::Io(format!("creating {}: {e}", p.display())))?,
        ),
        None => None,
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let (jobs_tx, jobs_rx) = mpsc::channel(cfg.threads.max(1) * JOBS_PER_THREAD);
    let (out_tx, out_rx) = mpsc::channel(OUTPUT_QUEUE);
    let shared = Arc::new(Shared {
        polite: Politeness::new(cfg.rate),
        scope: Scope::new(&cfg.seeds, cfg.include.clone(), cfg.exclude.clone()),
        agent,
        global: Semaphore::new(cfg.concurrency.max(1)),
        cpu: Arc::new(Semaphore::new(cfg.threads.max(1))),
        frontier: Mutex::new(Frontier::default()),
        traps: Mutex::new(Traps::new(cfg.traps)),
        hosts: Mutex::new(HashMap::new()),
        pending: AtomicUsize::new(0),
        idle: Notify::new(),
        stop_tx,
        stop_rx,
        stopped_by: Mutex::new(None),
        stats: stats.clone(),
        jobs: jobs_tx,
        out: out_tx,
        emitted: Mutex::new(HashSet::new()),
        pages_started: AtomicU64::new(0),
        known,
        archive_budget: archive
            .is_some()
            .then(|| Arc::new(Semaphore::new(ARCHIVE_BUDGET_KIB as usize))),
        rules,
        fetcher,
        cfg,
    });

    let writer_stop = shared.clone();
    let writer = std::thread::spawn(move || write_all(sink, archive, out_rx, &writer_stop));
    let processor = tokio::spawn(process_jobs(shared.clone(), jobs_rx));

    // The caller's stop (signals) and the time budget both end up in `stop_tx`.
    let s2 = shared.clone();
    let watcher = tokio::spawn(async move {
        let deadline = s2.cfg.max_time.map(|d| tokio::time::Instant::now() + d);
        loop {
            tokio::select! {
                r = stop.changed() => {
                    if r.is_err() { std::future::pending::<()>().await; }
                    if *stop.borrow() { s2.stop("signal"); return; }
                }
                _ = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => {
                    s2.stop("max_time");
                    return;
                }
            }
        }
    });

    for seed in shared.cfg.seeds.clone() {
        let seed = urls::canonicalize(&seed);
        if let Some(h) = seed.host_str() {
            shared.host_info(h).seed.store(true, Ordering::SeqCst);
        }
        shared.enqueue(Item::new(seed, Kind::Page, Via::Seed, 0), true);
    }

    loop {
        let notified = shared.idle.notified();
        if shared.pending.load(Ordering::SeqCst) == 0 {
            break;
        }
        notified.await;
    }
    watcher.abort();
    processor.abort();
    let _ = shared.out.send(Out::Done).await;
    let write_result = tokio::task::spawn_blocking(move || writer.join())
        .await
        .ok()
        .and_then(|j| j.ok());

    let mut st = lock(&shared.stats).clone();
    st.elapsed_s = started.elapsed().as_secs_f64();
    st.pages_per_s = if st.elapsed_s > 0.0 {
        st.pages_fetched as f64 / st.elapsed_s
    } else {
        0.0
    };
    st.stopped_by = lock(&shared.stopped_by).clone().unwrap_or_else(|| "done".into());
    *lock(&stats) = st.clone();
    match write_result {
        Some(Ok(())) => Ok(st),
        Some(Err(e)) => Err(Error::Io(format!("writing output: {e}"))),
        None => Err(Error::Io("the output writer panicked".into())),
    }
}

fn write_all(
    mut sink: Box<dyn Sink>,
    mut archive: Option<Archive>,
    mut rx: mpsc::Receiver<Out>,
    shared: &Shared,
) -> std::io::Result<()> {
    let mut result = Ok(());
    let mut journal = shared.cfg.state.as_deref().map(Journal::new);
    let mut last_checkpoint = Instant::now();
    while let Some(o) = rx.blocking_recv() {
        let r = match o {
            Out::Record(r) => sink.record(&r).map(|()| {
                if let Some(j) = journal.as_mut() {
                    j.add(&r);
                }
            }),
            Out::Error(e) => sink.error(&e),
            // Each record goes to the file whole, in one write: nothing to flush later.
            Out::Exchange(ex) => archive.as_mut().map_or(Ok(()), |a| a.write(&ex)),
            Out::Done => break,
        };
        let r = r.and_then(|()| match journal.as_mut() {
            Some(j)
                if j.pending() >= CHECKPOINT_RECORDS
                    || j.pending() > 0 && last_checkpoint.elapsed() >= CHECKPOINT_EVERY =>
            {
                last_checkpoint = Instant::now();
                sink.checkpoint().and_then(|()| j.commit())
            }
            _ => Ok(()),
        });
        if let Err(e) = r {
            // Output is gone (disk full, closed pipe): stop crawling, keep draining.
            shared.stop("output_error");
            if result.is_ok() {
                result = Err(e);
            }
        }
    }
    let f = sink.flush();
    // Only records whose output is flushed become state.
    let j = match (&f, journal.as_mut()) {
        (Ok(()), Some(j)) if result.is_ok() => j.commit(),
        _ => Ok(()),
    };
    result.and(f).and(j)
}

impl Shared {
    fn stopped(&self) -> bool {
        *self.stop_rx.borrow()
    }

    fn stop(&self, why: &str) {
        let mut s = lock(&self.stopped_by);
        if s.is_none() {
            *s = Some(why.to_string());
        }
        let _ = self.stop_tx.send(true);
    }

    /// Fetch; with `--warc`, the exchange goes to the writer before the response is used.
    async fn get(&self, url: &Url, want: Want, timeout: Option<Duration>) -> Result<Fetched, FetchError> {
        let Some(budget) = &self.archive_budget else {
            return self.fetcher.get(url, want, timeout).await;
        };
        let (res, exchange) = self.fetcher.fetch(url, want, timeout, true).await;
        if let Some(mut ex) = exchange {
            let kib = u32::try_from(ex.body.len() / 1024 + 1)
                .map_or(ARCHIVE_BUDGET_KIB, |k| k.min(ARCHIVE_BUDGET_KIB));
            ex.permit = budget.clone().acquire_many_owned(kib).await.ok();
            let _ = self.out.send(Out::Exchange(Box::new(ex))).await;
        }
        res
    }

    fn host_info(&self, host: &str) -> Arc<HostInfo> {
        lock(&self.hosts).entry(host.to_string()).or_default().clone()
    }

    /// May this link still be followed (its pattern's and host's budgets not used up)?
    fn trap_allows(&self, host: &str, url: &Url) -> bool {
        lock(&self.traps).allows(host, &traps::pattern(url))
    }

    /// A page is done: for a linked page that gave no new article, count it against its
    /// pattern's budget; a new article gives its pattern and its linking page's back.
    fn page_outcome(&self, item: &Item, host: &str, new_article: bool) {
        if item.kind != Kind::Page {
            return;
        }
        let own = traps::pattern(&item.url);
        if new_article {
            lock(&self.traps).productive(host, Some(&own), item.from.as_deref());
        } else if item.via == Via::Link {
            let cut = lock(&self.traps).barren(host, &own);
            if let Some(cut) = cut {
                lock(&self.stats).traps.push(cut.to_string());
            }
        }
    }

    fn finish(&self) {
        if self.pending.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.idle.notify_one();
        }
    }

    /// Queue a URL unless it was seen, is out of scope or too deep. `force` skips the
    /// scope check (seeds).
    fn enqueue(self: &Arc<Self>, item: Item, force: bool) {
        if self.stopped() {
            return;
        }
        let Some(host) = item.url.host_str().map(str::to_string) else {
            return;
        };
        if !force && !self.scope.allows(&item.url) {
            return;
        }
        if item.kind == Kind::Page && item.via != Via::Seed && urls::is_asset(&item.url) {
            return;
        }
        if item.via == Via::Link && item.depth > self.cfg.max_depth {
            return;
        }
        if is_link_page(&item) {
            if traps::pathological(&item.url).is_some() {
                lock(&self.stats).trap_urls += 1;
                return;
            }
            if !self.trap_allows(&host, &item.url) {
                lock(&self.stats).trap_skipped += 1;
                return;
            }
        }
        let spawn = {
            let mut f = lock(&self.frontier);
            if !f.mark_seen(&item.url) {
                return;
            }
            if item.kind == Kind::Page && item.via != Via::Seed && self.known.has_url(item.url.as_str()) {
                drop(f);
                lock(&self.stats).known_skipped += 1;
                return;
            }
            self.pending.fetch_add(1, Ordering::SeqCst);
            let q = f.push(&host, item);
            if q.workers < self.cfg.per_host_concurrency.max(1) {
                q.workers += 1;
                true
            } else {
                false
            }
        };
        if spawn {
            tokio::spawn(host_worker(self.clone(), host));
        }
    }

    /// Put an item back for another attempt after `delay` (the whole host waits: it is
    /// either overloaded or failing).
    fn retry(&self, mut item: Item, host: &str, delay: Duration) {
        item.attempts += 1;
        lock(&self.stats).retries += 1;
        self.polite.block_until(host, Instant::now() + delay);
        lock(&self.frontier).push(host, item);
    }

    fn backoff(&self, attempts: u32) -> Duration {
        let base = self.cfg.backoff.saturating_mul(1u32 << attempts.min(16));
        let jitter = 0.5 + rand::random::<f64>();
        base.mul_f64(jitter).min(MAX_BACKOFF)
    }

    /// Write an error record for an item and finish it (after the record is queued, so the
    /// writer cannot see the end of the crawl before it).
    fn fail(
        self: &Arc<Self>,
        item: &Item,
        stage: &'static str,
        kind: &str,
        reason: String,
        status: Option<u16>,
    ) {
        let host = item.url.host_str().unwrap_or("").to_string();
        self.page_outcome(item, &host, false);
        lock(&self.stats).error(&host, kind);
        let rec = ErrorRecord {
            url: item.url.to_string(),
            stage,
            kind: kind.to_string(),
            reason,
            status,
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        match self.out.try_send(Out::Error(rec)) {
            Err(mpsc::error::TrySendError::Full(o)) => {
                let sh = self.clone();
                tokio::spawn(async move {
                    let _ = sh.out.send(o).await;
                    sh.finish();
                });
            }
            _ => self.finish(),
        }
    }

    async fn fetch_robots(self: &Arc<Self>, host: &str, first: &Url) -> Option<Arc<Robots>> {
        let mut url = first.join("/robots.txt").ok()?;
        let mut redirects = 0;
        let mut stop = self.stop_rx.clone();
        let info = self.host_info(host);
        for attempt in 0..self.cfg.robots_attempts.max(1) {
            if attempt > 0 {
                // Same backoff as pages: the host is failing or overloaded.
                self.polite
                    .block_until(host, Instant::now() + self.backoff(attempt - 1));
            }
            loop {
                if !self.polite.acquire(host, &mut stop).await {
                    return Some(Arc::new(Robots::allow_all()));
                }
                let r = self.get(&url, Want::Robots, Some(self.cfg.robots_timeout)).await;
                self.polite.done(host);
                let f = match r {
                    Ok(f) => f,
                    Err(_) => {
                        lock(&self.stats).no_response(host);
                        break;
                    }
                };
                lock(&self.stats).response(host, f.status, f.body.len());
                match f.status {
                    200..=299 => {
                        let rb = Robots::parse(&self.agent, &f.body);
                        if let Some(d) = rb.crawl_delay {
                            self.polite.set_crawl_delay(host, d);
                        }
                        if self.cfg.sitemaps {
                            let mut listed = false;
                            for s in &rb.sitemaps {
                                if let Some(u) = urls::resolve(Some(&url), s) {
                                    listed = true;
                                    self.enqueue(Item::new(u, Kind::Sitemap, Via::Sitemap, 0), false);
                                }
                            }
                            if listed {
                                info.sitemap_found.store(true, Ordering::SeqCst);
                            } else {
                                self.probe_sitemaps(&info, first);
                            }
                        }
                        return Some(Arc::new(rb));
                    }
                    300..=399 if redirects < ROBOTS_REDIRECTS => {
                        let target = f
                            .header(reqwest::header::LOCATION)
                            .and_then(|l| urls::resolve(Some(&url), &l));
                        match target {
                            Some(t) if t.host_str() == Some(host) => {
                                redirects += 1;
                                url = t;
                                continue;
                            }
                            _ => return Some(Arc::new(Robots::allow_all())),
                        }
                    }
                    429 | 500..=599 => break,
                    _ => {
                        // 4xx: no robots.txt, everything allowed.
                        if self.cfg.sitemaps {
                            self.probe_sitemaps(&info, first);
                        }
                        return Some(Arc::new(Robots::allow_all()));
                    }
                }
            }
        }
        None
    }

    fn probe_sitemaps(self: &Arc<Self>, info: &HostInfo, base: &Url) {
        if info.seed.load(Ordering::SeqCst) {
            self.probe(base, discover::CONVENTIONAL_SITEMAPS, Kind::Sitemap, Via::Sitemap);
        }
    }

    /// Queue guessed locations (`/sitemap.xml`, `/feed/`…); a 404 there is not an error.
    fn probe(self: &Arc<Self>, base: &Url, paths: &[&str], kind: Kind, via: Via) {
        for p in paths {
            if let Ok(u) = base.join(p) {
                let mut it = Item::new(urls::canonicalize(&u), kind, via, 0);
                it.probe = true;
                self.enqueue(it, false);
            }
        }
    }

    fn too_old(&self, date: Option<DateTime<FixedOffset>>) -> bool {
        matches!((self.cfg.since, date), (Some(since), Some(d)) if d < since)
    }

    /// Fetch one item and route the response.
    async fn handle(self: &Arc<Self>, item: Item, host: &str) {
        if item.kind == Kind::Page {
            if let Some(max) = self.cfg.max_pages {
                if self.pages_started.fetch_add(1, Ordering::SeqCst) >= max {
                    self.stop("max_pages");
                    self.finish();
                    return;
                }
            }
        }
        let mut stop = self.stop_rx.clone();
        if !self.polite.acquire(host, &mut stop).await {
            self.finish();
            return;
        }
        let Ok(permit) = self.global.acquire().await else {
            self.finish();
            return;
        };
        let want = if item.kind == Kind::Page {
            Want::Html
        } else {
            Want::Xml
        };
        // On stop, a request still waiting for its response is dropped, not awaited.
        let res = tokio::select! {
            r = self.get(&item.url, want, None) => r,
            _ = wait_true(&mut stop) => {
                self.polite.done(host);
                lock(&self.stats).dropped_on_stop += 1;
                self.finish();
                return;
            }
        };
        self.polite.done(host);
        drop(permit);
        let f = match res {
            Ok(f) => f,
            Err(e) => {
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
                return;
            }
        };
        lock(&self.stats).response(host, f.status, f.body.len());
        match f.status {
            200..=299 => self.dispatch(item, f, host).await,
            301 | 302 | 303 | 307 | 308 => self.redirect(item, &f),
            429 | 503 => {
                let ra = f.retry_after();
                if ra.is_some_and(|d| d > self.cfg.max_retry_after) {
                    let reason = format!(
                        "Retry-After {:?} is longer than the limit",
                        ra.unwrap_or_default()
                    );
                    self.fail(&item, "fetch", "retry_after_too_long", reason, Some(f.status));
                    return;
                }
                if ra.is_some() {
                    lock(&self.stats).retry_after_waits += 1;
                }
                let wait = ra.unwrap_or_else(|| self.backoff(item.attempts));
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
            408 | 500 | 502 | 504 if item.attempts < self.cfg.retries && !self.stopped() => {
                let d = self.backoff(item.attempts);
                self.retry(item, host, d);
            }
            s => {
                if item.probe && (s == 404 || s == 410 || s == 403) {
                    self.finish();
                } else {
                    self.fail(&item, "fetch", &format!("http_{s}"), format!("HTTP {s}"), Some(s));
                }
            }
        }
    }

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
        if lock(&self.frontier).is_seen(&target) {
            // Already fetched or queued under its final URL: nothing to do twice.
            lock(&self.stats).duplicates += 1;
            self.finish();
            return;
        }
        let mut next = item.clone();
        next.chain.push(item.url.to_string());
        next.url = target;
        next.attempts = 0;
        self.enqueue(next, true);
        self.finish();
    }

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
            Kind::Sitemap | Kind::Feed => {
                let body = f.body.clone();
                let base = item.url.clone();
                let kind = item.kind;
                let parsed = tokio::task::spawn_blocking(move || parse_discovery(kind, &body, &base)).await;
                match parsed {
                    Ok(Ok(found)) => self.discovered(&item, found, host),
                    Ok(Err((stage, e))) => {
                        if item.probe {
                            self.finish();
                        } else {
                            self.fail(&item, stage, stage, e, Some(f.status));
                        }
                    }
                    Err(e) => self.fail(&item, "sitemap", "panic", e.to_string(), Some(f.status)),
                }
            }
        }
    }

    fn discovered(self: &Arc<Self>, item: &Item, found: Found, host: &str) {
        match found {
            Found::Sitemap(Sitemap::Index(entries)) => {
                lock(&self.stats).sitemaps += 1;
                for e in entries {
                    if self.too_old(e.lastmod) {
                        continue;
                    }
                    if let Some(u) = urls::resolve(Some(&item.url), &e.loc) {
                        self.enqueue(Item::new(u, Kind::Sitemap, Via::Sitemap, 0), false);
                    }
                }
            }
            Found::Sitemap(Sitemap::UrlSet { entries, news }) => {
                lock(&self.stats).sitemaps += 1;
                self.host_info(host).sitemap_found.store(true, Ordering::SeqCst);
                for e in entries {
                    if self.too_old(e.news_publication_date.or(e.lastmod)) {
                        continue;
                    }
                    let via = if news || e.news_publication_date.is_some() {
                        Via::NewsSitemap
                    } else {
                        Via::Sitemap
                    };
                    if let Some(u) = urls::resolve(Some(&item.url), &e.loc) {
                        self.enqueue(Item::new(u, Kind::Page, via, 1), false);
                    }
                }
            }
            Found::Feed(items) => {
                lock(&self.stats).feeds += 1;
                for e in items {
                    if self.too_old(e.published) {
                        continue;
                    }
                    if let Some(u) = urls::resolve(Some(&item.url), &e.url) {
                        self.enqueue(Item::new(u, Kind::Page, Via::Feed, 1), false);
                    }
                }
            }
        }
        self.finish();
    }
}

/// Resolves once the stop flag is true (never, if the sender is gone while false).
async fn wait_true(rx: &mut watch::Receiver<bool>) {
    if rx.wait_for(|v| *v).await.is_err() {
        std::future::pending::<()>().await;
    }
}

enum Found {
    Sitemap(Sitemap),
    Feed(Vec<discover::FeedItem>),
}

fn parse_discovery(kind: Kind, body: &[u8], base: &Url) -> Result<Found, (&'static str, String)> {
    // Sniff the body: a URL found as a feed may be a sitemap and the other way round.
    let feed = || {
        discover::parse_feed(body, Some(base), MAX_SITEMAP_BYTES)
            .map(Found::Feed)
            .map_err(|e| ("feed", e.to_string()))
    };
    if discover::looks_like_feed(body) {
        return feed();
    }
    match discover::parse_sitemap(body, MAX_SITEMAP_BYTES) {
        Ok(s) => Ok(Found::Sitemap(s)),
        Err(_) if kind == Kind::Feed => feed(),
        Err(e) => Err(("sitemap", e.to_string())),
    }
}

async fn host_worker(shared: Arc<Shared>, host: String) {
    let info = shared.host_info(&host);
    loop {
        let item = {
            let mut f = lock(&shared.frontier);
            if shared.stopped() {
                let dropped = f.drain_host(&host).len();
                f.host(&host).workers -= 1;
                drop(f);
                for _ in 0..dropped {
                    shared.finish();
                }
                return;
            }
            match f.pop(&host) {
                Some(i) => i,
                None => {
                    f.host(&host).workers -= 1;
                    return;
                }
            }
        };
        let first = item.url.clone();
        let robots = info
            .robots
            .get_or_init(|| shared.fetch_robots(&host, &first))
            .await
            .clone();
        match robots {
            None => {
                let reason =
                    "robots.txt could not be fetched (5xx, 429 or no answer): host skipped".to_string();
                shared.fail(&item, "robots", "robots_unavailable", reason, None);
            }
            Some(r) if !r.allowed(&item.url) => {
                lock(&shared.stats).robots_disallowed += 1;
                shared.finish();
            }
            // The link's pattern used up its budget while it waited in the queue.
            Some(_) if is_link_page(&item) && !shared.trap_allows(&host, &item.url) => {
                lock(&shared.stats).trap_skipped += 1;
                shared.finish();
            }
            Some(_) => shared.handle(item, &host).await,
        }
    }
}

/// What the blocking pool makes of a page.
struct Analysed {
    record: Option<Record>,
    error: Option<(&'static str, String)>,
    links: Vec<Url>,
    feeds: Vec<Url>,
    listing: bool,
}

async fn process_jobs(shared: Arc<Shared>, mut rx: mpsc::Receiver<Job>) {
    while let Some(job) = rx.recv().await {
        let Ok(permit) = shared.cpu.clone().acquire_owned().await else {
            return;
        };
        let sh = shared.clone();
        tokio::spawn(async move {
            let Job { item, fetched, host } = job;
            let rules = sh.rules.clone();
            let opts = sh.cfg.extract;
            let emit_all = sh.cfg.emit_all;
            let it = item.clone();
            let analysed =
                tokio::task::spawn_blocking(move || analyse(&rules, &opts, emit_all, &it, fetched)).await;
            drop(permit);
            match analysed {
                Ok(a) => sh.after_processing(item, &host, a),
                Err(e) => sh.fail(&item, "extract", "panic", e.to_string(), None),
            }
        });
    }
}

impl Shared {
    fn after_processing(self: &Arc<Self>, item: Item, host: &str, a: Analysed) {
        // Feeds first: a feed also linked with <a href> must be read as a feed.
        if self.cfg.feeds && item.via == Via::Seed {
            let info = self.host_info(host);
            if a.feeds.is_empty() {
                if !info.sitemap_found.load(Ordering::SeqCst) {
                    self.probe(&item.url, discover::CONVENTIONAL_FEEDS, Kind::Feed, Via::Feed);
                }
            } else {
                for u in a.feeds {
                    self.enqueue(Item::new(u, Kind::Feed, Via::Feed, 0), false);
                }
            }
        }
        if item.depth < self.cfg.max_depth {
            let from: Arc<str> = traps::pattern(&item.url).into();
            for u in a.links {
                let kind = if looks_like_feed_url(&u) {
                    Kind::Feed
                } else {
                    Kind::Page
                };
                if kind == Kind::Feed && !self.cfg.feeds {
                    continue;
                }
                let mut link = Item::new(u, kind, Via::Link, item.depth + 1);
                link.from = Some(from.clone());
                self.enqueue(link, false);
            }
        }
        if a.listing {
            lock(&self.stats).listings += 1;
        }
        if let Some((stage, reason)) = a.error {
            self.fail(&item, stage, "extract", reason, None);
            return;
        }
        if let Some(r) = a.record {
            if self.known.has_id(&r.id) {
                lock(&self.stats).known_skipped += 1;
                self.page_outcome(&item, host, false);
                self.finish();
                return;
            }
            let fresh = lock(&self.emitted).insert(r.id.clone());
            self.page_outcome(&item, host, fresh);
            if fresh {
                {
                    let mut st = lock(&self.stats);
                    st.articles += 1;
                    st.host(host).articles += 1;
                }
                let out = self.out.clone();
                let sh = self.clone();
                tokio::spawn(async move {
                    let _ = out.send(Out::Record(Box::new(r))).await;
                    sh.finish();
                });
                return;
            }
            lock(&self.stats).duplicates += 1;
        } else {
            self.page_outcome(&item, host, false);
        }
        self.finish();
    }
}

/// A page found by a link (not a seed, sitemap or feed entry): subject to the trap rules.
fn is_link_page(item: &Item) -> bool {
    item.kind == Kind::Page && item.via == Via::Link
}

/// A link that is a feed or sitemap for machines, not a page (`/feed.xml`, `/rss/`).
fn looks_like_feed_url(u: &Url) -> bool {
    let p = u.path().to_ascii_lowercase();
    p.ends_with(".xml")
        || p.ends_with(".rss")
        || p.ends_with(".atom")
        || p.ends_with("/feed/")
        || p.ends_with("/feed")
        || p.ends_with("/rss/")
        || p.ends_with("/rss")
}

fn analyse(rules: &Rules, opts: &Options, emit_all: bool, item: &Item, f: Fetched) -> Analysed {
    let ct = f.header(reqwest::header::CONTENT_TYPE);
    let cl = f.header(reqwest::header::CONTENT_LANGUAGE);
    let url = f.url.to_string();
    let page = Page {
        bytes: &f.body,
        url: Some(&url),
        content_type: ct.as_deref(),
        content_language: cl.as_deref(),
    };
    let (article, info) = process_for_crawl(&page, rules, opts);
    let links: Vec<Url> = info
        .links
        .iter()
        .filter_map(|h| urls::resolve(Some(&f.url), h))
        .collect();
    let feeds: Vec<Url> = info
        .feeds
        .iter()
        .filter_map(|h| urls::resolve(Some(&f.url), h))
        .collect();
    let mut out = Analysed {
        record: None,
        error: None,
        links,
        feeds,
        listing: false,
    };
    let article = match article {
        Ok(a) => a,
        Err(Error::NoContent) => {
            out.listing = true;
            return out;
        }
        Err(e) => {
            out.error = Some(("extract", e.to_string()));
            return out;
        }
    };
    let signals = Signals {
        og_type: info.og_type.clone(),
        jsonld_types: info.jsonld_types.clone(),
        body_words: crate::text::word_count(&article.text),
        body_paragraphs: article
            .text
            .split("\n\n")
            .filter(|b| crate::text::word_count(b) >= classify::PARAGRAPH_MIN_WORDS)
            .count(),
        page_links: info.links.len(),
        has_date: article.date_published.is_some(),
        from_news_sitemap: matches!(item.via, Via::NewsSitemap | Via::Feed),
    };
    let kind = classify::classify(&f.url, &signals);
    if kind == PageKind::Listing {
        out.listing = true;
        if !emit_all {
            return out;
        }
    }
    let mut rec = record::to_record(article, None);
    rec.date_fetched = Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    rec.http = Some(HttpInfo::new(
        f.status,
        ct,
        f.header(reqwest::header::ETAG),
        f.header(reqwest::header::LAST_MODIFIED),
    ));
    rec.crawl = Some(CrawlInfo {
        discovered_via: item.via.as_str().to_string(),
        depth: item.depth,
    });
    out.record = Some(rec);
    out
}
