//! `newsharvest eval`: run extraction over gold-annotated datasets laid out as
//! `pages/<id>.html[.gz]` + `gold.jsonl` and score it the way `../shared/eval/score.py`
//! does (see [`score`]): body P/R/F1 over 4-token shingles, with/without snippets,
//! title/author/date exact match, and speed; and, where the gold has page types, the
//! page-type confusion table ([`page_types`]). Reads files; prints nothing (the CLI does).

pub mod page_types;
pub mod score;

use crate::extract::{process, Options};
use crate::input::{self, Source};
use crate::model::{Page, Record};
use crate::record::to_record;
use crate::rules::Rules;
use page_types::PageTypeScore;
use rayon::prelude::*;
use score::{MatchRate, MetaField, SnippetCounts};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One line of `gold.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    /// Page id: `pages/<id>.html[.gz]`.
    pub id: String,
    /// Page URL, used as the URL hint.
    #[serde(default)]
    pub url: Option<String>,
    /// Gold title.
    #[serde(default)]
    pub title: Option<String>,
    /// Gold body.
    #[serde(default)]
    pub body: Option<String>,
    /// Gold author(s), joined by "; " or as written.
    #[serde(default)]
    pub author: Option<String>,
    /// Gold date.
    #[serde(default)]
    pub date: Option<String>,
    /// Snippets the body must contain.
    #[serde(default)]
    pub with: Vec<String>,
    /// Snippets the body must not contain.
    #[serde(default)]
    pub without: Vec<String>,
    /// The set's other fields (`page_type`, ...).
    #[serde(default)]
    pub extra: GoldExtra,
}

/// The `extra` of a gold line: what this evaluator reads of it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GoldExtra {
    /// The page's type (`article`, `listing`, `collection`, `forum`, ...).
    #[serde(default)]
    pub page_type: Option<String>,
}

/// Scores of one page, for `--per-page`.
#[derive(Debug, Clone, Serialize)]
pub struct PageScore {
    /// Dataset name.
    pub dataset: String,
    /// Page id.
    pub id: String,
    /// Error message when extraction failed.
    pub error: Option<String>,
    /// Body precision (None when not scored).
    pub precision: Option<f64>,
    /// Body recall.
    pub recall: Option<f64>,
    /// `with` snippets missing from the body.
    pub missing: Vec<String>,
    /// `without` snippets present in the body.
    pub leaked: Vec<String>,
    /// Title matched gold.
    pub title_ok: Option<bool>,
    /// Predicted title.
    pub title: Option<String>,
    /// Gold title.
    pub gold_title: Option<String>,
    /// Author matched gold.
    pub author_ok: Option<bool>,
    /// Date matched gold.
    pub date_ok: Option<bool>,
    /// Milliseconds spent in `process`.
    pub ms: f64,
}

/// The scores of one dataset.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetScore {
    /// Directory name.
    pub name: String,
    /// Pages in gold.jsonl.
    pub pages: usize,
    /// Pages that failed to extract.
    pub errors: usize,
    /// Body P/R/F1 (pages with a gold body).
    pub body: Option<score::CorpusScore>,
    /// Pooled snippet counts.
    pub snippets: Option<SnippetCounts>,
    /// Title exact-match.
    pub title: MatchRate,
    /// Author exact-match.
    pub author: MatchRate,
    /// Date exact-match (first 10 characters).
    pub date: MatchRate,
    /// Median milliseconds per page in `process`.
    pub median_ms: f64,
    /// Pages per second of one core: pages / total `process` seconds.
    pub pages_per_core_s: f64,
    /// Page types against the gold's (sets with typed gold only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_types: Option<PageTypeScore>,
}

/// Errors of the eval command.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// gold.jsonl missing or unreadable.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A gold line is not valid; what the JSON parser said is the source.
    #[error("{path}:{line}")]
    Gold {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What the JSON parser said.
        source: serde_json::Error,
    },
}

/// Read a dataset's gold.jsonl.
pub fn read_gold(dir: &Path) -> Result<Vec<Gold>, EvalError> {
    let path = dir.join("gold.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|source| EvalError::Io {
        path: path.clone(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let g: Gold = serde_json::from_str(line).map_err(|source| EvalError::Gold {
            path: path.clone(),
            line: i + 1,
            source,
        })?;
        out.push(g);
    }
    Ok(out)
}

fn page_path(dir: &Path, id: &str) -> PathBuf {
    let pages = dir.join("pages");
    for ext in ["html.gz", "html", "htm.gz", "htm"] {
        let p = pages.join(format!("{id}.{ext}"));
        if p.exists() {
            return p;
        }
    }
    pages.join(format!("{id}.html.gz"))
}

/// A dataset's score, its per-page scores and its records (in gold order; `None` where
/// extraction failed).
pub type DatasetRun = (DatasetScore, Vec<PageScore>, Vec<Option<Record>>);

/// Run and score one dataset. Returns the dataset score, the per-page scores and the
/// records (in gold order).
pub fn run_dataset(dir: &Path, rules: &Rules) -> Result<DatasetRun, EvalError> {
    let gold = read_gold(dir)?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| dir.display().to_string());
    let results: Vec<(Result<Record, String>, f64)> =
        gold.par_iter().map(|g| extract_page(dir, g, rules)).collect();
    let mut tally = Tally::default();
    let per_page = gold
        .iter()
        .zip(&results)
        .map(|(g, (res, ms))| tally.page(&name, g, res.as_ref(), *ms))
        .collect();
    let ds = tally.finish(name, gold.len());
    let records = results.into_iter().map(|(r, _)| r.ok()).collect();
    Ok((ds, per_page, records))
}

/// Extract one gold page into its record (or the error's text), with the milliseconds
/// spent in `process`.
fn extract_page(dir: &Path, g: &Gold, rules: &Rules) -> (Result<Record, String>, f64) {
    let path = page_path(dir, &g.id);
    let src = Source {
        path: Some(path.clone()),
        url: g.url.clone(),
    };
    let bytes = match input::read(&src, crate::limits::DEFAULT_MAX_PAGE_BYTES) {
        Ok(b) => b,
        Err(e) => return (Err(e.to_string()), 0.0),
    };
    let page = Page {
        bytes: &bytes,
        url: g.url.as_deref(),
        ..Default::default()
    };
    let t0 = Instant::now();
    let res = process(&page, rules, &Options::default());
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    let rel = path
        .strip_prefix(dir)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.display().to_string());
    (
        res.map(|a| to_record(a, Some(rel))).map_err(|e| e.to_string()),
        ms,
    )
}

/// The running totals of one dataset, page by page in gold order.
#[derive(Default)]
struct Tally<'a> {
    /// Gold and predicted bodies of the pages with a gold body.
    body_pages: Vec<(&'a str, Option<&'a str>)>,
    snippets: SnippetCounts,
    /// True once a page had `with`/`without` snippets.
    any_snippets: bool,
    title: MatchRate,
    author: MatchRate,
    date: MatchRate,
    /// Milliseconds in `process`, per page.
    times: Vec<f64>,
    errors: usize,
    /// Page types of the pages with a gold type; `None` until one had one.
    page_types: Option<PageTypeScore>,
}

impl<'a> Tally<'a> {
    /// Score one page (its record, or the error's text) into the totals and its own score.
    fn page(&mut self, dataset: &str, g: &'a Gold, res: Result<&'a Record, &String>, ms: f64) -> PageScore {
        let rec = res.ok();
        if res.is_err() {
            self.errors += 1;
        }
        self.times.push(ms);
        let text = rec.map(|r| r.article.text.as_str()).unwrap_or("");
        let mut ps = PageScore {
            dataset: dataset.to_string(),
            id: g.id.clone(),
            error: res.err().cloned(),
            precision: None,
            recall: None,
            missing: Vec::new(),
            leaked: Vec::new(),
            title_ok: None,
            title: rec.and_then(|r| r.article.title.clone()),
            gold_title: g.title.clone(),
            author_ok: None,
            date_ok: None,
            ms,
        };
        if let Some(gb) = g.body.as_deref().filter(|b| score::has_text(b)) {
            self.body_pages.push((gb, rec.map(|r| r.article.text.as_str())));
            let c = score::body_counts(gb, text);
            ps.precision = c.precision();
            ps.recall = c.recall();
        }
        if !g.with.is_empty() || !g.without.is_empty() {
            self.any_snippets = true;
            self.snippets
                .add(score::snippet_counts(text, &g.with, &g.without));
            let norm = score::collapse_ws(text);
            ps.missing = g
                .with
                .iter()
                .filter(|s| !norm.contains(&score::collapse_ws(s)))
                .cloned()
                .collect();
            ps.leaked = g
                .without
                .iter()
                .filter(|s| norm.contains(&score::collapse_ws(s)))
                .cloned()
                .collect();
        }
        self.metadata(g, rec, &mut ps);
        if let Some(gt) = page_types::gold_type(dataset, g.extra.page_type.as_deref()) {
            let pred = rec.map(|r| r.article.page_type);
            self.page_types.get_or_insert_with(Default::default).add(gt, pred);
        }
        ps
    }

    /// Count the title, author and date matches of one page, and say which were right.
    fn metadata(&mut self, g: &Gold, rec: Option<&Record>, ps: &mut PageScore) {
        let before = (self.title.hits, self.author.hits, self.date.hits);
        self.title.add(
            MetaField::Title,
            g.title.as_deref(),
            rec.and_then(|r| r.article.title.as_deref()),
        );
        self.author.add_authors(
            g.author.as_deref(),
            rec.map(|r| r.article.authors.as_slice()).unwrap_or(&[]),
        );
        self.date.add(
            MetaField::Date,
            g.date.as_deref(),
            rec.and_then(|r| r.article.date_published.as_deref()),
        );
        let has = |s: &Option<String>| s.as_deref().is_some_and(|v| !score::norm_text(v).is_empty());
        ps.title_ok = has(&g.title).then_some(self.title.hits > before.0);
        ps.author_ok = has(&g.author).then_some(self.author.hits > before.1);
        ps.date_ok = has(&g.date).then_some(self.date.hits > before.2);
    }

    /// The dataset's score from the totals of its `pages` pages.
    fn finish(self, name: String, pages: usize) -> DatasetScore {
        let pb: Vec<score::PageBody<'_>> = self
            .body_pages
            .iter()
            .map(|(g, p)| score::PageBody { gold: g, pred: *p })
            .collect();
        let body = score::corpus_body(&pb);
        let total_s: f64 = self.times.iter().sum::<f64>() / 1000.0;
        let mut sorted = self.times;
        sorted.sort_by(f64::total_cmp);
        let median_ms = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
        DatasetScore {
            name,
            pages,
            errors: self.errors,
            body,
            snippets: self.any_snippets.then_some(self.snippets),
            title: self.title,
            author: self.author,
            date: self.date,
            median_ms,
            pages_per_core_s: if total_s > 0.0 {
                pages as f64 / total_s
            } else {
                0.0
            },
            page_types: self.page_types,
        }
    }
}

fn rate(m: &MatchRate) -> String {
    m.rate().map(|r| format!("{r:.3}")).unwrap_or_else(|| "–".into())
}

/// A Markdown table of dataset scores.
pub fn table(scores: &[DatasetScore]) -> String {
    let mut s = String::from(
        "| dataset | pages | errors | body F1 (P/R) | snippet F1 (P/R) | title | author | date | median ms | pages/s/core |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for d in scores {
        let body = d
            .body
            .map(|b| {
                format!(
                    "{:.3} ({:.3}/{:.3}) ±{:.3}",
                    b.f1, b.precision, b.recall, b.f1_std
                )
            })
            .unwrap_or_else(|| "–".into());
        let snip = d
            .snippets
            .map(|c| format!("{:.3} ({:.3}/{:.3})", c.f1(), c.precision(), c.recall()))
            .unwrap_or_else(|| "–".into());
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {:.0} |\n",
            d.name,
            d.pages,
            d.errors,
            body,
            snip,
            rate(&d.title),
            rate(&d.author),
            rate(&d.date),
            d.median_ms,
            d.pages_per_core_s
        ));
    }
    s
}

/// The page-type tables of the sets with typed gold, and of all of them together when there
/// are several; empty when no set has types.
pub fn page_type_tables(scores: &[DatasetScore]) -> String {
    let typed: Vec<(&str, &PageTypeScore)> = scores
        .iter()
        .filter_map(|d| d.page_types.as_ref().map(|t| (d.name.as_str(), t)))
        .collect();
    let mut s = String::new();
    let mut all = PageTypeScore::default();
    for (name, t) in &typed {
        s.push('\n');
        s.push_str(&t.table(name));
        all.merge(t);
    }
    if typed.len() > 1 {
        let names: Vec<&str> = typed.iter().map(|(n, _)| *n).collect();
        s.push('\n');
        s.push_str(&all.table(&names.join(" + ")));
    }
    s
}

/// Minimum scores a dataset must reach (`tests/eval-floors.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Floor {
    /// Body F1.
    pub body_f1: Option<f64>,
    /// Snippet F1.
    pub snippet_f1: Option<f64>,
    /// Title match rate.
    pub title: Option<f64>,
    /// Author match rate.
    pub author: Option<f64>,
    /// Date match rate.
    pub date: Option<f64>,
}

/// Check scores against floors keyed by dataset name; returns the failures.
pub fn check_floors(
    scores: &[DatasetScore],
    floors: &std::collections::BTreeMap<String, Floor>,
) -> Vec<String> {
    let mut fails = Vec::new();
    for d in scores {
        let Some(f) = floors.get(&d.name) else { continue };
        let mut check = |what: &str, floor: Option<f64>, got: Option<f64>| {
            if let Some(min) = floor {
                let v = got.unwrap_or(0.0);
                if v + 1e-9 < min {
                    fails.push(format!("{}: {what} {v:.3} is below the floor {min:.3}", d.name));
                }
            }
        };
        check("body F1", f.body_f1, d.body.map(|b| b.f1));
        check("snippet F1", f.snippet_f1, d.snippets.map(|c| c.f1()));
        check("title", f.title, d.title.rate());
        check("author", f.author, d.author.rate());
        check("date", f.date, d.date.rate());
    }
    fails
}

/// Peak resident memory of this process in KiB (Linux), for the speed report.
pub fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}
