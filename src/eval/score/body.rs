//! The body metric of [`super`]: `\w+` tokens, 4-token shingles counted with repeats,
//! per-page tp/fp/fn normalised to sum 1, corpus means and F1, and their bootstrap
//! standard deviations over CPython's own `random.Random(0)` resamples. In: gold and
//! predicted bodies. Out: [`BodyCounts`] per page, a [`CorpusScore`] per corpus. No
//! snippet or metadata scoring here.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::has_text;

/// Shingle length used by the body metric (contiguous tokens per shingle).
pub const SHINGLE_LEN: usize = 4;

/// Number of bootstrap resamples `score.py` uses by default (`--n-bootstrap`).
pub const DEFAULT_BOOTSTRAP: usize = 1000;

/// Seed of `score.py`'s bootstrap generator (`random.Random(0)`).
pub const BOOTSTRAP_SEED: u32 = 0;

/// Python 3.11's `\w` for `str` patterns: Unicode letters, numbers and `_`,
/// as assigned in Unicode 14.0 (see the module docs of [`super`]).
static TOKEN_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}\p{N}_&&\p{Age=V14_0}]+").expect("static token regex"));

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

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
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
}
