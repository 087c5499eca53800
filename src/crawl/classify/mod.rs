//! What kind of page did the crawl fetch? The crawler writes records for articles (and, with
//! `--emit-all`, for every page with text) and follows every page's links. A page's type
//! and the evidence for it come from [`page_type`], the one place the crawl decides it:
//! the extractor's own decision when it made one, else [`classify`] over the page's
//! [`Signals`] — structured data (JSON-LD `@type`, microdata, `og:type`), the URL's shape
//! ([`url`]), the markup ([`markup`]: `<article>` with its `<h1>`, teaser repetition, forms)
//! and how much prose the extractor found against how many links the page has.
//!
//! In: the extracted [`Article`] (if any), the [`PageInfo`], the page's bytes, URL and how it
//! was found. Out: [`Verdict`], a [`PageType`] and its evidence (`extraction.page_type_evidence`).

pub mod markup;
pub mod url;

pub use url::{read_url, url_shape, UrlShape, UrlVerdict, LISTING_SEGMENTS, SERVICE_SEGMENTS};

use crate::crawl::state::item::Via;
use crate::html::text::word_count;
use crate::model::{Article, PageType};
use crate::PageInfo;
use ::url::Url;
use markup::Markup;

/// JSON-LD and microdata types of an article (lowercased).
pub const ARTICLE_TYPES: &[&str] = &[
    "newsarticle",
    "article",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "askpublicnewsarticle",
    "satiricalarticle",
    "liveblogposting",
    "report",
    "techarticle",
    "scholarlyarticle",
    "advertisercontentarticle",
    "posting",
    "socialmediaposting",
];

/// JSON-LD types of a page that lists other things (lowercased).
pub const LISTING_TYPES: &[&str] = &["collectionpage", "itemlist", "profilepage", "searchresultspage"];

/// JSON-LD types of a page about the site or its company (lowercased).
pub const SERVICE_TYPES: &[&str] = &["aboutpage", "contactpage"];

/// Fewer words of extracted text than this is not an article, unless strong evidence says so.
const MIN_ARTICLE_WORDS: usize = 80;
/// With strong article evidence (structured data, og:type), a short piece (photo story,
/// brief) still counts from this many words.
const MIN_SHORT_ARTICLE_WORDS: usize = 30;
/// Words that make an extracted text block a paragraph (for [`Signals::body_paragraphs`]).
pub const PARAGRAPH_MIN_WORDS: usize = 25;
/// Paragraphs of prose an unlabelled article has at least.
const MIN_PARAGRAPHS: usize = 3;
/// Words of an unlabelled, undated page to count as an article by its text alone.
const MIN_UNDATED_WORDS: usize = 300;
/// An `<h1>` inside an `<article>` element over this much prose (in at least
/// [`MIN_HEADLINED_PARAGRAPHS`] paragraphs) is a headlined article, dated or not: a short
/// column of 150 words is an article, a teaser of 60 is not.
const MIN_HEADLINED_WORDS: usize = 150;
/// Paragraphs of a headlined article without other evidence.
const MIN_HEADLINED_PARAGRAPHS: usize = 2;
/// This many teasers (`<article>` elements or linked headings) without a headline inside an
/// `<article>` make a listing: an article's "related stories" box holds fewer.
const MIN_TEASERS: usize = 6;
/// More links than this per word of extracted prose make an undated page without other
/// evidence link-heavy (a listing): an article of 300 words with a full menu and footer has
/// about 80 links (0.27 a word), a section page whose teasers add up to 300 words has 150 or
/// more.
const MAX_LINKS_PER_WORD: f64 = 0.4;

/// A page's type and the evidence that decided it, strongest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The type.
    pub page_type: PageType,
    /// Why (`jsonld:newsarticle`, `url:listing-segment=tag`, `text:words=220`).
    pub evidence: Vec<String>,
}

impl Verdict {
    fn new(page_type: PageType, evidence: Vec<String>) -> Verdict {
        Verdict { page_type, evidence }
    }
}

/// Signals about one fetched page.
#[derive(Debug, Clone, Default)]
pub struct Signals {
    /// `og:type`, lowercased.
    pub og_type: Option<String>,
    /// All JSON-LD `@type` values, lowercased.
    pub jsonld_types: Vec<String>,
    /// Words in the extracted article text.
    pub body_words: usize,
    /// Text blocks of the extracted text with at least [`PARAGRAPH_MIN_WORDS`] words.
    pub body_paragraphs: usize,
    /// `<a href>` elements on the whole page.
    pub page_links: usize,
    /// A publication date was found.
    pub has_date: bool,
    /// The URL came from a Google News sitemap or a feed.
    pub from_news_sitemap: bool,
    /// Facts of the markup.
    pub markup: Markup,
}

/// The page's type for the crawl, in one place: the extractor's decision when it made one
/// (an [`Article`] whose `extraction.page_type_evidence` is not empty), else [`classify`]
/// over the signals of the extracted text (`article`; `None` for a page without text), the
/// page's links and metadata (`info`), its markup (`html`, the fetched bytes) and its URL.
pub fn page_type(article: Option<&Article>, info: &PageInfo, html: &[u8], u: &Url, via: Via) -> Verdict {
    if let Some(a) = article.filter(|a| !a.extraction.page_type_evidence.is_empty()) {
        return Verdict::new(a.page_type, a.extraction.page_type_evidence.clone());
    }
    // No article (no text, or the extraction failed after the parse): the extractor's
    // decision on the page is still in its info.
    if let Some(t) = info.page_type.filter(|_| !info.page_type_evidence.is_empty()) {
        return Verdict::new(t, info.page_type_evidence.clone());
    }
    let text = article.map_or("", |a| a.text.as_str());
    let signals = Signals {
        og_type: info.og_type.clone(),
        jsonld_types: info.jsonld_types.clone(),
        body_words: word_count(text),
        body_paragraphs: text
            .split("\n\n")
            .filter(|b| word_count(b) >= PARAGRAPH_MIN_WORDS)
            .count(),
        page_links: info.links.len(),
        has_date: article.is_some_and(|a| a.date_published.is_some()),
        from_news_sitemap: matches!(via, Via::NewsSitemap | Via::Feed),
        markup: markup::scan(html),
    };
    classify(u, &signals)
}

/// What the page's structured data says.
struct Declared {
    /// A JSON-LD article type: the page's own word, which outweighs its URL.
    jsonld: Option<String>,
    /// One element of a microdata article type, or `itemprop=articleBody` (several article
    /// items are the teasers of a listing).
    microdata: Vec<String>,
    /// `og:type=article` (weaker: SEO plugins put it on category and tag pages).
    og_article: bool,
    /// A JSON-LD listing type.
    listing: Option<String>,
    /// A JSON-LD about or contact page type.
    service: Option<String>,
}

impl Declared {
    fn of(s: &Signals) -> Declared {
        let ld = |list: &[&str]| {
            s.jsonld_types
                .iter()
                .find(|t| list.contains(&t.as_str()))
                .cloned()
        };
        let m = &s.markup;
        let mut microdata = Vec::new();
        if m.microdata_articles == 1 {
            let t = m
                .microdata_types
                .iter()
                .find(|t| ARTICLE_TYPES.contains(&t.as_str()));
            microdata.extend(t.map(|t| format!("microdata:{t}")));
        }
        if m.article_body {
            microdata.push("microdata:articlebody".into());
        }
        Declared {
            jsonld: ld(ARTICLE_TYPES),
            microdata,
            og_article: s.og_type.as_deref() == Some("article"),
            listing: ld(LISTING_TYPES),
            service: ld(SERVICE_TYPES),
        }
    }

    /// The article evidence of the structured data, strongest first.
    fn strong(&self) -> Vec<String> {
        let mut v: Vec<String> = self.jsonld.iter().map(|t| format!("jsonld:{t}")).collect();
        v.extend(self.microdata.iter().cloned());
        if self.og_article {
            v.push("og:type=article".into());
        }
        v
    }
}

/// Decide, in this order, each step with the evidence it rests on:
/// 1. the home page (the root without a query) is a listing;
/// 2. without a JSON-LD article type: a service or listing JSON-LD type (`AboutPage`,
///    `CollectionPage`) is that, and so is a service-shaped URL (`/about/`, `/contact`) or a
///    listing-shaped one (`/tag/x`, `/category/x/page/2`, `/search?q=`) — SEO plugins put
///    `og:type=article` on tag and category pages, and themes mark every teaser with
///    microdata, so neither counts here;
/// 3. too little text is a short article when strong evidence backs it (a JSON-LD or single
///    microdata article type, `itemprop=articleBody`, `og:type=article`), a service page
///    when it holds a form with a text area (a contact form), else a listing;
/// 4. strong evidence, a news sitemap or feed entry, or an article-shaped URL
///    (`/2026/11/20/slug/`, `news.php?id=123`) make an article;
/// 5. the rest is decided by its markup and prose ([`by_prose`]).
pub fn classify(u: &Url, s: &Signals) -> Verdict {
    use PageType::{Article, Listing, Service};
    if u.path() == "/" && u.query().is_none() {
        return Verdict::new(Listing, vec!["url:root".into()]);
    }
    let url = read_url(u);
    let d = Declared::of(s);
    let words = format!("text:words={}", s.body_words);
    if d.jsonld.is_none() {
        if let Some(t) = &d.service {
            return Verdict::new(Service, vec![format!("jsonld:{t}")]);
        }
        if let Some(t) = &d.listing {
            return Verdict::new(Listing, vec![format!("jsonld:{t}")]);
        }
        match url.shape {
            UrlShape::ServiceLike => return Verdict::new(Service, vec![url.evidence]),
            UrlShape::ListingLike => return Verdict::new(Listing, vec![url.evidence]),
            _ => {}
        }
    }
    let mut article = d.strong();
    if s.body_words < MIN_ARTICLE_WORDS {
        return if !article.is_empty() && s.body_words >= MIN_SHORT_ARTICLE_WORDS {
            article.push(words);
            Verdict::new(Article, article)
        } else if s.markup.text_forms > 0 {
            Verdict::new(Service, vec!["markup:form".into(), words])
        } else {
            Verdict::new(Listing, vec![words])
        };
    }
    if s.from_news_sitemap {
        article.push("crawl:news-entry".into());
    }
    if url.shape == UrlShape::ArticleLike {
        article.push(url.evidence);
    }
    if !article.is_empty() {
        article.push(words);
        return Verdict::new(Article, article);
    }
    by_prose(s, words)
}

/// A page without article evidence, decided in this order: repeated teasers without a
/// headline inside an `<article>` make a listing; an `<h1>` inside an `<article>` over
/// enough prose makes an article, dated or not; `og:type=website` makes a listing;
/// paragraphs of prose with a date make an article; more links than the prose can carry
/// make a listing; long prose without a date makes an article; the rest is a listing.
fn by_prose(s: &Signals, words: String) -> Verdict {
    use PageType::{Article, Listing};
    let paragraphs = format!("text:paragraphs={}", s.body_paragraphs);
    let m = &s.markup;
    let teasers = m.teasers();
    if teasers >= MIN_TEASERS && !m.h1_in_article {
        return Verdict::new(Listing, vec![format!("markup:teasers={teasers}"), words]);
    }
    let headlined = m.h1_in_article && teasers < MIN_TEASERS;
    if headlined && s.body_words >= MIN_HEADLINED_WORDS && s.body_paragraphs >= MIN_HEADLINED_PARAGRAPHS {
        return Verdict::new(Article, vec!["markup:h1-in-article".into(), words, paragraphs]);
    }
    if s.og_type.as_deref() == Some("website") {
        return Verdict::new(Listing, vec!["og:type=website".into(), words]);
    }
    let prose = s.body_paragraphs >= MIN_PARAGRAPHS;
    if prose && s.has_date {
        return Verdict::new(Article, vec!["text:dated".into(), words, paragraphs]);
    }
    if s.page_links as f64 > s.body_words as f64 * MAX_LINKS_PER_WORD {
        let links = format!("text:links={}", s.page_links);
        return Verdict::new(Listing, vec!["text:link-heavy".into(), links, words]);
    }
    if prose && s.body_words >= MIN_UNDATED_WORDS {
        return Verdict::new(Article, vec![words, paragraphs]);
    }
    Verdict::new(Listing, vec![words, paragraphs])
}

#[cfg(test)]
mod tests;
