//! The command line (the `newsharvest` binary and `python -m newsharvest`): parse flags
//! ([`cli`]), run the subcommand (one file per verb: `crawl`, `status`, `demo`; `crawl`'s
//! helpers `dry_run`, `sink`, `metrics`, `signals`, `progress`), map the outcome to an exit
//! code (0 all good, 1 some pages failed or a floor was missed, 2 usage/config error;
//! `crawl` adds 3 nothing could be fetched, 4 a budget stopped it with work left, 5 another
//! crawl holds the state, 130/143 stopped by SIGINT/SIGTERM).

mod cli;
#[cfg(test)]
mod config_docs;
mod crawl;
pub mod demo;
mod dry_run;
mod exit;
mod metrics;
mod progress;
mod runtime;
mod signals;
mod sink;
mod status;

pub use exit::ExitCode;

use crate::output::shards::{RankOutput, ShardBy, ShardSpec};
use crate::output::sink::{is_dir_output, Compression, Output};
use crate::{eval, input, process, record, Options, Page, Rules};
use anyhow::{bail, Context};
use cli::{Command, EvalArgs, ExtractArgs};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};

/// Pages processed per parallel batch: bounds memory while keeping output order.
const BATCH: usize = 256;
/// WARC payload bytes per batch: a batch of large pages is cut short to keep memory flat
/// (two batches are in memory: one processed, the next one read).
const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// Run the command line `args` (the program name first, as `std::env::args_os` gives it)
/// and return its exit code. The `newsharvest` binary is this function.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    init_tracing();
    let cli = match cli::parse(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Extract(a) => run_extract(a),
        Command::Eval(a) => run_eval(a),
        Command::Crawl(a) => crawl::run_crawl(*a),
        Command::Demo(a) => demo::run_demo(a),
        Command::Status(a) => status::run_status(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("newsharvest: error: {e:#}");
            if e.chain().any(|c| {
                matches!(c.downcast_ref::<crate::Error>(), Some(crate::Error::StateBusy(_)))
                    || matches!(
                        c.downcast_ref::<crate::crawl::CrawlError>(),
                        Some(crate::crawl::CrawlError::Busy(_))
                    )
            }) {
                // Another run holds the state: a scheduler's overlapping run, not a mistake.
                return ExitCode::from(5);
            }
            ExitCode::from(2)
        }
    }
}

/// The environment variable with the log filter (`tracing_subscriber`'s syntax:
/// `newsharvest=debug`); without it only warnings and errors of the library are shown.
pub const LOG_ENV: &str = "NEWSHARVEST_LOG";

/// Send the library's `tracing` events to stderr, filtered by [`LOG_ENV`] (default: warnings
/// and errors). The lines the CLI itself prints (`newsharvest: …`) do not go through it.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env(LOG_ENV)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // A second call (the Python package runs the CLI more than once) keeps the first.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn set_threads(n: Option<usize>) -> anyhow::Result<()> {
    if let Some(n) = n {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("thread pool")?;
    }
    Ok(())
}

fn run_extract(a: ExtractArgs) -> anyhow::Result<ExitCode> {
    set_threads(a.threads)?;
    let rules = Rules::load(&a.selectors).context("loading rules")?;
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
    let shard = a
        .shard
        .as_deref()
        .map(|s| ShardSpec::parse(s, |k| std::env::var(k).ok()))
        .transpose()?;
    let dir_output = a.output.as_deref().is_some_and(is_dir_output);
    if let Some(spec) = shard {
        if sources.iter().any(|s| s.path.is_none()) {
            bail!("--shard divides files: stdin (`-`) cannot be sharded");
        }
        if a.output.is_some() && !dir_output {
            // N ranks writing one file would overwrite each other.
            bail!("--shard writes one output per rank: give -o a directory (`DIR/`), or no -o for stdout");
        }
        // Whole files by their path as given; with --shard-by record, WARC files are read
        // by every rank and their records divided below.
        sources.retain(|s| {
            let warc = s.path.as_deref().is_some_and(input::is_warc_file);
            (warc && a.shard_by == ShardBy::Record) || spec.owns(&s.display())
        });
    }
    let record_filter = shard.filter(|_| a.shard_by == ShardBy::Record);
    let inputs = sources.len() as u64;
    let warc_input = sources
        .iter()
        .any(|s| s.path.as_deref().is_some_and(input::is_warc_file));
    let mut out = match &a.output {
        Some(p) if dir_output => {
            let compression = Compression::parse(&a.compress)
                .with_context(|| format!("--compress {}: expected zst, gz or none", a.compress))?;
            let spec = shard.unwrap_or(ShardSpec { index: 0, count: 1 });
            let rank = RankOutput::create(p, spec, compression)
                .map_err(|e| crate::Error::from_lock(e, format!("creating the output in {}", p.display())))?;
            ExtractOut::Rank(rank)
        }
        other => ExtractOut::Stream(Output::open(other.as_deref()).with_context(|| {
            format!(
                "creating {}",
                other
                    .as_ref()
                    .map_or("stdout".into(), |p| p.display().to_string())
            )
        })?),
    };
    let bar = (!a.quiet && std::io::stderr().is_terminal()).then(|| progress_bar(&sources, warc_input));
    let opts = Options {
        explain: a.explain,
        limits: a.limits.resolve(&Default::default())?,
    };
    let (mut failed, mut done) = (0usize, 0usize);
    let mut jobs = input::Jobs::new(sources, opts.limits.max_bytes);
    let mut batch = next_batch(&mut jobs, record_filter);
    while !batch.is_empty() {
        // The next batch is read (WARC records decompressed) while this one is processed.
        let (results, next) = rayon::join(
            || {
                batch
                    .par_iter()
                    .map(|job| run_job(job, &rules, &opts))
                    .collect::<Vec<_>>()
            },
            || next_batch(&mut jobs, record_filter),
        );
        for r in results {
            done += 1;
            match r {
                Ok(line) => out.write_line(&line)?,
                Err(msg) => {
                    failed += 1;
                    match &bar {
                        Some(b) => b.println(format!("newsharvest: skipped {msg}")),
                        None => eprintln!("newsharvest: skipped {msg}"),
                    }
                }
            }
        }
        if let Some(b) = &bar {
            if warc_input {
                b.set_position(jobs.bytes_read());
                b.set_message(format!("{done} pages"));
            } else {
                b.set_position(done as u64);
            }
        }
        batch = next;
    }
    match out {
        ExtractOut::Stream(o) => o.finish()?,
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
    Stream(Output),
    Rank(RankOutput),
}

impl ExtractOut {
    fn write_line(&mut self, line: &str) -> std::io::Result<()> {
        match self {
            ExtractOut::Stream(o) => {
                o.write_all(line.as_bytes())?;
                o.write_all(b"\n")
            }
            ExtractOut::Rank(r) => r.write_line(line),
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

/// One page → one JSON line, or the message for stderr.
fn run_job(job: &input::Job, rules: &Rules, opts: &Options) -> Result<String, String> {
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
    serde_json::to_string(&rec).map_err(|e| format!("{}: {e}", rec.source_path.unwrap_or_default()))
}

fn run_eval(a: EvalArgs) -> anyhow::Result<ExitCode> {
    set_threads(a.threads)?;
    let rules = Rules::load(&a.selectors).context("loading rules")?;
    let floors: std::collections::BTreeMap<String, eval::Floor> = match &a.floors {
        Some(p) => {
            let t = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            toml::from_str(&t).with_context(|| format!("parsing {}", p.display()))?
        }
        None => Default::default(),
    };
    let mut preds = a
        .predictions
        .as_ref()
        .map(|p| {
            std::fs::File::create(p)
                .with_context(|| format!("creating {}", p.display()))
                .map(std::io::BufWriter::new)
        })
        .transpose()?;
    let mut per_page = a
        .per_page
        .as_ref()
        .map(|p| {
            std::fs::File::create(p)
                .with_context(|| format!("creating {}", p.display()))
                .map(std::io::BufWriter::new)
        })
        .transpose()?;
    let mut scores = Vec::new();
    for d in &a.datasets {
        let (score, pages, records) =
            eval::run_dataset(d, &rules).with_context(|| format!("dataset {}", d.display()))?;
        if let Some(w) = &mut preds {
            for r in records.iter().flatten() {
                serde_json::to_writer(&mut *w, r)?;
                w.write_all(b"\n")?;
            }
        }
        if let Some(w) = &mut per_page {
            for p in &pages {
                serde_json::to_writer(&mut *w, p)?;
                w.write_all(b"\n")?;
            }
        }
        scores.push(score);
    }
    if let Some(w) = &mut preds {
        w.flush()?;
    }
    if let Some(w) = &mut per_page {
        w.flush()?;
    }
    let mut stdout = std::io::stdout().lock();
    if a.json {
        writeln!(stdout, "{}", serde_json::to_string_pretty(&scores)?)?;
    } else {
        write!(stdout, "{}", eval::table(&scores))?;
        if let Some(kib) = eval::peak_rss_kib() {
            writeln!(
                stdout,
                "\npeak RSS {:.1} MiB; pages/s/core = pages / summed process() wall time on {} threads",
                kib as f64 / 1024.0,
                rayon::current_num_threads()
            )?;
        }
    }
    let fails = eval::check_floors(&scores, &floors);
    for f in &fails {
        eprintln!("newsharvest: eval floor missed: {f}");
    }
    Ok(if fails.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
