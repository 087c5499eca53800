//! The tokio runtime of the verbs that crawl or fetch (`crawl`, `--dry-run`, `demo`).

use anyhow::Context;

/// A multi-threaded runtime with I/O and timers.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}
