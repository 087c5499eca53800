//! Does the Markdown say the same words as `text`? `cargo run --release --example
//! markdown_check -- [SET...]` (default: the five article dev sets under `../shared/eval`).
//!
//! Every page of a set (`pages/<id>.html.gz` named by `gold.jsonl`) is extracted once with
//! Markdown on. The Markdown is stripped back to words as a reader sees them (link and image
//! targets, image alt texts, code-fence info strings, ordered-list numbers and table-cell
//! `<br>`s removed, emphasis delimiters dropped, backslash escapes undone, and on both sides
//! TeX commands and script marks left out, since `text` may hold a formula's MathML tokens; the rest is punctuation the `\w+` tokenizer
//! drops anyway) and scored against the same record's `text` with the body metric of
//! `newsharvest eval` (4-token shingles, per-page normalised, corpus F1): `text` plays the
//! gold. Issue 21 asks for F1 ≥ 0.99 per set. Also printed: how many pages carry a data
//! table, a code block and math in their Markdown, and the worst pages (`--worst N`).

use flate2::read::MultiGzDecoder;
use newsharvest::eval::read_gold;
use newsharvest::eval::score::{body_counts, body_metrics, BodyCounts};
use newsharvest::extract::{process, Options};
use newsharvest::model::Page;
use newsharvest::Rules;
use regex::Regex;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The sets read when none is named: the article dev sets of `../shared/eval`.
const DEFAULT_SETS: [&str; 5] = [
    "../shared/eval/readability",
    "../shared/eval/trafilatura-dev",
    "../shared/eval/wcxb-articles-dev",
    "../shared/eval/postlight",
    "../shared/eval/goose3",
];

/// Worst pages listed per set unless `--worst` says otherwise.
const DEFAULT_WORST: usize = 3;

/// The Markdown patterns that are not words of the text.
struct Strip {
    /// `![alt](url "title")`: an image, whose alt text is not part of `text`.
    image: Regex,
    /// `](url "title")` after a link's text: the target.
    target: Regex,
    /// A code fence with its info string (` ```python `).
    fence: Regex,
    /// A GFM table's delimiter row.
    delimiter: Regex,
    /// An ordered list item's number (`1. `), after any quote and indent.
    number: Regex,
    /// A line break inside a table cell (`<br>`, as GFM writes them).
    cell_break: Regex,
    /// Emphasis and code-span delimiters (unescaped `*` and backticks): `*H*ij` reads "Hij".
    emphasis: Regex,
    /// TeX commands, environments and script marks: `text` holds a formula's TeX source or
    /// its MathML's tokens where the Markdown has TeX, so both sides leave them out.
    tex: Regex,
    /// A backslash escape (`\_`, `\*`, …): the reader sees the character alone.
    escape: Regex,
    /// An inline `$…$` or display `$$` formula (an unescaped dollar).
    math: Regex,
}

impl Strip {
    fn new() -> Strip {
        let re = |s: &str| Regex::new(s).expect("static pattern");
        Strip {
            image: re(r"!\[(?:\\.|[^\]\\])*\]\((?:\\.|[^)\\])*\)"),
            target: re(r"\]\((?:\\.|[^)\\])*\)"),
            fence: re(r"(?m)^ *(```+|~~~+)[^\n]*$"),
            delimiter: re(r"(?m)^\|(?: *:?-+:? *\|)+ *$"),
            math: re(r"(?:^|[^\\$])\$[^$\s]"),
            number: re(r"(?m)^((?:> ?)*\s*)\d{1,9}[.)] "),
            cell_break: re(r"<br>"),
            tex: re(r"\\(?:begin|end)\{[a-z*]+\}|\\[A-Za-z]+|[_^]"),
            emphasis: re(r"(^|[^\\])[*`]+"),
            escape: re(r"\\([[:punct:]])"),
        }
    }

    /// The words of `md` as `text` would have them.
    fn words(&self, md: &str) -> String {
        let s = self.image.replace_all(md, " ");
        let s = self.target.replace_all(&s, "]");
        let s = self.fence.replace_all(&s, " ");
        let s = self.number.replace_all(&s, "$1");
        let s = self.cell_break.replace_all(&s, " ");
        let s = self.emphasis.replace_all(&s, "$1");
        let s = self.emphasis.replace_all(&s, "$1");
        let s = self.escape.replace_all(&s, "$1");
        self.tex.replace_all(&s, " ").into_owned()
    }

    /// The words of `text`, TeX commands left out as in [`Strip::words`].
    fn text_words(&self, text: &str) -> String {
        self.tex.replace_all(text, " ").into_owned()
    }
}

/// What the Markdown of one set's pages holds, and how it scores against `text`.
#[derive(Default)]
struct SetTally {
    counts: Vec<BodyCounts>,
    worst: Vec<(f64, String)>,
    tables: usize,
    code: usize,
    math: usize,
    pages: usize,
}

fn page_path(set: &Path, id: &str) -> PathBuf {
    let gz = set.join("pages").join(format!("{id}.html.gz"));
    if gz.exists() {
        gz
    } else {
        set.join("pages").join(format!("{id}.html"))
    }
}

fn read_page(path: &Path) -> anyhow::Result<Vec<u8>> {
    let raw = std::fs::read(path)?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut bytes = Vec::new();
        MultiGzDecoder::new(&raw[..]).read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        Ok(raw)
    }
}

fn check_set(set: &Path, rules: &Rules, strip: &Strip) -> anyhow::Result<SetTally> {
    let opts = Options {
        markdown: true,
        ..Options::default()
    };
    let mut t = SetTally::default();
    for g in read_gold(set)? {
        let bytes = read_page(&page_path(set, &g.id))?;
        let page = Page {
            bytes: &bytes,
            url: g.url.as_deref(),
            ..Default::default()
        };
        let Ok(a) = process(&page, rules, &opts) else {
            continue;
        };
        if a.text.trim().is_empty() {
            continue;
        }
        t.pages += 1;
        let md = a.markdown.unwrap_or_default();
        t.tables += usize::from(strip.delimiter.is_match(&md));
        t.code += usize::from(strip.fence.is_match(&md));
        t.math += usize::from(strip.math.is_match(&md));
        let c = body_counts(&strip.text_words(&a.text), &strip.words(&md));
        let f1 = page_f1(&c);
        t.worst.push((f1, g.id.clone()));
        t.counts.push(c);
    }
    t.worst.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(t)
}

fn page_f1(c: &BodyCounts) -> f64 {
    let (p, r) = (c.precision().unwrap_or(0.0), c.recall().unwrap_or(0.0));
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

fn main() -> anyhow::Result<()> {
    let mut sets: Vec<PathBuf> = Vec::new();
    let mut worst = DEFAULT_WORST;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--worst" {
            worst = args.next().and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_WORST);
        } else {
            sets.push(a.into());
        }
    }
    if sets.is_empty() {
        sets = DEFAULT_SETS.iter().map(PathBuf::from).collect();
    }
    let rules = Rules::bundled()?;
    let strip = Strip::new();
    println!("set                 pages  md-vs-text F1  tables  code  math");
    let mut below = 0;
    for set in &sets {
        let t = check_set(set, &rules, &strip)?;
        let f1 = body_metrics(&t.counts, 0).map_or(0.0, |s| s.f1);
        below += usize::from(f1 < 0.99);
        let name = set
            .file_name()
            .map_or_else(|| set.display().to_string(), |n| n.to_string_lossy().into_owned());
        println!(
            "{name:<19} {:>5}  {f1:>13.4}  {:>6}  {:>4}  {:>4}",
            t.pages, t.tables, t.code, t.math
        );
        for (f, id) in t.worst.iter().take(worst).filter(|(f, _)| *f < 1.0) {
            println!("    worst {f:.3} {id}");
        }
    }
    if below > 0 {
        anyhow::bail!("{below} set(s) below F1 0.99");
    }
    Ok(())
}
