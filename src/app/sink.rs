//! The crawl's [`Sink`] at the CLI edge: records to one file (or stdout) or to rotated
//! shards of `-o DIR/`, error records to `--errors` and, one line each, to stderr (above
//! the progress bar). The files themselves are `crate::output`'s; what is committed when is
//! the engine's (`crate::crawl::engine`).

use crate::crawl::config::CrawlConfig;
use crate::crawl::engine::Publish;
use crate::crawl::{ErrorRecord, Sink};
use crate::model::Record;
use crate::output::sink::{Compression, Output, ShardLimits, Shards};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Where records go: one file (or stdout), or a directory of rotated shards.
pub enum RecordOut {
    /// `-o FILE`, stdout: records appear as written; a crash can repeat the last few in
    /// the next run (at-least-once).
    File(Output),
    /// `-o DIR/`: complete shards only, each published with the state commit that marks
    /// its articles written (exactly-once with `--state`). Opened in `start`.
    Shards {
        /// The directory.
        dir: PathBuf,
        /// `part`, or `part-<worker>` on a shared frontier.
        prefix: String,
        /// Of each shard.
        compression: Compression,
        /// When a shard is complete.
        limits: ShardLimits,
        /// Open once the crawl starts.
        shards: Option<Box<Shards>>,
    },
}

impl RecordOut {
    /// Shards in `dir` named `prefix-…`, sized by the settings.
    pub fn shards(dir: &Path, prefix: String, compression: Compression, cfg: &CrawlConfig) -> RecordOut {
        RecordOut::Shards {
            dir: dir.to_path_buf(),
            prefix,
            compression,
            limits: ShardLimits {
                records: cfg.shard_records,
                bytes: cfg.shard_bytes.0,
                ..ShardLimits::default()
            },
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
            compression,
            limits,
            shards,
        }) = &mut self.out
        else {
            return Ok(Vec::new());
        };
        let (s, cleanup) = Shards::open(dir, prefix, *compression, *limits, committed)?;
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
            Some(RecordOut::File(o)) => o.write_json(r),
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
                std::io::Write::flush(o)?;
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
                o.finish()?;
                Ok(Publish::none())
            }
            Some(shards) => {
                self.out = Some(shards);
                let p = self.seal();
                self.out = None;
                p
            }
            None => Ok(Publish::none()),
        }
    }
}
