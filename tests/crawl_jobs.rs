//! Crawl jobs a scheduler can trust, run as a scheduler runs them: the binary with a
//! SQLite state against a loopback site that changes between runs. SIGKILL at random
//! moments leaves every article exactly once in the complete shards; a second run fetches
//! only what is new and asks conditionally for what it saw; `--recrawl-after` writes only
//! what changed; a syndicated copy is marked `duplicate_of`; budgeted runs exit 4 until
//! the last exits 0.

mod common;

use common::jobs::{code, run, shard_records, site, stats, tmp, urls, Site};
use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

impl Site {
    /// `newsharvest crawl` of every host with a state and these extra arguments.
    fn crawl(&self, state: &Path, extra: &[&str]) -> Command {
        self.crawl_at(state, 400, extra)
    }

    /// [`Site::crawl`] at `rate` requests per second per host.
    fn crawl_at(&self, state: &Path, rate: u32, extra: &[&str]) -> Command {
        let mut cmd = self.command(rate, &[]);
        cmd.arg("--state").arg(state).args(extra);
        cmd
    }
}

/// The acceptance test of exactly-once output: SIGKILL at random moments, then runs to
/// completion; every article once across the complete shards, no unreadable line, no
/// shard in progress left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_moments_leaves_every_article_exactly_once() {
    sigkill_at_random_moments("sigkill", &[]).await;
}

/// The same with Parquet shards (`--format parquet`): every shard a complete Parquet file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_moments_leaves_every_article_exactly_once_in_parquet_shards() {
    let names = sigkill_at_random_moments("sigkill-parquet", &["--format", "parquet"]).await;
    assert!(
        names.iter().any(|n| n.ends_with(".parquet")) && !names.iter().any(|n| n.contains(".jsonl")),
        "{names:?}"
    );
}

/// SIGKILL a crawl with `extra` arguments (into its own directory `name`) at random
/// moments, then run it to completion; every article must be once across the complete
/// shards, and the page log of a killed run must hold whole lines. Returns the names in the output directory.
async fn sigkill_at_random_moments(name: &str, extra: &[&str]) -> Vec<String> {
    const ARTICLES: usize = 400;
    // 30 requests a second: a whole crawl takes 14 s, so kills land all along it.
    const RATE: u32 = 30;
    let s = site(&[("jobs.test", ARTICLES)]).await;
    let d = tmp(name);
    let (state, out, pages) = (d.join("crawl.db"), d.join("out"), d.join("pages.jsonl"));
    let out_arg = format!("{}/", out.display());
    let pages_arg = pages.display().to_string();
    let mut args = vec![
        "-o",
        out_arg.as_str(),
        "--shard-records",
        "7",
        "--page-log",
        pages_arg.as_str(),
    ];
    args.extend_from_slice(extra);
    let seed: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(7, |t| t.as_nanos() as u64);
    eprintln!("{name}: kill seed {seed}");
    let mut x = seed | 1;
    let mut kills = 0;
    // Kills that left a shard in progress behind (for the log: kills inside a shard).
    let mut mid_shard = 0;
    let mut finished_early = 0;
    while kills < 20 {
        let mut child = s
            .crawl_at(&state, RATE, &args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let wait = Duration::from_millis(30 + x % 700);
        let done = tokio::task::spawn_blocking(move || {
            std::thread::sleep(wait);
            let ended = child.try_wait().expect("try_wait").is_some();
            if !ended {
                let _ = child.kill(); // SIGKILL
            }
            let _ = child.wait();
            ended
        })
        .await
        .expect("join");
        if done {
            finished_early += 1;
            if finished_early > 40 {
                break;
            }
        } else {
            kills += 1;
            // The page log holds whole lines only, whenever the kill came.
            let log = std::fs::read_to_string(&pages).unwrap_or_default();
            assert!(
                log.is_empty() || log.ends_with('\n'),
                "a page-log line cut by the kill"
            );
            for l in log.lines() {
                assert!(serde_json::from_str::<serde_json::Value>(l).is_ok(), "{l}");
            }
            let partial = std::fs::read_dir(&out).is_ok_and(|r| {
                r.filter_map(Result::ok)
                    .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            });
            mid_shard += usize::from(partial);
        }
    }
    assert!(kills >= 20, "only {kills} kills landed");
    // Then runs to completion: the last one exits 0.
    let mut last = -1;
    for _ in 0..5 {
        let o = run(s.crawl_at(&state, RATE, &args)).await;
        last = code(&o);
        if last == 0 {
            break;
        }
    }
    assert_eq!(last, 0, "a run to completion exits 0");
    let records = shard_records(&out);
    let got = urls(&records);
    let unique: HashSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "an article written twice");
    for i in 0..ARTICLES {
        let u = format!("http://jobs.test/news/{i}/");
        assert!(unique.contains(&u), "{u} lost after {kills} kills");
    }
    assert_eq!(got.len(), ARTICLES);
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    eprintln!(
        "{name}: {kills} kills ({mid_shard} with a shard in progress), {} shards",
        names.len()
    );
    names
}

/// Articles added between two runs: the second fetches only them, and asks conditionally
/// for the sitemap and listing pages it saw (the unchanged archive answers 304).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_fetches_only_new_articles_and_asks_conditionally() {
    let s = site(&[("inc.test", 10)]).await;
    let d = tmp("incremental");
    let state = d.join("crawl.db");
    let first = d.join("first.jsonl");
    let o = run(s.crawl(&state, &["-o", first.to_str().expect("utf-8")])).await;
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(&first).expect("first").lines().count(),
        10
    );
    let before = s.log().len();
    s.web.articles.lock().expect("lock").insert("inc.test".into(), 13);
    let second = d.join("second.jsonl");
    let st = d.join("second.stats.json");
    let o = run(s.crawl(
        &state,
        &[
            "-o",
            second.to_str().expect("utf-8"),
            "--stats",
            st.to_str().expect("utf-8"),
        ],
    ))
    .await;
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&second)
        .expect("second")
        .lines()
        .map(|l| serde_json::from_str(l).expect("record"))
        .collect();
    let mut got = urls(&lines);
    got.sort();
    assert_eq!(
        got,
        [
            "http://inc.test/news/10/",
            "http://inc.test/news/11/",
            "http://inc.test/news/12/"
        ]
    );
    let log = s.log();
    let run2 = &log[before..];
    let old_fetched: Vec<&str> = run2
        .iter()
        .filter(|r| {
            r.path
                .strip_prefix("/news/")
                .and_then(|n| n.trim_end_matches('/').parse::<usize>().ok())
                .is_some_and(|n| n < 10)
        })
        .map(|r| r.path.as_str())
        .collect();
    assert!(
        old_fetched.is_empty(),
        "old articles fetched again: {old_fetched:?}"
    );
    for p in ["/sitemap.xml", "/", "/archive/"] {
        let r = run2
            .iter()
            .find(|r| r.path == p)
            .unwrap_or_else(|| panic!("{p} not read again"));
        assert!(r.conditional, "{p} not asked conditionally");
    }
    assert_eq!(
        run2.iter().find(|r| r.path == "/archive/").map(|r| r.status),
        Some(304)
    );
    assert!(
        run2.iter().all(|r| r.path != "/robots.txt"),
        "robots.txt came from the cache"
    );
    let st = stats(&st);
    assert_eq!(
        (st["new"].as_u64(), st["not_modified"].as_u64()),
        (Some(3), Some(1))
    );
}

/// `--recrawl-after 0s`: every written article is fetched again, conditionally, and only
/// the one whose text changed is written again, as revision 2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recrawl_writes_only_the_changed_article_as_a_new_revision() {
    let s = site(&[("re.test", 8)]).await;
    let d = tmp("recrawl");
    let state = d.join("crawl.db");
    let first = d.join("first.jsonl");
    let o = run(s.crawl(&state, &["-o", first.to_str().expect("utf-8")])).await;
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    s.web.edited.lock().expect("lock").insert(("re.test".into(), 5));
    let second = d.join("second.jsonl");
    let st = d.join("second.stats.json");
    let o = run(s.crawl(
        &state,
        &[
            "--recrawl-after",
            "0s",
            "-o",
            second.to_str().expect("utf-8"),
            "--stats",
            st.to_str().expect("utf-8"),
        ],
    ))
    .await;
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&second)
        .expect("second")
        .lines()
        .map(|l| serde_json::from_str(l).expect("record"))
        .collect();
    assert_eq!(urls(&lines), ["http://re.test/news/5/"]);
    assert_eq!(lines[0]["revision"], 2);
    assert!(lines[0]["text"].as_str().unwrap_or("").contains("Correction"));
    let st = stats(&st);
    assert_eq!(st["updated"], 1);
    // The other seven came back 304 (the server's ETag) or with the same text, and so did
    // the sitemap and the home page (whose links are then not read again).
    assert_eq!(
        st["not_modified"].as_u64().unwrap_or(0) + st["unchanged"].as_u64().unwrap_or(0),
        7 + 2
    );
}

/// A wire story on two sites: the later record says `duplicate_of` the first; the other
/// articles are distinct; `--drop-duplicates` leaves the copy out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_syndicated_copy_gets_duplicate_of_and_can_be_dropped() {
    let s = site(&[("wire-a.test", 6), ("wire-b.test", 6)]).await;
    let d = tmp("dedup");
    let out = d.join("out.jsonl");
    let o = run(s.crawl(&d.join("a.db"), &["-o", out.to_str().expect("utf-8")])).await;
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&out)
        .expect("out")
        .lines()
        .map(|l| serde_json::from_str(l).expect("record"))
        .collect();
    assert_eq!(records.len(), 12);
    let dups: Vec<&serde_json::Value> = records.iter().filter(|r| !r["duplicate_of"].is_null()).collect();
    assert_eq!(dups.len(), 1, "exactly one duplicate_of");
    let original = records
        .iter()
        .find(|r| r["id"] == dups[0]["duplicate_of"]["id"])
        .expect("the original is written");
    assert_eq!(original["url"], dups[0]["duplicate_of"]["url"]);
    assert!(original["url"].as_str().unwrap_or("").ends_with("/news/0/"));
    assert!(dups[0]["url"].as_str().unwrap_or("").ends_with("/news/0/"));
    assert_ne!(original["url"], dups[0]["url"]);

    let dropped = d.join("dropped.jsonl");
    let o = run(s.crawl(
        &d.join("b.db"),
        &["-o", dropped.to_str().expect("utf-8"), "--drop-duplicates"],
    ))
    .await;
    assert_eq!(code(&o), 0);
    assert_eq!(
        std::fs::read_to_string(&dropped)
            .expect("dropped")
            .lines()
            .count(),
        11
    );
}

/// `--max-pages` with a state: each run stops with work left and exits 4, the next goes on
/// where it stopped, the last exits 0; every article once over all runs, none fetched twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn budgeted_runs_exit_4_until_the_last_exits_0() {
    const ARTICLES: usize = 40;
    let s = site(&[("budget.test", ARTICLES)]).await;
    let d = tmp("budget");
    let (state, out) = (d.join("crawl.db"), d.join("out"));
    let out_arg = format!("{}/", out.display());
    let mut codes = Vec::new();
    for _ in 0..20 {
        let o = run(s.crawl(&state, &["-o", out_arg.as_str(), "--max-pages", "12"])).await;
        codes.push(code(&o));
        if code(&o) != 4 {
            break;
        }
    }
    assert!(codes.len() >= 3, "{codes:?}");
    assert!(codes[..codes.len() - 1].iter().all(|c| *c == 4), "{codes:?}");
    assert_eq!(codes.last(), Some(&0), "{codes:?}");
    let records = shard_records(&out);
    let got = urls(&records);
    let unique: HashSet<&String> = got.iter().collect();
    assert_eq!((got.len(), unique.len()), (ARTICLES, ARTICLES), "{codes:?}");
    let fetches = s.log().iter().filter(|r| r.path.starts_with("/news/")).count();
    assert_eq!(fetches, ARTICLES, "an article fetched twice");
}

/// A run that starts while the previous one still holds the state (cron overlapping a
/// slow run) exits 5 at once and touches nothing: the first run's shard in progress stays,
/// and it finishes with every article once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overlapping_run_on_the_same_state_exits_5_and_touches_nothing() {
    const ARTICLES: usize = 40;
    let s = site(&[("overlap.test", ARTICLES)]).await;
    let d = tmp("overlap");
    let (state, out) = (d.join("crawl.db"), d.join("out"));
    let out_arg = format!("{}/", out.display());
    let args = ["-o", out_arg.as_str(), "--shard-records", "1000"];
    // 20 requests a second: the first run takes over 2 s.
    let first = s
        .crawl_at(&state, 20, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Wait until it holds the lock and has a shard in progress.
    let in_progress = |dir: &Path| {
        std::fs::read_dir(dir)
            .map(|r| {
                r.filter_map(Result::ok)
                    .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            })
            .unwrap_or(false)
    };
    let t0 = std::time::Instant::now();
    while !in_progress(&out) && t0.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(in_progress(&out), "the first run never began a shard");
    // Refused before it opens anything: its errors and metrics files never appear.
    let (errors, metrics) = (d.join("errors-2.jsonl"), d.join("m.prom"));
    let mut second_args: Vec<&str> = args.to_vec();
    second_args.extend([
        "--errors",
        errors.to_str().expect("utf-8"),
        "--metrics",
        metrics.to_str().expect("utf-8"),
    ]);
    let second = run(s.crawl(&state, &second_args)).await;
    assert_eq!(code(&second), 5, "{}", String::from_utf8_lossy(&second.stderr));
    assert!(!errors.exists() && !metrics.exists(), "a refused run wrote files");
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("is in use by another process"), "{err}");
    assert!(
        in_progress(&out),
        "the second run removed the first one's shard in progress"
    );
    let first = tokio::task::spawn_blocking(move || first.wait_with_output().expect("wait"))
        .await
        .expect("join");
    assert_eq!(code(&first), 0);
    let got = urls(&shard_records(&out));
    let unique: HashSet<&String> = got.iter().collect();
    assert_eq!((got.len(), unique.len()), (ARTICLES, ARTICLES));
    // The lock went with the first process: the next run may go (and finds nothing to do).
    let third = run(s.crawl(&state, &args)).await;
    assert_eq!(code(&third), 0, "{}", String::from_utf8_lossy(&third.stderr));
}

/// What a scheduler looks at: `status --json` of the state, the Prometheus textfile, and
/// `crawl --dry-run`, which reads robots.txt but fetches no page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_metrics_and_dry_run() {
    let s = site(&[("ops.test", 30)]).await;
    let d = tmp("ops");
    let (state, prom) = (d.join("crawl.db"), d.join("newsharvest.prom"));
    let out = d.join("out.jsonl");
    let o = run(s.crawl(
        &state,
        &[
            "-o",
            out.to_str().expect("utf-8"),
            "--max-pages",
            "8",
            "--metrics",
            prom.to_str().expect("utf-8"),
        ],
    ))
    .await;
    assert_eq!(code(&o), 4, "{}", String::from_utf8_lossy(&o.stderr));
    let metrics = std::fs::read_to_string(&prom).expect("metrics");
    for line in [
        "newsharvest_running 0",
        "newsharvest_exit_code{stopped_by=\"max_pages\"} 4",
        "# TYPE newsharvest_requests_total counter",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} missing in\n{metrics}");
    }
    assert!(metrics.contains("newsharvest_articles_written_total{kind=\"new\"}"));
    let status = Command::new(env!("CARGO_BIN_EXE_newsharvest"))
        .args(["status", "--json", "--state"])
        .arg(&state)
        .output()
        .expect("status");
    assert_eq!(code(&status), 0, "{}", String::from_utf8_lossy(&status.stderr));
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).expect("status json");
    assert_eq!(v["round"], 1);
    assert_eq!(v["round_finished"], false);
    assert!(v["queued"].as_u64().unwrap_or(0) > 0, "{v}");
    assert_eq!(v["hosts"][0]["host"], "ops.test");
    assert_eq!(v["hosts"][0]["next_due"], "now");
    let text = Command::new(env!("CARGO_BIN_EXE_newsharvest"))
        .args(["status", "--state"])
        .arg(&state)
        .output()
        .expect("status");
    assert!(String::from_utf8_lossy(&text.stdout).contains("unfinished: the next run continues it"));

    let before = s.log().len();
    let o = run(s.crawl(&d.join("fresh.db"), &["--dry-run"])).await;
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let plan = String::from_utf8_lossy(&o.stdout);
    assert!(
        plan.contains("discovery plan:") && plan.contains("sitemap: http://ops.test/sitemap.xml"),
        "{plan}"
    );
    assert!(plan.contains("created on the first run"), "{plan}");
    let paths: Vec<String> = s.log()[before..].iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/robots.txt"], "a dry run reads robots.txt only");
    assert!(!d.join("fresh.db").exists(), "a dry run creates no state");
}
