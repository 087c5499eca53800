//! The hostile corpus, generated here: deep nesting of every kind, huge attributes and text
//! nodes, entity floods, invalid bytes, unclosed comments and tags, 600,000 siblings,
//! JSON-LD nesting, gzip bombs and broken WARC records. Each input is run through the
//! binary alone, then all of them mixed into a directory of good pages, each run under a
//! time limit (killed past it) and with its peak RSS measured (`wait4`). Every run must
//! end by itself with exit 0 or 1 inside the limits, and every good page must keep its
//! record.
//!
//! With `NEWSHARVEST_SANITIZE=1` (the vendored C built with AddressSanitizer and UBSan, as
//! `.ci/run` does) each input runs alone through the instrumented parser and must leave no
//! sanitizer report; the bounds are then scaled by [`SANITIZED_SCALE`] (they are checked by
//! the normal run) and the mixed runs are skipped (they add no C paths, only time).

mod common;

use common::{gzip, warc_record};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Wall time one run may take (the bound).
const TIME_LIMIT: Duration = Duration::from_secs(20);
/// Wall time of the run over all inputs together (their sum is about 20 s here).
const ALL_TIME_LIMIT: Duration = Duration::from_secs(180);
/// Peak RSS one run may reach, KiB (the bound: 1 GiB).
const MEMORY_LIMIT_KIB: u64 = 1024 * 1024;

/// Bounds factor under the sanitizers: the instrumented C runs 2-10× slower and ASan's
/// shadow memory and quarantine add to the peak RSS (measured: up to 2.5× here).
const SANITIZED_SCALE: u32 = 3;

/// Is the binary's C built with the sanitizers (`NEWSHARVEST_SANITIZE=1`, build.rs)?
fn sanitized() -> bool {
    std::env::var("NEWSHARVEST_SANITIZE").is_ok_and(|v| v == "1")
}

/// A time bound as it applies to this build (scaled under the sanitizers).
fn scaled(limit: Duration) -> Duration {
    if sanitized() {
        limit * SANITIZED_SCALE
    } else {
        limit
    }
}

/// How a bounded run ended.
struct Outcome {
    /// Exit code; `None` when killed (by us at the time limit, or by a signal).
    code: Option<i32>,
    elapsed: Duration,
    /// Peak RSS of the process (`VmHWM`, read while it runs).
    max_rss_kib: u64,
    stderr: String,
}

/// `VmHWM` (peak resident set) of a live process, KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Run the binary with `args`, stdout to `out`, killed after `limit`. The peak RSS is
/// polled from `/proc` (a child's `ru_maxrss` would include this test process's own peak,
/// which the child inherits at `exec`).
fn run_bounded(args: &[&str], out: &Path, limit: Duration) -> Outcome {
    let err_path = out.with_extension("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsharvest"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(out).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("spawn newsharvest");
    let started = Instant::now();
    let mut max_rss_kib = 0;
    let status = loop {
        if let Some(kib) = peak_rss_kib(child.id()) {
            max_rss_kib = max_rss_kib.max(kib);
        }
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if started.elapsed() > scaled(limit) {
            let _ = child.kill();
            break child.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Outcome {
        code: status.code(),
        elapsed: started.elapsed(),
        max_rss_kib,
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

/// A gzip stream of `n` bytes of `unit` repeated, compressed as it is generated.
fn gzip_repeated(unit: &[u8], n: usize) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let block = unit.repeat((1 << 20) / unit.len().max(1));
    let mut written = 0;
    while written < n {
        e.write_all(&block).expect("gzip");
        written += block.len();
    }
    e.finish().expect("gzip")
}

fn page(body: &str) -> Vec<u8> {
    format!("<!doctype html><html><head><title>Hostile</title></head><body>{body}</body></html>").into_bytes()
}

fn nested(open: &str, middle: &str, close: &str, n: usize) -> Vec<u8> {
    page(&format!("{}{middle}{}", open.repeat(n), close.repeat(n)))
}

/// A deterministic byte soup (xorshift), for invalid-byte inputs.
fn soup(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

fn http(head: &str, payload: &[u8]) -> Vec<u8> {
    [head.replace('\n', "\r\n").as_bytes(), b"\r\n\r\n", payload].concat()
}

const GOOD_ARTICLE: &str = "<article><h1>Council approves the budget</h1><p>The council met on Tuesday, and \
    the budget, after a long debate that ran late into the evening, was approved by a narrow margin of \
    two votes.</p><p>Opponents said the plan, which raises fees for parking, would hurt small shops in \
    the centre, while supporters argued, with figures, that the town had no other choice.</p></article>";

/// Broken WARC records between good ones: the good ones must still be read.
fn broken_warc(gzipped: bool) -> Vec<u8> {
    let good = |n: usize| {
        warc_record(
            "response",
            &format!("https://warc.test/good-{n}"),
            &http("HTTP/1.1 200 OK\nContent-Type: text/html", &page(GOOD_ARTICLE)),
        )
    };
    let member = |r: Vec<u8>| if gzipped { gzip(&r) } else { r };
    let mut out = Vec::new();
    out.extend(member(good(1)));
    // A gzip member cut in half (plain: a record cut in half).
    let cut = member(good(2));
    out.extend_from_slice(&cut[..cut.len() / 2]);
    // Garbage between records.
    out.extend(member(soup(50_000, 7)));
    // Content-Length far beyond the data (in a plain WARC it would swallow every later
    // record, as in any reader: it goes last there), and one that is not a number.
    let lying =
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999999999999\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<p>x".to_vec();
    if gzipped {
        out.extend(member(lying.clone()));
    }
    out.extend(member(
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: lots\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<p>x"
            .to_vec(),
    ));
    out.extend(member(good(3)));
    // A header line of 2 MB without an end.
    let mut long = b"WARC/1.0\r\nWARC-Type: response\r\nX-Long: ".to_vec();
    long.extend(std::iter::repeat_n(b'a', 2 << 20));
    out.extend(member(long));
    // A chunked payload with bogus chunk sizes, and one claiming 2 GB.
    out.extend(member(warc_record(
        "response",
        "https://warc.test/chunked",
        &http(
            "HTTP/1.1 200 OK\nContent-Type: text/html\nTransfer-Encoding: chunked",
            b"zz\r\n<p>x</p>\r\n7fffffff\r\n<p>",
        ),
    )));
    // A gzip bomb as the payload (Content-Encoding: gzip), 1 GiB inflated.
    out.extend(member(warc_record(
        "response",
        "https://warc.test/bomb",
        &http(
            "HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Encoding: gzip",
            &gzip_repeated(b"<p>bomb</p>", 1 << 30),
        ),
    )));
    // Deep nesting inside a record.
    out.extend(member(warc_record(
        "response",
        "https://warc.test/deep",
        &http(
            "HTTP/1.1 200 OK\nContent-Type: text/html",
            &nested("<div><span>", "deep", "</span></div>", 100_000),
        ),
    )));
    out.extend(member(good(4)));
    if !gzipped {
        out.extend(lying);
    }
    out
}

/// Write the hostile inputs into `dir`, each as soon as it is made (so that this test
/// process stays small).
fn write_corpus(dir: &Path) {
    let add = |name: &str, bytes: Vec<u8>| std::fs::write(dir.join(name), bytes).expect("write");
    // Deep nesting of every kind.
    add("deep-div.html", nested("<div>", "x", "</div>", 200_000));
    add("deep-b-i.html", nested("<b><i>", "x", "</i></b>", 50_000));
    add(
        "deep-table.html",
        nested("<table><tr><td>", "x", "</td></tr></table>", 20_000),
    );
    add("deep-list.html", nested("<ul><li>", "x", "</li></ul>", 100_000));
    add(
        "deep-ol-p.html",
        nested("<ol><li><p>", "x", "</p></li></ol>", 60_000),
    );
    add("deep-span-unclosed.html", page(&"<span>".repeat(300_000)));
    add("deep-a.html", page(&"<a href=\"#x\">link ".repeat(100_000)));
    add("deep-font.html", page(&"<font color=red>f".repeat(100_000)));
    add(
        "deep-distinct-formatting.html",
        page(&(0..100_000).map(|i| format!("<b id=b{i}>")).collect::<String>()),
    );
    add(
        "reopened-formatting.html",
        page(
            &((0..20_000)
                .map(|i| format!("<div><b id=a{i}><i id=c{i}>t</div>"))
                .collect::<String>()
                + "<p>x"),
        ),
    );
    add("self-closing-div.html", page(&"<div/>".repeat(200_000)));
    add(
        "deep-svg.html",
        nested("<svg><g>", "<text>x</text>", "</g></svg>", 50_000),
    );
    add(
        "deep-math.html",
        nested("<math><mrow>", "<mi>x</mi>", "</mrow></math>", 50_000),
    );
    add(
        "deep-select.html",
        page(&"<select><optgroup><option>o".repeat(50_000)),
    );
    add(
        "deep-template.html",
        nested("<template>", "x", "</template>", 100_000),
    );
    add(
        "deep-blockquote.html",
        nested("<blockquote><p>", "x", "</p></blockquote>", 100_000),
    );
    add("deep-headings.html", page(&"<h1><h2><h3>heading".repeat(50_000)));
    add(
        "deep-inline-mix.html",
        nested(
            "<div><span><em><strong>",
            "x",
            "</strong></em></span></div>",
            50_000,
        ),
    );
    add(
        "deep-button-form.html",
        page(&"<form><button><div>".repeat(50_000)),
    );
    // Shapes that a model of the open elements can get wrong: `<hr>` closing a p, HTML
    // breaking out of SVG, an end tag outside its scope, the deep part not under the
    // first child.
    add("drift-hr-span.html", page(&"<p><hr><span></p>".repeat(25_000)));
    add(
        "drift-svg-breakout.html",
        page(&("<svg>".to_string() + &"<div/>x".repeat(30_000))),
    );
    add(
        "drift-div-across-cell.html",
        page(&"<div>x<table><tr><td>x</div>".repeat(20_000)),
    );
    add(
        "drift-leaf-first.html",
        page(&"<div>leaf<br><div><i>a</i>".repeat(50_000)),
    );
    // Attribute floods where the tokenizer reads tags a naive scan would skip.
    let flood: String = (0..300_000).map(|i| format!(" a{i}")).collect();
    add("attributes-end-tag.html", page(&format!("<p>text</p{flood}>")));
    add(
        "attributes-after-short-comment.html",
        page(&format!("<!--><div{flood}>x</div>")),
    );
    add(
        "attributes-select-xmp.html",
        page(&format!("<select><xmp></select><div{flood}>x</div>")),
    );
    add(
        "attributes-svg-style.html",
        page(&format!("<svg><style><p{flood}>x")),
    );
    // JSON-LD nesting and size.
    let ld = |json: &str| {
        page(&format!(
            "<script type=\"application/ld+json\">{json}</script>{GOOD_ARTICLE}"
        ))
    };
    add(
        "jsonld-deep-arrays.html",
        ld(&("[".repeat(100_000) + &"]".repeat(100_000))),
    );
    add(
        "jsonld-deep-objects.html",
        ld(&("{\"@type\":\"NewsArticle\",\"a\":".repeat(100_000) + "1" + &"}".repeat(100_000))),
    );
    add(
        "jsonld-deep-graph.html",
        ld(&("{\"@graph\":[".repeat(50_000) + "{}" + &"]}".repeat(50_000))),
    );
    add(
        "jsonld-huge-graph.html",
        ld(&format!(
            "{{\"@graph\":[{}{{\"@type\":\"NewsArticle\",\"author\":{{\"@id\":\"#p1\"}},\"headline\":\"{}\"}}]}}",
            (0..100_000)
                .map(|i| format!("{{\"@id\":\"#p{i}\",\"@type\":\"Person\",\"name\":\"N &amp; {i}\"}},"))
                .collect::<String>(),
            "&amp;".repeat(100_000)
        )),
    );
    // Huge attributes and text nodes.
    add(
        "huge-attribute.html",
        page(&format!(
            "<div class=\"{}\">{GOOD_ARTICLE}</div>",
            "share ".repeat(3_000_000)
        )),
    );
    add(
        "many-attributes.html",
        page(&format!(
            "<div {}>{GOOD_ARTICLE}</div>",
            (0..300_000).map(|i| format!("a{i}=1 ")).collect::<String>()
        )),
    );
    add(
        "many-root-attributes.html",
        page(
            &(0..20_000)
                .map(|i| {
                    format!(
                        "<body {}>",
                        (0..50).map(|j| format!("r{i}x{j} ")).collect::<String>()
                    )
                })
                .collect::<String>(),
        ),
    );
    add(
        "huge-text-node.html",
        page(&format!("<p>{}</p>", "word, ".repeat(3_000_000))),
    );
    add(
        "huge-word.html",
        page(&format!("<p>{}</p>", "w".repeat(20_000_000))),
    );
    // Entity floods.
    add(
        "entity-flood.html",
        page(&format!("<p>{}</p>", "&amp;".repeat(4_000_000))),
    );
    add(
        "numeric-entity-flood.html",
        page(&format!("<p>{}</p>", "&#x1F600;".repeat(2_000_000))),
    );
    add(
        "broken-entities.html",
        page(&format!("<p>&{}</p>", "a".repeat(10_000_000))),
    );
    add(
        "entities-in-attributes.html",
        page(&format!(
            "<p title=\"{}\">text</p>",
            "&lt;&#0;&#xFFFFFFFF;".repeat(500_000)
        )),
    );
    // Invalid bytes.
    let mut invalid = b"<html><head><meta charset=utf-8></head><body><p>".to_vec();
    invalid.extend(
        soup(10_000_000, 42)
            .iter()
            .map(|b| if *b == 0 { 0xff } else { *b }),
    );
    add("invalid-utf8.html", invalid);
    let mut nul = b"<html><body><p>".to_vec();
    nul.extend(std::iter::repeat_n(0u8, 10_000_000));
    add("nul-flood.html", nul);
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(soup(4_000_000, 3));
    add("bom-utf16-soup.html", utf16);
    add(
        "binary.html",
        [b"\x89PNG\r\n\x1a\n".as_slice(), &soup(1_000_000, 9)].concat(),
    );
    add("empty.html", Vec::new());
    // Unclosed comments, tags and raw text.
    add(
        "unclosed-comment.html",
        page(&format!("<p>text</p><!--{}", "x".repeat(10_000_000))),
    );
    add(
        "unclosed-attribute.html",
        page(&format!("<p>text</p><div class=\"{}", "x ".repeat(5_000_000))),
    );
    add(
        "unclosed-tag.html",
        page(&format!("<p>text</p><div {}", "= ".repeat(5_000_000))),
    );
    add(
        "unclosed-script.html",
        page(&format!("<p>text</p><script>{}", "<div>".repeat(2_000_000))),
    );
    add(
        "plaintext.html",
        page(&format!("<plaintext>{}", "<p>x</p>".repeat(1_000_000))),
    );
    add(
        "cdata-flood.html",
        page(&format!("<svg>{}</svg>", "<![CDATA[x".repeat(1_000_000))),
    );
    // Width.
    add(
        "siblings-p.html",
        page(&format!("<article>{}</article>", "<p>x</p>".repeat(600_000))),
    );
    add(
        "siblings-div-classed.html",
        page(&"<div class=\"share related\">a, b</div>".repeat(600_000)),
    );
    add(
        "br-flood.html",
        page(&format!("<p>{}</p>", "<br>".repeat(3_000_000))),
    );
    add(
        "link-flood.html",
        page(
            &(0..500_000)
                .map(|i| format!("<a href=\"/a/{i}\">{i}</a>"))
                .collect::<String>(),
        ),
    );
    add(
        "table-cells.html",
        page(&format!("<table><tr>{}</tr></table>", "<td>c".repeat(500_000))),
    );
    add(
        "foster-parenting.html",
        page(&format!("<table>{}", "x<b>y".repeat(100_000))),
    );
    add(
        "streaming-pieces.html",
        page(
            &(0..20_000)
                .map(|i| {
                    format!(
                        "<template id=\"B:{i}\"></template><div hidden id=\"S:{}\"><p>piece {i}</p>",
                        (i + 1) % 20_000
                    )
                })
                .collect::<String>(),
        ),
    );
    // Bombs and oversize pages.
    add("gzip-bomb-zeros.html.gz", gzip_repeated(&[0u8], 1 << 30));
    add(
        "gzip-bomb-html.html.gz",
        gzip_repeated(b"<div><p>bomb</p></div>", 1 << 30),
    );
    add(
        "oversize.html",
        page(&"<p>The council met on Tuesday.</p>".repeat(1_300_000)),
    );
    // Broken WARC files.
    add("broken.warc.gz", broken_warc(true));
    add("broken-plain.warc", broken_warc(false));
}

fn check_bounds(what: &str, o: &Outcome, limit: Duration) {
    let limit = scaled(limit);
    let memory_limit_kib = if sanitized() {
        MEMORY_LIMIT_KIB * u64::from(SANITIZED_SCALE)
    } else {
        MEMORY_LIMIT_KIB
    };
    let first_err = o.stderr.lines().next().unwrap_or("");
    eprintln!(
        "{what:<40} exit {:<4} {:>6.2} s {:>7.1} MiB  {}",
        o.code.map_or("kill".to_string(), |c| c.to_string()),
        o.elapsed.as_secs_f64(),
        o.max_rss_kib as f64 / 1024.0,
        first_err
            .rsplit(": ")
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join(": ")
            .chars()
            .take(90)
            .collect::<String>()
    );
    assert!(
        matches!(o.code, Some(0 | 1)),
        "{what}: exit {:?} after {:?}\n{}",
        o.code,
        o.elapsed,
        o.stderr.chars().take(2000).collect::<String>()
    );
    assert!(o.elapsed <= limit, "{what}: {:?}", o.elapsed);
    assert!(
        o.max_rss_kib <= memory_limit_kib,
        "{what}: peak RSS {} KiB",
        o.max_rss_kib
    );
    assert!(!o.stderr.contains("panicked"), "{what}: a panic\n{}", o.stderr);
    for report in [
        "ERROR: AddressSanitizer",
        "ERROR: LeakSanitizer",
        "runtime error:",
    ] {
        assert!(
            !o.stderr.contains(report),
            "{what}: a sanitizer report\n{}",
            o.stderr.chars().take(4000).collect::<String>()
        );
    }
}

/// Write the good pages into `dir`: every fixture case, and articles below 0 to 600
/// wrappers. Returns their file names.
fn write_good_pages(dir: &Path) -> Vec<String> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut good = Vec::new();
    for entry in std::fs::read_dir(&fixtures).expect("fixtures") {
        let case = entry.expect("entry").path();
        let p = case.join("page.html");
        if p.exists() {
            let name = format!(
                "{}.html",
                case.file_name().and_then(|n| n.to_str()).unwrap_or("x")
            );
            std::fs::copy(&p, dir.join(&name)).expect("copy");
            good.push(name);
        }
    }
    for i in 0..7 {
        let body = format!(
            "{}{GOOD_ARTICLE}{}",
            "<div>".repeat(100 * i),
            "</div>".repeat(100 * i)
        );
        let name = format!("deep-good-{i}.html");
        std::fs::write(dir.join(&name), page(&body)).expect("write");
        good.push(name);
    }
    good.sort();
    good
}

/// The records of a JSONL output; every line must be a whole record.
fn records(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out)
        .expect("output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is a whole record"))
        .collect()
}

/// Every good page has its record, with the article's text.
fn assert_good_records(what: &str, good: &[String], records: &[serde_json::Value], stderr: &str) {
    for g in good {
        let rec = records
            .iter()
            .find(|r| {
                r["source_path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with(&format!("/{g}")))
            })
            .unwrap_or_else(|| panic!("{what}: good page {g} lost its record\n{stderr}"));
        let text = rec["text"].as_str().unwrap_or("");
        assert!(!text.is_empty(), "{what}: {g}: empty text");
        if g.starts_with("deep-good") {
            assert!(
                text.contains("approved by a narrow margin"),
                "{what}: {g}: {text}"
            );
        }
    }
}

fn link_or_copy(from: &Path, to: &Path) {
    std::fs::hard_link(from, to)
        .or_else(|_| std::fs::copy(from, to).map(|_| ()))
        .expect("link");
}

/// One test, so that the runs do not compete for the two cores: each input alone, each
/// input in a directory of good pages, then all inputs and all good pages together.
#[test]
fn hostile_inputs_end_within_bounds_and_good_pages_keep_their_records() {
    let dir = std::env::temp_dir().join(format!("nh-hostile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (hostile, good_dir, all) = (dir.join("hostile"), dir.join("good"), dir.join("all"));
    for d in [&hostile, &good_dir, &all] {
        std::fs::create_dir_all(d).expect("tmp");
    }
    write_corpus(&hostile);
    let good = write_good_pages(&good_dir);
    assert!(good.len() >= 20, "{} good pages", good.len());
    let mut names: Vec<String> = std::fs::read_dir(&hostile)
        .expect("corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 55, "{} inputs", names.len());

    for name in &names {
        let input = hostile.join(name);
        // Alone: a record or a clear reason, never silence.
        let out = dir.join("alone.jsonl");
        let o = run_bounded(
            &["extract", "--quiet", input.to_str().expect("utf-8")],
            &out,
            TIME_LIMIT,
        );
        check_bounds(name, &o, TIME_LIMIT);
        assert!(
            !std::fs::read_to_string(&out)
                .unwrap_or_default()
                .trim()
                .is_empty()
                || o.stderr.contains("skipped"),
            "{name}: neither a record nor a reason"
        );
        if sanitized() {
            continue;
        }
        // Among good pages.
        let mixed = dir.join("mixed");
        let _ = std::fs::remove_dir_all(&mixed);
        std::fs::create_dir_all(&mixed).expect("tmp");
        for g in &good {
            link_or_copy(&good_dir.join(g), &mixed.join(g));
        }
        link_or_copy(&input, &mixed.join(name));
        let out = dir.join("mixed.jsonl");
        let o = run_bounded(
            &[
                "extract",
                "--quiet",
                mixed.to_str().expect("utf-8"),
                "-o",
                out.to_str().expect("utf-8"),
            ],
            &dir.join("mixed.stdout"),
            TIME_LIMIT,
        );
        check_bounds(&format!("  + {} good pages", good.len()), &o, TIME_LIMIT);
        assert_good_records(name, &good, &records(&out), &o.stderr);
        link_or_copy(&input, &all.join(name));
    }

    if sanitized() {
        return;
    }
    // Everything at once: slower than one input, so only memory and the records are bound.
    for g in &good {
        link_or_copy(&good_dir.join(g), &all.join(g));
    }
    let out = dir.join("all.jsonl");
    let started = Instant::now();
    let o = run_bounded(
        &[
            "extract",
            "--quiet",
            all.to_str().expect("utf-8"),
            "-o",
            out.to_str().expect("utf-8"),
        ],
        &dir.join("all.stdout"),
        ALL_TIME_LIMIT,
    );
    check_bounds("all inputs and good pages together", &o, ALL_TIME_LIMIT);
    assert_eq!(o.code, Some(1), "some pages fail, so the run exits 1");
    let recs = records(&out);
    assert_good_records("all", &good, &recs, &o.stderr);
    // The good records of each broken WARC file are read past the broken ones.
    for (warc, want) in [("broken.warc.gz", 3), ("broken-plain.warc", 3)] {
        let n = recs
            .iter()
            .filter(|r| {
                r["source_path"]
                    .as_str()
                    .is_some_and(|p| p.contains(&format!("/{warc}#")))
                    && r["url"]
                        .as_str()
                        .is_some_and(|u| u.starts_with("https://warc.test/good-"))
            })
            .count();
        assert_eq!(n, want, "{warc}: {n} good records\n{}", o.stderr);
    }
    eprintln!("all together: {:.1} s", started.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
}
