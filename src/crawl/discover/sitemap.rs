//! Sitemaps: XML (`<urlset>`, `<sitemapindex>`, Google News tags) stream-parsed with
//! quick-xml by local names, or plain text (one URL per line); and the W3C Datetime of their
//! `<lastmod>` and `<news:publication_date>`.

use super::{decompress, skip_bom_and_space, DiscoverError, MAX_ENTRIES_PER_FILE};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;
use std::borrow::Cow;
use url::Url;

/// Deepest element nesting accepted in a sitemap; real ones nest 4 deep, so this only bounds the
/// element stack of hostile input.
const MAX_XML_DEPTH: usize = 64;

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
