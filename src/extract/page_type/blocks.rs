//! The page as blocks, in document order: each block element with its own inline words and
//! link words, and whether it sits in page furniture (nav, footer, aside, a small form, a
//! page-level header; a wrapper holding half the page is not furniture). From the blocks:
//! prose blocks and the longest run of them, the main-text candidate (prose words credited
//! to the parent and half to the grandparent, readability's split), sections under
//! headings, what follows the headline, and the word-class rates of the prose. Also the
//! link structure (heading links, long links, nav trees) and the largest `<article>`.
//! In: the [`Walk`]. Out: the parts of `Features` named here.

use super::classes::{self, Vocab};
use super::phrases::{self, Lex, LEX_CLASSES};
use super::text;
use super::walk::{self, Walk, BLOCK_TAGS, HEADINGS, IN_ARTICLE_MAIN, IN_HEADER_FOOTER, IN_NAV_FOOTER_ASIDE};
use crate::html::arena::{Arena, AttrName, Tag};
use serde::Serialize;

/// A block of at least this many words, under [`PROSE_MAX_LINK_SHARE`] links, is prose:
/// a sentence or more; shorter blocks are labels, prices, taglines.
const PROSE_BLOCK_MIN_WORDS: u32 = 20;
/// A block with this share of link words or more is navigation or a teaser, not prose.
const PROSE_MAX_LINK_SHARE: f32 = 0.30;
/// Non-prose blocks in a row that end a run (headings, captions, datelines do not).
const RUN_MAX_GAP: u32 = 3;
/// A block with this share of link words (and [`RUN_BREAK_MIN_WORDS`]) is a link list:
/// it ends a run.
const RUN_BREAK_LINK_SHARE: f32 = 0.5;
/// Words of a link list that ends a run.
const RUN_BREAK_MIN_WORDS: u32 = 4;
/// Share of the candidate's grandparent credit (readability's split).
const CAND_GRANDPARENT_CREDIT: f32 = 0.5;
/// A furniture form with this many words is a page wrapper (ASP.NET), not a widget.
const FURNITURE_FORM_MAX_WORDS: u32 = 300;
/// A nav/header/form holding more than this share of the page's words is a wrapper.
const FURNITURE_WRAPPER_SHARE: f32 = 0.5;
/// Blocks after the headline looked at (non-furniture ones kept, see [`AFTER_H1_KEEP`]).
const AFTER_H1_WINDOW: usize = 40;
/// Non-furniture blocks after the headline read for a lede, a price, a button.
const AFTER_H1_KEEP: usize = 12;
/// Of those, the first this many may hold the lede.
const AFTER_H1_LEDE_BLOCKS: usize = 4;
/// Most words of a block after the headline read for a price (a buy box, not prose).
const AFTER_H1_PRICE_WORDS: u32 = 40;
/// Elements inside the blocks after the headline read for buttons (bounds a wrapper).
const AFTER_H1_SCAN_ELEMENTS: usize = 400;
/// Longest button text read after the headline.
const AFTER_H1_BUTTON_CHARS: usize = 40;
/// A section followed by this many non-link words is an article's or a doc's section.
const SECTION_THICK_WORDS: u32 = 100;
/// A section followed by fewer non-link words is a landing page's tagline.
const SECTION_THIN_WORDS: u32 = 30;
/// Bytes of one prose block read for the word classes.
const LEX_BLOCK_BYTES: usize = 3000;
/// Prose words read for the word classes (rates are stable long before).
const LEX_MAX_WORDS: u32 = 20_000;
/// Links in a nested list that make it a link tree (docs sidebar, book contents).
const NAV_TREE_MIN_LINKS: u32 = 20;
/// Link-word share of a link tree.
const NAV_TREE_LINK_SHARE: f32 = 0.7;
/// Link-word share of a link-only list.
const LINK_LIST_SHARE: f32 = 0.8;
/// Share of the page's words the largest `<article>` needs to hold the main text.
const ARTICLE_EL_SHARE: f32 = 0.3;
/// Prose `<p>`s the largest `<article>` needs to hold the main text.
const ARTICLE_EL_PROSE_P: u32 = 2;
/// Nested `<article>`s that make the largest one a feed, not a story.
const ARTICLE_EL_MAX_NESTED: u32 = 3;
/// Preceding siblings of the candidate looked at for the headline.
const CAND_HEADLINE_SIBLINGS: usize = 3;
/// Characters of the candidate's text read for a date.
const CAND_DATE_CHARS: usize = 1500;

/// One block: a block element with inline words.
#[derive(Clone, Copy, Debug)]
pub(super) struct Block {
    pub slot: u32,
    pub w: u32,
    pub lw: u32,
    pub furn: bool,
}

impl Block {
    /// Prose: enough words, few of them links, outside furniture.
    fn prose(&self) -> bool {
        !self.furn
            && self.w >= PROSE_BLOCK_MIN_WORDS
            && (self.lw as f32) < PROSE_MAX_LINK_SHARE * self.w as f32
    }
}

/// Prose and run counts over the non-furniture blocks.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct BlockStats {
    pub prose_words: u32,
    pub prose_blocks: u32,
    pub short: u32,
    pub link: u32,
    pub run_words: u32,
    pub run_blocks: u32,
}

/// The main-text candidate.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Cand {
    /// Its score (prose words credited); 0 without prose.
    pub score: f32,
    /// Its words.
    pub words: u32,
    /// It has `<time>`s.
    pub time: bool,
    /// A date in its first characters.
    pub date_text: bool,
    /// An `<h1>` inside or just before it.
    pub has_h1: bool,
    /// `<h2>`/`<h3>` inside it.
    pub headings: u32,
    /// Its slot (not serialized).
    #[serde(skip)]
    pub slot: Option<u32>,
}

/// Sections under headings.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Sections {
    pub n: u32,
    pub thin: u32,
    pub thick: u32,
}

/// What follows the headline.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct AfterH1 {
    /// Words of the first prose block (0: none).
    pub lede: u32,
    pub cta: bool,
    pub cart: bool,
    pub price: bool,
}

/// The word classes of the prose, per 1000 words.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct LexRates {
    /// Prose words read.
    pub n: u32,
    /// Per class ([`Lex`] order: we, i, said, offer, promo, expo, code), per 1000 words.
    pub rate: [f32; LEX_CLASSES],
}

impl LexRates {
    /// The rate of one class.
    pub(super) fn of(&self, class: Lex) -> f32 {
        self.rate[class as usize]
    }
}

/// The largest `<article>`.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct ArticleEl {
    pub n: u32,
    pub share: f32,
    pub prose_p: u32,
    pub has_h1: bool,
    pub head_agrees: bool,
    pub nested: u32,
}

impl ArticleEl {
    /// It holds the page's main text.
    pub fn main_text(&self) -> bool {
        self.n > 0
            && self.share >= ARTICLE_EL_SHARE
            && self.prose_p >= ARTICLE_EL_PROSE_P
            && self.nested < ARTICLE_EL_MAX_NESTED
    }
}

/// Links in the page's structure.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct LinkShape {
    pub heading_links: u32,
    pub long_links: u32,
    pub nav_links_max: u32,
    pub ul_links_max: u32,
    pub nav_tree: u32,
}

/// Words of a link that make it a headline-like link (a teaser title).
const LONG_LINK_WORDS: u32 = 6;

/// For every slot: does an ancestor make it furniture?
pub(super) fn furniture(w: &Walk, total_words: u32) -> Vec<bool> {
    let mut below = vec![false; w.els.len()];
    let mut furn = vec![false; w.els.len()];
    for (i, e) in w.els.iter().enumerate() {
        let inherited = below.get(e.parent as usize).copied().unwrap_or(false);
        furn[i] = inherited;
        let g = &w.aggs[i];
        let is_furn = match e.tag {
            Tag::NAV | Tag::FOOTER | Tag::ASIDE | Tag::FORM | Tag::HEADER => {
                let wrapper = g.w as f32 > FURNITURE_WRAPPER_SHARE * total_words as f32;
                let big_form = e.tag == Tag::FORM && g.w >= FURNITURE_FORM_MAX_WORDS;
                let inner_header = e.tag == Tag::HEADER && e.ctx & IN_ARTICLE_MAIN != 0;
                !(wrapper || big_form || inner_header)
            }
            _ => false,
        };
        below[i] = inherited || is_furn;
    }
    furn
}

/// The blocks, in document order.
pub(super) fn blocks(w: &Walk, furn: &[bool]) -> Vec<Block> {
    let mut out = Vec::with_capacity(w.els.len() / 4);
    for (i, e) in w.els.iter().enumerate() {
        let g = &w.aggs[i];
        if g.iw > 0 && walk::is(e.tag, BLOCK_TAGS) {
            out.push(Block {
                slot: i as u32,
                w: g.iw,
                lw: g.ilw,
                furn: furn[i],
            });
        }
    }
    out
}

/// Prose, short and link blocks, and the longest run of prose.
pub(super) fn block_stats(blocks: &[Block]) -> BlockStats {
    let mut s = BlockStats::default();
    let (mut run, mut run_b, mut gap) = (0, 0, 0);
    for b in blocks.iter().filter(|b| !b.furn) {
        if b.prose() {
            s.prose_words += b.w;
            s.prose_blocks += 1;
            run += b.w;
            run_b += 1;
            gap = 0;
            if run > s.run_words {
                s.run_words = run;
                s.run_blocks = run_b;
            }
            continue;
        }
        let linky = b.lw as f32 >= RUN_BREAK_LINK_SHARE * b.w as f32;
        if linky {
            s.link += 1;
        } else {
            s.short += 1;
        }
        gap += 1;
        if (linky && b.w >= RUN_BREAK_MIN_WORDS) || gap >= RUN_MAX_GAP {
            run = 0;
            run_b = 0;
        }
    }
    s
}

/// The main-text candidate: prose words credited to the parent and half to the grandparent.
pub(super) fn candidate(w: &Walk, blocks: &[Block]) -> Cand {
    let mut score = vec![0f32; w.els.len()];
    for b in blocks.iter().filter(|b| b.prose()) {
        let p = w.els[b.slot as usize].parent;
        if let Some(s) = score.get_mut(p as usize) {
            *s += b.w as f32;
            let gp = w.els[p as usize].parent;
            if let Some(s) = score.get_mut(gp as usize) {
                *s += CAND_GRANDPARENT_CREDIT * b.w as f32;
            }
        }
    }
    let mut best: Option<usize> = None;
    for (i, s) in score.iter().enumerate() {
        if *s > 0.0 && best.is_none_or(|b| *s > score[b]) {
            best = Some(i);
        }
    }
    let Some(c) = best else {
        return Cand::default();
    };
    let g = &w.aggs[c];
    let txt = super::head::clip(w.text_of(c), CAND_DATE_CHARS * 2);
    let txt: &str = match txt.char_indices().nth(CAND_DATE_CHARS) {
        Some((i, _)) => txt.get(..i).unwrap_or(txt),
        None => txt,
    };
    Cand {
        score: score[c],
        words: g.w,
        time: g.times > 0,
        date_text: text::has_date(txt),
        has_h1: g.h1 > 0 || preceding_h1(w, c),
        headings: g.h23,
        slot: Some(c as u32),
    }
}

/// An `<h1>` among the element's preceding siblings (or inside them).
fn preceding_h1(w: &Walk, c: usize) -> bool {
    let p = w.els[c].parent;
    if p as usize >= w.els.len() {
        return false;
    }
    let before: Vec<usize> = w.children(p as usize).take_while(|k| *k != c).collect();
    before
        .iter()
        .rev()
        .take(CAND_HEADLINE_SIBLINGS)
        .any(|k| w.aggs[*k].h1 > 0)
}

/// Words under each heading until the next one.
pub(super) fn sections(w: &Walk, blocks: &[Block]) -> Sections {
    let mut s = Sections::default();
    let mut cur: Option<u32> = None;
    let close = |x: u32, s: &mut Sections| {
        s.n += 1;
        s.thin += u32::from(x < SECTION_THIN_WORDS);
        s.thick += u32::from(x >= SECTION_THICK_WORDS);
    };
    for b in blocks.iter().filter(|b| !b.furn) {
        if walk::is(w.els[b.slot as usize].tag, HEADINGS) {
            if let Some(x) = cur {
                close(x, &mut s);
            }
            cur = Some(0);
        } else if let Some(x) = cur.as_mut() {
            *x += b.w.saturating_sub(b.lw);
        }
    }
    if let Some(x) = cur {
        close(x, &mut s);
    }
    s
}

/// What the blocks after the headline hold: a lede, a call to action, a cart button, a price.
pub(super) fn after_h1(w: &Walk, a: &Arena, blocks: &[Block], hd: Option<u32>) -> AfterH1 {
    let mut out = AfterH1::default();
    let Some(idx) = hd.and_then(|h| blocks.iter().position(|b| b.slot == h)) else {
        return out;
    };
    let end = (idx + 1 + AFTER_H1_WINDOW).min(blocks.len());
    let next: Vec<&Block> = blocks[idx + 1..end]
        .iter()
        .filter(|b| !b.furn)
        .take(AFTER_H1_KEEP)
        .collect();
    if let Some(b) = next.iter().take(AFTER_H1_LEDE_BLOCKS).find(|b| b.prose()) {
        out.lede = b.w;
    }
    let mut scanned = 0;
    let mut buf = String::new();
    for b in &next {
        let s = b.slot as usize;
        if b.w <= AFTER_H1_PRICE_WORDS && text::has_price(super::head::clip(w.text_of(s), 300)) {
            out.price = true;
        }
        let end = w.els[s].end as usize;
        for k in s..end {
            if scanned >= AFTER_H1_SCAN_ELEMENTS {
                return out;
            }
            scanned += 1;
            let e = &w.els[k];
            let t = match e.tag {
                Tag::A | Tag::BUTTON => w.text_of(k).trim(),
                Tag::INPUT => a.attr(e.id, "value").unwrap_or("").trim(),
                _ => continue,
            };
            let n = t.chars().count();
            if n == 0 || n > AFTER_H1_BUTTON_CHARS {
                continue;
            }
            let l = text::classify_label(t, &mut buf);
            out.cta |= l.cta;
            out.cart |= l.cart;
        }
    }
    out
}

/// Word-class rates over the prose blocks.
pub(super) fn lex(w: &Walk, blocks: &[Block]) -> LexRates {
    let mut counts = [0u32; LEX_CLASSES];
    let mut n = 0;
    for b in blocks.iter().filter(|b| b.prose()) {
        if n >= LEX_MAX_WORDS {
            break;
        }
        let t = super::head::clip(w.text_of(b.slot as usize), LEX_BLOCK_BYTES);
        n += phrases::count_lex(t, &mut counts, LEX_MAX_WORDS - n);
    }
    let mut r = LexRates {
        n,
        ..LexRates::default()
    };
    for (k, c) in counts.iter().enumerate() {
        r.rate[k] = 1000.0 * *c as f32 / n.max(1) as f32;
    }
    r
}

/// Heading links, long links, big navs, link lists and link trees.
pub(super) fn link_shape(w: &Walk) -> LinkShape {
    let mut s = LinkShape::default();
    for (i, e) in w.els.iter().enumerate() {
        let g = &w.aggs[i];
        let furniture = e.ctx & IN_NAV_FOOTER_ASIDE != 0;
        match e.tag {
            t if walk::is(t, HEADINGS) => s.heading_links += u32::from(g.hl > 0 && !furniture),
            Tag::A => s.long_links += u32::from(g.w >= LONG_LINK_WORDS && !furniture),
            Tag::NAV | Tag::ASIDE => s.nav_links_max = s.nav_links_max.max(g.links),
            Tag::UL | Tag::OL => {
                if g.w > 0 && g.lw as f32 >= LINK_LIST_SHARE * g.w as f32 {
                    s.ul_links_max = s.ul_links_max.max(g.links);
                }
                let tree = g.links >= NAV_TREE_MIN_LINKS
                    && g.lw as f32 >= NAV_TREE_LINK_SHARE * g.w.max(1) as f32
                    && e.ctx & IN_HEADER_FOOTER == 0
                    && nested_list(w, i);
                if tree {
                    s.nav_tree = s.nav_tree.max(g.links);
                }
            }
            _ => {}
        }
    }
    s
}

/// `ul > li > ul` or `ul > li > * > ul`: a nested list.
fn nested_list(w: &Walk, ul: usize) -> bool {
    let is_list = |k: usize| matches!(w.els[k].tag, Tag::UL | Tag::OL);
    w.children(ul)
        .filter(|li| w.els[*li].tag == Tag::LI)
        .any(|li| w.children(li).any(|c| is_list(c) || w.children(c).any(is_list)))
}

/// The largest `<article>` and what it holds.
pub(super) fn article_el(w: &Walk, total_words: u32, agrees: impl Fn(&str) -> bool) -> ArticleEl {
    let Some(best) = w
        .articles
        .iter()
        .copied()
        .max_by_key(|s| (w.aggs[*s as usize].w, std::cmp::Reverse(*s)))
    else {
        return ArticleEl::default();
    };
    let b = best as usize;
    let g = &w.aggs[b];
    let end = w.els[b].end as usize;
    let heads = (b + 1..end)
        .filter(|k| matches!(w.els[*k].tag, Tag::H1 | Tag::H2))
        .take(2);
    let head_agrees = heads.into_iter().any(|k| agrees(w.text_of(k)));
    ArticleEl {
        n: w.articles.len() as u32,
        share: g.w as f32 / total_words.max(1) as f32,
        prose_p: g.prose_p,
        has_h1: g.h1 > 0,
        head_agrees,
        nested: g.articles.saturating_sub(1),
    }
}

/// Is the element a byline element (author/date class, `<time>`, `rel=author`, `itemprop`
/// author or datePublished)? And does it hold the date?
pub(super) fn byline_el(w: &Walk, a: &Arena, k: usize) -> (bool, bool) {
    let e = &w.els[k];
    let rel = a.attr_by_id(e.id, AttrName::REL).unwrap_or("");
    let prop = a.attr_by_id(e.id, AttrName::ITEMPROP).unwrap_or("");
    let is_by = classes::has(e.vocab, Vocab::Byline)
        || e.tag == Tag::TIME
        || rel.eq_ignore_ascii_case("author")
        || prop.eq_ignore_ascii_case("author")
        || prop.eq_ignore_ascii_case("datePublished");
    if !is_by {
        return (false, false);
    }
    let dated = e.tag == Tag::TIME
        || classes::has(e.vocab, Vocab::DateWord)
        || text::has_date(super::head::clip(w.text_of(k), 200));
    (true, dated)
}
