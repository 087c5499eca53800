//! Many crawl workers on one Redis frontier (`crawl --frontier … --job …`), run as a
//! deployment runs them: separate processes of the binary, one real `redis-server`, a
//! loopback web of 20 hosts. Every article once across all workers' shards, politeness
//! global (the minimum gap between two requests to one host over all workers is at least
//! the interval), every worker doing a share; a SIGKILLed worker's leases fetched by the
//! others after the lease timeout; a Redis restart waited out.
//!
//! `redis-server` must be installed (`.ci/run` installs it). Set `NEWSHARVEST_TEST_REDIS`
//! to a running server's URL to use it for the tests that do not restart Redis.

mod common;

use common::jobs::{code, run, shard_records, site, stats, tmp, urls, Site};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` of the test's own, on a free loopback port, persisting to an
/// append-only file fsynced at every write (what a job's Redis should do).
struct Redis {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl Redis {
    fn start(name: &str) -> Redis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut r = Redis {
            child: None,
            port,
            dir: tmp(&format!("redis-{name}")),
        };
        r.spawn();
        r
    }

    fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "yes", "--appendfsync", "always"])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server not found: install it (apt-get install redis-server); .ci/run does");
        self.child = Some(child);
        let t = Instant::now();
        while !self.answers() {
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn answers(&self) -> bool {
        use std::io::{Read, Write};
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
        let mut buf = [0u8; 16];
        s.write_all(b"PING\r\n").is_ok() && s.read(&mut buf).is_ok_and(|n| buf[..n].starts_with(b"+PONG"))
    }

    /// SIGTERM (Redis flushes its append-only file), wait for the exit.
    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").arg(c.id().to_string()).status();
            let _ = c.wait();
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The server for a test that does not restart it: `NEWSHARVEST_TEST_REDIS` (from
/// `.ci/run`) or one of its own.
fn shared_redis(name: &str) -> (String, Option<Redis>) {
    match std::env::var("NEWSHARVEST_TEST_REDIS") {
        Ok(u) if !u.is_empty() => (u, None),
        _ => {
            let r = Redis::start(name);
            (r.url(), Some(r))
        }
    }
}

/// A unique job name (tests may share one Redis).
fn job(name: &str) -> String {
    format!("{name}-{}-{}", std::process::id(), rand_suffix())
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
}

/// 20 hosts with `n` articles each.
fn hosts(n: usize) -> Vec<(String, usize)> {
    (0..20).map(|i| (format!("site{i:02}.test"), n)).collect()
}

/// One worker of the job: its own user agent (to tell its requests apart in the server's
/// log), id and stats file; all write into `out`.
fn worker(
    site: &Site,
    rate: u32,
    frontier: &str,
    job: &str,
    id: &str,
    out: &Path,
    extra: &[&str],
) -> Command {
    let mut cmd = site.command(rate, extra);
    cmd.arg("--frontier")
        .arg(frontier)
        .arg("--job")
        .arg(job)
        .arg("--worker-id")
        .arg(id)
        .arg("--user-agent")
        .arg(format!("newsharvest-test/{id}"))
        .arg("-o")
        .arg(format!("{}/", out.display()))
        .arg("--stats")
        .arg(out.join(format!("stats-{id}.json")));
    if !extra.contains(&"--shard-records") {
        cmd.args(["--shard-records", "10"]);
    }
    cmd
}

/// Every article URL of the web.
fn all_articles(hosts: &[(String, usize)]) -> HashSet<String> {
    hosts
        .iter()
        .flat_map(|(h, n)| (0..*n).map(move |i| format!("http://{h}/news/{i}/")))
        .collect()
}

/// Each article exactly once across all shards; no shard in progress left behind.
fn assert_exactly_once(out: &Path, expected: &HashSet<String>) {
    let records = shard_records(out);
    let got = urls(&records);
    let mut count: HashMap<&str, usize> = HashMap::new();
    for u in &got {
        *count.entry(u.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = count.iter().filter(|(_, n)| **n > 1).map(|(u, _)| *u).collect();
    assert!(twice.is_empty(), "written more than once: {twice:?}");
    let got: HashSet<String> = got.into_iter().collect();
    let missing: Vec<_> = expected.difference(&got).collect();
    assert!(
        missing.is_empty(),
        "{} articles missing, e.g. {:?}",
        missing.len(),
        missing.iter().take(5).collect::<Vec<_>>()
    );
    let leftovers: Vec<String> = std::fs::read_dir(out)
        .expect("out")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "shards in progress left: {leftovers:?}");
}

/// The smallest gap between two requests to one host, over all workers together.
fn min_gap(site: &Site) -> (Duration, String) {
    let mut by_host: HashMap<String, Vec<Instant>> = HashMap::new();
    for r in site.log() {
        by_host.entry(r.host.clone()).or_default().push(r.at);
    }
    let mut best = (Duration::MAX, String::new());
    for (h, mut ts) in by_host {
        ts.sort();
        for w in ts.windows(2) {
            let g = w[1] - w[0];
            if g < best.0 {
                best = (g, h.clone());
            }
        }
    }
    best
}

/// Requests each worker sent (by user agent).
fn requests_by_worker(site: &Site) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for r in site.log() {
        *out.entry(r.user_agent.clone()).or_default() += 1;
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_share_a_job_with_global_politeness() {
    let (url, _redis) = shared_redis("three");
    let h = hosts(12);
    let names: Vec<(&str, usize)> = h.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    let site = site(&names).await;
    let out = tmp("frontier-three");
    let job = job("three");
    // 20 per second per host: every host's requests at least 50 ms apart, over all workers.
    let rate = 20;
    let children: Vec<_> = ["w1", "w2", "w3"]
        .iter()
        .map(|id| tokio::spawn(run(worker(&site, rate, &url, &job, id, &out, &[]))))
        .collect();
    let mut outputs = Vec::new();
    for c in children {
        outputs.push(c.await.expect("join"));
    }
    for (o, id) in outputs.iter().zip(["w1", "w2", "w3"]) {
        assert_eq!(code(o), 0, "{id}: {}", String::from_utf8_lossy(&o.stderr));
    }
    assert_exactly_once(&out, &all_articles(&h));
    let (gap, host) = min_gap(&site);
    let interval = Duration::from_millis(1000 / u64::from(rate));
    assert!(
        gap >= interval,
        "two requests to {host} only {gap:?} apart (interval {interval:?})"
    );
    // Every worker did a share of the work (the web is far more than one host's worth).
    let by = requests_by_worker(&site);
    for id in ["w1", "w2", "w3"] {
        let n = by.get(&format!("newsharvest-test/{id}")).copied().unwrap_or(0);
        assert!(n >= 10, "{id} sent only {n} requests: {by:?}");
        let st = stats(&out.join(format!("stats-{id}.json")));
        assert!(st["frontier_round_trips"].as_u64().unwrap_or(0) > 0);
    }
    // status reads the job: finished, every article written.
    let o = run({
        let mut c = Command::new(env!("CARGO_BIN_EXE_newsharvest"));
        c.args(["status", "--frontier", &url, "--job", &job, "--json"]);
        c
    })
    .await;
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("status json");
    assert_eq!(v["written"].as_u64(), Some(240), "{v}");
    assert_eq!(v["queued"].as_u64(), Some(0), "{v}");
    assert_eq!(v["frontier"]["workers"].as_array().map(Vec::len), Some(0), "{v}");
    assert_eq!(v["hosts"].as_array().map(Vec::len), Some(20), "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkilled_workers_leases_are_fetched_by_the_others() {
    sigkilled_worker("kill", &[]).await;
}

/// The same with Parquet shards (`part-<worker>-00012.parquet`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkilled_workers_leases_are_fetched_by_the_others_with_parquet_shards() {
    let out = sigkilled_worker("kill-parquet", &["--format", "parquet"]).await;
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("part-"))
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| n.ends_with(".parquet")),
        "{names:?}"
    );
}

/// Three workers with `extra` arguments, one SIGKILLed once it has fetched a few
/// articles: every article once in the shared directory, what the victim had in hand
/// fetched again by the others. Returns the directory.
async fn sigkilled_worker(name: &str, extra: &[&str]) -> PathBuf {
    let (url, _redis) = shared_redis(name);
    let h = hosts(15);
    let names: Vec<(&str, usize)> = h.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    let site = site(&names).await;
    let out = tmp(&format!("frontier-{name}"));
    let job = job(name);
    let lease: Vec<&str> = ["--lease-timeout", "2s"].iter().chain(extra).copied().collect();
    // The victim commits nothing before it is killed (its shards would hold 1,000).
    let victim_args: Vec<&str> = lease
        .iter()
        .chain(&["--shard-records", "1000"])
        .copied()
        .collect();
    let victim = worker(&site, 10, &url, &job, "victim", &out, &victim_args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let others: Vec<_> = ["s1", "s2"]
        .iter()
        .map(|id| tokio::spawn(run(worker(&site, 10, &url, &job, id, &out, &lease))))
        .collect();
    // Killed once it has fetched a few articles (however slow the machine).
    let t = Instant::now();
    while site
        .log()
        .iter()
        .filter(|r| r.user_agent.ends_with("/victim") && r.path.starts_with("/news/"))
        .count()
        < 5
    {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the victim fetched no articles"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let killed_at = Instant::now();
    let pid = victim.id();
    let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    let mut victim = victim;
    let _ = victim.wait();
    for (c, id) in others.into_iter().zip(["s1", "s2"]) {
        let o = c.await.expect("join");
        assert_eq!(code(&o), 0, "{id}: {}", String::from_utf8_lossy(&o.stderr));
    }
    assert_exactly_once(&out, &all_articles(&h));
    // What the victim fetched and did not commit was fetched again by a survivor, after
    // its lease ran out.
    let committed: HashSet<String> = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("part-victim-"))
        .flat_map(|e| {
            let dir = tmp(&format!("frontier-{name}-one"));
            std::fs::copy(e.path(), dir.join(e.file_name())).expect("copy");
            urls(&shard_records(&dir))
        })
        .collect();
    let log = site.log();
    let lost: HashSet<String> = log
        .iter()
        .filter(|r| r.user_agent.ends_with("/victim") && r.path.starts_with("/news/"))
        .map(|r| format!("http://{}{}", r.host, r.path))
        .filter(|u| !committed.contains(u))
        .collect();
    assert!(
        !lost.is_empty(),
        "the victim had nothing in hand when killed: test too fast"
    );
    for u in &lost {
        let again = log.iter().any(|r| {
            !r.user_agent.ends_with("/victim")
                && format!("http://{}{}", r.host, r.path) == *u
                && r.at >= killed_at
        });
        assert!(
            again,
            "{u}: fetched by the killed worker, never again by the others"
        );
    }
    let (gap, host) = min_gap(&site);
    assert!(
        gap >= Duration::from_millis(100),
        "two requests to {host} only {gap:?} apart"
    );
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_wait_out_a_redis_restart() {
    let mut redis = Redis::start("restart");
    let url = redis.url();
    let h = hosts(12);
    let names: Vec<(&str, usize)> = h.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    let site = site(&names).await;
    let out = tmp("frontier-restart");
    let job = job("restart");
    let lease = ["--lease-timeout", "10s"];
    let workers: Vec<_> = ["r1", "r2"]
        .iter()
        .map(|id| tokio::spawn(run(worker(&site, 10, &url, &job, id, &out, &lease))))
        .collect();
    // Stopped mid-crawl, once the workers are under way (however slow the machine).
    let t = Instant::now();
    while site.log().len() < 30 {
        assert!(t.elapsed() < Duration::from_secs(30), "the workers did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = site.log().len();
    redis.stop();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    redis.spawn();
    for (c, id) in workers.into_iter().zip(["r1", "r2"]) {
        let o = c.await.expect("join");
        assert_eq!(code(&o), 0, "{id}: {}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(
        before > 0 && site.log().len() > before + 50,
        "the crawl did not go on after the restart"
    );
    assert_exactly_once(&out, &all_articles(&h));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_worker_with_a_live_id_exits_5() {
    let (url, _redis) = shared_redis("busy");
    let h = hosts(3);
    let names: Vec<(&str, usize)> = h.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    let site = site(&names).await;
    let out = tmp("frontier-busy");
    let job = job("busy");
    let first = tokio::spawn(run(worker(&site, 5, &url, &job, "same", &out, &[])));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = run(worker(&site, 5, &url, &job, "same", &out, &[])).await;
    assert_eq!(code(&second), 5, "{}", String::from_utf8_lossy(&second.stderr));
    let first = first.await.expect("join");
    assert_eq!(code(&first), 0, "{}", String::from_utf8_lossy(&first.stderr));
    assert_exactly_once(&out, &all_articles(&h));
}

/// The commit protocol through the library: a worker dies inside a shard's commit, after
/// its prepared entry; whoever finds it dead settles the shard by whether it was renamed
/// into place: renamed → its articles are written; not renamed → its temporary file is
/// removed (so the rename can never happen) and its articles are queued again.
#[test]
fn a_dead_workers_prepared_shard_is_settled_by_whether_it_was_renamed() {
    use newsharvest::crawl::state::frontier::{Item, Kind, Via};
    use newsharvest::crawl::state::redis_store::{FrontierConfig, RedisStore};
    use newsharvest::crawl::state::store::{Claim, Outcome, SharedFrontier, StateStore, Written};
    let (url, _redis) = shared_redis("fence");
    for renamed in [false, true] {
        let job = job(if renamed { "fence-renamed" } else { "fence-undone" });
        let dir = tmp(&format!("fence-{renamed}"));
        let cfg = |w: &str| FrontierConfig {
            url: url.clone(),
            job: job.clone(),
            worker: w.into(),
            lease: Duration::from_millis(500),
            shard_dir: Some(dir.clone()),
            exclusive: false,
            gap: Duration::from_secs(1),
        };
        let now = chrono_now();
        let a = RedisStore::connect(cfg("a")).expect("connect");
        a.begin(now, None).expect("begin");
        let pages = ["http://h.test/news/1/", "http://h.test/news/2/"];
        let items: Vec<(String, Item)> = pages
            .iter()
            .map(|p| {
                let u = url::Url::parse(p).expect("url");
                ("h.test".to_string(), Item::new(u, Kind::Page, Via::Seed, 0))
            })
            .collect();
        a.push_many(&items).expect("push");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        let claim_all = |s: &RedisStore| -> Vec<String> {
            let mut got = Vec::new();
            let t = Instant::now();
            while t.elapsed() < Duration::from_secs(3) {
                match rt.block_on(s.claim(1)).expect("claim") {
                    Claim::Items(items) => {
                        for c in items {
                            got.push(c.item.url.to_string());
                            rt.block_on(s.release(&c.host, Duration::ZERO)).expect("release");
                        }
                    }
                    Claim::Wait(_) => std::thread::sleep(Duration::from_millis(5)),
                    Claim::Empty => break,
                }
            }
            got.sort();
            got
        };
        assert_eq!(claim_all(&a), pages);
        let written: Vec<Written> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                a.outcome(p, Outcome::Pending, now).expect("outcome");
                Written {
                    url: p.to_string(),
                    id: format!("id{i}"),
                    content_hash: format!("hash{i}"),
                    revision: 1,
                    signature: Vec::new(),
                    duplicate: false,
                }
            })
            .collect();
        let name = "part-a-00000.jsonl.zst";
        let (part, dest) = (dir.join(format!(".{name}.tmp")), dir.join(name));
        std::fs::write(&part, b"two records").expect("write");
        let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            a.commit(
                &written,
                Some(name),
                &mut || {
                    if renamed {
                        std::fs::rename(&part, &dest)?;
                    }
                    panic!("killed inside the commit");
                },
                now,
            )
        }));
        assert!(died.is_err());
        drop(a); // its heartbeat stops
        std::thread::sleep(Duration::from_millis(700));
        let b = RedisStore::connect(cfg("b")).expect("connect");
        b.begin(now, None).expect("begin");
        let s = b.summary().expect("summary");
        assert!(!part.exists(), "the temporary shard is left");
        if renamed {
            assert!(dest.exists());
            assert_eq!(s.written, 2, "{s:?}");
            assert!(b.shards().expect("shards").contains(name));
            assert!(claim_all(&b).is_empty());
        } else {
            assert!(!dest.exists());
            assert_eq!(s.written, 0, "{s:?}");
            assert!(b.shards().expect("shards").is_empty());
            assert_eq!(claim_all(&b), pages, "the articles are queued again");
        }
        b.leave().expect("leave");
    }
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A worker killed and started again at once with the same id (systemd's restart, a pod
/// restarted in place) settles its earlier life first: its leases are queued again and its
/// shards kept, without waiting for the lease to run out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_restarted_with_its_id_settles_its_earlier_life() {
    let (url, _redis) = shared_redis("again");
    let h = hosts(10);
    let names: Vec<(&str, usize)> = h.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    let site = site(&names).await;
    let out = tmp("frontier-again");
    let job = job("again");
    // A lease far longer than the test: only settling at start can finish it in time.
    let lease = ["--lease-timeout", "10m"];
    let mut first = worker(&site, 10, &url, &job, "same", &out, &lease)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    tokio::time::sleep(Duration::from_millis(900)).await;
    let _ = Command::new("kill")
        .args(["-KILL", &first.id().to_string()])
        .status();
    let _ = first.wait();
    let t = Instant::now();
    let again = run(worker(&site, 10, &url, &job, "same", &out, &lease)).await;
    assert_eq!(code(&again), 0, "{}", String::from_utf8_lossy(&again.stderr));
    assert!(
        t.elapsed() < Duration::from_secs(30),
        "waited for the lease: {:?}",
        t.elapsed()
    );
    assert_exactly_once(&out, &all_articles(&h));
}

/// Only the worker holding a host releases it: a stale or replayed release by another
/// worker does not let a third fetch the host while the holder's request is in flight.
#[test]
fn only_the_holder_releases_a_host() {
    use newsharvest::crawl::state::frontier::{Item, Kind, Via};
    use newsharvest::crawl::state::redis_store::{FrontierConfig, RedisStore};
    use newsharvest::crawl::state::store::{Claim, SharedFrontier, StateStore};
    let (url, _redis) = shared_redis("holder");
    let job = job("holder");
    let cfg = |w: &str| FrontierConfig {
        url: url.clone(),
        job: job.clone(),
        worker: w.into(),
        lease: Duration::from_secs(30),
        shard_dir: None,
        exclusive: false,
        gap: Duration::from_secs(1),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let (x, y) = (
        RedisStore::connect(cfg("x")).expect("x"),
        RedisStore::connect(cfg("y")).expect("y"),
    );
    x.begin(chrono_now(), None).expect("begin");
    y.begin(chrono_now(), None).expect("begin");
    let items: Vec<(String, Item)> = (1..=2)
        .map(|n| {
            let u = url::Url::parse(&format!("http://h.test/news/{n}/")).expect("url");
            ("h.test".to_string(), Item::new(u, Kind::Page, Via::Seed, 0))
        })
        .collect();
    x.push_many(&items).expect("push");
    let Claim::Items(got) = rt.block_on(x.claim(4)).expect("claim") else {
        panic!("nothing claimed")
    };
    assert_eq!(got.len(), 1, "one URL per host");
    // y does not hold h.test: its release changes nothing.
    rt.block_on(y.release("h.test", Duration::ZERO)).expect("release");
    assert!(matches!(rt.block_on(y.claim(4)).expect("claim"), Claim::Wait(_)));
    // The holder's release makes it due after the gap.
    rt.block_on(x.release("h.test", Duration::ZERO)).expect("release");
    std::thread::sleep(Duration::from_millis(10)); // the release rounds up to the next ms
    assert!(matches!(rt.block_on(y.claim(4)).expect("claim"), Claim::Items(v) if v.len() == 1));
    y.leave().expect("leave");
    // x dies holding a host (its hold lasts the 30 s lease); x started again with its id
    // and its shard lock settles the earlier life, and the host is due after the gap.
    let more: Vec<(String, Item)> = (3..=4)
        .map(|n| {
            let u = url::Url::parse(&format!("http://k.test/news/{n}/")).expect("url");
            ("k.test".to_string(), Item::new(u, Kind::Page, Via::Seed, 0))
        })
        .collect();
    x.push_many(&more).expect("push");
    assert!(matches!(rt.block_on(x.claim(4)).expect("claim"), Claim::Items(v) if v.len() == 1));
    drop(x);
    let mut again = cfg("x");
    again.exclusive = true;
    again.gap = Duration::from_millis(300);
    let x2 = RedisStore::connect(again).expect("x again");
    x2.begin(chrono_now(), None)
        .expect("begin settles the earlier life");
    let t = Instant::now();
    loop {
        match rt.block_on(x2.claim(4)).expect("claim") {
            Claim::Items(v) => {
                assert!(!v.is_empty());
                break;
            }
            Claim::Wait(_) => std::thread::sleep(Duration::from_millis(20)),
            Claim::Empty => panic!("the earlier life's lease was lost"),
        }
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "the host stayed held by the dead worker"
        );
    }
    assert!(
        t.elapsed() >= Duration::from_millis(250),
        "due before the gap: {:?}",
        t.elapsed()
    );
    x2.leave().expect("leave");
}
