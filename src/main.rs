//! The `newsharvest` binary: parse flags, run the subcommand, map the outcome to an exit
//! code (0 all good, 1 some pages failed or a floor was missed, 2 usage/config error;
//! `crawl` adds 3 nothing could be fetched, 130/143 stopped by SIGINT/SIGTERM).

mod cli;
mod crawl_cmd;

use anyhow::{bail, Context};
use clap::Parser;
use cli::{Cli, Command, EvalArgs, ExtractArgs};
use newsharvest::{eval, input, process, record, Options, Page, Rules};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Pages processed per parallel batch: bounds memory while keeping output order.
const BATCH: usize = 256;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
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
        Command::Crawl(a) => crawl_cmd::run_crawl(*a),
        Command::Demo(a) => crawl_cmd::run_demo(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("newsharvest: error: {e:#}");
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
    let out: Box<dyn Write> = match &a.output {
        Some(p) => Box::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::new(out);
    let bar = (!a.quiet && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(sources.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} pages {per_sec} eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let opts = Options { explain: a.explain };
    let mut failed = 0usize;
    for batch in sources.chunks(BATCH) {
        let results: Vec<Result<String, String>> = batch
            .par_iter()
            .map(|src| {
                let bytes = input::read(src).map_err(|e| e.to_string())?;
                let page = Page {
                    bytes: &bytes,
                    url: src.url.as_deref(),
                    ..Default::default()
                };
                let art = process(&page, &rules, &opts).map_err(|e| format!("{}: {e}", src.display()))?;
                let rec = record::to_record(art, src.path.as_ref().map(|p| p.display().to_string()));
                serde_json::to_string(&rec).map_err(|e| format!("{}: {e}", src.display()))
            })
            .collect();
        for r in results {
            match r {
                Ok(line) => {
                    out.write_all(line.as_bytes())?;
                    out.write_all(b"\n")?;
                }
                Err(msg) => {
                    failed += 1;
                    match &bar {
                        Some(b) => b.println(format!("newsharvest: skipped {msg}")),
                        None => eprintln!("newsharvest: skipped {msg}"),
                    }
                }
            }
            if let Some(b) = &bar {
                b.inc(1);
            }
        }
    }
    out.flush()?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if failed > 0 {
        eprintln!("newsharvest: {failed} of {} pages failed", sources.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
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
