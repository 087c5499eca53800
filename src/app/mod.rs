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
mod extract;
mod metrics;
mod progress;
mod runtime;
mod signals;
mod sink;
mod status;

pub use exit::ExitCode;

use crate::{eval, Rules};
use anyhow::Context;
use cli::{Command, EvalArgs};
use std::io::Write;

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
        Command::Extract(a) => extract::run_extract(a),
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
        write!(stdout, "{}", eval::page_type_tables(&scores))?;
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
