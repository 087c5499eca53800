//! A loopback news web for crawl-job tests (`crawl_jobs`, `frontier`): numbered articles
//! per host that can grow and change between runs, run as a scheduler runs the binary.

use newsharvest::serve::{LoggedRequest, Reply, Server, Web};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

/// The wire story two sites publish.
pub const WIRE: &str = "GENEVA — Negotiators from twelve countries reached a provisional agreement on \
    Tuesday night to limit fishing in the northern Atlantic, after three weeks of talks that several \
    delegates had described as the most difficult in a decade. The accord, which still needs the \
    approval of national parliaments, sets quotas for cod and haddock and creates a monitoring body \
    with the power to inspect vessels at sea. Environmental groups welcomed the deal but said the \
    quotas remained too high to allow stocks to recover within ten years.";

/// A site of numbered articles that can grow and change between runs.
#[derive(Default)]
pub struct JobWeb {
    /// Articles per host.
    pub articles: Mutex<HashMap<String, usize>>,
    /// Articles whose text was edited (host, n).
    pub edited: Mutex<HashSet<(String, usize)>>,
}

impl JobWeb {
    pub fn with(hosts: &[(&str, usize)]) -> Arc<JobWeb> {
        let w = JobWeb::default();
        for (h, n) in hosts {
            w.articles.lock().expect("lock").insert(h.to_string(), *n);
        }
        Arc::new(w)
    }

    pub fn count(&self, host: &str) -> usize {
        self.articles
            .lock()
            .expect("lock")
            .get(host)
            .copied()
            .unwrap_or(0)
    }

    pub fn text(&self, host: &str, n: usize) -> String {
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

pub fn html(body: String) -> Reply {
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

pub struct Site {
    pub web: Arc<JobWeb>,
    pub server: Server,
    pub hosts: Vec<String>,
}

pub async fn site(hosts: &[(&str, usize)]) -> Site {
    let web = JobWeb::with(hosts);
    let server = Server::start(web.clone()).await.expect("server");
    Site {
        web,
        server,
        hosts: hosts.iter().map(|(h, _)| h.to_string()).collect(),
    }
}

pub fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nh-jobs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tmp");
    d
}

impl Site {
    /// `newsharvest crawl` of every host at `rate` requests per second per host, quiet, no
    /// feed probing, no retries, plus `extra`.
    pub fn command(&self, rate: u32, extra: &[&str]) -> Command {
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
        .args(extra)
        .stdin(Stdio::null());
        cmd
    }

    pub fn log(&self) -> Vec<LoggedRequest> {
        self.server.log()
    }
}

pub async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("run newsharvest"))
        .await
        .expect("join")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Every record of the complete shards (`*.jsonl.zst`, `*.parquet`) of a directory; every
/// line must parse, every Parquet file must be complete.
pub fn shard_records(dir: &Path) -> Vec<serde_json::Value> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("out dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".jsonl.zst") || name.ends_with(".parquet")
        })
        .collect();
    names.sort();
    let mut out = Vec::new();
    for p in names {
        if p.to_string_lossy().ends_with(".parquet") {
            let records = newsharvest::output::parquet::read::values(&p)
                .unwrap_or_else(|e| panic!("{} is not a complete Parquet file: {e}", p.display()));
            out.extend(records);
            continue;
        }
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

pub fn urls(records: &[serde_json::Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["url"].as_str().unwrap_or("").to_string())
        .collect()
}

pub fn stats(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("stats")).expect("stats json")
}
