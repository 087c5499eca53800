//! Scale-out benchmark: N crawl worker processes on one Redis frontier against a loopback
//! web. `cargo run --release --example frontier_bench -- [HOSTS] [ARTICLES] [RATE]
//! [--workers 1,2,4] [--redis URL]` (default 200 hosts × 50 articles at 5 requests/s per
//! host; without `--redis` a `redis-server` of its own is started on a free port).
//!
//! For each worker count a new job crawls the whole web; the web's server (in this
//! process) logs every request. Reported: the politeness bound (the busiest host's
//! requests at the per-host rate, `(n - 1) / rate`) against the wall time, pages/s, Redis
//! round trips per page (summed over the workers), the smallest gap between two requests to
//! one host over all workers, and requests closer than the interval.

#[path = "common/bench_args.rs"]
mod bench_args;

use bench_args::BenchArgs;
use newsharvest::crawl::engine::DiscardSink;
use newsharvest::crawl::fetch::ResolveRule;
use newsharvest::crawl::{self, CrawlConfig, Stats};
use newsharvest::serve::{Server, SyntheticWeb};
use newsharvest::Rules;
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// One worker process: `frontier_bench worker REDIS JOB ID ADDR HOSTS RATE`; prints its
/// stats as one JSON line.
fn worker(args: &[String]) -> anyhow::Result<()> {
    let [redis, job, id, addr, hosts, rate] = args else {
        anyhow::bail!("worker REDIS JOB ID ADDR HOSTS RATE");
    };
    let addr: std::net::SocketAddr = addr.parse()?;
    let hosts: usize = hosts.parse()?;
    let rate: f64 = rate.parse()?;
    let names = SyntheticWeb { hosts, articles: 0 }.host_names();
    let seeds = names
        .iter()
        .map(|h| url::Url::parse(&format!("http://{h}/")))
        .collect::<Result<Vec<_>, _>>()?;
    let mut cfg = CrawlConfig::new(seeds, "newsharvest-bench/1.0".into());
    cfg.rate = rate;
    cfg.feeds = false;
    cfg.concurrency = 64;
    cfg.resolve = names
        .iter()
        .map(|h| ResolveRule {
            host: h.clone(),
            port: 80,
            addr,
        })
        .collect();
    cfg.frontier = Some(redis.clone());
    cfg.job = Some(job.clone());
    cfg.worker_id = Some(id.clone());
    let threads: usize = std::env::var("BENCH_RT_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(2);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?;
    let st = rt.block_on(async move {
        let (_tx, rx) = watch::channel(false);
        let stats = Arc::new(Mutex::new(Stats::default()));
        let rules = Arc::new(Rules::bundled()?);
        anyhow::Ok(crawl::crawl(cfg, rules, Box::new(DiscardSink), stats, rx).await?)
    })?;
    println!("{}", serde_json::to_string(&st)?);
    Ok(())
}

/// A `redis-server` on a free loopback port (killed on drop).
struct RedisServer(std::process::Child, String);

impl RedisServer {
    fn start() -> anyhow::Result<RedisServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string(), "--save", ""])
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| anyhow::anyhow!("redis-server: {e} (apt-get install redis-server)"))?;
        let t = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            anyhow::ensure!(
                t.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(RedisServer(child, format!("redis://127.0.0.1:{port}/0")))
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() -> anyhow::Result<()> {
    let all: Vec<String> = std::env::args().skip(1).collect();
    if all.first().map(String::as_str) == Some("worker") {
        return worker(&all[1..]);
    }
    let args = BenchArgs::parse(all);
    let (hosts, articles, rate) = (args.hosts, args.articles, args.rate);
    let counts: Vec<usize> = args
        .flag("--workers")
        .unwrap_or_else(|| "1,2,4".into())
        .split(',')
        .filter_map(|n| n.parse().ok())
        .collect();
    let own = match args.flag("--redis") {
        Some(_) => None,
        None => Some(RedisServer::start()?),
    };
    let redis = args
        .flag("--redis")
        .or_else(|| own.as_ref().map(|r| r.1.clone()))
        .unwrap_or_default();
    let exe = std::env::current_exe()?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let web = SyntheticWeb { hosts, articles };
        let server = Server::start(Arc::new(web)).await?;
        let interval = Duration::from_secs_f64(1.0 / rate);
        for n in counts {
            let job = format!("bench-{n}-{}", std::process::id());
            let before = server.log().len();
            let t0 = Instant::now();
            let children = (0..n)
                .map(|k| {
                    Command::new(&exe)
                        .arg("worker")
                        .args([&redis, &job, &format!("w{k}"), &server.addr().to_string()])
                        .args([hosts.to_string(), rate.to_string()])
                        .stdout(Stdio::piped())
                        .spawn()
                })
                .collect::<Result<Vec<_>, _>>()?;
            let outputs = tokio::task::spawn_blocking(move || {
                children
                    .into_iter()
                    .map(|c| c.wait_with_output())
                    .collect::<Result<Vec<_>, _>>()
            })
            .await??;
            let elapsed = t0.elapsed().as_secs_f64();
            let stats: Vec<serde_json::Value> = outputs
                .iter()
                .filter_map(|o| serde_json::from_slice(&o.stdout).ok())
                .collect();
            anyhow::ensure!(stats.len() == n, "a worker failed");
            let log: Vec<_> = server.log().into_iter().skip(before).collect();
            let mut per_host: HashMap<&str, Vec<Instant>> = HashMap::new();
            for r in &log {
                per_host.entry(r.host.as_str()).or_default().push(r.at);
            }
            let busiest = per_host.values().map(Vec::len).max().unwrap_or(1);
            let mut gaps: Vec<Duration> = per_host
                .values_mut()
                .flat_map(|ts| {
                    ts.sort();
                    ts.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>()
                })
                .collect();
            gaps.sort();
            let first_start = per_host.values().filter_map(|t| t.first()).max().map_or(0.0, |t| (*t - t0).as_secs_f64());
            let longest_span = per_host.values().filter_map(|t| Some((*t.last()? - *t.first()?).as_secs_f64())).fold(0.0, f64::max);
            let last_end = per_host.values().filter_map(|t| t.last()).max().map_or(0.0, |t| (*t - t0).as_secs_f64());
            println!("  latest first request {first_start:.2}s after start; longest host span {longest_span:.2}s; last request at {last_end:.2}s");
            let min_gap = gaps.first().copied().unwrap_or_default();
            let pct = |p: f64| gaps.get(((gaps.len() as f64 * p) as usize).min(gaps.len().saturating_sub(1))).copied().unwrap_or_default().as_secs_f64() * 1000.0;
            println!("  per-host gaps: median {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms; over 300 ms: {}", pct(0.5), pct(0.9), pct(0.99), pct(1.0), gaps.iter().filter(|g| g.as_millis() > 300).count());
            let violations = newsharvest::serve::spacing_violations(&log, &|_| interval).len();
            let bound_s = busiest.saturating_sub(1) as f64 / rate;
            let sum = |k: &str| stats.iter().map(|s| s[k].as_u64().unwrap_or(0)).sum::<u64>();
            let (pages, articles_written, trips) = (sum("pages_fetched"), sum("articles"), sum("frontier_round_trips"));
            let shares: Vec<String> = stats.iter().map(|s| s["requests"].to_string()).collect();
            // The workers' own crawl time (without process start and exit).
            let inner = stats.iter().filter_map(|s| s["elapsed_s"].as_f64()).fold(0.0, f64::max);
            println!(
                "{n} worker(s), {hosts} hosts × {articles} articles at {rate}/s per host: {} requests ({busiest} on the busiest host; per worker {}), {pages} pages, {articles_written} articles in {elapsed:.2}s ({inner:.2}s in the slowest worker's crawl)",
                log.len(),
                shares.join("/")
            );
            println!(
                "  politeness bound {bound_s:.2}s → achieved {:.3} of the bound; {:.1} pages/s (bound {:.1}); {:.1} Redis round trips per page; min per-host gap {:.1} ms (interval {:.1} ms); spacing violations {violations}",
                bound_s / elapsed,
                pages as f64 / elapsed,
                hosts as f64 * rate,
                trips as f64 / pages.max(1) as f64,
                min_gap.as_secs_f64() * 1000.0,
                interval.as_secs_f64() * 1000.0
            );
        }
        anyhow::Ok(())
    })
}
