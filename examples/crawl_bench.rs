//! Crawl benchmark on a loopback web: `cargo run --release --example crawl_bench -- [HOSTS]
//! [ARTICLES] [RATE] [--state DB] [--max-pages N]` (default 200 hosts × 50 articles at 5
//! requests/s per host, state in memory). With `--state` the SQLite store holds the frontier
//! (the file is removed first, so every run starts a new crawl); its size is reported.
//!
//! The politeness bound: a host needing `n` requests at `rate` per second cannot be done in
//! less than `(n - 1) / rate` seconds, and hosts run in parallel, so the crawl cannot end
//! before the busiest host's bound. Reported: achieved fraction of that bound, pages/s,
//! CPU ms per page (user + system of the whole process, server included), peak RSS.

#[path = "common/bench_args.rs"]
mod bench_args;
#[path = "common/cpu.rs"]
mod cpu;

use bench_args::BenchArgs;
use cpu::cpu_seconds;
use newsharvest::crawl::engine::DiscardSink;
use newsharvest::crawl::fetch::ResolveRule;
use newsharvest::crawl::{self, CrawlConfig, Stats};
use newsharvest::serve::{Server, SyntheticWeb};
use newsharvest::Rules;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

fn peak_rss_mib() -> f64 {
    newsharvest::eval::peak_rss_kib().map_or(0.0, |kib| kib as f64 / 1024.0)
}

fn main() -> anyhow::Result<()> {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let args = BenchArgs::parse(all);
    let (hosts, articles, rate) = (args.hosts, args.articles, args.rate);
    let state = args.flag("--state").map(std::path::PathBuf::from);
    let max_pages: Option<u64> = args.flag("--max-pages").and_then(|n| n.parse().ok());
    if let Some(p) = &state {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", p.display()));
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let web = SyntheticWeb { hosts, articles };
        let names = web.host_names();
        let server = Server::start(Arc::new(web)).await?;
        let seeds = names
            .iter()
            .map(|h| url::Url::parse(&format!("http://{h}/")))
            .collect::<Result<Vec<_>, _>>()?;
        let mut cfg = CrawlConfig::new(seeds, "newsharvest-bench/1.0".into());
        cfg.rate = rate;
        cfg.state = state.clone();
        cfg.max_pages = max_pages;
        cfg.feeds = false;
        cfg.concurrency = 64;
        cfg.resolve = names
            .iter()
            .map(|h| ResolveRule {
                host: h.clone(),
                port: 80,
                addr: server.addr(),
            })
            .collect();
        let cpu0 = cpu_seconds();
        let (_tx, rx) = watch::channel(false);
        let stats = Arc::new(Mutex::new(Stats::default()));
        let rules = Arc::new(Rules::bundled()?);
        let st = crawl::crawl(cfg, rules, Box::new(DiscardSink), stats, rx).await?;
        let cpu = cpu_seconds() - cpu0;
        let log = server.log();
        let mut per_host: HashMap<&str, usize> = HashMap::new();
        for r in &log {
            *per_host.entry(r.host.as_str()).or_default() += 1;
        }
        let busiest = per_host.values().copied().max().unwrap_or(1);
        let bound_s = (busiest.saturating_sub(1)) as f64 / rate;
        let gap = std::time::Duration::from_secs_f64(1.0 / rate);
        let violations = newsharvest::serve::spacing_violations(&log, &|_| gap).len();
        println!(
            "hosts {hosts} × articles {articles} at {rate}/s per host: {} requests ({busiest} on the busiest host), \
             {} pages, {} articles, {} errors in {:.2}s",
            log.len(),
            st.pages_fetched,
            st.articles,
            st.errors,
            st.elapsed_s
        );
        println!(
            "politeness bound {:.2}s → achieved {:.3} of the bound; {:.1} pages/s (bound {:.1}); \
             CPU {:.2} ms/page (client + server); peak RSS {:.1} MiB; spacing violations {violations}",
            bound_s,
            bound_s / st.elapsed_s,
            st.pages_fetched as f64 / st.elapsed_s,
            hosts as f64 * rate,
            cpu * 1000.0 / st.pages_fetched.max(1) as f64,
            peak_rss_mib()
        );
        if let Some(p) = &state {
            // SAFETY: a read of SQLite's global memory statistics; no arguments to misuse.
            let sqlite = unsafe { rusqlite::ffi::sqlite3_memory_highwater(0) } as f64 / 1048576.0;
            println!("SQLite's own memory, high-water: {sqlite:.1} MiB");
            let size: u64 = ["", "-wal"]
                .iter()
                .filter_map(|ext| std::fs::metadata(format!("{}{ext}", p.display())).ok())
                .map(|m| m.len())
                .sum();
            println!(
                "state {}: {:.1} MiB (with its WAL); stopped by {}, {} URLs left queued",
                p.display(),
                size as f64 / (1024.0 * 1024.0),
                st.stopped_by,
                st.work_left
            );
        }
        anyhow::Ok(())
    })
}
