//! Article or listing page? The crawler writes records for articles only; listing pages
//! (home, sections, tags, authors, archives, search, pagination, about pages) are followed
//! for their links. Evidence, strongest first: JSON-LD `@type`, the URL's shape, `og:type`,
//! how much prose the extractor found. In: the URL and [`Signals`]; out: [`PageKind`].

use url::Url;

/// JSON-LD types of an article (lowercased).
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

/// JSON-LD types of a page that lists or describes other things (lowercased).
pub const LISTING_TYPES: &[&str] = &[
    "collectionpage",
    "itemlist",
    "profilepage",
    "searchresultspage",
    "aboutpage",
    "contactpage",
];

/// Path segments that name a listing (English, German, Spanish, Portuguese, French,
/// Italian, Dutch, Polish).
pub const LISTING_SEGMENTS: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "topic",
    "topics",
    "section",
    "sections",
    "author",
    "authors",
    "page",
    "archive",
    "archives",
    "search",
    "feed",
    "latest",
    "index",
    "schlagwort",
    "schlagworte",
    "thema",
    "themen",
    "autor",
    "autoren",
    "rubrik",
    "etiqueta",
    "etiquetas",
    "categoria",
    "categorias",
    "tema",
    "temas",
    "seccion",
    "secao",
    "rubrique",
    "auteur",
    "auteurs",
    "mot-cle",
    "argomento",
    "argomenti",
    "autore",
    "autori",
    "trefwoord",
    "rubriek",
    "tagi",
    "kategoria",
    "autorzy",
];

/// A slug of this many words or more is an article's.
const ARTICLE_SLUG_WORDS: usize = 3;
/// A digit run this long in the last segment is an article id (`-4821.html`, `/story/4711`).
const ARTICLE_ID_DIGITS: usize = 4;
/// Fewer words of extracted text than this is not an article, unless strong evidence says so.
const MIN_ARTICLE_WORDS: usize = 80;
/// With strong article evidence (JSON-LD, og:type), a short piece (photo story, brief) still
/// counts from this many words.
const MIN_SHORT_ARTICLE_WORDS: usize = 30;
/// Words that make an extracted text block a paragraph (for `Signals::body_paragraphs`).
pub const PARAGRAPH_MIN_WORDS: usize = 25;
/// Paragraphs of prose an unlabelled article has at least.
const MIN_PARAGRAPHS: usize = 3;
/// Words of an unlabelled, undated page to count as an article by text alone.
const MIN_UNDATED_WORDS: usize = 300;

/// The kind of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// An article: written as a record.
    Article,
    /// A listing: followed, not written.
    Listing,
}

/// What the URL alone suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlShape {
    /// Date path with a slug, a long slug, an article id.
    ArticleLike,
    /// Root, a listing segment, pagination, a short section name.
    ListingLike,
    /// Cannot tell.
    Neutral,
}

/// Signals about one fetched page, computed by the extractor.
#[derive(Debug, Clone, Default)]
pub struct Signals {
    /// `og:type`, lowercased.
    pub og_type: Option<String>,
    /// All JSON-LD `@type` values, lowercased.
    pub jsonld_types: Vec<String>,
    /// Words in the extracted article text.
    pub body_words: usize,
    /// Text blocks of the extracted text with at least 25 words.
    pub body_paragraphs: usize,
    /// `<a href>` elements on the whole page.
    pub page_links: usize,
    /// A publication date was found.
    pub has_date: bool,
    /// The URL came from a Google News sitemap or a feed.
    pub from_news_sitemap: bool,
}

fn is_year(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) && (s.starts_with("19") || s.starts_with("20"))
}

fn longest_digit_run(s: &str) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for b in s.bytes() {
        if b.is_ascii_digit() {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// What the URL alone suggests.
pub fn url_shape(u: &Url) -> UrlShape {
    let segs: Vec<String> = u
        .path_segments()
        .map(|s| s.filter(|x| !x.is_empty()).map(|x| x.to_lowercase()).collect())
        .unwrap_or_default();
    let Some(last) = segs.last() else {
        return UrlShape::ListingLike;
    };
    // /page/2, /tag/x, /category/x/page/3; a listing word anywhere but the slug itself.
    if segs.iter().any(|s| LISTING_SEGMENTS.contains(&s.as_str())) {
        return UrlShape::ListingLike;
    }
    if segs.len() >= 2 && last.bytes().all(|b| b.is_ascii_digit()) && segs[segs.len() - 2] == "page" {
        return UrlShape::ListingLike;
    }
    let stem = last.rsplit_once('.').map_or(last.as_str(), |(s, _)| s);
    let words = stem.split(['-', '_', '+']).filter(|w| !w.is_empty()).count();
    let dated = segs.iter().any(|s| is_year(s));
    if words >= ARTICLE_SLUG_WORDS || longest_digit_run(stem) >= ARTICLE_ID_DIGITS && !is_year(stem) {
        return UrlShape::ArticleLike;
    }
    if dated && !is_year(last) && !last.bytes().all(|b| b.is_ascii_digit()) {
        return UrlShape::ArticleLike;
    }
    if segs.len() == 1 && words <= 2 && !stem.bytes().any(|b| b.is_ascii_digit()) {
        return UrlShape::ListingLike;
    }
    if dated {
        // /2026/11/ or /2026/11/20/: a date archive.
        return UrlShape::ListingLike;
    }
    UrlShape::Neutral
}

/// Decide, in this order: the home page is a listing; JSON-LD listing types without an
/// article type, or a listing-shaped URL without a JSON-LD article type, are listings
/// (WordPress SEO plugins put `og:type=article` on category pages); too little text is a
/// listing unless strong evidence (JSON-LD article type or `og:type=article`) backs a
/// short piece; strong evidence, a news sitemap or feed entry, or an article-shaped URL
/// make an article; `og:type=website` makes a listing; otherwise prose decides.
pub fn classify(u: &Url, s: &Signals) -> PageKind {
    let shape = url_shape(u);
    let root = u.path() == "/" || u.path().is_empty();
    if root && u.query().is_none() {
        return PageKind::Listing;
    }
    let ld_article = s.jsonld_types.iter().any(|t| ARTICLE_TYPES.contains(&t.as_str()));
    let ld_listing = s.jsonld_types.iter().any(|t| LISTING_TYPES.contains(&t.as_str()));
    if ld_listing && !ld_article {
        return PageKind::Listing;
    }
    if shape == UrlShape::ListingLike && !ld_article {
        return PageKind::Listing;
    }
    let og_article = s.og_type.as_deref() == Some("article");
    let strong = ld_article || og_article;
    if s.body_words < MIN_ARTICLE_WORDS {
        return if strong && s.body_words >= MIN_SHORT_ARTICLE_WORDS && shape != UrlShape::ListingLike {
            PageKind::Article
        } else {
            PageKind::Listing
        };
    }
    if strong || s.from_news_sitemap || shape == UrlShape::ArticleLike {
        return PageKind::Article;
    }
    if s.og_type.as_deref() == Some("website") {
        return PageKind::Listing;
    }
    let prose = s.body_paragraphs >= MIN_PARAGRAPHS;
    if prose && (s.has_date || s.body_words >= MIN_UNDATED_WORDS) {
        PageKind::Article
    } else {
        PageKind::Listing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn sig(og: Option<&str>, ld: &[&str], words: usize, paras: usize) -> Signals {
        Signals {
            og_type: og.map(str::to_string),
            jsonld_types: ld.iter().map(|t| t.to_string()).collect(),
            body_words: words,
            body_paragraphs: paras,
            page_links: 120,
            has_date: true,
            from_news_sitemap: false,
        }
    }

    #[test]
    fn url_shapes() {
        use UrlShape::*;
        let cases = [
            ("https://a.test/", ListingLike),
            ("https://a.test/world/", ListingLike),
            ("https://a.test/tag/transport/", ListingLike),
            ("https://a.test/category/port/page/2/", ListingLike),
            ("https://a.test/themen/klima/", ListingLike),
            ("https://a.test/autor/max-muster/", ListingLike),
            ("https://a.test/2026/11/", ListingLike),
            ("https://a.test/about-us/", ListingLike),
            ("https://a.test/2026/11/20/harbour-cranes-return/", ArticleLike),
            (
                "https://a.test/culture/theatre-reopens-after-restoration-4821.html",
                ArticleLike,
            ),
            ("https://a.test/story/4711", ArticleLike),
            (
                "https://a.test/politik/deutschland/koalition-streitet-ueber-haushalt-a-1234567.html",
                ArticleLike,
            ),
            ("https://a.test/2026/11/20/cranes/", ArticleLike),
            ("https://a.test/news/local/", Neutral),
        ];
        for (url, want) in cases {
            assert_eq!(url_shape(&u(url)), want, "{url}");
        }
    }

    #[test]
    fn decisions() {
        use PageKind::*;
        let cases = [
            // a news article with og:type
            (
                "https://a.test/2026/11/20/cranes-return/",
                sig(Some("article"), &["newsarticle"], 400, 6),
                Article,
            ),
            // no metadata, long text, slug URL
            (
                "https://a.test/news/local/council-faces-budget-gap",
                sig(None, &[], 350, 5),
                Article,
            ),
            // home page
            (
                "https://a.test/",
                sig(Some("website"), &["website"], 300, 4),
                Listing,
            ),
            // section page with og:type website
            (
                "https://a.test/news/local/",
                sig(Some("website"), &["collectionpage"], 250, 3),
                Listing,
            ),
            // WordPress tag page: og:type article (Yoast), JSON-LD CollectionPage
            (
                "https://a.test/tag/port/",
                sig(Some("article"), &["collectionpage", "breadcrumblist"], 200, 2),
                Listing,
            ),
            // Yoast category page: og:type article, no JSON-LD, category URL
            (
                "https://a.test/category/city/",
                sig(Some("article"), &[], 220, 3),
                Listing,
            ),
            // author page
            (
                "https://a.test/author/fiona/",
                sig(Some("profile"), &["profilepage"], 150, 1),
                Listing,
            ),
            // pagination
            ("https://a.test/news/page/2/", sig(None, &[], 300, 3), Listing),
            // a short photo story with og:type article
            (
                "https://a.test/2026/11/20/photos-storm-damage/",
                sig(Some("article"), &[], 40, 0),
                Article,
            ),
            // too short without evidence
            ("https://a.test/news/local/brief", sig(None, &[], 40, 0), Listing),
            // about page
            (
                "https://a.test/about-us/",
                sig(Some("website"), &["webpage"], 300, 4),
                Listing,
            ),
        ];
        for (url, s, want) in cases {
            assert_eq!(classify(&u(url), &s), want, "{url}");
        }
    }
}
