//! Crawl bookkeeping: counters by status code, error kind, host and page type
//! ([`PageCounts`]), why the crawl stopped ([`StopReason`]), and the error record written for
//! every URL that could not be turned into a result (`--errors FILE.jsonl`).

use crate::model::PageType;
use serde::Serialize;
use std::collections::BTreeMap;

/// One failure: which URL, at which stage, why.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorRecord {
    /// The URL (canonical).
    pub url: String,
    /// `robots`, `fetch`, `redirect`, `sitemap`, `feed` or `extract`.
    pub stage: &'static str,
    /// Short machine-readable kind (`timeout`, `too_large`, `http_404`, `redirect_loop`…).
    pub kind: String,
    /// Human-readable reason.
    pub reason: String,
    /// HTTP status, when a response was received.
    pub status: Option<u16>,
    /// When it happened (RFC 3339, UTC).
    pub time: String,
}

/// Counters for one host.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HostStats {
    /// Requests sent (robots.txt, sitemaps, feeds, pages, retries).
    pub requests: u64,
    /// Article records written.
    pub articles: u64,
    /// Error records written.
    pub errors: u64,
    /// Body bytes received.
    pub bytes: u64,
}

/// Pages read, by type: every key always present in `--stats` (`pages_by_type`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PageCounts {
    /// Articles (written, unless a duplicate, known or unchanged).
    pub article: u64,
    /// Listings: home, sections, tags, authors, search, archives.
    pub listing: u64,
    /// Forum threads and Q&A pages.
    pub forum: u64,
    /// Product pages.
    pub product: u64,
    /// Documentation pages.
    pub documentation: u64,
    /// About, contact, legal and company pages.
    pub service: u64,
    /// Anything else.
    pub other: u64,
}

impl PageCounts {
    fn slot(&mut self, t: PageType) -> &mut u64 {
        match t {
            PageType::Article => &mut self.article,
            PageType::Listing => &mut self.listing,
            PageType::Forum => &mut self.forum,
            PageType::Product => &mut self.product,
            PageType::Documentation => &mut self.documentation,
            PageType::Service => &mut self.service,
            PageType::Other => &mut self.other,
        }
    }

    /// Count one page of type `t`.
    pub fn add(&mut self, t: PageType) {
        *self.slot(t) += 1;
    }

    /// Pages of type `t`.
    pub fn get(&self, t: PageType) -> u64 {
        let mut copy = *self;
        *copy.slot(t)
    }

    /// `6 article, 5 listing, 2 service`: the types seen, in [`PageType::ALL`]'s order
    /// (`none` before any page is read).
    pub fn summary(&self) -> String {
        let seen: Vec<String> = PageType::ALL
            .iter()
            .filter(|t| self.get(**t) > 0)
            .map(|t| format!("{} {t}", self.get(*t)))
            .collect();
        if seen.is_empty() {
            "none".into()
        } else {
            seen.join(", ")
        }
    }
}

/// Counters for a whole crawl (`--stats FILE.json` and the summary).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Wall time in seconds.
    pub elapsed_s: f64,
    /// HTTP requests sent.
    pub requests: u64,
    /// HTML pages fetched with a 2xx response.
    pub pages_fetched: u64,
    /// Article records written.
    pub articles: u64,
    /// Of those: articles never written before.
    pub new: u64,
    /// Of those: recrawled articles whose text changed (`revision` 2…).
    pub updated: u64,
    /// Recrawled articles whose text had not changed: not written again.
    pub unchanged: u64,
    /// Conditional requests answered `304 Not Modified` (sitemaps, feeds, listings,
    /// recrawled articles).
    pub not_modified: u64,
    /// Records whose text duplicates an earlier one (`duplicate_of`; left out with
    /// `--drop-duplicates`).
    pub near_duplicates: u64,
    /// Records made durable and marked written in the state.
    pub committed: u64,
    /// Output shards completed.
    pub shards: u64,
    /// Pages read, by type (`page_type`).
    pub pages_by_type: PageCounts,
    /// Pages of type listing (`pages_by_type.listing`, kept for readers of older stats).
    pub listings: u64,
    /// Records skipped because an earlier record had the same canonical URL.
    pub duplicates: u64,
    /// Articles skipped because an earlier run wrote them (`--state`).
    pub known_skipped: u64,
    /// The round of the state this run worked on (see `newsharvest status`).
    pub round: u64,
    /// This run continued a round an earlier run left unfinished.
    pub continued: bool,
    /// Written articles queued again by `--recrawl-after`.
    pub recrawl_queued: u64,
    /// Articles imported from a JSON Lines state file.
    pub state_migrated: u64,
    /// robots.txt files used from the state's cache instead of fetched.
    pub robots_cached: u64,
    /// URLs left queued when a budget or a signal stopped the crawl (the next run with the
    /// same state continues with them).
    pub work_left: u64,
    /// Calls to a shared frontier (`--frontier`): Redis round trips.
    pub frontier_round_trips: u64,
    /// Things worth telling (a migration, why the crawl stopped early).
    pub notes: Vec<String>,
    /// Error records written.
    pub errors: u64,
    /// URLs not fetched because robots.txt disallows them.
    pub robots_disallowed: u64,
    /// Links not followed because their URL is pathological (too long, too many or repeated
    /// path segments).
    pub trap_urls: u64,
    /// Links not followed because their pattern (or their host) used up its budget of pages
    /// that led to no article.
    pub trap_skipped: u64,
    /// The budgets that ran out, one line each.
    pub traps: Vec<String>,
    /// Retries scheduled (transient errors, 429/503).
    pub retries: u64,
    /// Times a host was blocked by `Retry-After`.
    pub retry_after_waits: u64,
    /// Requests abandoned in flight when the crawl was stopped.
    pub dropped_on_stop: u64,
    /// Sitemaps parsed.
    pub sitemaps: u64,
    /// Feeds parsed.
    pub feeds: u64,
    /// Body bytes received.
    pub bytes: u64,
    /// 2xx HTML pages per second of wall time.
    pub pages_per_s: f64,
    /// Responses by status code.
    pub by_status: BTreeMap<u16, u64>,
    /// Errors by kind.
    pub by_error: BTreeMap<String, u64>,
    /// Per-host counters.
    pub hosts: BTreeMap<String, HostStats>,
    /// Why the crawl ended.
    pub stopped_by: StopReason,
}

/// Why a crawl ended (`stopped_by` in `--stats`, the summary and the metrics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Nothing was left to do (or nothing to do yet: the value while it runs).
    #[default]
    Done,
    /// `--max-pages` pages were fetched.
    MaxPages,
    /// `--max-time` passed.
    MaxTime,
    /// The caller asked it to stop (SIGINT, SIGTERM).
    Signal,
    /// The output could not be written (a full disk, a closed pipe).
    OutputError,
    /// The state failed (a full disk, Redis gone longer than its outage window, a worker
    /// fenced).
    StateError,
}

impl StopReason {
    /// The name in `--stats`, the summary and the metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Done => "done",
            StopReason::MaxPages => "max_pages",
            StopReason::MaxTime => "max_time",
            StopReason::Signal => "signal",
            StopReason::OutputError => "output_error",
            StopReason::StateError => "state_error",
        }
    }

    /// A budget (`--max-pages`, `--max-time`) ended the run, not the work.
    pub fn is_budget(self) -> bool {
        matches!(self, StopReason::MaxPages | StopReason::MaxTime)
    }
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compared with its name (`st.stopped_by == "max_pages"`).
impl PartialEq<&str> for StopReason {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Compared with its name.
impl PartialEq<str> for StopReason {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl Stats {
    /// Counters of one host.
    pub fn host(&mut self, host: &str) -> &mut HostStats {
        self.hosts.entry(host.to_string()).or_default()
    }

    /// Account a response.
    pub fn response(&mut self, host: &str, status: u16, bytes: usize) {
        self.requests += 1;
        *self.by_status.entry(status).or_default() += 1;
        self.bytes += bytes as u64;
        let h = self.host(host);
        h.requests += 1;
        h.bytes += bytes as u64;
    }

    /// Account a request that got no response.
    pub fn no_response(&mut self, host: &str) {
        self.requests += 1;
        self.host(host).requests += 1;
    }

    /// Account an error record.
    pub fn error(&mut self, host: &str, kind: &str) {
        self.errors += 1;
        *self.by_error.entry(kind.to_string()).or_default() += 1;
        self.host(host).errors += 1;
    }

    /// One-paragraph human summary.
    pub fn summary(&self) -> String {
        let statuses: Vec<String> = self.by_status.iter().map(|(s, n)| format!("{s}: {n}")).collect();
        let errors: Vec<String> = self.by_error.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        format!(
            "crawl {stop} after {el:.1}s: {req} requests to {hosts} hosts, {pages} pages fetched ({pps:.1}/s), \
             {art} articles written ({new} new, {upd} updated; {unch} unchanged, {nm} not modified, {nd} duplicates of earlier texts), pages by type: {types}, {dup} duplicates skipped, {known} known from earlier runs, {err} errors, \
             {dis} URLs disallowed by robots.txt, {trap} links not followed as crawler traps, {ret} retries ({ra} Retry-After waits), {sm} sitemaps, {fd} feeds, {mb:.1} MiB\n  \
             status codes: {{{st}}}\n  errors: {{{er}}}",
            stop = self.stopped_by,
            el = self.elapsed_s,
            req = self.requests,
            hosts = self.hosts.len(),
            pages = self.pages_fetched,
            pps = self.pages_per_s,
            art = self.articles,
            new = self.new,
            upd = self.updated,
            unch = self.unchanged,
            nm = self.not_modified,
            nd = self.near_duplicates,
            types = self.pages_by_type.summary(),
            dup = self.duplicates,
            known = self.known_skipped,
            err = self.errors,
            dis = self.robots_disallowed,
            trap = self.trap_urls + self.trap_skipped,
            ret = self.retries,
            ra = self.retry_after_waits,
            sm = self.sitemaps,
            fd = self.feeds,
            mb = self.bytes as f64 / (1024.0 * 1024.0),
            st = statuses.join(", "),
            er = errors.join(", "),
        ) + &self.traps.iter().map(|t| format!("\n  trap: {t}")).collect::<String>()
            + &self.notes.iter().map(|n| format!("\n  note: {n}")).collect::<String>()
            + &if self.work_left > 0 {
                format!("\n  {} URLs left queued for the next run", self.work_left)
            } else {
                String::new()
            }
    }
}
