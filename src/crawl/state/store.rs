//! The crawl's state behind one trait, [`StateStore`]: the frontier (per-host queues by
//! priority, then arrival), the seen-set of canonical URLs, per-URL fetch history (status,
//! ETag, Last-Modified, content hash, failures), the articles written and the output shards
//! that hold them, the per-host robots.txt cache and `Retry-After` blocks, and the index of
//! written texts that near-duplicate detection asks.
//!
//! Three implementations: [`super::memory::MemoryStore`] (no `--state`: one run, nothing
//! kept), [`super::sqlite::SqliteStore`] (`--state crawl.db`: everything on disk, so a
//! frontier of millions of URLs costs no memory and a killed or budgeted run is continued by
//! the next) and [`super::redis_store::RedisStore`] (`--frontier`: shared by a job's
//! workers). [`super::backend::StateBackend`] chooses one.
//!
//! A crawl is a sequence of **rounds**. A round starts when a run finds no queued URL left
//! (the previous round finished) and lasts, over as many runs as it takes, until the frontier
//! is empty again. Within a round a URL is fetched at most once. A new round re-reads what
//! discovery finds again: sitemaps, feeds and listing pages (with conditional requests),
//! earlier failures whose backoff has passed, and, with `--recrawl-after`, articles written
//! long enough ago; articles written before are not fetched again.

pub use super::item::History;
use super::item::{Item, Kind, Via};
use std::collections::HashSet;
use std::time::Duration;

/// Errors of a state store. The underlying error is the `source` (print with
/// `crate::error::chain` to see it).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A rule of the store was broken (no underlying error): a schema newer than this
    /// build, a worker declared dead, the store's client gone.
    #[error("state database {path}: {message}")]
    Db {
        /// The database file (or Redis and job).
        path: String,
        /// What went wrong.
        message: String,
    },
    /// SQLite failed.
    #[error("state database {path}")]
    Sqlite {
        /// The database file.
        path: String,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The schema could not be migrated to this build's.
    #[error("state database {path}: migrating the schema from version {from}")]
    Migrate {
        /// The database file.
        path: String,
        /// The file's schema version.
        from: u32,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// Redis failed (after the retries of its outage window).
    #[error("state database {path}{}", .context.map(|c| format!(": {c}")).unwrap_or_default())]
    Redis {
        /// Redis and the job.
        path: String,
        /// What was being done, when it says more than the call.
        context: Option<&'static str>,
        /// What the client said.
        #[source]
        source: redis::RedisError,
    },
    /// A value could not be encoded for the state (a bug).
    #[error("state database {path}: encoding")]
    Encode {
        /// The database file (or Redis and job).
        path: String,
        /// What the encoder said.
        #[source]
        source: serde_json::Error,
    },
    /// The file system under the state failed.
    #[error("state database {path}: {context}")]
    Io {
        /// The database file (or Redis and job).
        path: String,
        /// What was being done.
        context: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// Publishing an output shard failed (the state is left unchanged).
    #[error("publishing")]
    Publish(#[source] std::io::Error),
    /// Another live process is this worker (exit code 5).
    #[error("{0}")]
    Busy(String),
}

/// What [`StateStore::push_many`] did with one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Push {
    /// Queued for this round.
    Queued,
    /// Queued or fetched already this round, or a failure still backing off.
    Seen,
    /// An article written by an earlier round: not fetched again.
    Written,
}

/// How the processing of a fetched URL ended (see [`StateStore::outcome`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to write: a listing page, a sitemap or feed, a 304, an unchanged or duplicate
    /// article, a guessed location that was not there.
    Done {
        /// It was a listing page.
        listing: bool,
    },
    /// An article record was made: the URL becomes written when its output is committed
    /// ([`StateStore::commit`]); until then a crash makes the next run fetch it again.
    Pending,
    /// It failed (an error record was written); a later round retries it once
    /// [`failure_backoff`] has passed.
    Failed,
}

/// One article of an output being committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The URL fetched (the frontier's key).
    pub url: String,
    /// The record id.
    pub id: String,
    /// Hash of the text.
    pub content_hash: String,
    /// Revision of the record.
    pub revision: u32,
    /// MinHash signature of the text, for near-duplicate lookups (`crate::crawl::dedup`).
    pub signature: Vec<u32>,
    /// The text duplicates an earlier record (`duplicate_of`): it is not indexed for
    /// lookups, since a later copy matches the original too. A wire story on 500 sites then
    /// costs one index entry, and each copy one comparison, not 500.
    pub duplicate: bool,
}

/// A written text a new one may duplicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Its record id.
    pub id: String,
    /// Its URL.
    pub url: String,
    /// Hash of its text.
    pub content_hash: String,
    /// Its MinHash signature.
    pub signature: Vec<u32>,
}

/// What [`StateStore::begin`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunStart {
    /// The round this run works on.
    pub round: u64,
    /// The round was left unfinished by an earlier run, which this one continues.
    pub continued: bool,
    /// URLs queued at the start, by host.
    pub queued: Vec<(String, u64)>,
    /// Written articles queued again by `--recrawl-after`.
    pub recrawl: u64,
}

/// Counts for `newsharvest status`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Summary {
    /// Schema version of the store.
    pub schema_version: u32,
    /// Current round.
    pub round: u64,
    /// URLs queued.
    pub queued: u64,
    /// URLs written as articles.
    pub written: u64,
    /// URLs fetched and done with, nothing written.
    pub done: u64,
    /// URLs that failed.
    pub failed: u64,
    /// Complete output shards.
    pub shards: u64,
    /// Per host: queued, written, failed, next allowed fetch (Unix s; blocks only).
    pub hosts: Vec<HostSummary>,
    /// A shared frontier's workers and leases (`status --frontier`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frontier: Option<FrontierSummary>,
}

/// What a shared frontier adds to [`Summary`].
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct FrontierSummary {
    /// The job.
    pub job: String,
    /// URLs leased and being fetched, over all workers.
    pub fetching: u64,
    /// URLs leased whose records wait for their shard's commit.
    pub pending: u64,
    /// Shards being committed (prepared, not yet done).
    pub prepared: u64,
    /// Hosts with queued URLs.
    pub hosts_queued: u64,
    /// Hosts with queued URLs that may be fetched now.
    pub hosts_due_now: u64,
    /// The registered workers.
    pub workers: Vec<WorkerSummary>,
}

/// One worker in [`FrontierSummary`].
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct WorkerSummary {
    /// Its id.
    pub id: String,
    /// Seconds since its last heartbeat.
    pub heartbeat_age_s: f64,
    /// URLs it is fetching.
    pub fetching: u64,
    /// Its records waiting for a commit.
    pub pending: u64,
    /// It found nothing left to do and is finishing.
    pub draining: bool,
}

/// One host in [`Summary`].
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct HostSummary {
    /// The host.
    pub host: String,
    /// URLs queued.
    pub queued: u64,
    /// Articles written.
    pub written: u64,
    /// URLs failed.
    pub failed: u64,
    /// No request before this (Unix seconds), from `Retry-After` or backoff.
    pub blocked_until: Option<i64>,
    /// A shared frontier: the next allowed fetch (Unix milliseconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_due_ms: Option<i64>,
}

/// The crawl state (see the module documentation). Every method is one short transaction;
/// implementations are safe to share between the crawl's tasks and its writer thread.
pub trait StateStore: Send + Sync {
    /// Start a run at `now` (Unix seconds): URLs left in flight by a killed run are queued
    /// again; a finished round is followed by a new one, in which written articles older
    /// than `recrawl_after` are queued again.
    fn begin(&self, now: i64, recrawl_after: Option<Duration>) -> Result<RunStart, StoreError>;
    /// Queue items (in one transaction), each under its host, by the rules of the module
    /// documentation. The answers come in the items' order.
    fn push_many(&self, items: &[(String, Item)]) -> Result<Vec<Push>, StoreError>;
    /// Put an item back for another attempt (a retry), whatever the seen-set says.
    fn requeue(&self, host: &str, item: &Item) -> Result<(), StoreError>;
    /// The host's next item (priority, then arrival), now in flight, with its history.
    fn pop(&self, host: &str) -> Result<Option<(Item, Option<History>)>, StoreError>;
    /// The crawl stops: how many of the host's items are still queued. The memory store
    /// drops them; a persistent one keeps them for the next run.
    fn stop_host(&self, host: &str) -> Result<u64, StoreError>;
    /// Was this URL queued this round (or written before)?
    fn is_seen(&self, url: &str) -> Result<bool, StoreError>;
    /// Was a record with this id committed (by any run)?
    fn has_record(&self, id: &str) -> Result<bool, StoreError>;
    /// A response arrived for `url` (any status): remember its validators.
    fn response(
        &self,
        url: &str,
        status: u16,
        etag: Option<&str>,
        last_modified: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Processing of `url` ended.
    fn outcome(&self, url: &str, outcome: Outcome, now: i64) -> Result<(), StoreError>;
    /// The articles of an output are durable: `publish` makes them visible (renames the
    /// complete shard), and the articles become written in the same transaction. If
    /// `publish` fails, nothing changes. `shard` names the published shard, if any.
    fn commit(
        &self,
        written: &[Written],
        shard: Option<&str>,
        publish: &mut dyn FnMut() -> std::io::Result<()>,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Names of the shards committed so far.
    fn shards(&self) -> Result<HashSet<String>, StoreError>;
    /// Written texts with this content hash or sharing a MinHash band.
    fn candidates(&self, content_hash: &str, bands: &[u64]) -> Result<Vec<Candidate>, StoreError>;
    /// The cached robots.txt of a host: body and when it was fetched (Unix seconds).
    fn robots(&self, host: &str) -> Result<Option<(Vec<u8>, i64)>, StoreError>;
    /// Cache a host's robots.txt.
    fn set_robots(&self, host: &str, body: &[u8], now: i64) -> Result<(), StoreError>;
    /// Block a host until `until` (Unix seconds): `Retry-After` outlives the run.
    fn block(&self, host: &str, until: i64) -> Result<(), StoreError>;
    /// Hosts blocked beyond `now`.
    fn blocks(&self, now: i64) -> Result<Vec<(String, i64)>, StoreError>;
    /// Counts for `newsharvest status`.
    fn summary(&self) -> Result<Summary, StoreError>;
    /// The frontier shared with other processes, if this store is one: the crawl then
    /// claims due hosts from it instead of serving each host from its own queue.
    fn shared(&self) -> Option<&dyn SharedFrontier> {
        None
    }
}

/// A URL claimed from a shared frontier: leased to this worker, its host held until
/// [`SharedFrontier::release`].
#[derive(Debug)]
pub struct Claimed {
    /// Its host.
    pub host: String,
    /// The item.
    pub item: Item,
    /// What earlier fetches left.
    pub prior: Option<History>,
}

/// What [`SharedFrontier::claim`] found.
#[derive(Debug)]
pub enum Claim {
    /// URLs of due hosts (one per host).
    Items(Vec<Claimed>),
    /// URLs are queued, but no host is due for this long.
    Wait(Duration),
    /// Nothing is queued.
    Empty,
}

/// A shared frontier's call, awaited by the claim loops (no crawl thread blocks on it).
pub type FrontierFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The operations a frontier shared by several processes adds to [`StateStore`]
/// (`super::redis_store`).
pub trait SharedFrontier: Send + Sync {
    /// Lease the next URLs of up to `max` due hosts (see `super::redis_store`).
    fn claim(&self, max: usize) -> FrontierFuture<'_, Claim>;
    /// The response from a held host has ended: no request to it for `delay` (or its
    /// `Retry-After` block).
    fn release<'a>(&'a self, host: &'a str, delay: Duration) -> FrontierFuture<'a, ()>;
    /// This worker has nothing in hand: is the job's work over (nothing queued or being
    /// fetched anywhere, no uncommitted article of a worker that is not finishing too)?
    fn idle(&self) -> FrontierFuture<'_, bool>;
    /// Leave the job: what this worker still leases is queued again.
    fn leave(&self) -> Result<u64, StoreError>;
    /// Redis calls made so far.
    fn round_trips(&self) -> u64;
    /// A record `id` was made for the leased `url`, in one round trip: [`Verdict::Write`]
    /// (the URL now waits for its shard's commit, as [`Outcome::Pending`]),
    /// [`Verdict::Known`] (with `check_known`: written before, under another URL) or
    /// [`Verdict::Duplicate`] (another URL of the same article holds the id: two workers
    /// fetched both at once); in the last two cases the URL's outcome is still to come.
    fn record_made(&self, url: &str, id: &str, check_known: bool) -> Result<Verdict, StoreError>;
}

/// What [`SharedFrontier::record_made`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Write the record.
    Write,
    /// A record with this id was committed before (under another URL).
    Known,
    /// Another URL holds this record id.
    Duplicate,
}

/// Backoff before a failed URL is tried again by a later round: an hour, doubling with each
/// failure in a row, at most a week.
pub fn failure_backoff(failures: u32) -> Duration {
    let hours = 1u64 << failures.saturating_sub(1).min(8);
    Duration::from_secs((hours * 3600).min(7 * 24 * 3600))
}

/// The number stored for a [`Kind`].
pub fn kind_code(k: Kind) -> i64 {
    match k {
        Kind::Page => 0,
        Kind::Sitemap => 1,
        Kind::Feed => 2,
    }
}

/// The [`Kind`] of a stored number.
pub fn kind_of(code: i64) -> Kind {
    match code {
        1 => Kind::Sitemap,
        2 => Kind::Feed,
        _ => Kind::Page,
    }
}

/// The number stored for a [`Via`].
pub fn via_code(v: Via) -> i64 {
    match v {
        Via::Seed => 0,
        Via::Sitemap => 1,
        Via::NewsSitemap => 2,
        Via::Feed => 3,
        Via::Link => 4,
    }
}

/// The [`Via`] of a stored number.
pub fn via_of(code: i64) -> Via {
    match code {
        0 => Via::Seed,
        1 => Via::Sitemap,
        2 => Via::NewsSitemap,
        3 => Via::Feed,
        _ => Via::Link,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_from_an_hour_to_a_week() {
        assert_eq!(failure_backoff(1), Duration::from_secs(3600));
        assert_eq!(failure_backoff(2), Duration::from_secs(7200));
        assert_eq!(failure_backoff(30), Duration::from_secs(7 * 24 * 3600));
    }

    #[test]
    fn codes_round_trip() {
        for k in [Kind::Page, Kind::Sitemap, Kind::Feed] {
            assert_eq!(kind_of(kind_code(k)), k);
        }
        for v in [Via::Seed, Via::Sitemap, Via::NewsSitemap, Via::Feed, Via::Link] {
            assert_eq!(via_of(via_code(v)), v);
        }
    }
}
