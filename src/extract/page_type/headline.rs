//! The headline and what stands around it: the `<h1>` that agrees with `<title>` /
//! `og:title` (else the first), the headline's length and form, and the dateline evidence: a
//! date in the text just before or after the headline, a byline element under it, "By Name"
//! near it, a date at the start of the main text (old layouts without an `<h1>`). In: the
//! [`Walk`] and the main-text candidate. Out: [`Headline`], [`Dateline`].

use super::blocks::{self, Cand};
use super::head::clip;
use super::text;
use super::walk::Walk;
use crate::html::arena::Arena;
use serde::Serialize;

/// `<h1>` texts kept (a page has one; a listing a few).
const MAX_H1S: usize = 5;
/// Bytes of an `<h1>` text kept.
const H1_BYTES: usize = 200;
/// Shortest normalised headline compared with the title (a word or two says nothing).
const AGREE_MIN_CHARS: usize = 4;
/// Share of the headline's words in the title that makes them agree.
const AGREE_WORD_SHARE: f32 = 0.6;
/// Bytes of page text before the headline read for a dateline.
const DATELINE_BEFORE: usize = 300;
/// Bytes of page text after the headline's start read for a dateline.
const DATELINE_AFTER: usize = 600;
/// Words after the headline looked through for a byline element.
const BYLINE_AFTER_WORDS: u32 = 80;
/// Words at the start of the main text read for a date (no `<h1>`: old table layouts).
const MAIN_START_WORDS: usize = 80;

/// The headline.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Headline {
    /// The first `<h1>` texts.
    pub h1_texts: Vec<String>,
    /// An `<h1>` agrees with the title.
    pub h1_agrees: bool,
    /// Words of the first `<h1>` (else of the title's longest part).
    pub words: u32,
    /// There is an `<h1>`.
    pub has_h1: bool,
    /// The `<h1>` (else the title) ends with `?`.
    pub question: bool,
    /// The headline's slot: the first agreeing `<h1>`, else the first `<h1>`.
    #[serde(skip)]
    pub slot: Option<u32>,
}

/// The title and og:title, normalised, for [`Titles::agrees`].
pub(super) struct Titles {
    title: String,
    og: String,
}

impl Titles {
    pub fn new(title: &str, og_title: &str) -> Titles {
        Titles {
            title: text::norm_words(title),
            og: text::norm_words(og_title),
        }
    }

    /// Does this heading agree with the title (contained either way, or most words shared)?
    pub fn agrees(&self, heading: &str) -> bool {
        let h = text::norm_words(heading);
        if h.len() < AGREE_MIN_CHARS {
            return false;
        }
        let t = &self.title;
        let contained = (!t.is_empty() && (t.contains(&h) || h.contains(t.as_str())))
            || (!self.og.is_empty() && self.og.contains(&h));
        contained || overlap(&h, t) >= AGREE_WORD_SHARE || overlap(&h, &self.og) >= AGREE_WORD_SHARE
    }
}

/// Share of `a`'s distinct words found in `b`.
fn overlap(a: &str, b: &str) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut aw: Vec<&str> = a.split(' ').collect();
    aw.sort_unstable();
    aw.dedup();
    let bw: Vec<&str> = b.split(' ').collect();
    let hit = aw.iter().filter(|w| bw.contains(w)).count();
    hit as f32 / aw.len() as f32
}

/// The longest part of a title split on ` | `, ` - `, ` – `, ` — `, ` : `, ` » `, ` · `.
fn title_main(title: &str) -> &str {
    let mut best = "";
    let mut best_n = 0;
    let mut rest = title;
    loop {
        let cut = find_separator(rest);
        let (part, next) = match cut {
            Some((s, e)) => (rest.get(..s).unwrap_or(""), rest.get(e..)),
            None => (rest, None),
        };
        let n = text::count_words(part);
        if n > best_n || best.is_empty() {
            best = part;
            best_n = n;
        }
        match next {
            Some(r) => rest = r,
            None => return best,
        }
    }
}

/// The first separator (whitespace, one of `|-–—:»·`, whitespace): its byte range.
fn find_separator(s: &str) -> Option<(usize, usize)> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for i in 1..chars.len().saturating_sub(1) {
        let c = chars[i].1;
        if matches!(c, '|' | '-' | '–' | '—' | ':' | '»' | '·')
            && chars[i - 1].1.is_whitespace()
            && chars[i + 1].1.is_whitespace()
        {
            let mut s0 = i - 1;
            while s0 > 0 && chars[s0 - 1].1.is_whitespace() {
                s0 -= 1;
            }
            let mut e = i + 1;
            while e < chars.len() && chars[e].1.is_whitespace() {
                e += 1;
            }
            let end = chars.get(e).map_or(s.len(), |x| x.0);
            return Some((chars[s0].0, end));
        }
    }
    None
}

/// The headline of the page.
pub(super) fn headline(w: &Walk, titles: &Titles, title: &str) -> Headline {
    let mut h = Headline::default();
    for s in w.h1s.iter().take(MAX_H1S) {
        h.h1_texts
            .push(clip(w.text_of(*s as usize).trim(), H1_BYTES).to_string());
    }
    let agreeing = w.h1s.iter().find(|s| titles.agrees(w.text_of(**s as usize)));
    h.h1_agrees = w
        .h1s
        .iter()
        .take(3)
        .any(|s| titles.agrees(w.text_of(*s as usize)));
    h.slot = agreeing.or(w.h1s.first()).copied();
    let main = title_main(title);
    let first = h.h1_texts.first().map(String::as_str).filter(|t| !t.is_empty());
    h.has_h1 = first.is_some();
    h.words = text::count_words(first.unwrap_or(main));
    h.question = first.unwrap_or(main).trim().ends_with('?');
    h
}

/// Dateline and byline evidence.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Dateline {
    /// A byline element under the headline.
    pub byline_el: bool,
    /// ... that holds a date.
    pub byline_date: bool,
    /// A date in the text around the headline.
    pub near: bool,
    /// "By Name" in the text around the headline.
    pub by_near: bool,
    /// A date in the first words of the main text.
    pub main_start: bool,
}

/// The stream slice `[from, to)`, moved inward to character boundaries.
fn window(s: &str, from: usize, to: usize) -> &str {
    let mut a = from.min(s.len());
    while !s.is_char_boundary(a) {
        a += 1;
    }
    let mut b = to.min(s.len()).max(a);
    while !s.is_char_boundary(b) {
        b -= 1;
    }
    s.get(a..b.max(a)).unwrap_or("")
}

/// Dates and bylines around the headline (else around the main-text candidate).
pub(super) fn dateline(w: &Walk, a: &Arena, hd: Option<u32>, cand: &Cand) -> Dateline {
    let mut d = Dateline::default();
    let anchor = hd.or(cand.slot).map(|s| s as usize);
    if let Some(k) = anchor {
        let e = &w.els[k];
        let (s, end) = (e.text_start as usize, e.text_end as usize);
        let before = window(&w.stream, s.saturating_sub(DATELINE_BEFORE), s);
        let after = if hd.is_some() {
            window(&w.stream, s, end.max(s + DATELINE_AFTER))
        } else {
            window(&w.stream, end, end + DATELINE_AFTER)
        };
        d.near = text::has_date(before) || text::has_date(after);
        if hd.is_some() {
            let win = window(&w.stream, s.saturating_sub(DATELINE_BEFORE), s + DATELINE_AFTER);
            d.by_near = has_by_name(win);
        }
        let (el, dated) = byline_after(w, a, k);
        d.byline_el = el;
        d.byline_date = dated;
    }
    if let Some(c) = cand.slot {
        let t = w.text_of(c as usize);
        let cut = t
            .split_whitespace()
            .take(MAIN_START_WORDS)
            .last()
            .map_or(0, |last| {
                last.as_ptr() as usize - t.as_ptr() as usize + last.len()
            });
        d.main_start = text::has_date(t.get(..cut).unwrap_or(""));
    }
    d
}

/// A byline element among the elements that follow `k` within [`BYLINE_AFTER_WORDS`].
fn byline_after(w: &Walk, a: &Arena, k: usize) -> (bool, bool) {
    let (mut el, mut dated) = (false, false);
    let mut pos = w.els[k].text_end as usize;
    let mut words = 0;
    for j in w.els[k].end as usize..w.els.len() {
        let start = w.els[j].text_start as usize;
        if start > pos {
            words += text::count_words(window(&w.stream, pos, start));
            pos = start;
        }
        if words > BYLINE_AFTER_WORDS {
            break;
        }
        let (is_by, has_date) = blocks::byline_el(w, a, j);
        el |= is_by;
        dated |= has_date;
        if el && dated {
            break;
        }
    }
    (el, dated)
}

/// Words that introduce an author's name (en, de, fr, es).
const BY_WORDS: &[&str] = &["by", "von", "par", "por", "author"];

/// "By Jane", "Author: Jane", "von Jane": a byline word, then a capitalised word.
fn has_by_name(s: &str) -> bool {
    let mut toks = s.split_whitespace().peekable();
    while let Some(t) = toks.next() {
        let w = t.trim_end_matches(':');
        if BY_WORDS.iter().any(|b| w.eq_ignore_ascii_case(b)) {
            let next = toks.peek().map(|n| n.trim_start_matches(':'));
            if next
                .and_then(|n| n.chars().next())
                .is_some_and(char::is_uppercase)
            {
                return true;
            }
        }
    }
    false
}
