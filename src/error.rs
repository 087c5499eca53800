//! Typed errors of the library. Each variant carries the context a user needs to act on it
//! (the file, the rule id, the reason); the CLI edge wraps them with `anyhow`.

use std::path::PathBuf;

/// Everything that can go wrong inside the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is empty after decoding.
    #[error("empty page")]
    EmptyPage,
    /// The input looks like a binary file (image, PDF, archive), not HTML.
    #[error("not HTML: the bytes look like a binary file")]
    Binary,
    /// The page parsed, but no article text could be found in it.
    #[error("no article text found")]
    NoContent,
    /// The page is over a size limit (bytes or DOM nodes): skipped, not cut.
    #[error("too large: {0}")]
    TooLarge(String),
    /// The page's time budget ran out.
    #[error("timeout: extraction took longer than {0:?} (--page-timeout)")]
    Timeout(std::time::Duration),
    /// A bug: extraction panicked on this page. The run goes on with the next page.
    #[error("internal error (please report): {0}")]
    Panic(String),
    /// The HTML engine (the vendored lexbor) failed on this page: out of memory, or a bug
    /// (its status and the step that failed). The run goes on with the next page.
    #[error("HTML engine failure (please report): {0}")]
    Engine(String),
    /// A rule file could not be read; the I/O error is the source (`{:#}` and [`chain`] print
    /// it after the message).
    #[error("cannot read rule file {path}")]
    RuleIo {
        /// The rule file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A rule file is not valid TOML or has unknown fields; what the TOML parser said (with
    /// the line) is the source (`{:#}` and [`chain`] print it after the message).
    #[error("invalid rule file {path}")]
    RuleParse {
        /// The rule file.
        path: PathBuf,
        /// What the TOML parser said.
        source: toml::de::Error,
    },
    /// A rule inside a file is invalid (bad CSS selector or regex).
    #[error("invalid rule `{rule}` in {path}: {message}")]
    RuleInvalid {
        /// The rule file.
        path: PathBuf,
        /// The rule id or field.
        rule: String,
        /// What is wrong with it.
        message: String,
    },
    /// Another process holds a run lock (an extraction rank's output in `-o DIR/`): this run
    /// did nothing (exit code 5). A crawl's is `crate::crawl::CrawlError::Busy`.
    #[error("{0}")]
    StateBusy(String),
    /// Output could not be written (no underlying error to keep).
    #[error("{0}")]
    Io(String),
}

impl Error {
    /// An I/O error of taking a run lock or opening what it guards: another process holding
    /// the lock ([`std::io::ErrorKind::ResourceBusy`], see `crate::output::lock`) is
    /// [`Error::StateBusy`] (exit 5), anything else [`Error::Io`] with `context`.
    pub fn from_lock(e: std::io::Error, context: impl std::fmt::Display) -> Error {
        if e.kind() == std::io::ErrorKind::ResourceBusy {
            Error::StateBusy(e.to_string())
        } else {
            Error::Io(format!("{context}: {e}"))
        }
    }
}

/// An error and its causes, `: `-separated (`writing output: disk full`): for messages
/// that are text, such as error records and the summary's notes.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cause = c.source();
    }
    s
}

/// Library result type.
pub type Result<T> = std::result::Result<T, Error>;
