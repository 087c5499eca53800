//! `crawl --dry-run`: the resolved settings as a `--config` file (TOML that `crawl --config`
//! reads back to the same settings), then, as TOML comments, what the state holds and the
//! discovery plan per seed host (`crate::crawl::plan`: robots.txt is read, with its
//! `Sitemap:` lines; no page is fetched, no state is created or migrated).

use super::exit::ExitCode;
use crate::crawl::config::CrawlConfig;
use crate::crawl::discover::{CONVENTIONAL_FEEDS, CONVENTIONAL_SITEMAPS};
use crate::crawl::plan::{self, HostPlan, RobotsPlan};
use crate::crawl::robots::Answer;
use crate::crawl::state::backend::StateBackend;
use crate::crawl::state::sqlite;
use anyhow::Context;
use std::io::Write;

/// Print the settings, the state and the plan of `cfg` (already resolved) to stdout.
pub fn dry_run(cfg: &CrawlConfig) -> anyhow::Result<ExitCode> {
    let plans = super::runtime::runtime()?
        .block_on(plan::plan(cfg))
        .context("planning the crawl")?;
    // Written, not printed: `| head` ends the output, not the process with a panic.
    let mut w = std::io::stdout().lock();
    writeln!(
        w,
        "# newsharvest crawl --dry-run: the resolved settings; this output is a --config file.\n"
    )?;
    write!(w, "{}", cfg.to_toml()?)?;
    writeln!(w)?;
    write_state(&mut w, cfg)?;
    writeln!(w, "# discovery plan:")?;
    for p in &plans {
        write_host(&mut w, p, cfg)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What the state holds and what the run would do with it (read only: an old JSON Lines
/// state is migrated by the crawl, not by a dry run).
fn write_state(w: &mut impl Write, cfg: &CrawlConfig) -> anyhow::Result<()> {
    match cfg.state_backend() {
        StateBackend::Sqlite(p) if sqlite::is_legacy_jsonl(&p) => writeln!(
            w,
            "# state: {} (JSON Lines of an earlier version: the crawl migrates it to SQLite, keeping it as .bak)",
            p.display()
        )?,
        StateBackend::Sqlite(p) if p.exists() => {
            let opened = StateBackend::Sqlite(p.clone()).open()?;
            let s = opened.store.summary()?;
            let next = if s.queued > 0 {
                format!("continues round {} ({} URLs queued)", s.round, s.queued)
            } else {
                format!("starts round {}", s.round + 1)
            };
            writeln!(
                w,
                "# state: {} — {next}; {} written, {} failed, {} shards",
                p.display(),
                s.written,
                s.failed,
                s.shards
            )?;
        }
        StateBackend::Sqlite(p) => writeln!(w, "# state: {} (created on the first run)", p.display())?,
        StateBackend::Memory | StateBackend::Redis(_) => {
            writeln!(w, "# state: none (in memory; nothing is kept after the run)")?
        }
    }
    Ok(())
}

/// One seed host's plan.
fn write_host(w: &mut impl Write, p: &HostPlan, cfg: &CrawlConfig) -> std::io::Result<()> {
    let host = &p.host;
    let conventional = CONVENTIONAL_SITEMAPS.join(", ");
    match &p.robots {
        RobotsPlan::Rules {
            status,
            crawl_delay,
            seed_allowed,
            sitemaps,
        } => {
            let seed_ok = if *seed_allowed {
                "allowed"
            } else {
                "DISALLOWED by robots.txt"
            };
            writeln!(
                w,
                "#   {host}: robots.txt {status} (crawl-delay {crawl_delay:?}); seed {seed_ok}"
            )?;
            if sitemaps.is_empty() {
                writeln!(w, "#     sitemaps: none declared; would try {conventional}")?;
            }
            for sm in sitemaps {
                writeln!(w, "#     sitemap: {sm}")?;
            }
        }
        RobotsPlan::Answer { status, answer } => writeln!(
            w,
            "#   {host}: robots.txt answers {status} ({}); would try sitemaps {conventional}",
            match answer {
                Answer::Retry => "retried, then the host is skipped",
                _ => "everything allowed",
            }
        )?,
        RobotsPlan::Unreachable(e) => writeln!(w, "#   {host}: robots.txt could not be fetched: {e}")?,
    }
    writeln!(
        w,
        "#     then: the seed {}, its feeds (<link rel=alternate>, else {}), links to depth {}",
        p.seed,
        CONVENTIONAL_FEEDS.join(", "),
        cfg.max_depth
    )
}
