//! Where a worker's shared frontier lives and who the worker is ([`FrontierConfig`], built by
//! `crate::crawl::config`), and worker ids safe in file names.

use std::path::PathBuf;
use std::time::Duration;

/// How long an unreachable Redis is waited for (each call retries with backoff) before the
/// crawl stops with a state error.
pub const OUTAGE: Duration = Duration::from_secs(120);

/// Where a worker's frontier lives and who the worker is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontierConfig {
    /// `redis://HOST:PORT/DB`.
    pub url: String,
    /// The job's name: the key namespace.
    pub job: String,
    /// This worker's id (unique among the job's live workers; in its shard names).
    pub worker: String,
    /// A worker silent this long is dead: its leases are queued again.
    pub lease: Duration,
    /// The shared output directory (`-o DIR/`), where a dead worker's prepared shards are
    /// settled.
    pub shard_dir: Option<PathBuf>,
    /// The caller holds this worker's shard lock (`DIR/.newsharvest-part-<worker>.lock`):
    /// a registration of its id found at start is a dead process's, settled at once
    /// instead of waited for.
    pub exclusive: bool,
    /// The per-host interval (`1/rate`; the crawl sets it): hosts a dead worker held are
    /// due again this long after it is settled.
    pub gap: Duration,
}

impl FrontierConfig {
    /// Where the frontier is, for errors: `redis://… (job NAME)`.
    pub fn path(&self) -> String {
        format!("{} (job {})", self.url, self.job)
    }

    /// The shard name prefix of a worker: `part-<worker>`.
    pub fn shard_prefix(worker: &str) -> String {
        format!("{}-{worker}", crate::output::names::SHARD_PREFIX)
    }
}

/// A worker id safe in file names: letters, digits, `.`, `_`, `-` (others become `_`).
pub fn sanitize_worker(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if s.is_empty() {
        "worker".into()
    } else {
        s
    }
}

/// The default worker id: `<hostname>-<pid>-<4 random hex digits>` (unique even when
/// containers all run as pid 1).
pub fn default_worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "worker".into());
    sanitize_worker(&format!(
        "{}-{}-{:04x}",
        host.trim(),
        std::process::id(),
        rand::random::<u16>()
    ))
}
