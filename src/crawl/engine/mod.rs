//! The crawl pipeline. Tasks and the bounded channels between them:
//!
//! ```text
//! frontier ─► host workers (one per host, politeness, global semaphore, fetch)
//!          ─► [bounded] page jobs ─► blocking pool (process_for_crawl, classify) ─┐
//!          ◄── discovered links, feed and sitemap entries ◄─────────────────────────┘
//!          ─► [bounded] records, error records, page entries ─► writer thread ─► Sink, page log
//!   fetch ─► (with --warc) request/response exchanges ─► writer thread ─► Archive
//! ```
//! A URL is "pending" from the moment it is queued until its last stage is done; the crawl
//! ends when nothing is pending. Stopping (signal, `--max-time`, `--max-pages`) makes
//! workers drop what is queued, lets in-flight requests and pages finish, and flushes the
//! sink. Page bodies live only between fetch and processing (and, with `--warc`, until the
//! writer has archived them: at most [`ARCHIVE_BUDGET_KIB`] of bodies wait for it).
//!
//! This file starts and ends a run ([`run`]); the stages are in their own files:
//! [`sink`] (where records go), `queue` (admission to the frontier), `host` (serving hosts,
//! claim loops on a shared frontier), `robots_txt`, `discovery` (sitemaps, feeds),
//! `process` (the CPU stage), `writer` (dedup and commits), `claim` (shared-frontier
//! bookkeeping), `shared` (what the tasks share).
//!
//! In: a [`Built`] crawl (settings, state backend, locks), rules, a [`Sink`]. Out: the
//! records in the sink, the state, [`Stats`].

mod claim;
mod discovery;
mod host;
mod process;
mod queue;
mod robots_txt;
mod shared;
pub mod sink;
mod writer;

pub use shared::ARCHIVE_BUDGET_KIB;
pub use sink::{DiscardSink, Publish, Sink};

use crate::crawl::archive::Archive;
use crate::crawl::config::{Built, CrawlConfig};
use crate::crawl::error::CrawlError;
use crate::crawl::fetch::Fetcher;
use crate::crawl::page_log::PageLog;
use crate::crawl::politeness::Politeness;
use crate::crawl::robots;
use crate::crawl::state::item::{Item, Kind, Via};
use crate::crawl::state::store::{RunStart, StateStore, StoreError};
use crate::crawl::stats::{Stats, StopReason};
use crate::crawl::traps::Traps;
use crate::crawl::urls::{self, Scope};
use crate::Rules;
use shared::{lock, Shared};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch, Notify, Semaphore};
use writer::{Out, Writer};

/// Page jobs waiting for the blocking pool, per processing thread: one in work, one ready.
const JOBS_PER_THREAD: usize = 2;
/// Records and error records waiting for the writer: a few checkpoints' worth at most.
const OUTPUT_QUEUE: usize = 256;

/// Crawl with `cfg` until the frontier is empty or `stop` turns true: [`CrawlConfig::build`]
/// (settings checked, state backend chosen, run locks taken), then [`run`].
pub async fn crawl(
    cfg: CrawlConfig,
    rules: Arc<Rules>,
    sink: Box<dyn Sink>,
    stats: Arc<Mutex<Stats>>,
    stop: watch::Receiver<bool>,
) -> Result<Stats, CrawlError> {
    run(cfg.build()?, rules, sink, stats, stop).await
}

/// Run a built crawl until the frontier is empty or `stop` turns true; records and errors
/// go to `sink`; `stats` is updated live (for a progress bar) and returned at the end. The
/// crawl's locks are released when it returns.
pub async fn run(
    built: Built,
    rules: Arc<Rules>,
    mut sink: Box<dyn Sink>,
    stats: Arc<Mutex<Stats>>,
    stop: watch::Receiver<bool>,
) -> Result<Stats, CrawlError> {
    let started = Instant::now();
    let Built {
        config: cfg,
        backend,
        // Held until the crawl returns (the shard lock, unless the sink took it to its shards).
        state_lock: _state_lock,
        shard_lock: _shard_lock,
    } = built;
    let fetcher = Fetcher::new(cfg.fetch_config()).map_err(CrawlError::HttpClient)?;
    let opened = backend.open()?;
    tracing::debug!(
        seeds = cfg.seeds.len(),
        state = backend.kind(),
        rate = cfg.rate,
        concurrency = cfg.concurrency,
        "crawl starting"
    );
    if let (Some((n, bak)), Some(p)) = (&opened.migrated, &cfg.state) {
        let mut st = lock(&stats);
        st.state_migrated = *n as u64;
        st.notes.push(format!(
            "migrated {n} articles from the JSON Lines state to the SQLite state {} (the old file is {})",
            p.display(),
            bak.display()
        ));
    }
    let store = opened.store;
    let now = shared::unix_now();
    let start = store.begin(now, cfg.recrawl_after).map_err(|e| match e {
        StoreError::Busy(m) => CrawlError::Busy(m),
        e => CrawlError::State(e),
    })?;
    {
        let mut st = lock(&stats);
        st.round = start.round;
        st.continued = start.continued;
        st.recrawl_queued = start.recrawl;
    }
    let agent = robots::agent_token(&cfg.user_agent);
    let (archive, page_log) = open_logs(&cfg, &agent)?;
    let committed = match backend.persistent() {
        true => Some(store.shards()?),
        false => None,
    };
    let notes = sink
        .start(committed.as_ref())
        .map_err(|e| CrawlError::from_lock(e, "preparing the output"))?;
    lock(&stats).notes.extend(notes);

    let (jobs_tx, jobs_rx) = mpsc::channel(cfg.threads.max(1) * JOBS_PER_THREAD);
    let (out_tx, out_rx) = mpsc::channel(OUTPUT_QUEUE);
    let writer =
        Writer::new(sink, archive, store.clone(), stats.clone(), cfg.drop_duplicates).with_page_log(page_log);
    let shared = new_shared(cfg, rules, fetcher, agent, store, stats.clone(), jobs_tx, out_tx);
    let w = shared.clone();
    let writer = std::thread::spawn(move || writer.run(out_rx, || w.stop(StopReason::OutputError)));
    let processor = tokio::spawn(process::process_jobs(shared.clone(), jobs_rx));
    let watcher = spawn_stop_watcher(shared.clone(), stop);

    resume(&shared, &start, now);
    seed(&shared);
    host::run_claim_loops(&shared).await;
    wait_idle(&shared).await;
    watcher.abort();
    processor.abort();
    let _ = shared.out.send(Out::Done).await;
    let write_result = tokio::task::spawn_blocking(move || writer.join())
        .await
        .ok()
        .and_then(|j| j.ok());
    let st = finish(&shared, &stats, started);
    match write_result {
        Some(Ok(())) => Ok(st),
        Some(Err(source)) => Err(CrawlError::Output {
            context: "writing output".into(),
            source,
        }),
        None => Err(CrawlError::WriterPanicked),
    }
}

/// The WARC archive (`--warc`) and the page log (`--page-log`), created before the crawl
/// starts.
fn open_logs(cfg: &CrawlConfig, agent: &str) -> Result<(Option<Archive>, Option<PageLog>), CrawlError> {
    let failed = |p: &std::path::Path| {
        let context = format!("creating {}", p.display());
        move |source| CrawlError::Output { context, source }
    };
    let archive = match &cfg.warc {
        Some(p) => Some(Archive::create(p, &cfg.user_agent, agent).map_err(failed(p))?),
        None => None,
    };
    let page_log = match &cfg.page_log {
        Some(p) => Some(PageLog::create(p).map_err(failed(p))?),
        None => None,
    };
    Ok((archive, page_log))
}

/// What the crawl's tasks share, from the settings and what the run opened.
#[allow(clippy::too_many_arguments)]
fn new_shared(
    cfg: CrawlConfig,
    rules: Arc<Rules>,
    fetcher: Fetcher,
    agent: String,
    store: Arc<dyn StateStore>,
    stats: Arc<Mutex<Stats>>,
    jobs: mpsc::Sender<shared::Job>,
    out: mpsc::Sender<Out>,
) -> Arc<Shared> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let include = cfg.include.iter().map(|p| p.0.clone()).collect();
    let exclude = cfg.exclude.iter().map(|p| p.0.clone()).collect();
    Arc::new(Shared {
        polite: Politeness::new(cfg.rate),
        scope: Scope::new(&cfg.seeds, include, exclude),
        agent,
        global: Semaphore::new(cfg.concurrency.max(1)),
        cpu: Arc::new(Semaphore::new(cfg.threads.max(1))),
        discovery: Semaphore::new(cfg.threads.max(1)),
        store,
        workers: Mutex::new(HashMap::new()),
        traps: Mutex::new(Traps::new(cfg.trap_config())),
        hosts: Mutex::new(HashMap::new()),
        pending: AtomicUsize::new(0),
        idle: Notify::new(),
        stop_tx,
        stop_rx,
        stopped_by: Mutex::new(None),
        stats,
        jobs,
        out,
        emitted: Mutex::new(HashSet::new()),
        pages_started: AtomicU64::new(0),
        archive_budget: cfg
            .warc
            .is_some()
            .then(|| Arc::new(Semaphore::new(ARCHIVE_BUDGET_KIB as usize))),
        claims: claim::Claims::new(cfg.concurrency),
        extract: cfg.extract_options(),
        rules,
        fetcher,
        cfg,
    })
}

/// The caller's stop (signals) and the time budget both end up in the crawl's stop.
fn spawn_stop_watcher(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let deadline = shared.cfg.max_time.map(|d| tokio::time::Instant::now() + d);
        loop {
            tokio::select! {
                r = stop.changed() => {
                    if r.is_err() { std::future::pending::<()>().await; }
                    if *stop.borrow() { shared.stop(StopReason::Signal); return; }
                }
                _ = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => {
                    shared.stop(StopReason::MaxTime);
                    return;
                }
            }
        }
    })
}

/// What earlier runs left: `Retry-After` blocks outlive a run, and what an earlier run
/// left queued is continued (its hosts get workers).
fn resume(shared: &Arc<Shared>, start: &RunStart, now: i64) {
    if let Ok(blocks) = shared.store.blocks(now) {
        for (host, until) in blocks {
            let wait = Duration::from_secs(until.saturating_sub(now).max(0) as u64);
            shared.polite.block_until(&host, Instant::now() + wait);
        }
    }
    for (host, n) in &start.queued {
        shared.pending.fetch_add(*n as usize, Ordering::SeqCst);
        shared.spawn_workers(host);
    }
}

/// Queue the seeds (their hosts get the conventional sitemap and feed probes).
fn seed(shared: &Arc<Shared>) {
    let mut seeds = Vec::new();
    for seed in shared.cfg.seeds.clone() {
        let seed = urls::canonicalize(&seed);
        if let Some(h) = seed.host_str() {
            shared.host_info(h).seed.store(true, Ordering::SeqCst);
        }
        seeds.push(Item::new(seed, Kind::Page, Via::Seed, 0));
    }
    shared.enqueue_many(seeds, true);
}

/// Until nothing is pending.
async fn wait_idle(shared: &Shared) {
    loop {
        let notified = shared.idle.notified();
        if shared.pending.load(Ordering::SeqCst) == 0 {
            break;
        }
        notified.await;
    }
}

/// The final counters: a worker leaving a shared frontier gives back what it still leases,
/// and the job's work left is what the frontier still holds.
fn finish(shared: &Shared, stats: &Mutex<Stats>, started: Instant) -> Stats {
    if let Some(sf) = shared.store.shared() {
        match sf.leave() {
            Ok(_) => {
                if let Ok(sum) = shared.store.summary() {
                    lock(&shared.stats).work_left = sum.queued;
                }
            }
            Err(e) => lock(&shared.stats)
                .notes
                .push(format!("leaving the frontier: {}", crate::error::chain(&e))),
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
    st.stopped_by = lock(&shared.stopped_by).unwrap_or_default();
    tracing::debug!(
        stopped_by = %st.stopped_by,
        requests = st.requests,
        pages = st.pages_fetched,
        articles = st.articles,
        work_left = st.work_left,
        "crawl ended"
    );
    *lock(stats) = st.clone();
    st
}
