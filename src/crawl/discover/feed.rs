//! Feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed bodies (parsed with feed-rs), sniffing a body
//! for a feed, and the feed links an HTML page declares.

use super::{
    decompress, read_capped, skip_bom_and_space, DiscoverError, GZIP_MAGIC, MAX_ENTRIES_PER_FILE, UTF8_BOM,
};
use crate::crawl::urls::resolve;
#[cfg(doc)]
use crate::extract::links::FEED_MIME_TYPES;
use crate::html::arena::Arena;
use chrono::{DateTime, FixedOffset};
use flate2::read::MultiGzDecoder;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::borrow::Cow;
use url::Url;

/// Local names (lowercased) of root elements that make an XML body a feed: RSS 0.9x/2.0, Atom,
/// RSS 1.0 (`rdf:RDF`).
const FEED_ROOT_NAMES: &[&[u8]] = &[b"rss", b"feed", b"rdf"];

/// JSON Feed `version` values start with one of these.
const JSON_FEED_VERSION_PREFIXES: &[&str] = &["https://jsonfeed.org/", "http://jsonfeed.org/"];

/// Bytes of a body (after decompression) that [`looks_like_feed`] inspects; the root element or
/// JSON Feed `version` comes within the first few hundred bytes of any real feed.
const FEED_SNIFF_BYTES: usize = 64 * 1024;

/// One feed entry that links to a page.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    /// The entry's link, resolved against the feed URL and canonicalised (`super::urls::resolve`).
    pub url: String,
    /// Published date, or the updated date when no published date is given.
    pub published: Option<DateTime<FixedOffset>>,
    /// The entry title, trimmed; `None` when absent or empty.
    pub title: Option<String>,
}

/// Parse an RSS 0.9x/1.0/2.0, Atom or JSON Feed body with feed-rs.
///
/// Same gzip detection and `max_bytes` cap as [`parse_sitemap`]. Each entry's link is its first
/// `rel="alternate"` (or rel-less) link, else its first link, else its id when that is an absolute
/// http(s) URL (an RSS `guid` permalink); it is resolved against `base` and canonicalised with
/// `super::urls::resolve`, and entries without a usable http(s) link are skipped. `published`
/// falls back to the updated date. At most [`MAX_ENTRIES_PER_FILE`] items are returned.
pub fn parse_feed(
    bytes: &[u8],
    base: Option<&Url>,
    max_bytes: usize,
) -> Result<Vec<FeedItem>, DiscoverError> {
    let body = decompress(bytes, max_bytes)?;
    let body = body.strip_prefix(UTF8_BOM).unwrap_or(&body);
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base.map(Url::as_str))
        .build();
    let feed = parser.parse(body).map_err(DiscoverError::Feed)?;
    Ok(feed
        .entries
        .iter()
        .filter_map(|entry| feed_item(entry, base))
        .take(MAX_ENTRIES_PER_FILE)
        .collect())
}

/// A [`FeedItem`] for one feed-rs entry, or `None` without a usable link.
fn feed_item(entry: &feed_rs::model::Entry, base: Option<&Url>) -> Option<FeedItem> {
    let link = entry
        .links
        .iter()
        .find(|l| {
            l.rel
                .as_deref()
                .is_none_or(|r| r.eq_ignore_ascii_case("alternate"))
        })
        .or_else(|| entry.links.first())
        .and_then(|l| resolve(base, &l.href));
    let url = link.or_else(|| resolve(None, &entry.id))?;
    let title = entry
        .title
        .as_ref()
        .map(|t| t.content.trim())
        .filter(|t| !t.is_empty());
    Some(FeedItem {
        url: url.to_string(),
        published: entry.published.or(entry.updated).map(|d| d.fixed_offset()),
        title: title.map(str::to_string),
    })
}

/// Whether a body (after optional gzip) is probably a feed rather than a sitemap: its XML root
/// element is `rss`, `feed` or `rdf:RDF`, or it is JSON with a `"version"` of
/// `https://jsonfeed.org/...`. Only the first 64 KiB (decompressed) are inspected.
pub fn looks_like_feed(bytes: &[u8]) -> bool {
    let head: Cow<'_, [u8]> = if bytes.starts_with(GZIP_MAGIC) {
        match read_capped(MultiGzDecoder::new(bytes), FEED_SNIFF_BYTES) {
            Ok(v) => Cow::Owned(v),
            Err(_) => return false,
        }
    } else {
        Cow::Borrowed(bytes.get(..FEED_SNIFF_BYTES).unwrap_or(bytes))
    };
    let head = skip_bom_and_space(&head);
    match head.first() {
        Some(b'{') => is_json_feed(&String::from_utf8_lossy(head)),
        Some(b'<') => xml_root_is_feed(head),
        _ => false,
    }
}

/// Whether JSON text has a `"version": "https://jsonfeed.org/..."` member.
fn is_json_feed(json: &str) -> bool {
    const KEY: &str = "\"version\"";
    json.match_indices(KEY).any(|(i, _)| {
        let Some(rest) = json.get(i + KEY.len()..) else {
            return false;
        };
        rest.trim_start()
            .strip_prefix(':')
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('"'))
            .is_some_and(|v| JSON_FEED_VERSION_PREFIXES.iter().any(|p| v.starts_with(p)))
    })
}

/// Whether the first element of an XML prefix is a feed root.
fn xml_root_is_feed(xml: &[u8]) -> bool {
    let mut reader = Reader::from_reader(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                return FEED_ROOT_NAMES.contains(&name.as_slice());
            }
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

/// Feed URLs declared in an HTML page: `<link rel="alternate" type="…" href="…">` with a type in
/// [`FEED_MIME_TYPES`] (case-insensitive, parameters ignored), resolved against `base`,
/// canonicalised and de-duplicated in document order.
pub fn feed_links(tree: &Arena, base: &Url) -> Vec<Url> {
    resolve_unique(base, crate::extract::links::feed_hrefs(tree))
}

/// `hrefs` resolved against `base` and canonicalised (`crate::crawl::urls::resolve`), the
/// unusable ones dropped, de-duplicated in order.
pub fn resolve_unique<'a>(base: &Url, hrefs: impl IntoIterator<Item = &'a str>) -> Vec<Url> {
    let mut found: Vec<Url> = Vec::new();
    for u in hrefs.into_iter().filter_map(|h| resolve(Some(base), h)) {
        if !found.contains(&u) {
            found.push(u);
        }
    }
    found
}
