//! The `crawl` command as a scheduled job sees it: exit codes (0, 1, 2, 3, 143), the
//! output, `--errors`, `--stats` and `--page-log` files, `--resolve`, `--config`, and a clean stop on
//! SIGTERM with every written line complete. Servers run on 127.0.0.1 inside the test.

use newsharvest::serve::{Server, StaticSites, SyntheticWeb};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsharvest"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nh-crawl-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn lines(p: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is complete JSON"))
        .collect()
}

/// `crawl` of the two hosts of a synthetic web, 20 requests/s, quiet.
fn crawl_two_sites(server: &Server) -> Command {
    let mut cmd = bin();
    cmd.args([
        "crawl",
        "http://site0.test/",
        "http://site1.test/",
        "--rate",
        "20",
        "--quiet",
    ]);
    for host in ["site0.test", "site1.test"] {
        cmd.arg("--resolve").arg(format!("{host}:80:{}", server.addr()));
    }
    cmd
}

/// The run ended with `code`; on failure its stderr is shown.
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

async fn run(cmd: Command) -> Output {
    let mut cmd = cmd;
    tokio::task::spawn_blocking(move || cmd.output().expect("run newsharvest"))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clean_crawl_exits_0_with_output_and_stats() {
    let server = Server::start(Arc::new(SyntheticWeb {
        hosts: 2,
        articles: 3,
    }))
    .await
    .unwrap();
    let d = tmp("ok");
    let (out, stats, errors, pages) = (
        d.join("out.jsonl.gz"),
        d.join("stats.json"),
        d.join("errors.jsonl"),
        d.join("pages.jsonl"),
    );
    let mut cmd = crawl_two_sites(&server);
    cmd.arg("-o")
        .arg(&out)
        .arg("--stats")
        .arg(&stats)
        .arg("--errors")
        .arg(&errors)
        .arg("--page-log")
        .arg(&pages);
    let o = run(cmd).await;
    assert_exit(&o, 0);
    let raw = std::fs::read(&out).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&raw[..]), &mut text).unwrap();
    let records: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 6);
    for r in &records {
        assert_eq!(r["http"]["status"], 200);
        assert!(r["crawl"]["discovered_via"].is_string());
        assert!(!r["text"].as_str().unwrap().contains("Read:"));
    }
    let st: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    assert_eq!(st["articles"], 6);
    assert_eq!(st["errors"], 0);
    assert_eq!(st["hosts"].as_object().unwrap().len(), 2);
    assert!(lines(&errors).is_empty());
    // One page-log line per page fetched, each typed, with its evidence; the six articles
    // written.
    let log = lines(&pages);
    assert_eq!(log.len() as u64, st["pages_fetched"].as_u64().unwrap());
    assert!(log
        .iter()
        .all(|l| l["page_type"].is_string() && !l["evidence"].as_array().unwrap().is_empty()));
    assert_eq!(log.iter().filter(|l| l["written"] == true).count(), 6);
    assert_eq!(st["pages_by_type"]["article"], 6);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("6 articles written"),
        "summary on stderr: {stderr}"
    );
    assert!(stderr.contains("pages by type: 6 article"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn some_failures_exit_1_nothing_fetched_exits_3_bad_flags_exit_2() {
    let sites = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites");
    let server = Server::start(Arc::new(StaticSites::load(&sites).unwrap()))
        .await
        .unwrap();
    let d = tmp("codes");
    // A config file instead of flags.
    let cfg = d.join("crawl.toml");
    std::fs::write(
        &cfg,
        format!(
            "seeds = [\"http://trouble.test/\"]\nrate = 20.0\nretries = 1\ntimeout = 1.0\nmax_body = 1048576\nresolve = [\"trouble.test:80:{}\"]\nerrors = \"{}\"\nwarc = \"{}\"\n",
            server.addr(),
            d.join("errors.jsonl").display(),
            d.join("trouble.warc").display()
        ),
    )
    .unwrap();
    let mut cmd = bin();
    cmd.args(["crawl", "--quiet", "--config"])
        .arg(&cfg)
        .arg("-o")
        .arg(d.join("out.jsonl"));
    let o = run(cmd).await;
    assert_exit(&o, 1);
    let errs = lines(&d.join("errors.jsonl"));
    assert!(errs.len() >= 6, "{errs:?}");
    assert!(errs
        .iter()
        .all(|e| e["url"].is_string() && e["stage"].is_string() && e["reason"].is_string()));
    assert_eq!(lines(&d.join("out.jsonl")).len(), 3);
    // `warc` in the config: every response archived, bodies cut at max_body marked.
    let records = warc_records(&d.join("trouble.warc"));
    assert_eq!(records[0].warc_type(), "warcinfo");
    let cut: Vec<&str> = records
        .iter()
        .filter(|r| r.headers.get("WARC-Truncated") == Some("length"))
        .filter_map(|r| r.target_uri())
        .collect();
    assert!(cut.iter().any(|u| u.ends_with("/bomb")), "{cut:?}");
    assert!(records
        .iter()
        .any(|r| r.target_uri().is_some_and(|u| u.ends_with("/loop-a")) && r.warc_type() == "response"));

    // Nothing answers: exit 3.
    let mut cmd = bin();
    cmd.args([
        "crawl",
        "--quiet",
        "http://nowhere.test/",
        "--retries",
        "0",
        "--resolve",
        "nowhere.test:80:127.0.0.1:1",
    ])
    .arg("-o")
    .arg(d.join("none.jsonl"));
    let o = run(cmd).await;
    assert_exit(&o, 3);

    // Usage errors: exit 2 with a clear message.
    for args in [
        vec!["crawl"],
        vec!["crawl", "not a url"],
        vec!["crawl", "http://a.test/", "--rate", "0"],
        vec!["crawl", "http://a.test/", "--resolve", "a.test"],
        vec!["crawl", "http://a.test/", "--include", "("],
        vec!["crawl", "http://a.test/", "--max-time", "soon"],
    ] {
        let mut cmd = bin();
        cmd.args(&args);
        let o = run(cmd).await;
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stderr).contains("error"), "{args:?}");
    }
}

/// Fields that differ between two crawls of one web: when it was fetched, and which of two
/// copies of a story was fetched first (the other is its duplicate).
const RUN_FIELDS: [&str; 2] = ["date_fetched", "duplicate_of"];

/// `value` read back from Parquet holds `line`'s fields (a field the line leaves out is
/// null), but for [`RUN_FIELDS`].
fn same_record(value: &serde_json::Value, line: &serde_json::Value, at: &str) {
    match (value, line) {
        (serde_json::Value::Object(v), serde_json::Value::Object(l)) => {
            let compared = |k: &&String| !RUN_FIELDS.contains(&k.as_str());
            for (k, want) in l.iter().filter(|(k, _)| compared(k)) {
                same_record(&v[k], want, &format!("{at}.{k}"));
            }
            let only_parquet = v.iter().filter(|(k, _)| compared(k) && !l.contains_key(*k));
            for (k, got) in only_parquet {
                assert!(got.is_null(), "{at}.{k}: {got} where the line has none");
            }
        }
        _ => assert_eq!(value, line, "{at}"),
    }
}

/// `crawl -o out.parquet` and `crawl -o DIR/ --format parquet` hold the records of `crawl -o
/// out.jsonl`; `--compress` other than zst with Parquet, a `--format` the file's name
/// contradicts, or one Parquet file with `--state` is refused (exit 2) before anything is
/// written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parquet_file_and_shards_hold_the_records_of_jsonl() {
    let server = Server::start(Arc::new(SyntheticWeb {
        hosts: 2,
        articles: 3,
    }))
    .await
    .unwrap();
    let d = tmp("parquet");
    let crawl = |extra: &[&str]| {
        let mut cmd = crawl_two_sites(&server);
        cmd.args(extra);
        run(cmd)
    };
    let path = |name: &str| d.join(name).to_string_lossy().into_owned();
    let shards = format!("{}/", path("shards"));
    assert_exit(&crawl(&["-o", &path("out.jsonl")]).await, 0);
    assert_exit(&crawl(&["-o", &path("out.parquet")]).await, 0);
    let shard_args = ["-o", &shards, "--format", "parquet", "--shard-records", "4"];
    assert_exit(&crawl(&shard_args).await, 0);
    let lines = lines(&d.join("out.jsonl"));
    assert_eq!(lines.len(), 6);
    let file = newsharvest::output::parquet::read::values(&d.join("out.parquet")).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(d.join("shards"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(names, ["part-00000.parquet", "part-00001.parquet"]);
    let sharded: Vec<serde_json::Value> = names
        .iter()
        .flat_map(|n| newsharvest::output::parquet::read::values(&d.join("shards").join(n)).unwrap())
        .collect();
    let duplicates = |v: &[serde_json::Value]| v.iter().filter(|r| !r["duplicate_of"].is_null()).count();
    for (what, values) in [("out.parquet", &file), ("shards", &sharded)] {
        assert_eq!(values.len(), lines.len(), "{what}");
        assert_eq!(duplicates(values), duplicates(&lines), "{what}");
        for line in &lines {
            let v = values
                .iter()
                .find(|v| v["url"] == line["url"])
                .unwrap_or_else(|| panic!("{what}: {} missing", line["url"]));
            same_record(v, line, &format!("{what} {}", line["url"]));
        }
    }

    for (args, said) in [
        (
            vec!["-o", &shards, "--format", "parquet", "--compress", "gz"],
            "--compress gz",
        ),
        (
            vec!["-o", &path("no.parquet"), "--compress", "none"],
            "--compress none",
        ),
        (
            vec!["-o", &path("no.jsonl"), "--format", "parquet"],
            "--format parquet",
        ),
        // Not crash-safe: a state would count the records of an unreadable file as written.
        (
            vec!["-o", &path("no.parquet"), "--state", &path("s.db")],
            "one Parquet file",
        ),
    ] {
        let o = crawl(&args).await;
        assert_exit(&o, 2);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(said), "{args:?}: {err}");
    }
    for never in ["no.parquet", "no.jsonl", "s.db"] {
        assert!(!d.join(never).exists(), "{never} written by a refused run");
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_cleanly_with_complete_output() {
    let server = Server::start(Arc::new(SyntheticWeb {
        hosts: 1,
        articles: 40,
    }))
    .await
    .unwrap();
    let d = tmp("term");
    let out = d.join("out.jsonl");
    let stats = d.join("stats.json");
    let warc = d.join("out.warc.gz");
    let child = bin()
        .args(["crawl", "http://site0.test/", "--rate", "10", "--quiet"])
        .arg("--resolve")
        .arg(format!("site0.test:80:{}", server.addr()))
        .arg("-o")
        .arg(&out)
        .arg("--warc")
        .arg(&warc)
        .arg("--stats")
        .arg(&stats)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_exit(&o, 143);
    let written = lines(&out);
    assert!(
        !written.is_empty() && written.len() < 40,
        "{} records",
        written.len()
    );
    let st: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    assert_eq!(st["stopped_by"], "signal");
    assert_eq!(st["articles"].as_u64(), Some(written.len() as u64));
    // The WARC file is whole: every record reads back, each page written was archived.
    let records = warc_records(&warc);
    for r in &written {
        let url = r["url"].as_str().unwrap();
        assert!(
            records
                .iter()
                .any(|h| h.warc_type() == "response" && h.target_uri() == Some(url)),
            "{url} not archived"
        );
    }
}

/// Every record of a WARC file; panics on a malformed one.
fn warc_records(path: &Path) -> Vec<newsharvest::warc::RecordHead> {
    let f = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut r = newsharvest::warc::WarcReader::new(f).unwrap();
    let mut out = Vec::new();
    while let Some(h) = r.next_record() {
        out.push(h.unwrap_or_else(|e| panic!("{}: {e}", path.display())));
    }
    out
}

/// `crawl --warc`, then `extract` on the archive: every article of the crawl comes back
/// with the same title and text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_warc_archive_extracts_to_the_same_articles() {
    let server = Server::start(Arc::new(SyntheticWeb {
        hosts: 2,
        articles: 4,
    }))
    .await
    .unwrap();
    let d = tmp("warc");
    let (out, warc) = (d.join("out.jsonl"), d.join("crawl.warc.gz"));
    let mut cmd = crawl_two_sites(&server);
    cmd.arg("-o").arg(&out).arg("--warc").arg(&warc);
    let o = run(cmd).await;
    assert_exit(&o, 0);
    let crawled = lines(&out);
    assert_eq!(crawled.len(), 8);

    // One request and one response record per response the server sent, robots.txt too.
    let records = warc_records(&warc);
    assert_eq!(records[0].warc_type(), "warcinfo");
    let responses = records.iter().filter(|r| r.warc_type() == "response").count();
    let requests = records.iter().filter(|r| r.warc_type() == "request").count();
    assert_eq!(responses, server.log().len());
    assert_eq!(requests, responses);
    assert!(records
        .iter()
        .any(|r| r.target_uri() == Some("http://site0.test/robots.txt")));

    let mut cmd = bin();
    cmd.args(["extract", "--quiet"])
        .arg(&warc)
        .arg("-o")
        .arg(d.join("extracted.jsonl"));
    let o = run(cmd).await;
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("malformed"), "{stderr}");
    let extracted = lines(&d.join("extracted.jsonl"));
    for c in &crawled {
        let e = extracted
            .iter()
            .find(|e| e["url"] == c["url"])
            .unwrap_or_else(|| panic!("{} not extracted from the WARC: {stderr}", c["url"]));
        assert_eq!(e["title"], c["title"], "{}", c["url"]);
        assert_eq!(e["text"], c["text"], "{}", c["url"]);
        assert_eq!(e["id"], c["id"]);
        assert!(e["source_path"].as_str().unwrap().contains("crawl.warc.gz#"));
    }
}

/// A scheduled crawl with `--state`: the second run fetches no article the first one
/// wrote, writes no duplicate, and still exits 0. A state in the JSON Lines format of
/// earlier versions is migrated into the SQLite store on first use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_file_makes_the_next_run_incremental() {
    let server = Server::start(Arc::new(SyntheticWeb {
        hosts: 1,
        articles: 4,
    }))
    .await
    .unwrap();
    let d = tmp("state");
    let state = d.join("crawl.db");
    let crawl = |out: &str| {
        let mut cmd = bin();
        cmd.args([
            "crawl",
            "http://site0.test/",
            "--rate",
            "20",
            "--quiet",
            "--no-feeds",
        ])
        .arg("--resolve")
        .arg(format!("site0.test:80:{}", server.addr()))
        .arg("--state")
        .arg(&state)
        .arg("--stats")
        .arg(d.join(format!("{out}.stats.json")))
        .arg("-o")
        .arg(d.join(out));
        cmd
    };
    let o = run(crawl("first.jsonl")).await;
    assert_exit(&o, 0);
    let first = lines(&d.join("first.jsonl"));
    assert_eq!(first.len(), 4);
    let st: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("first.jsonl.stats.json")).unwrap()).unwrap();
    assert_eq!(st["committed"], 4, "all four marked written in the state");
    let article_requests = |log: &[newsharvest::serve::LoggedRequest]| {
        log.iter().filter(|r| r.path.starts_with("/news/2026/")).count()
    };
    let before = article_requests(&server.log());

    let o = run(crawl("second.jsonl")).await;
    assert_exit(&o, 0);
    assert!(lines(&d.join("second.jsonl")).is_empty());
    assert_eq!(
        article_requests(&server.log()),
        before,
        "known articles were fetched again"
    );
    let st: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("second.jsonl.stats.json")).unwrap()).unwrap();
    // The home page and the sitemap did not change: 304, nothing to read again.
    assert_eq!(st["not_modified"], 2);

    // An old JSON Lines state naming two of the articles: migrated, and those two skipped.
    let legacy = d.join("legacy.jsonl");
    let entries: String = first[..2]
        .iter()
        .map(|r| {
            format!(
                "{{\"url\":{},\"canonical_url\":null,\"id\":{},\"date_fetched\":null}}\n",
                r["url"], r["id"]
            )
        })
        .collect();
    std::fs::write(&legacy, entries).unwrap();
    let cmd = crawl("third.jsonl");
    let args: Vec<std::ffi::OsString> = cmd.get_args().map(|a| a.to_os_string()).collect();
    let mut cmd = bin();
    for a in args {
        cmd.arg(if a == state.as_os_str() {
            legacy.clone().into_os_string()
        } else {
            a
        });
    }
    let o = run(cmd).await;
    assert_exit(&o, 0);
    assert_eq!(
        lines(&d.join("third.jsonl")).len(),
        2,
        "the two not in the old state"
    );
    assert!(d.join("legacy.jsonl.bak").exists(), "the old state is kept");
    let st: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("third.jsonl.stats.json")).unwrap()).unwrap();
    assert_eq!(st["state_migrated"], 2);
}

/// `crawl --dry-run` prints the resolved settings as a config file: fed back with
/// `--config` (and no other flag), it resolves to the same settings and plan, and an
/// existing config file with old keys still loads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_a_config_that_reads_back_the_same() {
    let server = Server::start(Arc::new(SyntheticWeb {
        hosts: 2,
        articles: 3,
    }))
    .await
    .unwrap();
    let d = tmp("dry-run");
    let old = d.join("old.toml");
    std::fs::write(
        &old,
        "seeds = [\"http://site1.test/\"]\nsitemaps = false\nmax_time = \"1h30m\"\nshard_bytes = \"64MiB\"\n\
         page_timeout = \"0\"\nemit_all = true\ninclude = [\"site\"]\n",
    )
    .unwrap();
    let mut cmd = crawl_two_sites(&server);
    cmd.arg("--config")
        .arg(&old)
        .args([
            "--dry-run",
            "--max-pages",
            "40",
            "--since",
            "2026-11-01",
            "--no-feeds",
        ])
        .args([
            "--exclude",
            "/tag/",
            "--recrawl-after",
            "7d",
            "--timeout",
            "2.5",
            "-o",
        ])
        .arg(d.join("out/"))
        .arg("--state")
        .arg(d.join("crawl.db"));
    let first = run(cmd).await;
    assert_exit(&first, 0);
    let printed = String::from_utf8(first.stdout).expect("utf-8");
    assert!(
        printed.contains("max_pages = 40") && printed.contains("sitemaps = false"),
        "{printed}"
    );
    assert!(printed.contains("# discovery plan:"), "{printed}");
    let frozen = d.join("frozen.toml");
    std::fs::write(&frozen, &printed).unwrap();
    let mut cmd = bin();
    cmd.args(["crawl", "--dry-run", "--config"]).arg(&frozen);
    let second = run(cmd).await;
    assert_exit(&second, 0);
    assert_eq!(String::from_utf8_lossy(&second.stdout), printed);
    assert!(
        !d.join("crawl.db").exists() && !d.join("out").exists(),
        "a dry run creates nothing"
    );
}
