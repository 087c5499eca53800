//! Extraction-quality scoring, a faithful port of the reference scorer
//! `shared/eval/score.py` (see `shared/eval/README.md`, section "Scoring").
//!
//! `newsharvest eval` must agree with `score.py` to the third decimal, so every
//! rule here mirrors the Python code, including its empty-input corner cases
//! and its denominators:
//!
//! * **Body** ([`tokens`], [`body_counts`], [`body_metrics`], [`corpus_body`]):
//!   `\w+` tokens, 4-token shingles counted with repeats (a text of fewer than
//!   4 tokens gives one shorter shingle, an empty text none), per-page
//!   tp/fp/fn normalised to sum 1, corpus precision = mean over pages with
//!   predicted shingles, corpus recall = mean over pages with gold shingles,
//!   F1 = harmonic mean of those two means, accuracy = share of pages whose
//!   token sequence equals the gold one, and the standard deviation of each
//!   over bootstrap resamples of pages. Only pages with a non-blank gold body
//!   take part.
//! * **Snippets** ([`snippet_counts`], [`SnippetCounts`]): pooled tp/fn/fp/tn
//!   of `with`/`without` substring tests after whitespace collapsing.
//! * **Title / author / date** ([`norm_text`], [`title_match`],
//!   [`author_match`], [`authors_match`], [`date_match`], [`MatchRate`]):
//!   exact match after NFKC and whitespace collapsing, dates on their first
//!   10 characters, counted only over pages whose gold field is set.
//!
//! Known differences from `score.py` (none of them visible at three decimals
//! on the evaluation sets):
//!
//! * Tokens: Python's `re` `\w` on `str` is exactly "Unicode category L* or
//!   N*, or `_`". It contains no combining marks (so Python splits
//!   decomposed accents and Indic vowel signs out of words), no connector
//!   punctuation besides `_`, and does include `No` such as `²` or `½`. That
//!   is **not** the `regex` crate's `\w` (which adds marks, all `Pc` and
//!   joiners and drops `No`), so the class here is spelled
//!   `[\p{L}\p{N}_&&\p{Age=V14_0}]`: the `Age` intersection pins it to
//!   Unicode 14.0, the database of the CPython 3.11 that runs `score.py`. It
//!   was checked equal to Python's `\w` on all 0x110000 code points. A
//!   `score.py` run on Python 3.12+ (Unicode 15+) would additionally treat
//!   letters first assigned after 14.0 as word characters.
//! * NFKC comes from `unicode-normalization` (a newer Unicode than 14.0).
//!   Single-code-point NFKC was checked equal to Python's `unicodedata` on
//!   every code point assigned in Unicode 14.0; the 167 that differ are all
//!   unassigned there.
//! * The bootstrap reproduces Python's `random.Random(0)` (MT19937, seeded the
//!   way CPython seeds it from an integer) and `random.choices`, so the
//!   resampled page indices are exactly those of `score.py`. Python's
//!   `statistics.stdev` works in exact rational arithmetic, this port in
//!   two-pass `f64`, so the `_std` values may differ in the last bit or two
//!   (about 1e-17), never at the printed precision.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// Shingle length used by the body metric (contiguous tokens per shingle).
pub const SHINGLE_LEN: usize = 4;

/// Number of bootstrap resamples `score.py` uses by default (`--n-bootstrap`).
pub const DEFAULT_BOOTSTRAP: usize = 1000;

/// Seed of `score.py`'s bootstrap generator (`random.Random(0)`).
pub const BOOTSTRAP_SEED: u32 = 0;

/// Python 3.11's `\w` for `str` patterns: Unicode letters, numbers and `_`,
/// as assigned in Unicode 14.0 (see the module docs).
static TOKEN_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}\p{N}_&&\p{Age=V14_0}]+").expect("static token regex"));

// ---- text helpers -----------------------------------------------------------

/// Python's `str.isspace()`: Unicode `White_Space` plus the ASCII
/// information separators U+001C..U+001F, which Python also treats as
/// whitespace (in `str.split()` and `str.strip()`).
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Whether `s` has any non-whitespace character, i.e. Python's
/// `bool(s.strip())`. `score.py` scores a page's body only when this holds
/// for its gold body.
pub fn has_text(s: &str) -> bool {
    s.chars().any(|c| !is_py_space(c))
}

/// Collapses every run of whitespace (including NBSP and the other Unicode
/// spaces) to one ASCII space and trims both ends: `" ".join(s.split())`.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(is_py_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Metadata normalisation (`norm_meta` in `score.py`): Unicode NFKC, then
/// [`collapse_ws`]. An empty input gives an empty string.
pub fn norm_text(s: &str) -> String {
    collapse_ws(&s.nfkc().collect::<String>())
}

// ---- body: shingle matching -------------------------------------------------

/// The word tokens of `text`, as Python's `re.findall(r"\w+", text)`:
/// maximal runs of Unicode letters, numbers and `_`, case kept, everything
/// else dropped. Combining marks are not word characters (as in Python), so
/// `"e\u{301}te"` gives `["e", "te"]`. See the module docs.
pub fn tokens(text: &str) -> Vec<&str> {
    TOKEN_RE.find_iter(text).map(|m| m.as_str()).collect()
}

/// Shingle multiset of a token sequence, as `score.py`'s `shingles`.
fn shingles<'a, 't>(toks: &'a [&'t str]) -> HashMap<&'a [&'t str], usize> {
    let mut grams = HashMap::new();
    if toks.is_empty() {
        // the only "shingle" of an empty text is the empty tuple, which is dropped
    } else if toks.len() < SHINGLE_LEN {
        grams.insert(toks, 1);
    } else {
        for w in toks.windows(SHINGLE_LEN) {
            *grams.entry(w).or_insert(0) += 1;
        }
    }
    grams
}

/// One page's body comparison (`page_scores` in `score.py`).
///
/// `tp`, `fp` and `fn_` are the shingle true positives, false positives and
/// false negatives divided by their sum, so they add up to 1, or are all 0
/// when neither text has a token.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BodyCounts {
    /// Normalised matched shingles: Σ min(gold count, predicted count).
    pub tp: f64,
    /// Normalised predicted shingles beyond the gold counts.
    pub fp: f64,
    /// Normalised gold shingles that were not predicted.
    #[serde(rename = "fn")]
    pub fn_: f64,
    /// Whether the predicted token sequence equals the gold one exactly
    /// (two token-less texts are equal).
    pub exact: bool,
}

impl BodyCounts {
    /// Page precision, or `None` when the page has no predicted shingles
    /// (`tp + fp == 0`), in which case it does not enter the corpus mean.
    /// A page with `fp == fn == 0` scores 1.
    pub fn precision(&self) -> Option<f64> {
        if self.tp + self.fp > 0.0 {
            Some(py_precision(self.tp, self.fp, self.fn_))
        } else {
            None
        }
    }

    /// Page recall, or `None` when the page has no gold shingles
    /// (`tp + fn == 0`), in which case it does not enter the corpus mean.
    /// A page with `fp == fn == 0` scores 1.
    pub fn recall(&self) -> Option<f64> {
        if self.tp + self.fn_ > 0.0 {
            Some(py_recall(self.tp, self.fp, self.fn_))
        } else {
            None
        }
    }
}

fn py_precision(tp: f64, fp: f64, fn_: f64) -> f64 {
    if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp == 0.0 && fp == 0.0 {
        0.0
    } else {
        tp / (tp + fp)
    }
}

fn py_recall(tp: f64, fp: f64, fn_: f64) -> f64 {
    if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp == 0.0 && fn_ == 0.0 {
        0.0
    } else {
        tp / (tp + fn_)
    }
}

/// Compares a predicted body with the gold body of one page (`page_scores`).
///
/// A missing prediction is scored as the empty string.
pub fn body_counts(gold: &str, pred: &str) -> BodyCounts {
    let g_toks = tokens(gold);
    let p_toks = tokens(pred);
    let g = shingles(&g_toks);
    let p = shingles(&p_toks);
    let (small, big) = if g.len() < p.len() { (&g, &p) } else { (&p, &g) };
    let tp: usize = small
        .iter()
        .filter_map(|(k, &c)| big.get(k).map(|&b| c.min(b)))
        .sum();
    let fp = p.values().sum::<usize>() - tp;
    let fn_ = g.values().sum::<usize>() - tp;
    let s = tp + fp + fn_;
    let (tp, fp, fn_) = if s > 0 {
        let s = s as f64;
        (tp as f64 / s, fp as f64 / s, fn_ as f64 / s)
    } else {
        (0.0, 0.0, 0.0)
    };
    BodyCounts {
        tp,
        fp,
        fn_,
        exact: g_toks == p_toks,
    }
}

/// One page of the body metric: the gold body and the predicted body, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageBody<'a> {
    /// Gold body text. Pages whose gold body is blank (see [`has_text`]) are
    /// skipped by [`corpus_body`], as in `score.py`.
    pub gold: &'a str,
    /// Predicted body text; `None` (no prediction for the page) counts as
    /// empty output.
    pub pred: Option<&'a str>,
}

/// Corpus body scores (`body_metrics` in `score.py`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CorpusScore {
    /// Mean page precision over pages with predicted shingles (0 if none).
    pub precision: f64,
    /// Mean page recall over pages with gold shingles (0 if none).
    pub recall: f64,
    /// Harmonic mean of `precision` and `recall` (0 if both are 0).
    pub f1: f64,
    /// Share of pages whose predicted token sequence equals the gold one.
    pub accuracy: f64,
    /// Sample std of `precision` over the bootstrap resamples.
    pub precision_std: f64,
    /// Sample std of `recall` over the bootstrap resamples.
    pub recall_std: f64,
    /// Sample std of `f1` over the bootstrap resamples.
    pub f1_std: f64,
    /// Sample std of `accuracy` over the bootstrap resamples.
    pub accuracy_std: f64,
    /// Number of pages scored (those with a non-blank gold body).
    pub pages: usize,
}

/// Scores a corpus with `score.py`'s defaults: skips pages whose gold body
/// is blank, compares the rest with [`body_counts`] and aggregates them with
/// [`body_metrics`] over [`DEFAULT_BOOTSTRAP`] resamples. `None` when no page
/// has a gold body (`score.py` reports `"body": null`).
pub fn corpus_body(pages: &[PageBody<'_>]) -> Option<CorpusScore> {
    let counts: Vec<BodyCounts> = pages
        .iter()
        .filter(|p| has_text(p.gold))
        .map(|p| body_counts(p.gold, p.pred.unwrap_or("")))
        .collect();
    body_metrics(&counts, DEFAULT_BOOTSTRAP)
}

/// Aggregates per-page counts (already restricted to pages with a gold
/// body) into corpus scores, with `n_bootstrap` resamples for the `_std`
/// fields (fewer than 2 resamples give a std of 0). `None` for no pages.
pub fn body_metrics(counts: &[BodyCounts], n_bootstrap: usize) -> Option<CorpusScore> {
    if counts.is_empty() {
        return None;
    }
    let pv: Vec<Option<f64>> = counts.iter().map(BodyCounts::precision).collect();
    let rv: Vec<Option<f64>> = counts.iter().map(BodyCounts::recall).collect();
    let ex: Vec<f64> = counts.iter().map(|c| if c.exact { 1.0 } else { 0.0 }).collect();
    let agg = |idx: &mut dyn Iterator<Item = usize>| -> [f64; 4] {
        let (mut ps, mut pn, mut rs, mut rn, mut es, mut en) = (0.0, 0usize, 0.0, 0usize, 0.0, 0usize);
        for i in idx {
            if let Some(p) = pv[i] {
                ps += p;
                pn += 1;
            }
            if let Some(r) = rv[i] {
                rs += r;
                rn += 1;
            }
            es += ex[i];
            en += 1;
        }
        let p = mean(ps, pn);
        let r = mean(rs, rn);
        let f1 = if p + r != 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        [p, r, f1, mean(es, en)]
    };

    let n = counts.len();
    let m = agg(&mut (0..n));
    let mut rng = PyRandom::new(BOOTSTRAP_SEED);
    let mut samples: [Vec<f64>; 4] = std::array::from_fn(|_| Vec::with_capacity(n_bootstrap));
    let nf = n as f64;
    for _ in 0..n_bootstrap {
        // random.choices(range(n), k=n): floor(random() * n), n times
        let idx: Vec<usize> = (0..n).map(|_| (rng.random() * nf).floor() as usize).collect();
        let b = agg(&mut idx.into_iter());
        for (s, v) in samples.iter_mut().zip(b) {
            s.push(v);
        }
    }
    let std = samples.map(|s| stdev(&s));
    Some(CorpusScore {
        precision: m[0],
        recall: m[1],
        f1: m[2],
        accuracy: m[3],
        precision_std: std[0],
        recall_std: std[1],
        f1_std: std[2],
        accuracy_std: std[3],
        pages: n,
    })
}

/// `sum / count`, or 0 for no items (`_mean` in `score.py`).
fn mean(sum: f64, count: usize) -> f64 {
    if count == 0 {
        0.0
    } else {
        sum / count as f64
    }
}

/// Sample standard deviation (`statistics.stdev`), 0 for fewer than 2 values.
fn stdev(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    // two-pass with the compensation term of the corrected algorithm
    let (ss, c) = xs
        .iter()
        .fold((0.0, 0.0), |(ss, c), &x| (ss + (x - m) * (x - m), c + (x - m)));
    ((ss - c * c / n) / (n - 1.0)).max(0.0).sqrt()
}

/// CPython's `random.Random` core: MT19937 with CPython's integer seeding
/// (`init_by_array` on the seed's 32-bit words) and its 53-bit `random()`.
struct PyRandom {
    mt: [u32; 624],
    i: usize,
}

impl PyRandom {
    /// `random.Random(seed)` for a seed below 2^32.
    fn new(seed: u32) -> Self {
        let mut mt = [0u32; 624];
        mt[0] = 19_650_218;
        for i in 1..624 {
            mt[i] = 1_812_433_253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        let key = [seed];
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..624.max(key.len()) {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= 624 {
                mt[0] = mt[623];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..623 {
            mt[i] =
                (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= 624 {
                mt[0] = mt[623];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        PyRandom { mt, i: 624 }
    }

    fn next_u32(&mut self) -> u32 {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        const MATRIX_A: u32 = 0x9908_b0df;
        if self.i >= 624 {
            for k in 0..624 {
                let y = (self.mt[k] & UPPER) | (self.mt[(k + 1) % 624] & LOWER);
                let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
                self.mt[k] = self.mt[(k + 397) % 624] ^ (y >> 1) ^ mag;
            }
            self.i = 0;
        }
        let mut y = self.mt[self.i];
        self.i += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random.random()`: a float in [0, 1) with 53 random bits.
    fn random(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }
}

// ---- snippets -----------------------------------------------------------------

/// Pooled snippet counts (`snippet_counts` / `snippet_metrics` in
/// `score.py`), summed over pages with [`SnippetCounts::add`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SnippetCounts {
    /// `with` snippets found in the predicted body.
    pub tp: usize,
    /// `with` snippets missing from the predicted body.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// `without` (boilerplate) snippets found in the predicted body.
    pub fp: usize,
    /// `without` snippets absent from the predicted body.
    pub tn: usize,
    /// Pages that have at least one `with` or `without` snippet; `score.py`
    /// reports snippet scores only when this is non-zero.
    pub pages: usize,
}

impl SnippetCounts {
    /// Adds another page's (or corpus's) counts to these.
    pub fn add(&mut self, other: SnippetCounts) {
        self.tp += other.tp;
        self.fn_ += other.fn_;
        self.fp += other.fp;
        self.tn += other.tn;
        self.pages += other.pages;
    }

    /// tp / (tp + fp), or 0 when nothing was found.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn), or 0 when there are no `with` snippets.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// 2tp / (2tp + fp + fn), or 0 when tp + fp + fn is 0.
    pub fn f1(&self) -> f64 {
        if self.tp + self.fp + self.fn_ == 0 {
            0.0
        } else {
            ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
        }
    }

    /// (tp + tn) / all snippets, or 0 when there are none.
    pub fn accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.tp + self.tn + self.fp + self.fn_)
    }
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// Counts one page's snippets against its predicted body (pass `""` when
/// the page has no prediction), `score.py`'s default matching: a snippet
/// counts as found when, with every whitespace run collapsed to one space
/// (see [`collapse_ws`]) in both, it is a substring of the body. No other
/// normalisation is applied (case and Unicode form are kept). An empty
/// snippet is always found. `pages` is 1 if the page has any snippet, else 0.
pub fn snippet_counts(text: &str, with: &[String], without: &[String]) -> SnippetCounts {
    let text = collapse_ws(text);
    count_snippets(with, without, |s| text.contains(collapse_ws(s).as_str()))
}

/// As [`snippet_counts`] but with a plain substring test and no whitespace
/// collapsing (`score.py --exact-snippets`).
pub fn snippet_counts_exact(text: &str, with: &[String], without: &[String]) -> SnippetCounts {
    count_snippets(with, without, |s| text.contains(s))
}

fn count_snippets(with: &[String], without: &[String], found: impl Fn(&str) -> bool) -> SnippetCounts {
    let tp = with.iter().filter(|s| found(s)).count();
    let fp = without.iter().filter(|s| found(s)).count();
    SnippetCounts {
        tp,
        fn_: with.len() - tp,
        fp,
        tn: without.len() - fp,
        pages: usize::from(!with.is_empty() || !without.is_empty()),
    }
}

// ---- metadata -------------------------------------------------------------------

/// Whether a predicted title equals the gold one after [`norm_text`].
pub fn title_match(gold: &str, pred: &str) -> bool {
    norm_text(gold) == norm_text(pred)
}

/// Whether a predicted author string equals the gold one after [`norm_text`].
pub fn author_match(gold: &str, pred: &str) -> bool {
    norm_text(gold) == norm_text(pred)
}

/// Joins a list of authors the way `score.py` reads an `authors` list:
/// `"; ".join(...)`.
pub fn join_authors(authors: &[String]) -> String {
    authors.join("; ")
}

/// Whether a predicted author list, joined with `"; "`, equals the gold
/// author string after [`norm_text`]. (`score.py` only falls back to the
/// `authors` list when the prediction's `author` string is missing or empty.)
pub fn authors_match(gold: &str, pred: &[String]) -> bool {
    author_match(gold, &join_authors(pred))
}

/// Whether the first 10 characters (`YYYY-MM-DD`) of the normalised gold and
/// predicted dates are equal. Characters, not bytes, as Python slices.
pub fn date_match(gold: &str, pred: &str) -> bool {
    let first10 = |s: &str| norm_text(s).chars().take(10).collect::<String>();
    first10(gold) == first10(pred)
}

/// A metadata field compared by [`MatchRate::add`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaField {
    /// Title: [`title_match`].
    Title,
    /// Author string: [`author_match`].
    Author,
    /// Date: [`date_match`].
    Date,
}

/// Exact-match rate of one metadata field over a corpus, with `score.py`'s
/// denominator: a page counts only if its gold value is set and not blank
/// after [`norm_text`]; a missing prediction then counts as a miss.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MatchRate {
    /// Pages whose prediction matched.
    pub hits: usize,
    /// Pages counted (gold value present).
    pub n: usize,
}

impl MatchRate {
    /// Counts one page. `gold`/`pred` are `None` when the field is null or
    /// absent (a missing prediction compares as the empty string).
    pub fn add(&mut self, field: MetaField, gold: Option<&str>, pred: Option<&str>) {
        let Some(gold) = gold.filter(|g| !norm_text(g).is_empty()) else {
            return;
        };
        let pred = pred.unwrap_or("");
        let hit = match field {
            MetaField::Title => title_match(gold, pred),
            MetaField::Author => author_match(gold, pred),
            MetaField::Date => date_match(gold, pred),
        };
        self.n += 1;
        self.hits += usize::from(hit);
    }

    /// Counts one page's author given as a list (see [`authors_match`]).
    pub fn add_authors(&mut self, gold: Option<&str>, pred: &[String]) {
        self.add(MetaField::Author, gold, Some(&join_authors(pred)));
    }

    /// Adds another accumulator's counts to this one.
    pub fn merge(&mut self, other: MatchRate) {
        self.hits += other.hits;
        self.n += other.n;
    }

    /// hits / n, or `None` when no page had a gold value (`score.py`
    /// reports `null`).
    pub fn rate(&self) -> Option<f64> {
        (self.n > 0).then(|| self.hits as f64 / self.n as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn tokens_like_python() {
        assert_eq!(
            tokens("Hello, world! it's 2024_x"),
            ["Hello", "world", "it", "s", "2024_x"]
        );
        assert_eq!(
            tokens("Ünïcödé straße Москва 北京"),
            ["Ünïcödé", "straße", "Москва", "北京"]
        );
        // Python's \w has No (superscripts, fractions) but no combining marks
        assert_eq!(tokens("x² ½"), ["x²", "½"]);
        assert_eq!(tokens("e\u{301}te"), ["e", "te"]);
        assert_eq!(tokens("हिन्दी"), ["ह", "न", "द"]);
        // connector punctuation other than '_' and joiners split words
        assert_eq!(tokens("a‿b a\u{200d}b"), ["a", "b", "a", "b"]);
        assert_eq!(tokens("٣٤ ０１"), ["٣٤", "０１"]);
        assert!(tokens(" ... — ").is_empty());
        // letters assigned after Unicode 14.0 (Nag Mundari, 15.0) are not \w in Python 3.11
        assert_eq!(tokens("a\u{1E4D0}b"), ["a", "b"]);
    }

    #[test]
    fn whitespace_rules() {
        assert_eq!(
            collapse_ws("  a\u{a0}\u{a0}b\n\tc\u{3000}d\u{1c}e  "),
            "a b c d e"
        );
        assert_eq!(collapse_ws(""), "");
        assert!(!has_text(" \u{a0}\n\u{1f}"));
        assert!(has_text(" . "));
        assert!(!is_py_space('\u{200b}'));
        assert_eq!(norm_text(" ﬁne\u{a0} Ｔｉｔｌｅ "), "fine Title");
    }

    #[test]
    fn body_identical_and_empty() {
        let c = body_counts("one two three four five", "one two three four five");
        assert_eq!((c.tp, c.fp, c.fn_, c.exact), (1.0, 0.0, 0.0, true));
        assert_eq!((c.precision(), c.recall()), (Some(1.0), Some(1.0)));

        // no prediction: all fn, precision undefined, recall 0
        let c = body_counts("one two three four five", "");
        assert_eq!((c.tp, c.fp, c.fn_, c.exact), (0.0, 0.0, 1.0, false));
        assert_eq!((c.precision(), c.recall()), (None, Some(0.0)));

        // token-less gold and prediction: zeros, excluded from both means, exact
        let c = body_counts("...", "!!");
        assert_eq!((c.tp, c.fp, c.fn_, c.exact), (0.0, 0.0, 0.0, true));
        assert_eq!((c.precision(), c.recall()), (None, None));

        // token-less gold, some prediction: precision 0, recall undefined
        let c = body_counts("...", "a b");
        assert_eq!((c.tp, c.fp, c.fn_), (0.0, 1.0, 0.0));
        assert_eq!((c.precision(), c.recall()), (Some(0.0), None));
    }

    #[test]
    fn body_shingles_hand_computed() {
        // gold 6 tokens -> 3 shingles; pred drops the last token -> 2 shingles, both match
        let c = body_counts("a b c d e f", "a b c d e");
        assert!(close(c.tp, 2.0 / 3.0) && close(c.fp, 0.0) && close(c.fn_, 1.0 / 3.0));
        assert_eq!(c.precision(), Some(1.0));
        assert!(close(c.recall().unwrap(), 2.0 / 3.0));

        // repeats: gold has "x y z w" twice, pred once plus junk
        // gold: x y z w x y z w -> 5 shingles (xyzw ×2, yzwx, zwxy, wxyz)
        // pred: x y z w q -> xyzw, yzwq: tp 1, fp 1, fn 4 -> /6
        let c = body_counts("x y z w x y z w", "x y z w q");
        assert!(close(c.tp, 1.0 / 6.0) && close(c.fp, 1.0 / 6.0) && close(c.fn_, 4.0 / 6.0));
        assert!(close(c.precision().unwrap(), 0.5));
        assert!(close(c.recall().unwrap(), 0.2));

        // short texts: one shorter shingle each; punctuation/case matter as tokens
        let c = body_counts("Hello world", "hello, world");
        assert_eq!((c.tp, c.fp, c.fn_), (0.0, 0.5, 0.5));
        assert_eq!(c.precision(), Some(0.0));
        let c = body_counts("Hello world!", "Hello -- world");
        assert_eq!((c.tp, c.fp, c.fn_, c.exact), (1.0, 0.0, 0.0, true));
        // 3-token gold vs 5-token pred: the short shingle never equals a 4-gram
        let c = body_counts("a b c", "a b c d e");
        assert_eq!((c.tp, c.fp, c.fn_), (0.0, 2.0 / 3.0, 1.0 / 3.0));
    }

    #[test]
    fn corpus_means_over_right_subsets() {
        let pages = [
            // P 1, R 1
            PageBody {
                gold: "a b c d e f",
                pred: Some("a b c d e f"),
            },
            // P None, R 0
            PageBody {
                gold: "a b c d e f",
                pred: None,
            },
            // P 1, R 2/3
            PageBody {
                gold: "a b c d e f",
                pred: Some("a b c d e"),
            },
            // blank gold: skipped entirely
            PageBody {
                gold: " \n ",
                pred: Some("junk junk"),
            },
        ];
        let m = corpus_body(&pages).unwrap();
        assert_eq!(m.pages, 3);
        assert!(close(m.precision, 1.0));
        assert!(close(m.recall, (1.0 + 0.0 + 2.0 / 3.0) / 3.0));
        let (p, r) = (1.0, 5.0 / 9.0);
        assert!(close(m.f1, 2.0 * p * r / (p + r)));
        assert!(close(m.accuracy, 1.0 / 3.0));
        // bootstrap std as printed by score.body_metrics on these pages
        // (same resampled indices; only the last bits of stdev may differ)
        let py = [
            0.21387319079712105,
            0.24714997025926824,
            0.23613028525728655,
            0.27060817493175526,
        ];
        let rs = [m.precision_std, m.recall_std, m.f1_std, m.accuracy_std];
        for (a, b) in rs.iter().zip(py) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }

        assert!(corpus_body(&[PageBody {
            gold: "  ",
            pred: None
        }])
        .is_none());
        // all predictions empty: precision mean over nothing is 0, F1 0
        let m = corpus_body(&[PageBody {
            gold: "a b",
            pred: Some(""),
        }])
        .unwrap();
        assert_eq!((m.precision, m.recall, m.f1), (0.0, 0.0, 0.0));
        // one page: every resample is the same page, std 0
        assert_eq!(m.f1_std, 0.0);
        let m = body_metrics(&[body_counts("a b", "a")], 1).unwrap();
        assert_eq!(m.recall_std, 0.0);
    }

    #[test]
    fn python_random_reproduced() {
        let mut r = PyRandom::new(0);
        assert_eq!(r.random(), 0.8444218515250481);
        assert_eq!(r.random(), 0.7579544029403025);
        assert_eq!(r.random(), 0.420571580830845);
        // random.Random(0).choices(range(7), k=10)
        let mut r = PyRandom::new(0);
        let c: Vec<usize> = (0..10).map(|_| (r.random() * 7.0).floor() as usize).collect();
        assert_eq!(c, [5, 5, 2, 1, 3, 2, 5, 2, 3, 4]);
        // five choices out of 128, then getrandbits(32)
        let mut r = PyRandom::new(0);
        let c: Vec<usize> = (0..5).map(|_| (r.random() * 128.0).floor() as usize).collect();
        assert_eq!(c, [108, 97, 53, 33, 65]);
        assert_eq!(r.next_u32(), 1_739_178_872);
    }

    #[test]
    fn stdev_like_statistics() {
        assert!((stdev(&[0.1, 0.25, 0.3, 0.97]) - 0.3861346915261564).abs() < 1e-15);
        assert_eq!(stdev(&[0.5]), 0.0);
        assert_eq!(stdev(&[0.5, 0.5, 0.5]), 0.0);
    }

    #[test]
    fn snippets_pooled() {
        let body = "First\u{a0}\u{a0}paragraph here.\n\nSecond   one.";
        let with = s(&["first paragraph", "First paragraph here. Second", "missing", ""]);
        let without = s(&["Second one.", "Share this", "Second\none"]);
        let c = snippet_counts(body, &with, &without);
        // case kept: "first paragraph" not found; the empty snippet is always found
        assert_eq!((c.tp, c.fn_, c.fp, c.tn, c.pages), (2, 2, 2, 1, 1));
        let e = snippet_counts_exact(body, &with, &without);
        assert_eq!((e.tp, e.fn_, e.fp, e.tn), (1, 3, 0, 3));

        let mut tot = SnippetCounts::default();
        tot.add(c);
        tot.add(snippet_counts("", &s(&["x"]), &[]));
        tot.add(snippet_counts("anything", &[], &[]));
        assert_eq!((tot.tp, tot.fn_, tot.fp, tot.tn, tot.pages), (2, 3, 2, 1, 2));
        assert!(close(tot.precision(), 0.5));
        assert!(close(tot.recall(), 0.4));
        assert!(close(tot.f1(), 4.0 / 9.0));
        assert!(close(tot.accuracy(), 3.0 / 8.0));

        let z = SnippetCounts::default();
        assert_eq!(
            (z.precision(), z.recall(), z.f1(), z.accuracy()),
            (0.0, 0.0, 0.0, 0.0)
        );
        let tn_only = snippet_counts("", &[], &s(&["menu"]));
        assert_eq!((tn_only.f1(), tn_only.accuracy()), (0.0, 1.0));
    }

    #[test]
    fn metadata_matching() {
        assert!(title_match(" The  Title\n", "The Title"));
        assert!(title_match("Ｃａｆé", "Cafe\u{301}"));
        assert!(!title_match("The Title", "the title"));
        assert!(authors_match(
            "Jane Doe; John Roe",
            &s(&["Jane Doe", "John  Roe"])
        ));
        assert!(!authors_match(
            "Jane Doe, John Roe",
            &s(&["Jane Doe", "John Roe"])
        ));
        assert!(authors_match("", &[]));
        assert!(date_match("2020-01-02T10:00:00Z", "2020-01-02"));
        assert!(!date_match("2020-01-02", "2020-1-2"));
        assert!(date_match(" 2020-01-02 ", "2020-01-02 12:00"));
        // characters, not bytes
        assert!(date_match("ÄÄÄÄÄÄÄÄÄÄx", "ÄÄÄÄÄÄÄÄÄÄy"));
    }

    #[test]
    fn match_rate_denominators() {
        let mut t = MatchRate::default();
        t.add(MetaField::Title, Some("A"), Some("A")); // hit
        t.add(MetaField::Title, Some("A"), None); // miss: no prediction
        t.add(MetaField::Title, None, Some("A")); // not counted: gold null
        t.add(MetaField::Title, Some(" \u{a0} "), Some("")); // not counted: gold blank
        assert_eq!((t.hits, t.n), (1, 2));
        assert_eq!(t.rate(), Some(0.5));
        assert_eq!(MatchRate::default().rate(), None);

        let mut d = MatchRate::default();
        d.add(MetaField::Date, Some("2021-05-06"), Some("2021-05-06T00:00"));
        let mut a = MatchRate::default();
        a.add_authors(Some("X; Y"), &s(&["X", "Y"]));
        a.add_authors(Some("X"), &[]);
        a.add(MetaField::Author, Some("X"), Some(" X "));
        d.merge(a);
        assert_eq!((d.hits, d.n), (3, 4));
    }
}
