//! The binary as a user runs it: records on stdout, one line per failed page on stderr,
//! exit codes 0 (all good), 1 (some pages failed), 2 (usage or config error).

mod common;

use common::{gzip, warc_record};
use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsharvest"))
}

/// The JSON lines of an output (each line must parse).
fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn fixture(case: &str) -> String {
    format!("{}/fixtures/{case}/page.html", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn extract_directory_is_deterministic_and_complete() {
    let dir = format!("{}/fixtures", env!("CARGO_MANIFEST_DIR"));
    // The golden cases (fixtures/sites holds the crawl demo's websites).
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("case-"))
        .map(|e| e.path().display().to_string())
        .collect();
    cases.sort();
    let run = || {
        bin()
            .args(["extract", "--quiet"])
            .args(&cases)
            .output()
            .expect("run")
    };
    let a = run();
    let b = run();
    assert_eq!(
        a.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(a.stdout, b.stdout, "same input, same output order");
    let lines = json_lines(&a.stdout);
    assert_eq!(lines.len(), cases.len());
    for r in &lines {
        assert_eq!(r["schema_version"], 1);
        assert!(r["source_path"]
            .as_str()
            .is_some_and(|p| p.ends_with("page.html")));
        assert!(r["text"].as_str().is_some_and(|t| !t.is_empty()));
    }
}

/// Run the binary with `args`, `input` on its stdin; its output once it exits.
fn run_with_stdin(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write");
    child.wait_with_output().expect("wait")
}

#[test]
fn stdin_with_url_and_explain() {
    let html = std::fs::read(fixture("case-seed-tagdiv")).expect("fixture");
    let out = run_with_stdin(
        &[
            "extract",
            "--explain",
            "--url",
            "https://www.dailymeridian-news.test/russians/",
            "-",
        ],
        &html,
    );
    assert_eq!(out.status.code(), Some(0));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(r["title"], "Russians and Brits to discuss Ukraine in Moscow");
    assert_eq!(r["source_domain"], "dailymeridian-news.test");
    let removed = r["extraction"]["removed"].as_object().expect("removed");
    assert!(removed.keys().any(|k| k.starts_with("insert.")), "{removed:?}");
    let explain = r["extraction"]["explain"].as_array().expect("explain");
    assert!(explain.iter().any(|e| e["text"]
        .as_str()
        .is_some_and(|t| t.contains("head to head between Macron"))));
}

#[test]
fn bad_pages_are_reported_and_the_run_goes_on() {
    let dir = std::env::temp_dir().join(format!("nh-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    std::fs::write(dir.join("a-empty.html"), "").expect("write");
    std::fs::write(dir.join("b-binary.html"), b"\x89PNG\r\n\x1a\n\0\0\0").expect("write");
    std::fs::copy(fixture("case-share-follow"), dir.join("c-good.html")).expect("copy");
    let out = bin()
        .args(["extract", "--quiet"])
        .arg(&dir)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a-empty.html: empty page"), "{stderr}");
    assert!(stderr.contains("b-binary.html: not HTML"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_and_config_errors_exit_2() {
    assert_eq!(
        bin()
            .args(["extract", "--no-such-flag"])
            .output()
            .expect("run")
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        bin().args(["extract"]).output().expect("run").status.code(),
        Some(2)
    );
    let dir = std::env::temp_dir().join(format!("nh-cli-sel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    std::fs::write(
        dir.join("x.test.toml"),
        "domains = [\"x.test\"]\nbody = [\"div[\"]\n",
    )
    .expect("write");
    let out = bin()
        .args(["extract", "--selectors"])
        .arg(&dir)
        .arg(fixture("case-share-follow"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("x.test.toml"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn user_site_rules_override_scoring() {
    let dir = std::env::temp_dir().join(format!("nh-cli-site-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    std::fs::write(
        dir.join("example.test.toml"),
        "domains = [\"example.test\"]\nbody = [\"#story\"]\nstrip = [\".promo\"]\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("page.html"),
        "<html><body><div id=story><p>First sentence of the story, short.</p><p class=promo>Buy now!</p><p>Second sentence of the story, also short.</p></div><div><p>A much longer sidebar paragraph that readability scoring might prefer, with commas, many commas, and words, so many words, to look like prose.</p></div></body></html>",
    )
    .expect("write");
    let out = bin()
        .args(["extract", "--url", "https://www.example.test/x", "--selectors"])
        .arg(&dir)
        .arg(dir.join("page.html"))
        .output()
        .expect("run");
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(r["extraction"]["method"], "site:example.test.toml");
    assert_eq!(
        r["text"],
        "First sentence of the story, short.\n\nSecond sentence of the story, also short."
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn http_response(head: &str, payload: &[u8]) -> Vec<u8> {
    [head.replace('\n', "\r\n").as_bytes(), b"\r\n", payload].concat()
}

#[test]
fn extract_reads_warc_files_record_by_record() {
    let dir = std::env::temp_dir().join(format!("nh-cli-warc-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("crawl")).expect("tmp");
    let page_a = std::fs::read(fixture("case-share-follow")).expect("fixture");
    let page_b = std::fs::read(fixture("case-seed-tagdiv")).expect("fixture");
    // The second page as some tools store it: chunked and gzip-encoded, as on the wire.
    let gz_b = gzip(&page_b);
    let (x, y) = gz_b.split_at(gz_b.len() / 2);
    let chunked = [
        format!("{:x}\r\n", x.len()).as_bytes(),
        x,
        format!("\r\n{:x}\r\n", y.len()).as_bytes(),
        y,
        b"\r\n0\r\n\r\n",
    ]
    .concat();
    let records = [
        warc_record("warcinfo", "", b"software: test\r\n"),
        warc_record("request", "https://a.test/one", b"GET /one HTTP/1.1\r\nHost: a.test\r\n\r\n"),
        warc_record(
            "response",
            "https://a.test/one",
            &http_response("HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\n", &page_a),
        ),
        warc_record(
            "response",
            "https://a.test/logo.png",
            &http_response("HTTP/1.1 200 OK\nContent-Type: image/png\n", b"\x89PNG\r\n\x1a\n\0\0"),
        ),
        warc_record(
            "response",
            "https://a.test/gone",
            &http_response("HTTP/1.1 404 Not Found\nContent-Type: text/html\n", b"<p>gone</p>"),
        ),
        warc_record(
            "response",
            "<https://b.test/two>",
            &http_response(
                "HTTP/1.1 200 OK\nContent-Type: text/html\nTransfer-Encoding: chunked\nContent-Encoding: gzip\n",
                &chunked,
            ),
        ),
    ];
    let members: Vec<Vec<u8>> = records.iter().map(|r| gzip(r)).collect();
    let offset = |i: usize| members[..i].iter().map(Vec::len).sum::<usize>();
    let warc = dir.join("crawl/pages.warc.gz");
    std::fs::write(&warc, members.concat()).expect("write");
    let out = bin()
        .args(["extract", "--quiet"])
        .arg(&dir)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 2, "{stderr}");
    assert_eq!(recs[0]["url"], "https://a.test/one");
    assert_eq!(
        recs[0]["source_path"],
        format!("{}#{}", warc.display(), offset(2))
    );
    assert_eq!(recs[0]["date_fetched"], "2026-11-28T10:00:00Z");
    assert_eq!(recs[0]["http"]["charset"], "utf-8");
    assert_eq!(recs[1]["url"], "https://b.test/two");
    assert_eq!(
        recs[1]["source_path"],
        format!("{}#{}", warc.display(), offset(5))
    );
    assert_eq!(
        recs[1]["title"],
        "Russians and Brits to discuss Ukraine in Moscow"
    );
    assert!(
        stderr.contains(
            "6 WARC records: 2 HTML responses; skipped 1 requests, 1 non-HTML responses, 1 non-2xx responses"
        ),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_corrupt_warc_record_exits_1_and_the_good_ones_are_written() {
    let dir = std::env::temp_dir().join(format!("nh-cli-badwarc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let page = std::fs::read(fixture("case-share-follow")).expect("fixture");
    let good = |uri: &str| {
        warc_record(
            "response",
            uri,
            &http_response("HTTP/1.1 200 OK\nContent-Type: text/html\n", &page),
        )
    };
    let first = good("https://a.test/1");
    let corrupt = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: many\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<p>x</p>\r\n\r\n";
    let warc = dir.join("bad.warc");
    std::fs::write(
        &warc,
        [first.clone(), corrupt.to_vec(), good("https://a.test/2")].concat(),
    )
    .expect("write");
    let out = bin().args(["extract"]).arg(&warc).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains(&format!(
            "skipped {}#{}: bad Content-Length",
            warc.display(),
            first.len()
        )),
        "{stderr}"
    );
    let urls: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json")["url"].to_string())
        .collect();
    assert_eq!(urls, ["\"https://a.test/1\"", "\"https://a.test/2\""]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn manifests_name_pages_and_their_urls_from_a_file_or_stdin() {
    let dir = std::env::temp_dir().join(format!("nh-cli-manifest-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("pages")).expect("tmp");
    std::fs::copy(fixture("case-share-follow"), dir.join("pages/a.html")).expect("copy");
    std::fs::copy(fixture("case-seed-tagdiv"), dir.join("pages/b.html")).expect("copy");
    let lines =
        "{\"path\": \"pages/a.html\", \"url\": \"https://a.test/one\"}\n\n{\"path\": \"pages/b.html\"}\n";
    // A file: paths relative to the manifest's directory, whatever the working directory.
    std::fs::write(dir.join("manifest.jsonl"), lines).expect("manifest");
    let out = bin()
        .args(["extract", "--quiet", "--manifest"])
        .arg(dir.join("manifest.jsonl"))
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["url"], "https://a.test/one");
    assert_eq!(recs[1]["url"], serde_json::Value::Null);
    // Stdin (`--manifest -`, as one `rdd.pipe` partition): relative to the working directory.
    let mut child = bin()
        .args(["extract", "--quiet", "--manifest", "-"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(lines.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    let piped = json_lines(&out.stdout);
    assert_eq!(piped.len(), 2);
    assert_eq!(piped[0]["source_path"], "pages/a.html");
    assert_eq!(piped[0]["text"], recs[0]["text"]);
    let _ = std::fs::remove_dir_all(dir);
}

/// The records of a Parquet file, read with the `parquet` crate and turned back into the
/// JSON lines `extract` writes (a record serializes the same whichever file it came from).
fn parquet_as_lines(path: &std::path::Path) -> Vec<String> {
    newsharvest::output::parquet::read::values(path)
        .expect("a readable Parquet file")
        .into_iter()
        .map(|v| {
            let rec: newsharvest::Record = serde_json::from_value(v).expect("a record");
            serde_json::to_string(&rec).expect("json")
        })
        .collect()
}

#[test]
fn parquet_output_holds_the_records_of_jsonl_output() {
    let d = std::env::temp_dir().join(format!("nh-cli-parquet-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("tmp");
    let fixtures = format!("{}/fixtures", env!("CARGO_MANIFEST_DIR"));
    let run = |args: &[&str]| {
        let o = bin()
            .args(["extract", "--quiet", "--explain", &fixtures])
            .args(args)
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    };
    let (jsonl, parquet) = (d.join("out.jsonl"), d.join("out.parquet"));
    run(&["-o", &jsonl.display().to_string()]);
    run(&["-o", &parquet.display().to_string()]);
    let want: Vec<String> = std::fs::read_to_string(&jsonl)
        .expect("jsonl")
        .lines()
        .map(str::to_string)
        .collect();
    assert!(want.len() > 10, "{} records", want.len());
    assert_eq!(
        parquet_as_lines(&parquet),
        want,
        "the same records, in the same order"
    );
    // Parquet to stdout (piped) is the same file.
    let piped = run(&["--format", "parquet"]);
    assert_eq!(piped, std::fs::read(&parquet).expect("parquet"));
    // A format the file's name contradicts is refused before anything is written.
    let o = bin()
        .args(["extract", "--quiet", &fixtures, "--format", "parquet", "-o"])
        .arg(d.join("other.jsonl"))
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(".parquet"));
    assert!(!d.join("other.jsonl").exists());
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn links_and_images_lose_tracking_parameters() {
    let para = "The council met on Tuesday to agree the budget for the coming year, after weeks of talks between the parties. ";
    let html = format!(
        "<html><head><title>Budget agreed</title></head><body><article><h1>Budget agreed</h1>\
         <p>{p}{p}</p><p>{p} Read the <a href=\"/report?id=7&amp;utm_source=tw&amp;fbclid=abc\">full report</a> online.</p>\
         <figure><img src=\"https://cdn.test/pic.jpg?w=800&amp;utm_medium=social\" alt=\"The chamber\"></figure>\
         <p>{p}{p}</p></article></body></html>",
        p = para
    );
    let out = run_with_stdin(
        &[
            "extract",
            "--markdown",
            "--links",
            "--url",
            "https://news.test/a/budget",
            "-",
        ],
        html.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let md = r["markdown"].as_str().expect("markdown");
    assert!(
        md.contains("[full report](<https://news.test/report?id=7>)"),
        "{md}"
    );
    assert_eq!(r["images"][0]["url"], "https://cdn.test/pic.jpg?w=800");
}
