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
use super::dedup;
use super::discover::{self, Sitemap};
use super::fetch::{FetchConfig, FetchError, Fetched, Fetcher, Validators, Want};
use super::politeness::Politeness;
use super::robots::{self, Robots};
use super::state::frontier::{Item, Kind, Via};
use super::state::redis_store::{FrontierConfig, RedisStore};
use super::state::sqlite::SqliteStore;
use super::state::store::{
    Claim, Claimed, MemoryStore, Outcome, Push, SharedFrontier, StateStore, StoreError, Verdict, Written,
};
use super::stats::{ErrorRecord, Stats};
use super::traps::{self, Origin, TrapConfig, Traps};
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
/// An earlier run's robots.txt is used again for this long (Google caches it for a day).
const ROBOTS_CACHE: Duration = Duration::from_secs(24 * 3600);
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
    /// The SQLite state database (`--state crawl.db`): frontier, history, written articles;
    /// `None` keeps the state in memory for this run only.
    pub state: Option<std::path::PathBuf>,
    /// Written articles fetched this long ago are fetched again (conditionally) in a new
    /// round, and written again only when their text changed (`--recrawl-after`).
    pub recrawl_after: Option<Duration>,
    /// Leave out records whose text duplicates an earlier one (`--drop-duplicates`); by
    /// default they are written with `duplicate_of`.
    pub drop_duplicates: bool,
    /// WARC file for every request and response (`.gz`: one gzip member per record).
    pub warc: Option<std::path::PathBuf>,
    /// A frontier on Redis shared with other workers (`--frontier`, `--job`): the state of
    /// the whole job, with politeness global across workers (`super::state::redis_store`).
    pub frontier: Option<FrontierConfig>,
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
                named_hosts: Vec::new(),
                allow_private: false,
                fake_dns: Vec::new(),
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
            recrawl_after: None,
            drop_duplicates: false,
            warc: None,
            frontier: None,
        }
    }
}

/// Where records and error records go. Called from one writer thread, in order.
pub trait Sink: Send + 'static {
    /// An article record.
    fn record(&mut self, r: &Record) -> std::io::Result<()>;
    /// A URL that failed.
    fn error(&mut self, e: &ErrorRecord) -> std::io::Result<()>;
    /// Called once before the crawl writes: `committed` holds the shards a persistent
    /// state has committed (`None` without one), so that leftovers of a killed run can be
    /// cleaned. Returns notes for the summary.
    fn start(&mut self, committed: Option<&HashSet<String>>) -> std::io::Result<Vec<String>> {
        let _ = committed;
        Ok(Vec::new())
    }
    /// Make every record written so far durable (without ending the output). The returned
    /// [`Publish`] makes them visible (a complete shard renamed into place); the crawl runs
    /// it inside the state transaction that marks these articles written. `None`: nothing
    /// is durable yet (a shard still in progress), the records stay uncommitted.
    fn checkpoint(&mut self) -> std::io::Result<Option<Publish>>;
    /// End of the crawl: finish the output durably (compression trailers, the last shard).
    fn finish(&mut self) -> std::io::Result<Publish>;
    /// The output wants a checkpoint now (a shard is full). Checked after every write.
    fn rotate_due(&self) -> bool {
        false
    }
}

/// A sink that drops records and prints error records to stderr (benchmarks).
pub struct DiscardSink;

impl Sink for DiscardSink {
    fn record(&mut self, _: &Record) -> std::io::Result<()> {
        Ok(())
    }
    fn error(&mut self, e: &ErrorRecord) -> std::io::Result<()> {
        eprintln!("error: {} {} {}", e.url, e.kind, e.reason);
        Ok(())
    }
    fn checkpoint(&mut self) -> std::io::Result<Option<Publish>> {
        Ok(Some(Publish::none()))
    }
    fn finish(&mut self) -> std::io::Result<Publish> {
        Ok(Publish::none())
    }
}

/// How a checkpoint's records become visible: nothing to do for a single output file, a
/// rename for a complete shard.
#[derive(Default)]
pub struct Publish {
    /// The published shard's file name, if any.
    pub name: Option<String>,
    action: Option<Box<dyn FnMut() -> std::io::Result<()> + Send>>,
}

impl Publish {
    /// Nothing to publish: what was written is visible already.
    pub fn none() -> Publish {
        Publish::default()
    }

    /// Publish the shard `name` by running `action` (a rename and a directory sync).
    pub fn shard(name: String, action: impl FnMut() -> std::io::Result<()> + Send + 'static) -> Publish {
        Publish {
            name: Some(name),
            action: Some(Box::new(action)),
        }
    }

    /// Run it (once).
    pub fn run(&mut self) -> std::io::Result<()> {
        match self.action.take() {
            Some(mut a) => a(),
            None => Ok(()),
        }
    }
}

/// A record on its way to the writer, with what the state needs when it is committed.
struct Made {
    record: Record,
    /// The frontier's URL of the page (the record's `url` may differ after a redirect).
    url: String,
    /// MinHash signature of the text (empty for short texts).
    signature: Vec<u32>,
}

enum Out {
    Record(Box<Made>),
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
    /// Frontier, seen-set, fetch history, written articles (memory or SQLite).
    store: Arc<dyn StateStore>,
    /// Workers serving each host (at most `--per-host-concurrency`).
    workers: Mutex<HashMap<String, usize>>,
    /// Per host and URL pattern: linked pages that led to no article.
    traps: Mutex<Traps>,
    hosts: Mutex<HashMap<String, Arc<HostInfo>>>,
    /// Requests in flight overall (`--concurrency`).
    global: Semaphore,
    /// Sitemaps and feeds being parsed and queued: a sitemap of 50,000 entries is a few
    /// MiB once parsed, so only as many as there are extraction threads at a time (memory
    /// stays flat however many hosts answer at once).
    discovery: Semaphore,
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
    /// With `--warc`: KiB of bodies that may wait for the writer ([`ARCHIVE_BUDGET_KIB`]).
    archive_budget: Option<Arc<Semaphore>>,
    /// A shared frontier found the job's work over: the claim loops end.
    drained: AtomicBool,
    /// One claim loop at a time asks the shared frontier; while nothing is due it waits
    /// holding this, so the others do not ask too.
    claim_gate: tokio::sync::Mutex<()>,
    /// URLs claimed beyond what the claiming loop serves itself, for the next free loop.
    claimed: Mutex<std::collections::VecDeque<Claimed>>,
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
    // The seeds' hosts are named by the user: they may be private addresses.
    let mut fetch_cfg = cfg.fetch.clone();
    fetch_cfg
        .named_hosts
        .extend(cfg.seeds.iter().filter_map(|s| s.host_str().map(str::to_string)));
    let fetcher = Fetcher::new(fetch_cfg).map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
    // The state's lock before the state is opened (or migrated), held to the end.
    let _state_lock = match &cfg.state {
        Some(p) => Some(crate::output::lock::state(p).map_err(|e| Error::from_lock(e, "locking the state"))?),
        None => None,
    };
    let store: Arc<dyn StateStore> = match (&cfg.state, &cfg.frontier) {
        (_, Some(f)) => {
            let mut f = f.clone();
            f.gap = Duration::from_secs_f64(1.0 / cfg.rate.max(1e-6));
            Arc::new(RedisStore::connect(f).map_err(|e| Error::Config(e.to_string()))?)
        }
        (Some(p), None) => {
            let (db, opened) = SqliteStore::open(p).map_err(|e| Error::Config(e.to_string()))?;
            if let Some((n, bak)) = opened.migrated {
                lock(&stats).state_migrated = n as u64;
                lock(&stats).notes.push(format!(
                    "migrated {n} articles from the JSON Lines state to the SQLite state {} (the old file is {})",
                    p.display(),
                    bak.display()
                ));
            }
            Arc::new(db)
        }
        (None, None) => Arc::new(MemoryStore::new()),
    };
    let now = chrono::Utc::now().timestamp();
    let start = store.begin(now, cfg.recrawl_after).map_err(|e| match e {
        StoreError::Busy(m) => Error::StateBusy(m),
        e => Error::Config(e.to_string()),
    })?;
    {
        let mut st = lock(&stats);
        st.round = start.round;
        st.continued = start.continued;
        st.recrawl_queued = start.recrawl;
    }
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
        discovery: Semaphore::new(cfg.threads.max(1)),
        store: store.clone(),
        workers: Mutex::new(HashMap::new()),
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
        archive_budget: archive
            .is_some()
            .then(|| Arc::new(Semaphore::new(ARCHIVE_BUDGET_KIB as usize))),
        drained: AtomicBool::new(false),
        claim_gate: tokio::sync::Mutex::new(()),
        claimed: Mutex::new(std::collections::VecDeque::new()),
        rules,
        fetcher,
        cfg,
    });

    let mut sink = sink;
    let committed = match (&shared.cfg.state, &shared.cfg.frontier) {
        (None, None) => None,
        _ => Some(store.shards().map_err(|e| Error::Config(e.to_string()))?),
    };
    let notes = sink
        .start(committed.as_ref())
        .map_err(|e| Error::from_lock(e, "preparing the output"))?;
    lock(&stats).notes.extend(notes);
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

    // Retry-After blocks outlive a run; what an earlier run left queued is continued.
    if let Ok(blocks) = store.blocks(now) {
        for (host, until) in blocks {
            let wait = Duration::from_secs(until.saturating_sub(now).max(0) as u64);
            shared.polite.block_until(&host, Instant::now() + wait);
        }
    }
    for (host, n) in &start.queued {
        shared.pending.fetch_add(*n as usize, Ordering::SeqCst);
        shared.spawn_workers(host);
    }
    let mut seeds = Vec::new();
    for seed in shared.cfg.seeds.clone() {
        let seed = urls::canonicalize(&seed);
        if let Some(h) = seed.host_str() {
            shared.host_info(h).seed.store(true, Ordering::SeqCst);
        }
        seeds.push(Item::new(seed, Kind::Page, Via::Seed, 0));
    }
    shared.enqueue_many(seeds, true);

    // A shared frontier: claim loops take due hosts until the whole job is idle.
    let mut claimers = tokio::task::JoinSet::new();
    if shared.store.shared().is_some() {
        // A loop serving a host may wait out its gap (robots.txt, then the page): more
        // loops than requests in flight, which `--concurrency` bounds.
        for _ in 0..shared.cfg.concurrency.max(1) * CLAIM_LOOPS_PER_REQUEST {
            claimers.spawn(claim_worker(shared.clone()));
        }
    }
    while claimers.join_next().await.is_some() {}
    // Claimed but not served (the crawl stopped): `leave` queues them again.
    let unserved: Vec<Claimed> = lock(&shared.claimed).drain(..).collect();
    for _ in unserved {
        shared.unfetched();
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

    // A worker leaving a shared frontier gives back what it still leases; the job's work
    // left is what the frontier still holds.
    if let Some(sf) = shared.store.shared() {
        match sf.leave() {
            Ok(_) => {
                if let Ok(sum) = shared.store.summary() {
                    lock(&shared.stats).work_left = sum.queued;
                }
            }
            Err(e) => lock(&shared.stats)
                .notes
                .push(format!("leaving the frontier: {e}")),
        }
        lock(&shared.stats).frontier_round_trips = sf.round_trips();
    }
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
    // Records written since the last commit: they become written in the state only once
    // the output holding them is durable.
    let mut uncommitted: Vec<Written> = Vec::new();
    let mut last_checkpoint = Instant::now();
    while let Some(o) = rx.blocking_recv() {
        let r = match o {
            Out::Record(made) => write_record(&mut *sink, *made, &mut uncommitted, shared),
            Out::Error(e) => sink.error(&e),
            // Each record goes to the file whole, in one write: nothing to flush later.
            Out::Exchange(ex) => archive.as_mut().map_or(Ok(()), |a| a.write(&ex)),
            Out::Done => break,
        };
        let due = sink.rotate_due()
            || uncommitted.len() >= CHECKPOINT_RECORDS
            || !uncommitted.is_empty() && last_checkpoint.elapsed() >= CHECKPOINT_EVERY;
        let r = r.and_then(|()| {
            if due && result.is_ok() {
                last_checkpoint = Instant::now();
                commit(&mut *sink, &mut uncommitted, shared, false)
            } else {
                Ok(())
            }
        });
        if let Err(e) = r {
            // Output is gone (disk full, closed pipe): stop crawling, keep draining.
            shared.stop("output_error");
            if result.is_ok() {
                result = Err(e);
            }
        }
    }
    // Only records whose output is durable become state.
    let end = if result.is_ok() {
        commit(&mut *sink, &mut uncommitted, shared, true)
    } else {
        sink.finish().map(|_| ())
    };
    result.and(end)
}

/// Write one record: first asked whether its text duplicates one written before.
fn write_record(
    sink: &mut dyn Sink,
    made: Made,
    uncommitted: &mut Vec<Written>,
    shared: &Shared,
) -> std::io::Result<()> {
    let Made {
        mut record,
        url,
        signature,
    } = made;
    let dup = duplicate_of(&record, &signature, uncommitted, shared.store.as_ref());
    let duplicate = dup.is_some();
    if let Some(d) = dup {
        lock(&shared.stats).near_duplicates += 1;
        if shared.cfg.drop_duplicates {
            let _ = shared
                .store
                .outcome(&url, Outcome::Done { listing: false }, unix_now());
            return Ok(());
        }
        record.duplicate_of = Some(d);
    }
    sink.record(&record)?;
    uncommitted.push(Written {
        url,
        id: record.id.clone(),
        content_hash: record.content_hash.clone(),
        revision: record.revision.unwrap_or(1),
        signature,
        duplicate,
    });
    Ok(())
}

/// The earlier record this one's text duplicates: the same content hash, or a MinHash
/// similarity of at least [`dedup::NEAR_THRESHOLD`] (the committed ones first, then this
/// run's uncommitted ones). A record is never a duplicate of itself (a revision).
fn duplicate_of(
    record: &Record,
    signature: &[u32],
    uncommitted: &[Written],
    store: &dyn StateStore,
) -> Option<crate::model::DuplicateOf> {
    let bands = dedup::bands(signature);
    let same = |hash: &str, sig: &[u32]| {
        hash == record.content_hash || dedup::similarity(sig, signature) >= dedup::NEAR_THRESHOLD
    };
    let committed = store.candidates(&record.content_hash, &bands).unwrap_or_default();
    let hit = committed
        .iter()
        .filter(|c| c.id != record.id && same(&c.content_hash, &c.signature))
        .map(|c| (c.id.clone(), c.url.clone()))
        .next()
        .or_else(|| {
            uncommitted
                .iter()
                .find(|w| !w.duplicate && w.id != record.id && same(&w.content_hash, &w.signature))
                .map(|w| (w.id.clone(), w.url.clone()))
        });
    hit.map(|(id, url)| crate::model::DuplicateOf { id, url })
}

/// Make the output durable (`sink.checkpoint`, or `sink.flush` at the end) and the records
/// in it written in the state, in one step with publishing a complete shard.
fn commit(
    sink: &mut dyn Sink,
    uncommitted: &mut Vec<Written>,
    shared: &Shared,
    end: bool,
) -> std::io::Result<()> {
    let publish = if end {
        Some(sink.finish()?)
    } else {
        sink.checkpoint()?
    };
    let Some(mut publish) = publish else {
        return Ok(());
    };
    let shard = publish.name.clone();
    let now = unix_now();
    let r = shared
        .store
        .commit(uncommitted, shard.as_deref(), &mut || publish.run(), now);
    match r {
        Ok(()) => {
            let mut st = lock(&shared.stats);
            st.committed += uncommitted.len() as u64;
            if shard.is_some() {
                st.shards += 1;
            }
            uncommitted.clear();
            Ok(())
        }
        Err(e) => Err(std::io::Error::other(e.to_string())),
    }
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
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
    async fn get(
        &self,
        url: &Url,
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

    fn host_info(&self, host: &str) -> Arc<HostInfo> {
        lock(&self.hosts).entry(host.to_string()).or_default().clone()
    }

    /// May this link be queued (its linking page's pattern and its host not cut)?
    fn trap_allows(&self, host: &str, item: &Item) -> bool {
        lock(&self.traps).allows_queue(host, item.from.as_deref())
    }

    /// A page is done: it was a new article or not, which counts for the pattern of the
    /// page that linked to it.
    fn page_outcome(&self, item: &Item, host: &str, new_article: bool) {
        if item.kind != Kind::Page {
            return;
        }
        let cut = lock(&self.traps).done(host, item.from.as_deref(), new_article);
        self.trap_cut(cut);
    }

    fn trap_cut(&self, cut: Option<traps::Cut>) {
        if let Some(cut) = cut {
            lock(&self.stats).traps.push(cut.to_string());
        }
    }

    fn finish(&self) {
        if self.pending.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.idle.notify_one();
        }
    }

    /// A popped item that the stopping crawl did not fetch: left to the next run (a state
    /// database queues it again at start), counted as work left.
    fn unfetched(&self) {
        lock(&self.stats).work_left += 1;
        self.finish();
    }

    /// Queue a URL unless it was seen, is out of scope or too deep. `force` skips the
    /// scope check (seeds and redirect targets already checked).
    fn enqueue(self: &Arc<Self>, item: Item, force: bool) {
        self.enqueue_many(vec![item], force);
    }

    /// Whether an item may be queued at all (scope, assets, depth, trap rules).
    fn admissible(&self, item: &Item, host: &str, force: bool) -> bool {
        if !force && !self.scope.allows(&item.url) {
            return false;
        }
        if item.kind == Kind::Page && item.via != Via::Seed && urls::is_asset(&item.url) {
            return false;
        }
        if item.via == Via::Link && item.depth > self.cfg.max_depth {
            return false;
        }
        if is_link_page(item) {
            if traps::pathological(&item.url).is_some() {
                lock(&self.stats).trap_urls += 1;
                return false;
            }
            if !self.trap_allows(host, item) {
                lock(&self.stats).trap_skipped += 1;
                return false;
            }
        }
        true
    }

    /// Queue many URLs in one state transaction (a sitemap's entries, a page's links).
    /// Returns how many were queued.
    fn enqueue_many(self: &Arc<Self>, items: Vec<Item>, force: bool) -> usize {
        if self.stopped() {
            return 0;
        }
        let batch: Vec<(String, Item)> = items
            .into_iter()
            .filter_map(|item| {
                let host = item.url.host_str()?.to_string();
                self.admissible(&item, &host, force).then_some((host, item))
            })
            .collect();
        if batch.is_empty() {
            return 0;
        }
        if self.store.shared().is_some() {
            // A shared frontier's URLs are claimed by whichever worker is free: no host
            // workers to start, no lock to hold while Redis answers.
            return match self.store.push_many(&batch) {
                Ok(pushed) => {
                    let queued = pushed.iter().filter(|p| **p == Push::Queued).count();
                    let written = pushed.iter().filter(|p| **p == Push::Written).count() as u64;
                    if written > 0 {
                        lock(&self.stats).known_skipped += written;
                    }
                    queued
                }
                Err(e) => {
                    self.store_failed(e);
                    0
                }
            };
        }
        // Pushing and a worker's last pop happen under this lock, so no queued URL is left
        // without a worker.
        let mut workers = lock(&self.workers);
        let pushed = match self.store.push_many(&batch) {
            Ok(p) => p,
            Err(e) => {
                drop(workers);
                self.store_failed(e);
                return 0;
            }
        };
        let mut spawn = Vec::new();
        let mut written = 0;
        let mut queued = 0;
        for ((host, _), p) in batch.iter().zip(pushed) {
            match p {
                Push::Queued => {
                    queued += 1;
                    self.pending.fetch_add(1, Ordering::SeqCst);
                    let w = workers.entry(host.clone()).or_default();
                    if *w < self.cfg.per_host_concurrency.max(1) {
                        *w += 1;
                        spawn.push(host.clone());
                    }
                }
                Push::Written => written += 1,
                Push::Seen => {}
            }
        }
        drop(workers);
        if written > 0 {
            lock(&self.stats).known_skipped += written;
        }
        for host in spawn {
            tokio::spawn(host_worker(self.clone(), host));
        }
        queued
    }

    /// Start workers for a host whose URLs an earlier run left queued.
    fn spawn_workers(self: &Arc<Self>, host: &str) {
        let n = {
            let mut workers = lock(&self.workers);
            let w = workers.entry(host.to_string()).or_default();
            let n = self.cfg.per_host_concurrency.max(1).saturating_sub(*w);
            *w += n;
            n
        };
        for _ in 0..n {
            tokio::spawn(host_worker(self.clone(), host.to_string()));
        }
    }

    /// The state database failed (disk full, I/O error): nothing can be trusted to be
    /// recorded any more, so the crawl stops.
    fn store_failed(&self, e: StoreError) {
        lock(&self.stats).notes.push(format!("stopped: {e}"));
        self.stop("state_error");
    }

    /// Record how a URL ended in the state.
    fn settle(&self, url: &Url, outcome: Outcome) {
        if let Err(e) = self.store.outcome(url.as_str(), outcome, unix_now()) {
            self.store_failed(e);
        }
    }

    /// Put an item back for another attempt after `delay` (the whole host waits: it is
    /// either overloaded or failing).
    fn retry(&self, mut item: Item, host: &str, delay: Duration) {
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
        // A robots.txt an earlier run read recently enough is used again.
        if let Ok(Some((body, at))) = self.store.robots(host) {
            if unix_now().saturating_sub(at) < ROBOTS_CACHE.as_secs() as i64 {
                lock(&self.stats).robots_cached += 1;
                return Some(self.adopt_robots(host, &info, first, &url, &body));
            }
        }
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
                let r = self
                    .get(&url, Want::Robots, Some(self.cfg.robots_timeout), None)
                    .await;
                self.polite.done(host);
                let f = match r {
                    Ok(f) => f,
                    // Nothing is sent to a blocked address; the page fetch says why.
                    Err(FetchError::Blocked(_)) => return Some(Arc::new(Robots::allow_all())),
                    Err(_) => {
                        lock(&self.stats).no_response(host);
                        break;
                    }
                };
                lock(&self.stats).response(host, f.status, f.body.len());
                match f.status {
                    200..=299 => {
                        let _ = self.store.set_robots(host, &f.body, unix_now());
                        return Some(self.adopt_robots(host, &info, first, &url, &f.body));
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
                        // 4xx: no robots.txt, everything allowed (cached as an empty file).
                        let _ = self.store.set_robots(host, b"", unix_now());
                        return Some(self.adopt_robots(host, &info, first, &url, b""));
                    }
                }
            }
        }
        None
    }

    /// Obey a robots.txt body (empty: everything allowed): its Crawl-delay, and its
    /// `Sitemap:` lines (or the conventional sitemap locations when it has none).
    fn adopt_robots(
        self: &Arc<Self>,
        host: &str,
        info: &HostInfo,
        first: &Url,
        url: &Url,
        body: &[u8],
    ) -> Arc<Robots> {
        let rb = Robots::parse(&self.agent, body);
        if let Some(d) = rb.crawl_delay {
            self.polite.set_crawl_delay(host, d);
        }
        if self.cfg.sitemaps {
            let sitemaps: Vec<Item> = rb
                .sitemaps
                .iter()
                .filter_map(|s| urls::resolve(Some(url), s))
                .map(|u| Item::new(u, Kind::Sitemap, Via::Sitemap, 0))
                .collect();
            if sitemaps.is_empty() {
                self.probe_sitemaps(info, first);
            } else {
                info.sitemap_found.store(true, Ordering::SeqCst);
                self.enqueue_many(sitemaps, false);
            }
        }
        Arc::new(rb)
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
            _ = wait_true(&mut stop) => {
                self.polite.done(host);
                lock(&self.stats).dropped_on_stop += 1;
                self.unfetched();
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
            304 if cond.is_some() => {
                // Nothing changed since the last round: nothing to read, nothing to write.
                lock(&self.stats).not_modified += 1;
                let listing = item.prior.as_ref().is_some_and(|p| p.listing);
                self.page_outcome(&item, host, false);
                self.settle(&item.url, Outcome::Done { listing });
                self.finish();
            }
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
                if let Some(d) = ra {
                    lock(&self.stats).retry_after_waits += 1;
                    // The block outlives this run: the next scheduled run waits too.
                    let _ = self.store.block(host, unix_now() + d.as_secs() as i64);
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
                    self.settle(&item.url, Outcome::Done { listing: false });
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
        self.settle(&item.url, Outcome::Done { listing: false });
        if self.store.is_seen(target.as_str()).unwrap_or(false) {
            // Already fetched or queued under its final URL: nothing to do twice.
            lock(&self.stats).duplicates += 1;
            self.finish();
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
                let _slot = self.discovery.acquire().await;
                let body = f.body.clone();
                let base = item.url.clone();
                let kind = item.kind;
                let parsed = tokio::task::spawn_blocking(move || parse_discovery(kind, &body, &base)).await;
                match parsed {
                    Ok(Ok(found)) => self.discovered(&item, found, host),
                    Ok(Err((stage, e))) => {
                        if item.probe {
                            self.settle(&item.url, Outcome::Done { listing: false });
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
        let mut items = Vec::new();
        match found {
            Found::Sitemap(Sitemap::Index(entries)) => {
                lock(&self.stats).sitemaps += 1;
                for e in entries {
                    if self.too_old(e.lastmod) {
                        continue;
                    }
                    if let Some(u) = urls::resolve(Some(&item.url), &e.loc) {
                        items.push(Item::new(u, Kind::Sitemap, Via::Sitemap, 0));
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
                        items.push(Item::new(u, Kind::Page, via, 1));
                    }
                }
            }
            Found::Feed(entries) => {
                lock(&self.stats).feeds += 1;
                for e in entries {
                    if self.too_old(e.published) {
                        continue;
                    }
                    if let Some(u) = urls::resolve(Some(&item.url), &e.url) {
                        items.push(Item::new(u, Kind::Page, Via::Feed, 1));
                    }
                }
            }
        }
        self.enqueue_many(items, false);
        self.settle(&item.url, Outcome::Done { listing: false });
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

/// Claims between two looks at a shared frontier that had nothing due.
const CLAIM_POLL: Duration = Duration::from_millis(25);

/// Claim loops per request allowed in flight (`--concurrency`).
const CLAIM_LOOPS_PER_REQUEST: usize = 4;

/// Hosts one claim takes at most: hosts that come due together (a crawl's hosts keep
/// step) are taken in one round trip, not one after another.
const CLAIM_BATCH: usize = 16;

/// One claim loop of a worker on a shared frontier: lease due hosts' URLs, serve one, and
/// release its host with the gap it needs (its next allowed fetch, for every worker). Loops
/// take turns at the frontier (`claim_gate`); the URLs of one claim beyond the first wait
/// in `claimed` for the next free loop. While nothing is due, one loop waits and asks
/// again; when the job is over (nothing queued or leased anywhere) all loops end.
async fn claim_worker(shared: Arc<Shared>) {
    let Some(sf) = shared.store.shared() else {
        return;
    };
    while let Some(Claimed {
        host,
        mut item,
        prior,
    }) = next_claim(&shared, sf).await
    {
        item.prior = prior.map(Box::new);
        shared.serve(item, &host).await;
        if let Err(e) = sf.release(&host, shared.polite.delay(&host)).await {
            shared.store_failed(e);
            return;
        }
    }
}

/// The next URL for a claim loop; `None` when the crawl stops or the job is over.
async fn next_claim(shared: &Shared, sf: &dyn SharedFrontier) -> Option<Claimed> {
    let mut stop = shared.stop_rx.clone();
    loop {
        if shared.stopped() || shared.drained.load(Ordering::SeqCst) {
            return None;
        }
        if let Some(c) = lock(&shared.claimed).pop_front() {
            return Some(c);
        }
        let _gate = tokio::select! {
            g = shared.claim_gate.lock() => g,
            _ = wait_true(&mut stop) => return None,
        };
        // What the loop before us claimed beyond its own.
        if let Some(c) = lock(&shared.claimed).pop_front() {
            return Some(c);
        }
        if shared.stopped() || shared.drained.load(Ordering::SeqCst) {
            return None;
        }
        let nap = match sf.claim(CLAIM_BATCH.min(shared.cfg.concurrency.max(1))).await {
            Err(e) => {
                shared.store_failed(e);
                return None;
            }
            Ok(Claim::Items(items)) => {
                shared.pending.fetch_add(items.len(), Ordering::SeqCst);
                let mut items = items.into_iter();
                let first = items.next();
                lock(&shared.claimed).extend(items);
                match first {
                    Some(c) => return Some(c),
                    None => continue,
                }
            }
            Ok(Claim::Wait(d)) => d.min(CLAIM_POLL),
            Ok(Claim::Empty) => {
                if shared.pending.load(Ordering::SeqCst) == 0 {
                    match sf.idle().await {
                        Ok(true) => {
                            shared.drained.store(true, Ordering::SeqCst);
                            return None;
                        }
                        Ok(false) => {}
                        Err(e) => {
                            shared.store_failed(e);
                            return None;
                        }
                    }
                }
                CLAIM_POLL
            }
        };
        // Waiting with the gate held: the other loops do not ask meanwhile.
        tokio::select! {
            _ = tokio::time::sleep(nap) => {}
            _ = wait_true(&mut stop) => return None,
        }
    }
}

impl Shared {
    /// Serve one item of `host`: robots.txt first (once per host), then fetch and route.
    async fn serve(self: &Arc<Self>, item: Item, host: &str) {
        let host = host.to_string();
        let shared = self;
        let info = shared.host_info(&host);
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
                shared.page_outcome(&item, &host, false);
                shared.settle(&item.url, Outcome::Done { listing: false });
                shared.finish();
            }
            // The link's origin used up its budget while it waited in the queue.
            Some(_)
                if is_link_page(&item) && !lock(&shared.traps).allows_fetch(&host, item.from.as_deref()) =>
            {
                lock(&shared.stats).trap_skipped += 1;
                shared.page_outcome(&item, &host, false);
                shared.settle(&item.url, Outcome::Done { listing: false });
                shared.finish();
            }
            Some(_) => shared.handle(item, &host).await,
        }
    }
}

/// What the blocking pool makes of a page.
struct Analysed {
    record: Option<Record>,
    /// MinHash signature of the record's text (near-duplicate detection).
    signature: Vec<u32>,
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
                let feeds = a
                    .feeds
                    .into_iter()
                    .map(|u| Item::new(u, Kind::Feed, Via::Feed, 0))
                    .collect();
                self.enqueue_many(feeds, false);
            }
        }
        if item.depth < self.cfg.max_depth {
            // Links on a seed are the site's word, like sitemap entries: no budget.
            let from = (item.via != Via::Seed).then(|| Arc::new(Origin::of(&item.url)));
            let links = a
                .links
                .into_iter()
                .filter_map(|u| {
                    let kind = if looks_like_feed_url(&u) {
                        Kind::Feed
                    } else {
                        Kind::Page
                    };
                    if kind == Kind::Feed && !self.cfg.feeds {
                        return None;
                    }
                    let mut link = Item::new(u, kind, Via::Link, item.depth + 1);
                    link.from = from.clone();
                    Some(link)
                })
                .collect();
            self.enqueue_many(links, false);
        }
        if a.listing {
            lock(&self.stats).listings += 1;
        }
        if let Some((stage, reason)) = a.error {
            self.fail(&item, stage, "extract", reason, None);
            return;
        }
        let Some(mut r) = a.record else {
            self.page_outcome(&item, host, false);
            self.settle(&item.url, Outcome::Done { listing: a.listing });
            self.finish();
            return;
        };
        let done = |sh: &Arc<Self>| {
            sh.page_outcome(&item, host, false);
            sh.settle(&item.url, Outcome::Done { listing: false });
            sh.finish();
        };
        // A recrawl: written again only when the text changed.
        let prior = item.prior.as_ref().filter(|p| p.record_id.is_some());
        if let Some(p) = prior {
            if p.content_hash.as_deref() == Some(r.content_hash.as_str()) {
                lock(&self.stats).unchanged += 1;
                return done(self);
            }
            r.revision = Some(p.revision.max(1) + 1);
        }
        let recrawl = prior.is_some();
        if let Some(sf) = self.store.shared() {
            // The checks below and the pending outcome in one round trip, job-wide.
            if !lock(&self.emitted).insert(r.id.clone()) {
                lock(&self.stats).duplicates += 1;
                return done(self);
            }
            match sf.record_made(item.url.as_str(), &r.id, !recrawl) {
                Ok(Verdict::Write) => {}
                Ok(Verdict::Known) => {
                    lock(&self.stats).known_skipped += 1;
                    return done(self);
                }
                Ok(Verdict::Duplicate) => {
                    lock(&self.stats).duplicates += 1;
                    return done(self);
                }
                Err(e) => {
                    self.store_failed(e);
                    return done(self);
                }
            }
        } else {
            if !recrawl && self.store.has_record(&r.id).unwrap_or(false) {
                // Written by an earlier run under another URL (its canonical one).
                lock(&self.stats).known_skipped += 1;
                return done(self);
            }
            if !lock(&self.emitted).insert(r.id.clone()) {
                lock(&self.stats).duplicates += 1;
                return done(self);
            }
            self.settle(&item.url, Outcome::Pending);
        }
        // A listing page written with --emit-all is still no article for the trap budgets.
        self.page_outcome(&item, host, !a.listing);
        {
            let mut st = lock(&self.stats);
            st.articles += 1;
            if r.revision.is_some_and(|v| v > 1) {
                st.updated += 1;
            } else {
                st.new += 1;
            }
            st.host(host).articles += 1;
        }
        r.revision = r.revision.or(Some(1));
        let made = Made {
            record: r,
            url: item.url.to_string(),
            signature: a.signature,
        };
        let out = self.out.clone();
        let sh = self.clone();
        tokio::spawn(async move {
            let _ = out.send(Out::Record(Box::new(made))).await;
            sh.finish();
        });
    }
}

/// Validators for a conditional request: for what is re-read each round (sitemaps, feeds,
/// listing pages) and for recrawled articles, when an earlier response had them.
fn conditional(item: &Item) -> Option<Validators> {
    let p = item.prior.as_ref()?;
    let reread = item.kind != Kind::Page || p.listing || p.record_id.is_some();
    (reread && (p.etag.is_some() || p.last_modified.is_some())).then(|| Validators {
        etag: p.etag.clone(),
        last_modified: p.last_modified.clone(),
    })
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
    let feeds = discover::resolve_unique(&f.url, info.feeds.iter().map(String::as_str));
    let mut out = Analysed {
        record: None,
        signature: Vec::new(),
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
        body_words: crate::html::text::word_count(&article.text),
        body_paragraphs: article
            .text
            .split("\n\n")
            .filter(|b| crate::html::text::word_count(b) >= classify::PARAGRAPH_MIN_WORDS)
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
    let fetched = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let http = HttpInfo::new(
        f.status,
        ct,
        f.header(reqwest::header::ETAG),
        f.header(reqwest::header::LAST_MODIFIED),
    );
    let mut rec = record::to_fetched_record(article, None, Some(fetched), http);
    rec.crawl = Some(CrawlInfo {
        discovered_via: item.via.as_str().to_string(),
        depth: item.depth,
    });
    out.signature = dedup::signature(&rec.article.text);
    out.record = Some(rec);
    out
}
