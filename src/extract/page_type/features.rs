//! The raw measurements of one page, before they become named signals: the walk's counts,
//! the head's labels, the URL's shape, the blocks, the groups, the headline and dateline,
//! and the phrase counts of one scan over the page text. Serializable, so that
//! `examples/page_type_eval.rs --dump-features` can hand them to the fitting script.
//! In: the arena, the URL and the caller's [`Hints`]. Out: [`Features`].

use super::blocks::{self, AfterH1, ArticleEl, BlockStats, Cand, LexRates, LinkShape, Sections};
use super::groups::{self, Groups};
use super::head::{clip, Head};
use super::headline::{self, Dateline, Headline, Titles};
use super::phrases::{self, FAMILIES};
use super::text;
use super::url::UrlFacts;
use super::walk::{self, Counts, NONE};
use super::Finds;
use super::Hints;
use crate::html::arena::Arena;
use serde::Serialize;

/// Bytes of page text scanned for phrases (a long page says what it is early on).
const PHRASE_SCAN_BYTES: usize = 200_000;

/// Page-wide totals (the root element's subtree).
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Totals {
    pub words: u32,
    pub link_words: u32,
    pub links: u32,
    pub imgs: u32,
    pub times: u32,
    pub date_texts: u32,
    pub price_texts: u32,
}

/// Everything the signals are computed from.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Features {
    pub head: Head,
    pub url: UrlFacts,
    pub counts: Counts,
    pub totals: Totals,
    pub headline: Headline,
    pub article_el: ArticleEl,
    pub blocks: BlockStats,
    pub cand: Cand,
    pub sections: Sections,
    pub after_h1: AfterH1,
    pub lex: LexRates,
    pub dateline: Dateline,
    pub groups: Groups,
    pub links: LinkShape,
    /// Counts of each phrase family (forum, docs, docs-strong, cta, read-time, published,
    /// per-month).
    pub phrases: [u32; FAMILIES],
    /// "N days ago" phrases.
    pub ago: u32,
    /// The nodes the extraction by type starts from (not serialized).
    #[serde(skip)]
    pub finds: Finds,
    /// The caller's hints.
    pub main_text_chars: Option<usize>,
    pub news_sitemap: bool,
}

impl Features {
    /// Measure one page.
    pub fn compute(a: &Arena, url: Option<&str>, hints: &Hints) -> Features {
        let mut w = walk::collect(a);
        w.aggregate(a);
        let mut totals = Totals::default();
        for (e, g) in w.els.iter().zip(&w.aggs) {
            if e.parent == NONE {
                totals.words += g.w;
                totals.link_words += g.lw;
                totals.links += g.links;
                totals.imgs += g.imgs;
                totals.times += g.times;
                totals.date_texts += g.dates;
                totals.price_texts += g.prices;
            }
        }
        let titles = Titles::new(&w.head.title, &w.head.og_title);
        let hl = headline::headline(&w, &titles, &w.head.title);
        let furn = blocks::furniture(&w, totals.words);
        let bl = blocks::blocks(&w, &furn);
        let cand = blocks::candidate(&w, &bl);
        let scan = clip(&w.stream, PHRASE_SCAN_BYTES);
        let mut groups = groups::groups(&w);
        let node = |slot: Option<u32>| slot.and_then(|s| w.els.get(s as usize)).map(|e| e.id);
        let finds = Finds {
            headline: node(hl.slot),
            main: node(cand.slot),
            groups: std::mem::take(&mut groups.nodes),
        };
        Features {
            url: UrlFacts::of(url),
            totals,
            article_el: blocks::article_el(&w, totals.words, |t| titles.agrees(t)),
            blocks: blocks::block_stats(&bl),
            sections: blocks::sections(&w, &bl),
            after_h1: blocks::after_h1(&w, a, &bl, hl.slot),
            lex: blocks::lex(&w, &bl),
            dateline: headline::dateline(&w, a, hl.slot, &cand),
            groups,
            finds,
            links: blocks::link_shape(&w),
            phrases: phrases::count_phrases(scan),
            ago: text::count_ago(scan),
            cand,
            headline: hl,
            counts: w.counts,
            head: std::mem::take(&mut w.head),
            main_text_chars: hints.main_text_chars,
            news_sitemap: hints.news_sitemap,
        }
    }
}
