//! `newsharvest status`: what a crawl state holds, for people and schedulers: the round
//! and whether it finished, the frontier's counts, per host what is queued, written and
//! failed and when it is next due; on a shared frontier also the workers and their leases.
//! The state is chosen as the crawl chooses it ([`CrawlConfig::state_backend`]) and only
//! read: no lock, no worker registers.

use super::cli::StatusArgs;
use super::exit::ExitCode;
use crate::crawl::config::CrawlConfig;
use crate::crawl::state::backend::{OpenedState, StateBackend};
use crate::crawl::state::sqlite;
use crate::crawl::state::store::{HostSummary, Summary};
use anyhow::bail;
use std::io::Write;

/// The worker name `status` uses on a shared frontier (it never registers).
const STATUS_WORKER: &str = "status";

/// `newsharvest status --state crawl.db` or `--frontier redis://… --job NAME`.
pub fn run_status(a: StatusArgs) -> anyhow::Result<ExitCode> {
    let cfg = CrawlConfig {
        state: a.state.clone(),
        frontier: a.frontier.clone(),
        job: a.job.clone(),
        worker_id: Some(STATUS_WORKER.into()),
        ..CrawlConfig::default()
    };
    let backend = cfg.state_backend();
    match &backend {
        StateBackend::Sqlite(p) if !p.exists() => {
            bail!("no state at {} (crawl --state creates it)", p.display())
        }
        StateBackend::Sqlite(p) if sqlite::is_legacy_jsonl(p) => bail!(
            "{} is a JSON Lines state of an earlier version: the next crawl --state migrates it to SQLite (status only reads)",
            p.display()
        ),
        StateBackend::Memory => bail!("status needs --state FILE or --frontier URL --job NAME"),
        _ => {}
    }
    let opened = backend.open()?;
    let s = opened.store.summary()?;
    let mut w = std::io::stdout().lock();
    match &backend {
        StateBackend::Redis(f) => frontier_status(&mut w, &f.url, &opened, &s, a.json)?,
        _ => state_status(&mut w, &cfg, &opened, &s, a.json)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The per-host table.
fn write_hosts(
    w: &mut impl Write,
    hosts: &[HostSummary],
    due: impl Fn(&HostSummary) -> String,
) -> std::io::Result<()> {
    writeln!(
        w,
        "  {:<40} {:>9} {:>9} {:>7}  next due",
        "host", "queued", "written", "failed"
    )?;
    for h in hosts {
        writeln!(
            w,
            "  {:<40} {:>9} {:>9} {:>7}  {}",
            h.host,
            h.queued,
            h.written,
            h.failed,
            due(h)
        )?;
    }
    Ok(())
}

/// A SQLite state: the round, the counts, per host (as a table or JSON).
fn state_status(
    w: &mut impl Write,
    cfg: &CrawlConfig,
    opened: &OpenedState,
    s: &Summary,
    json: bool,
) -> anyhow::Result<()> {
    let path = cfg
        .state
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let size = opened.size_bytes.unwrap_or(0);
    let now = chrono::Utc::now().timestamp();
    let next_due = |h: &HostSummary| match h.blocked_until {
        Some(t) if t > now => {
            chrono::DateTime::from_timestamp(t, 0).map_or(t.to_string(), |d| d.to_rfc3339())
        }
        _ => "now".to_string(),
    };
    if json {
        let hosts: Vec<serde_json::Value> = s
            .hosts
            .iter()
            .map(|h| {
                serde_json::json!({
                    "host": h.host, "queued": h.queued, "written": h.written, "failed": h.failed,
                    "next_due": next_due(h), "blocked_until": h.blocked_until,
                })
            })
            .collect();
        let v = serde_json::json!({
            "state": path,
            "schema_version": s.schema_version,
            "round": s.round,
            "round_finished": s.queued == 0,
            "queued": s.queued, "written": s.written, "done": s.done, "failed": s.failed, "shards": s.shards,
            "size_bytes": size,
            "hosts": hosts,
        });
        writeln!(w, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(());
    }
    writeln!(
        w,
        "state {path} (schema {}, {:.1} MiB): round {} {}",
        s.schema_version,
        size as f64 / (1024.0 * 1024.0),
        s.round,
        if s.queued == 0 {
            "finished"
        } else {
            "unfinished: the next run continues it"
        }
    )?;
    writeln!(
        w,
        "  frontier: {} queued · {} written · {} done (listings, sitemaps, unchanged) · {} failed · {} shards",
        s.queued, s.written, s.done, s.failed, s.shards
    )?;
    write_hosts(w, &s.hosts, next_due)?;
    Ok(())
}

/// A shared frontier: the job's queues, leases, workers and per-host next due time.
fn frontier_status(
    w: &mut impl Write,
    url: &str,
    opened: &OpenedState,
    s: &Summary,
    json: bool,
) -> anyhow::Result<()> {
    let prefix = opened.key_prefix.clone().unwrap_or_default();
    let f = s.frontier.clone().unwrap_or_default();
    let now_ms = chrono::Utc::now().timestamp_millis();
    let due = |h: &HostSummary| match h.next_due_ms {
        Some(t) if t > now_ms => format!("in {:.1}s", (t - now_ms) as f64 / 1000.0),
        _ => "now".to_string(),
    };
    if json {
        let mut v = serde_json::to_value(s)?;
        v["keys"] = serde_json::Value::String(format!("{prefix}*"));
        v["round_finished"] = serde_json::Value::Bool(s.queued == 0);
        writeln!(w, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(());
    }
    writeln!(
        w,
        "job {} on {url} (keys {prefix}*): round {} {}",
        f.job,
        s.round,
        if s.queued == 0 { "finished" } else { "unfinished" }
    )?;
    writeln!(
        w,
        "  frontier: {} queued or leased ({} fetching, {} waiting for a commit, {} shards being committed) · {} written · {} done · {} failed · {} shards",
        s.queued, f.fetching, f.pending, f.prepared, s.written, s.done, s.failed, s.shards
    )?;
    writeln!(
        w,
        "  hosts: {} with queued URLs, {} due now",
        f.hosts_queued, f.hosts_due_now
    )?;
    writeln!(
        w,
        "  {:<36} {:>10} {:>9} {:>8}  state",
        "worker", "heartbeat", "fetching", "pending"
    )?;
    for k in &f.workers {
        writeln!(
            w,
            "  {:<36} {:>9.1}s {:>9} {:>8}  {}",
            k.id,
            k.heartbeat_age_s,
            k.fetching,
            k.pending,
            if k.draining { "finishing" } else { "working" }
        )?;
    }
    write_hosts(w, &s.hosts, due)?;
    Ok(())
}
