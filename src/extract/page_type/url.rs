//! What the URL's shape says: the home page, a listing path (`/tag/x`, `/category/y/page/2`),
//! a search, an about/contact/legal page, a permalink (long slug, content id, date path),
//! a forum/docs/product/service path. Word lists are general CMS and site vocabulary in a
//! few languages, never site names. In: the page URL. Out: [`UrlFacts`].

use serde::Serialize;

/// Words of a slug that make it a permalink rather than a section name.
const LONG_SLUG_WORDS: usize = 4;
/// Digits in the last segment that make it a content id (4 would catch years).
const ARTICLE_ID_DIGITS: usize = 5;
/// Most words of the segment after a listing word (`/tag/harbour-cranes`, not a headline).
const LISTING_TAIL_WORDS: usize = 3;
/// Digits in the segment after a listing word that make it an article id instead.
const LISTING_TAIL_ID_DIGITS: usize = 4;
/// Words of the last segment after a blog/news parent that make it a post slug.
const BLOG_SLUG_WORDS: usize = 2;
/// Most words of an about/contact slug (`about-us`, `contact-our-team`).
const ABOUT_SLUG_WORDS: usize = 3;
/// Most words of a lone first-level segment that reads as a section (`/news`, `/our-work`).
const SECTION_SLUG_WORDS: usize = 2;

/// Listing words wherever they stand (`/tag/x`, `/category/x/page/2`, `/collections/y`).
const SEG_LISTING: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "topic",
    "topics",
    "author",
    "authors",
    "archive",
    "archives",
    "search",
    "page",
    "schlagwort",
    "autor",
    "rubrik",
    "etiqueta",
    "categoria",
    "rubrique",
    "auteur",
    "argomento",
    "kategoria",
    "tagi",
    "c",
    "collections",
    "collection",
    "browse",
    "catalog",
    "department",
    "subject",
    "directory",
    "chart",
    "rankings",
    "cat",
    "shop",
];
/// The strongest listing words: the crawler's guard never calls such a page an article.
const SEG_LISTING_STRONG: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "author",
    "authors",
    "search",
    "page",
    "archive",
    "archives",
    "schlagwort",
    "autor",
    "etiqueta",
    "categoria",
    "rubrique",
    "auteur",
    "tagi",
    "kategoria",
    "autore",
    "trefwoord",
];
/// Parents of a post's slug (`/blog/my-post`, `/news/2024/x`): a CMS's article sections.
const SEG_BLOG: &[&str] = &[
    "news",
    "blog",
    "blogs",
    "articles",
    "article",
    "stories",
    "story",
    "posts",
    "post",
    "press",
    "insights",
    "updates",
    "magazine",
    "journal",
    "opinion",
    "features",
    "nachrichten",
    "artikel",
    "actualites",
    "noticias",
    "notizie",
    "nieuws",
    "wiadomosci",
    "aktuelles",
    "actualidad",
    "columns",
    "editorial",
];
/// About, contact and legal pages (the last segment, or its first word).
const ABOUT_WORDS: &[&str] = &[
    "about",
    "aboutus",
    "about-us",
    "contact",
    "contactus",
    "contact-us",
    "impressum",
    "imprint",
    "privacy",
    "privacy-policy",
    "terms",
    "terms-of-service",
    "terms-of-use",
    "terms-and-conditions",
    "legal",
    "careers",
    "jobs",
    "team",
    "our-team",
    "company",
    "kontakt",
    "datenschutz",
    "agb",
    "mentions-legales",
    "who-we-are",
    "leadership",
    "uber-uns",
    "ueber-uns",
    "qui-sommes-nous",
    "quienes-somos",
    "chi-siamo",
    "over-ons",
    "o-nas",
    "sobre",
    "cookie-policy",
    "cookies",
    "accessibility",
    "disclaimer",
    "sitemap",
];
/// A listing when last (`/news`, `/blog/`), an article's parent otherwise.
const SEG_SECTION: &[&str] = &[
    "news",
    "blog",
    "blogs",
    "articles",
    "stories",
    "posts",
    "press",
    "events",
    "latest",
    "section",
    "sections",
    "thema",
    "themen",
    "tema",
    "seccion",
    "insights",
    "resources",
    "updates",
    "magazine",
    "journal",
    "reviews",
    "recipes",
    "guides",
    "courses",
    "products",
    "lists",
    "list",
    "all",
    "new",
    "deals",
    "sale",
    "store",
];
/// Parents of a product's slug.
const SEG_PRODUCT: &[&str] = &[
    "product", "products", "p", "dp", "item", "itm", "listing", "app", "gp", "prd", "produkt", "produit",
    "producto", "prodotto", "sku", "pd",
];
/// Parents of a thread's slug (forums, Q&A, comment pages).
const SEG_FORUM: &[&str] = &[
    "forum",
    "forums",
    "thread",
    "threads",
    "t",
    "topic",
    "questions",
    "question",
    "q",
    "discussion",
    "discussions",
    "community",
    "comments",
    "answers",
    "viewtopic.php",
    "showthread.php",
    "board",
    "boards",
    "r",
    "qa",
    "discuss",
    "talk",
    "showtopic",
    "viewthread",
    "messages",
    "replies",
];
/// Documentation segments anywhere in the path.
const SEG_DOCS: &[&str] = &[
    "docs",
    "doc",
    "documentation",
    "reference",
    "api",
    "manual",
    "guide",
    "guides",
    "learn",
    "tutorial",
    "tutorials",
    "handbook",
    "library",
    "man",
    "kb",
    "knowledge-base",
    "knowledgebase",
    "support",
    "help",
    "wiki",
    "howto",
    "book",
    "latest",
    "stable",
    "en-us",
    "dev",
    "developer",
    "developers",
    "specs",
    "spec",
];
/// Company-page segments anywhere in the path.
const SEG_SERVICE: &[&str] = &[
    "about",
    "about-us",
    "aboutus",
    "contact",
    "contact-us",
    "contactus",
    "services",
    "service",
    "solutions",
    "solution",
    "pricing",
    "plans",
    "features",
    "platform",
    "company",
    "careers",
    "team",
    "legal",
    "privacy",
    "terms",
    "impressum",
    "imprint",
    "kontakt",
    "agb",
    "datenschutz",
    "enterprise",
    "industries",
    "customers",
    "partners",
    "why",
    "demo",
    "get-started",
    "locations",
    "consulting",
    "insurance",
    "tuition",
    "admissions",
];
/// First host labels of forums, docs sites and shops.
const HOST_FORUM: &[&str] = &[
    "forum",
    "forums",
    "community",
    "discuss",
    "discourse",
    "answers",
    "talk",
    "board",
    "boards",
    "bbs",
];
const HOST_DOCS: &[&str] = &[
    "doc",
    "docs",
    "developer",
    "developers",
    "dev",
    "api",
    "learn",
    "manual",
    "wiki",
    "help",
    "support",
    "kb",
    "reference",
];
const HOST_SHOP: &[&str] = &["shop", "store", "buy"];
/// Query keys of a search.
const QUERY_SEARCH: &[&str] = &["q", "s", "query", "search", "keywords", "k", "term"];
/// Query keys of a list's page.
const QUERY_PAGE: &[&str] = &["page", "p", "pg", "start", "offset", "paged"];
/// Query keys whose numeric value is a content id.
const QUERY_ID: &[&str] = &["id", "articleid", "story", "newsid", "article", "p"];
/// Script extensions (a `.php` last segment is not a slug).
const SCRIPT_EXT: &[&str] = &[".php", ".asp", ".aspx"];
/// Page extensions.
const PAGE_EXT: &[&str] = &[".html", ".htm", ".php", ".asp", ".aspx"];
/// Version-like and docs-like path parts.
const DOCS_PATH_PARTS: &[&str] = &[
    "/latest/",
    "/stable/",
    "/current/",
    "/docs-",
    "/docs_",
    "/doc-",
    "/doc_",
    "/api-",
    "/api_",
    "/reference-",
    "/reference_",
];

/// What the URL says (see [`UrlFacts::of`]).
#[derive(Clone, Debug, Default, Serialize)]
pub struct UrlFacts {
    pub has_url: bool,
    pub root: bool,
    pub home_ish: bool,
    pub date_slug: bool,
    pub long_slug: bool,
    pub article_id: bool,
    pub listing_strong: bool,
    pub about_page: bool,
    pub listing_seg: bool,
    pub section_last: bool,
    pub paged: bool,
    pub search: bool,
    pub product: bool,
    pub forum: bool,
    pub docs: bool,
    pub service: bool,
    pub blog_parent: bool,
    pub shallow: bool,
    pub html_ext: bool,
    /// The words of the last segment (split on `-`, `_`, `+`; digits-only words left out).
    pub slug: Vec<String>,
}

/// Words of a segment (extension removed) that are not all digits.
fn slug_words(seg: &str) -> usize {
    let stem = seg.rsplit_once('.').map_or(seg, |(s, _)| s);
    stem.split(['-', '_', '+'])
        .filter(|w| !w.is_empty() && !w.bytes().all(|c| c.is_ascii_digit()))
        .count()
}

/// The longest run of ASCII digits.
fn longest_digits(s: &str) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in s.bytes() {
        cur = if c.is_ascii_digit() { cur + 1 } else { 0 };
        best = best.max(cur);
    }
    best
}

/// A year 1900-2099.
fn is_year(s: &str) -> bool {
    s.len() == 4 && (s.starts_with("19") || s.starts_with("20")) && s.bytes().all(|c| c.is_ascii_digit())
}

/// A listing word followed by at most one short segment (and an optional `/page/N`).
fn listing_at(segs: &[String], words: &[&str]) -> bool {
    segs.iter().enumerate().any(|(i, x)| {
        if !words.contains(&x.as_str()) {
            return false;
        }
        let mut tail = &segs[i + 1..];
        if tail.len() >= 2 && tail[tail.len() - 2] == "page" && is_digits(&tail[tail.len() - 1]) {
            tail = &tail[..tail.len() - 2];
        }
        tail.is_empty()
            || (tail.len() == 1
                && slug_words(&tail[0]) <= LISTING_TAIL_WORDS
                && longest_digits(&tail[0]) < LISTING_TAIL_ID_DIGITS)
    })
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())
}

impl UrlFacts {
    /// The facts of `url` (all false without a parsable URL).
    pub fn of(url: Option<&str>) -> UrlFacts {
        let Some(u) = url.and_then(|s| url::Url::parse(s.trim()).ok()) else {
            return UrlFacts::default();
        };
        let host = u.host_str().unwrap_or("").to_ascii_lowercase();
        let path = u.path().to_lowercase();
        let segs: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let keys: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
            .collect();
        let has_key = |list: &[&str]| keys.iter().any(|(k, _)| list.contains(&k.as_str()));
        let last = segs.last().map_or("", String::as_str);
        let parents = &segs[..segs.len().saturating_sub(1)];
        let in_parents = |list: &[&str]| parents.iter().any(|s| list.contains(&s.as_str()));
        let first_label = host.split('.').next().unwrap_or("");
        let paged_path = segs.len() >= 2 && segs[segs.len() - 2] == "page" && is_digits(last);
        let stem = last.rsplit_once('.').map_or(last, |(s, _)| s);
        let article_id = (longest_digits(last) >= ARTICLE_ID_DIGITS && !is_year(last))
            || keys
                .iter()
                .any(|(k, v)| QUERY_ID.contains(&k.as_str()) && is_digits(v));
        let mut f = UrlFacts {
            has_url: true,
            root: segs.is_empty() && keys.is_empty(),
            home_ish: segs.is_empty() || (segs.len() == 1 && home_segment(last)),
            date_slug: parents.iter().any(|s| is_year(s)) && slug_words(last) >= 2,
            long_slug: slug_words(last) >= LONG_SLUG_WORDS && !SCRIPT_EXT.iter().any(|e| last.ends_with(e)),
            article_id,
            listing_strong: listing_at(&segs, SEG_LISTING_STRONG) || paged_path,
            about_page: ABOUT_WORDS.contains(&stem)
                || (ABOUT_WORDS.contains(&stem.split('-').next().unwrap_or(""))
                    && slug_words(stem) <= ABOUT_SLUG_WORDS),
            listing_seg: listing_at(&segs, SEG_LISTING) || paged_path,
            section_last: !article_id
                && (SEG_SECTION.contains(&last)
                    || (segs.len() == 1
                        && slug_words(last) <= SECTION_SLUG_WORDS
                        && !last.bytes().any(|c| c.is_ascii_digit()))),
            paged: has_key(QUERY_PAGE) || paged_path,
            search: has_key(QUERY_SEARCH) || segs.iter().any(|s| s == "search"),
            product: in_parents(SEG_PRODUCT) || HOST_SHOP.contains(&first_label) || product_path(&path),
            forum: in_parents(SEG_FORUM)
                || HOST_FORUM.contains(&first_label)
                || segs.iter().any(|s| s == "viewtopic.php" || s == "showthread.php")
                || has_key(&["topic", "thread"]),
            docs: segs.iter().any(|s| SEG_DOCS.contains(&s.as_str()))
                || HOST_DOCS.contains(&first_label)
                || docs_path(&path),
            service: segs.iter().any(|s| SEG_SERVICE.contains(&s.as_str())),
            blog_parent: (in_parents(SEG_BLOG) || host.starts_with("blog.") || host.starts_with("news."))
                && slug_words(last) >= BLOG_SLUG_WORDS,
            shallow: segs.len() <= 1,
            html_ext: PAGE_EXT.iter().any(|e| last.ends_with(e)),
            slug: Vec::new(),
        };
        f.slug = stem
            .split(['-', '_', '+'])
            .filter(|w| !w.is_empty() && !is_digits(w))
            .map(str::to_string)
            .collect();
        f
    }
}

/// A home page's only segment: a language code (`en`, `en-us`), `home`, `index.*`.
fn home_segment(s: &str) -> bool {
    let b = s.as_bytes();
    let lang = |x: &[u8]| x.len() == 2 && x.iter().all(u8::is_ascii_lowercase);
    lang(b) || (b.len() == 5 && b[2] == b'-' && lang(&b[..2]) && lang(&b[3..])) || s == "home" || {
        s.strip_prefix("index.")
            .is_some_and(|e| !e.is_empty() && e.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'))
    }
}

/// Product URL shapes: `-p-1234`, `/p/x`, `_p12`, `12345.html`, `/dp/`.
fn product_path(p: &str) -> bool {
    let b = p.as_bytes();
    let digits_at = |i: usize| {
        b[i.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    p.match_indices("-p").any(|(i, _)| {
        let j = i + 2;
        let j = if b.get(j) == Some(&b'-') { j + 1 } else { j };
        digits_at(j) >= 4
    }) || p.match_indices("/p/").any(|(i, _)| {
        b.get(i + 3)
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    }) || p.match_indices("_p").any(|(i, _)| digits_at(i + 2) >= 1)
        || p.contains("/dp/")
        || [".html", ".htm"].iter().any(|e| {
            p.strip_suffix(e)
                .is_some_and(|s| s.bytes().rev().take_while(u8::is_ascii_digit).count() >= 5)
        })
}

/// Docs URL shapes: a version segment (`/v1.2/`, `/3.11/`), `/latest/`, `/man3/`, `/docs-x`.
fn docs_path(p: &str) -> bool {
    if DOCS_PATH_PARTS.iter().any(|x| p.contains(x)) {
        return true;
    }
    let segs: Vec<&str> = p.split('/').collect();
    let inner = &segs[..segs.len().saturating_sub(1)];
    inner.iter().any(|s| {
        let v = s.strip_prefix('v').unwrap_or(s);
        let parts: Vec<&str> = v.split('.').collect();
        (2..=3).contains(&parts.len()) && parts.iter().all(|x| is_digits(x))
    }) || inner.iter().any(|s| {
        s.strip_prefix("man")
            .is_some_and(|r| is_digits(r) || r.strip_prefix('-').unwrap_or(r).starts_with("page"))
    })
}
