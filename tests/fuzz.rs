//! The bounded fuzz run of CI, on stable Rust and without an instrumented build: every
//! target of `newsharvest::fuzz` replays its corpus (`fuzz/corpus/<target>/`) and the
//! crashes found before (`fuzz/regressions/<target>/`) — for `html` also every
//! `fixtures/*/page.html` —, then runs mutations of the corpus
//! for a few seconds (`NH_FUZZ_SECONDS`, default 3 per target; `NH_FUZZ_SEED` to repeat a
//! run). The mutations are byte flips, cuts, repeats, splices between corpus files and
//! insertions of each target's tokens (tags, entities, WARC and XML markers), so that the
//! inputs stay close to the formats. A failing input — a panic, or a hang of over 20 s,
//! which a watchdog thread turns into a failed test — is written to
//! `target/fuzz-failures/` and named in the failure. The coverage-guided run is
//! `cargo fuzz` in `fuzz/` (fuzz/README.md).

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Tokens inserted by the mutator, per target.
fn dictionary(target: &str) -> &'static [&'static str] {
    match target {
        "html" | "decode" => &[
            "<div>",
            "</div>",
            "<p>",
            "</p>",
            "<b>",
            "<i>",
            "</b>",
            "<table>",
            "<tr>",
            "<td>",
            "<ul><li>",
            "<a href=\"/x\">",
            "</a>",
            "<script>",
            "</script>",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "&amp;",
            "&#x1F600;",
            "&#0;",
            "<svg>",
            "<math>",
            "<template>",
            "<select><option>",
            "<br>",
            "<meta charset=\"",
            "windows-1251",
            "\"utf-16\">",
            "<script type=\"application/ld+json\">",
            "{\"@type\":\"NewsArticle\",",
            "[[[[",
            "<h1>",
            "Read also:",
            "<article>",
            "<body ",
            "<html ",
            " class=\"share\"",
            "<div hidden id=\"S:1\">",
            "<template id=\"B:1\">",
            "\u{feff}",
            "\0",
            "\u{fffd}",
            "<plaintext>",
            "<frameset>",
            "<noscript>",
        ],
        "warc" => &[
            "WARC/1.0\r\n",
            "WARC/1.1\r\n",
            "WARC-Type: response\r\n",
            "WARC-Type: request\r\n",
            "Content-Length: ",
            "Content-Length: 99999999999\r\n",
            "\r\n\r\n",
            "HTTP/1.1 200 OK\r\n",
            "Content-Type: text/html\r\n",
            "Transfer-Encoding: chunked\r\n",
            "Content-Encoding: gzip\r\n",
            "\u{1f}\u{8b}\u{8}",
            "0\r\n\r\n",
            "ffffffff\r\n",
            "WARC-Target-URI: http://x.test/\r\n",
        ],
        "robots" => &[
            "User-agent: *\n",
            "User-agent: newsharvest\n",
            "Disallow: /",
            "Allow: /",
            "Crawl-delay: ",
            "Sitemap: ",
            "*",
            "$",
            "%2F",
            "\r\n",
            "#",
            "\u{feff}",
        ],
        "sitemap" | "feed" => &[
            "<?xml version=\"1.0\"?>",
            "<urlset>",
            "</urlset>",
            "<url><loc>",
            "</loc></url>",
            "<sitemapindex>",
            "<sitemap><loc>",
            "<lastmod>2026-11-03</lastmod>",
            "<news:publication_date>",
            "<rss><channel>",
            "<item><link>",
            "</link></item>",
            "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
            "<entry>",
            "<link href=\"",
            "\"/>",
            "{\"version\":\"https://jsonfeed.org/version/1\",\"items\":[",
            "<![CDATA[",
            "&amp;",
            "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
            "&a;",
            "\u{1f}\u{8b}\u{8}",
        ],
        _ => &[
            "?",
            "&",
            "=",
            "#",
            "/",
            "../",
            "./",
            "//",
            "%",
            "%2F",
            "%E2%82%AC",
            ";jsessionid=",
            "PHPSESSID=",
            "utm_source=",
            "sid=0123456789abcdef0123",
            "(S(abc))",
            ":443",
            ":80",
            "https://",
            "http://[::1]",
            "xn--",
            "\u{e9}",
            " ",
            "\t",
            "\\",
            "@",
            "javascript:",
        ],
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// One mutation of `input`, drawing from the corpus and the dictionary.
fn mutate(rng: &mut StdRng, input: &[u8], corpus: &[Vec<u8>], dict: &[&str]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let len = out.len();
        let at = if len == 0 { 0 } else { rng.random_range(0..=len) };
        match rng.random_range(0..7) {
            0 if len > 0 => {
                let i = rng.random_range(0..len);
                out[i] ^= 1 << rng.random_range(0..8);
            }
            1 if len > 0 => {
                let end = (at + rng.random_range(1..=64)).min(len);
                out.drain(at.min(end)..end);
            }
            2 if len > 0 => {
                // Repeat a piece many times: deep nesting, long runs.
                let start = rng.random_range(0..len);
                let end = (start + rng.random_range(1..=16)).min(len);
                let piece = out[start..end].to_vec();
                let times = rng.random_range(2..=2000);
                let rep: Vec<u8> = piece.iter().copied().cycle().take(piece.len() * times).collect();
                out.splice(at..at, rep);
            }
            3 if !corpus.is_empty() => {
                let other = &corpus[rng.random_range(0..corpus.len())];
                if !other.is_empty() {
                    let start = rng.random_range(0..other.len());
                    let end = (start + rng.random_range(1..=512)).min(other.len());
                    out.splice(at..at, other[start..end].iter().copied());
                }
            }
            4 => out.truncate(at),
            5 => out.insert(at, rng.random()),
            _ => {
                let tok = dict[rng.random_range(0..dict.len())].as_bytes();
                let times = if rng.random_range(0..8) == 0 {
                    rng.random_range(2..=500)
                } else {
                    1
                };
                let rep: Vec<u8> = tok.iter().copied().cycle().take(tok.len() * times).collect();
                out.splice(at..at, rep);
            }
        }
    }
    out.truncate(1 << 20);
    out
}

/// An input taking longer than this is a hang.
const HANG: Duration = Duration::from_secs(20);

/// Where a failing input is saved.
fn save_failure(target: &str, input: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{target}-{:016x}", fxhash(input)));
    let _ = std::fs::write(&path, input);
    path
}

/// The input being run, for the watchdog.
struct Running {
    target: &'static str,
    input: Vec<u8>,
    since: Instant,
}

static RUNNING: std::sync::Mutex<Option<Running>> = std::sync::Mutex::new(None);

/// A thread that ends the test process when one input runs longer than [`HANG`]: a hang
/// would otherwise stall CI instead of failing it. The input is saved first.
fn start_watchdog() {
    std::thread::spawn(|| loop {
        std::thread::sleep(Duration::from_secs(1));
        let guard = RUNNING.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = guard.as_ref().filter(|r| r.since.elapsed() > HANG) {
            let path = save_failure(r.target, &r.input);
            eprintln!(
                "fuzz target {} hangs (over {HANG:?}); input saved as {}",
                r.target,
                path.display()
            );
            std::process::exit(101);
        }
    });
}

/// Run one input; on a panic or a hang, save it and fail naming the file.
fn check(target: &'static str, input: &[u8], what: &str) {
    *RUNNING.lock().unwrap_or_else(|p| p.into_inner()) = Some(Running {
        target,
        input: input.to_vec(),
        since: Instant::now(),
    });
    let r = catch_unwind(AssertUnwindSafe(|| newsharvest::fuzz::run(target, input)));
    *RUNNING.lock().unwrap_or_else(|p| p.into_inner()) = None;
    if r.is_err() {
        let path = save_failure(target, input);
        panic!(
            "fuzz target {target} panicked on {what}; input saved as {}",
            path.display()
        );
    }
}

fn fxhash(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &x| {
        (h ^ x as u64).wrapping_mul(0x100_0000_01b3)
    })
}

#[test]
fn fuzz_targets_hold_on_the_corpus_the_regressions_and_mutations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let seconds: f64 = std::env::var("NH_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let seed: u64 = std::env::var("NH_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs())
        });
    eprintln!("NH_FUZZ_SEED={seed} NH_FUZZ_SECONDS={seconds}");
    start_watchdog();
    for target in newsharvest::fuzz::TARGETS {
        let mut corpus_files = files(&root.join("corpus").join(target));
        if *target == "html" {
            // The fixture pages are the HTML seeds too (not copied into fuzz/corpus).
            let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
            let mut pages: Vec<PathBuf> = std::fs::read_dir(&fixtures)
                .expect("fixtures")
                .filter_map(|e| e.ok().map(|e| e.path().join("page.html")))
                .filter(|p| p.is_file())
                .collect();
            pages.sort();
            corpus_files.extend(pages);
        }
        let corpus: Vec<Vec<u8>> = corpus_files
            .iter()
            .map(|p| std::fs::read(p).expect("corpus file"))
            .collect();
        for (p, data) in corpus_files.iter().zip(&corpus) {
            check(target, data, &p.display().to_string());
        }
        let regressions = files(&root.join("regressions").join(target));
        for p in &regressions {
            check(
                target,
                &std::fs::read(p).expect("regression file"),
                &p.display().to_string(),
            );
        }
        let mut rng = StdRng::seed_from_u64(seed ^ fxhash(target.as_bytes()));
        let dict = dictionary(target);
        let deadline = Instant::now() + Duration::from_secs_f64(seconds);
        let mut runs = 0u64;
        while Instant::now() < deadline {
            let base = &corpus[rng.random_range(0..corpus.len())];
            let input = mutate(&mut rng, base, &corpus, dict);
            check(target, &input, &format!("a mutation (NH_FUZZ_SEED={seed})"));
            runs += 1;
        }
        eprintln!(
            "{target:<8} {} corpus, {} regressions, {runs} mutations",
            corpus.len(),
            regressions.len()
        );
    }
}
