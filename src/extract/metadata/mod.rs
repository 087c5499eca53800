//! Article metadata from the whole page, before any cleaning: JSON-LD, `<meta>` tags,
//! microdata, `<time>`, bylines, the URL. Each value is taken from the most reliable source
//! that has it; dates keep their source (`jsonld|meta|time|url|text`). In: the parsed page
//! and its URL. Out: [`Metadata`]. The title is chosen later (it needs the content).
//!
//! One file per source: `jsonld`, `meta_tags`, `byline` (names shown on the page),
//! [`dates`] (the date parser, and the dates a page shows in `dates::page`),
//! `breadcrumbs`; [`authors`] cleans names from any of them, `vocab` holds the words of
//! bylines both byline readers use, `chrome` says where on a page a byline cannot be. This
//! file picks each field from its sources, in order of trust.

pub mod authors;
mod breadcrumbs;
mod byline;
mod chrome;
pub mod dates;
mod jsonld;
mod meta_tags;
mod vocab;

use crate::html::arena::{Arena, AttrName};
use crate::html::dom;
use crate::html::select::{DocKeys, Sel};
use crate::html::text::{collapse_ws, squash};
use crate::model::DateSource;
use dates::page::{self, H1};
use jsonld::{str_field, JsonLd};
use meta_tags::{
    Metas, AUTHOR_META_KEYS, DC_TITLE_KEYS, DESCRIPTION_KEYS, IMAGE_KEYS, KEYWORDS_KEYS, LANGUAGE_KEYS,
    MODIFIED_KEYS, OG_TITLE_KEYS, OG_TYPE_KEYS, OTHER_TITLE_KEYS, PUBLISHED_KEYS, SECTION_KEYS,
    SITE_NAME_KEYS, TAG_KEY, URL_KEYS, WEAK_PUBLISHED_KEYS,
};
use std::sync::LazyLock;

static TITLE: LazyLock<Sel> = LazyLock::new(|| Sel::constant("title"));

static H2: LazyLock<Sel> = LazyLock::new(|| Sel::constant("h2"));

static H3: LazyLock<Sel> = LazyLock::new(|| Sel::constant("h3"));

static FEED_LINK: LazyLock<Sel> = LazyLock::new(|| {
    Sel::constant(r#"link[rel~="alternate" i][type*="rss" i], link[rel~="alternate" i][type*="atom" i]"#)
});

/// Separators between the site's name and the rest of a feed link's title ("Site » Feed",
/// "Site - Atom").
const FEED_TITLE_SEPARATORS: &[&str] = &[" » ", " - ", " | ", " – ", " — ", " :: "];

/// Words a feed link's title adds after the site's name ("ArchWiki Atom feed").
const FEED_WORDS: &[&str] = &["feed", "rss", "(rss)", "atom", "(atom)", "rss2", "2.0"];

/// A feed title part shorter than this ("RSS") names no site.
const MIN_FEED_SITE_CHARS: usize = 4;

/// How many h2 (and h3) headings are kept as title candidates.
const MAX_H2S: usize = 10;

static CANONICAL: LazyLock<Sel> = LazyLock::new(|| Sel::constant(r#"link[rel~="canonical" i]"#));

static HTML_LANG: LazyLock<Sel> = LazyLock::new(|| Sel::constant("html[lang], html[xml\\:lang]"));

/// Length of the `YYYY-MM-DD` day every ISO date starts with (days compare as text).
const ISO_DAY_LEN: usize = 10;

/// A name shorter than this (squashed) is not compared with authors: "AP" or "tv" would
/// match too much.
const MIN_ORG_NAME_CHARS: usize = 3;

/// Metadata found on the page.
#[derive(Debug, Default, Clone)]
pub struct Metadata {
    /// Titles by source: JSON-LD headline, og:title, twitter:title, the page's h1s, `<title>`.
    pub jsonld_title: Option<String>,
    /// Dublin Core title (`dc:title`, `dcterm:title`): declared for this document only, so
    /// preferred over og:title (Readability's order).
    pub dc_title: Option<String>,
    /// og:title.
    pub og_title: Option<String>,
    /// twitter:title / dc.title / parsely-title.
    pub other_meta_title: Option<String>,
    /// Texts of the `<h1>` elements in document order.
    pub h1s: Vec<String>,
    /// Texts of the first `<h2>` elements (old blog themes put the post title there and the
    /// site name in the h1).
    pub h2s: Vec<String>,
    /// Texts of the first `<h3>` elements (readability's title rule weighs h1–h3).
    pub h3s: Vec<String>,
    /// `<title>`.
    pub html_title: Option<String>,
    /// The site's name as its feed link gives it (`<link rel=alternate type=…rss…
    /// title="Site » Feed">` → "Site"): a blog often declares no other.
    pub feed_site: Option<String>,
    /// Site name.
    pub site_name: Option<String>,
    /// Authors, normalised.
    pub authors: Vec<String>,
    /// Publication date and source.
    pub published: Option<Dated>,
    /// Modification date and source.
    pub modified: Option<Dated>,
    /// Language.
    pub language: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Lead image.
    pub image_url: Option<String>,
    /// Canonical URL.
    pub canonical_url: Option<String>,
    /// Section.
    pub section: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Breadcrumbs.
    pub breadcrumbs: Vec<String>,
    /// True when the breadcrumbs came from JSON-LD.
    pub breadcrumbs_from_jsonld: bool,
    /// The JSON-LD `articleBody`, when present (a fallback for the body).
    pub jsonld_body: Option<String>,
    /// `og:type`, lowercased (the crawler tells articles from listings with it).
    pub og_type: Option<String>,
    /// Every JSON-LD `@type` on the page, lowercased, in document order.
    pub jsonld_types: Vec<String>,
}

/// A date (ISO 8601) and the source it was read from.
type Dated = (String, DateSource);

/// What every field is read from: the page, its URL and its declared metadata.
struct Sources<'a, 'h> {
    tree: &'a Arena,
    doc: &'a DocKeys<'h>,
    url: Option<&'a url::Url>,
    metas: Metas,
    ld: JsonLd,
    /// The clock dates are checked against (none may lie in the future).
    now: chrono::DateTime<chrono::Utc>,
}

/// Collect the metadata of a page. `url` resolves relative links and gives a date fallback;
/// `content_language` is the HTTP header.
///
/// `doc` is [`DocKeys::of`] the same `html`: the selectors it rules out are not walked.
pub fn extract(
    tree: &Arena,
    doc: &DocKeys<'_>,
    url: Option<&url::Url>,
    content_language: Option<&str>,
) -> Metadata {
    let src = Sources {
        tree,
        doc,
        url,
        metas: Metas::collect(tree),
        ld: JsonLd::collect(tree),
        now: chrono::Utc::now(),
    };
    let (metas, ld) = (&src.metas, &src.ld);
    let mut md = Metadata::default();
    read_titles(&mut md, &src);
    md.og_type = metas.first(OG_TYPE_KEYS).map(|t| t.to_lowercase());
    md.jsonld_types = ld.types.clone();
    md.site_name = metas.first(SITE_NAME_KEYS).or_else(|| ld.publisher_name.clone());
    md.authors = authors_of(&src, md.site_name.as_deref());
    let titles: Vec<&str> = [&md.html_title, &md.og_title]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    md.published = published(&src, &titles);
    md.modified = declared_date(&src, &["dateModified"], MODIFIED_KEYS, false);
    md.language = language(&src, content_language);
    md.description = metas
        .first(DESCRIPTION_KEYS)
        .or_else(|| ld.article.as_ref().and_then(|a| str_field(a, &["description"])));
    md.image_url = metas
        .first(IMAGE_KEYS)
        .or_else(|| {
            ld.article
                .as_ref()
                .and_then(|a| jsonld::image_field(a.get("image")?))
        })
        .and_then(|u| absolutize(url, &u));
    md.canonical_url = CANONICAL
        .select(tree)
        .filter_map(|l| tree.attr_by_id(l, AttrName::HREF))
        .find_map(|h| absolutize(url, h))
        .or_else(|| metas.first(URL_KEYS).and_then(|u| absolutize(url, &u)));
    md.section = metas.first(SECTION_KEYS).or_else(|| {
        ld.article
            .as_ref()
            .and_then(|a| str_field(a, &["articleSection"]))
    });
    md.tags = tags(metas, ld);
    md.breadcrumbs_from_jsonld = !ld.breadcrumbs.is_empty();
    md.breadcrumbs = if ld.breadcrumbs.is_empty() {
        breadcrumbs::dom_breadcrumbs(tree, doc)
    } else {
        ld.breadcrumbs.clone()
    };
    md.jsonld_body = ld.article.as_ref().and_then(|a| str_field(a, &["articleBody"]));
    md
}

/// The title candidates of every source (the title is chosen later, against the content).
fn read_titles(md: &mut Metadata, src: &Sources<'_, '_>) {
    let tree = src.tree;
    md.html_title = TITLE
        .select(tree)
        .next()
        .map(|t| collapse_ws(&tree.text_content(t)))
        .filter(|t| !t.is_empty());
    md.h1s = H1
        .select(tree)
        .map(|h| dom::inner_text(tree, h))
        .filter(|t| !t.is_empty())
        .collect();
    md.h2s = first_headings(tree, &H2);
    md.h3s = first_headings(tree, &H3);
    md.feed_site = FEED_LINK
        .select(tree)
        .filter_map(|l| tree.attr(l, "title"))
        .map(|t| {
            let t = collapse_ws(t);
            let cut = FEED_TITLE_SEPARATORS.iter().filter_map(|s| t.find(s)).min();
            let mut words: Vec<&str> = t[..cut.unwrap_or(t.len())].split_whitespace().collect();
            while words
                .last()
                .is_some_and(|w| FEED_WORDS.contains(&w.to_lowercase().as_str()))
            {
                words.pop();
            }
            words.join(" ")
        })
        .find(|t| t.chars().count() >= MIN_FEED_SITE_CHARS);
    md.jsonld_title = src
        .ld
        .article
        .as_ref()
        .and_then(|a| jsonld::jsonld_title(a, md.html_title.as_deref(), &md.h1s));
    md.dc_title = src.metas.first(DC_TITLE_KEYS);
    md.og_title = src.metas.first(OG_TITLE_KEYS);
    md.other_meta_title = src.metas.first(OTHER_TITLE_KEYS);
}

/// The texts of the first [`MAX_H2S`] non-empty headings `sel` selects.
fn first_headings(tree: &Arena, sel: &Sel) -> Vec<String> {
    sel.select(tree)
        .map(|h| dom::inner_text(tree, h))
        .filter(|t| !t.is_empty())
        .take(MAX_H2S)
        .collect()
}

/// The writers: JSON-LD, then meta tags, then bylines in the page. A source naming only the
/// site or its publisher (`<meta name=author content="ABC News">`) is kept as a fallback
/// while a later source names people.
fn authors_of(src: &Sources<'_, '_>, site_name: Option<&str>) -> Vec<String> {
    let orgs = org_names(site_name, src.ld.publisher_name.as_deref(), src.url);
    let (mut names, fallback) = declared_authors(&src.metas, &src.ld, &orgs);
    if names.is_empty() {
        names = byline::from_page(src.tree, src.doc);
    }
    if names.is_empty() {
        // Yoast's "Written by" names the account that posted, which the visible byline
        // corrects on magazines ("Sameer Rahim" posts what "Duncan Bell" wrote).
        names = authors::normalize_authors(&meta_tags::labelled_author(&src.metas));
    }
    if names.is_empty() {
        names = fallback;
    }
    names
}

/// The authors JSON-LD or a meta tag declares: those of the first source that names a
/// person (without the organisations it also names), and the first source that names only
/// the site's own organisations, as a fallback.
fn declared_authors(metas: &Metas, ld: &JsonLd, orgs: &[String]) -> (Vec<String>, Vec<String>) {
    let mut fallback: Vec<String> = Vec::new();
    // Built lazily: most pages stop at the first source.
    let meta_sources = AUTHOR_META_KEYS.iter().map(|key| {
        metas
            .all(key)
            .into_iter()
            // twitter:creator is an account: only a value with a space is a person's name.
            .filter(|v| !(v.starts_with("http") || *key == "twitter:creator" && !v.contains(' ')))
            .collect::<Vec<String>>()
    });
    let sources = std::iter::once(ld.authors.clone()).chain(meta_sources);
    for raw in sources {
        let names = authors::normalize_authors(&raw);
        if names.is_empty() {
            continue;
        }
        if names.iter().all(|a| is_org(orgs, a)) {
            if fallback.is_empty() {
                fallback = names;
            }
            continue;
        }
        // People first: "Sam Stein; The Huffington Post" → "Sam Stein".
        return (names.into_iter().filter(|a| !is_org(orgs, a)).collect(), fallback);
    }
    (Vec::new(), fallback)
}

/// True if `name` is one of the site's own names, with or without a leading "The".
fn is_org(orgs: &[String], name: &str) -> bool {
    let n = squash(name);
    orgs.contains(&n)
        || n.strip_prefix("the")
            .is_some_and(|rest| orgs.iter().any(|o| o == rest))
}

/// Names of the site itself (site name, publisher, the host's main label), squashed: an
/// "author" equal to one of them is the organisation, not a writer.
fn org_names(site: Option<&str>, publisher: Option<&str>, url: Option<&url::Url>) -> Vec<String> {
    let mut v: Vec<String> = site.into_iter().chain(publisher).map(squash).collect();
    if let Some(main) = url
        .and_then(|u| u.host_str())
        .and_then(crate::html::text::host_main_label)
    {
        v.push(squash(main));
    }
    v.retain(|s| s.len() >= MIN_ORG_NAME_CHARS);
    v
}

/// The date the page declares for machines: the JSON-LD article's `ld_keys`, else the meta
/// tags' `meta_keys`, else a `<time>` element (of publication when `published`, else of
/// modification); the first that parses as a plausible date, with its source.
fn declared_date(
    src: &Sources<'_, '_>,
    ld_keys: &[&str],
    meta_keys: &[&str],
    published: bool,
) -> Option<Dated> {
    // All three are read before the choice, as the sources are cheap next to the page.
    let candidates = [
        (
            src.ld.article.as_ref().and_then(|a| str_field(a, ld_keys)),
            DateSource::JsonLd,
        ),
        (src.metas.first(meta_keys), DateSource::Meta),
        (page::time_value(src.tree, src.doc, published), DateSource::Time),
    ];
    candidates.into_iter().find_map(|(v, source)| {
        let d = dates::parse_date(v.as_deref()?)?;
        dates::is_plausible(&d, src.now).then_some((d.iso, source))
    })
}

/// The publication date: declared (JSON-LD, meta, `<time>`), else in the URL, else shown
/// in a date element, next to the headline (an `h1`, else a sub-heading repeating one of
/// the declared `titles`), after a publication label, and last after a label of the last
/// change (the only date such a page shows).
fn published(src: &Sources<'_, '_>, titles: &[&str]) -> Option<Dated> {
    let now = src.now;
    let declared = declared_date(
        src,
        &["datePublished", "dateCreated", "uploadDate"],
        PUBLISHED_KEYS,
        true,
    );
    // A generic `<meta name=date>` is often the page's last change (TYPO3 and other CMSs
    // write it on every save): an earlier date shown at the headline is the publication.
    let weak = match &declared {
        Some((d, DateSource::Meta)) => PUBLISHED_KEYS
            .iter()
            .filter(|k| !WEAK_PUBLISHED_KEYS.contains(k))
            .all(|k| src.metas.first(&[k]).is_none())
            .then_some(d.as_str()),
        _ => None,
    };
    if let Some(meta) = weak {
        let shown = page::headline_date(src.tree, now);
        if let Some(d) = shown.filter(|d| d.get(..ISO_DAY_LEN) < meta.get(..ISO_DAY_LEN)) {
            return Some((d, DateSource::Text));
        }
    }
    declared
        .or_else(|| {
            let d = src.url.and_then(|u| dates::date_from_url(u.as_str()))?;
            dates::is_plausible(&d, now).then_some((d.iso, DateSource::Url))
        })
        .or_else(|| page::text_date(src.tree, src.doc, now).map(|d| (d, DateSource::Text)))
        .or_else(|| {
            // A listing's h1 ("Archive for Politics") sits above other articles' dates.
            (!jsonld::is_listing(&src.ld.types))
                .then(|| {
                    page::headline_date(src.tree, now)
                        .or_else(|| page::subheading_date(src.tree, titles, now))
                })
                .flatten()
                .map(|d| (d, DateSource::Text))
        })
        .or_else(|| {
            page::label_date(src.tree, false, now)
                .or_else(|| page::script_date(src.tree, now))
                .or_else(|| page::label_date(src.tree, true, now))
                .map(|d| (d, DateSource::Text))
        })
}

/// The page's language: `<html lang>`, JSON-LD, meta tags, the HTTP header.
fn language(src: &Sources<'_, '_>, content_language: Option<&str>) -> Option<String> {
    let tree = src.tree;
    HTML_LANG
        .select(tree)
        .next()
        .and_then(|h| {
            tree.attr_by_id(h, AttrName::LANG)
                .or_else(|| tree.attr(h, "xml:lang"))
        })
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .or_else(|| {
            src.ld
                .article
                .as_ref()
                .and_then(|a| str_field(a, &["inLanguage"]))
        })
        .or_else(|| src.metas.first(LANGUAGE_KEYS))
        .or_else(|| content_language.map(|c| c.split(',').next().unwrap_or(c).trim().to_string()))
        .and_then(|l| normalize_lang(&l))
}

/// Tags: `article:tag`s, else JSON-LD keywords, else a keywords meta tag; repeats dropped.
fn tags(metas: &Metas, ld: &JsonLd) -> Vec<String> {
    let mut tags = metas.all(TAG_KEY);
    if tags.is_empty() {
        tags = ld.keywords.clone();
    }
    if tags.is_empty() {
        if let Some(k) = metas.first(KEYWORDS_KEYS) {
            tags = k
                .split([',', ';'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
        }
    }
    dedup(&mut tags);
    tags
}

/// Drop the later of two values that differ only in case.
fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|t| seen.insert(t.to_lowercase()));
}

/// The primary language subtag, lowercase: `en_US` → `en`, `pt-BR` → `pt`; junk → None.
/// One form whatever the source, so records group by language without a lookup table.
fn normalize_lang(l: &str) -> Option<String> {
    let l = l.trim().replace('_', "-");
    let primary = l.split('-').next()?.to_lowercase();
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some(primary)
}

/// `href` as an absolute http(s) URL, resolved against `base` when relative.
fn absolutize(base: Option<&url::Url>, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    match url::Url::parse(href) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Some(u.to_string()),
        Ok(_) => None,
        Err(_) => base.and_then(|b| b.join(href).ok()).map(|u| u.to_string()),
    }
}

#[cfg(test)]
mod tests;
