//! Where a crawl's state lives, chosen once from the settings
//! (`crate::crawl::config::CrawlConfig::state_backend`): in memory, in a SQLite file or in a
//! Redis frontier shared by a job's workers. Used by the crawl, by `status` and for the run
//! lock, so the three cannot disagree. Opens and locks; holds no state itself.

use super::memory::MemoryStore;
use super::redis_store::{FrontierConfig, RedisStore};
use super::sqlite::SqliteStore;
use super::store::{StateStore, StoreError};
use crate::output::lock::{self, LockGuard};
use std::path::PathBuf;
use std::sync::Arc;

/// The kind of state and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateBackend {
    /// No `--state`: one run, nothing kept.
    Memory,
    /// `--state crawl.db`.
    Sqlite(PathBuf),
    /// `--frontier redis://… --job NAME`.
    Redis(FrontierConfig),
}

/// An opened state and what opening it found.
pub struct OpenedState {
    /// The store.
    pub store: Arc<dyn StateStore>,
    /// A JSON Lines state of an earlier version was migrated: articles imported and where
    /// the old file was kept.
    pub migrated: Option<(usize, PathBuf)>,
    /// The size of a SQLite state on disk, in bytes.
    pub size_bytes: Option<u64>,
    /// The key prefix of a Redis frontier (`nh:{JOB}:`).
    pub key_prefix: Option<String>,
}

impl StateBackend {
    /// `memory`, `sqlite` or `redis` (for logs: no path or URL, which may hold a password).
    pub fn kind(&self) -> &'static str {
        match self {
            StateBackend::Memory => "memory",
            StateBackend::Sqlite(_) => "sqlite",
            StateBackend::Redis(_) => "redis",
        }
    }

    /// The state survives the run (SQLite, Redis): committed shards are kept in it.
    pub fn persistent(&self) -> bool {
        !matches!(self, StateBackend::Memory)
    }

    /// Take the run lock of a SQLite state (`<state>.lock`; see `crate::output::lock`): one
    /// crawl per state. A Redis frontier is shared by design; its workers' ids are fenced
    /// in Redis instead.
    /// The error is [`std::io::ErrorKind::ResourceBusy`] when another process holds it.
    pub fn lock(&self) -> std::io::Result<Option<LockGuard>> {
        match self {
            StateBackend::Sqlite(p) => lock::state(p).map(Some),
            StateBackend::Memory | StateBackend::Redis(_) => Ok(None),
        }
    }

    /// Where the state is, for messages: its file, or Redis and the job (`memory`).
    pub fn location(&self) -> String {
        match self {
            StateBackend::Memory => "memory".into(),
            StateBackend::Sqlite(p) => p.display().to_string(),
            StateBackend::Redis(f) => f.path(),
        }
    }

    /// Open (and create or migrate) the state. A crawl holds the lock ([`Self::lock`])
    /// first; `status` and `--dry-run` only read.
    pub fn open(&self) -> Result<OpenedState, StoreError> {
        Ok(match self {
            StateBackend::Memory => OpenedState {
                store: Arc::new(MemoryStore::new()),
                migrated: None,
                size_bytes: None,
                key_prefix: None,
            },
            StateBackend::Sqlite(p) => {
                let (db, opened) = SqliteStore::open(p)?;
                OpenedState {
                    size_bytes: Some(db.size_bytes()),
                    store: Arc::new(db),
                    migrated: opened.migrated,
                    key_prefix: None,
                }
            }
            StateBackend::Redis(f) => {
                let r = RedisStore::connect(f.clone())?;
                OpenedState {
                    key_prefix: Some(r.prefix().to_string()),
                    store: Arc::new(r),
                    migrated: None,
                    size_bytes: None,
                }
            }
        })
    }
}
