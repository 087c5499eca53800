//! The binary as a user runs it: records on stdout, one line per failed page on stderr,
//! exit codes 0 (all good), 1 (some pages failed), 2 (usage or config error).

use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsharvest"))
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
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&a.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), cases.len());
    for r in &lines {
        assert_eq!(r["schema_version"], 1);
        assert!(r["source_path"]
            .as_str()
            .is_some_and(|p| p.ends_with("page.html")));
        assert!(r["text"].as_str().is_some_and(|t| !t.is_empty()));
    }
}

#[test]
fn stdin_with_url_and_explain() {
    let html = std::fs::read(fixture("case-seed-tagdiv")).expect("fixture");
    let mut child = bin()
        .args([
            "extract",
            "--explain",
            "--url",
            "https://www.dailymeridian-news.test/russians/",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&html)
        .expect("write");
    let out = child.wait_with_output().expect("wait");
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
