//! `newsharvest crawl`: the settings resolved (the `--config` file, the flags over it), then
//! `--dry-run` ([`super::dry_run`]) or the crawl: the run locks (taken once, by
//! [`CrawlConfig::build`], before any file is opened), the sink over the output files
//! ([`super::sink`]), a tokio runtime, signals, the progress bar, the metrics file, the
//! summary and the exit code (0 fine, 1 some failures, 2 usage, 3 nothing could be fetched,
//! 4 a budget stopped it with work left, 5 another crawl holds the state, 130/143 signals).

use super::cli::CrawlArgs;
use super::exit::ExitCode;
use super::sink::{CliSink, RecordOut};
use super::{metrics, progress, signals};
use crate::crawl::config::units::{self, ByteSize, Pattern};
use crate::crawl::{self, CrawlConfig, Stats, StopReason};
use crate::output::jsonl::Output;
use crate::output::{self, Format};
use crate::Rules;
use anyhow::Context;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The settings of a `crawl` command line: its `--config` file (or the defaults), the flags
/// over it, checked ([`CrawlConfig::resolve`]).
pub fn settings(a: &CrawlArgs) -> anyhow::Result<CrawlConfig> {
    let mut cfg = match &a.config {
        Some(p) => CrawlConfig::from_file(p)?,
        None => CrawlConfig::default(),
    };
    overlay(a, &mut cfg)?;
    Ok(cfg.resolve()?)
}

/// A flag's text as the unit it stands for, the error naming the flag.
fn parsed<T>(flag: &str, s: &str, parse: impl Fn(&str) -> Result<T, units::UnitError>) -> anyhow::Result<T> {
    parse(s).with_context(|| flag.to_string())
}

/// The flags over the file's settings: a value flag replaces the file's value, a list flag
/// (seeds, `--include`, `--exclude`, `--resolve`, `--selectors`) comes before the file's
/// entries, a switch turns on (`--no-sitemaps`, `--no-feeds`: off) what the file left.
/// Every `crawl` flag that is a setting is here, once.
pub fn overlay(a: &CrawlArgs, cfg: &mut CrawlConfig) -> anyhow::Result<()> {
    overlay_lists(a, cfg)?;
    overlay_values(a, cfg)
}

/// The list flags: seeds (then the file's, then `--seeds FILE`'s), `--include`,
/// `--exclude`, `--resolve`, `--selectors`, each before the file's entries.
fn overlay_lists(a: &CrawlArgs, cfg: &mut CrawlConfig) -> anyhow::Result<()> {
    let mut seeds = a
        .seeds
        .iter()
        .map(|s| units::parse_seed(s))
        .collect::<Result<Vec<_>, _>>()?;
    seeds.append(&mut cfg.seeds);
    if let Some(p) = &a.seeds_file {
        let t = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        for line in t
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            seeds.push(units::parse_seed(line).with_context(|| format!("in {}", p.display()))?);
        }
    }
    cfg.seeds = seeds;
    let prepend =
        |flags: Vec<Pattern>, file: &mut Vec<Pattern>| flags.into_iter().chain(file.drain(..)).collect();
    let include = a.include.iter().map(|r| parsed("--include", r, Pattern::parse));
    cfg.include = prepend(include.collect::<anyhow::Result<_>>()?, &mut cfg.include);
    let exclude = a.exclude.iter().map(|r| parsed("--exclude", r, Pattern::parse));
    cfg.exclude = prepend(exclude.collect::<anyhow::Result<_>>()?, &mut cfg.exclude);
    let mut resolve = a
        .resolve
        .iter()
        .map(|r| Ok(units::parse_resolve(r)?))
        .collect::<anyhow::Result<Vec<_>>>()?;
    resolve.append(&mut cfg.resolve);
    cfg.resolve = resolve;
    cfg.selectors = a
        .selectors
        .iter()
        .cloned()
        .chain(cfg.selectors.drain(..))
        .collect();
    Ok(())
}

/// The value flags and switches.
fn overlay_values(a: &CrawlArgs, cfg: &mut CrawlConfig) -> anyhow::Result<()> {
    macro_rules! value {
        ($($f:ident),* $(,)?) => { $( if let Some(v) = &a.$f { cfg.$f = v.clone(); } )* };
    }
    macro_rules! optional {
        ($($f:ident),* $(,)?) => { $( if let Some(v) = &a.$f { cfg.$f = Some(v.clone()); } )* };
    }
    macro_rules! switch {
        ($($f:ident),* $(,)?) => { $( cfg.$f |= a.$f; )* };
    }
    value!(
        rate,
        per_host_concurrency,
        concurrency,
        max_depth,
        user_agent,
        max_body,
        retries
    );
    value!(
        max_redirects,
        max_barren_per_pattern,
        max_barren_per_host,
        max_barren_per_prefix,
        threads,
        shard_records,
        compress
    );
    optional!(
        format, output, errors, page_log, stats, metrics, warc, state, frontier, job, worker_id, max_pages
    );
    switch!(
        drop_duplicates,
        emit_all,
        allow_private,
        explain,
        markdown,
        links,
        article_html
    );
    cfg.sitemaps &= !a.no_sitemaps;
    cfg.feeds &= !a.no_feeds;

    let duration = |flag: &str, s: &str| parsed(flag, s, units::parse_duration);
    if let Some(t) = &a.max_time {
        cfg.max_time = Some(duration("--max-time", t)?);
    }
    if let Some(t) = &a.recrawl_after {
        cfg.recrawl_after = Some(duration("--recrawl-after", t)?);
    }
    if let Some(t) = &a.lease_timeout {
        cfg.lease_timeout = duration("--lease-timeout", t)?;
    }
    if let Some(t) = a.timeout {
        cfg.timeout = std::time::Duration::try_from_secs_f64(t).context("--timeout")?;
    }
    if let Some(t) = a.connect_timeout {
        cfg.connect_timeout = std::time::Duration::try_from_secs_f64(t).context("--connect-timeout")?;
    }
    if let Some(s) = &a.since {
        cfg.since = Some(parsed("--since", s, units::parse_since)?);
    }
    if let Some(b) = &a.shard_bytes {
        cfg.shard_bytes = parsed("--shard-bytes", b, ByteSize::parse)?;
    }
    let l = &a.limits;
    if let Some(s) = &l.max_page_size {
        cfg.max_page_size = parsed("--max-page-size", s, ByteSize::parse)?;
    }
    if let Some(n) = l.max_nodes {
        cfg.max_nodes = n;
    }
    if let Some(n) = l.max_nesting {
        cfg.max_nesting = n;
    }
    if let Some(t) = &l.page_timeout {
        cfg.page_timeout = duration("--page-timeout", t)?;
    }
    Ok(())
}

/// `newsharvest crawl`.
pub fn run_crawl(a: CrawlArgs) -> anyhow::Result<ExitCode> {
    let cfg = settings(&a)?;
    if a.dry_run {
        if cfg.frontier.is_some() {
            anyhow::bail!(
                "--dry-run reads a --state; for a frontier use `newsharvest status --frontier … --job …`"
            );
        }
        return super::dry_run::dry_run(&cfg);
    }
    let format = cfg.output_format()?;
    let to_stdout = cfg.output.as_deref().is_none_or(|p| p.as_os_str() == "-");
    if format == Format::Parquet && to_stdout && std::io::stdout().is_terminal() {
        anyhow::bail!("--format parquet writes binary: give -o FILE.parquet or -o DIR/, or redirect stdout");
    }
    // The locks before anything is opened or written: a refused run (exit 5) changes nothing.
    let mut built = cfg.build()?;
    // Taken once: the shards hold the directory's lock from here (see `Built`).
    let shard_lock = built.take_shard_lock();
    let cfg = &built.config;
    let rules = Arc::new(Rules::load(&cfg.selectors).context("loading rules")?);
    let bar = progress::bar(a.quiet);
    let out = match cfg.shard_dir() {
        Some(dir) => RecordOut::shards(dir, cfg.shard_prefix(), format, shard_lock, cfg),
        None => {
            let w = output::create(cfg.output.as_deref(), format).context("opening the output")?;
            RecordOut::File(w)
        }
    };
    let errors = cfg
        .errors
        .as_deref()
        .map(|p| Output::open(Some(p)).with_context(|| format!("creating {}", p.display())))
        .transpose()?;
    let sink = CliSink::new(out, errors, a.quiet, bar.clone());
    let (metrics_path, stats_path) = (cfg.metrics.clone(), cfg.stats.clone());
    let rt = super::runtime::runtime()?;
    let metrics_task_path = metrics_path.clone();
    let st = rt.block_on(async move {
        let stop = signals::listen();
        let stats = Arc::new(Mutex::new(Stats::default()));
        let ticker = progress::spawn_ticker(bar.clone(), stats.clone());
        let metrics = metrics_task_path.map(|p| metrics::spawn(p, stats.clone()));
        let res = crawl::engine::run(built, rules, Box::new(sink), stats, stop).await;
        ticker.abort();
        if let Some(m) = metrics {
            m.abort();
        }
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        res
    })?;
    eprintln!("newsharvest: {}", st.summary());
    if let Some(p) = &stats_path {
        write_stats(p, &st)?;
    }
    let code = code_number(&st);
    if let Some(p) = &metrics_path {
        metrics::write(p, &st, false, Some(code)).with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(ExitCode::from(code))
}

fn write_stats(path: &Path, st: &Stats) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(st)?;
    std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))
}

/// The crawl's exit code (also reported in the metrics): 130/143 after a signal, 4 when a
/// budget stopped it with work left (the next run with the same state goes on), 2 when the
/// state failed, 3 when nothing answered, 1 when some URLs failed, else 0.
pub fn code_number(st: &Stats) -> u8 {
    if let Some(code) = signals::exit_code() {
        return code;
    }
    if st.stopped_by.is_budget() && st.work_left > 0 {
        return 4;
    }
    // The state failed mid-run (a full disk, Redis gone longer than its outage window, a
    // worker fenced): what was committed stands; the next run continues from it.
    if st.stopped_by == StopReason::StateError {
        return 2;
    }
    // 304 Not Modified is an answer too: an incremental run may get nothing else.
    let ok: u64 = st.by_status.range(200..300).map(|(_, n)| n).sum::<u64>()
        + st.by_status.get(&304).copied().unwrap_or(0);
    // A worker of a shared frontier that found nothing to claim sent nothing: not an error.
    let idle_worker = st.frontier_round_trips > 0 && st.requests == 0;
    if ok == 0 && !idle_worker {
        3
    } else if st.errors > 0 {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// The `crawl` arguments of a command line.
    fn args(line: &[&str]) -> CrawlArgs {
        #[derive(Parser)]
        struct Wrap {
            #[command(flatten)]
            a: CrawlArgs,
        }
        Wrap::parse_from(std::iter::once("crawl").chain(line.iter().copied())).a
    }

    #[test]
    fn flags_win_over_the_file_and_lists_add_up() {
        let dir = crate::test_dir("crawl-settings");
        let file = dir.join("c.toml");
        std::fs::write(
            &file,
            "seeds = [\"http://b.test/\"]\nrate = 3.0\nretries = 5\ninclude = [\"/b/\"]\nsitemaps = false\nmax_time = \"2h\"\n",
        )
        .unwrap();
        let c = settings(&args(&[
            "http://a.test/",
            "--config",
            file.to_str().unwrap(),
            "--rate",
            "7",
            "--include",
            "/a/",
            "--no-feeds",
        ]))
        .unwrap();
        let seeds: Vec<&str> = c.seeds.iter().map(|u| u.as_str()).collect();
        assert_eq!(seeds, ["http://a.test/", "http://b.test/"]);
        assert_eq!((c.rate, c.retries), (7.0, 5));
        let inc: Vec<&str> = c.include.iter().map(|p| p.as_str()).collect();
        assert_eq!(inc, ["/a/", "/b/"]);
        assert!(!c.sitemaps && !c.feeds);
        assert_eq!(c.max_time, Some(std::time::Duration::from_secs(7200)));
    }

    #[test]
    fn the_dry_run_config_reads_back_to_the_same_settings() {
        let dir = crate::test_dir("crawl-roundtrip");
        let first = settings(&args(&[
            "http://a.test/",
            "http://b.test/news/",
            "--rate",
            "0.5",
            "--max-time",
            "1h30m",
            "--since",
            "2026-11-01T06:00:00+01:00",
            "--include",
            "/news/",
            "--exclude",
            "\\?page=",
            "--resolve",
            "a.test:80:127.0.0.1:8080",
            "--no-feeds",
            "--emit-all",
            "--page-log",
            "pages.jsonl",
            "--shard-bytes",
            "64MiB",
            "--page-timeout",
            "0",
            "--max-page-size",
            "500KB",
            "--timeout",
            "2.5",
            "--recrawl-after",
            "7d",
            "--state",
            "s.db",
            "-o",
            "out/",
            "--explain",
        ]))
        .unwrap();
        let file = dir.join("frozen.toml");
        std::fs::write(&file, first.to_toml().unwrap()).unwrap();
        let again = settings(&args(&["--config", file.to_str().unwrap()])).unwrap();
        assert_eq!(again, first, "{}", first.to_toml().unwrap());
    }

    #[test]
    fn the_format_flag_wins_over_the_file_and_reads_back() {
        let dir = crate::test_dir("crawl-format");
        let file = dir.join("c.toml");
        std::fs::write(
            &file,
            "seeds = [\"http://a.test/\"]\nformat = \"parquet\"\noutput = \"out/\"\n",
        )
        .unwrap();
        let from_file = settings(&args(&["--config", file.to_str().unwrap()])).unwrap();
        assert_eq!(from_file.output_format().unwrap(), Format::Parquet);
        let frozen = dir.join("frozen.toml");
        std::fs::write(&frozen, from_file.to_toml().unwrap()).unwrap();
        let again = settings(&args(&["--config", frozen.to_str().unwrap()])).unwrap();
        assert_eq!(again, from_file);
        let c = settings(&args(&["--config", file.to_str().unwrap(), "--format", "jsonl"])).unwrap();
        assert_eq!(
            c.output_format().unwrap(),
            Format::Jsonl(crate::output::Compression::Zstd)
        );
        let e = settings(&args(&["--config", file.to_str().unwrap(), "--compress", "gz"])).unwrap_err();
        assert!(format!("{e:#}").contains("--compress gz"), "{e:#}");
    }

    #[test]
    fn bad_values_name_their_flag() {
        for (line, flag) in [
            (vec!["http://a.test/", "--max-time", "soon"], "--max-time"),
            (vec!["http://a.test/", "--include", "("], "--include"),
            (vec!["http://a.test/", "--compress", "lzma"], "--compress"),
        ] {
            let e = settings(&args(&line)).unwrap_err();
            assert!(format!("{e:#}").contains(flag), "{e:#}");
        }
        assert!(settings(&args(&["http://a.test/", "--rate", "0"])).is_err());
        assert!(settings(&args(&[])).is_err(), "no seeds");
    }

    #[test]
    fn exit_codes_follow_the_stop_reason() {
        let mut st = Stats::default();
        st.by_status.insert(200, 3);
        assert_eq!(code_number(&st), 0);
        st.errors = 1;
        assert_eq!(code_number(&st), 1);
        st.stopped_by = StopReason::MaxPages;
        st.work_left = 5;
        assert_eq!(code_number(&st), 4);
        st.stopped_by = StopReason::StateError;
        assert_eq!(code_number(&st), 2);
        let nothing = Stats::default();
        assert_eq!(code_number(&nothing), 3);
    }
}
