//! Where a crawl's records go: the [`Sink`] trait the engine's writer thread calls, in
//! order, with records, error records and page entries; [`Publish`], how a checkpoint's records become
//! visible; and [`DiscardSink`] for benchmarks. The files themselves (JSONL, shards) are the
//! caller's (`crate::app` implements `Sink` over `crate::output`).

use crate::crawl::page_log::PageEntry;
use crate::crawl::stats::ErrorRecord;
use crate::model::Record;
use std::collections::HashSet;

/// Where records and error records go. Called from one writer thread, in order.
pub trait Sink: Send + 'static {
    /// An article record.
    fn record(&mut self, r: &Record) -> std::io::Result<()>;
    /// A URL that failed.
    fn error(&mut self, e: &ErrorRecord) -> std::io::Result<()>;
    /// A fetched page's fate: its type and evidence, whether its record was written (after
    /// the record itself), and why not. One call per fetched page, also for those without
    /// a record (`--page-log` writes the same entries).
    fn page(&mut self, e: &PageEntry) -> std::io::Result<()> {
        let _ = e;
        Ok(())
    }
    /// Called once before the crawl writes: `committed` holds the shards a persistent
    /// state has committed (`None` without one), so that leftovers of a killed run can be
    /// cleaned. Returns notes for the summary.
    fn start(&mut self, committed: Option<&HashSet<String>>) -> std::io::Result<Vec<String>> {
        let _ = committed;
        Ok(Vec::new())
    }
    /// Make every record written so far durable (without ending the output). The returned
    /// [`Publish`] makes them visible (a complete shard renamed into place); the crawl runs
    /// it inside the state transaction that marks these articles written. `None`: nothing
    /// is durable yet (a shard still in progress), the records stay uncommitted.
    fn checkpoint(&mut self) -> std::io::Result<Option<Publish>>;
    /// End of the crawl: finish the output durably (compression trailers, the last shard).
    fn finish(&mut self) -> std::io::Result<Publish>;
    /// The output wants a checkpoint now (a shard is full). Checked after every write.
    fn rotate_due(&self) -> bool {
        false
    }
}

/// A sink that drops records and logs error records (benchmarks).
pub struct DiscardSink;

impl Sink for DiscardSink {
    fn record(&mut self, _: &Record) -> std::io::Result<()> {
        Ok(())
    }
    fn error(&mut self, e: &ErrorRecord) -> std::io::Result<()> {
        tracing::warn!(url = %e.url, kind = %e.kind, reason = %e.reason, "error");
        Ok(())
    }
    fn checkpoint(&mut self) -> std::io::Result<Option<Publish>> {
        Ok(Some(Publish::none()))
    }
    fn finish(&mut self) -> std::io::Result<Publish> {
        Ok(Publish::none())
    }
}

/// How a checkpoint's records become visible: nothing to do for a single output file, a
/// rename for a complete shard.
#[derive(Default)]
pub struct Publish {
    /// The published shard's file name, if any.
    pub name: Option<String>,
    action: Option<Box<dyn FnMut() -> std::io::Result<()> + Send>>,
}

impl Publish {
    /// Nothing to publish: what was written is visible already.
    pub fn none() -> Publish {
        Publish::default()
    }

    /// Publish the shard `name` by running `action` (a rename and a directory sync).
    pub fn shard(name: String, action: impl FnMut() -> std::io::Result<()> + Send + 'static) -> Publish {
        Publish {
            name: Some(name),
            action: Some(Box::new(action)),
        }
    }

    /// Run it (once).
    pub fn run(&mut self) -> std::io::Result<()> {
        match self.action.take() {
            Some(mut a) => a(),
            None => Ok(()),
        }
    }
}
