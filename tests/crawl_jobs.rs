//! Crawl jobs a scheduler can trust, run as a scheduler runs them: the binary with a
//! SQLite state against a loopback site that changes between runs. SIGKILL at random
//! moments leaves every article exactly once in the complete shards; a second run fetches
//! only what is new and asks conditionally for what it saw; `--recrawl-after` writes only
//! what changed; a syndicated copy is marked `duplicate_of`; budgeted runs exit 4 until
//! the last exits 0.

use newsharvest::serve::{LoggedRequest, Reply, Server, Web};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The wire story two sites publish.
const WIRE: &str = "GENEVA — Negotiators from twelve countries reached a provisional agreement on \
    Tuesday night to limit fishing in the northern Atlantic, after three weeks of talks that several \
    delegates had described as the most difficult in a decade. The accord, which still needs the \
    approval of national parliaments, sets quotas for cod and haddock and creates a monitoring body \
    with the power to inspect vessels at sea. Environmental groups welcomed the deal but said the \
    quotas remained too high to allow stocks to recover within ten years.";

/// A site of numbered articles that can grow and change between runs.
#[derive(Default)]
struct JobWeb {
    /// Articles per host.
    articles: Mutex<HashMap<String, usize>>,
    /// Articles whose text was edited (host, n).
    edited: Mutex<HashSet<(String, usize)>>,
}

impl JobWeb {
    fn with(hosts: &[(&str, usize)]) -> Arc<JobWeb> {
        let w = JobWeb::default();
        for (h, n) in hosts {
            w.articles.lock().expect("lock").insert(h.to_string(), *n);
        }
        Arc::new(w)
    }

    fn count(&self, host: &str) -> usize {
        self.articles
            .lock()
            .expect("lock")
            .get(host)
            .copied()
            .unwrap_or(0)
    }

    fn text(&self, host: &str, n: usize) -> String {
        if n == 0 && host.starts_with("wire") {
            return format!("<p>{WIRE}</p><p>Reporting by {host} staff.</p>");
        }
        let edited = self.edited.lock().expect("lock").contains(&(host.to_string(), n));
        (0..5)
            .map(|p| {
                // Words differ from story to story: no two are near-duplicates.
                let words: Vec<String> = (0..40)
                    .map(|k| {
                        let host_hash = host
                            .bytes()
                            .fold(0u64, |h, b| h.wrapping_mul(131).wrapping_add(u64::from(b)));
                        let mut x = (n * 7919 + p * 104_729 + k * 1_299_709) as u64 ^ host_hash;
                        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                        format!("w{}", (x ^ (x >> 31)) % 5000)
                    })
                    .collect();
                let extra = if edited && p == 0 {
                    " Correction: an earlier version misstated the date."
                } else {
                    ""
                };
                format!("<p>Story {n} paragraph {p}: {}.{extra}</p>", words.join(" "))
            })
            .collect()
    }
}

fn html(body: String) -> Reply {
    Reply::ok(
        "text/html; charset=utf-8",
        format!("<!doctype html><html lang=en><head><title>Jobs</title></head><body>{body}</body></html>"),
    )
}

impl Web for JobWeb {
    fn reply(&self, host: &str, path: &str) -> Reply {
        let n = self.count(host);
        match path {
            "/robots.txt" => Reply::ok("text/plain", format!("User-agent: *\nSitemap: http://{host}/sitemap.xml\n")),
            "/sitemap.xml" => Reply::ok(
                "application/xml",
                format!(
                    "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{}</urlset>",
                    (0..n)
                        .map(|i| format!("<url><loc>http://{host}/news/{i}/</loc></url>"))
                        .collect::<String>()
                ),
            ),
            // The home page lists the newest articles; the archive page never changes.
            "/" => html(format!(
                "<h1>{host}</h1><a href=\"/archive/\">Archive</a><ul>{}</ul>",
                (n.saturating_sub(10)..n)
                    .map(|i| format!("<li><a href=\"/news/{i}/\">Story {i}</a></li>"))
                    .collect::<String>()
            )),
            "/archive/" => html(format!(
                "<h1>Archive</h1><ul>{}</ul>",
                (0..3.min(n)).map(|i| format!("<li><a href=\"/news/{i}/\">Story {i}</a></li>")).collect::<String>()
            )),
            p => match p.strip_prefix("/news/").and_then(|r| r.trim_end_matches('/').parse::<usize>().ok()) {
                Some(i) if i < n => html(format!(
                    "<script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"Story {i} on {host}\"}}</script>\
                     <article><h1>Story {i} on {host}</h1>{}</article>",
                    self.text(host, i)
                )),
                _ => Reply::not_found(),
            },
        }
    }
}

struct Site {
    web: Arc<JobWeb>,
    server: Server,
    hosts: Vec<String>,
}

async fn site(hosts: &[(&str, usize)]) -> Site {
    let web = JobWeb::with(hosts);
    let server = Server::start(web.clone()).await.expect("server");
    Site {
        web,
        server,
        hosts: hosts.iter().map(|(h, _)| h.to_string()).collect(),
    }
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nh-jobs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tmp");
    d
}

impl Site {
    /// `newsharvest crawl` of every host with a state and these extra arguments.
    fn crawl(&self, state: &Path, extra: &[&str]) -> Command {
        self.crawl_at(state, 400, extra)
    }

    /// [`Site::crawl`] at `rate` requests per second per host.
    fn crawl_at(&self, state: &Path, rate: u32, extra: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_newsharvest"));
        cmd.arg("crawl");
        for h in &self.hosts {
            cmd.arg(format!("http://{h}/"));
            cmd.arg("--resolve").arg(format!("{h}:80:{}", self.server.addr()));
        }
        cmd.args([
            "--rate",
            &rate.to_string(),
            "--quiet",
            "--no-feeds",
            "--retries",
            "0",
        ])
        .arg("--state")
        .arg(state)
        .args(extra)
        .stdin(Stdio::null());
        cmd
    }

    fn log(&self) -> Vec<LoggedRequest> {
        self.server.log()
    }
}

async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("run newsharvest"))
        .await
        .expect("join")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Every record of the complete shards (`*.jsonl.zst`) of a directory; every line must
/// parse.
fn shard_records(dir: &Path) -> Vec<serde_json::Value> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("out dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".jsonl.zst"))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for p in names {
        let mut text = String::new();
        zstd::stream::read::Decoder::new(std::fs::File::open(&p).expect("open"))
            .expect("zstd")
            .read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("{} is not a complete zstd file: {e}", p.display()));
        for line in text.lines() {
            out.push(
                serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("{}: unreadable line: {e}", p.display())),
            );
        }
    }
    out
}

fn urls(records: &[serde_json::Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["url"].as_str().unwrap_or("").to_string())
        .collect()
}

fn stats(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("stats")).expect("stats json")
}

/// The acceptance test of exactly-once output: SIGKILL at random moments, then runs to
/// completion; every article once across the complete shards, no unreadable line, no
/// shard in progress left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_moments_leaves_every_article_exactly_once() {
    const ARTICLES: usize = 400;
    // 30 requests a second: a whole crawl takes 14 s, so kills land all along it.
    const RATE: u32 = 30;
    let s = site(&[("jobs.test", ARTICLES)]).await;
    let d = tmp("sigkill");
    let (state, out) = (d.join("crawl.db"), d.join("out"));
    let out_arg = format!("{}/", out.display());
    let args = ["-o", out_arg.as_str(), "--shard-records", "7"];
    let seed: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(7, |t| t.as_nanos() as u64);
    eprintln!("kill seed {seed}");
    let mut x = seed | 1;
    let mut kills = 0;
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
    eprintln!(
        "{kills} kills, {} shards",
        std::fs::read_dir(&out).expect("out").count()
    );
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
