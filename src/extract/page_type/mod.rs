//! Page type: what kind of page this is (`article`, `listing`, `forum`, `product`,
//! `documentation`, `service`, `other`), decided from documented evidence, with the evidence
//! kept for users to audit. Pure: no I/O. In: the parsed page (an [`Arena`], best after
//! [`noscript::expand_noscript`]), its URL, and the caller's [`Hints`]. Out: a
//! [`Classification`] (the type, the evidence, the scores).
//!
//! How (issue 22's design, `/work/staging/issue22/DESIGN.md`):
//! 1. **Measure** ([`Features`]): one walk over the arena in document order (head labels,
//!    class/id vocabulary, link targets, the visible text as one stream), one bottom-up
//!    pass over the visible elements (words, link words, short texts with a date or a
//!    price), then passes over that list: blocks and prose runs, the main-text candidate,
//!    sections, what follows the headline, sibling groups (teasers, posts, price grids), and
//!    one Aho-Corasick scan of the page text for phrase families. No regex runs per node.
//! 2. **Signals** (`rules.rs`, table in `signals.rs`): about 150 named booleans, every
//!    threshold a named constant.
//! 3. **Guards** (URL facts, the crawler's contract), in order: a search URL is a `listing`;
//!    an about/contact/legal URL is `service`; the home page is never an `article`; a
//!    tag/category/author/archive/page-N URL is never an `article` unless it is a JSON-LD
//!    article or ends in a long slug.
//! 4. **Scorecard** (`points.rs`): each scored type gets its bias plus the points of its
//!    fired signals (points are ≥ 0 and only toward the types a signal may support, so the
//!    table reads "what speaks for each type"); the article score is shifted by
//!    `ARTICLE_OFFSET`; the highest score wins, ties going to the first in
//!    [`SCORED`] order. A near-empty page with no evidence for the winner is `other`.
//! 5. **Evidence** ([`Classification::evidence`], a record's `extraction.page_type_evidence`): first `winner=score>runner-up=score` (or the
//!    guard's name), then the winner's fired signals with their points, strongest first:
//!    `["article=21>listing=4", "date:dateline+4", "ld:article+2", ...]`.
//!
//! The points are fitted offline (a sign-constrained multinomial logistic regression on the
//! signals this code computes on the WCXB dev pages, `examples/page_type_eval.rs
//! --dump-features`) and baked into `points.rs` as integers.

mod blocks;
mod classes;
mod features;
mod groups;
mod head;
mod headline;
pub mod noscript;
mod phrases;
mod points;
mod rules;
mod signals;
mod text;
mod url;
mod walk;

#[cfg(test)]
mod tests;

use crate::html::arena::{Arena, NodeId};
use crate::limits::Limits;

pub use features::Features;
pub use groups::GroupNodes;
pub use signals::{Signal, SignalSet};

/// Points toward `article` of a page the crawler found in a Google News sitemap or a feed
/// (a publisher's own claim that it is a story); as much as a dateline. Not fitted (WCXB
/// has no such hint); never overrides a guard.
pub const NEWS_SITEMAP_POINTS: i32 = 4;
/// Evidence items listed for the winner (its strongest fired signals).
const EVIDENCE_SIGNALS: usize = 8;
/// Evidence items listed for the winner under a guard.
const GUARD_EVIDENCE_SIGNALS: usize = 6;

pub use crate::model::PageType;

/// The scored types, in tie-breaking order (the index of a type's score). `other` is not
/// scored: it is what a near-empty page without evidence gets.
pub const SCORED: [PageType; 6] = [
    PageType::Article,
    PageType::Listing,
    PageType::Forum,
    PageType::Product,
    PageType::Documentation,
    PageType::Service,
];

/// Its index in [`SCORED`] (`None` for `other`).
fn scored_index(t: PageType) -> Option<usize> {
    SCORED.iter().position(|s| *s == t)
}

/// What the caller knows beyond the page.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints {
    /// Characters of the article block the extractor chose (kept in the features; not yet a
    /// signal: the fit has not seen it).
    pub main_text_chars: Option<usize>,
    /// The crawler found the URL in a Google News sitemap or a feed.
    pub news_sitemap: bool,
}

/// The URL guards, in the order they are checked.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Guard {
    /// A search-results URL: `listing`.
    SearchUrl,
    /// An about/contact/legal URL: `service`.
    AboutContactLegalUrl,
    /// The home page: never `article`.
    HomePage,
    /// A tag/category/author/archive/page-N URL that is neither a JSON-LD article nor ends
    /// in a long slug (`/archive/2024/05/the-headline-of-the-story/`): never `article`.
    ListingUrl,
}

impl Guard {
    /// Its name in the evidence.
    pub fn name(self) -> &'static str {
        match self {
            Guard::SearchUrl => "guard:search-url",
            Guard::AboutContactLegalUrl => "guard:about-contact-legal-url",
            Guard::HomePage => "guard:home-page",
            Guard::ListingUrl => "guard:listing-url",
        }
    }

    /// The type it forces, if it forces one (else it only rules out `article`).
    fn forced(self) -> Option<PageType> {
        match self {
            Guard::SearchUrl => Some(PageType::Listing),
            Guard::AboutContactLegalUrl => Some(PageType::Service),
            Guard::HomePage | Guard::ListingUrl => None,
        }
    }

    /// The first guard that holds for these signals.
    fn of(s: &SignalSet) -> Option<Guard> {
        if s.has(Signal::UrlSearch) {
            Some(Guard::SearchUrl)
        } else if s.has(Signal::UrlAboutPage) {
            Some(Guard::AboutContactLegalUrl)
        } else if s.has(Signal::UrlRoot) {
            Some(Guard::HomePage)
        } else if s.has(Signal::UrlListingStrong) && !s.has(Signal::LdArticle) && !s.has(Signal::UrlLongSlug)
        {
            Some(Guard::ListingUrl)
        } else {
            None
        }
    }
}

/// What the classifier found that the extraction by type starts from: nodes of the tree
/// that was classified.
#[derive(Clone, Debug, Default)]
pub struct Finds {
    /// The headline `<h1>`.
    pub headline: Option<NodeId>,
    /// The main-text candidate (the element most prose sits under).
    pub main: Option<NodeId>,
    /// The members of the teaser, post and price groups.
    pub groups: GroupNodes,
}

/// The decision on one page.
#[derive(Clone, Debug)]
pub struct Classification {
    /// The type.
    pub page_type: PageType,
    /// Why: `winner=score>runner-up=score` (or a guard's name, or `page:empty`), then the
    /// winner's fired signals with their points, strongest first (what
    /// `extraction.page_type_evidence` holds).
    pub evidence: Vec<String>,
    /// Each scored type's score, in [`SCORED`] order.
    pub scores: [i32; 6],
    /// The signals that fired.
    pub signals: SignalSet,
    /// The guard that decided, if any.
    pub guard: Option<Guard>,
    /// The nodes found on the way (empty from [`decide`] alone).
    pub finds: Finds,
}

/// Classify one page (see the module comment).
pub fn classify(doc: &Arena, url: Option<&str>, hints: &Hints) -> Classification {
    let mut f = Features::compute(doc, url, hints);
    let mut c = decide(&rules::signals(&f), hints);
    c.finds = std::mem::take(&mut f.finds);
    c
}

/// Classify a page as parsed for the extraction, which is left untouched: when the page has
/// a long `<noscript>` (an app's crawler view), a copy with it expanded is classified (see
/// [`noscript`]); else the tree itself, with no copy.
pub fn classify_parsed(doc: &Arena, url: Option<&str>, hints: &Hints, limits: &Limits) -> Classification {
    classify_expanded(doc, url, hints, limits).0
}

/// [`classify_parsed`], also returning the copy with its `<noscript>`s expanded when one
/// was made: the classification's [`Finds`] are nodes of that copy, else of `doc`.
pub fn classify_expanded(
    doc: &Arena,
    url: Option<&str>,
    hints: &Hints,
    limits: &Limits,
) -> (Classification, Option<Arena>) {
    if noscript::has_long_noscript(doc) {
        let mut copy = doc.clone();
        noscript::expand_noscript(&mut copy, limits);
        let c = classify(&copy, url, hints);
        return (c, Some(copy));
    }
    (classify(doc, url, hints), None)
}

/// The named signals of measured features (for reports and the fitting dump).
pub fn signals_of(f: &Features) -> SignalSet {
    rules::signals(f)
}

/// Each scored type's score for these signals.
pub fn scores(s: &SignalSet, hints: &Hints) -> [i32; 6] {
    let mut sc = points::BIAS;
    for (sig, ty, p) in points::POINTS {
        if s.has(*sig) {
            if let Some(i) = scored_index(*ty) {
                sc[i] += *p;
            }
        }
    }
    sc[0] += points::ARTICLE_OFFSET;
    if hints.news_sitemap {
        sc[0] += NEWS_SITEMAP_POINTS;
    }
    sc
}

/// Guards, scorecard and evidence (steps 3-5 of the module comment).
pub fn decide(s: &SignalSet, hints: &Hints) -> Classification {
    let sc = scores(s, hints);
    let guard = Guard::of(s);
    let allowed = |t: PageType| match guard {
        Some(g) => g.forced().map_or(t != PageType::Article, |f| f == t),
        None => true,
    };
    let best = best_of(&sc, allowed);
    let runner = best_of(&sc, |t| t != best);
    let score = |t: PageType| scored_index(t).map_or(0, |i| sc[i]);
    let fired = fired_for(s, best, hints);
    let mut ev = Vec::new();
    let mut page_type = best;
    if let Some(g) = guard {
        ev.push(g.name().to_string());
        ev.push(format!("{best}={} ({runner}={})", score(best), score(runner)));
        ev.extend(
            fired
                .iter()
                .take(GUARD_EVIDENCE_SIGNALS)
                .map(|(n, p)| format!("{n}{p:+}")),
        );
    } else if s.has(Signal::PageEmpty) && fired.is_empty() {
        page_type = PageType::Other;
        ev.push("page:empty".to_string());
        ev.push(format!("no evidence for {best}={}", score(best)));
    } else {
        ev.push(format!("{best}={}>{runner}={}", score(best), score(runner)));
        ev.extend(
            fired
                .iter()
                .take(EVIDENCE_SIGNALS)
                .map(|(n, p)| format!("{n}{p:+}")),
        );
    }
    Classification {
        page_type,
        evidence: ev,
        scores: sc,
        signals: *s,
        guard,
        finds: Finds::default(),
    }
}

/// The highest-scoring type among those `ok` allows (first in [`SCORED`] on ties).
fn best_of(sc: &[i32; 6], ok: impl Fn(PageType) -> bool) -> PageType {
    let mut best: Option<(PageType, i32)> = None;
    for (i, t) in SCORED.iter().enumerate() {
        if ok(*t) && best.is_none_or(|(_, b)| sc[i] > b) {
            best = Some((*t, sc[i]));
        }
    }
    best.map_or(PageType::Other, |(t, _)| t)
}

/// The fired signals with positive points for `t`, strongest first (table order on ties).
fn fired_for(s: &SignalSet, t: PageType, hints: &Hints) -> Vec<(&'static str, i32)> {
    let mut out: Vec<(&'static str, i32)> = points::POINTS
        .iter()
        .filter(|(sig, ty, p)| *ty == t && *p > 0 && s.has(*sig))
        .map(|(sig, _, p)| (sig.name(), *p))
        .collect();
    if t == PageType::Article && hints.news_sitemap {
        out.push(("crawl:news-sitemap", NEWS_SITEMAP_POINTS));
    }
    out.sort_by_key(|(_, p)| -*p);
    out
}
