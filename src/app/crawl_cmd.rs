//! The `crawl` and `demo` subcommands at the CLI edge: flags and `--config` merged into a
//! [`CrawlConfig`], a tokio runtime, signal handling (SIGINT → 130, SIGTERM → 143), the
//! progress bar, the output files and the exit code (0 fine, 1 some failures, 2 usage,
//! 3 nothing could be fetched).

use crate::app::cli::{CrawlArgs, DemoArgs, LimitArgs, StatusArgs};
use crate::app::demo::{self, DemoWeb};
use crate::app::ExitCode;
use crate::crawl::engine::Publish;
use crate::crawl::fetch::ResolveRule;
use crate::crawl::{self, CrawlConfig, ErrorRecord, Sink, Stats};
use crate::model::Record;
use crate::output::sink::{is_dir_output, Compression, Output, ShardLimits, Shards};
use crate::{Options, Rules};
use anyhow::{bail, Context};
use serde::Deserialize;
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use url::Url;

/// The default User-Agent: who we are and where to complain. Replace the contact.
pub fn default_user_agent() -> String {
    format!(
        "newsharvest/{} (+https://github.com/newsharvest/newsharvest; contact: set --user-agent with your email)",
        env!("CARGO_PKG_VERSION")
    )
}

/// `--config FILE.toml`: the same settings as the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    seeds: Option<Vec<String>>,
    output: Option<PathBuf>,
    errors: Option<PathBuf>,
    stats: Option<PathBuf>,
    metrics: Option<PathBuf>,
    rate: Option<f64>,
    per_host_concurrency: Option<usize>,
    concurrency: Option<usize>,
    max_depth: Option<u32>,
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    max_pages: Option<u64>,
    max_time: Option<String>,
    user_agent: Option<String>,
    timeout: Option<f64>,
    connect_timeout: Option<f64>,
    max_body: Option<usize>,
    retries: Option<u32>,
    max_redirects: Option<usize>,
    max_barren_per_pattern: Option<u32>,
    max_barren_per_host: Option<u32>,
    since: Option<String>,
    emit_all: Option<bool>,
    sitemaps: Option<bool>,
    feeds: Option<bool>,
    resolve: Option<Vec<String>>,
    allow_private: Option<bool>,
    selectors: Option<Vec<PathBuf>>,
    threads: Option<usize>,
    state: Option<PathBuf>,
    frontier: Option<String>,
    job: Option<String>,
    lease_timeout: Option<String>,
    worker_id: Option<String>,
    warc: Option<PathBuf>,
    recrawl_after: Option<String>,
    drop_duplicates: Option<bool>,
    shard_records: Option<u64>,
    shard_bytes: Option<String>,
    compress: Option<String>,
    max_page_size: Option<String>,
    max_nodes: Option<usize>,
    max_nesting: Option<usize>,
    page_timeout: Option<String>,
}

/// `90`, `90s`, `15m`, `2h`, `1h30m`, `500ms`.
pub fn parse_duration(s: &str) -> anyhow::Result<Duration> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Ok(Duration::from_secs_f64(secs));
        }
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            0.001
        } else {
            match c {
                's' => 1.0,
                'm' => 60.0,
                'h' => 3600.0,
                'd' => 86400.0,
                _ => bail!("bad duration {s:?} (use e.g. 90s, 15m, 2h, 1h30m)"),
            }
        };
        let n: f64 = num.parse().with_context(|| format!("bad duration {s:?}"))?;
        total += n * unit;
        num.clear();
        any = true;
    }
    if !num.is_empty() || !any {
        bail!("bad duration {s:?} (use e.g. 90s, 15m, 2h, 1h30m)");
    }
    Ok(Duration::from_secs_f64(total))
}

/// `2026-11-01`, `2026-11-01T06:00:00+01:00`.
fn parse_since(s: &str) -> anyhow::Result<chrono::DateTime<chrono::FixedOffset>> {
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(d);
    }
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .with_context(|| format!("--since {s:?}: expected YYYY-MM-DD or RFC 3339"))?;
    let dt = d.and_hms_opt(0, 0, 0).context("--since: bad date")?;
    Ok(chrono::DateTime::from_naive_utc_and_offset(
        dt,
        chrono::FixedOffset::east_opt(0).context("offset")?,
    ))
}

fn regexes(v: &[String], flag: &str) -> anyhow::Result<Vec<regex::Regex>> {
    v.iter()
        .map(|r| regex::Regex::new(r).with_context(|| format!("{flag} {r:?} is not a valid regex")))
        .collect()
}

fn parse_seed(s: &str) -> anyhow::Result<Url> {
    let u = Url::parse(s.trim()).with_context(|| format!("seed {s:?} is not a URL"))?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        bail!("seed {s:?}: only http(s) URLs with a host can be crawled");
    }
    Ok(u)
}

/// Output files and flags of a resolved crawl command.
struct Resolved {
    cfg: CrawlConfig,
    output: Option<PathBuf>,
    metrics: Option<PathBuf>,
    compression: Compression,
    shard_limits: ShardLimits,
    errors: Option<PathBuf>,
    stats: Option<PathBuf>,
    selectors: Vec<PathBuf>,
}

fn resolve_args(a: &CrawlArgs) -> anyhow::Result<Resolved> {
    let file: ConfigFile = match &a.config {
        Some(p) => {
            let t = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            toml::from_str(&t).with_context(|| format!("{}", p.display()))?
        }
        None => ConfigFile::default(),
    };
    let mut seeds: Vec<Url> = Vec::new();
    for s in a.seeds.iter().chain(file.seeds.iter().flatten()) {
        seeds.push(parse_seed(s)?);
    }
    if let Some(p) = &a.seeds_file {
        let t = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        for line in t
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            seeds.push(parse_seed(line).with_context(|| format!("in {}", p.display()))?);
        }
    }
    if seeds.is_empty() {
        bail!("no seeds: give seed URLs, --seeds FILE or `seeds` in --config");
    }
    let ua = a
        .user_agent
        .clone()
        .or(file.user_agent)
        .unwrap_or_else(default_user_agent);
    let mut cfg = CrawlConfig::new(seeds, ua);
    if let Some(r) = a.rate.or(file.rate) {
        if !(r.is_finite() && r > 0.0) {
            bail!("--rate must be a positive number of requests per second");
        }
        cfg.rate = r;
    }
    if let Some(n) = a.per_host_concurrency.or(file.per_host_concurrency) {
        cfg.per_host_concurrency = n.max(1);
    }
    if let Some(n) = a.concurrency.or(file.concurrency) {
        cfg.concurrency = n.max(1);
    }
    if let Some(n) = a.max_depth.or(file.max_depth) {
        cfg.max_depth = n;
    }
    let include: Vec<String> = a
        .include
        .iter()
        .cloned()
        .chain(file.include.into_iter().flatten())
        .collect();
    let exclude: Vec<String> = a
        .exclude
        .iter()
        .cloned()
        .chain(file.exclude.into_iter().flatten())
        .collect();
    cfg.include = regexes(&include, "--include")?;
    cfg.exclude = regexes(&exclude, "--exclude")?;
    cfg.max_pages = a.max_pages.or(file.max_pages);
    if let Some(t) = a.max_time.as_deref().or(file.max_time.as_deref()) {
        cfg.max_time = Some(parse_duration(t).context("--max-time")?);
    }
    if let Some(t) = a.timeout.or(file.timeout) {
        cfg.fetch.timeout = Duration::try_from_secs_f64(t).context("--timeout")?;
    }
    if let Some(t) = a.connect_timeout.or(file.connect_timeout) {
        cfg.fetch.connect_timeout = Duration::try_from_secs_f64(t).context("--connect-timeout")?;
    }
    if let Some(n) = a.max_body.or(file.max_body) {
        cfg.fetch.max_body = n;
    }
    if let Some(n) = a.retries.or(file.retries) {
        cfg.retries = n;
    }
    if let Some(n) = a.max_redirects.or(file.max_redirects) {
        cfg.max_redirects = n;
    }
    if let Some(n) = a.max_barren_per_pattern.or(file.max_barren_per_pattern) {
        cfg.traps.per_pattern = n.max(1);
    }
    if let Some(n) = a.max_barren_per_host.or(file.max_barren_per_host) {
        cfg.traps.per_host = n.max(1);
    }
    if let Some(s) = a.since.as_deref().or(file.since.as_deref()) {
        cfg.since = Some(parse_since(s)?);
    }
    cfg.emit_all = a.emit_all || file.emit_all.unwrap_or(false);
    cfg.fetch.allow_private = a.allow_private || file.allow_private.unwrap_or(false);
    cfg.sitemaps = !a.no_sitemaps && file.sitemaps.unwrap_or(true);
    cfg.feeds = !a.no_feeds && file.feeds.unwrap_or(true);
    for r in a.resolve.iter().chain(file.resolve.iter().flatten()) {
        cfg.fetch
            .resolve
            .push(r.parse::<ResolveRule>().map_err(anyhow::Error::msg)?);
    }
    if let Some(t) = a.threads.or(file.threads) {
        cfg.threads = t.max(1);
    }
    let file_limits = LimitArgs {
        max_page_size: file.max_page_size,
        max_nodes: file.max_nodes,
        max_nesting: file.max_nesting,
        page_timeout: file.page_timeout,
    };
    cfg.extract = Options {
        explain: a.explain,
        limits: a.limits.resolve(&file_limits)?,
    };
    cfg.state = a.state.clone().or(file.state);
    let output = a.output.clone().or(file.output);
    if let Some(url) = a.frontier.clone().or(file.frontier) {
        if cfg.state.is_some() {
            bail!("--frontier and --state are two kinds of state: give one");
        }
        let job = a
            .job
            .clone()
            .or(file.job)
            .context("--frontier needs --job NAME (the job's key namespace)")?;
        if job.is_empty()
            || !job
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        {
            bail!("--job {job:?}: use letters, digits, '.', '_' and '-'");
        }
        let lease = match a.lease_timeout.as_deref().or(file.lease_timeout.as_deref()) {
            Some(t) => parse_duration(t).context("--lease-timeout")?,
            None => Duration::from_secs(60),
        };
        if lease < Duration::from_millis(400) {
            bail!("--lease-timeout must be at least 400ms");
        }
        let worker = match a.worker_id.as_deref().or(file.worker_id.as_deref()) {
            Some(w) => crate::crawl::state::redis_store::sanitize_worker(w),
            None => crate::crawl::state::redis_store::default_worker_id(),
        };
        cfg.frontier = Some(crate::crawl::state::redis_store::FrontierConfig {
            url,
            job,
            worker,
            lease,
            shard_dir: output.clone().filter(|d| is_dir_output(d)),
            // `-o DIR/`: the run takes the worker's shard lock before it starts.
            exclusive: output.as_deref().is_some_and(is_dir_output),
            gap: Duration::from_secs(1),
        });
    }
    if let Some(t) = a.recrawl_after.as_deref().or(file.recrawl_after.as_deref()) {
        cfg.recrawl_after = Some(parse_duration(t).context("--recrawl-after")?);
    }
    cfg.drop_duplicates = a.drop_duplicates || file.drop_duplicates.unwrap_or(false);
    cfg.warc = a.warc.clone().or(file.warc);
    let mut selectors = a.selectors.clone();
    selectors.extend(file.selectors.into_iter().flatten());
    let mut shard_limits = ShardLimits::default();
    if let Some(n) = a.shard_records.or(file.shard_records) {
        shard_limits.records = n.max(1);
    }
    if let Some(b) = a.shard_bytes.as_deref().or(file.shard_bytes.as_deref()) {
        shard_limits.bytes = crate::limits::parse_size(b)
            .map_err(anyhow::Error::msg)
            .context("--shard-bytes")?
            .max(1) as u64;
    }
    let compression = match a.compress.as_deref().or(file.compress.as_deref()) {
        Some(c) => Compression::parse(c).with_context(|| format!("--compress {c:?}: use zst, gz or none"))?,
        None => Compression::Zstd,
    };
    Ok(Resolved {
        cfg,
        metrics: a.metrics.clone().or(file.metrics),
        compression,
        shard_limits,
        output,
        errors: a.errors.clone().or(file.errors),
        stats: a.stats.clone().or(file.stats),
        selectors,
    })
}

/// Where records go: one file (or stdout), or a directory of rotated shards.
enum RecordOut {
    /// `-o FILE`, stdout: records appear as written; a crash can repeat the last few in
    /// the next run (at-least-once).
    File(Output),
    /// `-o DIR/`: complete shards only, each published with the state commit that marks
    /// its articles written (exactly-once with `--state`). Opened in `start`.
    Shards {
        dir: PathBuf,
        /// `part`, or `part-<worker>` on a shared frontier.
        prefix: String,
        compression: Compression,
        limits: ShardLimits,
        shards: Option<Box<Shards>>,
    },
}

/// Records to the output, failures to `--errors` and stderr.
struct CliSink {
    out: Option<RecordOut>,
    errors: Option<Output>,
    quiet: bool,
    bar: Option<indicatif::ProgressBar>,
}

impl CliSink {
    fn shards(&mut self) -> Option<&mut Shards> {
        match &mut self.out {
            Some(RecordOut::Shards { shards, .. }) => shards.as_deref_mut(),
            _ => None,
        }
    }

    /// Seal the shard in progress into a publish step (none when no shard is open).
    fn seal(&mut self) -> std::io::Result<Publish> {
        Ok(match self.shards().map(|s| s.seal()).transpose()?.flatten() {
            Some((name, publish)) => Publish::shard(name, publish),
            None => Publish::none(),
        })
    }
}

impl Sink for CliSink {
    fn start(&mut self, committed: Option<&HashSet<String>>) -> std::io::Result<Vec<String>> {
        let Some(RecordOut::Shards {
            dir,
            prefix,
            compression,
            limits,
            shards,
        }) = &mut self.out
        else {
            return Ok(Vec::new());
        };
        let (s, cleanup) = Shards::open(dir, prefix, *compression, *limits, committed)?;
        *shards = Some(Box::new(s));
        let mut notes = Vec::new();
        if !cleanup.partial.is_empty() || !cleanup.uncommitted.is_empty() {
            notes.push(format!(
                "removed what a killed run left in {}: {} shards in progress, {} complete but not committed",
                dir.display(),
                cleanup.partial.len(),
                cleanup.uncommitted.len()
            ));
        }
        Ok(notes)
    }

    fn record(&mut self, r: &Record) -> std::io::Result<()> {
        match &mut self.out {
            Some(RecordOut::File(o)) => o.write_json(r),
            Some(RecordOut::Shards { shards: Some(s), .. }) => s.write_json(r),
            _ => Ok(()),
        }
    }

    fn error(&mut self, e: &ErrorRecord) -> std::io::Result<()> {
        if !self.quiet {
            let line = format!("newsharvest: {}: {} failed: {}", e.url, e.stage, e.reason);
            match &self.bar {
                Some(b) => b.println(line),
                None => eprintln!("{line}"),
            }
        }
        match &mut self.errors {
            Some(o) => o.write_json(e),
            None => Ok(()),
        }
    }

    fn rotate_due(&self) -> bool {
        matches!(&self.out, Some(RecordOut::Shards { shards: Some(s), .. }) if s.full())
    }

    fn checkpoint(&mut self) -> std::io::Result<Option<Publish>> {
        if let Some(o) = self.errors.as_mut() {
            std::io::Write::flush(o)?;
        }
        match &mut self.out {
            Some(RecordOut::File(o)) => {
                std::io::Write::flush(o)?;
                Ok(Some(Publish::none()))
            }
            Some(RecordOut::Shards { shards: Some(s), .. }) if s.full() || s.old() => self.seal().map(Some),
            _ => Ok(None),
        }
    }

    fn finish(&mut self) -> std::io::Result<Publish> {
        if let Some(o) = self.errors.take() {
            o.finish()?;
        }
        match self.out.take() {
            Some(RecordOut::File(o)) => {
                o.finish()?;
                Ok(Publish::none())
            }
            Some(shards) => {
                self.out = Some(shards);
                let p = self.seal();
                self.out = None;
                p
            }
            None => Ok(Publish::none()),
        }
    }
}

/// Shard names: `part-00012.jsonl.zst`.
const SHARD_PREFIX: &str = "part";

/// The shard names of this run: `part-…`, or `part-<worker>-…` on a shared frontier (the
/// job's workers write into one directory).
fn shard_prefix(r: &Resolved) -> String {
    match &r.cfg.frontier {
        Some(f) => crate::crawl::state::redis_store::FrontierConfig::shard_prefix(&f.worker),
        None => SHARD_PREFIX.to_string(),
    }
}

fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    (!quiet && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b.enable_steady_tick(Duration::from_millis(200));
        b
    })
}

fn progress_line(s: &Stats, secs: f64) -> String {
    format!(
        "{} requests · {} pages · {} articles · {} errors · {:.1} pages/s",
        s.requests,
        s.pages_fetched,
        s.articles,
        s.errors,
        if secs > 0.0 {
            s.pages_fetched as f64 / secs
        } else {
            0.0
        }
    )
}

/// Which signal stopped the crawl: 0 none, 2 SIGINT, 15 SIGTERM.
static SIGNAL: AtomicU8 = AtomicU8::new(0);

fn spawn_signal_listener(stop: watch::Sender<bool>) {
    tokio::spawn(async move {
        #[cfg(unix)]
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        loop {
            #[cfg(unix)]
            let which = tokio::select! {
                _ = tokio::signal::ctrl_c() => 2u8,
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => 15u8,
            };
            #[cfg(not(unix))]
            let which = {
                let _ = tokio::signal::ctrl_c().await;
                2u8
            };
            if SIGNAL.swap(which, Ordering::SeqCst) != 0 {
                // A second signal: give up on a clean stop.
                std::process::exit(128 + i32::from(which));
            }
            eprintln!("newsharvest: stopping: finishing in-flight pages (signal again to quit now)");
            let _ = stop.send(true);
        }
    });
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn write_stats(path: &Path, st: &Stats) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(st)?;
    std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))
}

fn exit_code(st: &Stats) -> ExitCode {
    ExitCode::from(code_number(st))
}

/// The run locks of a crawl: its state's and its shard directory's (see `crate::output::lock`).
fn take_locks(r: &Resolved) -> anyhow::Result<Vec<crate::output::lock::LockGuard>> {
    let busy =
        |e: std::io::Error, path: &Path| crate::Error::from_lock(e, format!("locking {}", path.display()));
    let mut locks = Vec::new();
    if let Some(state) = &r.cfg.state {
        locks.push(crate::output::lock::state(state).map_err(|e| busy(e, state))?);
    }
    if let Some(dir) = r.output.as_deref().filter(|d| is_dir_output(d)) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        locks.push(crate::output::lock::shard_dir(dir, &shard_prefix(r)).map_err(|e| busy(e, dir))?);
    }
    Ok(locks)
}

/// `newsharvest crawl`.
pub fn run_crawl(a: CrawlArgs) -> anyhow::Result<ExitCode> {
    let r = resolve_args(&a)?;
    if a.dry_run {
        if r.cfg.frontier.is_some() {
            bail!("--dry-run reads a --state; for a frontier use `newsharvest status --frontier … --job …`");
        }
        return dry_run(&r);
    }
    // The locks before anything is opened or written: a refused run (exit 5) changes nothing.
    let _locks = take_locks(&r)?;
    let rules = Arc::new(Rules::load(&r.selectors).context("loading rules")?);
    let bar = progress_bar(a.quiet);
    let out = match r.output.as_deref() {
        Some(dir) if is_dir_output(dir) => RecordOut::Shards {
            dir: dir.to_path_buf(),
            prefix: shard_prefix(&r),
            compression: r.compression,
            limits: r.shard_limits,
            shards: None,
        },
        other => RecordOut::File(Output::open(other).context("opening the output")?),
    };
    let sink = CliSink {
        out: Some(out),
        errors: r
            .errors
            .as_deref()
            .map(|p| Output::open(Some(p)).with_context(|| format!("creating {}", p.display())))
            .transpose()?,
        quiet: a.quiet,
        bar: bar.clone(),
    };
    let rt = runtime()?;
    let metrics_path = r.metrics.clone();
    let stats_path = r.stats.clone();
    let metrics_task_path = metrics_path.clone();
    let st = rt.block_on(async move {
        let (stop_tx, stop_rx) = watch::channel(false);
        spawn_signal_listener(stop_tx);
        let stats = Arc::new(Mutex::new(Stats::default()));
        let ticker = spawn_ticker(bar.clone(), stats.clone());
        let metrics = metrics_task_path.map(|p| spawn_metrics(p, stats.clone()));
        let res = crawl::crawl(r.cfg, rules, Box::new(sink), stats, stop_rx).await;
        ticker.abort();
        if let Some(m) = metrics {
            m.abort();
        }
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        res
    })?;
    eprintln!("newsharvest: {}", st.summary());
    if let Some(p) = &stats_path {
        write_stats(p, &st)?;
    }
    let code = exit_code(&st);
    if let Some(p) = &metrics_path {
        write_metrics(p, &st, false, Some(code_number(&st)))
            .with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(code)
}

/// The crawl's exit code (also reported in the metrics): 130/143 after a signal, 4 when a
/// budget stopped it with work left (the next run with the same state goes on), 3 when
/// nothing answered, 1 when some URLs failed, else 0.
fn code_number(st: &Stats) -> u8 {
    match SIGNAL.load(Ordering::SeqCst) {
        2 => return 130,
        15 => return 143,
        _ => {}
    }
    if matches!(st.stopped_by.as_str(), "max_pages" | "max_time") && st.work_left > 0 {
        return 4;
    }
    // The state failed mid-run (a full disk, Redis gone longer than its outage window, a
    // worker fenced): what was committed stands; the next run continues from it.
    if st.stopped_by == "state_error" {
        return 2;
    }
    // 304 Not Modified is an answer too: an incremental run may get nothing else.
    let ok: u64 = st.by_status.range(200..300).map(|(_, n)| n).sum::<u64>()
        + st.by_status.get(&304).copied().unwrap_or(0);
    // A worker of a shared frontier that found nothing to claim sent nothing: not an error.
    let idle_worker = st.frontier_round_trips > 0 && st.requests == 0;
    if ok == 0 && !idle_worker {
        3
    } else if st.errors > 0 {
        1
    } else {
        0
    }
}

/// Prometheus text exposition of the counters, written to a temporary file and renamed
/// over `path` (the textfile collector never reads a half-written file).
fn write_metrics(path: &Path, st: &Stats, running: bool, exit: Option<u8>) -> std::io::Result<()> {
    use std::fmt::Write as _;
    let mut m = String::new();
    let mut metric = |name: &str, help: &str, kind: &str, samples: &[(String, f64)]| {
        let _ = writeln!(
            m,
            "# HELP newsharvest_{name} {help}\n# TYPE newsharvest_{name} {kind}"
        );
        for (labels, v) in samples {
            let _ = writeln!(m, "newsharvest_{name}{labels} {v}");
        }
    };
    let one = |v: u64| vec![(String::new(), v as f64)];
    metric(
        "running",
        "1 while the crawl runs, 0 after it ended.",
        "gauge",
        &[(String::new(), f64::from(u8::from(running)))],
    );
    metric(
        "last_update_timestamp_seconds",
        "When this file was written.",
        "gauge",
        &[(String::new(), chrono::Utc::now().timestamp() as f64)],
    );
    metric(
        "elapsed_seconds",
        "Wall time of the run so far.",
        "gauge",
        &[(String::new(), st.elapsed_s)],
    );
    metric(
        "requests_total",
        "HTTP requests sent.",
        "counter",
        &one(st.requests),
    );
    metric(
        "pages_fetched_total",
        "HTML pages fetched with a 2xx response.",
        "counter",
        &one(st.pages_fetched),
    );
    metric(
        "articles_written_total",
        "Article records written, by kind.",
        "counter",
        &[
            ("{kind=\"new\"}".into(), st.new as f64),
            ("{kind=\"updated\"}".into(), st.updated as f64),
        ],
    );
    metric(
        "articles_unchanged_total",
        "Recrawled articles whose text had not changed.",
        "counter",
        &one(st.unchanged),
    );
    metric(
        "not_modified_total",
        "Conditional requests answered 304.",
        "counter",
        &one(st.not_modified),
    );
    metric(
        "duplicates_total",
        "Records whose text duplicates an earlier one.",
        "counter",
        &one(st.near_duplicates),
    );
    metric(
        "listings_total",
        "Listing pages followed.",
        "counter",
        &one(st.listings),
    );
    metric(
        "errors_total",
        "Error records, by kind.",
        "counter",
        &st.by_error
            .iter()
            .map(|(k, n)| (format!("{{kind=\"{k}\"}}"), *n as f64))
            .collect::<Vec<_>>(),
    );
    metric(
        "responses_total",
        "HTTP responses, by status code.",
        "counter",
        &st.by_status
            .iter()
            .map(|(k, n)| (format!("{{code=\"{k}\"}}"), *n as f64))
            .collect::<Vec<_>>(),
    );
    metric("bytes_total", "Body bytes received.", "counter", &one(st.bytes));
    metric(
        "committed_total",
        "Records made durable and marked written in the state.",
        "counter",
        &one(st.committed),
    );
    metric(
        "trap_links_total",
        "Links not followed as crawler traps.",
        "counter",
        &one(st.trap_urls + st.trap_skipped),
    );
    metric(
        "work_left",
        "URLs left queued for the next run.",
        "gauge",
        &one(st.work_left),
    );
    if let Some(code) = exit {
        metric(
            "exit_code",
            "The exit code of the run.",
            "gauge",
            &[(format!("{{stopped_by=\"{}\"}}", st.stopped_by), f64::from(code))],
        );
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, m)?;
    std::fs::rename(&tmp, path)
}

/// Rewrite the metrics file every 15 s while the crawl runs.
fn spawn_metrics(path: PathBuf, stats: Arc<Mutex<Stats>>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let t0 = std::time::Instant::now();
        loop {
            let snapshot = stats.lock().map(|s| s.clone()).unwrap_or_default();
            let mut st = snapshot;
            st.elapsed_s = t0.elapsed().as_secs_f64();
            if let Err(e) = write_metrics(&path, &st, true, None) {
                eprintln!("newsharvest: writing {}: {e}", path.display());
            }
            tokio::time::sleep(Duration::from_secs(15)).await;
        }
    })
}

/// `crawl --dry-run`: the settings as resolved, what the state holds, and the discovery
/// plan per seed host (robots.txt is read, with its Sitemap: lines; nothing else).
fn dry_run(r: &Resolved) -> anyhow::Result<ExitCode> {
    use std::io::Write as _;
    // Written, not printed: `| head` ends the output, not the process with a panic.
    let mut w = std::io::stdout().lock();
    let c = &r.cfg;
    let show = |p: &Option<PathBuf>| p.as_ref().map_or("-".to_string(), |p| p.display().to_string());
    writeln!(w, "newsharvest crawl --dry-run")?;
    writeln!(
        w,
        "  seeds: {}",
        c.seeds.iter().map(Url::as_str).collect::<Vec<_>>().join(" ")
    )?;
    writeln!(w, "  user agent: {}", c.fetch.user_agent)?;
    writeln!(
        w,
        "  politeness: {} requests/s per host, {} in flight per host, {} overall, robots.txt obeyed",
        c.rate, c.per_host_concurrency, c.concurrency
    )?;
    writeln!(
        w,
        "  scope: the seeds' domains, max depth {}, include {:?}, exclude {:?}",
        c.max_depth,
        c.include.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        c.exclude.iter().map(|r| r.as_str()).collect::<Vec<_>>()
    )?;
    writeln!(
        w,
        "  budgets: max pages {}, max time {}",
        c.max_pages.map_or("none".into(), |n| n.to_string()),
        c.max_time.map_or("none".into(), |d| format!("{d:?}"))
    )?;
    writeln!(
        w,
        "  fetch: timeout {:?}, connect {:?}, max body {} bytes, {} retries, {} redirects",
        c.fetch.timeout, c.fetch.connect_timeout, c.fetch.max_body, c.retries, c.max_redirects
    )?;
    writeln!(
        w,
        "  page limits: {} bytes, {} nodes, nesting {}, timeout {:?}",
        c.extract.limits.max_bytes,
        c.extract.limits.max_nodes,
        c.extract.limits.max_depth,
        c.extract.limits.timeout
    )?;
    writeln!(
        w,
        "  traps: {} barren pages per pattern, {} per host",
        c.traps.per_pattern, c.traps.per_host
    )?;
    writeln!(
        w,
        "  output: {}{}",
        show(&r.output),
        if r.output.as_deref().is_some_and(is_dir_output) {
            format!(
                " (shards: {} records or {} bytes, {})",
                r.shard_limits.records,
                r.shard_limits.bytes,
                r.compression.extension()
            )
        } else {
            String::new()
        }
    )?;
    writeln!(
        w,
        "  errors: {}, stats: {}, metrics: {}, warc: {}",
        show(&r.errors),
        show(&r.stats),
        show(&r.metrics),
        show(&c.warc)
    )?;
    writeln!(
        w,
        "  dedup: duplicates {}; recrawl after: {}",
        if c.drop_duplicates {
            "dropped"
        } else {
            "written with duplicate_of"
        },
        c.recrawl_after.map_or("never".into(), |d| format!("{d:?}"))
    )?;
    match &c.state {
        // Read-only: an old JSON Lines state is migrated by the crawl, not by a dry run.
        Some(p) if crate::crawl::state::sqlite::is_legacy_jsonl(p) => writeln!(
            w,
            "  state: {} (JSON Lines of an earlier version: the crawl migrates it to SQLite, keeping it as .bak)",
            p.display()
        )?,
        Some(p) if p.exists() => {
            let (store, _) = crate::crawl::state::sqlite::SqliteStore::open(p).map_err(anyhow::Error::msg)?;
            let s = crate::crawl::state::store::StateStore::summary(&store).map_err(anyhow::Error::msg)?;
            let next = if s.queued > 0 {
                format!("continues round {} ({} URLs queued)", s.round, s.queued)
            } else {
                format!("starts round {}", s.round + 1)
            };
            writeln!(
                w,
                "  state: {} — {next}; {} written, {} failed, {} shards",
                p.display(),
                s.written,
                s.failed,
                s.shards
            )?;
        }
        Some(p) => writeln!(w, "  state: {} (created on the first run)", p.display())?,
        None => writeln!(w, "  state: none (in memory; nothing is kept after the run)")?,
    }
    let rt = runtime()?;
    let fetcher = crate::crawl::fetch::Fetcher::new(c.fetch.clone())
        .map_err(|e| anyhow::anyhow!("HTTP client: {e}"))?;
    let agent = crate::crawl::robots::agent_token(&c.fetch.user_agent);
    let mut hosts: Vec<Url> = Vec::new();
    for s in &c.seeds {
        if !hosts.iter().any(|h| h.host_str() == s.host_str()) {
            hosts.push(s.clone());
        }
    }
    writeln!(w, "discovery plan:")?;
    for seed in hosts {
        let host = seed.host_str().unwrap_or("").to_string();
        let Ok(robots_url) = seed.join("/robots.txt") else {
            continue;
        };
        let res = rt.block_on(fetcher.get(
            &robots_url,
            crate::crawl::fetch::Want::Robots,
            Some(c.robots_timeout),
            None,
        ));
        match res {
            Ok(f) if (200..300).contains(&f.status) => {
                let rb = crate::crawl::robots::Robots::parse(&agent, &f.body);
                let seed_ok = if rb.allowed(&seed) {
                    "allowed"
                } else {
                    "DISALLOWED by robots.txt"
                };
                writeln!(
                    w,
                    "  {host}: robots.txt {} (crawl-delay {:?}); seed {seed_ok}",
                    f.status, rb.crawl_delay
                )?;
                if rb.sitemaps.is_empty() {
                    writeln!(
                        w,
                        "    sitemaps: none declared; would try {}",
                        crate::crawl::discover::CONVENTIONAL_SITEMAPS.join(", ")
                    )?;
                } else {
                    for sm in &rb.sitemaps {
                        writeln!(w, "    sitemap: {sm}")?;
                    }
                }
            }
            Ok(f) => writeln!(
                w,
                "  {host}: robots.txt answers {} ({}); would try sitemaps {}",
                f.status,
                if (400..500).contains(&f.status) {
                    "everything allowed"
                } else {
                    "retried, then the host is skipped"
                },
                crate::crawl::discover::CONVENTIONAL_SITEMAPS.join(", ")
            )?,
            Err(e) => writeln!(w, "  {host}: robots.txt could not be fetched: {e}")?,
        }
        writeln!(
            w,
            "    then: the seed {seed}, its feeds (<link rel=alternate>, else {}), links to depth {}",
            crate::crawl::discover::CONVENTIONAL_FEEDS.join(", "),
            c.max_depth
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The per-host table of `status`.
fn write_hosts(
    w: &mut impl std::io::Write,
    hosts: &[crate::crawl::state::store::HostSummary],
    due: impl Fn(&crate::crawl::state::store::HostSummary) -> String,
) -> std::io::Result<()> {
    writeln!(
        w,
        "  {:<40} {:>9} {:>9} {:>7}  next due",
        "host", "queued", "written", "failed"
    )?;
    for h in hosts {
        writeln!(
            w,
            "  {:<40} {:>9} {:>9} {:>7}  {}",
            h.host,
            h.queued,
            h.written,
            h.failed,
            due(h)
        )?;
    }
    Ok(())
}

/// `status --state`'s arguments.
struct StatusState {
    state: PathBuf,
    json: bool,
}

/// `newsharvest status --frontier redis://… --job NAME`: the job's queues, leases, workers
/// and per-host next due time. Reads only (no worker registers).
fn frontier_status(url: &str, job: &str, json: bool) -> anyhow::Result<ExitCode> {
    use crate::crawl::state::redis_store::{FrontierConfig, RedisStore};
    use std::io::Write as _;
    let store = RedisStore::connect(FrontierConfig {
        url: url.to_string(),
        job: job.to_string(),
        worker: "status".into(),
        lease: Duration::from_secs(60),
        shard_dir: None,
        exclusive: false,
        gap: Duration::from_secs(1),
    })
    .map_err(anyhow::Error::msg)?;
    let s = crate::crawl::state::store::StateStore::summary(&store).map_err(anyhow::Error::msg)?;
    let f = s.frontier.clone().unwrap_or_default();
    let now_ms = chrono::Utc::now().timestamp_millis();
    let due = |h: &crate::crawl::state::store::HostSummary| match h.next_due_ms {
        Some(t) if t > now_ms => format!("in {:.1}s", (t - now_ms) as f64 / 1000.0),
        _ => "now".to_string(),
    };
    let mut w = std::io::stdout().lock();
    if json {
        let mut v = serde_json::to_value(&s)?;
        v["keys"] = serde_json::Value::String(format!("{}*", store.prefix()));
        v["round_finished"] = serde_json::Value::Bool(s.queued == 0);
        writeln!(w, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        w,
        "job {} on {url} (keys {}*): round {} {}",
        f.job,
        store.prefix(),
        s.round,
        if s.queued == 0 { "finished" } else { "unfinished" }
    )?;
    writeln!(
        w,
        "  frontier: {} queued or leased ({} fetching, {} waiting for a commit, {} shards being committed) · {} written · {} done · {} failed · {} shards",
        s.queued, f.fetching, f.pending, f.prepared, s.written, s.done, s.failed, s.shards
    )?;
    writeln!(
        w,
        "  hosts: {} with queued URLs, {} due now",
        f.hosts_queued, f.hosts_due_now
    )?;
    writeln!(
        w,
        "  {:<36} {:>10} {:>9} {:>8}  state",
        "worker", "heartbeat", "fetching", "pending"
    )?;
    for k in &f.workers {
        writeln!(
            w,
            "  {:<36} {:>9.1}s {:>9} {:>8}  {}",
            k.id,
            k.heartbeat_age_s,
            k.fetching,
            k.pending,
            if k.draining { "finishing" } else { "working" }
        )?;
    }
    write_hosts(&mut w, &s.hosts, due)?;
    Ok(ExitCode::SUCCESS)
}

/// `newsharvest status --state crawl.db`.
pub fn run_status(a: StatusArgs) -> anyhow::Result<ExitCode> {
    let state = match (&a.state, &a.frontier) {
        (_, Some(url)) => return frontier_status(url, a.job.as_deref().unwrap_or(""), a.json),
        (Some(s), None) => s.clone(),
        (None, None) => bail!("status needs --state FILE or --frontier URL --job NAME"),
    };
    let a = StatusState { state, json: a.json };
    if !a.state.exists() {
        bail!("no state at {} (crawl --state creates it)", a.state.display());
    }
    if crate::crawl::state::sqlite::is_legacy_jsonl(&a.state) {
        bail!(
            "{} is a JSON Lines state of an earlier version: the next crawl --state migrates it to SQLite (status only reads)",
            a.state.display()
        );
    }
    use std::io::Write as _;
    let mut w = std::io::stdout().lock();
    let (store, _) = crate::crawl::state::sqlite::SqliteStore::open(&a.state).map_err(anyhow::Error::msg)?;
    let s = crate::crawl::state::store::StateStore::summary(&store).map_err(anyhow::Error::msg)?;
    let now = chrono::Utc::now().timestamp();
    let next_due = |h: &crate::crawl::state::store::HostSummary| match h.blocked_until {
        Some(t) if t > now => {
            chrono::DateTime::from_timestamp(t, 0).map_or(t.to_string(), |d| d.to_rfc3339())
        }
        _ => "now".to_string(),
    };
    if a.json {
        let hosts: Vec<serde_json::Value> = s
            .hosts
            .iter()
            .map(|h| {
                serde_json::json!({
                    "host": h.host, "queued": h.queued, "written": h.written, "failed": h.failed,
                    "next_due": next_due(h), "blocked_until": h.blocked_until,
                })
            })
            .collect();
        let v = serde_json::json!({
            "state": a.state.display().to_string(),
            "schema_version": s.schema_version,
            "round": s.round,
            "round_finished": s.queued == 0,
            "queued": s.queued, "written": s.written, "done": s.done, "failed": s.failed, "shards": s.shards,
            "size_bytes": store.size_bytes(),
            "hosts": hosts,
        });
        writeln!(w, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        w,
        "state {} (schema {}, {:.1} MiB): round {} {}",
        a.state.display(),
        s.schema_version,
        store.size_bytes() as f64 / (1024.0 * 1024.0),
        s.round,
        if s.queued == 0 {
            "finished"
        } else {
            "unfinished: the next run continues it"
        }
    )?;
    writeln!(
        w,
        "  frontier: {} queued · {} written · {} done (listings, sitemaps, unchanged) · {} failed · {} shards",
        s.queued, s.written, s.done, s.failed, s.shards
    )?;
    write_hosts(&mut w, &s.hosts, next_due)?;
    Ok(ExitCode::SUCCESS)
}

fn spawn_ticker(
    bar: Option<indicatif::ProgressBar>,
    stats: Arc<Mutex<Stats>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let Some(bar) = bar else { return };
        let t0 = std::time::Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let line = stats
                .lock()
                .map(|s| progress_line(&s, t0.elapsed().as_secs_f64()))
                .unwrap_or_default();
            bar.set_message(line);
        }
    })
}

/// `newsharvest demo`.
pub fn run_demo(a: DemoArgs) -> anyhow::Result<ExitCode> {
    let dir = a.sites.clone().unwrap_or_else(demo::sites_dir);
    if !dir.is_dir() {
        bail!(
            "no demo sites at {} (run from the repository root)",
            dir.display()
        );
    }
    let rules = Arc::new(Rules::load(&[]).context("loading rules")?);
    let rt = runtime()?;
    let bar = progress_bar(a.quiet);
    let output = a.output.clone();
    let (st, violations, requests, hosts) = rt.block_on(async move {
        let web = DemoWeb::start(&dir).await.context("starting the demo server")?;
        eprintln!(
            "newsharvest demo: serving {} on http://{} ({}), crawling at {} request(s)/s per host",
            web.hosts.join(", "),
            web.server.addr(),
            dir.display(),
            a.rate
        );
        let ua = default_user_agent();
        let mut cfg = CrawlConfig::new(web.seeds(), ua.clone());
        cfg.rate = a.rate;
        cfg.fetch.resolve = web.resolve();
        let sink = CliSink {
            out: Some(RecordOut::File(
                Output::open(Some(&output)).with_context(|| format!("creating {}", output.display()))?,
            )),
            errors: None,
            quiet: false,
            bar: bar.clone(),
        };
        let (stop_tx, stop_rx) = watch::channel(false);
        spawn_signal_listener(stop_tx);
        let stats = Arc::new(Mutex::new(Stats::default()));
        let ticker = spawn_ticker(bar.clone(), stats.clone());
        let st = crawl::crawl(cfg, rules, Box::new(sink), stats, stop_rx).await?;
        ticker.abort();
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        let violations = web.politeness_violations(a.rate, &ua);
        anyhow::Ok((st, violations, web.server.log().len(), web.hosts.len()))
    })?;
    eprintln!("newsharvest: {}", st.summary());
    eprintln!(
        "newsharvest demo: the server saw {requests} requests on {hosts} hosts; politeness violations: {}",
        violations.len()
    );
    for v in &violations {
        eprintln!("  violation: {v}");
    }
    let records = read_records(&a.output)?;
    let expected = a
        .sites
        .clone()
        .unwrap_or_else(demo::sites_dir)
        .join("expected.jsonl");
    let mut problems = Vec::new();
    if expected.exists() {
        problems = demo::compare_expected(&records, &expected).map_err(anyhow::Error::msg)?;
        eprintln!(
            "newsharvest demo: {} article records written to {}; compared with {}: {}",
            records.len(),
            a.output.display(),
            expected.display(),
            if problems.is_empty() {
                "all match".to_string()
            } else {
                format!("{} differences", problems.len())
            }
        );
        for p in &problems {
            eprintln!("  difference: {p}");
        }
    }
    // A stopped demo reports the signal; a finished one fails on any violation or difference.
    let clean = violations.is_empty() && problems.is_empty();
    Ok(if clean || SIGNAL.load(Ordering::SeqCst) != 0 {
        exit_code(&st)
    } else {
        ExitCode::from(1)
    })
}

fn read_records(path: &Path) -> anyhow::Result<Vec<Record>> {
    let t = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    t.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).with_context(|| format!("a record in {}", path.display())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5x").is_err());
    }

    #[test]
    fn since_dates() {
        assert_eq!(
            parse_since("2026-11-01").unwrap().to_rfc3339(),
            "2026-11-01T00:00:00+00:00"
        );
        assert!(parse_since("yesterday").is_err());
    }
}
