//! Cheap facts about a page's markup for the crawl's page-type decision, read from the
//! fetched bytes in one pass without building a DOM: how many `<article>` elements there
//! are and whether the page's `<h1>` stands inside one, teaser headings (`<h2><a …>`), the
//! microdata types (`itemtype="https://schema.org/NewsArticle"`), `itemprop="articleBody"`,
//! and forms with a text area (contact forms). Comments and the contents of `<script>`,
//! `<style>` and `<template>` are skipped.
//!
//! Tags are found byte by byte, as a browser's tokenizer finds them, so the facts are those
//! of well-formed pages and of most broken ones; a page in a non-ASCII-compatible encoding
//! (UTF-16) yields no facts and is decided on its URL and text alone. In: bytes. Out:
//! [`Markup`]. No I/O, and nothing of the extractor's DOM.

/// Headings that title teasers in a listing when their first content is a link.
const TEASER_HEADINGS: &[&[u8]] = &[b"h2", b"h3", b"h4"];
/// Elements whose content is not markup: skipped to their end tag.
const RAW_TEXT: &[&[u8]] = &[b"script", b"style", b"template", b"textarea", b"title"];
/// Microdata types kept, at most: a page has a handful.
const MAX_MICRODATA_TYPES: usize = 16;

/// What the page's markup shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Markup {
    /// `<article>` elements.
    pub articles: usize,
    /// `<h1>` elements.
    pub h1s: usize,
    /// An `<h1>` stands inside an `<article>`: the element holds a headlined text.
    pub h1_in_article: bool,
    /// Headings (`h2`–`h4`) whose first content is a link: teaser titles.
    pub linked_headings: usize,
    /// Microdata `itemtype`s, their last path segment lowercased (`newsarticle`).
    pub microdata_types: Vec<String>,
    /// Elements whose microdata type is an article's ([`super::ARTICLE_TYPES`]): one on an
    /// article page, one per teaser on many a theme's listings.
    pub microdata_articles: usize,
    /// An element has `itemprop="articleBody"`.
    pub article_body: bool,
    /// `<form>` elements holding a `<textarea>` (contact and comment forms).
    pub text_forms: usize,
}

impl Markup {
    /// Teasers on the page: the larger of its `<article>` elements and its linked headings.
    pub fn teasers(&self) -> usize {
        self.articles.max(self.linked_headings)
    }
}

/// Read the facts of one page.
pub fn scan(html: &[u8]) -> Markup {
    let mut m = Markup::default();
    let mut depth = 0usize; // open <article> elements
    let mut form_open = false;
    let mut form_has_text = false;
    let mut heading_at: Option<usize> = None; // end of a teaser heading's start tag
    let mut at = 0;
    while let Some(lt) = memchr::memchr(b'<', &html[at..]).map(|i| at + i) {
        let rest = &html[lt + 1..];
        if rest.starts_with(b"!--") {
            at = find(html, lt + 4, b"-->").map_or(html.len(), |e| e + 3);
            continue;
        }
        let tag = match Tag::read(html, lt) {
            Read::Tag(tag) => tag,
            Read::NotATag => {
                at = lt + 1;
                continue;
            }
            // An unclosed tag (or quote) holds the rest of the page, as for a browser.
            Read::Eof => break,
        };
        at = tag.end;
        if tag.closing {
            match tag.name {
                b"article" => depth = depth.saturating_sub(1),
                b"form" => {
                    if form_open && form_has_text {
                        m.text_forms += 1;
                    }
                    form_open = false;
                }
                _ => {}
            }
            continue;
        }
        if let Some(h) = heading_at.take() {
            let between = &html[h..lt];
            if tag.name == b"a" && between.iter().all(u8::is_ascii_whitespace) {
                m.linked_headings += 1;
            }
        }
        match tag.name {
            b"article" => {
                m.articles += 1;
                depth += 1;
            }
            b"h1" => {
                m.h1s += 1;
                m.h1_in_article |= depth > 0;
            }
            b"form" => {
                form_open = true;
                form_has_text = false;
            }
            b"textarea" => form_has_text |= form_open,
            name if TEASER_HEADINGS.contains(&name) => heading_at = Some(tag.end),
            _ => {}
        }
        tag.attributes(html, &mut m);
        if RAW_TEXT.contains(&tag.name) && !tag.self_closing {
            at = skip_raw_text(html, tag.end, tag.name);
        }
    }
    if form_open && form_has_text {
        m.text_forms += 1;
    }
    m
}

/// One tag: its name (lowercased, up to 16 bytes), where its attributes are, where it ends.
struct Tag<'a> {
    name: &'a [u8],
    closing: bool,
    self_closing: bool,
    /// The attributes: from after the name to before `>`.
    attrs: (usize, usize),
    /// Just after `>`.
    end: usize,
}

/// What stands at a `<`.
enum Read<'a> {
    /// A start or end tag.
    Tag(Tag<'a>),
    /// Text: `<` not followed by a letter or `/` and a letter.
    NotATag,
    /// A tag that the page ends inside.
    Eof,
}

/// Longest tag name compared (longer names are no tag this scan cares about).
const MAX_NAME: usize = 16;

impl<'a> Tag<'a> {
    /// The tag starting at `html[lt] == b'<'`, if one does (a letter, or `/` and a letter).
    fn read(html: &'a [u8], lt: usize) -> Read<'a> {
        let mut i = lt + 1;
        let closing = html.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        if !html.get(i).is_some_and(u8::is_ascii_alphabetic) {
            return Read::NotATag;
        }
        let start = i;
        while html
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-')
        {
            i += 1;
        }
        let name = &html[start..i];
        let Some(end) = tag_end(html, i) else {
            return Read::Eof;
        };
        let self_closing = end >= 2 && html[end - 2] == b'/';
        Read::Tag(Tag {
            name: lower(name),
            closing,
            self_closing,
            attrs: (i, end - 1),
            end,
        })
    }

    /// Note the attributes this scan reads: `itemtype` and `itemprop`.
    fn attributes(&self, html: &[u8], m: &mut Markup) {
        let a = &html[self.attrs.0..self.attrs.1];
        if let Some(v) = attr(a, b"itemtype") {
            let mut article = false;
            for t in v.split(|b| b.is_ascii_whitespace()).filter(|t| !t.is_empty()) {
                let last = t.rsplit(|b| *b == b'/').next().unwrap_or(t);
                let name = String::from_utf8_lossy(last).to_ascii_lowercase();
                article |= super::ARTICLE_TYPES.contains(&name.as_str());
                if m.microdata_types.len() < MAX_MICRODATA_TYPES && !m.microdata_types.contains(&name) {
                    m.microdata_types.push(name);
                }
            }
            m.microdata_articles += usize::from(article);
        }
        if let Some(v) = attr(a, b"itemprop") {
            m.article_body |= v
                .split(|b| b.is_ascii_whitespace())
                .any(|p| p.eq_ignore_ascii_case(b"articlebody"));
        }
    }
}

/// The known tag name equal to `name` ignoring case, else `name` (compared as is, it then
/// matches none of the names this scan looks for, all lowercase).
fn lower(name: &[u8]) -> &[u8] {
    const NAMES: &[&[u8]] = &[
        b"article",
        b"form",
        b"textarea",
        b"h1",
        b"h2",
        b"h3",
        b"h4",
        b"a",
        b"script",
        b"style",
        b"template",
        b"title",
    ];
    if name.len() > MAX_NAME {
        return name;
    }
    NAMES
        .iter()
        .find(|n| n.eq_ignore_ascii_case(name))
        .copied()
        .unwrap_or(name)
}

/// Just after the `>` that ends a tag whose attributes start at `from` (quoted values may
/// hold `>`); `None` when the page ends first.
fn tag_end(html: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, b) in html.iter().enumerate().skip(from) {
        match (quote, b) {
            (Some(q), b) if *b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(*b),
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The value of attribute `name` in a tag's attribute bytes (quoted or not), if present.
fn attr<'a>(attrs: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut i = 0;
    while i < attrs.len() {
        while i < attrs.len() && (attrs[i].is_ascii_whitespace() || attrs[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < attrs.len() && !attrs[i].is_ascii_whitespace() && !b"=/>".contains(&attrs[i]) {
            i += 1;
        }
        let key = &attrs[start..i];
        while i < attrs.len() && attrs[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value: &[u8] = &[];
        if attrs.get(i) == Some(&b'=') {
            i += 1;
            while i < attrs.len() && attrs[i].is_ascii_whitespace() {
                i += 1;
            }
            let (v, next) = match attrs.get(i) {
                Some(q @ (b'"' | b'\'')) => {
                    let close = memchr::memchr(*q, &attrs[i + 1..]).map_or(attrs.len(), |e| i + 1 + e);
                    (&attrs[i + 1..close], close + 1)
                }
                _ => {
                    let s = i;
                    while i < attrs.len() && !attrs[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    (&attrs[s..i], i)
                }
            };
            value = v;
            i = next;
        }
        if key.is_empty() {
            i += 1;
        } else if key.eq_ignore_ascii_case(name) {
            return Some(value);
        }
    }
    None
}

/// Just after the end tag `</name …>` that closes raw text starting at `from`, or the end.
fn skip_raw_text(html: &[u8], from: usize, name: &[u8]) -> usize {
    let mut at = from;
    while let Some(i) = find(html, at, b"</") {
        let after = &html[i + 2..];
        if after.len() >= name.len() && after[..name.len()].eq_ignore_ascii_case(name) {
            return tag_end(html, i + 2).unwrap_or(html.len());
        }
        at = i + 2;
    }
    html.len()
}

/// Where `needle` first occurs in `html` at or after `from`.
fn find(html: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(html.get(from..)?, needle).map(|i| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_page_and_a_listing_page() {
        let article = br#"<!doctype html><html><head><title>Ferry</title>
            <script>var s = "<article><h1>not markup</h1></article>";</script></head>
            <body><nav><a href="/">Home</a></nav><!-- <article><h1>old</h1></article> -->
            <ARTICLE class=post><header><H1 class="entry-title">Ferry returns</H1></header>
            <p>Text.</p></ARTICLE><aside><h3><a href="/x">Related</a></h3></aside>
            <form action="/comment"><input name=email type=email><textarea name=c></textarea>
            </form></body></html>"#;
        let m = scan(article);
        assert_eq!((m.articles, m.h1s, m.h1_in_article), (1, 1, true), "{m:?}");
        assert_eq!((m.linked_headings, m.text_forms), (1, 1));
        assert!(m.microdata_types.is_empty() && !m.article_body);

        let listing = br#"<body><h1>Ferries</h1><main>
            <article class="teaser"><h2> <a href="/a/1">One</a></h2><p>Lead.</p></article>
            <article class="teaser"><h2><a href="/a/2">Two</a></h2></article>
            <article class="teaser"><h2>Three <a href="/a/3">more</a></h2></article>
            </main><form role=search><input type=search name=q></form></body>"#;
        let m = scan(listing);
        assert_eq!((m.articles, m.h1s, m.h1_in_article), (3, 1, false), "{m:?}");
        assert_eq!((m.linked_headings, m.teasers(), m.text_forms), (2, 3, 0));
    }

    #[test]
    fn microdata_types_and_the_article_body() {
        let page = br#"<div itemscope itemtype="https://schema.org/NewsArticle http://schema.org/Thing">
            <h1 itemprop=headline>Cranes</h1><div itemprop='articleBody text'><p>a > b</p></div>
            <span itemscope itemtype=http://schema.org/Person itemprop=author>Ana</span></div>"#;
        let m = scan(page);
        assert_eq!(m.microdata_types, ["newsarticle", "thing", "person"]);
        assert_eq!(m.microdata_articles, 1);
        assert!(m.article_body);
        assert!(!m.h1_in_article);
    }

    #[test]
    fn a_hostile_page_is_scanned_in_linear_time() {
        // An unclosed quote, then a million tags: the quote holds the rest of the page.
        let mut page = b"<a title=\"x>".to_vec();
        page.extend(b"<h2><a>".repeat(1 << 20));
        let started = std::time::Instant::now();
        assert_eq!(scan(&page).linked_headings, 0);
        let mut page = b"<!-- x".to_vec();
        page.extend(b"<article>--".repeat(1 << 20));
        assert_eq!(scan(&page).articles, 0);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn broken_markup_ends_the_scan_without_harm() {
        for page in [
            &b"<article><h1>Cut"[..],
            b"<a href=\"never closed",
            b"<script>endless",
            b"<!-- endless",
            b"<",
            b"</",
            b"<1><h1>",
            "<ärticle><h1>ü</h1>".as_bytes(),
            b"\xff\xfe<\x00a\x00",
        ] {
            let m = scan(page);
            assert!(m.articles <= 1, "{page:?}: {m:?}");
        }
        assert!(scan(b"<article><h1>Cut").h1_in_article);
    }
}
