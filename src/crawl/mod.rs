//! The polite crawler: seeds → discovery (robots.txt `Sitemap:`, sitemaps, news sitemaps,
//! feeds, links) → frontier (dedup, scope, priority) → politeness (per-host rate limiter,
//! `Crawl-delay`, `Retry-After`) → fetch → [`crate::process_for_crawl`] on a blocking
//! pool → each page's type ([`classify`]) → article records (other pages are followed, and
//! written too with `--emit-all`) → a [`Sink`], and a line per fetched page to the page log.
//!
//! - [`config`]: [`CrawlConfig`], the settings (the `--config` file), checked and built
//!   (state backend chosen, run locks taken) into a crawl ready to run.
//! - [`engine`]: the pipeline and its tasks.
//! - [`plan`]: what `crawl --dry-run` shows: each seed host's robots.txt and sitemaps.
//! - [`archive`]: requests and responses written to a WARC file (`--warc`).
//! - [`politeness`]: when the next request to a host may start.
//! - [`robots`]: robots.txt policy per host.
//! - [`fetch`]: HTTP with timeouts, size cap, content-type filter, `--resolve`.
//! - [`discover`]: sitemap and feed parsing.
//! - [`urls`]: canonical URLs and the crawl scope.
//! - [`classify`]: the page's type (article, listing, service, …) and its evidence.
//! - [`page_log`]: the line of every fetched page in `--page-log FILE`.
//! - [`traps`]: links not to follow: pathological paths, patterns that lead to no article.
//! - [`state`]: the crawl state behind one trait: frontier, seen-set, fetch history,
//!   written articles, shards, robots cache; in memory, in SQLite or in Redis.
//! - [`dedup`]: exact and near-duplicate texts (MinHash).
//! - [`stats`]: counters, the stop reason and error records.
//! - [`error`]: [`CrawlError`], why a crawl could not run.

pub mod archive;
pub mod classify;
pub mod config;
pub mod dedup;
pub mod discover;
pub mod engine;
pub mod error;
pub mod fetch;
pub mod page_log;
pub mod plan;
pub mod politeness;
pub mod robots;
pub mod state;
pub mod stats;
pub mod traps;
pub mod urls;

pub use config::CrawlConfig;
pub use engine::{crawl, Sink};
pub use error::CrawlError;
pub use stats::{ErrorRecord, Stats, StopReason};
