//! The crawl's settings: one serde struct, [`CrawlConfig`], that *is* the `crawl --config`
//! TOML file (every field a key, `deny_unknown_fields`), that the `crawl` flags overlay
//! (`crate::app`), that `crawl --dry-run` prints back, and that the engine runs with.
//! `docs/configuration.md` lists every key; a test keeps it in step with this file.
//!
//! In: TOML text, or a value built in code ([`CrawlConfig::new`]). Out: [`CrawlConfig`]
//! checked by [`CrawlConfig::resolve`], and [`CrawlConfig::build`]'s [`Built`]: the checked
//! settings, the state backend chosen once (memory, SQLite or Redis; for the crawl, for
//! `status` and for the locks) and the run locks, taken once, before anything is opened.
//! Fetches nothing and opens no state: that is the engine's (`super::engine`).

pub mod units;

pub use crate::crawl::error::ConfigError;
use crate::crawl::error::CrawlError;
use crate::crawl::fetch::{FetchConfig, ResolveRule};
use crate::crawl::state::backend::StateBackend;
use crate::crawl::state::redis_store::{self, FrontierConfig};
use crate::crawl::traps::{self, TrapConfig};
use crate::limits::{self, Limits};
use crate::output::lock::{self, LockGuard};
use crate::output::names::SHARD_PREFIX;
use crate::output::{is_dir_output, Compression, Format, FormatName};
use crate::Options;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use units::{ByteSize, Pattern};
use url::Url;

/// One request a second per host: the pace most sites' robots.txt `Crawl-delay` asks for,
/// and gentle enough for a small site.
pub const DEFAULT_RATE: f64 = 1.0;
/// One request in flight per host: requests to a host never overlap.
pub const DEFAULT_PER_HOST_CONCURRENCY: usize = 1;
/// Requests in flight overall: enough to keep many hosts busy at 1/s each while waiting
/// for slow servers, few enough for a laptop's connection.
pub const DEFAULT_CONCURRENCY: usize = 16;
/// Link hops from a seed: home → section → article, plus one for pagination.
pub const DEFAULT_MAX_DEPTH: u32 = 3;
/// Total time of one request, body included: a slow but working news site answers well
/// within this.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Time to connect: a reachable server accepts within a few seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest body, after decompression: 10 MiB is 50 times a large news page.
pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;
/// Retries after timeouts, 429 and 5xx: a blip passes, a failing host is not hammered.
pub const DEFAULT_RETRIES: u32 = 2;
/// Redirect hops for one URL (browsers allow about 20; real sites use 1–3).
pub const DEFAULT_MAX_REDIRECTS: usize = 10;
/// A worker of a shared frontier silent this long is dead: four missed heartbeats.
pub const DEFAULT_LEASE_TIMEOUT: Duration = Duration::from_secs(60);
/// The shortest lease timeout: the heartbeat runs every quarter of it, and Redis round
/// trips take milliseconds.
pub const MIN_LEASE_TIMEOUT: Duration = Duration::from_millis(400);
/// Records per shard of `-o DIR/`: files of a few tens of MB that a reader can stream.
pub const DEFAULT_SHARD_RECORDS: u64 = 10_000;
/// Uncompressed bytes per shard of `-o DIR/`, whichever limit comes first.
pub const DEFAULT_SHARD_BYTES: u64 = 256 << 20;
/// Compression of shards: zstd reads and writes fastest for its size.
pub const DEFAULT_COMPRESS: &str = "zst";
/// robots.txt must answer within this (it is small).
pub const ROBOTS_TIMEOUT: Duration = Duration::from_secs(10);
/// robots.txt attempts (5xx, 429, no answer) before its host is given up.
pub const ROBOTS_ATTEMPTS: u32 = 3;
/// The first retry backoff; it doubles per attempt, with jitter.
pub const BACKOFF: Duration = Duration::from_secs(1);
/// A `Retry-After` longer than this gives the URL up rather than holding the host.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// The default User-Agent: who we are and where to complain. Replace the contact.
pub fn default_user_agent() -> String {
    format!(
        "newsharvest/{} (+https://github.com/newsharvest/newsharvest; contact: set --user-agent with your email)",
        env!("CARGO_PKG_VERSION")
    )
}

/// Extraction threads by default: every core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// The crawl settings: every field is a key of the `--config` file (same name) and most
/// are flags too (`-` for `_`); fields marked "not in the file" are hooks for tests and
/// benchmarks. `docs/configuration.md` lists them with their defaults and flags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrawlConfig {
    /// Seed URLs: home pages, section pages or sitemaps; sitemaps and feeds are found from there.
    #[serde(with = "units::seeds")]
    pub seeds: Vec<Url>,
    /// Write records here (`.gz`/`.zst` compress, `.parquet` is Parquet) instead of stdout; a directory (`DIR/`) gets rotated shards that appear only when complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<PathBuf>,
    /// Records per shard of `-o DIR/`.
    pub shard_records: u64,
    /// Uncompressed bytes per shard of `-o DIR/` (`256MiB`).
    pub shard_bytes: ByteSize,
    /// Compression of JSON Lines shards: `zst`, `gz` or `none` (Parquet is always zstd inside: `zst` only).
    pub compress: String,
    /// Format of the records, `jsonl` or `parquet`; with `-o DIR/`, of the shards (`part-00012.parquet`) (default: the `-o` file's name, else `jsonl`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<FormatName>,
    /// Write one JSON line per failed URL (url, stage, kind, reason) to this file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<PathBuf>,
    /// Write one JSON line per fetched page (url, final_url, status, page_type, written, reason, evidence) to this file: no page is dropped silently.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_log: Option<PathBuf>,
    /// Write the final counters as JSON to this file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<PathBuf>,
    /// Keep the counters in this file in Prometheus text format (node_exporter's textfile collector), rewritten every 15 s and at the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<PathBuf>,
    /// Archive every request and response in this WARC file (`.warc.gz`: one gzip member per record).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warc: Option<PathBuf>,
    /// The state database (SQLite, created on first use): frontier, history, written articles; the next run continues or recrawls from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<PathBuf>,
    /// A Redis frontier shared by every worker of a job (`redis://HOST:PORT/DB`, with `job`), instead of `state`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frontier: Option<String>,
    /// The job's name on the frontier: letters, digits, `.`, `_`, `-` (its keys are `nh:{JOB}:…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    /// With `frontier`: a worker silent this long is dead and its leased URLs are queued again.
    #[serde(with = "units::duration")]
    pub lease_timeout: Duration,
    /// With `frontier`: this worker's id, unique among the job's live workers and part of its shard names (default: HOSTNAME-PID-RANDOM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_id: Option<String>,
    /// With `state`: fetch written articles again (conditionally) once this old (`7d`, `12h`); a record is written again only when its text changed.
    #[serde(with = "units::duration::option", skip_serializing_if = "Option::is_none")]
    pub recrawl_after: Option<Duration>,
    /// Leave out records whose text duplicates an earlier one (otherwise they are written with `duplicate_of`).
    pub drop_duplicates: bool,
    /// Requests per second per host; a slower robots.txt `Crawl-delay` wins.
    pub rate: f64,
    /// Requests in flight per host.
    pub per_host_concurrency: usize,
    /// Requests in flight overall.
    pub concurrency: usize,
    /// Link hops followed from a seed.
    pub max_depth: u32,
    /// Only URLs matching one of these regexes (when any).
    pub include: Vec<Pattern>,
    /// Never URLs matching any of these regexes.
    pub exclude: Vec<Pattern>,
    /// Stop after this many HTML pages fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pages: Option<u64>,
    /// Stop after this long (`90s`, `15m`, `2h`, `1h30m`).
    #[serde(with = "units::duration::option", skip_serializing_if = "Option::is_none")]
    pub max_time: Option<Duration>,
    /// The User-Agent header; put your contact in it (default: `newsharvest/VERSION (+URL; contact: …)`).
    pub user_agent: String,
    /// Seconds for one request, body included.
    #[serde(with = "units::seconds")]
    pub timeout: Duration,
    /// Seconds to connect.
    #[serde(with = "units::seconds")]
    pub connect_timeout: Duration,
    /// Largest body in bytes, after decompression.
    pub max_body: usize,
    /// Retries after timeouts, 429 and 5xx.
    pub retries: u32,
    /// Redirect hops followed for one URL.
    pub max_redirects: usize,
    /// Linked pages of one URL pattern (numbers generalised: `/cal/N/N/`) on one host that may lead to no article before links like them are no longer followed.
    pub max_barren_per_pattern: u32,
    /// Linked pages in a row on one host that may lead to no article before the host's links are no longer followed (sitemaps and feeds still are).
    pub max_barren_per_host: u32,
    /// Pages under one path prefix (the path up to its first number: `/cal/` of `/cal/2026/11/05/` and `/cal?month=11`) on one host, linked from pages under the same prefix, that may lead to no article, whatever their URL patterns, before links found under it are no longer followed.
    pub max_barren_per_prefix: u32,
    /// Skip sitemap and feed entries dated before this (`2026-11-01` or RFC 3339).
    #[serde(with = "units::since", skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<FixedOffset>>,
    /// Also write records for every page with text that is no article (listings, service pages, forums, products, docs), each with its `page_type`.
    pub emit_all: bool,
    /// Read sitemaps (robots.txt `Sitemap:` lines and the conventional locations).
    pub sitemaps: bool,
    /// Read feeds (declared by pages, and the conventional locations).
    pub feeds: bool,
    /// Send requests for `HOST:PORT` to `ADDR` (an IP, or `IP:PORT`), like curl's `--resolve`.
    pub resolve: Vec<ResolveRule>,
    /// Allow hosts that are or resolve to loopback, private, link-local or multicast addresses (refused unless named as a seed or in `resolve`).
    pub allow_private: bool,
    /// Extra rule directories (site files and `themes/`), consulted before the bundled rules.
    pub selectors: Vec<PathBuf>,
    /// Add the removed texts to `extraction.explain`.
    pub explain: bool,
    /// Also write the body as GitHub-flavoured Markdown (`markdown`).
    pub markdown: bool,
    /// Write links in the Markdown as `[text](url)`, absolute (else as their text).
    pub links: bool,
    /// Also write the body as minimal, safe HTML (`article_html`).
    pub article_html: bool,
    /// Extraction threads (default: one per core).
    pub threads: usize,
    /// Largest page (`32MiB`, `500KB`, bytes); bigger pages are skipped as too large.
    pub max_page_size: ByteSize,
    /// Most DOM nodes of one page (attributes count); pages with more are skipped as too large.
    pub max_nodes: usize,
    /// Element nesting depth; deeper elements are folded into their ancestor.
    pub max_nesting: usize,
    /// Time budget of one page's extraction (`10s`, `500ms`; `0` for none); a page over it is skipped with `timeout`.
    #[serde(with = "units::duration")]
    pub page_timeout: Duration,
    /// Not in the file: the timeout of a robots.txt request.
    #[serde(skip)]
    pub robots_timeout: Duration,
    /// Not in the file: robots.txt attempts (5xx, 429 or no answer, with the retry backoff between them) before its host is given up.
    #[serde(skip)]
    pub robots_attempts: u32,
    /// Not in the file: the first retry backoff; it doubles per attempt, with jitter.
    #[serde(skip)]
    pub backoff: Duration,
    /// Not in the file: a `Retry-After` longer than this gives the URL up instead of waiting.
    #[serde(skip)]
    pub max_retry_after: Duration,
    /// Not in the file (a test hook): answers of a pretend DNS (host → addresses), consulted before the real one and, unlike `resolve`, not counted as named by the user.
    #[doc(hidden)]
    #[serde(skip)]
    pub fake_dns: Vec<(String, Vec<SocketAddr>)>,
}

impl Default for CrawlConfig {
    fn default() -> CrawlConfig {
        CrawlConfig {
            seeds: Vec::new(),
            output: None,
            shard_records: DEFAULT_SHARD_RECORDS,
            shard_bytes: ByteSize(DEFAULT_SHARD_BYTES),
            compress: DEFAULT_COMPRESS.into(),
            format: None,
            errors: None,
            page_log: None,
            stats: None,
            metrics: None,
            warc: None,
            state: None,
            frontier: None,
            job: None,
            lease_timeout: DEFAULT_LEASE_TIMEOUT,
            worker_id: None,
            recrawl_after: None,
            drop_duplicates: false,
            rate: DEFAULT_RATE,
            per_host_concurrency: DEFAULT_PER_HOST_CONCURRENCY,
            concurrency: DEFAULT_CONCURRENCY,
            max_depth: DEFAULT_MAX_DEPTH,
            include: Vec::new(),
            exclude: Vec::new(),
            max_pages: None,
            max_time: None,
            user_agent: default_user_agent(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_body: DEFAULT_MAX_BODY,
            retries: DEFAULT_RETRIES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            max_barren_per_pattern: traps::DEFAULT_PER_PATTERN,
            max_barren_per_host: traps::DEFAULT_PER_HOST,
            max_barren_per_prefix: traps::DEFAULT_PER_PREFIX,
            since: None,
            emit_all: false,
            sitemaps: true,
            feeds: true,
            resolve: Vec::new(),
            allow_private: false,
            selectors: Vec::new(),
            explain: false,
            markdown: false,
            links: false,
            article_html: false,
            threads: default_threads(),
            max_page_size: ByteSize(limits::DEFAULT_MAX_PAGE_BYTES as u64),
            max_nodes: limits::DEFAULT_MAX_NODES,
            max_nesting: limits::DEFAULT_MAX_DEPTH,
            page_timeout: limits::DEFAULT_PAGE_TIMEOUT,
            robots_timeout: ROBOTS_TIMEOUT,
            robots_attempts: ROBOTS_ATTEMPTS,
            backoff: BACKOFF,
            max_retry_after: MAX_RETRY_AFTER,
            fake_dns: Vec::new(),
        }
    }
}

impl CrawlConfig {
    /// The defaults, crawling `seeds` as `user_agent`.
    pub fn new(seeds: Vec<Url>, user_agent: String) -> CrawlConfig {
        CrawlConfig {
            seeds,
            user_agent,
            ..CrawlConfig::default()
        }
    }

    /// The keys of the `--config` file: the fields serde reads.
    pub fn keys() -> &'static [&'static str] {
        units::struct_fields::<CrawlConfig>()
    }

    /// Read a `--config` file (unchecked: see [`CrawlConfig::resolve`]).
    pub fn from_file(path: &Path) -> Result<CrawlConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            source: Box::new(e),
        })
    }

    /// The settings as a `--config` file.
    pub fn to_toml(&self) -> Result<String, ConfigError> {
        toml::to_string(self).map_err(ConfigError::Print)
    }

    /// The settings checked, with counts that must be positive raised to 1 and the worker
    /// id made safe for file names. Idempotent: a resolved config resolves to itself.
    pub fn resolve(mut self) -> Result<CrawlConfig, ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if self.seeds.is_empty() {
            return invalid("no seeds: give seed URLs, --seeds FILE or `seeds` in --config".into());
        }
        for s in &self.seeds {
            units::parse_seed(s.as_str()).map_err(|source| ConfigError::Value {
                key: "seeds".into(),
                source,
            })?;
        }
        if !(self.rate.is_finite() && self.rate > 0.0) {
            return invalid("--rate must be a positive number of requests per second".into());
        }
        if self.max_nesting == 0 {
            return invalid("--max-nesting must be at least 1".into());
        }
        for n in [
            &mut self.per_host_concurrency,
            &mut self.concurrency,
            &mut self.threads,
        ] {
            *n = (*n).max(1);
        }
        self.max_barren_per_pattern = self.max_barren_per_pattern.max(1);
        self.max_barren_per_host = self.max_barren_per_host.max(1);
        self.max_barren_per_prefix = self.max_barren_per_prefix.max(1);
        self.shard_records = self.shard_records.max(1);
        self.shard_bytes = self.shard_bytes.max(ByteSize(1));
        if self.frontier.is_some() {
            if self.state.is_some() {
                return invalid("--frontier and --state are two kinds of state: give one".into());
            }
            let Some(job) = &self.job else {
                return invalid("--frontier needs --job NAME (the job's key namespace)".into());
            };
            if job.is_empty()
                || !job
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            {
                return invalid(format!("--job {job:?}: use letters, digits, '.', '_' and '-'"));
            }
            if self.lease_timeout < MIN_LEASE_TIMEOUT {
                return invalid(format!(
                    "--lease-timeout must be at least {}",
                    units::format_duration(MIN_LEASE_TIMEOUT)
                ));
            }
        }
        if let Some(w) = &self.worker_id {
            self.worker_id = Some(redis_store::sanitize_worker(w));
        }
        self.output_format()?;
        Ok(self)
    }

    /// The format of the records: for `-o DIR/` shards, `format` (JSONL compressed with
    /// `compress`); for `-o FILE`, its name, which `format` must agree with; for stdout,
    /// `format`. Parquet compresses its pages with zstd: `compress` other than `zst` with it
    /// is refused rather than ignored. One Parquet file (not shards) is refused with a
    /// persistent state: a killed run leaves it unreadable (its footer comes last) while the
    /// state keeps its records as written, so they would be lost rather than repeated.
    pub fn output_format(&self) -> Result<Format, ConfigError> {
        let compression = Compression::parse(&self.compress).ok_or_else(|| {
            ConfigError::Invalid(format!("--compress {:?}: use zst, gz or none", self.compress))
        })?;
        let format = match self.shard_dir() {
            Some(_) => Format::for_dir(self.format.unwrap_or_default(), compression),
            None => Format::for_file(self.output.as_deref(), self.format)
                .map_err(|e| ConfigError::Invalid(e.to_string()))?,
        };
        if format == Format::Parquet && compression != Compression::Zstd {
            return Err(ConfigError::Invalid(format!(
                "--compress {}: Parquet output is always zstd-compressed inside; leave --compress out (or give zst) with Parquet",
                self.compress
            )));
        }
        let persistent = self.state.is_some() || self.frontier.is_some();
        if format == Format::Parquet && self.shard_dir().is_none() && persistent {
            return Err(ConfigError::Invalid(
                "one Parquet file (-o FILE.parquet, or stdout) with --state or --frontier: a killed run leaves \
                 it unreadable while the state keeps its records as written, so they would be lost; write \
                 Parquet shards with -o DIR/ --format parquet (published with the state's commits)"
                    .into(),
            ));
        }
        Ok(format)
    }

    /// What the HTTP client needs; the seeds' hosts are named by the user, so they may be
    /// private addresses.
    pub fn fetch_config(&self) -> FetchConfig {
        FetchConfig {
            user_agent: self.user_agent.clone(),
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            max_body: self.max_body,
            resolve: self.resolve.clone(),
            named_hosts: self
                .seeds
                .iter()
                .filter_map(|s| s.host_str().map(str::to_string))
                .collect(),
            allow_private: self.allow_private,
            fake_dns: self.fake_dns.clone(),
        }
    }

    /// The crawler-trap budgets.
    pub fn trap_config(&self) -> TrapConfig {
        TrapConfig {
            per_pattern: self.max_barren_per_pattern,
            per_host: self.max_barren_per_host,
            per_prefix: self.max_barren_per_prefix,
        }
    }

    /// The extraction options of every page.
    pub fn extract_options(&self) -> Options {
        Options {
            explain: self.explain,
            markdown: self.markdown,
            links: self.links,
            article_html: self.article_html,
            limits: Limits {
                max_bytes: self.max_page_size.as_usize(),
                max_nodes: self.max_nodes,
                max_depth: self.max_nesting,
                timeout: (!self.page_timeout.is_zero()).then_some(self.page_timeout),
            },
        }
    }

    /// The output directory of `-o DIR/`, if the output is one.
    pub fn shard_dir(&self) -> Option<&Path> {
        self.output.as_deref().filter(|d| is_dir_output(d))
    }

    /// The shard names of this run: `part-…`, or `part-<worker>-…` on a shared frontier (the
    /// job's workers write into one directory). Call on a built config, whose worker id is
    /// set.
    pub fn shard_prefix(&self) -> String {
        match (&self.frontier, &self.worker_id) {
            (Some(_), Some(w)) => FrontierConfig::shard_prefix(w),
            _ => SHARD_PREFIX.to_string(),
        }
    }

    /// The state backend these settings choose: Redis with `frontier`, SQLite with `state`,
    /// else memory. The one place the choice is made (crawl, `status`, locks).
    pub fn state_backend(&self) -> StateBackend {
        match (&self.frontier, &self.state) {
            (Some(url), _) => StateBackend::Redis(FrontierConfig {
                url: url.clone(),
                job: self.job.clone().unwrap_or_default(),
                worker: self
                    .worker_id
                    .clone()
                    .unwrap_or_else(redis_store::default_worker_id),
                lease: self.lease_timeout,
                shard_dir: self.shard_dir().map(Path::to_path_buf),
                // `-o DIR/`: the run holds the worker's shard lock (see `build`).
                exclusive: self.shard_dir().is_some(),
                // Hosts a dead worker held are due again one interval after it is settled.
                gap: Duration::from_secs_f64(1.0 / self.rate.max(1e-6)),
            }),
            (None, Some(p)) => StateBackend::Sqlite(p.clone()),
            (None, None) => StateBackend::Memory,
        }
    }

    /// Check the settings, choose the state backend and take the run locks (the state's, and
    /// the shard directory's for `-o DIR/`), before anything is opened or written: a run
    /// refused because another holds them (exit 5) changes nothing.
    pub fn build(self) -> Result<Built, CrawlError> {
        let mut config = self.resolve()?;
        if config.frontier.is_some() && config.worker_id.is_none() {
            config.worker_id = Some(redis_store::default_worker_id());
        }
        let backend = config.state_backend();
        let state_lock = backend
            .lock()
            .map_err(|e| CrawlError::from_lock(e, format!("locking {}", backend.location())))?;
        let shard_lock = match config.shard_dir() {
            Some(dir) => {
                let busy = |e: std::io::Error| CrawlError::from_lock(e, format!("locking {}", dir.display()));
                std::fs::create_dir_all(dir).map_err(busy)?;
                Some(lock::shard_dir(dir, &config.shard_prefix()).map_err(busy)?)
            }
            None => None,
        };
        Ok(Built {
            config,
            backend,
            state_lock,
            shard_lock,
        })
    }
}

/// A crawl ready to run ([`CrawlConfig::build`]): its checked settings, its state backend
/// and the run locks, held until the crawl ends (each lock is taken once: the shard
/// directory's goes to the shards that write it, [`Built::take_shard_lock`]).
pub struct Built {
    /// The checked settings (with the worker id of a shared frontier set).
    pub config: CrawlConfig,
    /// Where the state lives.
    pub backend: StateBackend,
    /// The state's lock (a SQLite state), held for the whole run.
    pub(crate) state_lock: Option<LockGuard>,
    /// The lock of the shard directory of `-o DIR/` (for this run's shard prefix), until
    /// the sink that opens the shards takes it.
    pub(crate) shard_lock: Option<LockGuard>,
}

impl Built {
    /// The lock of the `-o DIR/` shard directory this run holds, for the sink that opens
    /// the shards (`crate::output::shards::Shards::open`), which then holds it until it is
    /// dropped — after the crawl's last commit, since the engine drops the sink only then.
    /// Left here, the crawl holds it until it ends. `None` without `-o DIR/` (or once taken).
    pub fn take_shard_lock(&mut self) -> Option<LockGuard> {
        self.shard_lock.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded() -> CrawlConfig {
        CrawlConfig::new(vec![Url::parse("http://a.test/").unwrap()], "t/1".into())
    }

    #[test]
    fn a_config_prints_as_toml_that_reads_back_the_same() {
        let mut c = seeded();
        c.max_time = Some(Duration::from_secs(5400));
        c.since = Some(units::parse_since("2026-11-01").unwrap());
        c.include = vec![Pattern::parse("/news/").unwrap()];
        c.resolve = vec![units::parse_resolve("a.test:80:127.0.0.1:8080").unwrap()];
        c.page_timeout = Duration::ZERO;
        c.output = Some("out/".into());
        let c = c.resolve().unwrap();
        let text = c.to_toml().unwrap();
        let back: CrawlConfig = toml::from_str(&text).unwrap();
        assert_eq!(back.resolve().unwrap(), c, "{text}");
    }

    #[test]
    fn unknown_keys_are_refused_and_old_files_still_load() {
        assert!(toml::from_str::<CrawlConfig>("rate = 1.0\nspeed = 2\n").is_err());
        let c: CrawlConfig = toml::from_str(
            "seeds = [\"http://a.test/\"]\nrate = 20.0\nretries = 1\ntimeout = 1.0\nmax_body = 1048576\n\
             resolve = [\"a.test:80:127.0.0.1\"]\nsitemaps = false\nmax_time = \"90s\"\n\
             shard_bytes = \"1MiB\"\nmax_page_size = \"500KB\"\npage_timeout = \"0\"\nlease_timeout = \"2s\"\n",
        )
        .unwrap();
        assert_eq!(c.timeout, Duration::from_secs(1));
        assert_eq!(c.max_time, Some(Duration::from_secs(90)));
        assert!(!c.sitemaps && c.feeds);
        assert_eq!(c.extract_options().limits.timeout, None);
        assert_eq!(c.extract_options().limits.max_bytes, 500 * 1024);
        assert_eq!(c.resolve[0].addr.port(), 80);
    }

    #[test]
    fn resolve_checks_and_clamps() {
        let mut c = seeded();
        c.concurrency = 0;
        c.shard_records = 0;
        let c = c.resolve().unwrap();
        assert_eq!((c.concurrency, c.shard_records), (1, 1));
        let mut bad = seeded();
        bad.rate = 0.0;
        assert!(bad.resolve().is_err());
        let mut both = seeded();
        both.state = Some("s.db".into());
        both.frontier = Some("redis://127.0.0.1/0".into());
        both.job = Some("j".into());
        assert!(both.resolve().is_err());
        let mut no_job = seeded();
        no_job.frontier = Some("redis://127.0.0.1/0".into());
        assert!(no_job.resolve().is_err());
        assert!(matches!(
            CrawlConfig::default().resolve(),
            Err(ConfigError::Invalid(m)) if m.starts_with("no seeds")
        ));
    }

    #[test]
    fn one_choice_of_state_backend() {
        let mut c = seeded();
        assert!(matches!(c.state_backend(), StateBackend::Memory));
        c.state = Some("s.db".into());
        assert!(matches!(c.state_backend(), StateBackend::Sqlite(_)));
        c.state = None;
        c.frontier = Some("redis://127.0.0.1/0".into());
        c.job = Some("j".into());
        c.worker_id = Some("w1".into());
        c.rate = 4.0;
        match c.state_backend() {
            StateBackend::Redis(f) => {
                assert_eq!((f.job.as_str(), f.worker.as_str()), ("j", "w1"));
                assert_eq!(f.gap, Duration::from_millis(250));
                assert!(!f.exclusive);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(c.shard_prefix(), "part-w1");
    }

    #[test]
    fn the_output_format_comes_from_format_the_file_name_and_compress() {
        use FormatName::{Jsonl, Parquet};
        let with = |output: Option<&str>, format: Option<FormatName>, compress: &str| {
            let mut c = seeded();
            c.output = output.map(PathBuf::from);
            c.format = format;
            c.compress = compress.into();
            c
        };
        for (output, format, compress, want) in [
            (Some("out/"), None, "zst", Format::Jsonl(Compression::Zstd)),
            (Some("out/"), Some(Jsonl), "gz", Format::Jsonl(Compression::Gzip)),
            (Some("out/"), Some(Parquet), "zst", Format::Parquet),
            (Some("a.parquet"), None, "zst", Format::Parquet),
            (Some("a.parquet"), Some(Parquet), "zst", Format::Parquet),
            // A file's name decides its compression, `compress` is for shards (as before).
            (Some("a.jsonl.gz"), None, "none", Format::Jsonl(Compression::Gzip)),
            (None, None, "zst", Format::Jsonl(Compression::None)),
            (None, Some(Parquet), "zst", Format::Parquet),
        ] {
            let c = with(output, format, compress);
            assert_eq!(
                c.output_format().unwrap(),
                want,
                "{output:?} {format:?} {compress}"
            );
            assert!(c.resolve().is_ok());
        }
        // Contradictions are refused, naming the flag.
        for (output, format, compress, flag) in [
            (Some("out/"), Some(Parquet), "gz", "--compress gz"),
            (Some("out/"), Some(Parquet), "none", "--compress none"),
            (Some("a.parquet"), None, "gz", "--compress gz"),
            (Some("a.jsonl"), Some(Parquet), "zst", "--format parquet"),
            (Some("a.parquet"), Some(Jsonl), "zst", "--format jsonl"),
            (Some("out/"), None, "lzma", "--compress"),
        ] {
            match with(output, format, compress).resolve() {
                Err(ConfigError::Invalid(m)) => assert!(m.starts_with(flag), "{m}"),
                other => panic!("{output:?} {format:?} {compress}: {other:?}"),
            }
        }
        // One Parquet file is not crash-safe: not with a state that would count its records.
        for (state, frontier) in [(Some("s.db"), None), (None, Some("redis://127.0.0.1/0"))] {
            for output in [Some("a.parquet"), None] {
                let mut c = with(output, Some(Parquet), "zst");
                c.state = state.map(PathBuf::from);
                c.frontier = frontier.map(String::from);
                c.job = Some("j".into());
                assert!(
                    matches!(c.output_format(), Err(ConfigError::Invalid(m)) if m.starts_with("one Parquet file")),
                    "{output:?} {state:?}"
                );
                c.output = Some("out/".into());
                assert_eq!(
                    c.output_format().unwrap(),
                    Format::Parquet,
                    "shards go with a state"
                );
            }
        }
        // The key of the file.
        let c: CrawlConfig = toml::from_str("format = \"parquet\"\n").unwrap();
        assert_eq!(c.format, Some(Parquet));
        assert!(toml::from_str::<CrawlConfig>("format = \"csv\"\n").is_err());
    }

    #[test]
    fn the_keys_are_the_file_fields() {
        let keys = CrawlConfig::keys();
        assert!(keys.contains(&"seeds") && keys.contains(&"page_timeout"));
        assert!(!keys.contains(&"backoff"), "hooks are not keys");
    }
}
