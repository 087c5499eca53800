//! The crawl's [`Sink`] at the CLI edge: records to one file (or stdout) or to rotated
//! shards of `-o DIR/`, in JSON Lines or Parquet, error records to `--errors` (JSON Lines)
//! and, one line each, to stderr (above the progress bar). The files themselves are
//! `crate::output`'s; what is committed when is the engine's (`crate::crawl::engine`).

use crate::crawl::config::CrawlConfig;
use crate::crawl::engine::Publish;
use crate::crawl::{ErrorRecord, Sink};
use crate::model::Record;
use crate::output::jsonl::Output;
use crate::output::lock::LockGuard;
use crate::output::shards::{ShardLimits, Shards};
use crate::output::{Durability, Format, RecordWriter};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Where records go: one file (or stdout), or a directory of rotated shards.
pub enum RecordOut {
    /// `-o FILE`, stdout: JSON Lines records appear as written, and a crash can repeat the
    /// last few in the next run (at-least-once); a Parquet file is readable only once
    /// finished (a killed run's is not).
    File(Box<dyn RecordWriter>),
    /// `-o DIR/`: complete shards only, each published with the state commit that marks
    /// its articles written (exactly-once with `--state`). Opened in `start`.
    Shards {
        /// The directory.
        dir: PathBuf,
        /// `part`, or `part-<worker>` on a shared frontier.
        prefix: String,
        /// Of each shard: JSON Lines (compressed) or Parquet.
        format: Format,
        /// When a shard is complete.
        limits: ShardLimits,
        /// The directory's lock for `prefix`, taken by the crawl's build; the shards hold it
        /// once open, until the sink is dropped.
        lock: Option<LockGuard>,
        /// Open once the crawl starts.
        shards: Option<Box<Shards>>,
    },
}

impl RecordOut {
    /// Shards in `dir` named `prefix-…` in `format`, sized by the settings; `lock` is the
    /// directory's lock when the caller holds it (else the shards take it when opened).
    pub fn shards(
        dir: &Path,
        prefix: String,
        format: Format,
        lock: Option<LockGuard>,
        cfg: &CrawlConfig,
    ) -> RecordOut {
        RecordOut::Shards {
            dir: dir.to_path_buf(),
            prefix,
            format,
            limits: ShardLimits {
                records: cfg.shard_records,
                bytes: cfg.shard_bytes.0,
                ..ShardLimits::default()
            },
            lock,
            shards: None,
        }
    }
}

/// Records to the output, failures to `--errors` and stderr.
pub struct CliSink {
    out: Option<RecordOut>,
    errors: Option<Output>,
    quiet: bool,
    bar: Option<indicatif::ProgressBar>,
}

impl CliSink {
    /// A sink writing records to `out` and error records to `errors` (and, unless `quiet`,
    /// a line each to stderr, above `bar`).
    pub fn new(
        out: RecordOut,
        errors: Option<Output>,
        quiet: bool,
        bar: Option<indicatif::ProgressBar>,
    ) -> CliSink {
        CliSink {
            out: Some(out),
            errors,
            quiet,
            bar,
        }
    }

    fn shards(&mut self) -> Option<&mut Shards> {
        match &mut self.out {
            Some(RecordOut::Shards { shards, .. }) => shards.as_deref_mut(),
            _ => None,
        }
    }

    /// Seal the shard in progress into a publish step (none when no shard is open).
    fn seal(&mut self) -> std::io::Result<Publish> {
        Ok(match self.shards().map(|s| s.seal()).transpose()?.flatten() {
            Some((name, publish)) => Publish::shard(name, publish),
            None => Publish::none(),
        })
    }
}

impl Sink for CliSink {
    fn start(&mut self, committed: Option<&HashSet<String>>) -> std::io::Result<Vec<String>> {
        let Some(RecordOut::Shards {
            dir,
            prefix,
            format,
            limits,
            lock,
            shards,
        }) = &mut self.out
        else {
            return Ok(Vec::new());
        };
        let (s, cleanup) = Shards::open(dir, prefix, *format, *limits, committed, lock.take())?;
        *shards = Some(Box::new(s));
        let mut notes = Vec::new();
        if !cleanup.partial.is_empty() || !cleanup.uncommitted.is_empty() {
            notes.push(format!(
                "removed what a killed run left in {}: {} shards in progress, {} complete but not committed",
                dir.display(),
                cleanup.partial.len(),
                cleanup.uncommitted.len()
            ));
        }
        Ok(notes)
    }

    fn record(&mut self, r: &Record) -> std::io::Result<()> {
        match &mut self.out {
            Some(RecordOut::File(o)) => o.write_record(r).map(|_| ()).map_err(Into::into),
            Some(RecordOut::Shards { shards: Some(s), .. }) => s.write_json(r),
            _ => Ok(()),
        }
    }

    fn error(&mut self, e: &ErrorRecord) -> std::io::Result<()> {
        if !self.quiet {
            let line = format!("newsharvest: {}: {} failed: {}", e.url, e.stage, e.reason);
            match &self.bar {
                Some(b) => b.println(line),
                None => eprintln!("{line}"),
            }
        }
        match &mut self.errors {
            Some(o) => o.write_json(e),
            None => Ok(()),
        }
    }

    fn rotate_due(&self) -> bool {
        matches!(&self.out, Some(RecordOut::Shards { shards: Some(s), .. }) if s.full())
    }

    fn checkpoint(&mut self) -> std::io::Result<Option<Publish>> {
        if let Some(o) = self.errors.as_mut() {
            std::io::Write::flush(o)?;
        }
        match &mut self.out {
            Some(RecordOut::File(o)) => {
                o.flush()?;
                Ok(Some(Publish::none()))
            }
            Some(RecordOut::Shards { shards: Some(s), .. }) if s.full() || s.old() => self.seal().map(Some),
            _ => Ok(None),
        }
    }

    fn finish(&mut self) -> std::io::Result<Publish> {
        if let Some(o) = self.errors.take() {
            o.finish()?;
        }
        match self.out.take() {
            Some(RecordOut::File(o)) => {
                o.finish(Durability::Flush)?;
                Ok(Publish::none())
            }
            // The shards, and with them the directory's lock, stay until the sink is dropped:
            // after the commit that publishes the last shard.
            Some(shards) => {
                self.out = Some(shards);
                self.seal()
            }
            None => Ok(Publish::none()),
        }
    }
}
