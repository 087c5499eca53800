//! What a URL alone says about its page: article-like (a date path with a slug, a long
//! slug, an article id in the path or the query: `news.php?id=123`), listing-like (the
//! root, a listing segment such as `/tag/` or `/page/2`, a search or calendar query, a short
//! section name) or service-like (about, contact, legal pages), with the token that said so
//! for the page's evidence. In: a [`Url`]. Out: [`UrlVerdict`].

use url::Url;

/// Path segments that name a listing (English, German, Spanish, Portuguese, French,
/// Italian, Dutch, Polish).
pub const LISTING_SEGMENTS: &[&str] = &[
    "tag",
    "tags",
    "tagged",
    "category",
    "categories",
    "topic",
    "topics",
    "section",
    "sections",
    "author",
    "authors",
    "contributor",
    "contributors",
    "profile",
    "profiles",
    "page",
    "archive",
    "archives",
    "search",
    "feed",
    "latest",
    "index",
    "galleries",
    "collections",
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

/// Path segments (or their stems: `about.html`) that name a page about the site or its
/// company: about, contact, legal and subscription pages, in the same languages.
pub const SERVICE_SEGMENTS: &[&str] = &[
    "about",
    "about-us",
    "aboutus",
    "who-we-are",
    "contact",
    "contact-us",
    "contacts",
    "imprint",
    "impressum",
    "legal",
    "legal-notice",
    "privacy",
    "privacy-policy",
    "terms",
    "terms-of-service",
    "terms-of-use",
    "terms-and-conditions",
    "cookies",
    "cookie-policy",
    "accessibility",
    "advertise",
    "advertising",
    "masthead",
    "subscribe",
    "kontakt",
    "datenschutz",
    "ueber-uns",
    "uber-uns",
    "agb",
    "contacto",
    "quienes-somos",
    "aviso-legal",
    "contato",
    "quem-somos",
    "a-propos",
    "mentions-legales",
    "chi-siamo",
    "contatti",
    "colofon",
    "over-ons",
    "o-nas",
];

/// Query keys whose numeric value names one article (`news.php?id=123`); WordPress's `?p=42`
/// counts on the root path only (elsewhere `p` is often a page number).
pub const ARTICLE_ID_KEYS: &[&str] = &[
    "id",
    "nid",
    "aid",
    "story",
    "storyid",
    "story_id",
    "article",
    "articleid",
    "article_id",
    "artikel",
    "newsid",
    "news_id",
    "itemid",
    "item_id",
    "postid",
    "post_id",
    "contentid",
    "noticia",
    "idnoticia",
];

/// Query keys of a listing: pagination, search, filters, calendar views.
pub const LISTING_QUERY_KEYS: &[&str] = &[
    "page", "paged", "pg", "q", "s", "query", "search", "keyword", "keywords", "tag", "cat", "category",
    "author", "sort", "order", "offset", "start", "filter", "date", "day", "month", "year",
];

/// A slug of this many words or more is an article's.
const ARTICLE_SLUG_WORDS: usize = 3;
/// A digit run this long in the last segment is an article id (`-4821.html`, `/story/4711`).
const ARTICLE_ID_DIGITS: usize = 4;

/// What the URL alone suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlShape {
    /// Date path with a slug, a long slug, an article id in the path or the query.
    ArticleLike,
    /// Root, a listing segment, pagination, a listing query, a short section name.
    ListingLike,
    /// About, contact, legal pages.
    ServiceLike,
    /// Cannot tell.
    Neutral,
}

/// The shape and the evidence token that says why (`url:listing-segment=tag`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlVerdict {
    /// The shape.
    pub shape: UrlShape,
    /// Why, for `extraction.page_type_evidence` (empty for [`UrlShape::Neutral`]).
    pub evidence: String,
}

fn verdict(shape: UrlShape, evidence: String) -> UrlVerdict {
    UrlVerdict { shape, evidence }
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

fn stem(segment: &str) -> &str {
    segment.rsplit_once('.').map_or(segment, |(s, _)| s)
}

/// What the URL alone suggests.
pub fn url_shape(u: &Url) -> UrlShape {
    read_url(u).shape
}

/// What the URL alone suggests, and why. In this order: a listing segment anywhere
/// (`/tag/x`, `/category/x/page/3`); an article id in the query; a listing query key; the
/// root; a service segment; an article slug, id or date path; a short single segment without
/// an extension (a section); a date archive.
pub fn read_url(u: &Url) -> UrlVerdict {
    let segs: Vec<String> = u
        .path_segments()
        .map(|s| s.filter(|x| !x.is_empty()).map(|x| x.to_lowercase()).collect())
        .unwrap_or_default();
    if let Some(s) = segs.iter().find(|s| LISTING_SEGMENTS.contains(&s.as_str())) {
        return verdict(UrlShape::ListingLike, format!("url:listing-segment={s}"));
    }
    let keys: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| (k.to_lowercase(), v.into_owned()))
        .collect();
    let id = keys.iter().find(|(k, v)| {
        let key = ARTICLE_ID_KEYS.contains(&k.as_str()) || k == "p" && segs.is_empty();
        key && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())
    });
    if let Some((k, _)) = id {
        return verdict(UrlShape::ArticleLike, format!("url:query-id={k}"));
    }
    if let Some((k, _)) = keys
        .iter()
        .find(|(k, _)| LISTING_QUERY_KEYS.contains(&k.as_str()))
    {
        return verdict(UrlShape::ListingLike, format!("url:listing-query={k}"));
    }
    let Some(last) = segs.last() else {
        return verdict(UrlShape::ListingLike, "url:root".into());
    };
    let service = |s: &String| SERVICE_SEGMENTS.contains(&stem(s));
    if service(last) || segs.len() <= 2 && service(&segs[0]) {
        let s = if service(last) { last } else { &segs[0] };
        return verdict(UrlShape::ServiceLike, format!("url:service={}", stem(s)));
    }
    let stem = stem(last);
    let words = stem.split(['-', '_', '+']).filter(|w| !w.is_empty()).count();
    let dated = segs.iter().any(|s| is_year(s));
    if words >= ARTICLE_SLUG_WORDS {
        return verdict(UrlShape::ArticleLike, "url:article-slug".into());
    }
    if longest_digit_run(stem) >= ARTICLE_ID_DIGITS && !is_year(stem) {
        return verdict(UrlShape::ArticleLike, "url:article-id".into());
    }
    if dated && !is_year(last) && !last.bytes().all(|b| b.is_ascii_digit()) {
        return verdict(UrlShape::ArticleLike, "url:date-path".into());
    }
    if segs.len() == 1 && words <= 2 && !last.contains('.') && !stem.bytes().any(|b| b.is_ascii_digit()) {
        return verdict(UrlShape::ListingLike, "url:section".into());
    }
    if dated {
        // /2026/11/ or /2026/11/20/: a date archive.
        return verdict(UrlShape::ListingLike, "url:date-archive".into());
    }
    verdict(UrlShape::Neutral, String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_shapes() {
        use UrlShape::*;
        let cases = [
            ("https://a.test/", ListingLike, "url:root"),
            ("https://a.test/world/", ListingLike, "url:section"),
            (
                "https://a.test/tag/transport/",
                ListingLike,
                "url:listing-segment=tag",
            ),
            (
                "https://a.test/category/port/page/2/",
                ListingLike,
                "url:listing-segment=category",
            ),
            (
                "https://a.test/themen/klima/",
                ListingLike,
                "url:listing-segment=themen",
            ),
            (
                "https://a.test/autor/max-muster/",
                ListingLike,
                "url:listing-segment=autor",
            ),
            ("https://a.test/2026/11/", ListingLike, "url:date-archive"),
            (
                "https://a.test/search?q=ferry",
                ListingLike,
                "url:listing-segment=search",
            ),
            (
                "https://a.test/calendar?month=2026-12&day=7",
                ListingLike,
                "url:listing-query=month",
            ),
            (
                "https://a.test/news.php?page=2",
                ListingLike,
                "url:listing-query=page",
            ),
            ("https://a.test/?s=ferry", ListingLike, "url:listing-query=s"),
            ("https://a.test/about-us/", ServiceLike, "url:service=about-us"),
            ("https://a.test/about/history", ServiceLike, "url:service=about"),
            ("https://a.test/contact.html", ServiceLike, "url:service=contact"),
            (
                "https://a.test/info/impressum",
                ServiceLike,
                "url:service=impressum",
            ),
            ("https://a.test/news.php?id=123", ArticleLike, "url:query-id=id"),
            ("https://a.test/?p=42", ArticleLike, "url:query-id=p"),
            ("https://a.test/index.php?id=7", ArticleLike, "url:query-id=id"),
            ("https://a.test/news/?p=2", ListingLike, "url:section"),
            (
                "https://a.test/2026/11/20/harbour-cranes-return/",
                ArticleLike,
                "url:article-slug",
            ),
            (
                "https://a.test/culture/theatre-reopens-after-restoration-4821.html",
                ArticleLike,
                "url:article-slug",
            ),
            ("https://a.test/story/4711", ArticleLike, "url:article-id"),
            (
                "https://a.test/politik/deutschland/koalition-streitet-ueber-haushalt-a-1234567.html",
                ArticleLike,
                "url:article-slug",
            ),
            ("https://a.test/2026/11/20/cranes/", ArticleLike, "url:date-path"),
            ("https://a.test/news/local/", Neutral, ""),
            ("https://a.test/a/3.html", Neutral, ""),
            ("https://a.test/news.php?ref=home", Neutral, ""),
        ];
        for (url, shape, why) in cases {
            let v = read_url(&Url::parse(url).expect("url"));
            assert_eq!((v.shape, v.evidence.as_str()), (shape, why), "{url}");
        }
    }
}
