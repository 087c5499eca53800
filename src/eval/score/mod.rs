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

mod body;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

pub use body::{
    body_counts, body_metrics, corpus_body, tokens, BodyCounts, CorpusScore, PageBody, BOOTSTRAP_SEED,
    DEFAULT_BOOTSTRAP, SHINGLE_LEN,
};

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
    crate::html::text::collapse_ws_with(s, is_py_space, |_| false)
}

/// Metadata normalisation (`norm_meta` in `score.py`): Unicode NFKC, then
/// [`collapse_ws`]. An empty input gives an empty string.
pub fn norm_text(s: &str) -> String {
    collapse_ws(&s.nfkc().collect::<String>())
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
