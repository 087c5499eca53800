//! Discovery sources: XML/text sitemaps, RSS/Atom/JSON feeds, and feed links in HTML.
//!
//! In: raw response bodies (optionally gzipped) and parsed home pages. Out: [`Sitemap`] entries and
//! [`FeedItem`]s with their dates and titles, and feed URLs. Sitemaps are stream-parsed with
//! quick-xml (no DOM) and every body is capped in size after decompression, so a gzip bomb costs
//! at most the cap. This module does not fetch, consult robots.txt, or decide scope: the crawler
//! passes the results through `super::urls::Scope` and the frontier.

use std::borrow::Cow;
use std::io::Read;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use flate2::read::MultiGzDecoder;
use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;
use scraper::Html;
use url::Url;

use super::urls::resolve;

/// Most entries kept from one sitemap or feed file: the sitemap protocol's per-file limit.
pub const MAX_ENTRIES_PER_FILE: usize = 50_000;

/// Conventional locations tried when robots.txt names no sitemap.
pub const CONVENTIONAL_SITEMAPS: &[&str] = &[
    "/sitemap.xml",
    "/sitemap_index.xml",
    "/news-sitemap.xml",
    "/wp-sitemap.xml",
];

/// Conventional feed locations tried when a home page declares no feed.
pub const CONVENTIONAL_FEEDS: &[&str] = &["/feed/", "/rss.xml", "/feed.xml", "/atom.xml"];

pub use crate::extract::links::FEED_MIME_TYPES;

/// Local names (lowercased) of root elements that make an XML body a feed: RSS 0.9x/2.0, Atom,
/// RSS 1.0 (`rdf:RDF`).
const FEED_ROOT_NAMES: &[&[u8]] = &[b"rss", b"feed", b"rdf"];

/// JSON Feed `version` values start with one of these.
const JSON_FEED_VERSION_PREFIXES: &[&str] = &["https://jsonfeed.org/", "http://jsonfeed.org/"];

/// The first two bytes of every gzip member.
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// A UTF-8 byte order mark, which some servers put before the XML declaration.
const UTF8_BOM: &[u8] = &[0xef, 0xbb, 0xbf];

/// Deepest element nesting accepted in a sitemap; real ones nest 4 deep, so this only bounds the
/// element stack of hostile input.
const MAX_XML_DEPTH: usize = 64;

/// Bytes of a body (after decompression) that [`looks_like_feed`] inspects; the root element or
/// JSON Feed `version` comes within the first few hundred bytes of any real feed.
const FEED_SNIFF_BYTES: usize = 64 * 1024;

/// Size of one read from a gzip decoder.
const GZIP_READ_CHUNK: usize = 64 * 1024;

/// Why a sitemap or feed body could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// The XML is not well formed (unclosed tags, garbage); the message has quick-xml's reason and
    /// the byte position.
    #[error("malformed sitemap XML: {0}")]
    Malformed(String),
    /// The body, after decompression, is larger than the caller's cap.
    #[error("body exceeds the limit of {limit} bytes (after decompression)")]
    TooLarge {
        /// The cap that was exceeded, in bytes.
        limit: usize,
    },
    /// The body starts like gzip but does not decompress.
    #[error("gzip decompression failed: {0}")]
    Gzip(String),
    /// Well-formed XML whose root is neither `<urlset>` nor `<sitemapindex>`, or a non-XML body
    /// without a single absolute http(s) URL line.
    #[error("not a sitemap: root element is neither <urlset> nor <sitemapindex> and no URL lines")]
    NotASitemap,
    /// feed-rs could not parse the body as RSS, Atom or JSON Feed.
    #[error("unparseable feed: {0}")]
    Feed(String),
}

/// One `<url>` (page) or `<sitemap>` (child sitemap) entry.
#[derive(Debug, Clone, PartialEq)]
pub struct SitemapEntry {
    /// The `<loc>` text, entity- and CDATA-decoded and trimmed (not resolved or canonicalised).
    pub loc: String,
    /// `<lastmod>`, when present and parseable.
    pub lastmod: Option<DateTime<FixedOffset>>,
    /// `<news:publication_date>` of a Google News sitemap entry.
    pub news_publication_date: Option<DateTime<FixedOffset>>,
    /// `<news:title>` (the `title` directly inside `news`; never `image:title` or `video:title`).
    pub news_title: Option<String>,
}

/// A parsed sitemap file.
#[derive(Debug, Clone, PartialEq)]
pub enum Sitemap {
    /// A `<sitemapindex>`: its entries point at further sitemaps.
    Index(Vec<SitemapEntry>),
    /// A `<urlset>` or plain-text sitemap: its entries are pages.
    UrlSet {
        /// The page entries, in document order.
        entries: Vec<SitemapEntry>,
        /// Whether any entry had a `news` element (a Google News sitemap).
        news: bool,
    },
}

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

/// Parse a sitemap body.
///
/// Gzip is detected by its magic bytes and decompressed with a hard cap of `max_bytes`
/// uncompressed (a larger body, compressed or not, is [`DiscoverError::TooLarge`]; the decoder
/// never holds more than the cap). An XML body is stream-parsed by local names (namespace prefixes
/// ignored): `sitemapindex`/`urlset` roots, `sitemap`/`url` entries with `loc` and `lastmod`, and
/// `publication_date` and `title` inside a `news` element. A body that does not start with `<` is
/// read as a plain-text sitemap: one absolute http(s) URL per line (other lines are ignored).
/// Entries without a `loc` are skipped; at most [`MAX_ENTRIES_PER_FILE`] are kept.
///
/// Errors: [`DiscoverError::Malformed`] for XML that is not well formed,
/// [`DiscoverError::NotASitemap`] for another root element or a text body without URLs.
pub fn parse_sitemap(bytes: &[u8], max_bytes: usize) -> Result<Sitemap, DiscoverError> {
    let body = decompress(bytes, max_bytes)?;
    let body = skip_bom_and_space(&body);
    if body.first() == Some(&b'<') {
        parse_xml_sitemap(body)
    } else {
        parse_text_sitemap(body)
    }
}

/// Body bytes after optional gzip decompression, capped at `max_bytes`.
fn decompress(bytes: &[u8], max_bytes: usize) -> Result<Cow<'_, [u8]>, DiscoverError> {
    if !bytes.starts_with(GZIP_MAGIC) {
        if bytes.len() > max_bytes {
            return Err(DiscoverError::TooLarge { limit: max_bytes });
        }
        return Ok(Cow::Borrowed(bytes));
    }
    let out = read_capped(MultiGzDecoder::new(bytes), max_bytes.saturating_add(1))
        .map_err(|e| DiscoverError::Gzip(e.to_string()))?;
    if out.len() > max_bytes {
        return Err(DiscoverError::TooLarge { limit: max_bytes });
    }
    Ok(Cow::Owned(out))
}

/// Read at most `limit` bytes; the buffer's capacity never exceeds `limit`.
fn read_capped(mut reader: impl Read, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; GZIP_READ_CHUNK.min(limit.max(1))];
    while out.len() < limit {
        let want = chunk.len().min(limit - out.len());
        let Some(buf) = chunk.get_mut(..want) else { break };
        let n = match reader.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if out.capacity() - out.len() < n {
            // Grow geometrically for amortised copying, but never past the cap.
            let target = (out.capacity() * 2).max(out.len() + n).min(limit);
            out.reserve_exact(target - out.len());
        }
        out.extend_from_slice(buf.get(..n).unwrap_or_default());
    }
    Ok(out)
}

/// The body without a leading UTF-8 BOM and leading whitespace.
fn skip_bom_and_space(body: &[u8]) -> &[u8] {
    let body = body.strip_prefix(UTF8_BOM).unwrap_or(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    body.get(start..).unwrap_or_default()
}

/// A plain-text sitemap: one absolute http(s) URL per line.
fn parse_text_sitemap(body: &[u8]) -> Result<Sitemap, DiscoverError> {
    let text = String::from_utf8_lossy(body);
    let entries: Vec<SitemapEntry> = text
        .lines()
        .map(str::trim)
        .filter(|line| Url::parse(line).is_ok_and(|u| matches!(u.scheme(), "http" | "https")))
        .take(MAX_ENTRIES_PER_FILE)
        .map(|line| SitemapEntry {
            loc: line.to_string(),
            lastmod: None,
            news_publication_date: None,
            news_title: None,
        })
        .collect();
    if entries.is_empty() {
        return Err(DiscoverError::NotASitemap);
    }
    Ok(Sitemap::UrlSet { entries, news: false })
}

/// Which sitemap document the root element announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SitemapKind {
    Index,
    UrlSet,
}

/// The entry field whose text is being collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Loc,
    Lastmod,
    NewsPublicationDate,
    NewsTitle,
}

/// Raw text of one entry's fields while its element is open.
#[derive(Debug, Default)]
struct EntryText {
    loc: String,
    lastmod: String,
    news_publication_date: String,
    news_title: String,
}

impl EntryText {
    fn field_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::Loc => &mut self.loc,
            Field::Lastmod => &mut self.lastmod,
            Field::NewsPublicationDate => &mut self.news_publication_date,
            Field::NewsTitle => &mut self.news_title,
        }
    }

    /// The finished entry, or `None` without a `loc`.
    fn finish(self) -> Option<SitemapEntry> {
        let loc = self.loc.trim();
        if loc.is_empty() {
            return None;
        }
        let title = self.news_title.trim();
        Some(SitemapEntry {
            loc: loc.to_string(),
            lastmod: parse_w3c_datetime(&self.lastmod),
            news_publication_date: parse_w3c_datetime(&self.news_publication_date),
            news_title: (!title.is_empty()).then(|| title.to_string()),
        })
    }
}

/// Streaming state of the sitemap parser.
#[derive(Debug, Default)]
struct SitemapState {
    kind: Option<SitemapKind>,
    /// Lowercased local names of the open elements, root first.
    stack: Vec<Vec<u8>>,
    entries: Vec<SitemapEntry>,
    news: bool,
    /// The entry being read (its element is open at depth 1).
    current: Option<EntryText>,
    /// The field being collected and the stack depth of its element.
    field: Option<(Field, usize)>,
}

impl SitemapState {
    /// React to an opening (or empty) element; `Err` when the root is not a sitemap root.
    fn open(&mut self, name: &[u8]) -> Result<(), DiscoverError> {
        let depth = self.stack.len();
        if depth == 0 {
            self.kind = Some(match name {
                b"urlset" => SitemapKind::UrlSet,
                b"sitemapindex" => SitemapKind::Index,
                _ => return Err(DiscoverError::NotASitemap),
            });
            return Ok(());
        }
        if depth == 1 {
            let entry_name: &[u8] = match self.kind {
                Some(SitemapKind::Index) => b"sitemap",
                _ => b"url",
            };
            if name == entry_name {
                self.current = Some(EntryText::default());
            }
            return Ok(());
        }
        if self.current.is_none() {
            return Ok(());
        }
        let parent = self.stack.last().map(Vec::as_slice);
        let field = match (name, parent) {
            (b"news", _) => {
                self.news = true;
                None
            }
            (b"loc", _) if depth == 2 => Some(Field::Loc),
            (b"lastmod", _) if depth == 2 => Some(Field::Lastmod),
            (b"publication_date", Some(b"news")) => Some(Field::NewsPublicationDate),
            (b"title", Some(b"news")) => Some(Field::NewsTitle),
            _ => None,
        };
        if self.field.is_none() {
            self.field = field.map(|f| (f, depth));
        }
        Ok(())
    }

    /// React to a closed element (already popped from the stack).
    fn close(&mut self) {
        let depth = self.stack.len();
        if self.field.is_some_and(|(_, d)| d == depth) {
            self.field = None;
        }
        if depth == 1 {
            if let Some(entry) = self.current.take().and_then(EntryText::finish) {
                self.entries.push(entry);
            }
        }
    }

    /// Append decoded text to the field being collected, if any.
    fn text(&mut self, s: &str) {
        if let (Some((field, _)), Some(entry)) = (self.field, self.current.as_mut()) {
            entry.field_mut(field).push_str(s);
        }
    }

    fn finish(self) -> Sitemap {
        match self.kind {
            Some(SitemapKind::Index) => Sitemap::Index(self.entries),
            _ => Sitemap::UrlSet {
                entries: self.entries,
                news: self.news,
            },
        }
    }
}

/// Stream-parse an XML sitemap (body starts with `<`).
fn parse_xml_sitemap(body: &[u8]) -> Result<Sitemap, DiscoverError> {
    let mut reader = Reader::from_reader(body);
    let mut st = SitemapState::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| DiscoverError::Malformed(format!("{e} (at byte {})", reader.error_position())))?;
        match event {
            Event::Start(e) => {
                check_name(e.name().as_ref(), &reader)?;
                if st.stack.len() >= MAX_XML_DEPTH {
                    return Err(DiscoverError::Malformed(format!(
                        "elements nested deeper than {MAX_XML_DEPTH} (at byte {})",
                        reader.buffer_position()
                    )));
                }
                let name = e.local_name().as_ref().to_ascii_lowercase();
                st.open(&name)?;
                st.stack.push(name);
            }
            Event::Empty(e) => {
                check_name(e.name().as_ref(), &reader)?;
                let name = e.local_name().as_ref().to_ascii_lowercase();
                st.open(&name)?;
                if st.stack.is_empty() {
                    break; // `<urlset/>`: an empty document.
                }
                st.close(); // Closes at the depth it opened at: nothing was pushed.
            }
            Event::End(_) => {
                st.stack.pop();
                st.close();
                if st.stack.is_empty() {
                    break; // Root closed; anything after it is ignored.
                }
            }
            Event::Text(t) => st.text(&String::from_utf8_lossy(&t)),
            Event::CData(t) => st.text(&String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) => st.text(&resolve_reference(&r)),
            Event::Eof => {
                return match st.stack.last() {
                    Some(open) => Err(DiscoverError::Malformed(format!(
                        "unexpected end of document: <{}> is not closed (at byte {})",
                        String::from_utf8_lossy(open),
                        reader.buffer_position()
                    ))),
                    None if st.kind.is_none() => Err(DiscoverError::Malformed("no root element".into())),
                    None => Ok(st.finish()),
                };
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
        if st.entries.len() >= MAX_ENTRIES_PER_FILE {
            break;
        }
    }
    Ok(st.finish())
}

/// `Err(Malformed)` unless `name` is a plausible XML element name (quick-xml accepts any bytes
/// up to whitespace or `>`, so `<<<>>>` would otherwise pass as an element named `<<`).
fn check_name(name: &[u8], reader: &Reader<&[u8]>) -> Result<(), DiscoverError> {
    let start_ok = |b: u8| b.is_ascii_alphabetic() || b == b'_' || b == b':' || !b.is_ascii();
    let rest_ok = |b: u8| start_ok(b) || b.is_ascii_digit() || b == b'-' || b == b'.';
    match name.split_first() {
        Some((&first, rest)) if start_ok(first) && rest.iter().all(|&b| rest_ok(b)) => Ok(()),
        _ => Err(DiscoverError::Malformed(format!(
            "invalid element name {:?} (at byte {})",
            String::from_utf8_lossy(name),
            reader.buffer_position()
        ))),
    }
}

/// The text an entity or character reference stands for; unknown named entities (the document
/// cannot define its own: DTDs are not read) are kept literally.
fn resolve_reference(r: &BytesRef<'_>) -> String {
    let name = String::from_utf8_lossy(r);
    if r.is_char_ref() {
        if let Ok(Some(c)) = r.resolve_char_ref() {
            return c.to_string();
        }
    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&name) {
        return s.to_string();
    }
    format!("&{name};")
}

/// `strftime` formats of timestamps with a zone, tried after RFC 3339 (a trailing `Z` has been
/// replaced by `+00:00`).
const ZONED_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M%:z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M%:z",
    "%Y-%m-%d %H:%M:%S%.f%:z",
    "%Y-%m-%d %H:%M:%S%.f%z",
];

/// `strftime` formats of timestamps without a zone, read as UTC (seen in the wild, though W3C
/// Datetime requires a zone when a time is given).
const NAIVE_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
];

/// Parse a W3C Datetime as used in sitemaps.
///
/// Accepts `2026-11-20`, `2026-11`, `2026`, `2026-11-20T08:30Z`, `2026-11-20T08:30:00+01:00`,
/// `2026-11-20T08:30:00.123Z`, RFC 3339 and RFC 2822. A date without a time means 00:00 UTC
/// (a missing month or day means the first); a time without a zone is read as UTC. Surrounding
/// whitespace is ignored; anything else gives `None`.
pub fn parse_w3c_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    if let Some(d) = parse_partial_date(s) {
        return Some(d);
    }
    let zoned = match s.strip_suffix(['Z', 'z']) {
        Some(rest) => Cow::Owned(format!("{rest}+00:00")),
        None => Cow::Borrowed(s),
    };
    if let Some(d) = ZONED_FORMATS
        .iter()
        .find_map(|f| DateTime::parse_from_str(&zoned, f).ok())
    {
        return Some(d);
    }
    if let Some(d) = NAIVE_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    {
        return Some(d.and_utc().fixed_offset());
    }
    DateTime::parse_from_rfc2822(s).ok()
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as midnight UTC of the first day they name.
fn parse_partial_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let mut parts = s.split('-');
    let year = parts.next().filter(|y| y.len() == 4)?;
    let month = parts.next();
    let day = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let digits = |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if !year.bytes().all(|b| b.is_ascii_digit()) || !month.is_none_or(digits) || !day.is_none_or(digits) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: u32 = month.map_or(Ok(1), str::parse).ok()?;
    let day: u32 = day.map_or(Ok(1), str::parse).ok()?;
    let midnight = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(0, 0, 0)?;
    Some(midnight.and_utc().fixed_offset())
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
    let feed = parser
        .parse(body)
        .map_err(|e| DiscoverError::Feed(e.to_string()))?;
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
pub fn feed_links(html: &Html, base: &Url) -> Vec<Url> {
    resolve_unique(base, crate::extract::links::feed_hrefs(html))
}

/// `hrefs` resolved against `base` and canonicalised (`super::urls::resolve`), the unusable
/// ones dropped, de-duplicated in order.
pub fn resolve_unique<'a>(base: &Url, hrefs: impl IntoIterator<Item = &'a str>) -> Vec<Url> {
    let mut found: Vec<Url> = Vec::new();
    for u in hrefs.into_iter().filter_map(|h| resolve(Some(base), h)) {
        if !found.contains(&u) {
            found.push(u);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

    const MB: usize = 1024 * 1024;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn dt(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn urlset(s: &str) -> (Vec<SitemapEntry>, bool) {
        match parse_sitemap(s.as_bytes(), MB).unwrap() {
            Sitemap::UrlSet { entries, news } => (entries, news),
            other => panic!("expected urlset, got {other:?}"),
        }
    }

    const INDEX: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://ex.test/sitemap-1.xml</loc><lastmod>2026-11-20T08:30:00+01:00</lastmod></sitemap>
  <sitemap>
    <loc>
      https://ex.test/sitemap-2.xml.gz
    </loc>
  </sitemap>
  <sitemap><lastmod>2026-11-20</lastmod></sitemap>
</sitemapindex>"#;

    #[test]
    fn sitemap_index() {
        let Sitemap::Index(entries) = parse_sitemap(INDEX.as_bytes(), MB).unwrap() else {
            panic!("expected index")
        };
        assert_eq!(entries.len(), 2, "entry without loc is skipped");
        assert_eq!(entries[0].loc, "https://ex.test/sitemap-1.xml");
        assert_eq!(entries[0].lastmod, Some(dt("2026-11-20T08:30:00+01:00")));
        assert_eq!(entries[1].loc, "https://ex.test/sitemap-2.xml.gz");
        assert_eq!(entries[1].lastmod, None);
    }

    const NEWS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:n="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://ex.test/2026/11/20/harbour-reopens?a=1&amp;b=2</loc>
    <image:image><image:loc>https://ex.test/p.jpg</image:loc><image:title>Photo caption</image:title></image:image>
    <n:news>
      <n:publication><n:name>Harbour Times</n:name><n:language>en</n:language></n:publication>
      <n:publication_date>2026-11-20T08:30:00Z</n:publication_date>
      <n:title>Harbour &#8220;reopens&#8221; &amp; ships return</n:title>
    </n:news>
    <lastmod>2026-11-20</lastmod>
  </url>
  <url>
    <loc>https://ex.test/2026/11/19/other</loc>
    <image:image><image:title>Only an image title</image:title></image:image>
  </url>
</urlset>"#;

    #[test]
    fn news_sitemap_with_image_title() {
        let (entries, news) = urlset(NEWS);
        assert!(news);
        assert_eq!(entries.len(), 2);
        let e = &entries[0];
        assert_eq!(e.loc, "https://ex.test/2026/11/20/harbour-reopens?a=1&b=2");
        assert_eq!(
            e.news_title.as_deref(),
            Some("Harbour \u{201c}reopens\u{201d} & ships return")
        );
        assert_eq!(e.news_publication_date, Some(dt("2026-11-20T08:30:00Z")));
        assert_eq!(e.lastmod, Some(dt("2026-11-20T00:00:00Z")));
        assert_eq!(entries[1].news_title, None, "image:title is not a news title");
        assert_eq!(entries[1].news_publication_date, None);
    }

    #[test]
    fn plain_urlset_is_not_news() {
        let (entries, news) =
            urlset("<urlset><url><loc>https://ex.test/a</loc></url><url><loc/></url><url/></urlset>");
        assert!(!news);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].loc, "https://ex.test/a");
    }

    #[test]
    fn empty_urlset() {
        assert_eq!(urlset("<urlset/>"), (vec![], false));
        assert_eq!(urlset("<urlset></urlset>"), (vec![], false));
    }

    #[test]
    fn cdata_loc_and_bom() {
        let xml = "\u{feff}<?xml version=\"1.0\"?>\n<urlset><url><loc><![CDATA[ https://ex.test/a?x=1&y=2 ]]></loc>\
                   <lastmod> 2026-11 </lastmod></url></urlset>";
        let (entries, _) = urlset(xml);
        assert_eq!(entries[0].loc, "https://ex.test/a?x=1&y=2");
        assert_eq!(entries[0].lastmod, Some(dt("2026-11-01T00:00:00Z")));
    }

    #[test]
    fn gzipped_sitemap() {
        let gz = gzip(NEWS.as_bytes());
        assert_eq!(&gz[..2], GZIP_MAGIC);
        let Sitemap::UrlSet { entries, news } = parse_sitemap(&gz, MB).unwrap() else {
            panic!()
        };
        assert!(news);
        assert_eq!(entries.len(), 2);
    }

    #[test]
    fn gzip_bomb_is_too_large() {
        let bomb = gzip(&vec![0u8; 20 * MB]);
        assert!(bomb.len() < 100 * 1024, "the test bomb is small: {}", bomb.len());
        let err = parse_sitemap(&bomb, MB).unwrap_err();
        assert!(
            matches!(err, DiscoverError::TooLarge { limit } if limit == MB),
            "{err:?}"
        );
        let err = parse_feed(&bomb, None, MB).unwrap_err();
        assert!(matches!(err, DiscoverError::TooLarge { .. }), "{err:?}");
    }

    #[test]
    fn read_capped_never_exceeds_cap() {
        let data = vec![7u8; 300 * 1024];
        let out = read_capped(&data[..], 100_001).unwrap();
        assert_eq!(out.len(), 100_001);
        assert!(out.capacity() <= 100_001);
    }

    #[test]
    fn uncompressed_body_over_cap_is_too_large() {
        let err = parse_sitemap(NEWS.as_bytes(), 100).unwrap_err();
        assert!(matches!(err, DiscoverError::TooLarge { limit: 100 }));
    }

    #[test]
    fn corrupt_gzip_is_gzip_error() {
        let mut gz = gzip(NEWS.as_bytes());
        gz.truncate(20);
        assert!(matches!(parse_sitemap(&gz, MB), Err(DiscoverError::Gzip(_))));
    }

    #[test]
    fn malformed_xml() {
        for bad in [
            "<urlset><url><loc>https://ex.test/a</loc></url>",
            "<urlset><url><loc>https://ex.test/a</url></urlset>",
            "<urlset><url><loc>https://ex.test/a</loc></url></urlset",
            "<<<>>> garbage",
            "<?xml version=\"1.0\"?>",
        ] {
            let err = parse_sitemap(bad.as_bytes(), MB).unwrap_err();
            assert!(matches!(err, DiscoverError::Malformed(_)), "{bad:?} gave {err:?}");
        }
        let err = parse_sitemap(b"<urlset><url><loc>x</loc></url>", MB).unwrap_err();
        assert!(err.to_string().contains("<urlset> is not closed"), "{err}");
    }

    #[test]
    fn non_sitemap_roots() {
        for other in [
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel/></rss>",
            "<!DOCTYPE html><html><head><title>404</title></head><body><p>Not found<br></body></html>",
            "hello, this is not a sitemap\n",
            "",
            "{\"version\": \"https://jsonfeed.org/version/1.1\"}",
        ] {
            let err = parse_sitemap(other.as_bytes(), MB).unwrap_err();
            assert!(
                matches!(err, DiscoverError::NotASitemap),
                "{other:?} gave {err:?}"
            );
        }
    }

    #[test]
    fn plain_text_sitemap() {
        let body = "https://ex.test/a\r\n\n  http://ex.test/b  \nnot a url\nftp://ex.test/c\n/relative\n";
        let (entries, news) = urlset(body);
        assert!(!news);
        let locs: Vec<_> = entries.iter().map(|e| e.loc.as_str()).collect();
        assert_eq!(locs, ["https://ex.test/a", "http://ex.test/b"]);
    }

    #[test]
    fn entry_cap() {
        let mut xml = String::from("<urlset>");
        for i in 0..MAX_ENTRIES_PER_FILE + 10 {
            xml.push_str(&format!("<url><loc>https://ex.test/{i}</loc></url>"));
        }
        xml.push_str("</urlset>");
        let Sitemap::UrlSet { entries, .. } = parse_sitemap(xml.as_bytes(), 16 * MB).unwrap() else {
            panic!("expected urlset")
        };
        assert_eq!(entries.len(), MAX_ENTRIES_PER_FILE);
    }

    #[test]
    fn w3c_datetimes() {
        let cases = [
            ("2026-11-20", "2026-11-20T00:00:00Z"),
            ("2026-11", "2026-11-01T00:00:00Z"),
            ("2026", "2026-01-01T00:00:00Z"),
            ("2026-11-20T08:30Z", "2026-11-20T08:30:00Z"),
            ("2026-11-20T08:30+01:00", "2026-11-20T08:30:00+01:00"),
            ("2026-11-20T08:30:00+01:00", "2026-11-20T08:30:00+01:00"),
            ("2026-11-20T08:30:00.123Z", "2026-11-20T08:30:00.123Z"),
            ("2026-11-20T08:30:00+0100", "2026-11-20T08:30:00+01:00"),
            ("2026-11-20 08:30:00", "2026-11-20T08:30:00Z"),
            ("Fri, 20 Nov 2026 08:30:00 GMT", "2026-11-20T08:30:00Z"),
            ("Fri, 20 Nov 2026 08:30:00 +0200", "2026-11-20T08:30:00+02:00"),
            ("  2026-11-20T08:30:00Z \n", "2026-11-20T08:30:00Z"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_w3c_datetime(input), Some(dt(want)), "{input:?}");
        }
        let offset = parse_w3c_datetime("2026-11-20T08:30:00+01:00").unwrap();
        assert_eq!(offset.offset().local_minus_utc(), 3600, "the offset is kept");
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-02-30",
            "26-11-20",
            "2026-11-20T25:00Z",
            "2026-1-2-3",
        ] {
            assert_eq!(parse_w3c_datetime(bad), None, "{bad:?}");
        }
    }

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Harbour Times</title><link>https://ex.test/</link>
  <item><title>Harbour reopens</title><link>https://ex.test/2026/11/20/harbour-reopens?utm_source=rss</link>
    <pubDate>Fri, 20 Nov 2026 08:30:00 +0100</pubDate></item>
  <item><title>  </title><link>/2026/11/19/relative-story</link></item>
  <item><title>No link</title></item>
  <item><title>Guid only</title><guid isPermaLink="true">https://ex.test/p/4821</guid></item>
</channel></rss>"#;

    #[test]
    fn rss2_feed() {
        let base = Url::parse("https://ex.test/feed/").unwrap();
        let items = parse_feed(RSS.as_bytes(), Some(&base), MB).unwrap();
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[0].url, "https://ex.test/2026/11/20/harbour-reopens");
        assert_eq!(items[0].title.as_deref(), Some("Harbour reopens"));
        assert_eq!(
            items[0].published.map(|d| d.timestamp()),
            Some(dt("2026-11-20T07:30:00Z").timestamp())
        );
        assert_eq!(items[1].url, "https://ex.test/2026/11/19/relative-story");
        assert_eq!(items[1].title, None);
        assert_eq!(items[1].published, None);
        assert_eq!(items[2].url, "https://ex.test/p/4821");
    }

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbour Times</title><id>urn:uuid:feed</id><updated>2026-11-20T09:00:00Z</updated>
  <entry>
    <title>Ships return</title><id>tag:ex.test,2026:1</id>
    <link rel="self" href="https://ex.test/api/entries/1"/>
    <link rel="alternate" type="text/html" href="/2026/11/20/ships-return"/>
    <link rel="enclosure" href="https://ex.test/audio.mp3"/>
    <updated>2026-11-20T09:00:00Z</updated>
  </entry>
  <entry>
    <title>Published wins</title><id>tag:ex.test,2026:2</id>
    <link href="story-two.html"/>
    <published>2026-11-19T10:00:00+02:00</published><updated>2026-11-20T10:00:00Z</updated>
  </entry>
  <entry><title>Tag id only</title><id>tag:ex.test,2026:3</id></entry>
</feed>"#;

    #[test]
    fn atom_feed_prefers_alternate_and_resolves_relative() {
        let base = Url::parse("https://ex.test/news/atom.xml").unwrap();
        let items = parse_feed(ATOM.as_bytes(), Some(&base), MB).unwrap();
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(items[0].url, "https://ex.test/2026/11/20/ships-return");
        assert_eq!(
            items[0].published,
            Some(dt("2026-11-20T09:00:00Z")),
            "updated as fallback"
        );
        assert_eq!(items[0].title.as_deref(), Some("Ships return"));
        assert_eq!(items[1].url, "https://ex.test/news/story-two.html");
        assert_eq!(
            items[1].published.map(|d| d.timestamp()),
            Some(dt("2026-11-19T08:00:00Z").timestamp())
        );
    }

    #[test]
    fn json_feed_and_gzip_feed() {
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "T",
            "items": [{"id": "1", "url": "https://ex.test/a-story", "title": "A story",
                       "date_published": "2026-11-20T08:30:00Z"}]}"#;
        let items = parse_feed(json.as_bytes(), None, MB).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].url, "https://ex.test/a-story");
        let items = parse_feed(&gzip(RSS.as_bytes()), None, MB).unwrap();
        assert_eq!(items.len(), 2, "relative link dropped without a base: {items:?}");
    }

    #[test]
    fn unparseable_feed() {
        for bad in [
            "just text",
            "<html><body>hi</body></html>",
            "{\"not\": \"a feed\"}",
        ] {
            let err = parse_feed(bad.as_bytes(), None, MB).unwrap_err();
            assert!(matches!(err, DiscoverError::Feed(_)), "{bad:?} gave {err:?}");
        }
    }

    #[test]
    fn feed_sniffing() {
        assert!(looks_like_feed(RSS.as_bytes()));
        assert!(looks_like_feed(ATOM.as_bytes()));
        assert!(looks_like_feed(&gzip(ATOM.as_bytes())));
        assert!(looks_like_feed(
            b"<?xml version=\"1.0\"?>\n<!-- c --><rdf:RDF xmlns:rdf=\"x\"><channel/></rdf:RDF>"
        ));
        assert!(looks_like_feed(
            b"\xef\xbb\xbf  {\"title\": \"x\", \"version\" : \"https://jsonfeed.org/version/1\"}"
        ));
        assert!(!looks_like_feed(NEWS.as_bytes()));
        assert!(!looks_like_feed(INDEX.as_bytes()));
        assert!(!looks_like_feed(b"{\"version\": \"2\"}"));
        assert!(!looks_like_feed(b"https://ex.test/a\n"));
        assert!(!looks_like_feed(b""));
        assert!(!looks_like_feed(&[0x1f, 0x8b, 0, 0]));
    }

    #[test]
    fn feed_links_from_html() {
        let html = Html::parse_document(
            r#"<html><head>
            <link rel="alternate" type="application/rss+xml" title="All" href="/feed/">
            <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://ex.test/atom.xml">
            <link rel="alternate" type="application/feed+json" href="feed.json">
            <link rel="alternate" type="text/html" hreflang="de" href="/de/">
            <link rel="stylesheet" type="text/css" href="/s.css">
            <link rel="alternate" type="application/rss+xml" href="/feed/#dup">
            <link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
            <link rel="alternate" type="application/rss+xml">
            </head><body><a rel="alternate" type="application/rss+xml" href="/body-a">x</a></body></html>"#,
        );
        let base = Url::parse("https://ex.test/news/").unwrap();
        let links: Vec<String> = feed_links(&html, &base).iter().map(Url::to_string).collect();
        assert_eq!(
            links,
            [
                "https://ex.test/feed/",
                "https://ex.test/atom.xml",
                "https://ex.test/news/feed.json"
            ]
        );
    }

    #[test]
    fn conventional_paths_are_absolute() {
        assert!(CONVENTIONAL_SITEMAPS
            .iter()
            .chain(CONVENTIONAL_FEEDS)
            .all(|p| p.starts_with('/')));
    }
}
