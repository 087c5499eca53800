//! The command line (the `newsharvest` binary and `python -m newsharvest`): parse flags,
//! run the subcommand, map the outcome to an exit
//! code (0 all good, 1 some pages failed or a floor was missed, 2 usage/config error;
//! `crawl` adds 3 nothing could be fetched, 4 a budget stopped it with work left, 5 another
//! crawl holds the state, 130/143 stopped by SIGINT/SIGTERM).

mod cli;
mod crawl_cmd;
pub mod demo;
mod extract;

use crate::{eval, Rules};
use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command, EvalArgs};
use std::io::Write;

/// A process exit code (`std::process::ExitCode` hides its number, which the Python
/// package's `python -m newsharvest` needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitCode(pub u8);

impl ExitCode {
    /// 0.
    pub const SUCCESS: ExitCode = ExitCode(0);
}

impl From<u8> for ExitCode {
    fn from(c: u8) -> ExitCode {
        ExitCode(c)
    }
}

/// Run the command line `args` (the program name first, as `std::env::args_os` gives it)
/// and return its exit code. The `newsharvest` binary is this function.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
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
        Command::Crawl(a) => crawl_cmd::run_crawl(*a),
        Command::Demo(a) => crawl_cmd::run_demo(a),
        Command::Status(a) => crawl_cmd::run_status(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("newsharvest: error: {e:#}");
            if e.chain()
                .any(|c| matches!(c.downcast_ref::<crate::Error>(), Some(crate::Error::StateBusy(_))))
            {
                // Another run holds the state: a scheduler's overlapping run, not a mistake.
                return ExitCode::from(5);
            }
            ExitCode::from(2)
        }
    }
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
