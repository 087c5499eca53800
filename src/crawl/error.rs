//! The crawl's errors: [`CrawlError`], what stops a crawl from starting or finishing,
//! [`ConfigError`], an unusable setting, and [`UnitError`], a value that does not parse as
//! its unit; each keeps its cause as `source`. Defined here, below the modules that return
//! them, so no module of the crawl and its errors import each other. Failures of single URLs are not errors but error records
//! (`super::stats::ErrorRecord`).

use super::fetch::FetchError;
use super::state::store::StoreError;
use std::path::PathBuf;

/// Why a crawl could not run (or its output could not be finished).
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// A setting is unusable (the error says which and why).
    #[error(transparent)]
    Settings(#[from] ConfigError),
    /// The state failed (SQLite, Redis, the file system under it).
    #[error(transparent)]
    State(#[from] StoreError),
    /// The HTTP client could not be built.
    #[error("HTTP client")]
    HttpClient(#[source] FetchError),
    /// An output file could not be created or written.
    #[error("{context}")]
    Output {
        /// What was being done (`creating out.warc`, `writing output`).
        context: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// Another process holds the state, the shard directory or this worker's id: this run
    /// did nothing (exit code 5).
    #[error("{0}")]
    Busy(String),
    /// The writer thread panicked (a bug).
    #[error("the output writer panicked")]
    WriterPanicked,
}

impl CrawlError {
    /// An I/O error of taking a run lock or opening what it guards: another process holding
    /// the lock ([`std::io::ErrorKind::ResourceBusy`], see `crate::output::lock`) is
    /// [`CrawlError::Busy`] (exit 5), anything else [`CrawlError::Output`] with `context`.
    pub fn from_lock(e: std::io::Error, context: impl std::fmt::Display) -> CrawlError {
        if e.kind() == std::io::ErrorKind::ResourceBusy {
            CrawlError::Busy(e.to_string())
        } else {
            CrawlError::Output {
                context: context.to_string(),
                source: e,
            }
        }
    }
}

/// A crawl setting that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file cannot be read.
    #[error("reading {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The config file is not valid TOML, has an unknown key or a bad value.
    #[error("{}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the TOML parser said (with the line).
        #[source]
        source: Box<toml::de::Error>,
    },
    /// The settings cannot be printed as TOML (a bug).
    #[error("printing the settings as TOML")]
    Print(#[source] toml::ser::Error),
    /// A value does not parse (`key` is the flag or key it came from).
    #[error("{key}")]
    Value {
        /// The flag or key.
        key: String,
        /// What is wrong with the value.
        #[source]
        source: UnitError,
    },
    /// The settings contradict each other or a bound (the message says which and why).
    #[error("{0}")]
    Invalid(String),
}

/// A value that does not parse as its unit.
#[derive(Debug, thiserror::Error)]
pub enum UnitError {
    /// Not a duration.
    #[error("bad duration {0:?} (use e.g. 90s, 15m, 2h, 1h30m)")]
    Duration(String),
    /// Not a date.
    #[error("{0:?}: expected YYYY-MM-DD or RFC 3339")]
    Date(String),
    /// Not a byte size (the message of [`crate::limits::parse_size`]).
    #[error("{0}")]
    Size(String),
    /// Not a regular expression.
    #[error("{pattern:?} is not a valid regex")]
    Regex {
        /// The pattern as written.
        pattern: String,
        /// What the regex compiler said.
        #[source]
        source: regex::Error,
    },
    /// Not a `HOST:PORT:ADDR` rule (the message of [`ResolveRule`]'s parser).
    #[error("{0}")]
    Resolve(String),
    /// Not a URL.
    #[error("seed {seed:?} is not a URL")]
    SeedUrl {
        /// The seed as written.
        seed: String,
        /// What the URL parser said.
        #[source]
        source: url::ParseError,
    },
    /// A URL the crawler cannot fetch.
    #[error("seed {0:?}: only http(s) URLs with a host can be crawled")]
    SeedScheme(String),
}
