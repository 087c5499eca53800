//! Command-line flags (clap derive). Raw flags only: each verb's file (`super::crawl`,
//! `super::status`, …) checks and runs them. The `crawl` flags overlay the settings of
//! `crate::crawl::CrawlConfig` (the `--config` file), whose defaults their help shows
//! ([`parse`] adds them): a default is written once, in `crate::crawl::config`.

use crate::crawl::config::units::parse_duration;
use crate::crawl::CrawlConfig;
use crate::limits::{self, Limits};
use anyhow::Context;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use serde::Deserialize;
use std::path::PathBuf;

/// Parse a command line (the program name first), with the `crawl` flags' help showing the
/// defaults of the settings they overlay.
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cmd = Cli::command().mut_subcommand("crawl", with_defaults);
    let matches = cmd.try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

/// The `crawl` flags' help with `[default: …]` from [`CrawlConfig::default`], for each flag
/// that sets a key of the same name to a single value whose help does not already say its
/// default.
fn with_defaults(mut cmd: clap::Command) -> clap::Command {
    let Ok(toml::Value::Table(defaults)) = toml::Value::try_from(CrawlConfig::default()) else {
        return cmd;
    };
    let ids: Vec<String> = cmd.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        let value = match defaults.get(&id) {
            Some(toml::Value::String(s)) => s.clone(),
            Some(v @ (toml::Value::Integer(_) | toml::Value::Float(_))) => v.to_string(),
            _ => continue,
        };
        cmd = cmd.mut_arg(id.as_str(), |arg| {
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            if help.contains("default") {
                arg
            } else {
                arg.help(format!("{help} [default: {value}]"))
            }
        });
    }
    cmd
}

/// The command line: one subcommand per verb.
#[derive(Debug, Parser)]
#[command(name = "newsharvest", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract articles from saved pages, directories, stdin, manifests and WARC archives.
    Extract(ExtractArgs),
    /// Score extraction against gold datasets (`pages/<id>.html[.gz]` + `gold.jsonl`).
    Eval(EvalArgs),
    /// Crawl news sites politely and write article records.
    Crawl(Box<CrawlArgs>),
    /// Crawl the repository's fixture sites (fixtures/sites) on 127.0.0.1, offline, and check
    /// the records and the politeness of every request.
    Demo(DemoArgs),
    /// What a crawl state holds: frontier, written, failed, per host (for schedulers).
    Status(StatusArgs),
}

/// `newsharvest status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The state database of `crawl --state`.
    #[arg(long, required_unless_present = "frontier", conflicts_with = "frontier")]
    pub state: Option<PathBuf>,
    /// The Redis frontier of `crawl --frontier` (with --job).
    #[arg(long, requires = "job")]
    pub frontier: Option<String>,
    /// The job on the frontier.
    #[arg(long)]
    pub job: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `newsharvest crawl`: raw flags. Every setting can also come from `--config FILE.toml`
/// (same names, `_` for `-`; see `crate::crawl::CrawlConfig`); flags win over the file, and
/// list flags add to the file's lists.
#[derive(Debug, Default, clap::Args)]
pub struct CrawlArgs {
    /// Seed URLs (home pages, section pages, sitemaps are found from there).
    pub seeds: Vec<String>,
    /// File with one seed URL per line (`#` comments).
    #[arg(long = "seeds")]
    pub seeds_file: Option<PathBuf>,
    /// TOML file with crawl settings: the keys of docs/configuration.md (flags win).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Write records here (`.gz`/`.zst` compress, `.parquet` is Parquet) instead of stdout;
    /// a directory (`DIR/`) gets rotated shards that appear only when complete.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Output format: jsonl or parquet [default: from the -o file's name, else jsonl]; with
    /// -o DIR/, the format of the shards (part-00012.parquet).
    #[arg(long, value_enum)]
    pub format: Option<crate::output::FormatName>,
    /// Records per shard of `-o DIR/`.
    #[arg(long = "shard-records")]
    pub shard_records: Option<u64>,
    /// Uncompressed bytes per shard of `-o DIR/` (`256MiB`).
    #[arg(long = "shard-bytes")]
    pub shard_bytes: Option<String>,
    /// Compression of JSON Lines shards: zst, gz or none (Parquet shards are always zstd
    /// inside: zst only).
    #[arg(long)]
    pub compress: Option<String>,
    /// Write one JSON line per failed URL (url, stage, kind, reason).
    #[arg(long)]
    pub errors: Option<PathBuf>,
    /// Write one JSON line per fetched page (url, final_url, status, page_type, written,
    /// reason, evidence): what each page was and why it has no record, if it has none.
    #[arg(long = "page-log")]
    pub page_log: Option<PathBuf>,
    /// Write the final counters as JSON.
    #[arg(long)]
    pub stats: Option<PathBuf>,
    /// Keep the counters in this file in Prometheus text format (node_exporter's textfile
    /// collector), rewritten atomically every 15 s and at the end.
    #[arg(long)]
    pub metrics: Option<PathBuf>,
    /// Print the resolved settings as a --config file, then (as comments) the state and the
    /// discovery plan (robots.txt and its sitemaps are read; no page is fetched), and exit.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Archive every request and response in this WARC file (`.warc.gz`: one gzip member
    /// per record).
    #[arg(long)]
    pub warc: Option<PathBuf>,
    /// State database (SQLite, created on first use): the frontier, what was fetched and
    /// written, robots.txt and Retry-After; the next run continues or recrawls from it.
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// A Redis frontier shared by every worker of a job, instead of --state
    /// (`redis://HOST:PORT/DB`; with --job): politeness holds across all workers together.
    #[arg(long, conflicts_with = "state")]
    pub frontier: Option<String>,
    /// The job's name on the frontier (its keys are `nh:{JOB}:…`).
    #[arg(long)]
    pub job: Option<String>,
    /// With --frontier: a worker silent this long is dead and its leased URLs are queued
    /// again.
    #[arg(long = "lease-timeout")]
    pub lease_timeout: Option<String>,
    /// With --frontier: this worker's id, unique among the job's live workers and part of
    /// its shard names (default: HOSTNAME-PID-RANDOM).
    #[arg(long = "worker-id")]
    pub worker_id: Option<String>,
    /// With --state or --frontier: fetch written articles again (conditionally) once this old (`7d`,
    /// `12h`, `0s`); a record is written again only when the text changed.
    #[arg(long = "recrawl-after")]
    pub recrawl_after: Option<String>,
    /// Leave out records whose text duplicates an earlier one (default: write them with
    /// `duplicate_of`).
    #[arg(long = "drop-duplicates")]
    pub drop_duplicates: bool,
    /// Requests per second per host; robots.txt Crawl-delay wins when slower.
    #[arg(long)]
    pub rate: Option<f64>,
    /// Requests in flight per host (not with --frontier: one request per host across the job).
    #[arg(long = "per-host-concurrency")]
    pub per_host_concurrency: Option<usize>,
    /// Requests in flight overall.
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Link hops followed from a seed.
    #[arg(long = "max-depth")]
    pub max_depth: Option<u32>,
    /// Only URLs matching this regex (repeatable).
    #[arg(long)]
    pub include: Vec<String>,
    /// Never URLs matching this regex (repeatable).
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Stop after this many HTML pages fetched.
    #[arg(long = "max-pages")]
    pub max_pages: Option<u64>,
    /// Stop after this long (`90s`, `15m`, `2h`, `1h30m`).
    #[arg(long = "max-time")]
    pub max_time: Option<String>,
    /// User-Agent header; put your contact in it.
    #[arg(long = "user-agent")]
    pub user_agent: Option<String>,
    /// Total seconds for one request, body included.
    #[arg(long)]
    pub timeout: Option<f64>,
    /// Seconds to connect.
    #[arg(long = "connect-timeout")]
    pub connect_timeout: Option<f64>,
    /// Largest body in bytes, after decompression.
    #[arg(long = "max-body")]
    pub max_body: Option<usize>,
    /// Retries after timeouts, 429 and 5xx.
    #[arg(long)]
    pub retries: Option<u32>,
    /// Redirect hops followed for one URL.
    #[arg(long = "max-redirects")]
    pub max_redirects: Option<usize>,
    /// Linked pages of one URL pattern (numbers generalised: `/cal/N/N/`) on one host that
    /// may lead to no article before links like them are no longer followed.
    #[arg(long = "max-barren-per-pattern")]
    pub max_barren_per_pattern: Option<u32>,
    /// Linked pages in a row on one host that may lead to no article before the host's
    /// links are no longer followed (sitemaps and feeds still are).
    #[arg(long = "max-barren-per-host")]
    pub max_barren_per_host: Option<u32>,
    /// Pages under one path prefix (the path up to its first number: /cal/ of
    /// /cal/2026/11/05/ and /cal?month=11) on one host, linked from pages under the same
    /// prefix, that may lead to no article, whatever their URL patterns, before links found
    /// under it are no longer followed.
    #[arg(long = "max-barren-per-prefix")]
    pub max_barren_per_prefix: Option<u32>,
    /// Skip sitemap and feed entries dated before this (`2026-11-01` or RFC 3339).
    #[arg(long)]
    pub since: Option<String>,
    /// Also write records for every page with text that is no article (listings, service
    /// pages, forums, products, docs), each with its page_type.
    #[arg(long = "emit-all")]
    pub emit_all: bool,
    /// Do not read sitemaps.
    #[arg(long = "no-sitemaps")]
    pub no_sitemaps: bool,
    /// Do not read feeds.
    #[arg(long = "no-feeds")]
    pub no_feeds: bool,
    /// Send requests for HOST:PORT to ADDR (an IP, or IP:PORT), like curl (repeatable).
    #[arg(long)]
    pub resolve: Vec<String>,
    /// Allow hosts that are or resolve to loopback, private, link-local or multicast
    /// addresses (refused by default unless named as a seed or with --resolve).
    #[arg(long = "allow-private")]
    pub allow_private: bool,
    /// Extra rule directory (site files and themes/), consulted before the bundled rules.
    #[arg(long = "selectors")]
    pub selectors: Vec<PathBuf>,
    /// Add the removed texts to `extraction.explain`.
    #[arg(long)]
    pub explain: bool,
    /// Also write the body as GitHub-flavoured Markdown (`markdown`).
    #[arg(long)]
    pub markdown: bool,
    /// Write links in the Markdown as `[text](url)`, absolute (else as their text).
    #[arg(long)]
    pub links: bool,
    /// Also write the body as minimal, safe HTML (`article_html`).
    #[arg(long)]
    pub article_html: bool,
    /// Extraction threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Bounds of one page's extraction.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// No progress bar and no per-failure lines on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The bounds of one page's work (docs/safety-limits.md), for `extract` and `crawl`; in a
/// crawl `--config` file under the same names with `_`.
#[derive(Debug, Default, Clone, clap::Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitArgs {
    /// Largest page (`32MiB`, `500KB`, bytes); bigger pages are skipped as too large
    /// [default: 32MiB].
    #[arg(long = "max-page-size")]
    pub max_page_size: Option<String>,
    /// Most DOM nodes of one page (attributes count); pages with more are skipped as too
    /// large [default: 1500000].
    #[arg(long = "max-nodes")]
    pub max_nodes: Option<usize>,
    /// Element nesting depth; deeper elements are folded into their ancestor [default: 512].
    #[arg(long = "max-nesting")]
    pub max_nesting: Option<usize>,
    /// Time budget of one page's extraction (`10s`, `500ms`; `0` for none); a page over it
    /// is skipped with `timeout` [default: 10s].
    #[arg(long = "page-timeout")]
    pub page_timeout: Option<String>,
}

impl LimitArgs {
    /// These flags over `file`'s values, over the defaults.
    pub fn resolve(&self, file: &LimitArgs) -> anyhow::Result<Limits> {
        let mut l = Limits::default();
        if let Some(s) = self.max_page_size.as_ref().or(file.max_page_size.as_ref()) {
            l.max_bytes = limits::parse_size(s)
                .map_err(anyhow::Error::msg)
                .context("--max-page-size")?;
        }
        if let Some(n) = self.max_nodes.or(file.max_nodes) {
            l.max_nodes = n;
        }
        if let Some(n) = self.max_nesting.or(file.max_nesting) {
            anyhow::ensure!(n > 0, "--max-nesting must be at least 1");
            l.max_depth = n;
        }
        if let Some(t) = self.page_timeout.as_ref().or(file.page_timeout.as_ref()) {
            let d = parse_duration(t).context("--page-timeout")?;
            l.timeout = (!d.is_zero()).then_some(d);
        }
        Ok(l)
    }
}

/// `newsharvest demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Where to write the records.
    #[arg(short, long, default_value = "demo-output.jsonl")]
    pub output: PathBuf,
    /// Requests per second per host.
    #[arg(long, default_value_t = 2.0)]
    pub rate: f64,
    /// Directory of sites to serve (default: ./fixtures/sites, else the source tree the
    /// binary was built from).
    #[arg(long)]
    pub sites: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `newsharvest extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Files (HTML, `.html.gz`, WARC `.warc`/`.warc.gz`), directories (read recursively) or
    /// `-` for stdin.
    pub inputs: Vec<PathBuf>,
    /// URL of the page (only with a single input).
    #[arg(long)]
    pub url: Option<String>,
    /// JSONL manifest of {"path": ..., "url": ...} lines (`-`: read from stdin, paths
    /// relative to the working directory).
    #[arg(long)]
    pub manifest: Option<PathBuf>,
    /// Write records here (`.gz`/`.zst` compress, `.parquet` is Parquet) instead of stdout;
    /// a directory (`DIR/`) gets `rank-0000I-of-0000N.jsonl.zst` (or `.parquet`) and its
    /// `.done` marker, written only complete.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Output format: jsonl or parquet [default: from the -o file's name, else jsonl].
    #[arg(long, value_enum)]
    pub format: Option<crate::output::FormatName>,
    /// Process only this rank's part of the inputs: `I/N` (0 <= I < N), or `auto/N` for the
    /// rank of a Slurm array task (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job
    /// (JOB_COMPLETION_INDEX).
    #[arg(long)]
    pub shard: Option<String>,
    /// What `--shard` divides: whole input files, or the records of WARC files.
    #[arg(long = "shard-by", value_enum, default_value = "file")]
    pub shard_by: crate::output::rank::ShardBy,
    /// Compression of the JSONL rank output in `-o DIR/`: zst, gz or none (Parquet
    /// compresses its pages with zstd).
    #[arg(long, default_value = "zst")]
    pub compress: String,
    /// Extra rule directory (site files and themes/), consulted before the bundled rules.
    #[arg(long = "selectors")]
    pub selectors: Vec<PathBuf>,
    /// Add the removed texts to `extraction.explain`.
    #[arg(long)]
    pub explain: bool,
    /// Also write the body as GitHub-flavoured Markdown (`markdown`).
    #[arg(long)]
    pub markdown: bool,
    /// Write links in the Markdown as `[text](url)`, absolute (else as their text).
    #[arg(long)]
    pub links: bool,
    /// Also write the body as minimal, safe HTML (`article_html`).
    #[arg(long)]
    pub article_html: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Bounds of one page's extraction.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `newsharvest eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// Dataset directories.
    #[arg(required = true)]
    pub datasets: Vec<PathBuf>,
    /// Write every record (with `source_path`) to this JSONL file.
    #[arg(long)]
    pub predictions: Option<PathBuf>,
    /// Write per-page scores to this JSONL file.
    #[arg(long = "per-page")]
    pub per_page: Option<PathBuf>,
    /// Fail (exit 1) when a score is below the floors in this TOML file.
    #[arg(long)]
    pub floors: Option<PathBuf>,
    /// Extra rule directory (site files and themes/), consulted before the bundled rules.
    #[arg(long = "selectors")]
    pub selectors: Vec<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print the scores as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}
