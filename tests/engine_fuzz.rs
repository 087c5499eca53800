//! A bounded fuzz run of the lexbor engine (the C that reads hostile input): the html fuzz
//! corpus (`fuzz/corpus/html`, `fuzz/regressions/html`), every fixture page and mutations of
//! them for a few seconds (`NH_FUZZ_SECONDS`, default 3; `NH_FUZZ_SEED` to repeat a run) go
//! through `html::engine::parse_document` and `parse_fragment` with small bounds, and every
//! tree is checked: links consistent both ways, no node deeper than `max_depth + 1`, text
//! readable. Run it with the C instrumented to catch memory errors the checks cannot see:
//! `NEWSHARVEST_SANITIZE=1 CARGO_TARGET_DIR=target/sanitize cargo test --release --test engine_fuzz`
//! (see `build.rs`).

use newsharvest::html::arena::{Arena, NodeId, NodeKind};
use newsharvest::html::engine::{parse_document, parse_fragment, ParseError};
use newsharvest::Limits;
use std::path::Path;
use std::time::{Duration, Instant};

/// Seconds of mutations when `NH_FUZZ_SECONDS` is not set.
const DEFAULT_SECONDS: u64 = 3;
/// Nesting cap of the fuzz run: small, so that folding is exercised often.
const FUZZ_DEPTH: usize = 24;
/// Node cap of the fuzz run: small, so that the cap is hit often.
const FUZZ_NODES: usize = 20_000;

/// Tokens the mutator inserts.
const TOKENS: &[&str] = &[
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<i>",
    "<a href=x>",
    "</a>",
    "<table>",
    "<tr>",
    "<td>",
    "</table>",
    "<ul><li>",
    "<select><option>",
    "<option selected>",
    "<selectedcontent>",
    "<template>",
    "</template>",
    "<svg>",
    "</svg>",
    "<math>",
    "<use xlink:href=a href=b xlink:href=c>",
    "<foreignObject>",
    "<mi>",
    "<annotation-xml encoding=text/html>",
    "<script>",
    "</script>",
    "<style>",
    "<textarea>",
    "<noscript>",
    "<plaintext>",
    "<frameset>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE html>",
    "&amp;",
    "&#x1F600;",
    "&#0;",
    "&notin",
    "\0",
    "\u{feff}",
    "\u{fffd}",
    "<html a=1>",
    "<body b=2>",
    " x=1 y=2 z=3",
    "<my-el is=x>",
];

/// A small xorshift generator: the run is repeatable from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut data = corpus[rng.below(corpus.len())].clone();
    for _ in 0..=rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(6) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let end = (at + rng.below(64)).min(data.len());
                data.drain(at..end);
            }
            2 => {
                let end = (at + rng.below(32)).min(data.len());
                let piece = data[at..end].to_vec();
                for _ in 0..rng.below(50) {
                    data.splice(at..at, piece.iter().copied());
                }
            }
            3 => {
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len());
                let to = (from + rng.below(256)).min(other.len());
                data.splice(at..at, other[from..to].iter().copied());
            }
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                let n = if rng.below(4) == 0 { rng.below(300) } else { 1 };
                for _ in 0..n {
                    data.splice(at..at, t.iter().copied());
                }
            }
        }
    }
    data
}

/// The tree's invariants (see the module comment).
fn check(a: &Arena, max_depth: usize) -> Result<(), String> {
    let mut seen = 0usize;
    for n in a.descendants(NodeId::ROOT) {
        seen += 1;
        if seen > a.len() {
            return Err("walk longer than the arena (a cycle)".into());
        }
        let mut prev = None;
        for c in a.children(n) {
            if a.parent(c) != Some(n) || a.prev_sibling(c) != prev {
                return Err(format!("links of {c:?} under {n:?}"));
            }
            prev = Some(c);
        }
        if a.last_child(n) != prev {
            return Err(format!("last child of {n:?}"));
        }
        if a.ancestors(n).count() > max_depth + 2 {
            return Err(format!("{n:?} deeper than {}", max_depth + 2));
        }
        match a.kind(n) {
            NodeKind::Element => {
                let _ = a.name(n).len() + a.attrs(n).map(|at| at.value.len()).sum::<usize>();
            }
            NodeKind::Text | NodeKind::Comment | NodeKind::Doctype => {
                let _ = a.text(n).len();
            }
            _ => {}
        }
    }
    Ok(())
}

fn run_one(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    let limits = Limits {
        max_depth: FUZZ_DEPTH,
        max_nodes: FUZZ_NODES,
        timeout: Some(Duration::from_secs(20)),
        ..Limits::default()
    };
    for fragment in [false, true] {
        let parsed = if fragment {
            parse_fragment(&text, &limits)
        } else {
            parse_document(&text, &limits)
        };
        match parsed {
            Ok(a) => check(&a, FUZZ_DEPTH)?,
            Err(ParseError::TooLarge(_)) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(())
}

fn files(dir: &Path, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files(&p, out);
        } else if let Ok(b) = std::fs::read(&p) {
            out.push(b);
        }
    }
}

#[test]
fn corpus_and_mutations_keep_the_tree_sound() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut corpus = Vec::new();
    files(&root.join("fuzz/corpus/html"), &mut corpus);
    files(&root.join("fuzz/regressions/html"), &mut corpus);
    let mut pages = Vec::new();
    files(&root.join("fixtures"), &mut pages);
    corpus.extend(
        pages
            .into_iter()
            .filter(|p| p.starts_with(b"<") || p.len() > 1000),
    );
    assert!(corpus.len() > 5, "{} corpus files", corpus.len());
    for (i, data) in corpus.iter().enumerate() {
        if let Err(e) = run_one(data) {
            panic!("corpus file {i}: {e}");
        }
    }
    let seconds = std::env::var("NH_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SECONDS);
    let seed = std::env::var("NH_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    let mut rng = Rng(seed);
    let start = Instant::now();
    let mut runs = 0usize;
    while start.elapsed() < Duration::from_secs(seconds) {
        let data = mutate(&mut rng, &corpus);
        if let Err(e) = run_one(&data) {
            let out = root.join("target/fuzz-failures");
            let _ = std::fs::create_dir_all(&out);
            let file = out.join(format!("engine-{seed}-{runs}.html"));
            let _ = std::fs::write(&file, &data);
            panic!("{e}: input saved to {} (NH_FUZZ_SEED={seed})", file.display());
        }
        runs += 1;
    }
    println!(
        "engine fuzz: {} corpus files, {runs} mutations (seed {seed})",
        corpus.len()
    );
}
