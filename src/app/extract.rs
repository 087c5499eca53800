//! `newsharvest extract`: saved pages (files, directories, stdin, manifests, WARC files) →
//! records, in JSON Lines or Parquet, to stdout, a file, or this rank's output of `--shard
//! I/N -o DIR/`. Pages are processed in parallel batches on the rayon pool, each record
//! encoded for the output's format in the worker (a JSON line, or the value Parquet
//! shreds), then written in input order. The output formats are `crate::output`'s; the
//! extraction is `crate::process`'s.

use super::cli::ExtractArgs;
use super::{set_threads, ExitCode};
use crate::output::rank::{RankOutput, ShardBy, ShardSpec};
use crate::output::{self, is_dir_output, Compression, Durability, Encoded, Format, RecordWriter};
use crate::{input, process, record, Options, Page, Rules};
use anyhow::{bail, Context};
use rayon::prelude::*;
use std::io::IsTerminal;

/// Pages processed per parallel batch: bounds memory while keeping output order.
const BATCH: usize = 256;
/// WARC payload bytes per batch: a batch of large pages is cut short to keep memory flat
/// (two batches are in memory: one processed, the next one read).
const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// `newsharvest extract`.
pub(super) fn run_extract(a: ExtractArgs) -> anyhow::Result<ExitCode> {
    set_threads(a.threads)?;
    let rules = Rules::load(&a.selectors).context("loading rules")?;
    let shard = a
        .shard
        .as_deref()
        .map(|s| ShardSpec::parse(s, |k| std::env::var(k).ok()))
        .transpose()?;
    let sources = sources(&a, shard)?;
    let inputs = sources.len() as u64;
    let warc_input = sources
        .iter()
        .any(|s| s.path.as_deref().is_some_and(input::is_warc_file));
    let mut out = ExtractOut::open(&a, shard)?;
    let bar = (!a.quiet && std::io::stderr().is_terminal()).then(|| progress_bar(&sources, warc_input));
    let opts = Options {
        explain: a.explain,
        markdown: a.markdown,
        links: a.links,
        article_html: a.article_html,
        limits: a.limits.resolve(&Default::default())?,
    };
    let record_filter = shard.filter(|_| a.shard_by == ShardBy::Record);
    let mut jobs = input::Jobs::new(sources, opts.limits.max_bytes);
    let progress = Progress {
        bar: bar.as_ref(),
        warc_input,
    };
    let (done, failed) = run_batches(&mut jobs, record_filter, &rules, &opts, &mut out, progress)?;
    match out {
        ExtractOut::Stream(o) => o.finish(Durability::Flush)?,
        ExtractOut::Rank(r) => {
            let m = r.finish(failed as u64, inputs)?;
            if let Some(spec) = shard {
                eprintln!(
                    "newsharvest: rank {} of {}: {} records from {inputs} inputs in {}",
                    spec.index, spec.count, m.records, m.output
                );
            }
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if warc_input {
        eprintln!("newsharvest: {}", jobs.warc_counts());
    }
    if failed > 0 {
        eprintln!("newsharvest: {failed} of {done} pages failed");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// The inputs (`--url`, manifests), checked; with `--shard`, this rank's part of them (WARC
/// files with `--shard-by record` are kept whole: their records are divided later).
fn sources(a: &ExtractArgs, shard: Option<ShardSpec>) -> anyhow::Result<Vec<input::Source>> {
    if a.url.is_some() && a.inputs.len() != 1 {
        bail!("--url needs exactly one input");
    }
    let mut sources = input::expand(&a.inputs, a.url.as_deref())?;
    if let Some(m) = &a.manifest {
        sources.extend(input::read_manifest(m)?);
    }
    if sources.is_empty() {
        bail!("no input: give files, directories, `-` or --manifest");
    }
    if let Some(spec) = shard {
        if sources.iter().any(|s| s.path.is_none()) {
            bail!("--shard divides files: stdin (`-`) cannot be sharded");
        }
        if a.output.as_deref().is_some_and(|p| !is_dir_output(p)) {
            // N ranks writing one file would overwrite each other.
            bail!("--shard writes one output per rank: give -o a directory (`DIR/`), or no -o for stdout");
        }
        // Whole files by their path as given; with --shard-by record, WARC files are read
        // by every rank and their records divided in `next_batch`.
        sources.retain(|s| {
            let warc = s.path.as_deref().is_some_and(input::is_warc_file);
            (warc && a.shard_by == ShardBy::Record) || spec.owns(&s.display())
        });
    }
    Ok(sources)
}

/// Process every job in batches and write the records in input order; returns the pages
/// done and the pages that failed (each reported on stderr).
fn run_batches(
    jobs: &mut input::Jobs,
    record_filter: Option<ShardSpec>,
    rules: &Rules,
    opts: &Options,
    out: &mut ExtractOut,
    progress: Progress<'_>,
) -> anyhow::Result<(usize, usize)> {
    let format = out.format();
    let (mut failed, mut done) = (0usize, 0usize);
    let mut batch = next_batch(jobs, record_filter);
    while !batch.is_empty() {
        // The next batch is read (WARC records decompressed) while this one is processed.
        let (results, next) = rayon::join(
            || {
                batch
                    .par_iter()
                    .map(|job| run_job(job, rules, opts, format))
                    .collect::<Vec<_>>()
            },
            || next_batch(jobs, record_filter),
        );
        for r in results {
            done += 1;
            match r {
                Ok(rec) => out.write_encoded(rec)?,
                Err(msg) => {
                    failed += 1;
                    match progress.bar {
                        Some(b) => b.println(format!("newsharvest: skipped {msg}")),
                        None => eprintln!("newsharvest: skipped {msg}"),
                    }
                }
            }
        }
        if let Some(b) = progress.bar {
            if progress.warc_input {
                b.set_position(jobs.bytes_read());
                b.set_message(format!("{done} pages"));
            } else {
                b.set_position(done as u64);
            }
        }
        batch = next;
    }
    Ok((done, failed))
}

/// The progress bar, when stderr is a terminal.
#[derive(Clone, Copy)]
struct Progress<'a> {
    bar: Option<&'a indicatif::ProgressBar>,
    /// Counted in bytes read (WARC inputs), not pages.
    warc_input: bool,
}

/// Pages counted on a bar; with WARC inputs (pages unknown in advance), bytes read.
fn progress_bar(sources: &[input::Source], warc_input: bool) -> indicatif::ProgressBar {
    let (len, template) = if warc_input {
        let bytes = sources.iter().map(input::input_size).sum();
        (
            bytes,
            "{bar:40} {bytes}/{total_bytes} {msg} {bytes_per_sec} eta {eta}",
        )
    } else {
        (
            sources.len() as u64,
            "{bar:40} {pos}/{len} pages {per_sec} eta {eta}",
        )
    };
    let b = indicatif::ProgressBar::new(len);
    b.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    b
}

/// Where `extract` writes: a stream (stdout or `-o FILE`), or a rank's output in `-o DIR/`.
enum ExtractOut {
    Stream(Box<dyn RecordWriter>),
    Rank(RankOutput),
}

impl ExtractOut {
    /// The output `-o`, `--format` and `--compress` ask for.
    fn open(a: &ExtractArgs, shard: Option<ShardSpec>) -> anyhow::Result<ExtractOut> {
        match a.output.as_deref() {
            Some(dir) if is_dir_output(dir) => {
                let compression = Compression::parse(&a.compress)
                    .with_context(|| format!("--compress {}: expected zst, gz or none", a.compress))?;
                let format = Format::for_dir(a.format.unwrap_or_default(), compression);
                let spec = shard.unwrap_or(ShardSpec { index: 0, count: 1 });
                let rank = RankOutput::create(dir, spec, format).map_err(|e| {
                    crate::Error::from_lock(e, format!("creating the output in {}", dir.display()))
                })?;
                Ok(ExtractOut::Rank(rank))
            }
            path => {
                let format = Format::for_file(path, a.format)?;
                let to_stdout = path.is_none_or(|p| p.as_os_str() == "-");
                if format == Format::Parquet && to_stdout && std::io::stdout().is_terminal() {
                    bail!("--format parquet writes binary: give -o FILE.parquet, or redirect stdout");
                }
                let what = path.map_or("stdout".into(), |p| p.display().to_string());
                let w = output::create(path, format).with_context(|| format!("creating {what}"))?;
                Ok(ExtractOut::Stream(w))
            }
        }
    }

    fn format(&self) -> Format {
        match self {
            ExtractOut::Stream(o) => o.format(),
            ExtractOut::Rank(r) => r.format(),
        }
    }

    fn write_encoded(&mut self, record: Encoded) -> Result<(), output::OutputError> {
        match self {
            ExtractOut::Stream(o) => o.write_encoded(record).map(|_| ()),
            ExtractOut::Rank(r) => r.write_encoded(record),
        }
    }
}

/// Up to [`BATCH`] jobs, fewer when their WARC payloads reach [`BATCH_BYTES`]. With
/// `--shard-by record`, only the WARC records (and unreadable-record messages) this rank
/// owns.
fn next_batch(jobs: &mut input::Jobs, shard: Option<ShardSpec>) -> Vec<input::Job> {
    let mut batch = Vec::new();
    let mut bytes = 0;
    while batch.len() < BATCH && bytes < BATCH_BYTES {
        let Some(job) = jobs.next() else { break };
        if let Some(spec) = shard {
            let owned = match &job {
                input::Job::Warc(p) => spec.owns(&p.source_path),
                // Every rank reads every WARC file: each reports what it could not read;
                // page files were divided with the sources.
                input::Job::Bad(_) | input::Job::File(_) => true,
            };
            if !owned {
                continue;
            }
        }
        if let input::Job::Warc(p) = &job {
            bytes += p.body.len();
        }
        batch.push(job);
    }
    batch
}

/// One page → one record encoded for the output's format, or the message for stderr.
fn run_job(job: &input::Job, rules: &Rules, opts: &Options, format: Format) -> Result<Encoded, String> {
    let rec = match job {
        input::Job::File(src) => {
            let bytes = input::read(src, opts.limits.max_bytes).map_err(|e| e.to_string())?;
            let page = Page {
                bytes: &bytes,
                url: src.url.as_deref(),
                ..Default::default()
            };
            let art = process(&page, rules, opts).map_err(|e| format!("{}: {e}", src.display()))?;
            record::to_record(art, src.path.as_ref().map(|p| p.display().to_string()))
        }
        input::Job::Warc(p) => p
            .extract(rules, opts)
            .map_err(|e| format!("{}: {e}", p.source_path))?,
        input::Job::Bad(msg) => return Err(msg.clone()),
    };
    format
        .encode(&rec)
        .map_err(|e| format!("{}: {e}", rec.source_path.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::FormatName;

    #[test]
    fn format_names_pick_the_format_and_a_conflict_is_refused() {
        use std::path::Path;
        let file = |p: &str, asked| Format::for_file(Some(Path::new(p)), asked);
        assert_eq!(file("o.parquet", None).unwrap(), Format::Parquet);
        assert_eq!(
            file("o.jsonl.zst", None).unwrap(),
            Format::Jsonl(Compression::Zstd)
        );
        assert_eq!(
            file("o.PARQUET", Some(FormatName::Parquet)).unwrap(),
            Format::Parquet
        );
        assert!(file("o.jsonl", Some(FormatName::Parquet)).is_err());
        assert!(file("o.parquet", Some(FormatName::Jsonl)).is_err());
        assert_eq!(
            Format::for_file(None, Some(FormatName::Parquet)).unwrap(),
            Format::Parquet
        );
        assert_eq!(
            Format::for_file(Some(Path::new("-")), None).unwrap(),
            Format::Jsonl(Compression::None)
        );
    }
}
